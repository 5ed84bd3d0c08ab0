/**
 * TheusEngine: processes run as transactions over one context object.
 *
 * An engine is a replica of the state (a store) joined to an authority that
 * decides: in this thread (local mode: one call into the core per commit) or
 * in a worker (worker mode: the same interface and semantics, with the core
 * and the authoritative state off this thread). JavaScript holds the data;
 * the Rust core makes every decision.
 */
import type { Draft } from './draft.ts';
import type { Patches } from './patch.ts';
import { Authority, auditValue, type AuthorityConfig, type ReplicaEvent } from './authority.ts';
import { valueAt } from './commit.ts';
import { isProcess, processName, type ArgsOf, type CompiledContract, type CompiledPath, type Process, type ProcessFunction } from './contract.ts';
import { compileContracts, TX_CAS, TX_EDIT, TX_PROCESS, type AuditRecord as CoreAuditRecord, type ContractView } from './core.ts';
import { processesIn } from './discovery.ts';
import { AuditStopError, classed, ContractViolationError, fromCore, ProcessNotFoundError, TheusError } from './errors.ts';
import { accessTree, guardContext, type AccessNode, type Guard } from './guard.ts';
import type { CommitRecord } from './history.ts';
import { extras } from './lazy-extras.ts';
import { assertInitialized, init } from './init.ts';
import { checkDepth, layerRules } from './layers.ts';
import { notify } from './listeners.ts';
import { resolveOptions, type EngineOptions, type ResolvedOptions } from './options.ts';
import { SignalHub } from './signals.ts';
import type { Saving } from './storage.ts';
import type { StateUpdate, StateUpdateInit } from './state-update.ts';
import { stateUpdates } from './state-updates.ts';
import { Store, writable, type CommitEvent, type Root } from './store.ts';
import { isThenable, transact, type ReplicaHost } from './transaction.ts';
import { LocalUpstream, type RemoteLink, type Upstream } from './upstream.ts';
import { UndoHistory, type UndoStep } from './undo.ts';
import type { WorkflowOptions, WorkflowResult, WorkflowSource } from './workflow.ts';
import type { HostMessagePort, HostURL } from './host-types.ts';

export type { CommitEvent };

/**
 * A Theus context: an object whose own keys are layers. Layers hold plain
 * data, arrays, class instances, Map/Set, Date and (HEAVY zone) binary data.
 */
export interface Context {
  global_ctx?: object;
  domain_ctx?: object;
  local_ctx?: object;
}

/** One record of `engine.audit.getLogs()`. */
export interface AuditRecord {
  process: string;
  outcome: 'success' | 'failure';
  /** The highest audit level a recipe rule reported for this execution, else null. */
  level: 'S' | 'A' | 'B' | 'C' | null;
  /** The field of that rule, else null. */
  rule: string | null;
  /** The error's message on failure; on success, what a rule reported, or empty. */
  message: string;
  /** The version committed, or the engine's version when nothing was. */
  version: number;
  durationMs: number;
  /** How many times the process body ran (1 + conflicts). */
  attempts: number;
}

/** `engine.audit`. */
export interface AuditView {
  /** One record per execution, oldest first, at most `auditLogLimit`. */
  getLogs(): AuditRecord[];
  /** Violations counted toward each process's `threshold_max`, by process. */
  counters(): Record<string, number>;
  /** Clears every counter and lifts a level S stop. */
  reset(): void;
  /** Called with each audit record as it is made, whatever `auditLogLimit` is; returns the unsubscribe function. */
  subscribe(listener: (record: AuditRecord) => void): () => void;
}

interface Registered {
  fn: Process;
  contract: CompiledContract;
  access: AccessNode;
  /** Worker mode: the authority's registration, until it has answered. */
  ready?: Promise<void>;
}

/** The committed state: the context's layers (a missing layer is `{}`). */
export type State<C extends Context> = Readonly<Omit<Root, keyof C> & C>;


/** How an engine in worker mode, or a joined one, is put together (internal to the package). */
export const ATTACH = Symbol('theus.attach');

