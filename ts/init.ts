/**
 * Loading the WebAssembly core. Explicit and idempotent: no top-level await
 * anywhere, so importing `theus` never blocks and never fails; the first
 * `init()` (or `TheusEngine.create`) loads the wasm.
 */
import initGlue, { coreVersion as glueCoreVersion } from '../wasm-pkg/theus_wasm.js';
import { TheusError } from './errors.ts';

/**
 * Where the wasm comes from when you bring it yourself: its bytes, a
 * compiled `WebAssembly.Module`, a `Response` (or a promise of one, such as
 * `fetch(url)`), or a URL / URL string.
 */
export type WasmSource =
  | ArrayBuffer
  | ArrayBufferView
  | WebAssembly.Module
  | Response
  | Promise<Response>
  | URL
  | string;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The wasm to load. Default: the `theus_wasm_bg.wasm` shipped in the
   * package, read from the file system in Node and Deno and fetched in
   * browsers. Pass it yourself in runtimes that have neither, e.g. an edge
   * runtime that imports wasm modules:
   * `import wasm from 'theus/theus.wasm'; await init({ wasm })`.
   */
  wasm?: WasmSource;
}

// Bundlers (Vite, webpack, esbuild) recognise this exact form and ship the
// file next to the bundle.
const packagedWasm = (): URL => new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url);

let loading: Promise<void> | undefined;
let loaded = false;

/**
 * Loads the WebAssembly core. Safe to call any number of times from any
 * number of places: every call returns the same promise, and the source of
 * the first successful call wins. A failed load can be retried.
 *
 * @example
 * ```ts
 * import { init } from 'theus';
 * await init();                               // the packaged wasm
 * await init({ wasm: await fetch('/theus.wasm') }); // or bring your own
 * ```
 */
export function init(options: InitOptions = {}): Promise<void> {
  if (loading) return loading;
  let source: WasmSource | undefined;
  try {
    source = checkOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  loading = load(source).then(
    () => {
      loaded = true;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** True once {@link init} has resolved. */
export function isInitialized(): boolean {
  return loaded;
}

/** Throws a helpful error unless {@link init} has resolved. */
export function assertInitialized(what: string): void {
  if (!loaded) {
    throw new TheusError(
      `${what} needs the WebAssembly core: await init() first, or use await TheusEngine.create(...)`,
    );
  }
}

/**
 * The version of the Rust core inside the loaded wasm.
 *
 * @example
 * ```ts
 * await init();
 * console.log(coreVersion()); // "0.1.0"
 * ```
 */
export function coreVersion(): string {
  assertInitialized('coreVersion()');
  return glueCoreVersion();
}

function checkOptions(options: InitOptions): WasmSource | undefined {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`init(options): options must be an object such as { wasm }, got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => key !== 'wasm');
  if (unknown.length > 0) {
    throw new TypeError(`init(options): unknown option '${unknown[0]}'; the only option is 'wasm'`);
  }
  const { wasm } = options;
  if (wasm === undefined || isWasmSource(wasm)) return wasm;
  throw new TypeError(
    `init({ wasm }): expected bytes (ArrayBuffer or typed array), a WebAssembly.Module, a Response, ` +
      `a promise of a Response, a URL or a URL string; got ${describe(wasm)}`,
  );
}

function isWasmSource(value: unknown): value is WasmSource {
  return (
    typeof value === 'string' ||
    value instanceof URL ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof WebAssembly.Module ||
    (typeof Response !== 'undefined' && value instanceof Response) ||
    value instanceof Promise
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

async function load(source: WasmSource | undefined): Promise<void> {
  const where = source === undefined ? packagedWasm() : source;
  try {
    const input = where instanceof URL || typeof where === 'string' ? await fromUrl(where) : where;
    await initGlue({ module_or_path: input });
  } catch (cause) {
    const shown = where instanceof URL || typeof where === 'string' ? String(where) : describe(where);
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TheusError(`init(): could not load the Theus WebAssembly core from ${shown}: ${reason}`, { cause });
  }
}

/** What the file-reading parts of Node and Deno look like, as far as we use them. */
interface FileRuntimes {
  Deno?: { readFile(path: URL): Promise<Uint8Array> };
  process?: { getBuiltinModule?(id: 'node:fs/promises'): { readFile(path: URL): Promise<Uint8Array> } };
}

/**
 * `file:` URLs are read from disk where a file system exists (fetch cannot
 * read them in Node); every other URL is left for the glue code to fetch.
 */
async function fromUrl(where: URL | string): Promise<Uint8Array | URL | string> {
  const url = where instanceof URL ? where : URL.canParse(where) ? new URL(where) : undefined;
  if (url?.protocol !== 'file:') return where;
  const runtime = globalThis as FileRuntimes;
  if (runtime.Deno) return runtime.Deno.readFile(url);
  const fs = runtime.process?.getBuiltinModule?.('node:fs/promises');
  if (fs) return fs.readFile(url);
  return where;
}
