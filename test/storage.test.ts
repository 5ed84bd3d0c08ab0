import { describe, expect, it } from 'vitest';
import { init, process, TheusEngine, TheusError } from 'theus';
import { durableObjectStorage } from '../ts/storage/durable-object.ts';
import { FakeDurableObjectStorage, MemoryStorage } from './support/memory-storage.ts';

await init();

const inc = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'inc' }, async function inc(ctx) {
  const seen = ctx.domain_ctx.n;
  await Promise.resolve();
  ctx.domain_ctx.n = seen + 1;
});

const counter = () => ({ domain_ctx: { n: 0, tags: new Map([['a', 1]]) } });

describe('storage', () => {
  it('saves a new state as version 0, then each commit, in order', async () => {
    const storage = new MemoryStorage();
    const engine = await TheusEngine.create(counter(), { storage });
    expect(storage.saved).toMatchObject({ version: 0, state: { domain_ctx: { n: 0 } } });
    engine.register(inc);
    await Promise.all(Array.from({ length: 30 }, () => engine.execute(inc)));
    expect(engine.version).toBe(30);
    expect(storage.calls).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(storage.saved).toMatchObject({ version: 30, state: { domain_ctx: { n: 30 } } });
    expect(storage.saved!.state.domain_ctx).toHaveProperty('tags', new Map([['a', 1]]));
    engine.dispose();
  });

  it('resolves execute only once the commit is saved', async () => {
    const storage = new MemoryStorage();
    const engine = await TheusEngine.create(counter(), { storage });
    engine.register(inc);
    let open!: () => void;
    storage.gate = new Promise<void>((resolve) => (open = resolve));
    let resolved = false;
    const running = engine.execute(inc).then(() => (resolved = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(storage.calls).toEqual([1]);
    expect(resolved).toBe(false);
    open();
    await running;
    expect(storage.saved!.version).toBe(1);
    engine.dispose();
  });

  it('resumes state, version and history onto the context, and goes on from there', async () => {
    const storage = new MemoryStorage();
    const first = await TheusEngine.create(counter(), { storage, historyLimit: 5 });
    first.register(inc);
    for (let i = 0; i < 7; i++) await first.execute(inc);
    first.dispose();

    const sysCtx = { domain_ctx: { n: 999 }, global_ctx: { stale: true } };
    const second = await TheusEngine.create(sysCtx, { storage, historyLimit: 5 });
    expect(second.version).toBe(7);
    expect(sysCtx.domain_ctx.n).toBe(7);
    expect(sysCtx).not.toHaveProperty('global_ctx.stale');
    expect(second.history.map((r) => r.version)).toEqual([3, 4, 5, 6, 7]);
    second.register(inc);
    await second.execute(inc);
    expect([second.version, sysCtx.domain_ctx.n, storage.saved!.version]).toEqual([8, 8, 8]);
    second.dispose();
  });

  it('a failed save rejects execute, stops the engine, and leaves the storage at the last saved version', async () => {
    const storage = new MemoryStorage();
    storage.failAt = 3;
    const engine = await TheusEngine.create(counter(), { storage });
    engine.register(inc);
    await engine.execute(inc);
    await engine.execute(inc);
    const error: unknown = await engine.execute(inc).then(() => 'resolved', (e: unknown) => e);
    expect(error).toBeInstanceOf(TheusError);
    expect((error as Error).message).toBe('commit 3 was made but could not be saved (disk full); the engine has stopped, and its storage keeps the state of version 2');
    expect(((error as Error).cause as Error).message).toBe('disk full');
    await expect(engine.execute(inc)).rejects.toThrow(/could not be saved/);
    expect(storage.calls).toEqual([1, 2, 3]);
    expect(storage.saved!.version).toBe(2);
    engine.dispose();

    storage.failAt = -1;
    const again = await TheusEngine.create(counter(), { storage });
    expect(again.version).toBe(2);
    expect(again.state.domain_ctx.n).toBe(2);
    again.dispose();
  });

  it('refuses what is not a storage, a storage without create, and storage with a worker', async () => {
    await expect(TheusEngine.create(counter(), { storage: {} as never })).rejects.toThrow(
      new TypeError("TheusEngine: option 'storage' must be a storage such as durableObjectStorage(ctx.storage), an object with load, start and save; this one lacks load, start, save"),
    );
    await expect(TheusEngine.create(counter(), { storage: 'disk' as never })).rejects.toThrow(TypeError);
    expect(() => new TheusEngine(counter(), { storage: new MemoryStorage() })).toThrow(/the storage option needs `await TheusEngine.create/);
    await expect(TheusEngine.create(counter(), { storage: new MemoryStorage(), worker: true })).rejects.toThrow(/options 'storage' and 'worker' cannot be combined/);
  });

  it('refuses a stored state that Theus did not write, before it reaches the context', async () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "domain_ctx": {}}') as Record<string, object>;
    const cases: [unknown, RegExp][] = [
      [{ state: hostile, version: 1, history: [] }, /holds a state with '__proto__', which is not a layer/],
      [{ state: { cache: {} }, version: 1, history: [] }, /holds a state with 'cache', which is not a layer/],
      [{ state: { domain_ctx: {} }, version: -1, history: [] }, /holds no valid state/],
      [{ state: null, version: 1, history: [] }, /holds no valid state/],
      [{ state: { domain_ctx: {} }, version: 1, history: 'x' }, /holds no valid state/],
      [{ state: { domain_ctx: 5 }, version: 1, history: [] }, /layer 'domain_ctx' is not an object/],
      [{ state: { domain_ctx: [] }, version: 1, history: [] }, /layer 'domain_ctx' is not an object/],
      [{ state: { domain_ctx: {} }, version: 2, history: [{ version: 2 }] }, /history whose record 0 is not a commit record/],
      [{ state: { domain_ctx: {} }, version: 2, history: [{ version: 3, process: 'p', patches: [], inversePatches: [], at: 1 }] }, /record 0 is not a commit record in version order/],
      [
        { state: { domain_ctx: {} }, version: 2, history: [2, 1].map((v) => ({ version: v, process: null, patches: [], inversePatches: [], at: 1 })) },
        /record 1 is not a commit record in version order/,
      ],
      [
        { state: { domain_ctx: {} }, version: 1, history: [{ version: 1, process: 'p', patches: [{ op: 'eval', path: ['x'] }], inversePatches: [], at: 1 }] },
        /record 0 is not a commit record/,
      ],
    ];
    for (const [saved, message] of cases) {
      const sysCtx = counter();
      const storage = { load: async () => saved, start: async () => {}, save: async () => {} };
      const error: unknown = await TheusEngine.create(sysCtx, { storage: storage as never }).then(() => 'created', (e: unknown) => e);
      expect(error).toBeInstanceOf(TheusError);
      expect((error as Error).message).toMatch(message);
      expect(sysCtx).toEqual(counter());
      expect(Object.getPrototypeOf(sysCtx)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
    const failing = { load: async () => Promise.reject(new Error('no access')), start: async () => {}, save: async () => {} };
    const error: unknown = await TheusEngine.create(counter(), { storage: failing }).then(() => 'created', (e: unknown) => e);
    expect(error).toBeInstanceOf(TheusError);
    expect((error as Error).message).toBe('the storage could not load its state: no access');
  });
});

describe('durableObjectStorage', () => {
  it('keeps a bounded log with snapshots, and a new engine replays it exactly', async () => {
    const object = new FakeDurableObjectStorage();
    const options = { storage: durableObjectStorage(object, { snapshotEvery: 4 }), historyLimit: 3 };
    const engine = await TheusEngine.create(counter(), options);
    engine.register(inc);
    await Promise.all(Array.from({ length: 25 }, () => engine.execute(inc)));
    engine.dispose();
    // The head, the snapshot, and the commits since the snapshot or in the history.
    expect(object.data.size).toBeLessThanOrEqual(2 + 4);
    expect(object.data.get('theus:head')).toEqual({ version: 25, snapshot: 24, oldest: 23 });

    const sysCtx = counter();
    const again = await TheusEngine.create(sysCtx, { storage: durableObjectStorage(object, { snapshotEvery: 4 }), historyLimit: 3 });
    expect([again.version, sysCtx.domain_ctx.n]).toEqual([25, 25]);
    expect(again.history.map((r) => r.version)).toEqual([23, 24, 25]);
    again.register(inc);
    await again.execute(inc);
    expect((object.data.get('theus:head') as { version: number }).version).toBe(26);
    again.dispose();
  });

  it('says what is wrong with a damaged storage or a wrong argument', async () => {
    const object = new FakeDurableObjectStorage();
    const engine = await TheusEngine.create(counter(), { storage: durableObjectStorage(object, { snapshotEvery: 100 }) });
    engine.register(inc);
    for (let i = 0; i < 3; i++) await engine.execute(inc);
    engine.dispose();
    object.data.delete('theus:commit:0000000000000002');
    await expect(TheusEngine.create(counter(), { storage: durableObjectStorage(object) })).rejects.toThrow(/the storage could not load its state: the Durable Object's storage lacks commit 2: it is damaged/);
    object.data.delete('theus:snapshot');
    await expect(TheusEngine.create(counter(), { storage: durableObjectStorage(object) })).rejects.toThrow(/has theus:head but no theus:snapshot/);

    // A head or a commit that Theus did not write; a patch with a prototype key is never applied.
    const fresh = async () => {
      const damaged = new FakeDurableObjectStorage();
      const made = await TheusEngine.create(counter(), { storage: durableObjectStorage(damaged) });
      made.register(inc);
      await made.execute(inc);
      made.dispose();
      return damaged;
    };
    const badHead = await fresh();
    badHead.data.set('theus:head', { version: 'one' });
    await expect(TheusEngine.create(counter(), { storage: durableObjectStorage(badHead) })).rejects.toThrow(/has a theus:head that Theus did not write: it is damaged/);
    for (const path of [['__proto__', 'polluted'], ['domain_ctx', 'constructor', 'prototype', 'polluted']]) {
      const hostile = await fresh();
      hostile.data.set('theus:commit:0000000000000001', { version: 1, process: 'inc', patches: [{ op: 'add', path, value: true }], inversePatches: [], at: 1 });
      await expect(TheusEngine.create(counter(), { storage: durableObjectStorage(hostile) })).rejects.toThrow(/holds a commit 1 that Theus did not write: it is damaged/);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }

    expect(() => durableObjectStorage({} as never)).toThrow(/expected a Durable Object's storage \(this\.ctx\.storage\); this one lacks get, list, put, delete/);
    expect(() => durableObjectStorage(object, { snapshotEvery: 0 })).toThrow(/snapshotEvery must be an integer from 1 to 10000, got 0/);
    expect(() => durableObjectStorage(object, { prefix: '' })).toThrow(/prefix must be a non-empty string/);
    expect(() => durableObjectStorage(object, { prefx: 'a:' } as never)).toThrow(new TypeError("durableObjectStorage: unknown option 'prefx'; its options are prefix, snapshotEvery"));
    expect(() => durableObjectStorage(object, null as never)).toThrow(new TypeError('durableObjectStorage: options must be an object such as { prefix }, got null'));
    expect(() => durableObjectStorage(object, 'a:' as never)).toThrow(new TypeError('durableObjectStorage: options must be an object such as { prefix }, got string'));
  });

  it('shares one storage between states under different prefixes', async () => {
    const object = new FakeDurableObjectStorage();
    const a = await TheusEngine.create(counter(), { storage: durableObjectStorage(object, { prefix: 'a:' }) });
    const b = await TheusEngine.create(counter(), { storage: durableObjectStorage(object, { prefix: 'b:' }) });
    a.register(inc);
    b.register(inc);
    await a.execute(inc);
    for (let i = 0; i < 3; i++) await b.execute(inc);
    a.dispose();
    b.dispose();
    const again = await TheusEngine.create(counter(), { storage: durableObjectStorage(object, { prefix: 'a:' }) });
    expect(again.version).toBe(1);
    again.dispose();
  });
});
