/**
 * Theus: a process-oriented, transactional state engine. The decisions are
 * made by a Rust core compiled to WebAssembly; the data stays in JavaScript.
 *
 * @packageDocumentation
 */
export { init, coreVersion, type InitOptions, type WasmSource } from './init.ts';
export { process, type Contract, type Process, type ProcessFunction, type Semantic } from './contract.ts';
export {
  TheusEngine,
  type CompiledContract,
  type CompiledPath,
  type Context,
  type EngineOptions,
} from './engine.ts';
export { TheusError, ContractViolationError, type TheusErrorDetails } from './errors.ts';
