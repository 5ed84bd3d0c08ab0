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
import { isNodeWorker, isPort, type NodeWorkerLike, type SharedOption, type WebWorkerLike, type WorkerOption } from './worker-option.ts';
import { inViteDeps, packageUrl } from './vite-deps.ts';

export interface Link {
  endpoint: Endpoint;
  /** Calls `onDeath` once, with the reason, when the thread dies or is terminated. */
  watch(onDeath: (why: string) => void): void;
  /** Terminates the thread, if this link started it. */
  stop(): void;
  /** The channel for the authority's broadcasts, where a MessageChannel cannot reach it (tabs: tab-port.ts). */
  channel?(): { port1: MessagePort; port2: MessagePort };
}

// comlink's adapter for Node's EventEmitter-style workers. Its declarations
// are CommonJS-style, which tsc and Deno read differently: take the default
// export as the function it is.
const nodeEndpoint = (nodeAdapter as unknown as { default: (nep: unknown) => Endpoint }).default;

/** Opens a link to where the authority lives (starting the package's worker for `true`). */
export function linkTo(option: Exclude<WorkerOption, SharedOption>): Link {
  if (option === true) return ownWorker();
  if (isNodeWorker(option)) return nodeWorkerLink(option, false);
  if (isPort(option)) return portLink(option);
  return webWorkerLink(option, false);
}

function ownWorker(): Link {
  const threads = builtin<{ Worker: new (url: URL, options?: object) => NodeWorkerLike }>('node:worker_threads');
  if (typeof Worker !== 'function' && !threads) throw noWorkers('it has neither Web Workers nor Node worker threads');
  try {
    if (typeof Worker === 'function') {
      // This exact form, options written in place, lets bundlers find the
      // worker and ship it (the build rewrites the extension in dist/); not
      // Vite's dev server (vite-deps.ts).
      const worker = inViteDeps
        ? new Worker(packageUrl('dist/worker-main.js'), { type: 'module', name: 'theus' })
        : new Worker(new URL('./worker-main.ts', import.meta.url), { type: 'module', name: 'theus' });
      return webWorkerLink(worker, true);
    }
    // Node cannot run TypeScript in a worker thread: it always runs the built file.
    return nodeWorkerLink(new threads!.Worker(new URL('../dist/worker-main.js', import.meta.url), { name: 'theus' }), true);
  } catch (cause) {
    // workerd, for one, has node:worker_threads whose Worker only throws.
    throw noWorkers(cause instanceof Error ? cause.message : String(cause), cause);
  }
}

function noWorkers(why: string, cause?: unknown): TheusError {
  return new TheusError(
    `worker: true cannot start a worker in this runtime (${why}). Run the engine without the worker option ` +
      "(on Cloudflare, one engine in a Durable Object is the authority), or pass a MessagePort to an authority served with serve() from 'theus/worker'",
    cause === undefined ? undefined : { cause },
  );
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

const OWN_WORKER_FAILED =
  "the package's worker script could not load (or threw as it started); esbuild, Rollup, bun build, Parcel and import maps do not ship it: " +
  "there, start a worker of your own that calls serve() from 'theus/worker' and pass it as { worker }";

function webWorkerLink(worker: WebWorkerLike, owned: boolean): Link {
  return {
    endpoint: worker,
    watch(onDeath) {
      onTerminate(worker, onDeath);
      worker.addEventListener('error', (event) => {
        event.preventDefault?.();
        // Bun and Parcel give a message where browsers give none: the package's own worker still says what to do.
        const message = (event as ErrorEvent).message;
        const reason = owned ? (message ? `${message}; ${OWN_WORKER_FAILED}` : OWN_WORKER_FAILED) : message || 'an uncaught error (or its script could not load)';
        onDeath(`the worker failed: ${reason}`);
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
