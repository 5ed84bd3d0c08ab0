/**
 * The errors Theus throws. Every engine error extends {@link TheusError}, so
 * `catch (e) { if (e instanceof TheusError) ... }` tells engine errors from a
 * process's own errors (which `execute` passes through untouched).
 *
 * The messages themselves are written once, in the Rust core; this file only
 * gives them the right class.
 */
import type { EngineError } from './core.ts';

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

/** Where in a workflow an error is. */
export interface WorkflowErrorDetails extends TheusErrorDetails {
  /** Keys and indices from the workflow's root to the faulty node, e.g. `['steps', 2, 'condition']`. */
  location?: (string | number)[];
  /** The 0-based character offset in the condition, for a condition error. */
  offset?: number;
  /** 1-based line and column in the YAML source, where there is one. */
  line?: number;
  column?: number;
}

/**
 * An invalid workflow (YAML syntax, an unknown key, a bad step) or
 * condition (syntax, an unknown name, anything that looks like a call), or a
 * condition that cannot be evaluated. The message quotes the condition;
 * `line`/`column` point into the YAML where known.
 *
 * @example
 * ```ts
 * await engine.executeWorkflow('steps:\n  - flux: if\n    condition: "__import__(\'os\')"\n    then: [a]');
 * // WorkflowError: condition '__import__('os')' at steps[0].condition (character 1): unknown name '__import__' ... (line 3, column 16)
 * ```
 */
export class WorkflowError extends TheusError {
  declare readonly location?: (string | number)[];
  declare readonly offset?: number;
  declare readonly line?: number;
  declare readonly column?: number;

  constructor(message: string, details: WorkflowErrorDetails = {}) {
    super(message, details);
    if (details.location !== undefined) this.location = details.location;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.line !== undefined) this.line = details.line;
    if (details.column !== undefined) this.column = details.column;
  }
}

/**
 * A workflow ran more than `maxOps` operations (one per step and per loop
 * iteration): the guard against infinite loops. Steps already run stay
 * committed.
 */
export class FluxSafetyTripError extends TheusError {}

/** What an audit error carries besides its message. */
export interface AuditErrorDetails extends TheusErrorDetails {
  /** The field of the rule that fired. */
  rule?: string;
}

/**
 * Base of the three audit errors: a recipe rule fired at level S, A or B.
 * Nothing of the transaction was committed.
 */
export class AuditError extends TheusError {
  /** The field of the rule that fired, when a rule did. */
  declare readonly rule?: string;

  constructor(message: string, details: AuditErrorDetails = {}) {
    super(message, { ...details, path: details.path ?? details.rule });
    if (details.rule) this.rule = details.rule;
  }
}

/** Level S: the engine refuses every execution until `engine.audit.reset()`. */
export class AuditStopError extends AuditError {}

/** Level A: the transaction is not committed, and a running workflow is aborted. */
export class AuditAbortError extends AuditError {}

/**
 * Level B, when the process's violation count reaches `threshold_max`: the
 * transaction is not committed (below it, violations are only logged).
 *
 * @example
 * ```ts
 * try { await engine.execute(addProduct, { price: -1 }); }
 * catch (e) { if (e instanceof AuditBlockError) console.log(e.rule, e.message); }
 * ```
 */
export class AuditBlockError extends AuditError {}

// Names are set by hand, not from `new.target.name`: minifiers rename classes,
// and `error.name` must survive a production bundle.
for (const [errorClass, name] of [
  [TheusError, 'TheusError'],
  [ContractViolationError, 'ContractViolationError'],
  [ProcessNotFoundError, 'ProcessNotFoundError'],
  [ConflictError, 'ConflictError'],
  [WorkflowError, 'WorkflowError'],
  [FluxSafetyTripError, 'FluxSafetyTripError'],
  [AuditError, 'AuditError'],
  [AuditStopError, 'AuditStopError'],
  [AuditAbortError, 'AuditAbortError'],
  [AuditBlockError, 'AuditBlockError'],
] as const) {
  Object.defineProperty(errorClass.prototype, 'name', { value: name, writable: true, configurable: true });
}

/** The audit error of a level. */
export function auditError(level: 'S' | 'A' | 'B', message: string, details: AuditErrorDetails): AuditError {
  const ErrorClass = level === 'S' ? AuditStopError : level === 'A' ? AuditAbortError : AuditBlockError;
  return new ErrorClass(message, details);
}

/** Whether a value is an error object of the core (see rust/engine/src/error.rs). */
export function isCoreError(value: unknown): value is EngineError {
  return typeof value === 'object' && value !== null && 'kind' in value && 'message' in value && typeof (value as EngineError).message === 'string';
}

/** A thrown core error object as its error class; anything else as it is. */
export const classed = (thrown: unknown): unknown => (isCoreError(thrown) ? fromCore(thrown) : thrown);

/**
 * The error class of a refusal the core reported as data. `InvalidArgument`
 * (a malformed call) is a TypeError.
 */
export function fromCore(error: EngineError): Error {
  const details = { process: error.process, path: error.path };
  switch (error.kind) {
    case 'ContractViolation':
      return new ContractViolationError(error.message, details);
    case 'InvalidArgument':
      return new TypeError(error.message);
    case 'ProcessNotFound':
      return new ProcessNotFoundError(error.message, details);
    case 'Conflict':
      return new ConflictError(error.message, details);
    case 'Workflow':
      return new WorkflowError(error.message, { location: error.location, offset: error.offset });
    case 'FluxSafetyTrip':
      return new FluxSafetyTripError(error.message);
    case 'AuditStop':
    case 'AuditAbort':
    case 'AuditBlock':
      return auditError(error.kind === 'AuditStop' ? 'S' : error.kind === 'AuditAbort' ? 'A' : 'B', error.message, { process: error.process, rule: error.path });
  }
}

