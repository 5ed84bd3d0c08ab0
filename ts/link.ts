/**
 * The thread an authority lives in, seen from a replica: the endpoint
 * comlink talks through, and the ways that thread can die (so that pending
 * calls fail instead of hanging). `worker: true` starts the package's own
 * worker: a module Web Worker where the runtime has them (browsers, Deno,
 * Bun), a worker thread in Node.
 */
import type { Endpoint } from 'comlink';
import * as nodeAdapter from 'comlink/dist/esm/node-adapter.mjs';
import { TheusError } from './errors.ts';
import { builtin } from './runtime.ts';

/** A Node `worker_threads.Worker`, described by what is used of it. */
export interface NodeWorkerLike {
  threadId: number;
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  terminate(): Promise<number>;
}

/** Where an authority lives: the package's own worker, your Worker or Node worker thread, or a port to one. */
export type WorkerOption = true | Worker | NodeWorkerLike | MessagePort;

export interface Link {
  endpoint: Endpoint;
  /** Calls `onDeath` once, with the reason, when the thread dies or is terminated. */
  watch(onDeath: (why: string) => void): void;
  /** Terminates the thread, if this link started it. */
  stop(): void;
}

// comlink's adapter for Node's EventEmitter-style workers. Its declarations
// are CommonJS-style, which tsc and Deno read differently: take the default
// export as the function it is.
const nodeEndpoint = (nodeAdapter as unknown as { default: (nep: unknown) => Endpoint }).default;

const isNodeWorker = (value: unknown): value is NodeWorkerLike =>
  typeof value === 'object' && value !== null && typeof (value as NodeWorkerLike).on === 'function' && typeof (value as NodeWorkerLike).threadId === 'number';

const isWebWorker = (value: unknown): value is Worker =>
  typeof Worker === 'function' && value instanceof Worker;

const isPort = (value: unknown): value is MessagePort =>
  typeof MessagePort === 'function' && value instanceof MessagePort;

/** Checks a `worker` option; the message names what is accepted. */
export function checkWorkerOption(value: unknown): WorkerOption | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || isNodeWorker(value) || isWebWorker(value) || isPort(value)) return value;
  throw new TypeError(`TheusEngine: option 'worker' must be true, a Worker, a Node worker_threads Worker or a MessagePort, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

/** Opens a link to where the authority lives (starting the package's worker for `true`). */
export function linkTo(option: WorkerOption): Link {
  if (option === true) return ownWorker();
  if (isNodeWorker(option)) return nodeWorkerLink(option, false);
  if (isPort(option)) return portLink(option);
  return webWorkerLink(option, false);
}

function ownWorker(): Link {
  if (typeof Worker === 'function') {
    // This exact form lets bundlers find the worker and ship it (the build
    // rewrites the extension in dist/).
    return webWorkerLink(new Worker(new URL('./worker-main.ts', import.meta.url), { type: 'module', name: 'theus' }), true);
  }
  const threads = builtin<{ Worker: new (url: URL, options?: object) => NodeWorkerLike }>('node:worker_threads');
  if (threads) {
    // Node cannot run TypeScript in a worker thread: it always runs the built file.
    return nodeWorkerLink(new threads.Worker(new URL('../dist/worker-main.js', import.meta.url), { name: 'theus' }), true);
  }
  throw new TheusError("worker: true needs Web Workers or Node worker threads, and this runtime has neither; pass a MessagePort to an authority (see serve() in 'theus/worker')");
}

/** Calls `onDeath` when `terminate()` is called on `worker` by anyone: browsers fire no event for it. */
function onTerminate(worker: { terminate(): unknown }, onDeath: (why: string) => void): void {
  const terminate = worker.terminate.bind(worker);
  Object.defineProperty(worker, 'terminate', {
    configurable: true,
    writable: true,
    value: () => {
      onDeath('the worker was terminated');
      return terminate();
    },
  });
}

function webWorkerLink(worker: Worker, owned: boolean): Link {
  return {
    endpoint: worker,
    watch(onDeath) {
      onTerminate(worker, onDeath);
      worker.addEventListener('error', (event) => {
        event.preventDefault?.();
        onDeath(`the worker failed: ${(event as ErrorEvent).message || 'an uncaught error (or its script could not load)'}`);
      });
      worker.addEventListener('messageerror', () => onDeath('the worker sent a message that could not be read'));
    },
    stop: () => owned && worker.terminate(),
  };
}

function nodeWorkerLink(worker: NodeWorkerLike, owned: boolean): Link {
  return {
    endpoint: nodeEndpoint(worker),
    watch(onDeath) {
      onTerminate(worker, onDeath);
      worker.on('error', (error: unknown) => onDeath(`the worker thread failed: ${error instanceof Error ? error.message : String(error)}`));
      worker.on('exit', (code: number) => onDeath(`the worker thread exited (code ${code})`));
    },
    stop: () => void (owned && worker.terminate()),
  };
}

function portLink(port: MessagePort): Link {
  return {
    endpoint: port,
    watch(onDeath) {
      // Node's ports, and recent browsers', say when the other end is gone.
      port.addEventListener('close', () => onDeath('the port to the authority was closed'));
    },
    stop: () => port.close(),
  };
}
