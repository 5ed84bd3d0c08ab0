/**
 * A transaction as a replica runs it: the body on a draft of a snapshot,
 * then one commit request to the authority, whose core decides. On a
 * conflict the core says how long to back off; the body runs again on a
 * snapshot at least as new as the commit it collided with. The core owns
 * the transaction across attempts (its id is all the replica keeps), so
 * attempts, tickets, audit findings and timing are never sent back.
 *
 * A transaction with nothing to check before it runs (no input audit rules)
 * begins with its first commit: one call into the core per commit.
 */
import type { Outcome, ReplicaEvent } from './authority.ts';
import { unclonablePatches } from './cloneable.ts';
import { detachDrafts, draftViolation, openDraft, revokeAll } from './draft.ts';
import { finish } from './finish.ts';
import type { Patches } from './patch.ts';
import { TX_CAS, TX_PROCESS, type TxKindCode } from './core.ts';
import { ContractViolationError, fromCore, TheusError } from './errors.ts';
import { isFrozenWriteError } from './guard.ts';
import type { Root, Store } from './store.ts';
import type { UndoStep } from './undo.ts';
import type { Upstream } from './upstream.ts';
import { encodeWritten } from './written.ts';

/** What a transaction needs of the replica that runs it. */
export interface ReplicaHost {
  readonly store: Store;
  /** Throws if the engine can no longer commit (disposed, or its authority is gone). */
  upstream(what: string): Upstream;
  deliver(events: ReplicaEvent[]): void;
  /** The error to throw for `error` met during `what`: the engine's end, named after the call, or `error` itself. */
  explain(what: string, error: unknown): unknown;
  /** Told of each commit this replica made (for undo), with the step it was if it was an undo or redo. */
  committed(version: number, patches: Patches, inversePatches: Patches, root: Root, step: UndoStep | undefined): void;
}

export interface TxSpec<R> {
  kind: TxKindCode;
  /** The process's id (ContractView.id), or 0. */
  process: number;
  /** The process, or the requester of a compareAndSwap. */
  name: string | null;
  /** What the API call is called in messages: `execute()`, `edit()`, ... */
  call: string;
  /** A process's input audit values: then the transaction begins (and they are checked) before the body runs. */
  inputs?: unknown[];
  /** A compareAndSwap's expected version: the snapshot every check is made against. */
  snapshot?: number;
  /** Set for the commit of an undo or a redo. */
  step?: UndoStep;
  body(draft: Root, snapshot: Root): R | Promise<R>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function transact<R>(replica: ReplicaHost, spec: TxSpec<R>): Promise<R> {
  const { store } = replica;
  const started = performance.now();
  const isProcess = spec.kind === TX_PROCESS;
  const requester = spec.kind === TX_CAS ? spec.name : null;
  let tx = 0;
  /** Ends the transaction after its body failed, then rethrows. */
  const abort = async (error: unknown, threw: boolean): Promise<never> => {
    if (isProcess || tx !== 0) {
      let answer;
      try {
        const pending = replica.upstream(spec.call).abort(tx, spec.kind, spec.process, requester, performance.now() - started, messageOf(error), threw);
        answer = pending instanceof Promise ? await pending : pending;
      } catch {
        // The authority cannot record the failure (it is gone or lost its
        // state): the failure itself is what the caller needs to see.
        throw error;
      }
      replica.deliver(answer.events);
    }
    throw error;
  };
  try {
    if (spec.inputs) {
      const began = await replica.upstream(spec.call).begin(spec.kind, spec.process, spec.inputs);
      replica.deliver(began.events);
      if (began.verdict.outcome === 'refused') throw fromCore(began.verdict.error);
      tx = began.verdict.tx;
    }
    for (;;) {
      let upstream = replica.upstream(spec.call);
      const snapshot = store.root;
      const snapshotVersion = spec.snapshot ?? store.version;
      const { draft, state: drafted } = openDraft(snapshot);
      let result: R;
      let next: Root;
      let patches: Patches;
      let inversePatches: Patches;
      try {
        const value = spec.body(draft as Root, snapshot);
        result = detachDrafts(isThenable(value) ? await value : value) as R;
        [next, patches, inversePatches] = finish<Root>(drafted, true);
        refuseUnsendable(store, upstream, patches, spec);
      } catch (error) {
        revokeAll(drafted.session);
        const who = isProcess ? `process '${spec.name}'` : spec.call;
        const violation =
          draftViolation(error, who, spec.name ?? undefined) ??
          (isProcess && isFrozenWriteError(error)
            ? new ContractViolationError(`${who} wrote to data it may only read (a declared input, not an output): ${error.message}`, { process: spec.name ?? undefined, cause: error })
            : undefined);
        return await abort(violation ?? error, isProcess && !violation && !(error instanceof TheusError));
      }
      const made = { base: snapshot, root: next };
      // The engine may have been disposed, or lost its authority, while the body ran.
      upstream = replica.upstream(spec.call);
      let outcome: Outcome;
      try {
        const message = { tx, kind: spec.kind, process: spec.process, name: spec.name, elapsedMs: performance.now() - started, snapshot: snapshotVersion, writes: encodeWritten(patches, next), patches, inversePatches };
        const pending = upstream.commit(message, made);
        outcome = pending instanceof Promise ? await pending : pending;
      } catch (error) {
        // An authority in another thread is gone: there is nothing left to abort.
        if (upstream.remote) throw error;
        // This thread's authority refused data it could not pass on to other threads.
        return await abort(error, false);
      }
      const { verdict } = outcome;
      if (verdict.outcome === 'committed') {
        replica.committed(verdict.version, patches, inversePatches, next, spec.step);
        if (store.version < verdict.version) {
          // The authority is in another thread: install our own commit from our own data (identity kept).
          store.offer({ version: verdict.version, process: spec.name, patches, inversePatches, at: outcome.at ?? Date.now() }, made);
          await store.whenAt(verdict.version);
        }
        if (outcome.events.length > 0) replica.deliver(outcome.events);
        return result;
      }
      replica.deliver(outcome.events);
      if (verdict.outcome === 'refused') throw fromCore(verdict.error);
      if (verdict.outcome === 'wait') throw new TheusError(`${spec.call}: the authority answered 'wait', which it resolves itself; this is a bug`);
      tx = verdict.tx;
      await sleep(verdict.delayMs);
      if (store.version < verdict.version) await store.whenAt(verdict.version);
    }
  } catch (error) {
    throw replica.explain(spec.call, error);
  }
}

/**
 * Refuses, before it is sent, a commit the replica could not install whole
 * (a context layer made read-only) or that another thread could not receive.
 */
function refuseUnsendable(store: Store, upstream: Upstream, patches: Patches, spec: TxSpec<unknown>): void {
  const layer = store.unwritableLayer(patches);
  if (layer !== undefined) {
    throw new TheusError(`${spec.call}: the context object's layer '${layer}' is read-only, so this commit could not be shown on it; nothing was committed`);
  }
  if (upstream.remote) {
    const why = unclonablePatches(patches);
    if (why) throw new TheusError(`${spec.call}: ${why}; the authority runs in another thread, so nothing was committed`);
  }
}
