/**
 * Everything a minimal app does not use, as one module that engines import
 * on first use: worker mode (comlink, workers, tabs, ports), workflows,
 * storage, the undo step, module discovery, compareAndSwap's writes, telling a
 * write to frozen data from a process's own TypeError, and
 * YAML audit recipes.
 * The YAML parser stays apart, loaded only where YAML is read.
 *
 * One module, because of how bundlers split code: a module that the core
 * path and a lazily loaded module both import goes to a chunk of its own,
 * and each chunk is compressed alone. With one lazily loaded module that
 * reaches the whole engine (remote-engine.ts imports engine.ts), and a YAML
 * module that imports nothing of the engine's, the core path is one chunk.
 * The price: the first use of any of these features loads all of them.
 */
export { frozenWriteViolation } from './frozen-write.ts';
export { importTree } from './import-tree.ts';
export { joinedEngine, remoteEngine } from './remote-engine.ts';
export { takeStep } from './reverse.ts';
export { servePort } from './serve-port.ts';
export { resume, savingTo } from './storage.ts';
export { casRequest, writeUpdate } from './update-write.ts';
export { checkAuthorityOptions } from './worker-option.ts';
export { runWorkflow } from './workflow.ts';
export { readYaml } from './yaml.ts';
