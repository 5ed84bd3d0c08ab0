/**
 * The authority of one state: it holds the core (every decision), the
 * authoritative store and the last value of each signal, and it answers
 * replicas. A replica runs processes against its own copy of the state and
 * sends the authority what a commit wrote (paths and patches, never the
 * whole state); the authority has the core decide, installs the commit,
 * and tells every other replica `{ record, events }`.
 *
 * The same class serves both modes: in local mode the engine's only replica
 * calls it directly and shares its store; in worker mode it lives in a
 * worker (see worker.ts) and replicas reach it through comlink. So its
 * methods take and return plain data, and report refusals as data too.
 */
import type { Patches } from './patch.ts';
import { applyPatches, valueAt } from './commit.ts';
import type { Saver, Saving } from './storage.ts';
import {
  CoreEngine,
  TX_CAS,
  TX_PROCESS,
  type AuditRecord,
  type BeginReply,
  type ContractView,
  type CoreEvent,
  type EngineConfig,
  type EngineError,
  type Reply,
  type Verdict,
  type WorkflowStarted,
} from './core.ts';
import { TheusError } from './errors.ts';
import type { CommitRecord } from './history.ts';
import { SignalMemory, type SignalMessage } from './signals.ts';
import type { Made, Root, Store } from './store.ts';
import type { StepAction } from './upstream.ts';
import type { WorkflowRuns } from './workflow-runs.ts';

/** An event as replicas receive it. */
export type ReplicaEvent =
  | { kind: 'audit'; record: AuditRecord; counter: number }
  | { kind: 'signal'; message: SignalMessage }
  | { kind: 'stopped'; reason: string }
  | { kind: 'reset' }
  | { kind: 'workflow'; workflow: number; state: 'Pending' | 'Running' | 'WaitingIO' | 'Complete' | 'Failed' }
  | { kind: 'condition'; workflow: number; text: string; value: boolean };

/** What the authority tells replicas that did not make it. */
export type Broadcast =
  | { kind: 'commit'; record: CommitRecord; events: ReplicaEvent[] }
  | { kind: 'events'; events: ReplicaEvent[] }
  /** The replica can no longer follow (a value it cannot receive): it must stop. */
  | { kind: 'lost'; reason: string };

/** What a replica sends to commit a transaction attempt. */
export interface CommitMessage {
  /** The transaction's id, or 0 when it begins with this commit. */
  tx: number;
  kind: number;
  /** The process's id (see ContractView.id), or 0. */
  process: number;
  /** The process, or the requester of a compareAndSwap. */
  name: string | null;
  /** Since the transaction started (for a transaction that begins now). */
  elapsedMs: number;
  snapshot: number;
  /** The patches in wire text (written.ts). */
  writes: string;
  patches: Patches;
  inversePatches: Patches;
}

export interface Outcome {
  verdict: Verdict;
  /** When it committed, on the authority's clock. */
  at?: number;
  events: ReplicaEvent[];
}

export interface Answer<T> {
  result?: T;
  error?: EngineError;
  events: ReplicaEvent[];
}

/** What a joining replica starts from. */
export interface Welcome {
  replica: number;
  root: Root;
  version: number;
  history: CommitRecord[];
  signals: [string, unknown][];
  auditLogs: AuditRecord[];
  counters: Record<string, number>;
  stopped: string | null;
  strict: boolean;
  historyLimit: number;
  auditLogLimit: number;
}

export interface AuthorityConfig extends EngineConfig {
  historyLimit: number;
  /** The audit recipe as plain data (parsed YAML or an object), if any. */
  auditRecipe?: unknown;
}

interface Replica {
  send: (broadcast: Broadcast) => void;
  /**
   * Set for a replica on another thread (what it receives must survive
   * structured clone): why patches could not cross to it.
   */
  unsendable?: (patches: Patches) => string | undefined;
  audit: boolean;
  transactions: Set<number>;
  workflows: Set<number>;
}

