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
import { apply, type Patches } from './mutative.ts';
import { valueAt } from './commit.ts';
import { ConflictError } from './errors.ts';
import { showPath } from './guard.ts';
import { sameValue } from './same-value.ts';
import type { Root } from './store.ts';

/** An undo or a redo. */
export type UndoStep = 'undo' | 'redo';

/** A commit this engine made, as undo needs it. */
export interface OwnCommit {
  version: number;
  patches: Patches;
  inversePatches: Patches;
  /** The state the commit made, where its written values are read. */
  root: Root;
}

export class UndoHistory {
  readonly #undoable: OwnCommit[] = [];
  readonly #redoable: OwnCommit[] = [];
  readonly #limit: number;

  constructor(limit: number) {
    this.#limit = limit;
  }

  get canUndo(): boolean {
    return this.#undoable.length > 0;
  }

  get canRedo(): boolean {
    return this.#redoable.length > 0;
  }

  /**
   * Keeps an own commit: an undo's is what a redo takes back; any other
   * one can be undone, and (unless it is a redo) ends what could be redone,
   * as in every editor.
   */
  record(commit: OwnCommit, step: UndoStep | undefined): void {
    if (commit.patches.length === 0) return;
    if (step === undefined) this.#redoable.length = 0;
    this.#keep(step === 'undo' ? this.#redoable : this.#undoable, commit);
  }

  /** Takes the commit an undo (or redo) reverses, so that two steps never reverse the same one. */
  take(step: UndoStep): OwnCommit | undefined {
    return (step === 'undo' ? this.#undoable : this.#redoable).pop();
  }

  /** Puts back a commit whose step failed. */
  giveBack(step: UndoStep, commit: OwnCommit): void {
    this.#keep(step === 'undo' ? this.#undoable : this.#redoable, commit);
  }

  #keep(stack: OwnCommit[], commit: OwnCommit): void {
    let at = stack.length;
    while (at > 0 && stack[at - 1].version > commit.version) at -= 1;
    stack.splice(at, 0, commit);
    // Bounded like the commit log: the oldest steps go first.
    if (stack.length > this.#limit) stack.splice(0, stack.length - this.#limit);
  }
}

/**
 * Writes into `draft` what reverses `commit`, after checking on `snapshot`
 * that nothing it wrote has changed since.
 *
 * @throws ConflictError naming the first path that changed.
 */
export function reverse(commit: OwnCommit, snapshot: Root, draft: Root, step: UndoStep): void {
  for (const patch of commit.patches) {
    const keys = patch.path as (string | number)[];
    if (!sameValue(valueAt(snapshot, keys), valueAt(commit.root, keys))) {
      const path = showPath(keys.map(String));
      throw new ConflictError(`${step}(): '${path}' has changed since version ${commit.version}, which ${step === 'undo' ? 'the undo' : 'the redo'} would reverse; nothing was committed`, {
        path,
      });
    }
  }
  apply(draft, commit.inversePatches);
}
