// A DataView over the bytes, inside a larger buffer: V8 compiles no DataView
// itself, so init() hands it the bytes the view covers.
import { checkInitFrom } from './support/init-source.ts';
import { packagedWasmBytes } from './support/wasm.ts';

const viewInside = (bytes: Uint8Array): DataView => {
  const buffer = new Uint8Array(bytes.length + 16);
  buffer.set(bytes, 8);
  return new DataView(buffer.buffer, 8, bytes.length);
};

checkInitFrom('a DataView', async () => viewInside(new Uint8Array([1, 2, 3, 4])), async () => viewInside(await packagedWasmBytes()));