interface Attachment {
  upstream: RemoteLink;
}

/** Where an engine with storage resumes (module-private; made by create). */
const RESUMED = Symbol('theus.resumed');

export type InternalOptions = EngineOptions & { [ATTACH]?: Attachment; [RESUMED]?: { version: number; history: CommitRecord[]; saving: Saving } };

// Declared as TypeScript's esnext.disposable and @types/node declare it, so
// that these types hold for projects whose `lib` stops before ESNext.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/**
 * The Theus engine over one context object.
 *
 * @example
 * ```ts
 * import { TheusEngine, process } from 'theus';
 * const sysCtx = { global_ctx: {}, domain_ctx: { counter: 0 } };
 * const engine = await TheusEngine.create(sysCtx);
 * const increment = process({ outputs: ['domain_ctx.counter'] }, function increment(ctx) {
 *   ctx.domain_ctx.counter += 1;
 * });
 * await engine.execute(increment);
 * sysCtx.domain_ctx.counter; // 1
 * ```
 */
export class TheusEngine<C extends Context = Context> {
  readonly #context: C;
  readonly #options: ResolvedOptions;
  readonly #processes = new Map<string, Registered>();
  readonly #parsedPaths = new Map<string, CompiledPath>();
  readonly #auditListeners = new Set<(record: AuditRecord) => void>();
  readonly #workflows = new Map<number, (event: Extract<ReplicaEvent, { kind: 'workflow' | 'condition' }>) => void>();
  readonly #store: Store;
  #upstream: Upstream | undefined;
  /** Why this engine can no longer commit (disposed, or its authority is gone). */
  #ended: TheusError | undefined;
  /** Mirrors the core's level S stop, so that a stopped engine refuses at once. */
  #stopped: string | null;
  #hostObject: ReplicaHost | undefined;
  /** Process bodies (and edits) running their synchronous part now. */
  #bodies = 0;
  readonly #undoHistory: UndoHistory;
  /** Undo and redo steps run one after another, each on the outcome of the one before. */
  #steps: Promise<unknown> = Promise.resolve();
  /** The version the last undo or redo committed (steps run one at a time). */
  #stepVersion = 0;

  /** The signal hub: commits publish the SIGNAL paths they wrote here. */
  readonly signals: SignalHub;

