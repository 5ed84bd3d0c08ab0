import { checkInitFrom } from './support/init-source.ts';
import { packagedWasmBytes } from './support/wasm.ts';

const response = (body: Uint8Array<ArrayBuffer>): Response => new Response(body, { headers: { 'content-type': 'application/wasm' } });
checkInitFrom('a Response', async () => response(new Uint8Array([9, 9])), async () => response(await packagedWasmBytes()));
