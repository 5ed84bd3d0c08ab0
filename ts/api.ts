// The public API, shared by every entry. The entries (index, workerd,
// edge-light, slim) differ only in where the packaged wasm comes from.
export { init, coreVersion, type InitOptions, type WasmSource } from './init.ts';
export {
  process,
  processFor,
  type ArgsOf,
  type CompiledContract,
  type CompiledPath,
  type Contract,
  type Process,
  type ProcessFunction,
  type Semantic,
} from './contract.ts';
export { TheusEngine, type AuditRecord, type AuditView, type CommitEvent, type Context, type State } from './engine.ts';
export type { BackoffOptions, EngineOptions } from './options.ts';
export type { ContextPath, PathWrites } from './path-types.ts';
export type { Saved, Storage, StorageRecipe } from './storage.ts';
export type { CommitRecord } from './history.ts';
export { applyPatches } from './commit.ts';
export { StateUpdate, type StateUpdateInit } from './state-update.ts';
export { SignalHub, SignalReceiver, type SignalMessage } from './signals.ts';
export type { WorkflowOptions, WorkflowResult, WorkflowSource, WorkflowState } from './workflow.ts';
export {
  TheusError,
  ContractViolationError,
  ProcessNotFoundError,
  ConflictError,
  WorkflowError,
  FluxSafetyTripError,
  AuditError,
  AuditStopError,
  AuditAbortError,
  AuditBlockError,
  type AuditErrorDetails,
  type TheusErrorDetails,
  type WorkflowErrorDetails,
} from './errors.ts';
