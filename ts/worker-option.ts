/**
 * The `worker` option: where an authority lives, checked without loading
 * anything that worker mode needs (comlink comes with worker mode only).
 */
import type { HostMessagePort } from './host-types.ts';
import type { Storage } from './storage.ts';

/** A Node `worker_threads.Worker`, described by what is used of it. */
export interface NodeWorkerLike {
  threadId: number;
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
}

/**
 * A Web `Worker`, described by what is used of it, so that these types hold
 * where the DOM library is not loaded (Node, workerd).
 */
export interface WebWorkerLike extends MessageEndpoint {
  terminate(): void;
}

/**
 * One end of a message channel, described by what is used of it: a Web
 * Worker, its `self`, a MessagePort, or a Node worker thread's `parentPort`.
 */
export interface MessageEndpoint {
  postMessage(message: any, transfer: any[]): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
}

/**
 * One authority shared by the tabs of an origin (with `storage`): `shared`
 * names it; `via` picks where it lives, by default a SharedWorker where the
 * browser has one, else a leader tab elected with Web Locks. See tabs.ts.
 */
export interface SharedOption {
  shared: string;
  via?: 'shared-worker' | 'web-locks';
}

/** Where an authority lives: the package's own worker, your Worker or Node worker thread, a port to one, or one shared by tabs. */
export type WorkerOption = true | WebWorkerLike | NodeWorkerLike | HostMessagePort | SharedOption;

export const isNodeWorker = (value: unknown): value is NodeWorkerLike =>
  typeof value === 'object' && value !== null && typeof (value as NodeWorkerLike).on === 'function' && typeof (value as NodeWorkerLike).threadId === 'number';

export const isWebWorker = (value: unknown): value is WebWorkerLike => typeof Worker === 'function' && value instanceof Worker;

export const isPort = (value: unknown): value is HostMessagePort => typeof MessagePort === 'function' && value instanceof MessagePort;

/** Whether the worker option is `{ shared }` (tabs sharing one authority). */
export const isShared = (value: unknown): value is SharedOption =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && 'shared' in value;

/**
 * Checks the `worker` and `storage` options, together: where the authority
 * lives and where it keeps its state. Messages name what is accepted.
 */
export function checkAuthorityOptions(worker: unknown, storage: unknown): void {
  checkWorkerOption(worker);
  const missing =
    typeof storage === 'object' && storage !== null ? (['load', 'start', 'save'] as const).filter((m) => typeof (storage as Partial<Storage>)[m] !== 'function') : ['load', 'start', 'save'];
  if (storage !== undefined && missing.length > 0) {
    throw new TypeError(`TheusEngine: option 'storage' must be a storage such as durableObjectStorage(ctx.storage), an object with load, start and save; this one lacks ${missing.join(', ')}`);
  }
  const shared = isShared(worker);
  if (shared && storage === undefined) {
    throw new TypeError(
      "TheusEngine: option 'worker: { shared }' needs 'storage' (such as indexedDbStorage(name) from theus/storage/indexeddb): the tabs' authority resumes from it whenever it moves",
    );
  }
  // The authority keeps the storage, and a worker's authority cannot reach one made here.
  if (storage !== undefined && !shared && worker !== undefined && worker !== false) {
    throw new TypeError(
      "TheusEngine: options 'storage' and 'worker' cannot be combined: the authority in the worker cannot reach a storage made on this thread (worker: { shared } can, for tabs)",
    );
  }
}

/** Checks a `worker` option; the message names what is accepted. */
function checkWorkerOption(value: unknown): void {
  if (value === undefined || value === false || value === true || isNodeWorker(value) || isWebWorker(value) || isPort(value)) return;
  if (isShared(value)) return checkShared(value);
  throw new TypeError(`TheusEngine: option 'worker' must be true, a Worker, a Node worker_threads Worker, a MessagePort or { shared: 'name' }, got ${describe(value)}`);
}

function checkShared(value: SharedOption): void {
  const { shared, via } = value;
  const extra = Object.keys(value).find((key) => key !== 'shared' && key !== 'via');
  if (extra !== undefined) throw new TypeError(`TheusEngine: unknown option 'worker.${extra}'; { shared } takes shared and via`);
  if (typeof shared !== 'string' || shared === '') throw new TypeError(`TheusEngine: option 'worker.shared' must be a non-empty string naming the state the tabs share, got ${describe(shared)}`);
  if (via !== undefined && via !== 'shared-worker' && via !== 'web-locks') throw new TypeError(`TheusEngine: option 'worker.via' must be 'shared-worker' or 'web-locks', got ${String(via)}`);
  // Deno has both, but its locks and channels stay inside one process: there are no tabs there to share with.
  const hasLocks =
    typeof BroadcastChannel === 'function' && typeof (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks === 'object' && !('Deno' in globalThis);
  const hasShared = typeof (globalThis as { SharedWorker?: unknown }).SharedWorker === 'function';
  if (via === 'shared-worker' ? !hasShared : via === 'web-locks' ? !hasLocks : !hasShared && !hasLocks) {
    throw new TypeError(
      `TheusEngine: option 'worker: { shared }' shares one authority between the tabs of a browser, and this runtime has ${via === 'web-locks' ? 'no Web Locks (navigator.locks) or BroadcastChannel' : via === 'shared-worker' ? 'no SharedWorker' : 'neither SharedWorker nor Web Locks'}; ` +
        'here use the storage alone (one engine is the authority), worker: true, or a MessagePort to an authority served with serve()',
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return "''";
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}
