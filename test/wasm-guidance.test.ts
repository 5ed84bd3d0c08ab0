// What a failed load of the wasm tells the user to do, by the failure met.
import { describe, expect, it } from 'vitest';
import { wasmGuidance } from '../ts/wasm-guidance.ts';

const BRING = "import wasm from 'theus/theus.wasm'; await init({ wasm })";

describe('wasmGuidance', () => {
  it('says how to ship the packaged wasm where a bundler left it out (a 404, a missing file)', () => {
    for (const reason of ['HTTP 404 Not Found', "ENOENT: no such file or directory, open '/app/wasm-pkg/theus_wasm_bg.wasm'"]) {
      const guidance = wasmGuidance(reason, true, BRING)!;
      expect(guidance).toMatch(/^the bundler did not ship the wasm beside the module \(Rollup and bun build do not; Vite, webpack and Rspack do\): copy node_modules\/theus\/wasm-pkg\/theus_wasm_bg\.wasm to that URL/);
      expect(guidance.endsWith("or serve it anywhere and pass its URL: await init({ wasm: '/theus.wasm' })")).toBe(true);
    }
  });

  it('says how to bring the wasm to an entry that ships none, by runtime', () => {
    expect(wasmGuidance('no wasm was given, and this entry (theus/slim, or theus/worker on its own) ships none', true, BRING)).toBe(
      `pass it to init(): in Node, Deno and Bun, await init({ wasm: new URL(import.meta.resolve('theus/theus.wasm')) }); in a bundle, the URL your bundler gives the file; in Cloudflare Workers (wrangler), ${BRING}`,
    );
  });

  it('says when a server answered with its page instead of the wasm', () => {
    const guidance = wasmGuidance('WebAssembly.compile(): expected magic word 00 61 73 6d, found 3c 21 64 6f @+0', true, BRING)!;
    expect(guidance).toMatch(/^the server answered with a page \(HTML\), not the wasm: the bundler did not ship the wasm/);
  });

  it('says how to embed the wasm in a bun build --compile executable', () => {
    const guidance = wasmGuidance("ENOENT: no such file or directory, open '/$bunfs/wasm-pkg/theus_wasm_bg.wasm'", true, BRING)!;
    expect(guidance).toBe(
      "a `bun build --compile` executable ships no wasm file: embed it with import wasm from 'theus/theus.wasm' with { type: 'file' }, then await init({ wasm: await Bun.file(wasm).arrayBuffer() })",
    );
  });

  it('says to pass a compiled module where the runtime compiles no wasm from bytes, whatever the source', () => {
    for (const packaged of [true, false]) {
      expect(wasmGuidance('WebAssembly.compile(): Wasm code generation disallowed by embedder', packaged, BRING)).toBe(
        `this runtime compiles no wasm from bytes (Cloudflare Workers, for one): pass the compiled module, ${BRING}`,
      );
    }
  });

  it('adds nothing to a wasm the user gave, or to other failures', () => {
    expect(wasmGuidance('HTTP 404 Not Found', false, BRING)).toBeUndefined();
    expect(wasmGuidance('this module is not the Theus core (it lacks the exports x)', true, BRING)).toBeUndefined();
    expect(wasmGuidance('HTTP 500 Internal Server Error', true, BRING)).toBeUndefined();
  });
});
