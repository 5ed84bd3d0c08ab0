/**
 * The binding to the WebAssembly core: the only module that imports
 * wasm-pkg. Values cross as JSON text both ways (ts/value-text.ts in, the
 * replies parsed here); the types of everything that crosses are generated
 * from the Rust definitions (wasm-pkg/theus_wasm.d.ts), so none is restated
 * here. This module turns the core's error objects into `TheusError`s.
 */
import {
  __theus_restart,
  initSync,
  checkOptions as glueCheckOptions,
  compileContracts as glueCompileContracts,
  Core,
  coreVersion as glueCoreVersion,
  parsePaths as glueParsePaths,
  pathRules as gluePathRules,
  type ActionView,
  type AuditRecord,
  type BeginReply,
  type CheckedOptions,
  type CommitReply,
  type ContractView,
  type EngineConfig,
  type EngineError,
  type Event as CoreEvent,
  type NeedView,
  type PathView,
  type Reply,
  type SegmentView,
  type Verdict,
  type WorkflowStarted,
  type PathRules,
} from '../wasm-pkg/theus_wasm.js';
import { fromCore, TheusError } from './errors.ts';
import { flatText, RECORD_END, valueText } from './value-text.ts';
import type { HostWasmModule } from './host-types.ts';

export { Core };
export type { ActionView, AuditRecord, BeginReply, CheckedOptions, CommitReply, ContractView, CoreEvent, EngineConfig, EngineError, NeedView, PathView, Reply, SegmentView, Verdict, WorkflowStarted };

/** Exports a module must have to be the Theus core. */
export const REQUIRED_EXPORTS = ['memory', 'coreVersion', '__wbindgen_start'];

/**
 * Instantiates the core from a compiled module. Synchronously: compiling,
 * the slow part, was done asynchronously by the caller, and the glue's own
 * loader (fetching, streaming) is then never shipped.
 */
export function instantiate(module: HostWasmModule): void {
  initSync({ module });
}

/** Which instance of the core is live: a new one after each trap. */
let generation = 0;

/**
 * A trap: the instance stopped mid-call (a panic, an out-of-bounds access,
 * the stack exhausted), so its memory is in an unknown state.
 */
const isTrap = (error: unknown): boolean =>
  error instanceof WebAssembly.RuntimeError || (error instanceof RangeError && /call stack/i.test(error.message));

const LOST = "this engine's state in the WebAssembly core was lost when the core failed and was restarted: create a new engine";

/**
 * Runs a call into the core. A trap never leaves a poisoned instance
 * behind: the module is instantiated again at once, so new engines work;
 * engines of the old instance have lost their state there and say so.
 */
function guarded<T>(call: () => T, refusal: (error: EngineError) => unknown = fromCore): T {
  try {
    return call();
  } catch (error) {
    // The core throws its refusals as JSON text, and nothing else in it throws a string.
    if (typeof error === 'string') throw refusal(JSON.parse(error));
    if (!isTrap(error)) throw error;
    generation = __theus_restart();
    throw new TheusError(`the WebAssembly core failed (${(error as Error).message}); ${LOST}`, { cause: error });
  }
}

export const coreVersion = (): string => guarded(() => glueCoreVersion());

let rules: PathRules | undefined;

export const pathRules = (): PathRules => (rules ??= JSON.parse(guarded(() => gluePathRules())));

/** Contracts as the core reads them: names as JSON, each spec's value text on its own. */
function contractTexts(names: string[], specs: object[]): [string, string] {
  const limit = pathRules().maxValueDepth;
  return [JSON.stringify(names), specs.map((spec) => valueText(spec, limit)).join(RECORD_END)];
}

/** Validates contracts without an engine; throws a ContractViolationError. */
export function compileContracts(names: string[], specs: object[], strict: boolean): ContractView[] {
  return JSON.parse(guarded(() => glueCompileContracts(...contractTexts(names, specs), strict)));
}

