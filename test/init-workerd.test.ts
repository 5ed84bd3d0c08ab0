// workerd (Cloudflare Workers) compiles no wasm from bytes: its entry
// imports the compiled module, and bytes given to init() are refused with
// the way out.
import { describe, expect, it } from 'vitest';
import { coreVersion, init, TheusError } from 'theus';
import { itUnless, workerd } from './support/runtime.ts';
import { emptyWasmModule } from './support/wasm.ts';

const itHere = itUnless(it, !workerd, 'only workerd forbids compiling wasm from bytes');

describe('init() in workerd', () => {
  itHere('refuses bytes with a TheusError that says to pass the compiled module', async () => {
    const error: unknown = await init({ wasm: emptyWasmModule() }).then(() => 'resolved', (e: unknown) => e);
    expect(error).toBeInstanceOf(TheusError);
    expect((error as Error).message).toMatch(/this runtime compiles no wasm from bytes \(Cloudflare Workers, for one\): pass the compiled module, import wasm from 'theus\/theus\.wasm'; await init\(\{ wasm \}\)/);
  });

  itHere('then loads the module its entry imports', async () => {
    await init();
    expect(coreVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
