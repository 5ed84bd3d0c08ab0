/**
 * TheusEngine: processes run as transactions over one context object.
 *
 * JavaScript holds the data (a frozen, structurally shared tree); the Rust
 * core makes the decisions, in about one call per commit: permissions,
 * conflicts (MVCC with prefix semantics), retry policy and priority, audit.
 */
import { create, type Draft, type Patches } from 'mutative';
import { Engine as CoreEngine } from '../wasm-pkg/theus_wasm.js';
import { applyPatches, markInstances, valueAt, writtenPaths, type Verdict } from './commit.ts';
import { isProcess, processName, type CompiledContract, type CompiledPath, type Process } from './contract.ts';
import { importTree, processesIn } from './discovery.ts';
import { auditError, AuditStopError, callCore, ConflictError, ContractViolationError, ProcessNotFoundError, TheusError } from './errors.ts';
import { deepFreeze, freezeChanged } from './freeze.ts';
import { accessTree, guardContext, isFrozenWriteError, type AccessNode } from './guard.ts';
import { History, type CommitRecord } from './history.ts';
import { assertInitialized, init } from './init.ts';
import { layerRules, type LayerName } from './layers.ts';
import { resolveOptions, type EngineOptions, type ResolvedOptions } from './options.ts';
import { PriorityWaits } from './priority.ts';
import { fileSystem, fileUrl } from './runtime.ts';
import { encodePaths } from './wire.ts';
import { loadYaml, looksLikeYaml, parseYaml } from './yaml-source.ts';
import { runWorkflow, type WorkflowOptions, type WorkflowResult, type WorkflowSource } from './workflow.ts';
import { SignalHub } from './signals.ts';
import { StateUpdate, type StateUpdateInit } from './state-update.ts';

/**
 * A Theus context: an object whose own keys are layers. Layers hold plain
 * data, arrays, class instances, Map/Set, Date and (HEAVY zone) binary data.
 */
export interface Context {
  global_ctx?: object;
  domain_ctx?: object;
  local_ctx?: object;
}

/** Told after each commit. */
export interface CommitEvent {
  version: number;
  process: string | null;
  patches: Patches;
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
  /** Called with each audit record as it is made; returns the unsubscribe function. */
  subscribe(listener: (record: AuditRecord) => void): () => void;
}

interface Registered {
  fn: Process;
  contract: CompiledContract;
  access: AccessNode;
}

/** Who is committing, as the core's commit request names it. */
type TxKind =
  | { kind: 'process'; process: string; audit: ProcessAudit }
  | { kind: 'edit' }
  | { kind: 'cas'; requester?: string };

/** An execution's audit: its input finding token and where its output rules read. */
interface ProcessAudit {
  finding: number;
  outputs: (string | number)[][];
}

type Root = Record<LayerName, object>;

