/**
 * Theus for Vercel's edge runtime (the 'edge-light' condition), where code
 * may not compile wasm from bytes: the wasm comes as a compiled module, by
 * the `.wasm?module` import that edge bundlers (Next.js, Vercel, wrangler)
 * understand.
 *
 * @example
 * ```ts
 * import { TheusEngine } from 'theus'; // an edge bundler picks this entry by the 'edge-light' condition
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } });
 * ```
 *
 * @packageDocumentation
 */
import wasm from '../wasm-pkg/theus_wasm_bg.wasm?module';
import { importedWasm, provideLoadAdvice, providePackagedWasm } from './init.ts';

providePackagedWasm(importedWasm(wasm, '.wasm?module'));
provideLoadAdvice(() => import('./wasm-guidance.ts'));

export * from './api.ts';
