/**
 * TheusEngine: the public face of the engine. This first version holds the
 * contract registry; execution arrives with the transaction engine.
 */
import { Engine as CoreEngine } from '../wasm-pkg/theus_wasm.js';
import { isProcess, processName, type Process, type Semantic } from './contract.ts';
import { callCore, ContractViolationError, TheusError } from './errors.ts';
import { assertInitialized, init } from './init.ts';

/**
 * A Theus context: an object whose own keys are layers. Layers hold plain
 * data, arrays, class instances, Map/Set, Date and (HEAVY zone) binary data.
 */
export interface Context {
  global_ctx?: object;
  domain_ctx?: object;
  local_ctx?: object;
}

/** Options of {@link TheusEngine}. */
export interface EngineOptions {
  /**
   * Enforce contracts and zone rules (default `true`). `false` is research
   * mode: full access, still transactional. In strict mode a contract may not
   * read SIGNAL or META paths.
   */
  strictMode?: boolean;
  /** Alias of `strictMode` (the origin's name). */
  strictGuards?: boolean;
}

const OPTION_NAMES = ['strictMode', 'strictGuards'] as const;

/** A context path as the core compiled it. */
export interface CompiledPath {
  id: number;
  /** Canonical spelling, e.g. `domain_ctx.items[0].price`. */
  path: string;
  layer: 'global_ctx' | 'domain_ctx' | 'local_ctx';
  segments: (string | number)[];
  zone: 'DATA' | 'SIGNAL' | 'META' | 'HEAVY';
}

/** A contract as the core compiled it at register time. */
export interface CompiledContract {
  name: string;
  semantic: Semantic;
  inputs: CompiledPath[];
  outputs: CompiledPath[];
  errors: string[];
  sideEffects: string[];
  parallel: boolean;
}

interface Registered {
  fn: Process;
  contract: CompiledContract;
}

const disposeSymbol: typeof Symbol.dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/**
 * The Theus engine over one context object.
 *
 * @example
 * ```ts
 * import { TheusEngine, process } from 'theus';
 * const sysCtx = { global_ctx: {}, domain_ctx: { items: [] } };
 * const engine = await TheusEngine.create(sysCtx);
 * engine.register(process({ inputs: ['domain_ctx.items'] }, function count_items() {}));
 * ```
 */
export class TheusEngine<C extends Context = Context> {
  readonly #context: C;
  readonly #processes = new Map<string, Registered>();
  #core: CoreEngine | undefined;

  /**
   * Loads the WebAssembly core if needed (see `init`), then makes an engine.
   * Prefer this over `new TheusEngine()`.
   */
  static async create<C extends Context>(sysCtx: C, options?: EngineOptions): Promise<TheusEngine<C>> {
    await init();
    return new TheusEngine(sysCtx, options);
  }

  /**
   * Makes an engine; `init()` must have resolved (else a `TheusError` says so).
   * Throws `TypeError` for a context whose keys are not layers, or for
   * unknown options.
   */
  constructor(sysCtx: C, options: EngineOptions = {}) {
    assertInitialized('new TheusEngine()');
    if (typeof sysCtx !== 'object' || sysCtx === null) {
      throw new TypeError(`TheusEngine: the context must be an object with layers such as { global_ctx, domain_ctx }, got ${sysCtx === null ? 'null' : typeof sysCtx}`);
    }
    const strict = strictness(options);
    this.#context = sysCtx;
    this.#core = callCore(() => new CoreEngine({ strict, contextKeys: Object.keys(sysCtx) }));
  }

  /** The context object this engine manages (the user's own object). */
  get context(): C {
    return this.#context;
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
    compiled.forEach((contract, i) => this.#processes.set(names[i], { fn: fresh.get(names[i])!, contract }));
  }

  /** The compiled contract of a registered process, or undefined. */
  contractOf(name: string): CompiledContract | undefined {
    return this.#processes.get(name)?.contract;
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
}

function strictness(options: EngineOptions): boolean {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`TheusEngine: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const unknown = Object.keys(options).find((key) => !(OPTION_NAMES as readonly string[]).includes(key));
  if (unknown !== undefined) {
    throw new TypeError(`TheusEngine: unknown option '${unknown}'; this version supports ${OPTION_NAMES.join(', ')}`);
  }
  const { strictMode, strictGuards } = options;
  for (const [key, value] of Object.entries({ strictMode, strictGuards })) {
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`TheusEngine: option '${key}' must be a boolean, got ${typeof value}`);
    }
  }
  if (strictMode !== undefined && strictGuards !== undefined && strictMode !== strictGuards) {
    throw new TypeError('TheusEngine: strictMode and strictGuards are one option under two names; they disagree here');
  }
  return strictMode ?? strictGuards ?? true;
}
