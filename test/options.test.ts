import { describe, expect, it } from 'vitest';
import { init, TheusEngine } from 'theus';

await init();

const make = (options: object) => () => new TheusEngine({ domain_ctx: {} }, options as never);

describe('engine options', () => {
  it('accepts every documented option', () => {
    const engine = make({
      strictMode: true,
      strictCas: true,
      maxRetries: 0,
      priorityAfter: 1,
      isolation: 'serializable',
      backoff: { baseMs: 0, maxMs: 0 },
      historyLimit: 5,
      auditLogLimit: 5,
    })();
    expect(engine.version).toBe(0);
  });

  it('refuses unknown options, listing the known ones', () => {
    expect(make({ maxRetrys: 3 })).toThrow(
      new TypeError(
        "TheusEngine: unknown option 'maxRetrys'; the options are strictMode, strictGuards, strictCas, maxRetries, priorityAfter, isolation, backoff, historyLimit, auditLogLimit, auditRecipe, worker, storage, onListenerError",
      ),
    );
    expect(make({ backoff: { base: 1 } })).toThrow("unknown option 'backoff.base'; backoff has baseMs and maxMs");
  });

  it('refuses values of the wrong type, naming the option', () => {
    expect(make({ strictMode: 'no' })).toThrow(new TypeError("TheusEngine: option 'strictMode' must be a boolean, got string"));
    expect(make({ maxRetries: -1 })).toThrow("option 'maxRetries' must be a non-negative integer, got -1");
    expect(make({ historyLimit: 1.5 })).toThrow("option 'historyLimit' must be a non-negative integer, got 1.5");
    expect(make({ isolation: 'linearizable' })).toThrow("option 'isolation' must be 'snapshot' or 'serializable', got linearizable");
    expect(make({ backoff: { baseMs: -1 } })).toThrow("option 'backoff.baseMs' must be a non-negative number of milliseconds");
    expect(make({ backoff: { baseMs: 10, maxMs: 5 } })).toThrow("option 'backoff.maxMs' (5) is below 'backoff.baseMs' (10)");
    expect(make(null as never)).toThrow('options must be an object, got null');
  });

  it('refuses strictMode and strictGuards that disagree', () => {
    expect(make({ strictMode: true, strictGuards: false })).toThrow(/one option under two names; they disagree/);
    expect(make({ strictMode: false, strictGuards: false })).not.toThrow();
  });

  it('names what was given when it is not plain data, a number JSON cannot hold, or too large', () => {
    expect(make({ maxRetries: NaN })).toThrow(new TypeError("TheusEngine: option 'maxRetries' must be a non-negative integer, got NaN"));
    expect(make({ priorityAfter: Infinity })).toThrow("option 'priorityAfter' must be a non-negative integer, got Infinity");
    expect(make({ historyLimit: 10n })).toThrow("option 'historyLimit' must be a non-negative integer, got bigint");
    expect(make({ strictCas: () => true })).toThrow("option 'strictCas' must be a boolean, got function");
    expect(make({ strictMode: Symbol('yes') })).toThrow("option 'strictMode' must be a boolean, got symbol");
    expect(make({ auditLogLimit: new Map() })).toThrow("option 'auditLogLimit' must be a non-negative integer, got object");
    expect(make({ maxRetries: 2 ** 40 })).toThrow(`option 'maxRetries' must be a non-negative integer at most 4294967295, got ${2 ** 40}`);
    expect(make({ backoff: { baseMs: () => 1 } })).toThrow("option 'backoff.baseMs' must be a non-negative number of milliseconds");
    expect(make({ backoff: { maxMs: -Infinity } })).toThrow("option 'backoff.maxMs' must be a non-negative number of milliseconds");
    expect(make({ backoff: [1] })).toThrow("option 'backoff' must be an object such as { baseMs, maxMs }");
    // An option given as undefined is an option not given.
    expect(make({ maxRetries: undefined, backoff: { baseMs: undefined } })).not.toThrow();
  });

  it('refuses a cyclic or deeply nested option with a TypeError, not a stack overflow', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(make({ backoff: cyclic })).toThrow(TypeError);
    expect(make({ backoff: cyclic })).toThrow(/the options could not be read: nested more than \d+ levels deep \(or cyclic\)/);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { baseMs: deep };
    expect(make({ backoff: deep })).toThrow(/nested more than/);
    expect(make({ maxRetries: 3 })).not.toThrow();
  });

  it('refuses worker and storage in the constructor, whatever their value, pointing to create()', () => {
    expect(make({ worker: null })).toThrow(new TypeError('TheusEngine: the worker option needs `await TheusEngine.create(sysCtx, { worker })`: starting a worker is asynchronous'));
    expect(make({ storage: null })).toThrow(/^TheusEngine: the storage option needs `await TheusEngine.create\(sysCtx, \{ storage \}\)`/);
    expect(make({ worker: false })).not.toThrow();
  });

  it('checks worker and storage in create(), together', async () => {
    await expect(TheusEngine.create({ domain_ctx: {} }, { storage: null as never })).rejects.toThrow(/option 'storage' must be a storage .* lacks load, start, save/);
    await expect(TheusEngine.create({ domain_ctx: {} }, { worker: 'yes' as never })).rejects.toThrow(/option 'worker' must be true, a Worker/);
    const storage = { load: async () => undefined, start: async () => {}, save: async () => {} };
    await expect(TheusEngine.create({ domain_ctx: {} }, { storage: storage as never, worker: true })).rejects.toThrow(/options 'storage' and 'worker' cannot be combined/);
  });
});
