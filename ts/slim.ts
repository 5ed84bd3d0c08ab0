/**
 * Theus without a packaged wasm, for runtimes and builds that bring their
 * own: nothing here refers to the wasm file, so no bundler ships it. Call
 * `init({ wasm })` before anything else.
 *
 * @example
 * ```ts
 * import { init, TheusEngine } from 'theus/slim';
 * await init({ wasm: await fetch('/assets/theus.wasm') });
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } });
 * ```
 *
 * @packageDocumentation
 */
import { provideFileReading, provideLoadAdvice } from './init.ts';
import { readBytes } from './runtime.ts';

// A wasm you bring as a file: URL is read from disk where there is one.
provideFileReading(readBytes);
provideLoadAdvice(() => import('./wasm-guidance.ts'));

export * from './api.ts';
