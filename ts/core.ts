/**
 * The binding to the WebAssembly core: the only module that imports
 * wasm-pkg. The types of everything that crosses are generated from the Rust
 * definitions (wasm-pkg/theus_wasm.d.ts), so none is restated here; this
 * module only turns the core's error objects into `TheusError`s.
 */
import initGlue, {
  compileContracts as glueCompileContracts,
  Core,
  coreVersion as glueCoreVersion,
  parsePaths as glueParsePaths,
  pathRules as gluePathRules,
  type ActionView,
  type AuditRecord,
  type BeginReply,
  type CommitReply,
  type ContractView,
  type EngineConfig,
  type EngineError,
  type Event as CoreEvent,
  type PathView,
  type Reply,
  type SegmentView,
  type Verdict,
  type WorkflowStarted,
} from '../wasm-pkg/theus_wasm.js';
import { callCore } from './errors.ts';

export { Core };
export type { ActionView, AuditRecord, BeginReply, CommitReply, ContractView, CoreEvent, EngineConfig, EngineError, PathView, Reply, SegmentView, Verdict, WorkflowStarted };

/** Exports a module must have to be the Theus core. */
export const REQUIRED_EXPORTS = ['memory', 'coreVersion', '__wbindgen_start'];

/** Instantiates the core from a compiled module. */
export async function instantiate(module: WebAssembly.Module): Promise<void> {
  await initGlue({ module_or_path: module });
}

export const coreVersion = (): string => glueCoreVersion();

export const pathRules = () => gluePathRules();

/** Validates contracts without an engine; throws a ContractViolationError. */
export function compileContracts(names: string[], specs: object[], strict: boolean): ContractView[] {
  return callCore(() => glueCompileContracts(names, specs, strict));
}

/** Parses paths written as text; throws a ContractViolationError. */
export function parsePaths(texts: string[]): PathView[] {
  return callCore(() => glueParsePaths(texts));
}

/**
 * The core's engine with its replies parsed: the calls that return events
 * answer JSON text (see `to_json` in rust/wasm/src/lib.rs), typed here by the
 * generated declarations.
 */
export class CoreEngine {
  readonly #core: Core;

  /** @throws the error class of the core's refusal (a bad configuration or recipe). */
  constructor(config: EngineConfig) {
    this.#core = callCore(() => new Core(config));
  }

  /** @throws ContractViolationError for a bad contract (none of the batch is registered). */
  register(names: string[], specs: object[]): ContractView[] {
    return this.#core.register(names, specs);
  }

  begin(kind: number, process: number, requester: string | undefined, values: unknown[], now: number): BeginReply {
    return JSON.parse(this.#core.begin(kind, process, requester, values, now));
  }

  /** A number is the common answer: committed as that version, with no events. */
  commit(tx: number, kind: number, process: number, requester: string | undefined, elapsedMs: number, snapshot: number, writes: string, values: unknown[] | undefined, now: number): CommitReply | number {
    const reply = this.#core.commit(tx, kind, process, requester, elapsedMs, snapshot, writes, values, now);
    return typeof reply === 'number' ? reply : JSON.parse(reply);
  }

  abort(tx: number, kind: number, process: number, requester: string | undefined, elapsedMs: number, message: string, threw: boolean, now: number): Reply<null> {
    return JSON.parse(this.#core.abort(tx, kind, process, requester, elapsedMs, message, threw, now));
  }

  listenAudit(on: boolean): void {
    this.#core.listenAudit(on);
  }

  auditCounters(): Record<string, number> {
    return this.#core.auditCounters();
  }

  auditReset(): Reply<null> {
    return JSON.parse(this.#core.auditReset());
  }

  auditLogs(): AuditRecord[] {
    return this.#core.auditLogs();
  }

  workflowStart(tree: unknown, maxOps: number): Reply<WorkflowStarted> {
    return JSON.parse(this.#core.workflowStart(tree, maxOps));
  }

  workflowResume(workflow: number, values: unknown[] | undefined): Reply<ActionView> {
    return JSON.parse(this.#core.workflowResume(workflow, values));
  }

  workflowWaiting(workflow: number): Reply<null> {
    return JSON.parse(this.#core.workflowWaiting(workflow));
  }

  workflowFail(workflow: number): Reply<null> {
    return JSON.parse(this.#core.workflowFail(workflow));
  }

  free(): void {
    this.#core.free();
  }
}

/** Transaction kinds as the core's calls number them. */
export const TX_PROCESS = 0;
export const TX_EDIT = 1;
export const TX_CAS = 2;
export type TxKindCode = typeof TX_PROCESS | typeof TX_EDIT | typeof TX_CAS;
