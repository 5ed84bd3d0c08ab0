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
import type { Answer, Outcome, ReplicaEvent } from './authority.ts';
import { detachDrafts, draftViolation, openDraft, revokeAll, type DraftState } from './draft.ts';
import { finish } from './finish.ts';
import { extras } from './lazy-extras.ts';
import type { Patches } from './patch.ts';
import { TX_CAS, TX_PROCESS, type TxKindCode } from './core.ts';
import { fromCore, TheusError } from './errors.ts';
import type { Made, Root, Store } from './store.ts';
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
/** Whether a value is awaited as a promise would be. */
export const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** An attempt's end reached without waiting for anything, or a promise of it. */
type Ending<R> = { value: R } | Promise<R>;
const settled = <R>(ending: Ending<R>): R | Promise<R> => (ending instanceof Promise ? ending : ending.value);

/**
 * Runs a transaction to its commit or its failure. It runs synchronously as
 * far as it can: a synchronous body on a local authority commits before this
 * returns (the promise is already settled), with no microtask in between;
 * it waits only for what is asynchronous (the body, an authority in another
 * thread, storage, a backoff).
 */
export function transact<R>(replica: ReplicaHost, spec: TxSpec<R>): Promise<R> {
  try {
    const ending = new Transaction(replica, spec).run();
    if (!(ending instanceof Promise)) return Promise.resolve(ending.value);
    return ending.catch((error: unknown) => Promise.reject(replica.explain(spec.call, error)));
  } catch (error) {
    return Promise.reject(replica.explain(spec.call, error));
  }
}

/** One transaction's attempts, from its first to the one that commits or fails. */
class Transaction<R> {
  readonly #started = performance.now();
  readonly #isProcess: boolean;
  /** The core's id for it once it is open (0: it begins with its first commit). */
  #tx = 0;

  constructor(
    readonly replica: ReplicaHost,
    readonly spec: TxSpec<R>,
  ) {
    this.#isProcess = spec.kind === TX_PROCESS;
  }

