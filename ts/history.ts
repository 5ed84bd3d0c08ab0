/**
 * The commit log: what each committed transaction changed, as Immer-shaped
 * patches with their inverses, in a ring buffer of `historyLimit` entries.
 * Records are frozen through their patches, so that no reader (nor a
 * subscriber, who sees the same arrays) can rewrite the log.
 */
import type { Patches } from './patch.ts';

/** One committed transaction. */
export interface CommitRecord {
  version: number;
  /** The process name, the `requester` of a compareAndSwap, or null for `edit`. */
  process: string | null;
  patches: Patches;
  /** Applied to the state after this commit, these give the state before it. */
  inversePatches: Patches;
  /** `Date.now()` at commit, on the authority's clock. */
  at: number;
}

/** Freezes a patch list, each patch and each path (values are state, frozen by the store). */
function freezePatches(patches: Patches): Patches {
  for (const patch of patches) {
    Object.freeze(patch.path);
    Object.freeze(patch);
  }
  return Object.freeze(patches) as Patches;
}

export class History {
  readonly #entries: CommitRecord[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Keeps a record (frozen); returns it. */
  push(record: CommitRecord): CommitRecord {
    // Records are made by the engine for the log, so they are frozen in place.
    freezePatches(record.patches);
    freezePatches(record.inversePatches);
    const frozen = Object.freeze(record);
    if (this.#limit === 0) return frozen;
    // Ring buffer semantics; a shift is cheap at these sizes next to a commit.
    if (this.#entries.length === this.#limit) this.#entries.shift();
    this.#entries.push(frozen);
    return frozen;
  }

  /** Oldest first; a copy. */
  entries(): CommitRecord[] {
    return [...this.#entries];
  }
}
