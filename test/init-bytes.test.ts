import { checkInitFrom } from './support/init-source.ts';
import { packagedWasmBytes } from './support/wasm.ts';

checkInitFrom('bytes', async () => new Uint8Array([1, 2, 3, 4]), packagedWasmBytes);
