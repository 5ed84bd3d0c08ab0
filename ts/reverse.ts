/**
 * Taking an undo or redo step (see ts/undo.ts): in a module of its own so
 * that it loads, with the extras, only when a step is taken.
 */
import { applyTo, valueAt } from './commit.ts';
import { ConflictError, TheusError } from './errors.ts';
import { showPath } from './guard.ts';
import { sameValue } from './same-value.ts';
import type { Root } from './store.ts';
import type { OwnCommit, UndoHistory, UndoStep } from './undo.ts';

/**
 * Takes `step`: the commit it reverses comes off `history` and is
 * reversed by the transaction `commit` runs with the body it is given; it
 * goes back on `history` if that fails.
 *
 * @throws TheusError when there is nothing to take; what `commit` throws.
 */
export async function takeStep(history: UndoHistory, step: UndoStep, commit: (body: (draft: Root, snapshot: Root) => void) => Promise<unknown>): Promise<void> {
  const taken = history.take(step);
  if (!taken) throw new TheusError(`${step}(): there is nothing to ${step} (see engine.can${step === 'undo' ? 'Undo' : 'Redo'})`);
  try {
    await commit((draft, snapshot) => reverse(taken, snapshot, draft, step));
  } catch (error) {
    history.giveBack(step, taken);
    throw error;
  }
}

/**
 * Writes into `draft` what reverses `commit`, after checking on `snapshot`
 * that nothing it wrote has changed since.
 *
 * @throws ConflictError naming the first path that changed.
 */
function reverse(commit: OwnCommit, snapshot: Root, draft: Root, step: UndoStep): void {
  for (const [i, patch] of commit.patches.entries()) {
    const keys = patch.path as (string | number)[];
    if (!sameValue(valueAt(snapshot, keys), commit.after[i])) {
      const path = showPath(keys.map(String));
      throw new ConflictError(`${step}(): '${path}' has changed since version ${commit.version}, which ${step === 'undo' ? 'the undo' : 'the redo'} would reverse; nothing was committed`, {
        path,
      });
    }
  }
  applyTo(draft, commit.inversePatches);
}
