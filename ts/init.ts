/**
 * Loading the WebAssembly core. Explicit and idempotent: no top-level await
 * anywhere, so importing `theus` never blocks and never fails; the first
 * `init()` (or `TheusEngine.create`) loads the wasm.
 */
import { coreVersion as coreVersionOf, instantiate, REQUIRED_EXPORTS } from './core.ts';
import { TheusError } from './errors.ts';
import type { HostResponse, HostURL, HostWasmModule } from './host-types.ts';

/**
 * Where the wasm comes from when you bring it yourself: its bytes, a
 * compiled `WebAssembly.Module`, a `Response` (or a promise of one, such as
 * `fetch(url)`), or a URL / URL string.
 */
export type WasmSource =
  | ArrayBuffer
  | ArrayBufferView
  | HostWasmModule
  | HostResponse
  | Promise<HostResponse>
  | HostURL
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

// Each entry module says where its packaged wasm comes from (index: a file
// next to the module; workerd: a wasm module import; edge-light: a
// '.wasm?module' import); theus/slim says nothing, so the caller must bring the wasm.
let packaged: (() => WasmSource) | undefined;

/** Called by an entry module, once, at import: where `init()` finds the wasm when it is given none. */
export function providePackagedWasm(source: () => WasmSource): void {
  packaged = source;
}

// The main thread's entry modules say where advice on a failed load comes from, loaded only after a
// failure. Not this module: worker bundles hold it, and Vite bundles a worker as one chunk, with no
// dynamic import (its default worker format).
let advice: (() => Promise<typeof import('./wasm-guidance.ts')>) | undefined;

/** Called by an entry module, once, at import: where `init()` finds advice after a failed load. */
export function provideLoadAdvice(load: () => Promise<typeof import('./wasm-guidance.ts')>): void {
  advice = load;
}

// Entry modules for runtimes with a file system (index, slim) say how file:
// URLs are read; browsers and edge runtimes have none, so nothing of it ships there.
let readFile: ((url: HostURL) => Promise<Uint8Array>) | undefined;

/** Called by an entry module, once, at import: how `init()` reads a file: URL. */
export function provideFileReading(read: (url: HostURL) => Promise<Uint8Array>): void {
  readFile = read;
}

const BRING_YOUR_OWN = "import wasm from 'theus/theus.wasm'; await init({ wasm })";

function packagedWasm(): WasmSource {
  if (!packaged) {
    throw new Error('no wasm was given, and this entry (theus/slim, or theus/worker on its own) ships none');
  }
  return packaged();
}

/**
 * For the entries whose wasm is a module import (workerd, edge-light): a
 * bundler that does not compile that import leaves it empty, which would
 * otherwise fail far from its cause.
 */
export function importedWasm(module: unknown, how: string): () => WasmSource {
  return () => {
    if (module == null) {
      throw new Error(
        `this entry's wasm import (${how}) came out of the bundler empty: bundle with one that makes it a ` +
          `compiled WebAssembly.Module (wrangler, Next.js, Vercel), or bring the wasm yourself: ${BRING_YOUR_OWN}`,
      );
    }
    return module as WasmSource;
  };
}

/**
 * For the default entry: the wasm next to the module, and guidance where
 * the runtime gives modules no URL (a bundle for workerd or a Vercel edge
 * function that took the default entry rather than its own). Browsers
 * always have the URL, so their entry goes without.
 */
export function besideModule(locate: () => HostURL): () => WasmSource {
  return () => {
    try {
      return locate();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new Error(
        `the packaged wasm has no location in this runtime (${reason}); bundle theus with the export condition of ` +
          `your runtime ('workerd', 'edge-light'), or bring the wasm yourself: ${BRING_YOUR_OWN}`,
      );
    }
  };
}

let loading: Promise<void> | undefined;
let loaded: WebAssembly.Module | undefined;

