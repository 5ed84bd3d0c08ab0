import { describe, expect, it } from 'vitest';
import { coreVersion, init, TheusEngine, TheusError } from 'theus';

// Runs in file order: the first group sees the core not yet loaded.
describe('before init()', () => {
  it('coreVersion() says to call init() first', () => {
    expect(() => coreVersion()).toThrow(/coreVersion\(\) needs the WebAssembly core: await init\(\) first/);
    expect(() => coreVersion()).toThrow(TheusError);
  });

  it('new TheusEngine() says to call init() or use create()', () => {
    expect(() => new TheusEngine({ domain_ctx: {} })).toThrow(/await init\(\) first, or use await TheusEngine\.create/);
  });

  it('importing theus loaded nothing by itself (no top-level await)', () => {
    expect(() => coreVersion()).toThrow(TheusError);
  });
});

describe('init()', () => {
  it('rejects options that are not an object', async () => {
    await expect(init(42 as never)).rejects.toThrow(new TypeError('init(options): options must be an object such as { wasm }, got number'));
    await expect(init(null as never)).rejects.toThrow(/got null/);
  });

  it('rejects unknown options and wrong wasm types, naming what it accepts', async () => {
    await expect(init({ wsam: new Uint8Array() } as never)).rejects.toThrow(new TypeError("init(options): unknown option 'wsam'; the only option is 'wasm'"));
    await expect(init({ wasm: 42 as never })).rejects.toThrow(/expected bytes, a WebAssembly\.Module, a Response \(or a promise of one\), a URL or a URL string; got number/);
    await expect(init({ wasm: {} as never })).rejects.toThrow(/got Object$/);
  });

  it('loads the packaged wasm by default', async () => {
    await init();
    expect(coreVersion()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is idempotent: every later call returns one and the same promise', async () => {
    const a = init();
    const b = init({});
    expect(a).toBe(b);
    await expect(a).resolves.toBeUndefined();
  });

  it('still validates options once loaded', async () => {
    await expect(init({ wasm: true as never })).rejects.toThrow(TypeError);
  });

  it('lets TheusEngine.create() and new TheusEngine() work', async () => {
    const created = await TheusEngine.create({ domain_ctx: {} });
    const constructed = new TheusEngine({ global_ctx: {} });
    expect(created).toBeInstanceOf(TheusEngine);
    expect(constructed).toBeInstanceOf(TheusEngine);
  });
});
