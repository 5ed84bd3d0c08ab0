// The packaged wasm, reached the way each runtime can: Node reads files,
// Deno and browsers fetch (Deno can fetch file: URLs, browsers get it from
// the vite server).
import { workerd } from './runtime.ts';

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

// workerd compiles no wasm from bytes: there, a .wasm import gives the
// compiled module (the vitest project's module rule, as wrangler does). The
// specifiers are built so that no other runtime's bundler tries to load them.
const wasmImport = async (file: string): Promise<WebAssembly.Module> =>
  ((await import(/* @vite-ignore */ `${file}.wasm`)) as { default: WebAssembly.Module }).default;

/** The packaged wasm, compiled. */
export async function packagedWasmModule(): Promise<WebAssembly.Module> {
  if (workerd) return wasmImport('../../wasm-pkg/theus_wasm_bg');
  return WebAssembly.compile(await packagedWasmBytes());
}

/** {@link emptyWasmModule}, compiled (test/support/empty.wasm holds the same bytes). */
export async function emptyWasmModuleCompiled(): Promise<WebAssembly.Module> {
  if (workerd) return wasmImport('./empty');
  return WebAssembly.compile(emptyWasmModule());
}
