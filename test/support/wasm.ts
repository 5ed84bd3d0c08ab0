// The packaged wasm, reached the way each runtime can: Node reads files,
// Deno and browsers fetch (Deno can fetch file: URLs, browsers get it from
// the vite server).
export const packagedWasmUrl = (): URL => new URL('../../wasm-pkg/theus_wasm_bg.wasm', import.meta.url);

export async function packagedWasmBytes(): Promise<Uint8Array<ArrayBuffer>> {
  const url = packagedWasmUrl();
  const node = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?(id: string): unknown } }).process;
  const isDeno = 'Deno' in globalThis;
  if (url.protocol === 'file:' && !isDeno && node?.getBuiltinModule) {
    const fs = node.getBuiltinModule('node:fs/promises') as { readFile(u: URL): Promise<Uint8Array> };
    return new Uint8Array(await fs.readFile(url));
  }
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

/** The smallest valid wasm module: it compiles, but exports nothing. */
export const emptyWasmModule = (): Uint8Array<ArrayBuffer> => new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
