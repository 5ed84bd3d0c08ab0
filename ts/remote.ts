/**
 * A replica's way to an authority in another thread (worker mode, or a
 * replica that joined through a port). Calls go through comlink; what the
 * authority sends about others' commits arrives on a port of its own. The
 * engine's synchronous reads of the audit log and counters are answered
 * from mirrors that every audit event keeps current.
 *
 * If the authority's thread dies, every pending and later call rejects with
 * a `TheusError`, and so does every wait for a commit to arrive: nothing is
 * left half-applied, since a commit is only ever installed whole.
 */
import { releaseProxy, transfer, wrap, type Remote } from 'comlink';
import type { Answer, AuthorityConfig, Broadcast, CommitMessage, Outcome, ReplicaEvent, Welcome } from './authority.ts';
import type { AuditRecord, ContractView, WorkflowStarted } from './core.ts';
import { unsendableToAuthority } from './cloneable.ts';
import { TheusError } from './errors.ts';
import type { Link } from './link.ts';
import type { SignalMessage } from './signals.ts';
import type { StorageRecipe } from './storage.ts';
import type { Root } from './store.ts';
import type { AuthorityEndpoint } from './serve-port.ts';
import { receive, type BeginOutcome, type Downstream, type RemoteLink, type StepAction } from './upstream.ts';

/** What a worker's `serve()` answers besides the authority's own calls. */
export interface HostEndpoint extends AuthorityEndpoint {
  start(init: StartMessage): Promise<{ error?: { kind: string; message: string } }>;
  close(): void;
}

/** What starts an authority in a worker. */
export interface StartMessage {
  config: AuthorityConfig;
  root: Root;
  /** The compiled core, so the worker need not load it again. */
  wasm?: WebAssembly.Module;
  /** Tabs' SharedWorker: how to make the storage the authority resumes from (the first tab's start decides). */
  recipe?: StorageRecipe;
}

/** How a link ends: once, with the first reason; every wait on it then fails. */
class Fate {
  error: TheusError | undefined;
  readonly #waiting = new Set<(error: TheusError) => void>();
  readonly #onEnd: ((error: TheusError) => void)[] = [];

