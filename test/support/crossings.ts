// Counts calls into the WebAssembly core by wrapping the methods of the
// wasm-bindgen Core class (every call into the core goes through one).
import { Core } from '../../ts/core.ts';

export function countCrossings(): { readonly count: number; readonly calls: string[]; restore(): void } {
  const proto = Core.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const names = Object.getOwnPropertyNames(proto).filter((n) => n !== 'constructor' && typeof proto[n] === 'function');
  const originals = new Map(names.map((n) => [n, proto[n]]));
  const calls: string[] = [];
  for (const [name, original] of originals) {
    proto[name] = function (this: unknown, ...args: unknown[]) {
      calls.push(name);
      return original.apply(this, args);
    };
  }
  return {
    get count() {
      return calls.length;
    },
    calls,
    restore() {
      for (const [name, original] of originals) proto[name] = original;
    },
  };
}