interface Parked {
  replica: number;
  message: CommitMessage;
  made?: Made;
  resolve: (outcome: Outcome | Promise<Outcome>) => void;
}

const SHARED = new Set(['audit', 'signal', 'stopped', 'reset']);

export class Authority {
  readonly #core: CoreEngine;
  readonly #store: Store;
  readonly #config: AuthorityConfig;
  readonly #signals = new SignalMemory();
  readonly #replicas = new Map<number, Replica>();
  readonly #outputRules = new Map<string, string[][]>();
  #parked: Parked[] = [];
  /** The workflow runs started here, once there is one. */
  #runs: WorkflowRuns | undefined;
  /** Transactions waiting for their turn to run again, by ticket. */
  readonly #turns = new Map<number, { replica: number; go: () => void }>();
  /** The version of the last commit decided. */
  #version: number;
  /** Commits decided but not yet installed here (see #settle). */
  #unsettled: CommitRecord[] = [];
  #broken: TheusError | undefined;
  /** With storage: saves each commit before its replica hears it committed. */
  readonly #saver: Saver | undefined;
  #nextReplica = 0;
  #remoteReplicas = 0;
  #stopped: string | null = null;

  /** @throws what the core throws for a bad configuration or recipe (as its error object). */
  constructor(config: AuthorityConfig, store: Store, saving?: Saving) {
    const { auditRecipe, ...engineConfig } = config;
    this.#core = new CoreEngine(engineConfig, auditRecipe);
    this.#store = store;
    this.#version = store.version;
    this.#config = config;
    this.#saver = saving?.((error) => this.#halt(error));
  }

  get store(): Store {
    return this.#store;
  }

  /** A new replica: `send` carries what others commit; `unsendable` marks one on another thread. */
  join(send: (broadcast: Broadcast) => void, options: { audit: boolean; unsendable?: (patches: Patches) => string | undefined }): Welcome {
    this.#settle();
    const replica = ++this.#nextReplica;
    const remote = options.unsendable !== undefined;
    this.#replicas.set(replica, { send, ...options, transactions: new Set(), workflows: new Set() });
    if (remote) this.#remoteReplicas += 1;
    this.#listen();
    return {
      replica,
      root: this.#store.root,
      version: this.#store.version,
      history: this.#store.history,
      signals: this.#signals.entries(),
      auditLogs: remote ? this.#core.auditLogs() : [],
      counters: remote ? this.#core.auditCounters() : {},
      stopped: this.#stopped,
      strict: this.#config.strict,
      historyLimit: this.#config.historyLimit,
      auditLogLimit: this.#config.auditLogLimit,
    };
  }