/**
 * Loads the WebAssembly core. Safe to call any number of times from any
 * number of places: once a load has started, every call with valid options
 * returns the same promise, and the source of the first call wins. A failed
 * load can be retried. Invalid options reject with a `TypeError`, always.
 *
 * @example
 * ```ts
 * import { init } from 'theus';
 * await init();                               // the packaged wasm
 * await init({ wasm: await fetch('/theus.wasm') }); // or bring your own
 * ```
 */
export function init(options: InitOptions = {}): Promise<void> {
  let source: WasmSource | undefined;
  try {
    source = checkOptions(options);
  } catch (error) {
    return Promise.reject(error);
  }
  if (loading) return loading;
  loading = load(source).then(
    (module) => {
      loaded = module;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** The compiled core, once {@link init} has resolved: a worker is handed it rather than loading it again. */
export function loadedModule(): HostWasmModule | undefined {
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
  return coreVersionOf();
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
    `init({ wasm }): expected bytes, a WebAssembly.Module, a Response (or a promise of one), a URL or a URL string; got ${describe(wasm)}`,
  );
}

/**
 * A value's class by its tag rather than `instanceof`, which is false for a
 * module or buffer made in another realm (Next.js's edge sandbox compiles
 * the wasm outside the realm that runs theus).
 */
const tag = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);

function isWasmSource(value: unknown): value is WasmSource {
  return typeof value === 'string' || ArrayBuffer.isView(value) || ['URL', 'ArrayBuffer', 'WebAssembly.Module', 'Response', 'Promise'].includes(tag(value));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

async function load(source: WasmSource | undefined): Promise<WebAssembly.Module> {
  let where = source;
  try {
    where ??= packagedWasm();
    const module = await compile(where);
    // The glue keeps the first instance's exports even when its start-up
    // fails, which would poison every retry: so check the module is ours
    // before the glue ever sees it.
    const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
    const missing = REQUIRED_EXPORTS.filter((name) => !exported.has(name));
    if (missing.length > 0) throw new Error(`this module is not the Theus core (it lacks the exports ${missing.join(', ')})`);
    instantiate(module);
    return module;
  } catch (cause) {
    const from = where === undefined ? '' : ` from ${tag(where) === 'URL' || typeof where === 'string' ? String(where) : describe(where)}`;
    let reason = cause instanceof Error ? cause.message : String(cause);
    // A failure of the advice's own to load leaves the reason as it is.
    const guidance = await advice?.().then((module) => module.wasmGuidance(reason, source === undefined, BRING_YOUR_OWN), () => undefined);
    if (guidance) reason += `; ${guidance}`;
    throw new TheusError(`init(): could not load the Theus WebAssembly core${from}: ${reason}`, { cause });
  }
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  const kind = tag(source);
  if (kind === 'WebAssembly.Module') return source as WebAssembly.Module;
  if (kind === 'URL' || typeof source === 'string') return compile(await readUrl(source as URL | string));
  // As bytes: V8 compiles no DataView.
  if (ArrayBuffer.isView(source)) return WebAssembly.compile(new Uint8Array(source.buffer, source.byteOffset, source.byteLength) as BufferSource);
  if (kind === 'ArrayBuffer') return WebAssembly.compile(source as ArrayBuffer);
  const response = await (source as HostResponse | Promise<HostResponse>);
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
  // Streaming compilation starts before the download ends, but browsers only
  // allow it for the application/wasm type.
  if (typeof WebAssembly.compileStreaming === 'function' && response.headers.get('content-type') === 'application/wasm') {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * file: URLs are read from disk where there is one (Node's fetch cannot read
 * them); anything else, such as a path relative to the page, is fetched.
 */
async function readUrl(where: URL | string): Promise<Uint8Array | Response> {
  const url = typeof where !== 'string' ? where : URL.canParse(where) ? new URL(where) : undefined;
  // Other URLs stay a Response, so that browsers can compile while downloading.
  return url?.protocol === 'file:' && readFile ? readFile(url) : fetch(where);
}
