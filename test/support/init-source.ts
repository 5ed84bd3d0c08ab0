// Each init-*.test.ts file checks one kind of WasmSource. They are separate
// files because the wasm loads once per module instance, and every test
// runner here (vitest in Node and Chromium, deno test) gives each file its own.
import { describe, expect, it } from 'vitest';
import { coreVersion, init, TheusEngine, TheusError, type WasmSource } from 'theus';
import { itUnless, workerd } from './runtime.ts';

/**
 * `compiles`: init() compiles this kind of source itself, which workerd
 * forbids (test/init-workerd.test.ts). `unavailable`: why this runtime
 * cannot make such a source, if it cannot.
 */
export function checkInitFrom(kind: string, wrong: () => Promise<WasmSource>, right: () => Promise<WasmSource>, compiles = true, unavailable?: string): void {
  const itLoads = itUnless(it, (workerd && compiles) || unavailable !== undefined, unavailable ?? 'workerd compiles no wasm from bytes and has no files to read');
  const itMakes = itUnless(it, unavailable !== undefined, unavailable ?? '');
  describe(`init({ wasm }) with ${kind}`, () => {
    itMakes('uses the given source: a wrong one fails with a TheusError naming it', async () => {
      const error: unknown = await init({ wasm: await wrong() }).then(() => 'resolved', (e: unknown) => e);
      expect(error).toBeInstanceOf(TheusError);
      expect((error as Error).message).toMatch(/^init\(\): could not load the Theus WebAssembly core from /);
      expect((error as Error).cause).toBeDefined();
      expect(() => coreVersion()).toThrow(TheusError);
    });

    itLoads('then loads from the right one (a failed load can be retried)', async () => {
      await init({ wasm: await right() });
      expect(coreVersion()).toMatch(/^\d+\.\d+\.\d+/);
      const engine = new TheusEngine({ domain_ctx: {} });
      engine.dispose();
    });

    itMakes('ignores later sources once loaded, returning the same promise', async () => {
      const first = init();
      expect(init({ wasm: await wrong() })).toBe(first);
      await first;
    });
  });
}
