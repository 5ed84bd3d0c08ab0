/**
 * Engine options: checked once, with messages that name the option, and
 * turned into the core's configuration.
 */
import type { SharedOption, WorkerOption } from './worker-option.ts';
import type { Storage } from './storage.ts';
import { logListenerError, type ListenerErrorHandler } from './listeners.ts';
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

export interface ResolvedOptions {
  strict: boolean;
  strictCas: boolean;
  serializable: boolean;
  maxRetries: number;
  priorityAfter: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  historyLimit: number;
  auditLogLimit: number;
  auditRecipe: object | string | HostURL | undefined;
  worker: WorkerOption | undefined;
  storage: Storage | undefined;
  onListenerError: ListenerErrorHandler;
}

const KNOWN = [
  'strictMode',
  'strictGuards',
  'strictCas',
  'maxRetries',
  'priorityAfter',
  'isolation',
  'backoff',
  'historyLimit',
  'auditLogLimit',
  'auditRecipe',
  'worker',
  'storage',
  'onListenerError',
] as const;

function fail(message: string): never {
  throw new TypeError(`TheusEngine: ${message}`);
}

function flag(options: Record<string, unknown>, key: string): boolean | undefined {
  const value = options[key];
  if (value !== undefined && typeof value !== 'boolean') fail(`option '${key}' must be a boolean, got ${typeof value}`);
  return value as boolean | undefined;
}

function count(options: Record<string, unknown>, key: string, fallback: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(`option '${key}' must be a non-negative integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

function milliseconds(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(`option 'backoff.${key}' must be a non-negative number of milliseconds`);
  return value;
}

export function resolveOptions(options: EngineOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) fail(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const raw = options as Record<string, unknown>;
  const unknown = Object.keys(raw).find((key) => !(KNOWN as readonly string[]).includes(key));
  if (unknown !== undefined) fail(`unknown option '${unknown}'; the options are ${KNOWN.join(', ')}`);

  const strictMode = flag(raw, 'strictMode');
  const strictGuards = flag(raw, 'strictGuards');
  if (strictMode !== undefined && strictGuards !== undefined && strictMode !== strictGuards) {
    fail('strictMode and strictGuards are one option under two names; they disagree here');
  }
  const { isolation = 'snapshot', backoff = {} } = options;
  if (isolation !== 'snapshot' && isolation !== 'serializable') fail(`option 'isolation' must be 'snapshot' or 'serializable', got ${String(isolation)}`);
  if (typeof backoff !== 'object' || backoff === null) fail(`option 'backoff' must be an object such as { baseMs, maxMs }`);
  const badKey = Object.keys(backoff).find((key) => key !== 'baseMs' && key !== 'maxMs');
  if (badKey !== undefined) fail(`unknown option 'backoff.${badKey}'; backoff has baseMs and maxMs`);
  const backoffBaseMs = milliseconds(backoff.baseMs, 'baseMs', 1);
  const backoffMaxMs = milliseconds(backoff.maxMs, 'maxMs', Math.max(100, backoffBaseMs));
  if (backoffMaxMs < backoffBaseMs) fail(`option 'backoff.maxMs' (${backoffMaxMs}) is below 'backoff.baseMs' (${backoffBaseMs})`);

  return {
    strict: strictMode ?? strictGuards ?? true,
    strictCas: flag(raw, 'strictCas') ?? false,
    serializable: isolation === 'serializable',
    maxRetries: count(raw, 'maxRetries', 10),
    priorityAfter: count(raw, 'priorityAfter', 3),
    backoffBaseMs,
    backoffMaxMs,
    historyLimit: count(raw, 'historyLimit', 1000),
    auditLogLimit: count(raw, 'auditLogLimit', 1000),
    auditRecipe: recipe(options.auditRecipe),
    // Checked by create(), where the check loads with the rest of worker mode.
    worker: raw.worker === false ? undefined : (raw.worker as WorkerOption | undefined),
    storage: storageOption(raw),
    onListenerError: listenerErrorHandler(raw.onListenerError),
  };
}

/** Checks a `storage` option. */
function checkStorage(value: unknown): Storage | undefined {
  if (value === undefined) return undefined;
  const missing =
    typeof value === 'object' && value !== null ? (['load', 'start', 'save'] as const).filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function') : ['load', 'start', 'save'];
  if (missing.length > 0) {
    throw new TypeError(`TheusEngine: option 'storage' must be a storage such as durableObjectStorage(ctx.storage), an object with load, start and save; this one lacks ${missing.join(', ')}`);
  }
  return value as Storage;
}

/** Whether the worker option is `{ shared }` (tabs sharing one authority). */
export const isShared = (value: unknown): value is SharedOption =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && 'shared' in value;

function storageOption(raw: Record<string, unknown>): Storage | undefined {
  const storage = checkStorage(raw.storage);
  const shared = isShared(raw.worker);
  if (shared && !storage) fail("option 'worker: { shared }' needs 'storage' (such as indexedDbStorage(name) from theus/storage/indexeddb): the tabs' authority resumes from it whenever it moves");
  // The authority keeps the storage, and a worker's authority cannot reach one made here.
  if (storage && !shared && raw.worker !== undefined && raw.worker !== false) {
    fail("options 'storage' and 'worker' cannot be combined: the authority in the worker cannot reach a storage made on this thread (worker: { shared } can, for tabs)");
  }
  return storage;
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
