/**
 * Engine options: checked once, with messages that name the option, and
 * turned into the core's configuration.
 */
import type { WorkerOption } from './worker-option.ts';
import type { Storage } from './storage.ts';
import { checkOptions, pathRules, type CheckedOptions } from './core.ts';
import { logListenerError, type ListenerErrorHandler } from './listeners.ts';
import { namingText } from './value-text.ts';
import type { HostURL } from './host-types.ts';

/** Exponential backoff with jitter between conflict retries. */
export interface BackoffOptions {
  /** Delay cap after the first conflict, in ms (default 1); it doubles per conflict. */
  baseMs?: number;
  /** The most a single delay can be, in ms (default 100). */
  maxMs?: number;
}

/** Options of `TheusEngine`. */
export interface EngineOptions {
  /**
   * Enforce contracts and zone rules (default `true`). `false` is research
   * mode: full access, still transactional. In strict mode committed data is
   * frozen and a contract may not read SIGNAL or META paths.
   */
  strictMode?: boolean;
  /** Alias of `strictMode` (the origin's name). */
  strictGuards?: boolean;
  /** `true`: any commit since the snapshot is a conflict; default `false`: only overlapping paths conflict. */
  strictCas?: boolean;
  /** Conflict retries before `ConflictError` (default 10). */
  maxRetries?: number;
  /** After this many conflicts a process holds priority: overlapping commits wait for it (default 3). */
  priorityAfter?: number;
  /** `'serializable'` also validates what a process read at commit, preventing write skew (default `'snapshot'`). */
  isolation?: 'snapshot' | 'serializable';
  /** Delay between conflict retries (default `{ baseMs: 1, maxMs: 100 }`). */
  backoff?: BackoffOptions;
  /** Committed transactions kept in `history` (default 1000). */
  historyLimit?: number;
  /** Records kept by `audit.getLogs()` (default 1000). */
  auditLogLimit?: number;
  /**
   * The audit recipe: an object, YAML text, or (with `TheusEngine.create`) a
   * file path or URL of YAML. See docs/audit-recipes.md.
   */
  auditRecipe?: object | string | HostURL;
  /**
   * Run the authority (the core, the authoritative state, the commit log,
   * audit, signals, workflows) in a worker: `true` for the package's own
   * worker, or your `Worker`, Node `worker_threads.Worker` (running
   * `serve()` from `theus/worker`), or a `MessagePort` to one; with
   * `storage`, `{ shared: 'name' }` for one authority shared by the tabs of
   * a browser. Needs `await TheusEngine.create(...)`. See README "Worker
   * mode" and "Tabs", and docs/architecture.md.
   */
  worker?: WorkerOption;
  /**
   * Where the state lives between runs, such as
   * `durableObjectStorage(ctx.storage)` from `theus/storage/durable-object`:
   * the engine resumes what it holds (state, version, history) onto your
   * context, and each commit is saved before `execute` resolves. Needs
   * `await TheusEngine.create(...)`; with `worker`, only `{ shared }`. See README "Storage" and docs/api.md.
   */
  storage?: Storage;
  /**
   * Where an error thrown by a listener (`subscribe`, `audit.subscribe`,
   * a workflow's `onStateChange`) goes; the engine carries on either way.
   * Default: logged with `console.error`.
   */
  onListenerError?: ListenerErrorHandler;
}

export interface ResolvedOptions extends CheckedOptions {
  auditRecipe: object | string | HostURL | undefined;
  worker: WorkerOption | undefined;
  storage: Storage | undefined;
  onListenerError: ListenerErrorHandler;
}

function fail(message: string): never {
  throw new TypeError(`TheusEngine: ${message}`);
}

/**
 * Checks the options and gives them their defaults. The core checks the
 * ones that are data (names, types, ranges: rust/wasm/src/options.rs, with
 * messages that name the option); the ones holding functions or objects of
 * this thread are checked here.
 */
export function resolveOptions(options: EngineOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const { auditRecipe, worker, storage, onListenerError, ...data } = options as Record<string, unknown>;
  const entries = Object.entries(data).filter(([, value]) => value !== undefined);
  return {
    ...checkOptions(namingText(entries, pathRules().maxValueDepth)),
    auditRecipe: recipe(auditRecipe),
    // Checked by create() (see worker-option.ts), where the check loads with the extras.
    worker: worker === false ? undefined : (worker as WorkerOption | undefined),
    storage: storage as Storage | undefined,
    onListenerError: listenerErrorHandler(onListenerError),
  };
}

function recipe(value: unknown): object | string | URL | undefined {
  if (value === undefined || typeof value === 'string' || (typeof value === 'object' && value !== null)) return value as object | string | URL | undefined;
  return fail(`option 'auditRecipe' must be an object, YAML text, a path or a URL, got ${value === null ? 'null' : typeof value}`);
}

function listenerErrorHandler(value: unknown): ListenerErrorHandler {
  if (value === undefined) return logListenerError;
  if (typeof value !== 'function') fail(`option 'onListenerError' must be a function of (error, source), got ${value === null ? 'null' : typeof value}`);
  return value as ListenerErrorHandler;
}
