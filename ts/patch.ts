/**
 * Patches: what a commit changed, in Immer's shape, so that tools that read
 * Immer or mutative patches read ours.
 */

/**
 * One change at a path from the context root (`['domain_ctx', 'items', 0]`).
 * Keys are object keys, array indices, or a Map's own keys; `['…', 'length']`
 * with `replace` sets an array's length. An array `add` inserts at its index.
 * A Set changes as a whole: `replace` at the Set's path with the new Set.
 */
export interface Patch {
  op: 'add' | 'replace' | 'remove';
  path: (string | number)[];
  value?: unknown;
}

/** Patches in the order they apply. */
export type Patches = Patch[];
