/**
 * The TypeScript half of a commit: what crosses into the core (the written
 * paths, never the values), what the core answers, and replaying patches
 * (for a commit rebased onto a newer state, and for users' history).
 */
import { apply, type Patches } from 'mutative';

/** A signal a commit set: its value is at the first `depth` keys of write `write`. */
export interface SignalRef {
  topic: string;
  write: number;
  depth: number;
}

/** What the core's commit decision can say (rust/engine/src/commit.rs). */
export type Verdict =
  | { outcome: 'committed'; version: number; signals: SignalRef[]; promoted: number[] }
  | { outcome: 'conflict'; path: string | null; version: number; retryInMs: number; ticket: number | null }
  | { outcome: 'gaveUp'; message: string; path: string | null; promoted: number[] }
  | { outcome: 'wait'; ticket: number | null }
  | { outcome: 'auditFailed'; level: 'S' | 'A' | 'B' | 'C'; rule: string | null; message: string; promoted: number[] };

/**
 * The paths patches wrote, as keys for the core, read against the state they
 * produced. Two widenings keep conflict detection sound, since a narrower
 * path could let two commits pass that must not both apply:
 * - a change to an array's shape (an element added or removed, its length
 *   set) is a write of the whole array: indices shift, so concurrent pushes,
 *   pops and splices must conflict; replacing one element stays narrow;
 * - a change inside a Set is a write of the Set (its patches find elements by
 *   position), and a Map key that is not a string or number cannot be named
 *   in a path, so the path stops at the Map.
 */
export function writtenPaths(patches: Patches, after: object): (string | number)[][] {
  return patches.map((patch) => {
    const keys = patch.path as unknown[];
    let end = keys.length;
    let node: unknown = after;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (node instanceof Set || (typeof key !== 'string' && typeof key !== 'number')) {
        end = i;
        break;
      }
      if (Array.isArray(node) && i === keys.length - 1 && (patch.op !== 'replace' || key === 'length')) {
        end = i;
        break;
      }
      node = node instanceof Map ? node.get(key) : typeof node === 'object' && node !== null ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
    }
    return keys.slice(0, end) as (string | number)[];
  });
}

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
