import { checkInitFrom } from './support/init-source.ts';
import { emptyWasmModule, packagedWasmBytes } from './support/wasm.ts';

checkInitFrom(
  'a WebAssembly.Module',
  () => WebAssembly.compile(emptyWasmModule()),
  async () => WebAssembly.compile(await packagedWasmBytes()),
);
