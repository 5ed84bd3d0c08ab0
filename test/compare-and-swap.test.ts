import { describe, expect, it } from 'vitest';
import { ConflictError, ContractViolationError, init, TheusEngine, type Context } from 'theus';

await init();

describe('compareAndSwap()', () => {
  it('writes dotted paths at the expected version and resolves to the new version', async () => {
    const sysCtx = { domain_ctx: { counter: 0, nested: { a: 1 } } };
    // As an untyped Context: paths spelt other than canonically, and new keys, are checked at run time only.
    const engine = await TheusEngine.create<Context>(sysCtx);
    await expect(engine.compareAndSwap(0, { data: { 'domain_ctx.counter': 42, "domain['nested'].b": 2 } })).resolves.toBe(1);
    expect(sysCtx.domain_ctx).toEqual({ counter: 42, nested: { a: 1, b: 2 } });
    expect(engine.history[0]).toMatchObject({ version: 1, process: null });
  });

  it('names the requester in history', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { counter: 0 } });
    await engine.compareAndSwap(0, { data: { 'domain_ctx.counter': 1 } }, { requester: 'ui' });
    expect(engine.history[0].process).toBe('ui');
  });

  it('conflicts at once when a path it writes changed after the expected version', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { counter: 0, other: 0 } });
    await engine.compareAndSwap(0, { data: { 'domain_ctx.counter': 1 } });
    const error = await engine.compareAndSwap(0, { data: { 'domain_ctx.counter': 5 } }, { requester: 'ui' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe("compareAndSwap by 'ui': expected version 0 is stale: 'domain_ctx.counter' was changed at version 1");
    expect(engine.version).toBe(1);
    // A disjoint path still goes through with the old version...
    await expect(engine.compareAndSwap(0, { data: { 'domain_ctx.other': 1 } })).resolves.toBe(2);
  });

  it('...unless strictCas: then any later commit is a conflict', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { counter: 0, other: 0 } }, { strictCas: true });
    await engine.compareAndSwap(0, { data: { 'domain_ctx.counter': 1 } });
    await expect(engine.compareAndSwap(0, { data: { 'domain_ctx.other': 1 } })).rejects.toThrow(/the engine moved on to version 1 \(strictCas\)/);
  });

  it('refuses bad versions, bad paths and zone mix-ups', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { counter: 0 } });
    await expect(engine.compareAndSwap(-1, { data: {} })).rejects.toThrow(new TypeError('compareAndSwap: expectedVersion must be a non-negative integer, got -1'));
    await expect(engine.compareAndSwap(5, { data: { 'domain_ctx.counter': 1 } })).rejects.toThrow("compareAndSwap: snapshot version 5 is ahead of the engine's version 0");
    // @ts-expect-error not a path of the context's type either
    await expect(engine.compareAndSwap(0, { data: { 'domain_ctx.__proto__.polluted': 1 } })).rejects.toBeInstanceOf(ContractViolationError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // @ts-expect-error not a path of the context's type either
    await expect(engine.compareAndSwap(0, { data: { 'domain_ctx.sig_x': 1 } })).rejects.toThrow(
      "compareAndSwap: 'domain_ctx.sig_x' is in the SIGNAL zone, so it belongs in StateUpdate's 'signal', not 'data'",
    );
    await expect(engine.compareAndSwap(0, { date: {} } as never)).rejects.toThrow("StateUpdate: unknown key 'date'");
    expect(engine.version).toBe(0);
  });
});

describe('edit()', () => {
  it('mutates a draft of the whole context and commits it atomically', async () => {
    const sysCtx = { global_ctx: { mode: 'a' }, domain_ctx: { items: [1] } };
    const engine = await TheusEngine.create(sysCtx);
    await expect(engine.edit((ctx) => {
      ctx.global_ctx.mode = 'b';
      ctx.domain_ctx.items.push(2);
      return 'done';
    })).resolves.toBe('done');
    expect(sysCtx).toEqual({ global_ctx: { mode: 'b' }, domain_ctx: { items: [1, 2] } });
    expect(engine.version).toBe(1);
    expect(engine.history[0].process).toBeNull();
  });

  it('rolls back if fn throws', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { items: [1] } });
    const boom = new Error('no');
    await expect(engine.edit((ctx) => {
      ctx.domain_ctx.items.push(2);
      throw boom;
    })).rejects.toBe(boom);
    expect(engine.state.domain_ctx.items).toEqual([1]);
    expect(engine.version).toBe(0);
  });

  it('refuses to set __proto__ on a draft and leaves prototypes alone', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { o: {} as Record<string, unknown> } });
    const error = await engine
      .edit((ctx) => {
        ctx.domain_ctx.o['__proto__'] = { polluted: true };
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as Error).message).toMatch(/^edit\(\) tried to change how its data is built/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(engine.version).toBe(0);
  });
});
