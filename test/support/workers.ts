// Workers for the worker-mode tests, started the way each runtime can:
// a module Web Worker in browsers and Deno, a worker thread in Node.
type NodeWorker = { postMessage(message: unknown): void; terminate(): Promise<number>; threadId: number; on(e: string, f: (...a: unknown[]) => void): unknown };

const threads = () =>
  (globalThis as { process?: { getBuiltinModule?(id: string): { Worker: new (url: URL) => NodeWorker } } }).process?.getBuiltinModule?.('node:worker_threads');

/** Whether this runtime has Web Workers (else Node's worker threads are used). */
export const webWorkers = typeof (globalThis as { Worker?: unknown }).Worker === 'function';

/** A worker running test/support/serve-worker: it serves an authority and crashes when sent `{ crash: true }`. */
export function servingWorker(): Worker | NodeWorker {
  if (webWorkers) return new Worker(new URL('./serve-worker.ts', import.meta.url), { type: 'module' });
  return new (threads()!.Worker)(new URL('./serve-worker.mjs', import.meta.url));
}

/** Settles when the worker reports an uncaught error (after the engine's own listener, added first, has seen it). */
export function crashed(worker: Worker | NodeWorker): Promise<void> {
  return new Promise((resolve) => {
    if ('on' in worker) worker.on('error', () => resolve());
    else worker.addEventListener('error', (event) => (event.preventDefault(), resolve()));
  });
}

/** Counts calls to `terminate` on every worker of this runtime until `restore()`. */
export function countTerminations(): { readonly count: number; restore(): void } {
  const proto = (webWorkers ? (globalThis as unknown as { Worker: { prototype: { terminate(): unknown } } }).Worker.prototype : threads()!.Worker.prototype) as {
    terminate(this: unknown): unknown;
  };
  const original = proto.terminate;
  let count = 0;
  proto.terminate = function (this: unknown) {
    count += 1;
    return original.call(this);
  };
  return {
    get count() {
      return count;
    },
    restore: () => void (proto.terminate = original),
  };
}
