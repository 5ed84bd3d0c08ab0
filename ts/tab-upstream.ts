/**
 * A tab's way to the authority its tabs share, which may move (the leader
 * tab closed, another took over from the storage): calls go to the current
 * host; when it moves, calls in flight fail, the replica catches up with
 * the new host's state, registers its processes there again, and goes on.
 *
 * What a caller sees when the host moves: an `execute` (any transaction)
 * whose commit was sent to the old host, or that began on it, rejects with
 * a TheusError saying the authority moved. Such a commit is committed only
 * if the old host saved it (then the replica shows it once it catches up:
 * look at `engine.state`); it is never reported as committed otherwise.
 */
import type { Answer, CommitMessage, Outcome, Welcome } from './authority.ts';
import type { ContractView } from './core.ts';
import { unsendableToAuthority } from './cloneable.ts';
import { TheusError } from './errors.ts';
import type { CommitRecord } from './history.ts';
import { layerRules } from './layers.ts';
import type { RemoteUpstream } from './remote.ts';
import type { SignalMessage } from './signals.ts';
import type { Downstream, RemoteLink } from './upstream.ts';

export const MOVED =
  "the tabs' authority moved (the tab that held it closed) while this call was in flight: it was not committed unless the storage held it before the tab closed; this engine now follows the new authority (engine.state shows what was saved), so run it again if it is missing";

export class TabUpstream implements RemoteLink {
  readonly remote = true;
  readonly unsendable = unsendableToAuthority;
  readonly welcome: Welcome;
  #current: RemoteUpstream | undefined;
  /** Resolves once a host is connected, after a move. */
  #ready: Promise<RemoteUpstream>;
  #down: Downstream | undefined;
  /** The engine attaches once made: a move before that waits for it. */
  readonly #attached: Promise<Downstream>;
  #onAttach: (down: Downstream) => void = () => {};
  readonly #connect: () => Promise<RemoteUpstream>;
  readonly #onClose: () => void;
  #closed: TheusError | undefined;
  /** Registrations, to make again on a new host; its ids, by the ids the engine was given. */
  readonly #registered: { names: string[]; specs: object[]; ids: number[] }[] = [];
  readonly #ids = new Map<number, number>();
  /** Transactions begun on the current host, and the version it resumed at. */
  #transactions = new Set<number>();
  /** Moves so far: a reconnection that a later move overtook gives way. */
  #moves = 0;
  #resumedAt = 0;

  constructor(first: RemoteUpstream, connect: () => Promise<RemoteUpstream>, onClose: () => void) {
    this.welcome = first.welcome;
    this.#current = first;
    this.#ready = Promise.resolve(first);
    this.#connect = connect;
    this.#onClose = onClose;
    this.#attached = new Promise((resolve) => (this.#onAttach = resolve));
  }

