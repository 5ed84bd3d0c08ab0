/**
 * Between threads, values travel by structured clone, which keeps plain
 * data, arrays, Map, Set, Date, RegExp, binary data and errors, but drops a
 * class instance's prototype (and with it its methods) and refuses
 * functions and symbols. A state shared across threads must not silently
 * become something else on the other side, so such values are refused
 * before they leave, with the path where they were found.
 */
import type { Patches } from 'mutative';

const CLONEABLE_PROTOTYPES: readonly (object | null)[] = [
  null,
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  Error.prototype,
  ...(typeof SharedArrayBuffer === 'function' ? [SharedArrayBuffer.prototype] : []),
];

const isErrorOrBinary = (value: object): boolean => value instanceof Error || ArrayBuffer.isView(value);

/**
 * Why `value` cannot cross to another thread unchanged, naming where in it
 * the offending value is; undefined if it can. Cycles are fine.
 */
export function unclonable(value: unknown, at = ''): string | undefined {
  const seen = new Set<object>();
  const stack: [unknown, string][] = [[value, at]];
  while (stack.length > 0) {
    const [node, where] = stack.pop()!;
    if (typeof node === 'function') return `a function at ${where || 'the top'} cannot cross to another thread`;
    if (typeof node === 'symbol') return `a symbol at ${where || 'the top'} cannot cross to another thread`;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    seen.add(node);
    const proto = Object.getPrototypeOf(node);
    if (!CLONEABLE_PROTOTYPES.includes(proto) && !isErrorOrBinary(node)) {
      const name = (proto?.constructor as { name?: string } | undefined)?.name || 'a class';
      return `the ${name} instance at ${where || 'the top'} would lose its prototype crossing to another thread (structured clone keeps plain data, arrays, Map, Set, Date, RegExp and binary data)`;
    }
    if (ArrayBuffer.isView(node) || node instanceof ArrayBuffer) continue;
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
export function unclonablePatches(patches: Patches): string | undefined {
  for (const patch of patches) {
    const why = 'value' in patch ? unclonable(patch.value, (patch.path as unknown[]).map(String).join('.')) : undefined;
    if (why) return why;
  }
  return undefined;
}