  end(error: TheusError): void {
    if (this.error) return;
    this.error = error;
    for (const reject of this.#waiting) reject(error);
    this.#waiting.clear();
    for (const fn of this.#onEnd) fn(error);
  }

  /** Calls `fn` when the link ends (at once if it has). */
  onEnd(fn: (error: TheusError) => void): void {
    if (this.error) fn(this.error);
    else this.#onEnd.push(fn);
  }

  /**
   * `call`, or the end of the link if that comes first. (Not Promise.race
   * with one long-lived promise: every race would stay attached to it.)
   */
  race<T>(call: Promise<T>): Promise<T> {
    if (this.error) return Promise.reject(this.error);
    return new Promise<T>((resolve, reject) => {
      this.#waiting.add(reject);
      call.then(
        (value) => {
          this.#waiting.delete(reject);
          resolve(value);
        },
        (error: unknown) => {
          this.#waiting.delete(reject);
          reject(error);
        },
      );
    });
  }
}

export class RemoteUpstream implements RemoteLink {
  readonly remote = true;
  readonly unsendable = unsendableToAuthority;
  readonly welcome: Welcome;
  readonly #remote: Remote<HostEndpoint>;
  readonly #link: Link;
  readonly #events: MessagePort;
  readonly #fate: Fate;
  #down: Downstream | undefined;
  #early: Broadcast[] = [];
  readonly #logs: AuditRecord[];
  #counters: Record<string, number>;
  readonly #owned: boolean;
  /** comlink makes a proxy per property read: the hot call's is made once. */
  readonly #commit: Remote<HostEndpoint>['commit'];

  private constructor(remote: Remote<HostEndpoint>, link: Link, events: MessagePort, fate: Fate, welcome: Welcome, owned: boolean) {
    this.#remote = remote;
    this.#link = link;
    this.#events = events;
    this.#fate = fate;
    this.welcome = welcome;
    this.#logs = [...welcome.auditLogs];
    this.#counters = { ...welcome.counters };
    this.#owned = owned;
    this.#commit = remote.commit;
  }

  /**
   * Joins the authority behind `link`, first starting one there from
   * `start` (worker mode). `state`: whether the welcome must carry the state
   * (a replica that has none yet).
   */
  static async open(link: Link, options: { start?: StartMessage; state: boolean; owned: boolean }): Promise<RemoteUpstream> {
    const fate = new Fate();
    link.watch((why) => fate.end(new TheusError(`the Theus authority is gone: ${why}; this engine cannot commit any more (create a new one)`)));
    const remote = wrap<HostEndpoint>(link.endpoint);
    try {
      if (options.start) {
        const started = await fate.race(remote.start(options.start)).catch((cause: unknown) => {
          // The state could not be cloned across (too deep for structured clone, say).
          if (cause instanceof TheusError) throw cause;
          throw new TheusError(`could not start the Theus authority in the worker: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
        });
        if (started.error) throw started.error;
      }
      const { port1, port2 } = link.channel?.() ?? new MessageChannel();
      const welcome = await fate.race(remote.join(transfer(port2, [port2]) as unknown as MessagePort, { audit: true, state: options.state })).catch((cause: unknown) => {
        // workerd's MessagePorts, for one, cannot carry a port.
        if (cause instanceof TheusError) throw cause;
        throw new TheusError(`could not join the Theus authority: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
      });
      const upstream = new RemoteUpstream(remote, link, port1, fate, welcome, options.owned);
      upstream.#listen();
      return upstream;
    } catch (thrown) {
      if (!options.owned) remote[releaseProxy]();
      link.stop();
      throw thrown;
    }
  }

  /** Where broadcasts and failures go from now on (those that came before are handed over). */
  attach(down: Downstream): void {
    this.#down = down;
    this.#fate.onEnd((error) => down.lost(error));
    for (const broadcast of this.#early.splice(0)) this.#receive(broadcast);
  }

  #listen(): void {
    this.#events.addEventListener('message', (event: MessageEvent<Broadcast>) => {
      if (this.#down) this.#receive(event.data);
      else this.#early.push(event.data);
    });
    this.#events.start();
  }

  #receive(broadcast: Broadcast): void {
    if (broadcast.kind !== 'lost') this.#mirror(broadcast.events);
    receive(this.#down!, broadcast);
  }

  /** Keeps the audit mirrors current; returns the events unchanged. */
  #mirror(events: ReplicaEvent[]): ReplicaEvent[] {
    for (const event of events) {
      if (event.kind === 'audit') {
        const limit = this.welcome.auditLogLimit;
        if (limit > 0) {
          if (this.#logs.length === limit) this.#logs.shift();
          this.#logs.push(event.record);
        }
        if (event.counter > 0) this.#counters[event.record.process] = event.counter;
        else delete this.#counters[event.record.process];
      } else if (event.kind === 'reset') {
        this.#counters = {};
      }
    }
    return events;
  }

  /** A call to the authority that fails, rather than hangs, if it dies. */
  async #call<T extends { events: ReplicaEvent[] }>(call: () => Promise<T>): Promise<T> {
    if (this.#fate.error) throw this.#fate.error;
    let reply: T;
    try {
      reply = await this.#fate.race(call());
    } catch (thrown) {
      if (thrown instanceof TheusError) throw thrown;
      // comlink carries an error thrown over there as a plain Error.
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      throw new TheusError(`the Theus authority could not carry out this call: ${message}`, { cause: thrown });
    }
    this.#mirror(reply.events);
    return reply;
  }

  register(names: string[], specs: object[]): Promise<Answer<ContractView[]>> {
    return this.#call(() => this.#remote.register(this.welcome.replica, names, specs));
  }

  begin(kind: number, process: number, inputValues: unknown[]): Promise<BeginOutcome> {
    return this.#call(() => this.#remote.begin(this.welcome.replica, kind, process, inputValues));
  }

  commit(message: CommitMessage): Promise<Outcome> {
    return this.#call(() => this.#commit(this.welcome.replica, message) as Promise<Outcome>);
  }

  abort(tx: number, kind: number, process: number, requester: string | null, elapsedMs: number, message: string, threw: boolean): Promise<Answer<null>> {
    return this.#call(() => this.#remote.abort(this.welcome.replica, tx, kind, process, requester, elapsedMs, message, threw));
  }

  auditLogs(): AuditRecord[] {
    return [...this.#logs];
  }

  auditCounters(): Record<string, number> {
    return { ...this.#counters };
  }

  auditReset(): Promise<Answer<null>> {
    return this.#call(() => this.#remote.auditReset(this.welcome.replica));
  }

  /** A remote replica always listens: its audit mirrors need every record. */
  listenAudit(): void {}

  publish(message: SignalMessage): void {
    if (this.#fate.error) throw this.#fate.error;
    this.#remote.publish(this.welcome.replica, message).catch(() => {});
  }

  workflowStart(tree: unknown, maxOps: number, reportsConditions: boolean): Promise<Answer<WorkflowStarted>> {
    return this.#call(() => this.#remote.workflowStart(this.welcome.replica, tree, maxOps, reportsConditions));
  }

  workflowStep(workflow: number): Promise<Answer<StepAction>> {
    return this.#call(() => this.#remote.workflowStep(this.welcome.replica, workflow));
  }

  workflowWaiting(workflow: number): Promise<Answer<null>> {
    return this.#call(() => this.#remote.workflowWaiting(this.welcome.replica, workflow));
  }

  workflowFail(workflow: number): Promise<Answer<null>> {
    return this.#call(() => this.#remote.workflowFail(this.welcome.replica, workflow));
  }

  async connect(): Promise<MessagePort> {
    if (this.#fate.error) throw this.#fate.error;
    return this.#fate.race(this.#remote.connect() as unknown as Promise<MessagePort>);
  }

  close(reason: TheusError): void {
    if (!this.#fate.error) {
      // Best effort: the authority may already be gone.
      if (this.#owned) this.#remote.close().catch(() => {});
      else this.#remote.leave(this.welcome.replica).catch(() => {});
    }
    this.#fate.end(reason);
    // Releasing the proxy would close the endpoint on the other side too:
    // only a port of our own (a joined replica's) may be closed.
    if (!this.#owned) this.#remote[releaseProxy]();
    this.#events.close();
    this.#link.stop();
  }
}
