/**
 * Theus: a process-oriented, transactional state engine. The decisions are
 * made by a Rust core compiled to WebAssembly; the data stays in JavaScript.
 *
 * This entry serves Node, Deno, Bun, and any runtime without an entry of
 * its own: `init()` reads the packaged wasm from disk where there is a file
 * system and fetches it otherwise. (Browsers get browser.ts: the same,
 * without the disk and without the guidance for runtimes whose modules
 * have no URL.)
 *
 * @example
 * ```ts
 * import { process, TheusEngine } from 'theus';
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } }); // loads the wasm itself
 * ```
 *
 * @packageDocumentation
 */
import { besideModule, provideFileReading, provideLoadAdvice, providePackagedWasm } from './init.ts';
import { readBytes } from './runtime.ts';

// Bundlers (Vite, webpack, esbuild, Parcel) recognise this exact form and
// ship the file next to the bundle.
providePackagedWasm(besideModule(() => new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url)));
provideFileReading(readBytes);
provideLoadAdvice(() => import('./wasm-guidance.ts'));

export * from './api.ts';
