/**
 * What to do after the wasm failed to load, for the failures users meet:
 * a runtime that compiles no wasm from bytes; and, for the packaged wasm
 * (`packaged`), a file that is not where the module expects it: some
 * bundlers (Rollup, `bun build`) copy no file that a module locates by
 * `new URL(..., import.meta.url)`, servers answer a missing file with their
 * page, and a `bun build --compile` executable holds no file at all; or an
 * entry that ships none (theus/slim), where the way to bring it depends on
 * the runtime. Loaded
 * by `init` only after a failure (and importing nothing, so that bundlers
 * keep the core in one chunk); `bring` is how to bring the wasm yourself.
 */
export function wasmGuidance(reason: string, packaged: boolean, bring: string): string | undefined {
  if (/code generation disallowed/i.test(reason)) {
    return `this runtime compiles no wasm from bytes (Cloudflare Workers, for one): pass the compiled module, ${bring}`;
  }
  if (!packaged) return undefined;
  if (reason.endsWith('ships none')) {
    return (
      "pass it to init(): in Node, Deno and Bun, await init({ wasm: new URL(import.meta.resolve('theus/theus.wasm')) }); " +
      `in a bundle, the URL your bundler gives the file; in Cloudflare Workers (wrangler), ${bring}`
    );
  }
  if (reason.includes('$bunfs')) {
    return (
      "a `bun build --compile` executable ships no wasm file: embed it with import wasm from 'theus/theus.wasm' with { type: 'file' }, " +
      'then await init({ wasm: await Bun.file(wasm).arrayBuffer() })'
    );
  }
  const html = /found 3c 21|found 3c 68/i.test(reason) ? 'the server answered with a page (HTML), not the wasm: ' : '';
  if (!html && !/HTTP 404|ENOENT|not found/i.test(reason)) return undefined;
  return (
    `${html}the bundler did not ship the wasm beside the module (Rollup and bun build do not; Vite, webpack and Rspack do): ` +
    "copy node_modules/theus/wasm-pkg/theus_wasm_bg.wasm to that URL, or serve it anywhere and pass its URL: await init({ wasm: '/theus.wasm' })"
  );
}
