/**
 * `theus/worker`: makes a worker the home of an authority. The package's
 * own worker (`worker: true`) is this plus one line; call it yourself in a
 * worker script of yours to control how the worker is built or bundled:
 *
 * @example
 * ```ts
 * // theus-worker.ts
 * import { serve } from 'theus/worker';
 * serve(self);                 // a Web Worker (browsers, Deno, Bun)
 * // serve(parentPort);        // a Node worker thread: import { parentPort } from 'node:worker_threads'
 *
 * // main thread
 * const engine = await TheusEngine.create(sysCtx, {
 *   worker: new Worker(new URL('./theus-worker.ts', import.meta.url), { type: 'module' }),
 * });
 * ```
 */
import { expose, type Endpoint } from 'comlink';
import { Authority } from './authority.ts';
import { init } from './init.ts';
import { logListenerError } from './listeners.ts';
import type { HostEndpoint, StartMessage } from './remote.ts';
import { builtin } from './runtime.ts';
import { Store } from './store.ts';
import { endpointOf } from './serve-port.ts';
import { isCoreError, TheusError } from './errors.ts';
import type { MessageEndpoint } from './worker-option.ts';

/**
 * Serves one authority on `endpoint`: the worker's global scope (`self`), a
 * Node worker thread's `parentPort`, or a MessagePort. The first engine to
 * connect starts it with its state (`TheusEngine.create(ctx, { worker })`);
 * more replicas join through `engine.connect()`.
 */
export function serve(endpoint?: MessageEndpoint): void {
  const target = (endpoint as Endpoint | undefined) ?? defaultEndpoint();
  let authority: Authority | undefined;
  const authorityOf = (): Authority => {
    if (!authority) throw new TheusError('this worker serves no authority yet (or any more): create an engine with { worker } first');
    return authority;
  };
  const host: HostEndpoint = {
    ...endpointOf(authorityOf),
    async start({ config, root, wasm }: StartMessage) {
      if (authority) throw new TheusError('this worker already serves an authority: join it with TheusEngine.join(await engine.connect())');
      await init(wasm ? { wasm } : {});
      try {
        const store = new Store(root, 0, { strict: config.strict, historyLimit: config.historyLimit, onListenerError: logListenerError });
        authority = new Authority(config, store);
        return {};
      } catch (thrown) {
        // The core's refusal of the configuration (a bad audit recipe, say), as data.
        if (isCoreError(thrown)) return { error: thrown };
        throw thrown;
      }
    },
    close() {
      authority?.dispose();
      authority = undefined;
    },
  };
  expose(host, lasting(target));
}

/**
 * The endpoint without comlink's release. A replica's proxy sends a release
 * when it is garbage-collected, long after its engine was disposed, and
 * comlink answers one by no longer listening and closing a MessagePort (a
 * Node thread's parentPort is one: the thread exits). This worker must go on
 * serving the next engine that starts an authority in it.
 */
function lasting(endpoint: Endpoint): Endpoint {
  return {
    postMessage: (message, transfer) => endpoint.postMessage(message, transfer),
    addEventListener: (type, listener, options) => endpoint.addEventListener(type, listener, options),
    removeEventListener: () => {},
    start: () => endpoint.start?.(),
  };
}

/** A worker's own scope: `self` in Web Workers, `parentPort` in Node worker threads. */
function defaultEndpoint(): Endpoint {
  const parentPort = builtin<{ parentPort: Endpoint | null }>('node:worker_threads')?.parentPort;
  if (parentPort) return parentPort;
  if (typeof (globalThis as { postMessage?: unknown }).postMessage === 'function') return globalThis as unknown as Endpoint;
  throw new TheusError('serve(): not in a worker; pass the endpoint to serve on (self, parentPort or a MessagePort)');
}
