/**
 * Between threads, values travel by structured clone. It keeps plain data,
 * arrays, Map, Set, Date, RegExp, binary data and errors; it copies a class
 * instance as a plain object (its prototype stays behind); and it refuses
 * functions, symbols, promises and weak collections. What it refuses is
 * refused here first, with the path where it was found, so that the error
 * says what to change instead of failing deep inside postMessage.
 */
import type { Patches } from './patch.ts';

const refusedKind = (value: unknown): string | undefined => {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof Promise) return 'a Promise';
  if (value instanceof WeakMap) return 'a WeakMap';
  if (value instanceof WeakSet) return 'a WeakSet';
  if (typeof WeakRef === 'function' && value instanceof WeakRef) return 'a WeakRef';
  return undefined;
};

/**
 * Why `value` cannot cross to another thread, naming where in it the
 * offending value is; undefined if it can. Cycles are fine.
 */
export function unclonable(value: unknown, at = ''): string | undefined {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[value, at]];
  while (stack.length > 0) {
    const [node, where] = stack.pop()!;
    const kind = refusedKind(node);
    if (kind) return `${kind} at ${where || 'the top'} cannot cross to another thread (only data can: plain objects, arrays, Map, Set, Date, RegExp, binary data)`;
    if (typeof node !== 'object' || node === null || seen.has(node) || ArrayBuffer.isView(node) || node instanceof ArrayBuffer) continue;
    seen.add(node);
    if (node instanceof Map) {
      for (const [k, v] of node) stack.push([k, `${where}<key>`], [v, `${where}.${String(k)}`]);
    } else if (node instanceof Set) {
      for (const v of node) stack.push([v, `${where}<element>`]);
    } else {
      for (const key of Object.keys(node)) stack.push([(node as Record<string, unknown>)[key], where ? `${where}.${key}` : key]);
    }
  }
  return undefined;
}

/** Why a commit's patches cannot cross to another thread, or undefined. */
/** Why a replica cannot send these patches to its authority in another thread, if it cannot. */
export function unsendableToAuthority(patches: Patches): string | undefined {
  const why = unclonablePatches(patches);
  return why && `${why}; the authority runs in another thread, so nothing was committed`;
}

export function unclonablePatches(patches: Patches): string | undefined {
  for (const patch of patches) {
    const why = 'value' in patch ? unclonable(patch.value, (patch.path as unknown[]).map(String).join('.')) : undefined;
    if (why) return why;
  }
  return undefined;
}
