/**
 * Replaying patches (a commit rebased onto a newer state, another replica's
 * commit, users' history) and reading values at a path.
 */
import { apply, type Patches } from './mutative.ts';
import { markDraftable } from './draft.ts';

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
  return apply(state, patches, { mark: markDraftable }) as T;
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