  /** The audit log of this engine's authority. */
  readonly audit: AuditView = {
    getLogs: () => this.#live('audit.getLogs()').auditLogs() as CoreAuditRecord[] as AuditRecord[],
    counters: () => this.#live('audit.counters()').auditCounters(),
    reset: () => {
      const answer = this.#live('audit.reset()').auditReset();
      this.#stopped = null;
      if (answer instanceof Promise) answer.then((a) => this.#deliver(a.events), () => {});
      else this.#deliver(answer.events);
    },
    subscribe: (listener) => {
      if (typeof listener !== 'function') throw new TypeError('audit.subscribe(listener): listener must be a function');
      this.#auditListeners.add(listener);
      this.#upstream?.listenAudit(true);
      return () => {
        this.#auditListeners.delete(listener);
        if (this.#auditListeners.size === 0) this.#upstream?.listenAudit(false);
      };
    },
  };

  /**
   * Loads the WebAssembly core if needed (see `init`), then makes an engine.
   * Prefer this over `new TheusEngine()`; worker mode needs it.
   *
   * @example
   * ```ts
   * const engine = await TheusEngine.create(sysCtx, { worker: true }); // commits off the main thread
   * ```
   */
  static async create<C extends Context>(this: typeof TheusEngine, sysCtx: C, options: EngineOptions = {}): Promise<TheusEngine<C>> {
    await init();
    const source = options?.auditRecipe;
    if (source instanceof URL || typeof source === 'string') {
      // The YAML parser loads only where YAML is read.
      const { readYaml } = await extras();
      const { tree } = await readYaml(source, 'the audit recipe', (message, { cause }) => new TypeError(message, { cause }));
      options = { ...options, auditRecipe: tree as object };
    }
    const resolved = resolveOptions(options);
    if (resolved.worker === undefined && resolved.storage === undefined) return new this(sysCtx, options) as TheusEngine<C>;
    // Worker mode and storage, and the check of their options, load with the extras.
    const { checkAuthorityOptions, remoteEngine, resume, savingTo } = await extras();
    checkAuthorityOptions(resolved.worker, resolved.storage);
    if (resolved.worker !== undefined) return remoteEngine(this, sysCtx, options, resolved) as Promise<TheusEngine<C>>;
    const storage = resolved.storage!;
    checkContext(sysCtx);
    const resumed = await resume(storage, sysCtx as Record<string, unknown>, rootOf(sysCtx), resolved.historyLimit);
    return new this(sysCtx, { ...options, [RESUMED]: { ...resumed, saving: savingTo(storage) } } as InternalOptions) as TheusEngine<C>;
  }

  /**
   * A replica in this thread of an authority elsewhere: `port` comes from
   * `engine.connect()` (possibly in another thread, frame or tab). The state,
   * the version, the commit log and the options come from the authority.
   *
   * @example
   * ```ts
   * // in a worker of yours, given a port from the main thread's engine.connect()
   * const replica = await TheusEngine.join(port);
   * replica.register(increment);
   * await replica.execute(increment);
   * ```
   */
  static async join<C extends Context = Context>(this: typeof TheusEngine, port: HostMessagePort, options: Pick<EngineOptions, 'onListenerError'> = {}): Promise<TheusEngine<C>> {
    await init();
    const { joinedEngine } = await extras();
    return joinedEngine(this, port, options) as Promise<TheusEngine<C>>;
  }

  /**
   * Makes an engine in local mode; `init()` must have resolved (else a
   * `TheusError` says so). In strict mode the context's data is frozen from
   * here on.
   *
   * @throws TypeError for a context whose keys are not layers, a frozen
   *   context, bad options, or the `worker` option (which needs `create`).
   */
  constructor(sysCtx: C, options: EngineOptions = {}) {
    assertInitialized('new TheusEngine()');
    checkContext(sysCtx);
    this.#options = resolveOptions(options);
    const attached = (options as InternalOptions)[ATTACH];
    const o = this.#options;
    if (o.worker !== undefined) throw needsCreate('worker', 'starting a worker');
    const resumed = (options as InternalOptions)[RESUMED];
    if (o.storage !== undefined && !resumed) throw needsCreate('storage', 'loading a saved state');
    this.#context = sysCtx;
    this.#undoHistory = new UndoHistory(o.historyLimit);
    const context = sysCtx as unknown as Record<string, unknown>;
    const storeOptions = { strict: o.strict, historyLimit: o.historyLimit, onListenerError: o.onListenerError, context };
    // Where the state comes from: the authority's welcome, a storage, or the context alone.
    const from = attached?.upstream.welcome ?? resumed;
    this.#store = new Store(rootOf(sysCtx), from?.version ?? 0, storeOptions, from?.history);
    if (attached) {
      const { welcome } = attached.upstream;
      this.#stopped = welcome.stopped;
      this.#upstream = attached.upstream;
      this.signals = this.#hub();
      for (const [topic, value] of welcome.signals) this.signals.deliver({ topic, value, version: welcome.version });
      attached.upstream.attach(this.#downstream());
    } else {
      const config = { ...coreConfig(o, sysCtx), startVersion: resumed?.version ?? 0 };
      let authority: Authority;
      try {
        authority = new Authority(config, this.#store, resumed?.saving);
      } catch (thrown) {
        throw classed(thrown);
      }
      this.#upstream = new LocalUpstream(authority, this.#downstream());
      this.#stopped = null;
      this.signals = this.#hub();
    }
  }

  /** The context object this engine manages (the user's own object; for a joined replica, one made for it). */
  get context(): C {
    return this.#context;
  }

  /** The committed state: every layer, frozen in strict mode. */
  get state(): State<C> {
    return this.#store.root as unknown as State<C>;
  }

  /** The version of the last commit: 0 for a new engine, +1 per commit. */
  get version(): number {
    return this.#store.version;
  }

  /** The commit log, oldest first, at most `historyLimit` entries; records are frozen. */
  get history(): CommitRecord[] {
    return this.#store.history;
  }

  /** Whether the authority runs in another thread (worker mode, or a joined replica). */
  get remote(): boolean {
    return this.#upstream?.remote ?? false;
  }

  /**
   * Calls `listener` after each commit (this replica's and every other's),
   * with the version, the process and the patches. Returns the function
   * that unsubscribes it. A listener that throws does not undo the commit;
   * its error goes to `onListenerError`.
   */
  subscribe(listener: (event: CommitEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe(listener): listener must be a function');
    return this.#store.subscribe(listener);
  }

  /**
   * Validates each process's contract (path syntax, zone rules, duplicate
   * names) and registers it. All or nothing: if one is invalid, none is
   * registered. Registering the same function again is a no-op; a different
   * function under a taken name is an error.
   *
   * @throws ContractViolationError for a bad contract, a function without one
   *   or a name clash, naming the process and the path.
   */
  register(...fns: Process[]): void {
    const upstream = this.#live('register()');
    const fresh = new Map<string, Process>();
    for (const fn of fns) {
      if (!isProcess(fn)) {
        const what = typeof fn === 'function' ? `function '${(fn as Function).name || '(anonymous)'}'` : typeof fn;
        throw new ContractViolationError(`register(): ${what} has no contract; declare it with process(contract, fn)`);
      }
      const name = processName(fn);
      const taken = this.#processes.get(name)?.fn ?? fresh.get(name);
      if (taken === fn) continue;
      if (taken !== undefined) {
        throw new ContractViolationError(`register(): a different function is already registered as '${name}'; give one of them another name (contract.name)`, {
          process: name,
        });
      }
      fresh.set(name, fn);
    }
    if (fresh.size === 0) return;
    const names = [...fresh.keys()];
    const specs = [...fresh].map(([name, fn]) => ({ ...fn.contract, name }));
    const keep = (contracts: ContractView[], ready?: Promise<void>) =>
      contracts.forEach((view, i) => {
        const contract = view as unknown as CompiledContract;
        this.#processes.set(names[i], { fn: fresh.get(names[i])!, contract, access: accessTree(contract), ready });
      });
    if (!upstream.remote) {
      const answer = upstream.register(names, specs) as Awaited<ReturnType<Upstream['register']>>;
      if (!answer.result) throw fromCore(answer.error!);
      keep(answer.result);
      return;
    }
    // Checked here at once; the authority registers them too, and its
    // answer (with the audit rules' fields) is awaited by their first run.
    keep(compileContracts(names, specs, this.#options.strict));
    const ready = Promise.resolve(upstream.register(names, specs)).then((answer) => {
      if (!answer.result) {
        for (const name of names) this.#processes.delete(name);
        throw fromCore(answer.error!);
      }
      keep(answer.result);
    });
    ready.catch(() => {});
    for (const name of names) this.#processes.get(name)!.ready = ready;
  }

  /** The compiled contract of a registered process, or undefined. */
  contractOf(name: string): CompiledContract | undefined {
    return this.#processes.get(name)?.contract;
  }

  /**
   * Runs a process as a transaction: on a snapshot, through the guard, then
   * one commit decision in the core. Retries on conflict (at most
   * `maxRetries` times, with backoff), never on the process's own error.
   * A function that is not registered yet is registered first.
   *
   * @returns the process's return value.
   * @throws the process's own error (the same object), after rollback;
   *   `ProcessNotFoundError` for an unknown name; `ContractViolationError`
   *   for an access outside the contract; `ConflictError` when conflicts
   *   outlast `maxRetries`. Nothing is committed in any of these cases.
   */
  execute<F extends ProcessFunction>(fn: Process<F>, ...args: ArgsOf<F>): Promise<Awaited<ReturnType<F>>>;
  execute<R = unknown>(name: string, args?: object): Promise<R>;
  // Not `async`: an async function's promise would be resolved from #run's a few microtasks later, on every call.
  execute(fnOrName: string | Process, args: object = {}): Promise<unknown> {
    return this.#run(fnOrName, args);
  }

  /**
   * Runs a Flux workflow: `source` is a file path (Node/Deno), a URL, YAML
   * text, or an already parsed object. The core compiles it and drives it;
   * each process step is its own transaction, and conditions read the
   * authoritative state when they are evaluated. A failing step stops the
   * workflow in state `Failed` and rejects with that step's error; earlier
   * steps stay committed.
   *
   * @throws WorkflowError for invalid YAML, steps or conditions (with line and
   *   column where known); ProcessNotFoundError before any step runs if the
   *   workflow names an unregistered process; FluxSafetyTripError past maxOps.
   * @example
   * ```ts
   * const { executed } = await engine.executeWorkflow(`
   * steps:
   *   - initialize
   *   - flux: while
   *     condition: "domain['remaining'] > 0"
   *     do: [process_one_item]
   * `);
   * ```
   */
  async executeWorkflow(source: WorkflowSource, options?: WorkflowOptions): Promise<WorkflowResult> {
    this.#live('executeWorkflow()');
    this.#refuseNested('executeWorkflow()');
    // Workflows load with the extras; the YAML parser with the first workflow.
    const { runWorkflow } = await extras();
    return runWorkflow(
      {
        upstream: () => this.#live('executeWorkflow()'),
        run: (name, onAwait) => this.#run(name, {}, onAwait),
        isRegistered: (name) => this.#processes.has(name),
        registered: () => this.#registeredNames(),
        deliver: (events) => this.#deliver(events),
        observe: (workflow, observer) => {
          this.#workflows.set(workflow, observer);
          return () => this.#workflows.delete(workflow);
        },
        onListenerError: this.#options.onListenerError,
      },
      source,
      options,
    );
  }

  /**
   * Node and Deno: imports every module beneath `dir` (recursively) and
   * registers every exported process. Resolves to the names registered.
   *
   * @throws TheusError listing every module that failed to import (then
   *   nothing is registered); ContractViolationError for two different
   *   processes with one name, naming both modules.
   */
  async scanAndRegister(dir: string | HostURL): Promise<string[]> {
    this.#live('scanAndRegister()');
    const { importTree } = await extras();
    return this.registerModules(await importTree(dir));
  }

  /**
   * Any runtime: registers every process exported by a map of modules, such
   * as Vite's `import.meta.glob('./processes/*.ts', { eager: true })`.
   * Resolves to the names registered.
   */
  registerModules(modules: Record<string, unknown>): string[] {
    const found = processesIn(modules);
    this.register(...found);
    return found.map(processName);
  }

  /**
   * A safe zone outside processes: `fn` mutates a draft of the whole context
   * (no contract applies), and the changes commit atomically, or not at all
   * if `fn` throws. Resolves to what `fn` returns.
   *
   * @example
   * ```ts
   * await engine.edit((ctx) => { ctx.domain_ctx.items.length = 0; });
   * ```
   */
  async edit<R>(fn: (ctx: Draft<State<C>>) => R): Promise<Awaited<R>> {
    if (typeof fn !== 'function') throw new TypeError('edit(fn): fn must be a function');
    this.#refuseNested('edit()');
    return transact<Awaited<R>>(this.#host(), {
      kind: TX_EDIT,
      process: 0,
      name: null,
      call: 'edit()',
      body: (draft) => this.#inBody(() => fn(draft as unknown as Draft<State<C>>)) as Awaited<R>,
    });
  }

  /**
   * Writes dotted paths directly if nothing overlapping was committed after
   * `expectedVersion` (any commit at all with `strictCas`). Never retries.
   *
   * @returns the new version.
   * @throws ConflictError when `expectedVersion` is stale.
   * @example
   * ```ts
   * await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.counter': 42 } });
   * ```
   */
  async compareAndSwap(expectedVersion: number, update: StateUpdateInit<C>, options: { requester?: string } = {}): Promise<number> {
    this.#refuseNested('compareAndSwap()');
    // Its checks and its writer load with the extras.
    const { casRequest, writeUpdate } = await extras();
    const { writes, requester, label } = casRequest(expectedVersion, update, options, this.#store.version);
    await transact(this.#host(), {
      kind: TX_CAS,
      process: 0,
      name: requester ?? null,
      call: 'compareAndSwap()',
      snapshot: expectedVersion,
      body: (draft) => writeUpdate(writes, draft, label, this.#parsedPaths),
    });
    return this.#store.version;
  }

  /** Whether `undo()` has a commit of this engine's to reverse. */
  get canUndo(): boolean {
    return this.#undoHistory.canUndo;
  }

  /** Whether `redo()` has an undo to reverse (any other own commit ends what can be redone). */
  get canRedo(): boolean {
    return this.#undoHistory.canRedo;
  }

  /**
   * Reverses this engine's last own commit (a process, an edit, a
   * compareAndSwap or a redo) with a new commit of its inverse patches, as
   * conflict-checked as any commit. At most `historyLimit` commits can be
   * undone. Calls made without awaiting run one after another.
   *
   * @returns the version of the undo's commit.
   * @throws ConflictError if a path that commit wrote has changed since
   *   (then nothing is committed, and the commit can still be undone once
   *   the path holds that value again); TheusError if there is nothing to
   *   undo.
   * @example
   * ```ts
   * await engine.execute(increment);
   * if (engine.canUndo) await engine.undo(); // the counter is back where it was
   * ```
   */
  undo(): Promise<number> {
    return this.#step('undo');
  }

  /**
   * Reverses the last `undo()` with a new commit, under the same check.
   *
   * @returns the version of the redo's commit.
   * @throws ConflictError if a path the undo wrote has changed since;
   *   TheusError if there is nothing to redo.
   * @example
   * ```ts
   * await engine.undo();
   * await engine.redo(); // the increment is back
   * ```
   */
  redo(): Promise<number> {
    return this.#step('redo');
  }

  #step(step: UndoStep): Promise<number> {
    const call = `${step}()`;
    try {
      this.#refuseNested(call);
      this.#live(call);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = async (): Promise<number> => {
      const { takeStep } = await extras();
      await takeStep(this.#undoHistory, step, (body) => transact(this.#host(), { kind: TX_EDIT, process: 0, name: call, call, step, body }));
      return this.#stepVersion;
    };
    const result = this.#steps.then(run, run);
    this.#steps = result.catch(() => {});
    return result;
  }

  /**
   * A MessagePort to this engine's authority, for `TheusEngine.join(port)`
   * in another thread, frame or tab (transfer it with postMessage). Every
   * replica sees every commit, in version order.
   */
  async connect(): Promise<HostMessagePort> {
    return this.#live('connect()').connect();
  }

  /**
   * Frees the WebAssembly side (local mode), stops the worker this engine
   * started (worker mode), or leaves the authority (a joined replica). The
   * engine cannot be used afterwards.
   */
  dispose(): void {
    if (this.#ended && !this.#upstream) return;
    this.#ended ??= new TheusError('this engine has been disposed');
    const upstream = this.#upstream;
    this.#upstream = undefined;
    this.#store.break(this.#ended);
    upstream?.close(this.#ended);
  }

  /** `using engine = await TheusEngine.create(...)` disposes it at scope end. */
  [disposeSymbol](): void {
    this.dispose();
  }

  /** Runs the synchronous part of a process body (or an edit), noting that one runs. */
  #inBody<T>(run: () => T): T {
    this.#bodies += 1;
    try {
      return run();
    } finally {
      this.#bodies -= 1;
    }
  }

  /**
   * A transaction started from inside a running process body would commit
   * on its own (again at every retry of the outer one) and, once the outer
   * one holds priority, wait for it while it waits: refused at once.
   */
  #refuseNested(what: string): void {
    if (this.#bodies > 0) {
      throw new TheusError(
        `${what} was called from inside a running process or edit(): it would commit again at each retry of the outer one; run it afterwards, or make both steps of a workflow`,
      );
    }
  }

  #live(what: string): Upstream {
    if (this.#ended || !this.#upstream) {
      throw new TheusError(`${what}: ${(this.#ended ?? new TheusError('this engine has been disposed')).message}`);
    }
    return this.#upstream;
  }

  #hub(): SignalHub {
    return new SignalHub((message) => this.#upstream?.publish(message));
  }

  #downstream() {
    return {
      store: this.#store,
      deliver: (events: ReplicaEvent[]) => this.#deliver(events),
      lost: (error: TheusError) => {
        this.#ended ??= error;
        this.#store.break(error);
      },
    };
  }

  #host(): ReplicaHost {
    return (this.#hostObject ??= {
      store: this.#store,
      upstream: (what) => this.#live(what),
      deliver: (events) => this.#deliver(events),
      explain: (what, error) => this.#explain(what, error),
      committed: (version, patches, inversePatches, root, step) => {
        this.#undoHistory.record(version, patches, inversePatches, root, step);
        if (step) this.#stepVersion = version;
      },
    });
  }

  /** The engine's end met mid-call is reported as that call's failure; anything else as it is. */
  #explain(what: string, error: unknown): unknown {
    return error !== undefined && error === this.#ended ? new TheusError(`${what}: ${this.#ended.message}`) : error;
  }

  /** Hands the core's events to whoever listens here, after the call that made them returned. */
  #deliver(events: ReplicaEvent[]): void {
    for (const event of events) {
      switch (event.kind) {
        case 'audit':
          notify(this.#auditListeners, event.record as AuditRecord, this.#options.onListenerError, 'audit.subscribe');
          break;
        case 'signal':
          this.signals.deliver(event.message);
          break;
        case 'stopped':
          this.#stopped = event.reason;
          break;
        case 'reset':
          this.#stopped = null;
          break;
        default:
          this.#workflows.get(event.workflow)?.(event);
      }
    }
  }

  #resolve(fnOrName: string | Process): Registered {
    if (typeof fnOrName === 'string') {
      const registered = this.#processes.get(fnOrName);
      if (registered) return registered;
      throw new ProcessNotFoundError(`process '${fnOrName}' is not registered; ${this.#registeredNames()}`, {
        process: fnOrName,
      });
    }
    // The common case, a registered function, skips register()'s checks.
    const registered = isProcess(fnOrName) ? this.#processes.get(processName(fnOrName)) : undefined;
    // (An undefined fnOrName would equal a missing registration's fn.)
    if (registered && registered.fn === fnOrName) return registered;
    this.register(fnOrName);
    return this.#processes.get(processName(fnOrName))!;
  }

  /**
   * What is registered, for a failed lookup by name; names taken from
   * function names are pointed out, since minifiers rename functions.
   */
  #registeredNames(): string {
    const names = [...this.#processes.keys()];
    if (names.length === 0) return 'none is registered yet';
    const inferred = [...this.#processes.values()].filter((r) => r.fn.contract.name === undefined).map((r) => r.contract.name);
    const hint = inferred.length > 0 ? `; ${inferred.join(', ')} took their names from their functions, which minifiers rename: give each process contract.name` : '';
    return `registered: ${names.join(', ')}${hint}`;
  }

  #run(fnOrName: string | Process, args: object, onAwait?: () => void): Promise<unknown> {
    let registered: Registered;
    try {
      this.#refuseNested('execute()');
      registered = this.#resolve(fnOrName);
    } catch (error) {
      return Promise.reject(error);
    }
    if (registered.ready) {
      // Worker mode: the authority's answer to the registration comes first.
      return registered.ready.then(
        () => this.#run(fnOrName, args, onAwait),
        (error: unknown) => Promise.reject(this.#explain('execute()', error)),
      );
    }
    const { fn, access, contract } = registered;
    const name = contract.name;
    if (this.#stopped !== null) {
      return Promise.reject(new AuditStopError(`process '${name}' refused: the engine is stopped (${this.#stopped}); call engine.audit.reset()`, { process: name }));
    }
    const inputs = contract.auditInputs.length > 0 ? contract.auditInputs.map((keys) => auditValue(valueAt(args, keys))) : undefined;
    return transact(this.#host(), {
      kind: TX_PROCESS,
      process: contract.id,
      name,
      call: 'execute()',
      inputs,
      body: (draft, snapshot) => {
        const guard = this.#options.strict ? guardContext(name, snapshot, draft, access) : undefined;
        const result = this.#inBody(() => fn(guard ? guard.ctx : draft, args)) as unknown;
        if (!isThenable(result)) return this.#returned(result, guard, draft, name);
        onAwait?.();
        return Promise.resolve(result).then((value) => this.#returned(value, guard, draft, name));
      },
    });
  }

  /** A process body returned `result`: the guard's end checks run, and a StateUpdate is written. */
  #returned(result: unknown, guard: Guard | undefined, draft: Root, name: string): unknown {
    guard?.finish();
    stateUpdates.get(result as object)?.(result as StateUpdate, draft, name, this.#parsedPaths);
    return result;
  }

}

/** A context must be an object whose layers the engine can replace after each commit. */
export function checkContext(sysCtx: unknown): void {
  if (typeof sysCtx !== 'object' || sysCtx === null) {
    throw new TypeError(`TheusEngine: the context must be an object with layers such as { global_ctx, domain_ctx }, got ${sysCtx === null ? 'null' : typeof sysCtx}`);
  }
  for (const [key, layer] of Object.entries(sysCtx)) {
    if (typeof layer !== 'object' || layer === null) {
      throw new TypeError(`TheusEngine: the layer '${key}' must be an object of data, got ${layer === null ? 'null' : typeof layer}`);
    }
  }
  const frozen = Object.isFrozen(sysCtx);
  const readOnly = frozen ? undefined : Object.keys(sysCtx).find((key) => !writable(sysCtx, key));
  if (frozen || readOnly !== undefined) {
    throw new TypeError(
      `TheusEngine: the context object ${frozen ? 'is frozen' : `has a read-only layer '${readOnly}'`}; the engine replaces its layers after each commit, so pass a writable object`,
    );
  }
}

/** The state a context holds: each layer (a missing one is `{}`), frozen in strict mode by the store. */
export function rootOf(sysCtx: object): Root {
  const layers = sysCtx as Record<string, object | undefined>;
  return Object.fromEntries(layerRules().names.map((name) => [name, layers[name] ?? {}])) as Root;
}

/** The authority's configuration: the options the core checked, and what the context and randomness add. */
export function coreConfig(o: ResolvedOptions, sysCtx: object): AuthorityConfig {
  const { auditRecipe, worker, storage, onListenerError, ...checked } = o;
  const recipe = recipeTree(auditRecipe);
  checkDepth(recipe, (message) => new TypeError(`engine configuration: ${message}`));
  return { ...checked, seed: Math.floor(Math.random() * 2 ** 52), contextKeys: Object.keys(sysCtx), auditRecipe: recipe };
}

/** An option given to the constructor that only `create` can honour, since honouring it is asynchronous. */
const needsCreate = (option: string, what: string) =>
  new TypeError(`TheusEngine: the ${option} option needs \`await TheusEngine.create(sysCtx, { ${option} })\`: ${what} is asynchronous`);

/** The recipe as plain data; YAML (text, a file, a URL) is loaded by `TheusEngine.create`. */
function recipeTree(source: object | string | URL | undefined): unknown {
  if (source instanceof URL || typeof source === 'string') {
    throw needsCreate('auditRecipe', 'loading YAML (text, a file or a URL)');
  }
  return source;
}

export type { Patches };