/** The committed state: the context's layers (a missing layer is `{}`). */
export type State<C extends Context> = Readonly<Omit<Root, keyof C> & C>;

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

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
  readonly #history: History;
  readonly #waits = new PriorityWaits();
  readonly #listeners = new Set<(event: CommitEvent) => void>();
  readonly #parsedPaths = new Map<string, CompiledPath>();
  readonly #auditListeners = new Set<(record: AuditRecord) => void>();
  /** Mirrors the core's level S stop, so that a stopped engine refuses at once. */
  #stopped = false;
  #root: Root;
  #version = 0;
  #core: CoreEngine | undefined;

  /** The signal hub: commits publish the SIGNAL paths they wrote here. */
  readonly signals = new SignalHub();

  /** The audit log of this engine. */
  readonly audit: AuditView = {
    getLogs: () => {
      const core = this.#live('audit.getLogs()');
      return callCore(() => core.auditLogs()) as AuditRecord[];
    },
    counters: () => {
      const core = this.#live('audit.counters()');
      return callCore(() => core.auditCounters()) as Record<string, number>;
    },
    reset: () => {
      this.#live('audit.reset()').auditReset();
      this.#stopped = false;
    },
    subscribe: (listener) => {
      if (typeof listener !== 'function') throw new TypeError('audit.subscribe(listener): listener must be a function');
      this.#auditListeners.add(listener);
      return () => this.#auditListeners.delete(listener);
    },
  };

  /**
   * Loads the WebAssembly core if needed (see `init`), then makes an engine.
   * Prefer this over `new TheusEngine()`.
   */
  static async create<C extends Context>(sysCtx: C, options?: EngineOptions): Promise<TheusEngine<C>> {
    await init();
    const source = options?.auditRecipe;
    if (source instanceof URL || (typeof source === 'string' && !looksLikeYaml(source))) {
      const { tree } = await loadYaml(source, 'the audit recipe', (message) => new TypeError(message));
      return new TheusEngine(sysCtx, { ...options, auditRecipe: tree as object });
    }
    return new TheusEngine(sysCtx, options);
  }

  /**
   * Makes an engine; `init()` must have resolved (else a `TheusError` says so).
   * In strict mode the context's data is frozen from here on.
   *
   * @throws TypeError for a context whose keys are not layers, or bad options.
   */
  constructor(sysCtx: C, options: EngineOptions = {}) {
    assertInitialized('new TheusEngine()');
    if (typeof sysCtx !== 'object' || sysCtx === null) {
      throw new TypeError(`TheusEngine: the context must be an object with layers such as { global_ctx, domain_ctx }, got ${sysCtx === null ? 'null' : typeof sysCtx}`);
    }
    this.#options = resolveOptions(options);
    const o = this.#options;
    this.#core = callCore(
      () =>
        new CoreEngine({
          strict: o.strict,
          strictCas: o.strictCas,
          serializable: o.serializable,
          maxRetries: o.maxRetries,
          priorityAfter: o.priorityAfter,
          backoffBaseMs: o.backoffBaseMs,
          backoffMaxMs: o.backoffMaxMs,
          auditLogLimit: o.auditLogLimit,
          seed: Math.floor(Math.random() * 2 ** 52),
          contextKeys: Object.keys(sysCtx),
          auditRecipe: recipeTree(o.auditRecipe),
        }),
    );
    this.#context = sysCtx;
    this.#history = new History(o.historyLimit);
    const layers = sysCtx as unknown as Record<string, object | undefined>;
    this.#root = Object.fromEntries(layerRules().names.map((name) => [name, layers[name] ?? {}])) as Root;
    if (o.strict) deepFreeze(this.#root);
  }

  /** The context object this engine manages (the user's own object). */
  get context(): C {
    return this.#context;
  }

  /** The committed state: every layer, frozen in strict mode. */
  get state(): State<C> {
    return this.#root as unknown as State<C>;
  }

  /** The version of the last commit: 0 for a new engine, +1 per commit. */
  get version(): number {
    return this.#version;
  }

  /** The commit log, oldest first, at most `historyLimit` entries. */
  get history(): CommitRecord[] {
    return this.#history.entries();
  }

  /**
   * Calls `listener` after each commit, with the version, the process and
   * the patches. Returns the function that unsubscribes it. A listener that
   * throws does not undo the commit; its error is rethrown asynchronously.
   */
  subscribe(listener: (event: CommitEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('subscribe(listener): listener must be a function');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
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
    const core = this.#live('register()');
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
        throw new ContractViolationError(
          `register(): a different function is already registered as '${name}'; give one of them another name (contract.name)`,
          { process: name },
        );
      }
      fresh.set(name, fn);
    }
    if (fresh.size === 0) return;
    const names = [...fresh.keys()];
    const specs = [...fresh].map(([name, fn]) => ({ ...fn.contract, name }));
    const compiled = callCore(() => core.register(names, specs)) as CompiledContract[];
    compiled.forEach((contract, i) => this.#processes.set(names[i], { fn: fresh.get(names[i])!, contract, access: accessTree(contract) }));
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
  async execute<R>(fnOrName: string | Process<(ctx: any, args: any) => R>, args: object = {}): Promise<Awaited<R>> {
    return this.#run(fnOrName, args) as Promise<Awaited<R>>;
  }

  /**
   * Runs a Flux workflow: `source` is a file path (Node/Deno), a URL, YAML
   * text, or an already parsed object. The core compiles it and drives it;
   * each process step is its own transaction, and conditions read committed
   * state when they are evaluated. A failing step stops the workflow in state
   * `Failed` and rejects with that step's error; earlier steps stay
   * committed.
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
    return runWorkflow(
      {
        run: (name, onAwait) => this.#run(name, {}, onAwait),
        isRegistered: (name) => this.#processes.has(name),
        registered: () => [...this.#processes.keys()],
        state: () => this.#root,
        signal: (topic) => this.signals.last(topic),
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
  async scanAndRegister(dir: string | URL): Promise<string[]> {
    this.#live('scanAndRegister()');
    const url = dir instanceof URL ? dir : fileSystem() ? fileUrl(dir) : undefined;
    if (!url) throw new TypeError('scanAndRegister needs a file system (Node or Deno); in a browser, use registerModules(import.meta.glob(..., { eager: true }))');
    return this.registerModules(await importTree(url));
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

  #run(fnOrName: string | Process, args: object, onAwait?: () => void): Promise<unknown> {
    const { fn, access, contract } = this.#resolve(fnOrName);
    const name = contract.name;
    if (this.#stopped) {
      return Promise.reject(new AuditStopError(`process '${name}' refused: an audit rule at level S stopped the engine; call engine.audit.reset()`, { process: name }));
    }
    let finding = 0;
    if (contract.auditInputs.length > 0) {
      const core = this.#live('execute()');
      const values = contract.auditInputs.map((keys) => auditValue(valueAt(args, keys)));
      try {
        finding = callCore(() => core.auditInputs(name, values));
      } catch (error) {
        if (error instanceof AuditStopError) this.#stopped = true;
        this.#tellAudit();
        return Promise.reject(error);
      }
    }
    const audit = { finding, outputs: contract.auditOutputs };
    return this.#transact({ kind: 'process', process: name, audit }, async (draft, snapshot) => {
      const guard = this.#options.strict ? guardContext({ process: name, snapshot, draft }, access) : undefined;
      let result = fn(guard ? guard.ctx : draft, args) as unknown;
      if (isThenable(result)) {
        onAwait?.();
        result = await result;
      }
      guard?.finish();
      if (result instanceof StateUpdate) this.#write(draft, result, name);
      return result;
    });
  }

  /** Hands the newest audit record to audit subscribers, if there are any. */
  #tellAudit(): void {
    if (this.#auditListeners.size === 0 || !this.#core) return;
    const core = this.#core;
    const record = callCore(() => core.lastAuditRecord()) as AuditRecord | null;
    if (!record) return;
    notify(this.#auditListeners, record);
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
    return this.#transact<Awaited<R>>({ kind: 'edit' }, async (draft): Promise<Awaited<R>> => {
      const result = fn(draft as unknown as Draft<State<C>>);
      return (isThenable(result) ? await result : result) as Awaited<R>;
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
  async compareAndSwap(expectedVersion: number, update: StateUpdateInit, options: { requester?: string } = {}): Promise<number> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) {
      throw new TypeError(`compareAndSwap: expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`);
    }
    const { requester } = options;
    if (requester !== undefined && typeof requester !== 'string') throw new TypeError('compareAndSwap: requester must be a string');
    const writes = new StateUpdate(update);
    const label = requester === undefined ? 'compareAndSwap' : `compareAndSwap by '${requester}'`;
    await this.#transact({ kind: 'cas', requester }, (draft) => this.#write(draft, writes, label), expectedVersion);
    return this.#version;
  }

  /** Frees the WebAssembly side. The engine cannot be used afterwards. */
  dispose(): void {
    this.#core?.free();
    this.#core = undefined;
  }

  /** `using engine = await TheusEngine.create(...)` disposes it at scope end. */
  [disposeSymbol](): void {
    this.dispose();
  }

  #live(what: string): CoreEngine {
    if (!this.#core) throw new TheusError(`${what}: this engine has been disposed`);
    return this.#core;
  }

  #resolve(fnOrName: string | Process): Registered {
    if (typeof fnOrName === 'string') {
      const registered = this.#processes.get(fnOrName);
      if (registered) return registered;
      const known = [...this.#processes.keys()];
      throw new ProcessNotFoundError(
        `process '${fnOrName}' is not registered; ${known.length ? `registered: ${known.join(', ')}` : 'none is registered yet'}`,
        { process: fnOrName },
      );
    }
    // The common case, a registered function, skips register()'s checks.
    const registered = isProcess(fnOrName) ? this.#processes.get(processName(fnOrName)) : undefined;
    if (registered?.fn === fnOrName) return registered;
    this.register(fnOrName);
    return this.#processes.get(processName(fnOrName))!;
  }

  /**
   * The transaction loop shared by execute, edit and compareAndSwap: run
   * `body` on a draft of a snapshot, ask the core, then install, retry after
   * backoff, wait for a priority holder, or give up.
   */
  async #transact<R>(tx: TxKind, body: (draft: Root, snapshot: Root) => R | Promise<R>, fixedSnapshot?: number): Promise<R> {
    const core = this.#live(tx.kind === 'process' ? 'execute()' : tx.kind === 'edit' ? 'edit()' : 'compareAndSwap()');
    const process = tx.kind === 'process' ? tx.process : null;
    const kindCode = tx.kind === 'process' ? 0 : tx.kind === 'edit' ? 1 : 2;
    const kindName = tx.kind === 'process' ? tx.process : tx.kind === 'cas' ? tx.requester : undefined;
    const started = performance.now();
    let conflicts = 0;
    let ticket: number | null = null;
    const audit = tx.kind === 'process' ? tx.audit : undefined;
    const fail = (error: unknown, threw: boolean): never => {
      if (process !== null && this.#core) {
        this.#waits.released(Array.from(core.fail(process, messageOf(error), performance.now() - started, conflicts + 1, ticket ?? 0, threw, audit!.finding)));
        this.#tellAudit();
      } else if (ticket !== null) this.#waits.released([]);
      throw error;
    };

    for (;;) {
      const snapshot = this.#root;
      const snapshotVersion = fixedSnapshot ?? this.#version;
      const [draft, finalize] = create(snapshot, { enablePatches: true, mark: markInstances });
      let result: R;
      let next: Root;
      let patches: Patches;
      let inverse: Patches;
      try {
        result = await body(draft as Root, snapshot);
        [next, patches, inverse] = finalize();
      } catch (error) {
        const violation = process !== null && isFrozenWriteError(error);
        fail(
          violation
            ? new ContractViolationError(`process '${process}' wrote to data it may only read (a declared input, not an output): ${error.message}`, {
                process,
                cause: error,
              })
            : error,
          !violation && !(error instanceof TheusError),
        );
      }
      const writes = writtenPaths(patches!, next!);
      const wireWrites = encodePaths(writes);

      for (;;) {
        // The state this commit would make: the draft's own result when
        // nothing else committed since the snapshot, otherwise its patches
        // replayed on the current state (the core checks that they touch
        // nothing that changed). Made once, when first needed.
        const base = this.#root;
        let candidate: Root | undefined;
        const committedState = () => (candidate ??= base === snapshot ? next! : applyPatches(base, patches!));
        // Output rules see the values the transaction would commit.
        const auditValues = audit?.outputs.length ? audit.outputs.map((keys) => auditValue(valueAt(committedState(), keys))) : undefined;
        let verdict: Verdict;
        try {
          // The engine may have been disposed while the process awaited.
          const live = this.#live(tx.kind === 'process' ? 'execute()' : tx.kind === 'edit' ? 'edit()' : 'compareAndSwap()');
          verdict = callCore(() =>
            live.commit(kindCode, kindName, snapshotVersion, wireWrites, conflicts, ticket ?? 0, performance.now() - started, auditValues, audit?.finding ?? 0),
          ) as Verdict;
        } catch (error) {
          return fail(error, false);
        }
        if (verdict.outcome === 'committed') {
          this.#install(process ?? (tx.kind === 'cas' ? (tx.requester ?? null) : null), committedState(), patches!, inverse!, verdict, writes);
          if (ticket !== null) this.#waits.released(verdict.promoted);
          if (process !== null) this.#tellAudit();
          return result!;
        }
        if (verdict.outcome === 'gaveUp') {
          this.#waits.released(verdict.promoted);
          if (process !== null) this.#tellAudit();
          throw new ConflictError(verdict.message, { process: process ?? undefined, path: verdict.path ?? undefined });
        }
        if (verdict.outcome === 'auditFailed') {
          this.#waits.released(verdict.promoted);
          if (verdict.level === 'S') this.#stopped = true;
          this.#tellAudit();
          throw auditError(verdict.level === 'C' ? 'B' : verdict.level, `process '${process}' output ${verdict.message}`, {
            process: process ?? undefined,
            rule: verdict.rule ?? undefined,
          });
        }
        if (verdict.outcome === 'wait') {
          // Resubmit after the holder is done: the body is not run again
          // (it runs at most 1 + maxRetries times), and the core checks the
          // same writes against whatever the holder committed.
          await (verdict.ticket !== null ? this.#waits.promotion(verdict.ticket) : this.#waits.release());
          continue;
        }
        conflicts += 1;
        ticket = verdict.ticket;
        await sleep(verdict.retryInMs);
        break;
      }
    }
  }

  #install(process: string | null, root: Root, patches: Patches, inversePatches: Patches, verdict: Extract<Verdict, { outcome: 'committed' }>, writes: (string | number)[][]): void {
    const previous = this.#root;
    if (this.#options.strict) freezeChanged(root, patches);
    this.#root = root;
    this.#version = verdict.version;
    const context = this.#context as Record<string, unknown>;
    for (const name of layerRules().names) {
      if (root[name] !== previous[name]) context[name] = root[name];
    }
    this.#history.push({ version: verdict.version, process, patches, inversePatches, at: Date.now() });
    const event = Object.freeze({ version: verdict.version, process, patches });
    notify(this.#listeners, event);
    for (const signal of verdict.signals) {
      const value = valueAt(root, writes[signal.write].slice(0, signal.depth));
      this.signals.publish({ topic: signal.topic, value, version: verdict.version });
    }
  }

  /** Writes a StateUpdate's entries into a draft; paths parsed by the core once. */
  #write(draft: Root, update: StateUpdate, who: string): void {
    const parts = [
      ['data', update.data, ['DATA', 'META']],
      ['signal', update.signal, ['SIGNAL']],
      ['heavy', update.heavy, ['HEAVY']],
    ] as const;
    const texts = parts.flatMap(([, entries]) => Object.keys(entries)).filter((t) => !this.#parsedPaths.has(t));
    if (texts.length > 0) {
      const core = this.#live(who);
      const parsed = callCore(() => core.parsePaths(texts)) as CompiledPath[];
      texts.forEach((text, i) => this.#parsedPaths.set(text, parsed[i]));
    }
    for (const [part, entries, zones] of parts) {
      for (const [text, value] of Object.entries(entries)) {
        const path = this.#parsedPaths.get(text)!;
        if (!(zones as readonly string[]).includes(path.zone)) {
          throw new ContractViolationError(
            `${who}: '${text}' is in the ${path.zone} zone, so it belongs in StateUpdate's '${path.zone === 'SIGNAL' ? 'signal' : path.zone === 'HEAVY' ? 'heavy' : 'data'}', not '${part}'`,
            { process: who, path: text },
          );
        }
        setAt(draft, [path.layer, ...path.segments], value, who, text);
      }
    }
  }
}

/** Assigns `value` at `keys` in a draft, making plain objects for missing steps. */
function setAt(draft: object, keys: (string | number)[], value: unknown, who: string, text: string): void {
  let node = draft as Record<PropertyKey, unknown>;
  for (const key of keys.slice(0, -1)) {
    let next = node instanceof Map ? node.get(key) : node[key];
    if (next === undefined) {
      next = {};
      if (node instanceof Map) node.set(key, next);
      else node[key] = next;
      next = node instanceof Map ? node.get(key) : node[key];
    }
    if (typeof next !== 'object' || next === null) {
      throw new ContractViolationError(`${who}: cannot write '${text}': '${key}' holds ${next === null ? 'null' : typeof next}, not an object`, { process: who, path: text });
    }
    node = next as Record<PropertyKey, unknown>;
  }
  const last = keys[keys.length - 1];
  if (node instanceof Map) node.set(last, value);
  else node[last] = value;
}

/**
 * Calls every listener. One that throws stops neither the others nor what
 * was already done (the commit stands); its error is rethrown from a
 * microtask, so that it is reported, never lost.
 */
function notify<T>(listeners: Iterable<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** The recipe as plain data; files and URLs are loaded by `TheusEngine.create`. */
function recipeTree(source: object | string | URL | undefined): unknown {
  if (source === undefined) return undefined;
  if (source instanceof URL || (typeof source === 'string' && !looksLikeYaml(source))) {
    throw new TypeError('TheusEngine: an audit recipe file or URL is loaded by `await TheusEngine.create(...)`; new TheusEngine() takes an object or YAML text');
  }
  return typeof source === 'string' ? parseYaml(source, 'the audit recipe text', (message) => new TypeError(message)).tree : source;
}

/** A value as an audit rule sees it: numbers, strings and booleans as they are, anything else as null. */
function auditValue(value: unknown): unknown {
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : null;
}
