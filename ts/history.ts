/**
 * The commit log: what each committed transaction changed, as Immer-shaped
 * patches with their inverses, in a ring buffer of `historyLimit` entries.
 */
import type { Patches } from 'mutative';

/** One committed transaction. */
export interface CommitRecord {
  version: number;
  /** The process name, the `requester` of a compareAndSwap, or null for `edit`. */
  process: string | null;
  patches: Patches;
  /** Applied to the state after this commit, these give the state before it. */
  inversePatches: Patches;
  /** `Date.now()` at commit. */
  at: number;
}

export class History {
  readonly #entries: CommitRecord[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(record: CommitRecord): void {
    if (this.#limit === 0) return;
    // Ring buffer semantics; a shift is cheap at these sizes next to a commit.
    if (this.#entries.length === this.#limit) this.#entries.shift();
    this.#entries.push(Object.freeze(record));
  }

  /** Oldest first; a copy. */
  entries(): CommitRecord[] {
    return [...this.#entries];
  }
}
