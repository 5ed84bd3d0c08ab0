// The behaviour suite in worker mode: 'theus' resolves here instead of to
// ts/index.ts (vite.config.ts, test/deno/worker-mode.json), so every engine a
// test makes with TheusEngine.create runs its authority in the package's own
// worker. `new TheusEngine()` stays local: worker mode needs create().
import { TheusEngine } from '../../ts/index.ts';

export * from '../../ts/index.ts';

/** Tells test/support/mode.ts which mode this run is. */
export const testMode = 'worker';

const create = TheusEngine.create;
TheusEngine.create = function (this: typeof TheusEngine, sysCtx, options = {}) {
  // An engine with storage keeps its authority here: the storage is an object of this thread.
  return create.call(this, sysCtx, options.storage ? options : { worker: true, ...options });
} as typeof TheusEngine.create;
