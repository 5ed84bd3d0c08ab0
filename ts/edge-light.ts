/**
 * Theus for Vercel's edge runtime (the 'edge-light' condition) and other
 * bundles that can neither read a file nor import a `.wasm`: the wasm is
 * inlined as base64 and decoded when `init()` first runs.
 *
 * @example
 * ```ts
 * import { TheusEngine } from 'theus'; // an edge bundler picks this entry by the 'edge-light' condition
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } });
 * ```
 *
 * @packageDocumentation
 */
import wasmBase64 from '../wasm-pkg/theus_wasm_bg.base64.js';
import { providePackagedWasm } from './init.ts';

providePackagedWasm(() => Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0)));

export * from './api.ts';