  attach(down: Downstream): void {
    this.#down = down;
    this.#onAttach(down);
    if (this.#current) this.#follow(this.#current);
  }

  /** The host moved: fails what is in flight there and follows the new one. */
  moved(): void {
    if (this.#closed) return;
    const old = this.#current;
    this.#current = undefined;
    this.#transactions = new Set();
    const move = ++this.#moves;
    this.#ready = this.#reconnect(move);
    // Calls made meanwhile see its failure; nobody else needs to.
    this.#ready.catch(() => {});
    // Its lost() is not followed any more: this ends only its calls.
    old?.close(new TheusError(MOVED));
  }

  async #reconnect(move: number): Promise<RemoteUpstream> {
    const down = await this.#attached;
    const next = await this.#connect();
    if (this.#closed) {
      next.close(this.#closed);
      throw this.#closed;
    }
    // It moved again meanwhile: the later move's connection is the one to follow.
    const overtaken = () => {
      next.close(new TheusError(MOVED));
      return this.#ready;
    };
    if (move !== this.#moves) return overtaken();
    try {
      await this.#catchUp(next, down);
    } catch (thrown) {
      if (move !== this.#moves) return overtaken();
      // The new host cannot take this replica (it refuses its processes): the engine ends, saying why.
      const error = thrown instanceof TheusError ? thrown : new TheusError(`could not follow the tabs' new authority: ${String(thrown)}`, { cause: thrown });
      next.close(error);
      down.lost(error);
      throw error;
    }
    if (move !== this.#moves) return overtaken();
    this.#current = next;
    this.#follow(next);
    return next;
  }

  /** Brings the replica to the new host's state, and makes the registrations again there. */
  async #catchUp(next: RemoteUpstream, down: Downstream): Promise<void> {
    const { welcome } = next;
    const { store } = down;
    this.#resumedAt = welcome.version;
    if (welcome.version > store.version) {
      const missing = welcome.history.filter((record) => record.version > store.version);
      if (missing[0]?.version === store.version + 1) for (const record of missing) store.offer(record);
      else store.leap(wholeState(welcome));
    }
    for (const registration of this.#registered) {
      const answer = await next.register(registration.names, registration.specs);
      if (answer.error) throw new TheusError(`the new authority refused the processes this tab registered: ${answer.error.message}`);
      registration.ids.forEach((id, i) => this.#ids.set(id, answer.result![i]!.id));
    }
  }

  #follow(upstream: RemoteUpstream): void {
    const down = this.#down!;
    upstream.attach({
      store: down.store,
      deliver: (events) => down.deliver(events),
      lost: (error) => {
        if (upstream === this.#current) down.lost(error);
      },
    });
  }

  /** The current host, once there is one; calls made while it moves wait for the next. */
  async #host(): Promise<RemoteUpstream> {
    if (this.#closed) throw this.#closed;
    return this.#current ?? this.#ready;
  }

  #id(process: number): number {
    return this.#ids.get(process) ?? process;
  }

  async register(names: string[], specs: object[]): Promise<Answer<ContractView[]>> {
    const answer = await (await this.#host()).register(names, specs);
    if (answer.result) {
      const ids = answer.result.map((view) => view.id);
      this.#registered.push({ names, specs, ids });
    }
    return answer;
  }

  async begin(kind: number, process: number, inputValues: unknown[]) {
    const host = await this.#host();
    const began = await host.begin(kind, this.#id(process), inputValues);
    if (began.verdict.outcome === 'started' && host === this.#current) this.#transactions.add(began.verdict.tx);
    return began;
  }

  async commit(message: CommitMessage): Promise<Outcome> {
    const host = await this.#host();
    // Begun on a host that is gone, or on a snapshot older than this host's start (which knows no writes before it): it could miss a conflict.
    if ((message.tx !== 0 && !this.#transactions.has(message.tx)) || message.snapshot < this.#resumedAt) throw new TheusError(MOVED);
    const outcome = await host.commit({ ...message, process: this.#id(message.process) });
    const { verdict } = outcome;
    if (verdict.outcome === 'retry' && host === this.#current) this.#transactions.add(verdict.tx);
    return outcome;
  }

  async abort(tx: number, kind: number, process: number, requester: string | null, elapsedMs: number, message: string, threw: boolean) {
    const host = await this.#host();
    if (tx !== 0 && !this.#transactions.delete(tx)) tx = 0;
    return host.abort(tx, kind, this.#id(process), requester, elapsedMs, message, threw);
  }

  auditLogs() {
    return this.#current?.auditLogs() ?? [];
  }

  auditCounters() {
    return this.#current?.auditCounters() ?? {};
  }

  async auditReset() {
    return (await this.#host()).auditReset();
  }

  listenAudit(): void {}

  publish(message: SignalMessage): void {
    if (this.#closed) throw this.#closed;
    void this.#host().then((host) => host.publish(message), () => {});
  }

  async workflowStart(tree: unknown, maxOps: number, reportsConditions: boolean) {
    return (await this.#host()).workflowStart(tree, maxOps, reportsConditions);
  }

  async workflowStep(workflow: number) {
    return (await this.#host()).workflowStep(workflow);
  }

  async workflowWaiting(workflow: number) {
    return (await this.#host()).workflowWaiting(workflow);
  }

  async workflowFail(workflow: number) {
    return (await this.#host()).workflowFail(workflow);
  }

  async connect(): Promise<MessagePort> {
    throw new TheusError("connect(): an engine shared by tabs gives no port; in another tab, create an engine with the same storage and worker: { shared }");
  }

  close(reason: TheusError): void {
    if (this.#closed) return;
    this.#closed = reason;
    this.#current?.close(reason);
    this.#current = undefined;
    this.#onClose();
  }
}

/** A commit that replaces every layer with the new host's: where the commits in between are not at hand. */
function wholeState(welcome: Welcome): CommitRecord {
  const root = welcome.root as Record<string, unknown>;
  return {
    version: welcome.version,
    process: null,
    patches: layerRules().names.map((name) => ({ op: 'replace' as const, path: [name], value: root[name] ?? {} })),
    inversePatches: [],
    at: Date.now(),
  };
}
