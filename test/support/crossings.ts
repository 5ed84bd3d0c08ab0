// Counts crossings to the core. Local mode: calls into WebAssembly, by
// wrapping the methods of the wasm-bindgen Core class (every call into the
// core goes through one). Worker mode: messages posted to the authority's
// worker (comlink names the method in each), by wrapping postMessage.
import { Core } from '../../ts/core.ts';
import { workerMode } from './mode.ts';

type Proto = Record<string, (...args: unknown[]) => unknown>;

function workerPrototypes(): Proto[] {
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): { Worker: { prototype: Proto } } } }).process;
  const web = (globalThis as unknown as { Worker?: { prototype: Proto } }).Worker;
  return web ? [web.prototype] : [node!.getBuiltinModule!('node:worker_threads').Worker.prototype];
}

export function countCrossings(): { readonly count: number; readonly calls: string[]; restore(): void } {
  const calls: string[] = [];
  const restores: (() => void)[] = [];
  const wrap = (proto: Proto, name: string, label: (args: unknown[]) => string | undefined) => {
    const original = proto[name];
    proto[name] = function (this: unknown, ...args: unknown[]) {
      const call = label(args);
      if (call !== undefined) calls.push(call);
      return original.apply(this, args);
    };
    restores.push(() => (proto[name] = original));
  };
  if (workerMode) {
    for (const proto of workerPrototypes()) wrap(proto, 'postMessage', ([message]) => (message as { path?: string[] }).path?.join('.'));
  } else {
    const proto = Core.prototype as unknown as Proto;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof proto[name] === 'function') wrap(proto, name, () => name);
    }
  }
  return {
    get count() {
      return calls.length;
    },
    calls,
    restore() {
      for (const restore of restores) restore();
    },
  };
}
