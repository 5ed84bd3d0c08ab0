/**
 * Theus: a process-oriented, transactional state engine. The decisions are
 * made by a Rust core compiled to WebAssembly; the data stays in JavaScript.
 *
 * This entry serves Node, Deno, Bun, browsers and web workers: `init()`
 * reads the packaged wasm from disk where there is one and fetches it
 * otherwise.
 *
 * @example
 * ```ts
 * import { process, TheusEngine } from 'theus';
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } }); // loads the wasm itself
 * ```
 *
 * @packageDocumentation
 */
import { providePackagedWasm } from './init.ts';

// Bundlers (Vite, webpack, esbuild, Parcel) recognise this exact form and
// ship the file next to the bundle.
providePackagedWasm(() => new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url));

export * from './api.ts';
