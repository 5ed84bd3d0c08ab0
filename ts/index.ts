/**
 * Theus: a process-oriented, transactional state engine. The decisions are
 * made by a Rust core compiled to WebAssembly; the data stays in JavaScript.
 *
 * This entry serves Node, Deno, Bun, and any runtime without an entry of
 * its own: `init()` reads the packaged wasm from disk where there is a file
 * system and fetches it otherwise (browsers get browser.ts, the same minus
 * the disk).
 *
 * @example
 * ```ts
 * import { process, TheusEngine } from 'theus';
 * const engine = await TheusEngine.create({ domain_ctx: { count: 0 } }); // loads the wasm itself
 * ```
 *
 * @packageDocumentation
 */
import { provideFileReading } from './init.ts';
import { readBytes } from './runtime.ts';

provideFileReading(readBytes);

export * from './browser.ts';
