/**
 * Replaying patches (a commit rebased onto a newer state, another replica's
 * commit, users' history) and reading values at a path.
 */
import { apply, type Patches } from 'mutative';

/** Marks class instances draftable, so drafts keep their prototype. */
export function markInstances(target: unknown, types: { immutable: 'immutable' }): 'immutable' | undefined {
  if (typeof target !== 'object' || target === null || Array.isArray(target)) return undefined;
  const proto = Object.getPrototypeOf(target);
  return proto !== null && proto !== Object.prototype && !(target instanceof Map || target instanceof Set || target instanceof Date || ArrayBuffer.isView(target) || target instanceof ArrayBuffer) ? types.immutable : undefined;
}

/**
 * Applies patches (such as a commit's `patches` or `inversePatches` from
 * `engine.history`) to a state, returning a new state and leaving the given
 * one untouched. Class instances are copied with their prototype, as in
 * commits.
 *
 * @example
 * ```ts
 * const [last] = engine.history.slice(-1);
 * const before = applyPatches(engine.state, last.inversePatches);
 * ```
 */
export function applyPatches<T extends object>(state: T, patches: Patches): T {
  return apply(state, patches, { mark: markInstances }) as T;
}

/** The value at `keys` in `root` (Map-aware), or undefined. */
export function valueAt(root: unknown, keys: readonly unknown[]): unknown {
  let node = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = node instanceof Map ? node.get(key) : (node as Record<PropertyKey, unknown>)[key as PropertyKey];
  }
  return node;
}
