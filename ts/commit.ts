/**
 * Replaying patches (a commit rebased onto a newer state, another replica's
 * commit, users' history) and reading values at a path.
 */
import { draftViolation, openDraft } from './draft.ts';
import { finish } from './finish.ts';
import type { Patches } from './patch.ts';

/**
 * Applies patches (such as a commit's `patches` or `inversePatches` from
 * `engine.history`) to a state, returning a new state and leaving the given
 * one untouched. Class instances are copied with their prototype, as in
 * commits. A path through a key that leads to a prototype (`__proto__`,
 * `constructor`) is a ContractViolationError; a malformed patch, a TypeError.
 *
 * @example
 * ```ts
 * const [last] = engine.history.slice(-1);
 * const before = applyPatches(engine.state, last.inversePatches);
 * ```
 */
export function applyPatches<T extends object>(state: T, patches: Patches): T {
  const { draft, state: root } = openDraft(state);
  try {
    applyTo(draft, patches);
  } catch (error) {
    finish(root, false);
    throw draftViolation(error, 'applyPatches') ?? error;
  }
  return finish<T>(root, false);
}

/**
 * Applies patches to a draft, in order. An array `add` inserts at its index
 * (as Immer's patches mean it); a key that leads nowhere is an error naming
 * the patch, never a silent skip.
 */
export function applyTo(draft: object, patches: Patches): void {
  for (const patch of patches) {
    const { path, op } = patch;
    if (!Array.isArray(path) || path.length === 0) throw new TypeError(`a patch needs a non-empty path, got ${JSON.stringify(path)}`);
    const parent = valueAt(draft, path.slice(0, -1)) as any;
    const key = path[path.length - 1];
    if (typeof parent !== 'object' || parent === null) throw new TypeError(`a patch's path leads nowhere: ${JSON.stringify(path)}`);
    if (parent instanceof Map) {
      if (op === 'remove') parent.delete(key);
      else parent.set(key, patch.value);
    } else if (Array.isArray(parent) && op !== 'replace' && typeof key === 'number') {
      if (op === 'add') parent.splice(key, 0, patch.value);
      else parent.splice(key, 1);
    } else if (op === 'remove') {
      delete parent[key];
    } else if (op === 'add' || op === 'replace') {
      parent[key] = patch.value;
    } else {
      throw new TypeError(`a patch's op is 'add', 'replace' or 'remove', not ${JSON.stringify(op)}`);
    }
  }
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
