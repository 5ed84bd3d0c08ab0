/**
 * A replica's way to its authority. Local mode calls the authority directly
 * (same thread, one store, one call into the core per commit); worker mode
 * (remote.ts) reaches it through comlink. A call answers either at once or
 * with a promise; the transaction loop awaits only the latter, so local
 * mode never waits a microtask it does not need.
 */
import type { Answer, Authority, Broadcast, CommitMessage, Outcome, ReplicaEvent, Welcome } from './authority.ts';
import type { AuditRecord, BeginReply, ContractView, WorkflowStarted } from './core.ts';
import { TheusError } from './errors.ts';
import { extras } from './lazy-extras.ts';
import type { Patches } from './patch.ts';
import type { SignalMessage } from './signals.ts';
import type { Made, Store } from './store.ts';
import type { HostMessagePort } from './host-types.ts';
import type { WorkflowRuns } from './workflow-runs.ts';

export type MaybePromise<T> = T | Promise<T>;

export interface BeginOutcome {
  verdict: BeginReply['verdict'];
  events: ReplicaEvent[];
}

/** A workflow run's next step, as its host runs it: a process (by name), or the end. */
export type StepAction = { kind: 'process'; name: string } | { kind: 'done' };

/** What the replica (the engine) gives its upstream: where commits and events go. */
export interface Downstream {
  readonly store: Store;
  deliver(events: ReplicaEvent[]): void;
  /** The authority is gone or cannot be followed; every later call fails with `error`. */
  lost(error: TheusError): void;
}

export interface Upstream {
  /** On another thread: what a commit carries must survive structured clone. */
  readonly remote: boolean;
  readonly welcome: Welcome;
  register(names: string[], specs: object[]): MaybePromise<Answer<ContractView[]>>;
  begin(kind: number, process: number, inputValues: unknown[]): MaybePromise<BeginOutcome>;
  commit(message: CommitMessage, made?: Made): MaybePromise<Outcome>;
  abort(tx: number, kind: number, process: number, requester: string | null, elapsedMs: number, message: string, threw: boolean): MaybePromise<Answer<null>>;
  auditLogs(): AuditRecord[];
  auditCounters(): Record<string, number>;
  auditReset(): MaybePromise<Answer<null>>;
  listenAudit(on: boolean): void;
  publish(message: SignalMessage): void;
  /** `reportsConditions`: each condition's value comes as an event (debug output). */
  /**
   * `Runs`: the code that keeps runs, for an authority in this thread (the
   * caller has it loaded); an authority elsewhere has its own.
   */
  workflowStart(tree: unknown, maxOps: number, reportsConditions: boolean, Runs: typeof WorkflowRuns): MaybePromise<Answer<WorkflowStarted>>;
  workflowStep(workflow: number): MaybePromise<Answer<StepAction>>;
  workflowWaiting(workflow: number): MaybePromise<Answer<null>>;
  workflowFail(workflow: number): MaybePromise<Answer<null>>;
  /** A MessagePort to the same authority, for `TheusEngine.join` in another thread. */
  connect(): Promise<HostMessagePort>;
  /** Why a commit of these patches could not reach the authority (on another thread), if it could not: the whole reason, for a message. */
  unsendable?(patches: Patches): string | undefined;
  /** Leaves the authority; frees or stops what this engine started. Pending calls fail with `reason`. */
  close(reason: Error): void;
}

/** An upstream to an authority elsewhere, which the replica made over it attaches to (worker mode, tabs, join). */
export interface RemoteLink extends Upstream {
  attach(down: Downstream): void;
}

/** Handles what the authority sends a replica about others' commits. */
export function receive(down: Downstream, broadcast: Broadcast): void {
  if (broadcast.kind === 'commit') down.store.offer(broadcast.record, undefined, () => down.deliver(broadcast.events));
  else if (broadcast.kind === 'events') down.deliver(broadcast.events);
  else down.lost(new TheusError(broadcast.reason));
}

/** The authority in this thread. */
export class LocalUpstream implements Upstream {
  readonly remote = false;
  readonly welcome: Welcome;
  readonly #authority: Authority;
  readonly #replica: number;
  #closed = false;

  constructor(authority: Authority, down: Downstream) {
    this.#authority = authority;
    this.welcome = authority.join((broadcast) => receive(down, broadcast), { audit: false });
    this.#replica = this.welcome.replica;
  }

  register(names: string[], specs: object[]) {
    return this.#authority.register(this.#replica, names, specs);
  }

  begin(kind: number, process: number, inputValues: unknown[]) {
    return this.#authority.begin(this.#replica, kind, process, inputValues);
  }

  commit(message: CommitMessage, made?: Made) {
    return this.#authority.commit(this.#replica, message, made);
  }

  abort(tx: number, kind: number, process: number, requester: string | null, elapsedMs: number, message: string, threw: boolean) {
    return this.#authority.abort(this.#replica, tx, kind, process, requester, elapsedMs, message, threw);
  }

  auditLogs() {
    return this.#authority.auditLogs();
  }

  auditCounters() {
    return this.#authority.auditCounters();
  }

  auditReset() {
    return this.#authority.auditReset(this.#replica);
  }

  listenAudit(on: boolean) {
    this.#authority.listenAudit(this.#replica, on);
  }

  publish(message: SignalMessage) {
    this.#authority.publish(this.#replica, message);
  }

  workflowStart(tree: unknown, maxOps: number, reportsConditions: boolean, Runs: typeof WorkflowRuns) {
    return this.#authority.workflowStart(this.#replica, tree, maxOps, reportsConditions, Runs);
  }

  workflowStep(workflow: number) {
    return this.#authority.workflowStep(this.#replica, workflow);
  }

  workflowWaiting(workflow: number) {
    return this.#authority.workflowWaiting(this.#replica, workflow);
  }

  workflowFail(workflow: number) {
    return this.#authority.workflowFail(this.#replica, workflow);
  }

  async connect(): Promise<HostMessagePort> {
    const authority = this.#authority;
    // comlink comes with the first port, not with every engine.
    const { servePort } = await extras();
    return servePort(() => authority);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#authority.dispose();
  }
}
