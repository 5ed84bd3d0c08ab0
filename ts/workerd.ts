/**
 * Theus for Cloudflare Workers (workerd) and other runtimes whose bundlers
 * turn a `.wasm` import into a compiled `WebAssembly.Module` (wrangler does):
 * there is no file system and no module URL to fetch from.
 *
 * @example
 * ```ts
 * import { TheusEngine } from 'theus'; // wrangler picks this entry by the 'workerd' condition
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } });
 * ```
 *
 * @packageDocumentation
 */
import wasm from '../wasm-pkg/theus_wasm_bg.wasm';
import { importedWasm, provideLoadAdvice, providePackagedWasm } from './init.ts';

providePackagedWasm(importedWasm(wasm, '.wasm'));
provideLoadAdvice(() => import('./wasm-guidance.ts'));

export * from './api.ts';
