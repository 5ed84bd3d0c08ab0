/**
 * Theus for browsers and web workers (the 'browser' and 'worker' export
 * conditions): `init()` fetches the packaged wasm from next to the bundle.
 * The default entry (index.ts) adds what browsers never need: reading
 * file: URLs from disk, and guidance for runtimes whose modules have no URL.
 *
 * @example
 * ```ts
 * import { process, TheusEngine } from 'theus';
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } }); // fetches the wasm itself
 * ```
 */
import { provideLoadAdvice, providePackagedWasm } from './init.ts';
import { inViteDeps, packageUrl } from './vite-deps.ts';

// Bundlers (Vite, webpack, Parcel) recognise this exact form and ship the
// file next to the bundle.
provideLoadAdvice(() => import('./wasm-guidance.ts'));
providePackagedWasm(() => (inViteDeps ? packageUrl('wasm-pkg/theus_wasm_bg.wasm') : new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url)));

export * from './api.ts';
