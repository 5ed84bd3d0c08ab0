/**
 * The features a minimal app does not use (workflows, storage, the undo
 * step, module discovery, compareAndSwap's writes), as one module that
 * engines import on first use: a bundler ships them as one piece, off the
 * core path. One lazily loaded
 * module rather than one per feature: each separately loaded module would
 * split the code it shares with the core path into chunks of their own,
 * and every chunk costs its own compression. The YAML parser stays apart,
 * loaded only where YAML is read.
 */
export { importTree } from './import-tree.ts';
export { reverse } from './reverse.ts';
export { resume, savingTo } from './storage.ts';
export { runWorkflow } from './workflow.ts';
export { updateParts, writeUpdate } from './update-write.ts';
