import { checkInitFrom } from './support/init-source.ts';
import { emptyWasmModuleCompiled, packagedWasmModule } from './support/wasm.ts';

checkInitFrom('a WebAssembly.Module', emptyWasmModuleCompiled, packagedWasmModule, false);