  run(): Ending<R> {
    const { replica, spec } = this;
    // A commit made from inside a commit listener would be installed (and
    // heard) before the commit being announced: it starts after it instead.
    if (replica.store.announcing) return Promise.resolve().then(() => settled(this.run()));
    if (!spec.inputs) return this.#attempt();
    const inputs = spec.inputs;
    return Promise.resolve(replica.upstream(spec.call).begin(spec.kind, spec.process, inputs)).then((began) => {
      replica.deliver(began.events);
      if (began.verdict.outcome === 'refused') throw fromCore(began.verdict.error);
      this.#tx = began.verdict.tx;
      return settled(this.#attempt());
    });
  }

  /** Runs the body on a draft of the newest snapshot, then asks the authority to commit. */
  #attempt(): Ending<R> {
    const { replica, spec } = this;
    // Throws if the engine can no longer commit: then no body runs.
    replica.upstream(spec.call);
    const snapshot = replica.store.root;
    const snapshotVersion = spec.snapshot ?? replica.store.version;
    const { draft, state: drafted } = openDraft(snapshot);
    let value;
    try {
      value = spec.body(draft as Root, snapshot);
    } catch (error) {
      return this.#failed(drafted, error);
    }
    if (isThenable(value)) {
      // A body that never settles must not outlive the engine: dispose() or a lost authority rejects the call.
      return replica.store.until(value).then(
        (resolved) => settled(this.#commit(drafted, snapshot, snapshotVersion, resolved)),
        (error: unknown) => settled(this.#failed(drafted, error)),
      );
    }
    return this.#commit(drafted, snapshot, snapshotVersion, value);
  }

  #commit(drafted: DraftState, snapshot: Root, snapshotVersion: number, value: unknown): Ending<R> {
    const { replica, spec } = this;
    // The engine may have been disposed, or lost its authority, while the body ran.
    const upstream = replica.upstream(spec.call);
    let result: R;
    let next: Root;
    let patches: Patches;
    let inversePatches: Patches;
    try {
      result = detachDrafts(value) as R;
      [next, patches, inversePatches] = finish<Root>(drafted, true);
      replica.store.freezeMade(next, patches);
      refuseUnsendable(replica.store, upstream, patches, spec);
    } catch (error) {
      return this.#failed(drafted, error);
    }
    const made = { base: snapshot, root: next, frozen: true };
    const message = { tx: this.#tx, kind: spec.kind, process: spec.process, name: spec.name, elapsedMs: performance.now() - this.#started, snapshot: snapshotVersion, writes: encodeWritten(patches, next), patches, inversePatches };
    let pending;
    try {
      pending = upstream.commit(message, made);
    } catch (error) {
      return this.#unsent(upstream, error);
    }
    if (!(pending instanceof Promise)) return this.#decided(pending, result, made, patches, inversePatches);
    return pending.then(
      (outcome) => settled(this.#decided(outcome, result, made, patches, inversePatches)),
      (error: unknown) => settled(this.#unsent(upstream, error)),
    );
  }

  /**
   * The commit request failed: an authority in another thread that is gone
   * leaves nothing to abort; this thread's authority refusing data it could
   * not pass on does.
   */
  #unsent(upstream: Upstream, error: unknown): Ending<R> {
    return upstream.remote ? Promise.reject(error) : this.#abort(error, false);
  }

  #decided(outcome: Outcome, result: R, made: Made, patches: Patches, inversePatches: Patches): Ending<R> {
    const { replica, spec } = this;
    const { store } = replica;
    const { verdict } = outcome;
    if (verdict.outcome === 'committed') {
      replica.committed(verdict.version, patches, inversePatches, made.root, spec.step);
      if (store.version < verdict.version) {
        // The authority is in another thread: install our own commit from our own data (identity kept).
        store.offer({ version: verdict.version, process: spec.name, patches, inversePatches, at: outcome.at ?? Date.now() }, made);
        return store.whenAt(verdict.version).then(() => {
          if (outcome.events.length > 0) replica.deliver(outcome.events);
          return result;
        });
      }
      if (outcome.events.length > 0) replica.deliver(outcome.events);
      return { value: result };
    }
    replica.deliver(outcome.events);
    if (verdict.outcome === 'refused') throw fromCore(verdict.error);
    if (verdict.outcome === 'wait') throw new TheusError(`${spec.call}: unexpected 'wait' from the authority (a bug)`);
    this.#tx = verdict.tx;
    return sleep(verdict.delayMs).then(async () => {
      if (store.version < verdict.version) await store.whenAt(verdict.version);
      return settled(this.#attempt());
    });
  }

  /** The body failed: its drafts are revoked, the failure named and reported to the core. */
  #failed(drafted: DraftState, error: unknown): Ending<R> {
    const { spec } = this;
    revokeAll(drafted.session);
    const who = this.#isProcess ? `process '${spec.name}'` : spec.call;
    const violation = draftViolation(error, who, spec.name ?? undefined);
    if (violation || !this.#isProcess || !(error instanceof TypeError)) return this.#abort(violation ?? error, this.#isProcess && !violation && !(error instanceof TheusError));
    // Perhaps the runtime's refusal of a write to frozen data: a declared input written.
    return extras().then(({ frozenWriteViolation }) => {
      const written = frozenWriteViolation(error, who, spec.name ?? undefined);
      return settled(this.#abort(written ?? error, !written));
    });
  }

  /** Ends the transaction in the core after it failed, then fails with `error`. */
  #abort(error: unknown, threw: boolean): Ending<R> {
    const { replica, spec } = this;
    if (!this.#isProcess && this.#tx === 0) throw error;
    const requester = spec.kind === TX_CAS ? spec.name : null;
    let pending;
    try {
      pending = replica.upstream(spec.call).abort(this.#tx, spec.kind, spec.process, requester, performance.now() - this.#started, messageOf(error), threw);
    } catch {
      // The authority cannot record the failure (it is gone or lost its
      // state): the failure itself is what the caller needs to see.
      throw error;
    }
    const delivered = (answer: Answer<null>): never => {
      replica.deliver(answer.events);
      throw error;
    };
    if (pending instanceof Promise) {
      return pending.then(delivered, () => {
        throw error;
      });
    }
    return delivered(pending);
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
  const why = upstream.unsendable?.(patches);
  if (why) throw new TheusError(`${spec.call}: ${why}`);
}
