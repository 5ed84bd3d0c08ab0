import { checkInitFrom } from './support/init-source.ts';
import { emptyWasmModule, packagedWasmBytes } from './support/wasm.ts';

const buffer = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer as ArrayBuffer;
checkInitFrom('an ArrayBuffer', async () => buffer(emptyWasmModule()), async () => buffer(await packagedWasmBytes()));