/**
 * Checks the engine options that are data (`entries`: `[name, value]`
 * pairs as JSON, see ts/options.ts); throws a TypeError naming the option.
 */
export function checkOptions(entries: string): CheckedOptions {
  return JSON.parse(guarded(() => glueCheckOptions(entries)));
}

/** Parses paths written as text; throws a ContractViolationError. */
export function parsePaths(texts: string[]): PathView[] {
  return JSON.parse(guarded(() => glueParsePaths(JSON.stringify(texts))));
}

/**
 * The core's engine with its replies parsed: the calls that return events
 * answer JSON text (see `to_json` in rust/wasm/src/lib.rs), typed here by the
 * generated declarations.
 */
export class CoreEngine {
  readonly #core: Core;
  readonly #generation = generation;
  #freed = false;

  /**
   * `recipe`: the audit recipe as plain data, if any.
   * @throws the core's refusal (a bad configuration or recipe) as its error
   *   object, data that crosses to another thread as it is.
   */
  constructor(config: EngineConfig, recipe: unknown) {
    const recipeText = recipe === undefined ? undefined : valueText(recipe, pathRules().maxValueDepth);
    this.#core = guarded(
      () => new Core(JSON.stringify(config), recipeText),
      (error) => error,
    );
  }

  /**
   * Runs a call on this engine's core, which must still be in the live
   * instance. The workflow runs (workflow-runs.ts, loaded apart) make
   * their calls, and parse their replies, through this.
   */
  call<T>(call: (core: Core) => T): T {
    if (this.#freed) throw new TheusError('this engine has been disposed');
    if (this.#generation !== generation) {
      throw new TheusError(LOST);
    }
    return guarded(() => call(this.#core));
  }

  /** @throws ContractViolationError for a bad contract (none of the batch is registered). */
  register(names: string[], specs: object[]): ContractView[] {
    const [nameText, specText] = contractTexts(names, specs);
    return JSON.parse(this.call((core) => core.register(nameText, specText)));
  }

  begin(kind: number, process: number, requester: string | undefined, values: unknown[], now: number): BeginReply {
    const text = flatText(values);
    return JSON.parse(this.call((core) => core.begin(kind, process, requester, text, now)));
  }

  /** A number is the common answer: committed as that version, with no events. */
  commit(tx: number, kind: number, process: number, requester: string | undefined, elapsedMs: number, snapshot: number, writes: string, values: unknown[] | undefined, now: number): CommitReply | number {
    const text = values && flatText(values);
    const reply = this.call((core) => core.commit(tx, kind, process, requester, elapsedMs, snapshot, writes, text, now));
    return typeof reply === 'number' ? reply : JSON.parse(reply);
  }

  abort(tx: number, kind: number, process: number, requester: string | undefined, elapsedMs: number, message: string, threw: boolean, now: number): Reply<null> {
    return JSON.parse(this.call((core) => core.abort(tx, kind, process, requester, elapsedMs, message, threw, now)));
  }

  listenAudit(on: boolean): void {
    this.call((core) => core.listenAudit(on));
  }

  auditCounters(): Record<string, number> {
    return JSON.parse(this.call((core) => core.auditCounters()));
  }

  auditReset(): Reply<null> {
    return JSON.parse(this.call((core) => core.auditReset()));
  }

  auditLogs(): AuditRecord[] {
    return JSON.parse(this.call((core) => core.auditLogs()));
  }


  /** Frees this engine's memory in the core (nothing to free in an instance that was replaced). */
  free(): void {
    if (this.#freed) return;
    this.#freed = true;
    if (this.#generation === generation) this.#core.free();
    else (this.#core as unknown as { __destroy_into_raw(): number }).__destroy_into_raw();
  }
}

/** Transaction kinds as the core's calls number them. */
export const TX_PROCESS = 0;
export const TX_EDIT = 1;
export const TX_CAS = 2;
export type TxKindCode = typeof TX_PROCESS | typeof TX_EDIT | typeof TX_CAS;
