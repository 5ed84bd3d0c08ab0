/**
 * The errors Theus throws. Every engine error extends {@link TheusError}, so
 * `catch (e) { if (e instanceof TheusError) ... }` tells engine errors from a
 * process's own errors (which `execute` passes through untouched).
 *
 * The messages themselves are written once, in the Rust core; this file only
 * gives them the right class.
 */

/** Extra facts an engine error carries besides its message. */
export interface TheusErrorDetails {
  /** The process the error concerns, when there is one. */
  process?: string;
  /** The offending context path, as the user wrote it. */
  path?: string;
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * Base class of every error the engine itself throws.
 *
 * @example
 * ```ts
 * try { engine.register(badProcess); }
 * catch (e) { if (e instanceof TheusError) console.error(e.process, e.path, e.message); }
 * ```
 */
export class TheusError extends Error {
  /** The process the error concerns, when there is one. */
  declare readonly process?: string;
  /** The offending context path, as the user wrote it. */
  declare readonly path?: string;

  constructor(message: string, details: TheusErrorDetails = {}) {
    super(message, 'cause' in details ? { cause: details.cause } : undefined);
    if (details.process !== undefined) this.process = details.process;
    if (details.path !== undefined) this.path = details.path;
  }
}

/**
 * A contract is invalid (at `register`), or a process broke its contract.
 *
 * @example
 * ```ts
 * const bad = process({ inputs: ['domain_ctx.__proto__.x'] }, function bad() {});
 * engine.register(bad); // throws ContractViolationError: segment '__proto__' is forbidden
 * ```
 */
export class ContractViolationError extends TheusError {}

/**
 * `execute` (or a workflow) names a process that is not registered.
 *
 * @example
 * ```ts
 * await engine.execute('no_such_process'); // rejects with ProcessNotFoundError
 * ```
 */
export class ProcessNotFoundError extends TheusError {}

/**
 * A transaction could not commit: its conflicts outlasted `maxRetries`, or
 * `compareAndSwap` was given a stale version. Nothing was committed; the
 * message names the process and the contended path.
 *
 * @example
 * ```ts
 * try { await engine.compareAndSwap(0, { data: { 'domain_ctx.counter': 1 } }); }
 * catch (e) { if (e instanceof ConflictError) console.log(e.path); }
 * ```
 */
export class ConflictError extends TheusError {}

// Names are set by hand, not from `new.target.name`: minifiers rename classes,
// and `error.name` must survive a production bundle.
for (const [errorClass, name] of [
  [TheusError, 'TheusError'],
  [ContractViolationError, 'ContractViolationError'],
  [ProcessNotFoundError, 'ProcessNotFoundError'],
  [ConflictError, 'ConflictError'],
] as const) {
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** The plain object the Rust core throws (see rust/engine/src/error.rs). */
interface CoreErrorObject {
  kind: 'ContractViolation' | 'InvalidArgument' | 'ProcessNotFound';
  message: string;
  process?: string;
  path?: string;
}

function isCoreError(value: unknown): value is CoreErrorObject {
  return typeof value === 'object' && value !== null && 'kind' in value && 'message' in value;
}

/**
 * Runs a call into the core and rethrows what it throws as the matching
 * error class. Anything that is not a core error object (a wasm trap, say)
 * is an engine bug and is rethrown as it is, never swallowed.
 */
export function callCore<T>(call: () => T): T {
  try {
    return call();
  } catch (thrown) {
    if (!isCoreError(thrown)) throw thrown;
    const details = { process: thrown.process, path: thrown.path };
    switch (thrown.kind) {
      case 'ContractViolation':
        throw new ContractViolationError(thrown.message, details);
      case 'InvalidArgument':
        throw new TypeError(thrown.message);
      case 'ProcessNotFound':
        throw new ProcessNotFoundError(thrown.message, details);
    }
  }
}
