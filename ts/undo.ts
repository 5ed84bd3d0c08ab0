/**
 * Undo and redo of an engine's own commits. An undo is a new commit of the
 * inverse patches of the engine's last own commit; a redo, a new commit of
 * the inverse patches of the last undo. Each is made only if every path the
 * undone commit wrote still holds what that commit left there: otherwise
 * someone changed it since, and putting the old value back would silently
 * overwrite their change, so it is a ConflictError. The check runs inside
 * the transaction, on its snapshot, so a commit that lands meanwhile makes
 * the transaction run again and check again.
 *
 * Both stacks are in version order (an undo or redo commit is always the
 * newest of its stack), which is how an entry whose step failed goes back
 * to its place even if other commits were recorded meanwhile.
 */
import type { Patches } from './patch.ts';
import { valueAt } from './commit.ts';
import type { Root } from './store.ts';

/** An undo or a redo. */
export type UndoStep = 'undo' | 'redo';

/** A commit this engine made, as undo needs it. */
export interface OwnCommit {
  version: number;
  patches: Patches;
  inversePatches: Patches;
  /**
   * What the commit left at each of its patches' paths: references into
   * the state it made, not that state, which (held for every step) would
   * keep alive every copy each commit made.
   */
  after: unknown[];
}


/**
 * A stack in version order that keeps at most `limit` entries. Entries
 * beyond the limit are dropped from the front in batches, so that a push
 * costs O(1) amortised rather than a shift of the whole stack each time.
 */
class BoundedStack {
  #entries: OwnCommit[] = [];
  /** How many entries at the front are beyond the limit, and no longer count. */
  #dropped = 0;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get size(): number {
    return this.#entries.length - this.#dropped;
  }

  /** Inserts in version order (an entry is nearly always the newest). */
  keep(commit: OwnCommit): void {
    const entries = this.#entries;
    let at = entries.length;
    while (at > this.#dropped && entries[at - 1].version > commit.version) at -= 1;
    // The common case, the newest, is a push: a splice costs several times more.
    if (at === entries.length) entries.push(commit);
    else entries.splice(at, 0, commit);
    this.#dropped = Math.max(this.#dropped, entries.length - this.#limit);
    if (this.#dropped >= this.#limit) {
      this.#entries = entries.slice(this.#dropped);
      this.#dropped = 0;
    }
  }

  pop(): OwnCommit | undefined {
    return this.size > 0 ? this.#entries.pop() : undefined;
  }

  clear(): void {
    this.#entries = [];
    this.#dropped = 0;
  }
}

export class UndoHistory {
  readonly #undoable: BoundedStack;
  readonly #redoable: BoundedStack;
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
    this.#undoable = new BoundedStack(limit);
    this.#redoable = new BoundedStack(limit);
  }

  get canUndo(): boolean {
    return this.#undoable.size > 0;
  }

  get canRedo(): boolean {
    return this.#redoable.size > 0;
  }

  /**
   * Keeps an own commit: an undo's is what a redo takes back; any other
   * one can be undone, and (unless it is a redo) ends what could be redone,
   * as in every editor.
   */
  record(version: number, patches: Patches, inversePatches: Patches, root: Root, step: UndoStep | undefined): void {
    if (patches.length === 0 || this.#limit === 0) return;
    if (step === undefined) this.#redoable.clear();
    // What the commit left is read only for a commit that is kept.
    const after = patches.map((patch) => valueAt(root, patch.path as unknown[]));
    (step === 'undo' ? this.#redoable : this.#undoable).keep({ version, patches, inversePatches, after });
  }

  /** Takes the commit an undo (or redo) reverses, so that two steps never reverse the same one. */
  take(step: UndoStep): OwnCommit | undefined {
    return (step === 'undo' ? this.#undoable : this.#redoable).pop();
  }

  /** Puts back a commit whose step failed. */
  giveBack(step: UndoStep, commit: OwnCommit): void {
    (step === 'undo' ? this.#undoable : this.#redoable).keep(commit);
  }
}
