/**
 * What a transaction wrote, as it crosses into the core: its patches in one
 * text (see rust/engine/src/wire.rs and written.rs). Each path starts with
 * its operation (`a` add, `r` replace, `d` remove) and each key with the
 * kind of container that holds it in the state the transaction produced
 * (`o` object, `a` array, `m` Map, `s` Set, `x` a key no path can name).
 * The core decides from these which path each patch counts as for conflict
 * detection. Keys are joined by U+001F, paths by U+001E, and U+001D escapes
 * any of the three inside a key: one string crosses far more cheaply than
 * nested arrays converted value by value.
 */
import type { Patches } from './patch.ts';

const OPS: Record<string, string> = { add: 'a', replace: 'r', remove: 'd' };

const escape = (key: string): string => (/[\u001d-\u001f]/.test(key) ? key.replace(/[\u001d-\u001f]/g, '\u001d$&') : key);

function holder(node: unknown): string {
  if (Array.isArray(node)) return 'a';
  if (node instanceof Map) return 'm';
  if (node instanceof Set) return 's';
  return 'o';
}

/** The patches of a transaction as wire text, read against the state they produced. */
export function encodeWritten(patches: Patches, after: object): string {
  let text = '';
  for (let p = 0; p < patches.length; p++) {
    const patch = patches[p];
    const keys = patch.path as unknown[];
    let path = OPS[patch.op] ?? 'r';
    let node: unknown = after;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (i > 0) path += '\u001f';
      const kind = holder(node);
      if ((typeof key !== 'string' && typeof key !== 'number') || kind === 's') {
        // Nothing beneath a Set or an unnameable key counts: the path ends here.
        path += kind === 's' ? 's' : 'x';
        break;
      }
      path += kind + (typeof key === 'number' ? String(key) : escape(key));
      node = node instanceof Map ? node.get(key) : typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
    text += p === 0 ? path : '\u001e' + path;
  }
  return text;
}