  /** A replica is gone: its open transactions are aborted and its workflows fail. */
  leave(replica: number): void {
    const gone = this.#replicas.get(replica);
    if (!gone) return;
    this.#replicas.delete(replica);
    if (gone.unsendable) this.#remoteReplicas -= 1;
    this.#parked = this.#parked.filter((p) => p.replica !== replica);
    for (const [ticket, turn] of this.#turns) if (turn.replica === replica) this.#turns.delete(ticket);
    const events: ReplicaEvent[] = [];
    for (const tx of gone.transactions) {
      events.push(...this.#events(this.#core.abort(tx, TX_PROCESS, 0, undefined, 0, 'the replica that ran it left', false, performance.now()).events, 0));
    }
    // A run exists only through the runs, which then exist.
    for (const workflow of gone.workflows) events.push(...this.#runs!.fail(0, workflow).events);
    this.#listen();
  }

  register(_replica: number, names: string[], specs: object[]): Answer<ContractView[]> {
    try {
      const contracts = this.#core.register(names, specs);
      for (const c of contracts) if (c.auditOutputs.length > 0) this.#outputRules.set(c.name, c.auditOutputs);
      return { result: contracts, events: [] };
    } catch (thrown) {
      return { error: asCoreError(thrown), events: [] };
    }
  }

  begin(replica: number, kind: number, process: number, inputValues: unknown[]): { verdict: BeginReply['verdict']; events: ReplicaEvent[] } {
    const reply = this.#core.begin(kind, process, undefined, inputValues, performance.now());
    if (reply.verdict.outcome === 'started') this.#replicas.get(replica)?.transactions.add(reply.verdict.tx);
    return { verdict: reply.verdict, events: this.#events(reply.events, replica) };
  }

  /**
   * Decides and installs a commit. `made`: the state the replica made, when
   * it shares this authority's store (local mode), to skip replaying the
   * patches. A commit told to wait for a priority holder is parked here and
   * resubmitted when a ticket is released: the replica just waits longer.
   */
  commit(replica: number, message: CommitMessage, made?: Made): Outcome | Promise<Outcome> {
    if (made && this.#remoteReplicas > 0) {
      const bad = this.#unsendable(message.patches);
      if (bad) throw new TheusError(`${bad}; a replica in another thread could not receive this commit, so it is refused`);
    }
    this.#settle();
    const base = this.#store.root;
    const rules = message.kind === TX_PROCESS && message.name !== null ? this.#outputRules.get(message.name) : undefined;
    // The state this commit would make: the replica's own when it shares this
    // store; else made now only if output rules must read it.
    const after = made && made.base === base ? made.root : rules ? applyPatches(base, message.patches) : undefined;
    const values = rules?.map((keys) => auditValue(valueAt(after, keys)));
    const answer = this.#core.commit(message.tx, message.kind, message.process, requester(message), message.elapsedMs, message.snapshot, message.writes, values, performance.now());
    // The common answer, committed with no events, is just the version.
    const reply = typeof answer === 'number' ? { verdict: { outcome: 'committed', version: answer } as const, events: [] } : answer;
    const { verdict } = reply;
    if (verdict.outcome === 'retry' || verdict.outcome === 'wait') this.#replicas.get(replica)?.transactions.add(verdict.tx);
    else if (message.tx !== 0) this.#replicas.get(replica)?.transactions.delete(message.tx);
    if (verdict.outcome === 'committed') {
      this.#version = verdict.version;
      const record: CommitRecord = { version: verdict.version, process: message.name, patches: message.patches, inversePatches: message.inversePatches, at: Date.now() };
      if (after) this.#store.offer(record, after === made?.root ? made : { base, root: after });
      // A commit to save needs its state now.
      else this.#defer(record, this.#saver !== undefined || reply.events.some((e) => e.kind === 'signal'));
      const events = this.#events(reply.events, replica, false);
      if (this.#replicas.size > 1) this.#broadcast(replica, { kind: 'commit', record, events: events.filter((e) => SHARED.has(e.kind)) });
      const outcome: Outcome = { verdict, at: record.at, events };
      return this.#saver ? this.#saver.save(record, this.#store.root).then(() => outcome) : outcome;
    }
    const events = this.#events(reply.events, replica);
    if (verdict.outcome === 'wait') {
      return new Promise<Outcome>((resolve) => this.#parked.push({ replica, message: { ...message, tx: verdict.tx }, made, resolve })).then((outcome) => ({
        ...outcome,
        events: [...events, ...outcome.events],
      }));
    }
    if (verdict.outcome === 'retry' && verdict.turn !== null) {
      // Queued behind older conflicting transactions: the answer waits for
      // its turn, and then says how new a snapshot the next attempt needs.
      const ticket = verdict.turn;
      return new Promise<Outcome>((resolve) =>
        this.#turns.set(ticket, { replica, go: () => resolve({ verdict: { ...verdict, turn: null, version: this.#version }, events }) }),
      );
    }
    return { verdict, events };
  }

  abort(replica: number, tx: number, kind: number, process: number, requester: string | null, elapsedMs: number, message: string, threw: boolean): Answer<null> {
    const reply = this.#core.abort(tx, kind, process, requester ?? undefined, elapsedMs, message, threw, performance.now());
    if (tx !== 0) this.#replicas.get(replica)?.transactions.delete(tx);
    return { error: reply.error ?? undefined, events: this.#events(reply.events, replica) };
  }

  auditLogs(): AuditRecord[] {
    return this.#core.auditLogs();
  }

  auditCounters(): Record<string, number> {
    return this.#core.auditCounters();
  }

  auditReset(replica: number): Answer<null> {
    return { events: this.#events(this.#core.auditReset().events, replica) };
  }

  /** Whether a replica wants audit records as events. */
  listenAudit(replica: number, on: boolean): void {
    const r = this.#replicas.get(replica);
    if (r) r.audit = on;
    this.#listen();
  }

  /** A replica published a signal: remembered for conditions, and passed on. */
  publish(replica: number, message: SignalMessage): void {
    this.#signals.remember(message.topic, message.value);
    this.#broadcast(replica, { kind: 'events', events: [{ kind: 'signal', message }] });
  }

  /**
   * Starts a workflow run. `Runs`: the code that keeps runs (workflow-runs.ts),
   * handed over by the caller, which has it loaded (the extras, or the port
   * that serves this authority), so that no engine without workflows ships it.
   */
  workflowStart(replica: number, tree: unknown, maxOps: number, reportsConditions: boolean, Runs: typeof WorkflowRuns): Answer<WorkflowStarted> {
    this.#runs ??= new Runs({
      core: this.#core,
      settle: () => this.#settle(),
      root: () => this.#store.root,
      lastSignal: (topic) => this.#signals.last(topic),
      events: (events, replica) => this.#events(events, replica),
      owned: (replica) => this.#replicas.get(replica)?.workflows,
    });
    return this.#runs.start(replica, tree, maxOps, reportsConditions);
  }

  workflowStep(replica: number, workflow: number): Answer<StepAction> {
    return this.#runs ? this.#runs.step(replica, workflow) : this.#notRunning(workflow);
  }

  workflowWaiting(replica: number, workflow: number): Answer<null> {
    return this.#runs ? this.#runs.waiting(replica, workflow) : this.#notRunning(workflow);
  }

  workflowFail(replica: number, workflow: number): Answer<null> {
    return this.#runs ? this.#runs.fail(replica, workflow) : { events: [] };
  }

  /**
   * A call for a run before any started here (an authority that took over
   * from another, for one): the core says it is not running.
   */
  #notRunning(workflow: number): Answer<never> {
    const reply: Reply<null> = JSON.parse(this.#core.call((core) => core.workflowWaiting(workflow)));
    return { error: reply.error ?? undefined, events: [] };
  }

  /** Why a commit made here could not reach every replica on another thread, if it could not. */
  #unsendable(patches: Patches): string | undefined {
    for (const r of this.#replicas.values()) {
      const why = r.unsendable?.(patches);
      if (why) return why;
    }
    return undefined;
  }

  /** Frees the core. The authority cannot be used afterwards. */
  dispose(): void {
    this.#core.free();
    this.#replicas.clear();
    this.#parked = [];
    this.#turns.clear();
  }

  /**
   * Installs a commit decided for a replica in another thread after the
   * reply has gone (it is only a replay of the patches the replica already
   * installed), unless its signals need their values from the new state now.
   */
  #defer(record: CommitRecord, now: boolean): void {
    this.#unsettled.push(record);
    if (now) this.#settle();
    else if (this.#unsettled.length === 1) afterThisTask(() => this.#settle());
  }

  /**
   * Installs every decided commit: whatever reads the authoritative state
   * calls this first. A commit that cannot be replayed here (a bug, never a
   * user's error) leaves this authority's state behind the core's decisions:
   * it stops, and its replicas with it, rather than decide on a wrong state.
   */
  #settle(): void {
    if (this.#broken) throw this.#broken;
    while (this.#unsettled.length > 0) {
      const record = this.#unsettled.shift()!;
      try {
        this.#store.offer(record);
      } catch (error) {
        throw this.#halt(new TheusError(`the authority could not install commit ${record.version}: ${error instanceof Error ? error.message : String(error)}; it has stopped`, { cause: error }));
      }
    }
  }

  /** Stops this authority for good: every replica is told, every later call fails with `error`. */
  #halt(error: TheusError): TheusError {
    this.#broken ??= error;
    for (const r of this.#replicas.values()) r.send({ kind: 'lost', reason: error.message });
    return error;
  }

  /** The core queues audit records as events only while some replica wants them. */
  #listen(): void {
    let on = false;
    for (const r of this.#replicas.values()) on ||= r.audit;
    this.#core.listenAudit(on);
  }

  /**
   * The core's events as replicas receive them: signals get their value from
   * the new state; shared events go to the other replicas at once unless a
   * commit carries them; a released ticket lets parked commits try again.
   */
  #events(events: CoreEvent[], from: number, broadcast = true): ReplicaEvent[] {
    if (events.length === 0) return [];
    const out: ReplicaEvent[] = [];
    let released = false;
    for (const event of events) {
      switch (event.kind) {
        case 'released':
          released = true;
          for (const ticket of event.promoted) {
            const turn = this.#turns.get(ticket);
            if (!turn) continue;
            this.#turns.delete(ticket);
            queueMicrotask(turn.go);
          }
          break;
        case 'signal': {
          const value = valueAt(this.#store.root, event.keys);
          this.#signals.remember(event.topic, value);
          out.push({ kind: 'signal', message: { topic: event.topic, value, version: event.version } });
          break;
        }
        case 'stopped':
          this.#stopped = event.reason;
          out.push(event);
          break;
        case 'reset':
          this.#stopped = null;
          out.push(event);
          break;
        default:
          out.push(event);
      }
    }
    const shared = broadcast ? out.filter((e) => SHARED.has(e.kind)) : [];
    if (shared.length > 0) this.#broadcast(from, { kind: 'events', events: shared });
    if (released && this.#parked.length > 0) queueMicrotask(() => this.#retryParked());
    return out;
  }

  #retryParked(): void {
    const parked = this.#parked;
    this.#parked = [];
    for (const p of parked) {
      if (!this.#replicas.has(p.replica)) continue;
      try {
        p.resolve(this.commit(p.replica, p.message, p.made));
      } catch (error) {
        p.resolve(Promise.reject(error));
      }
    }
  }

  #broadcast(from: number, broadcast: Broadcast): void {
    for (const [id, replica] of this.#replicas) {
      if (id === from) continue;
      try {
        replica.send(broadcast);
      } catch (error) {
        // It cannot receive this (a value structured clone refuses): it must stop rather than fall behind.
        replica.send({ kind: 'lost', reason: `the authority could not send commit data to this replica: ${error instanceof Error ? error.message : String(error)}` });
        this.leave(id);
      }
    }
  }
}

/**
 * Runs `fn` as soon as the current task (and the reply it posts) is done:
 * `setImmediate` where there is one (Node, Bun; `setTimeout` waits at least
 * a millisecond there), else a message to ourselves.
 */
function afterThisTask(fn: () => void): void {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (immediate) {
    immediate(fn);
    return;
  }
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => {
    port1.close();
    fn();
  };
  port2.postMessage(null);
}

/** The requester of a compareAndSwap, which the core names in its messages. */
const requester = (message: CommitMessage): string | undefined => (message.kind === TX_CAS && message.name !== null ? message.name : undefined);

/** The core's thrown error object, or a TypeError's text as one. */
function asCoreError(thrown: unknown): EngineError {
  if (typeof thrown === 'object' && thrown !== null && 'kind' in thrown && 'message' in thrown) return thrown as EngineError;
  throw thrown;
}

/** A value as an audit rule sees it: numbers, strings and booleans as they are, anything else as null. */
export function auditValue(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : null;
}
