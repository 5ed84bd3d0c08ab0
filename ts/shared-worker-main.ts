/**
 * The package's own SharedWorker (`worker: { shared }` where the browser has
 * SharedWorker): one authority for every tab that connects, resumed from the
 * storage the first tab describes (its `recipe`).
 */
import { expose } from 'comlink';
import { TheusError } from './errors.ts';
import { init, providePackagedWasm } from './init.ts';
import type { HostEndpoint, StartMessage } from './remote.ts';
import { storageFrom } from './storage-recipes.ts';
import { TabHost } from './tab-host.ts';

// The tabs' compiled core cannot cross to a SharedWorker (another agent
// cluster): it loads the packaged one, in the form bundlers ship (see index.ts).
providePackagedWasm(() => new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url));

let host: Promise<TabHost> | undefined;

const scope = globalThis as unknown as { onconnect: ((event: MessageEvent) => void) | null };
scope.onconnect = (event) => {
  const port = event.ports[0]!;
  // Until the first start has answered, calls wait for it (each tab's start comes first on its port).
  let endpoint: HostEndpoint | undefined;
  const calls = new Proxy({} as HostEndpoint, {
    get: (_, key: keyof HostEndpoint) =>
      key === 'start'
        ? async ({ config, root, recipe }: StartMessage) => {
            if (!recipe) throw new TheusError("this SharedWorker hosts tabs' authorities: its first call must carry the storage's recipe");
            host ??= init().then(() => TabHost.open(storageFrom(recipe), config, root));
            try {
              endpoint = (await host).endpoint();
            } catch (error) {
              // A start that failed is not kept: the next tab tries again.
              host = undefined;
              throw error;
            }
            return {};
          }
        : (...args: unknown[]) => {
            if (!endpoint) throw new TheusError('this tab has not started the shared authority');
            return (endpoint[key] as (...a: unknown[]) => unknown)(...args);
          },
  });
  expose(calls, port);
};
