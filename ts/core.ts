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

/** Transaction kinds as the core's calls number them. */
export const TX_PROCESS = 0;
export const TX_EDIT = 1;
export const TX_CAS = 2;
export type TxKindCode = typeof TX_PROCESS | typeof TX_EDIT | typeof TX_CAS;
