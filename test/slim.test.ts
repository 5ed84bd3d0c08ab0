// theus/slim ships no wasm: everything that needs the core says how to
// bring it, and works once it is brought. This file imports nothing that
// provides the packaged wasm (no 'theus'), as an application of slim alone.
import { describe, expect, it } from 'vitest';
import { coreVersion, init, TheusEngine, TheusError } from '../ts/slim.ts';
import { packagedWasmModule } from './support/wasm.ts';

const BRING =
  /no wasm was given, and this entry \(theus\/slim, or theus\/worker on its own\) ships none; pass it to init\(\): in Node, Deno and Bun, await init\(\{ wasm: new URL\(import\.meta\.resolve\('theus\/theus\.wasm'\)\) \}\); in a bundle, the URL your bundler gives the file; in Cloudflare Workers \(wrangler\), import wasm from 'theus\/theus\.wasm'; await init\(\{ wasm \}\)$/;

describe('theus/slim', () => {
  it('init() without a wasm rejects with a TheusError that says how to bring one', async () => {
    const error: unknown = await init().then(() => 'resolved', (e: unknown) => e);
    expect(error).toBeInstanceOf(TheusError);
    expect((error as Error).message).toMatch(/^init\(\): could not load the Theus WebAssembly core: /);
    expect((error as Error).message).toMatch(BRING);
    expect(() => coreVersion()).toThrow(TheusError);
  });

  it('TheusEngine.create() without a wasm rejects the same way, and creates nothing', async () => {
    await expect(TheusEngine.create({ domain_ctx: { n: 1 } })).rejects.toThrow(BRING);
    expect(() => new TheusEngine({ domain_ctx: {} })).toThrow(/await init\(\) first/);
  });

  it('works once the wasm is brought', async () => {
    await init({ wasm: await packagedWasmModule() });
    expect(coreVersion()).toMatch(/^\d+\.\d+\.\d+/);
    const ctx = { domain_ctx: { n: 1 } };
    const engine = await TheusEngine.create(ctx);
    await engine.edit((c) => {
      c.domain_ctx.n += 1;
    });
    expect(ctx.domain_ctx.n).toBe(2);
    engine.dispose();
  });
});
