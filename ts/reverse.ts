/**
 * The body of an undo or redo transaction (see ts/undo.ts), in a module of
 * its own so that it loads only when a step is taken.
 */
import { applyTo, valueAt } from './commit.ts';
import { ConflictError } from './errors.ts';
import { showPath } from './guard.ts';
import { sameValue } from './same-value.ts';
import type { Root } from './store.ts';
import type { OwnCommit, UndoStep } from './undo.ts';

/**
 * Writes into `draft` what reverses `commit`, after checking on `snapshot`
 * that nothing it wrote has changed since.
 *
 * @throws ConflictError naming the first path that changed.
 */
export function reverse(commit: OwnCommit, snapshot: Root, draft: Root, step: UndoStep): void {
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
