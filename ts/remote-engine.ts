/**
 * Engines whose authority is elsewhere: in a worker they start, shared by
 * the tabs of a browser, or behind a port they join. Part of worker mode,
 * loaded with it: an app whose authority is local never ships this.
 */
import { unclonable } from './cloneable.ts';
import { ATTACH, checkContext, coreConfig, rootOf, type InternalOptions, type TheusEngine } from './engine.ts';
import { classed, TheusError } from './errors.ts';
import { loadedModule } from './init.ts';
import { linkTo } from './link.ts';
import type { EngineOptions, ResolvedOptions } from './options.ts';
import { RemoteUpstream } from './remote.ts';
import { tabsUpstream } from './tabs.ts';
import type { RemoteLink } from './upstream.ts';
import { isShared, type SharedOption, type WorkerOption } from './worker-option.ts';
import type { HostMessagePort } from './host-types.ts';

/**
 * `TheusEngine.create(sysCtx, { worker })`: the authority starts in the
 * worker (or, for `{ shared }`, is found among the tabs), and the engine made
 * here is its replica.
 */
export async function remoteEngine(Engine: typeof TheusEngine, sysCtx: object, options: EngineOptions, resolved: ResolvedOptions): Promise<TheusEngine> {
  checkContext(sysCtx);
  const root = rootOf(sysCtx);
  const shared = isShared(resolved.worker);
  const why = unclonable(root);
  if (why) throw new TypeError(`TheusEngine: ${shared ? 'with worker: { shared } the state crosses to other tabs' : 'in worker mode the state crosses to another thread'}, and ${why}`);
  const config = coreConfig(resolved, sysCtx);
  if (!shared) {
    const upstream = await RemoteUpstream.open(linkTo(resolved.worker as Exclude<WorkerOption, SharedOption>), {
      start: { config, root, wasm: loadedModule() },
      state: false,
      owned: true,
    }).catch((error: unknown) => {
      throw classed(error);
    });
    return attachOrClose(Engine, sysCtx, { ...options, worker: undefined }, upstream);
  }
  const upstream = await tabsUpstream(resolved.worker as SharedOption, resolved.storage!, config, root);
  const { welcome } = upstream;
  // The tabs' state as the storage held it, on the caller's own context.
  for (const [key, layer] of Object.entries(welcome.root)) if (key in sysCtx || Object.keys(layer).length > 0) (sysCtx as Record<string, unknown>)[key] = layer;
  return attachOrClose(
    Engine,
    sysCtx,
    {
      ...options,
      strictMode: welcome.strict,
      strictGuards: undefined,
      historyLimit: welcome.historyLimit,
      auditLogLimit: welcome.auditLogLimit,
      worker: undefined,
      storage: undefined,
    },
    upstream,
  );
}

/** `TheusEngine.join(port)`: a replica of the authority behind a port from `engine.connect()`. */
export async function joinedEngine(Engine: typeof TheusEngine, port: HostMessagePort, options: EngineOptions): Promise<TheusEngine> {
  if (typeof MessagePort !== 'function' || !(port instanceof MessagePort)) throw new TypeError('TheusEngine.join(port): port must be a MessagePort from engine.connect()');
  const upstream = await RemoteUpstream.open(linkTo(port), { state: true, owned: false });
  const { welcome } = upstream;
  const replicaOptions = { strictMode: welcome.strict, historyLimit: welcome.historyLimit, auditLogLimit: welcome.auditLogLimit, ...options };
  return attachOrClose(Engine, { ...welcome.root }, replicaOptions, upstream);
}

/** An engine that cannot be made (a bad option, say) leaves no worker or port behind. */
function attachOrClose(Engine: typeof TheusEngine, sysCtx: object, options: EngineOptions, upstream: RemoteLink): TheusEngine {
  try {
    return new Engine(sysCtx, { ...options, [ATTACH]: { upstream } } as InternalOptions);
  } catch (error) {
    upstream.close(error instanceof TheusError ? error : new TheusError('the engine could not be made', { cause: error }));
    throw error;
  }
}
