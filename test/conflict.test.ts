import { describe, expect, it } from 'vitest';
import { ConflictError, init, process, TheusEngine } from 'theus';
import { outside } from './support/outside.ts';

await init();

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('concurrency', () => {
  it('loses no update: hundreds of concurrent increments with an await inside', async () => {
    const sysCtx = { domain_ctx: { counter: 0 } };
    const engine = await TheusEngine.create(sysCtx, { backoff: { baseMs: 0.5, maxMs: 5 } });
    let runs = 0;
    const increment = process({ inputs: ['domain_ctx.counter'], outputs: ['domain_ctx.counter'] }, async function increment(ctx) {
      runs += 1;
      const seen = ctx.domain_ctx.counter;
      await tick();
      ctx.domain_ctx.counter = seen + 1;
    });
    const n = 300;
    await Promise.all(Array.from({ length: n }, () => engine.execute(increment)));
    expect(sysCtx.domain_ctx.counter).toBe(n);
    expect(engine.version).toBe(n);
    expect(runs).toBeGreaterThan(n); // there were conflicts, and they were retried
    const logs = engine.audit.getLogs();
    expect(logs.filter((r) => r.outcome === 'success')).toHaveLength(n);
    expect(Math.max(...logs.map((r) => r.attempts))).toBeLessThanOrEqual(11);
  }, 30_000);

  it('isolates a snapshot across await: a process sees the state it started with', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { a: 1, b: 1 } });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slowReader = process({ inputs: ['domain_ctx.a'], outputs: ['domain_ctx.b'] }, async function slow_reader(ctx) {
      const first = ctx.domain_ctx.a;
      await gate;
      const second = ctx.domain_ctx.a;
      ctx.domain_ctx.b = first + second;
      return [first, second];
    });
    const writeA = process({ outputs: ['domain_ctx.a'] }, function write_a(ctx) {
      ctx.domain_ctx.a = 100;
    });
    const pending = engine.execute(slowReader);
    await tick();
    await engine.execute(writeA);
    release();
    await expect(pending).resolves.toEqual([1, 1]);
    // It read a (not written by it) and wrote b: under snapshot isolation that commits.
    expect(engine.state.domain_ctx).toEqual({ a: 100, b: 2 });
  });

  async function writeSkew(isolation: 'snapshot' | 'serializable') {
    // Invariant the processes try to keep: at least one doctor on call.
    const engine = await TheusEngine.create({ domain_ctx: { alice: true, bob: true } }, { isolation });
    const leave = (who: 'alice' | 'bob') =>
      process({ inputs: ['domain_ctx.alice', 'domain_ctx.bob'], outputs: [`domain_ctx.${who}`], name: `${who}_leaves` }, async (ctx) => {
        const onCall = Number(ctx.domain_ctx.alice) + Number(ctx.domain_ctx.bob);
        await tick();
        if (onCall >= 2) ctx.domain_ctx[who] = false;
      });
    await Promise.all([engine.execute(leave('alice')), engine.execute(leave('bob'))]);
    return engine.state.domain_ctx;
  }

  it('allows write skew under snapshot isolation', async () => {
    expect(await writeSkew('snapshot')).toEqual({ alice: false, bob: false });
  });

  it('prevents write skew under serializable isolation', async () => {
    const after = await writeSkew('serializable');
    expect(Number(after.alice) + Number(after.bob)).toBe(1);
  });

  it('uses prefix semantics: items conflicts with items[3].price, not with total_value', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { items: [1, 2, 3, 4].map((price) => ({ price })), total_value: 0 } });
    let runs = { items: 0, price: 0, total: 0 };
    const slow = (name: keyof typeof runs, output: string, write: (d: any) => void) =>
      process({ outputs: [output], name }, async (ctx) => {
        runs[name] += 1;
        await tick();
        write(ctx.domain_ctx);
      });
    const replaceItems = slow('items', 'domain_ctx.items', (d) => void (d.items = []));
    const setPrice = slow('price', 'domain_ctx.items[3].price', (d) => void (d.items[3].price = 40));
    const setTotal = slow('total', 'domain_ctx.total_value', (d) => void (d.total_value = 10));
    await Promise.all([engine.execute(setPrice), engine.execute(replaceItems)]);
    expect(runs.price + runs.items).toBe(3); // exactly one of the two re-ran
    runs = { items: 0, price: 0, total: 0 };
    await engine.edit((d) => void (d.domain_ctx.items = [1, 2, 3, 4].map((price) => ({ price }))));
    await Promise.all([engine.execute(setPrice), engine.execute(setTotal)]);
    expect(runs).toEqual({ items: 0, price: 1, total: 1 });
  });

  it('with strictCas, treats any later commit as a conflict', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { a: 0, b: 0 } }, { strictCas: true });
    let runsA = 0;
    let release!: () => void;
    const bCommitted = new Promise<void>((resolve) => (release = resolve));
    const slowA = process({ outputs: ['domain_ctx.a'] }, async function slow_a(ctx) {
      runsA += 1;
      if (runsA === 1) await bCommitted;
      ctx.domain_ctx.a += 1;
    });
    const writeB = process({ outputs: ['domain_ctx.b'] }, function write_b(ctx) {
      ctx.domain_ctx.b += 1;
    });
    const pendingA = engine.execute(slowA);
    await engine.execute(writeB);
    release();
    await pendingA;
    expect(runsA).toBe(2);
    expect(engine.state.domain_ctx).toEqual({ a: 1, b: 1 });
  });

  it('gives up after maxRetries conflicts: ConflictError, body run 1 + maxRetries times, nothing committed', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, other: 0 } }, { maxRetries: 2, priorityAfter: 100, backoff: { baseMs: 0, maxMs: 0 } });
    let runs = 0;
    const starvedProc = process({ outputs: ['domain_ctx.n'] }, async function starved(ctx) {
      runs += 1;
      // Someone else always commits to n while this one waits.
      await outside(() => engine.edit((d) => void (d.domain_ctx.n += 10)));
      ctx.domain_ctx.n = -1;
    });
    const error = await engine.execute(starvedProc).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(
      /^process 'starved' gave up after 3 conflicts: 'domain_ctx\.n' was changed at version 3, after its snapshot at version 2; raise maxRetries/,
    );
    expect(error).toMatchObject({ process: 'starved', path: 'domain_ctx.n' });
    expect(runs).toBe(3);
    expect(engine.state.domain_ctx.n).toBe(30);
    expect(engine.version).toBe(3);
    expect(engine.audit.getLogs().at(-1)).toMatchObject({ process: 'starved', outcome: 'failure', attempts: 3 });
  });

  it('gives a starving process priority: it commits where it would otherwise give up', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { maxRetries: 4, priorityAfter: 2, backoff: { baseMs: 0, maxMs: 0 } });
    let runs = 0;
    let interferences = 0;
    const interfering: Promise<unknown>[] = [];
    const bump = process({ outputs: ['domain_ctx.n'] }, function bump(ctx) {
      ctx.domain_ctx.n += 10;
    });
    const starvingProc = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'] }, async function starving(ctx) {
      runs += 1;
      const seen = ctx.domain_ctx.n;
      // Without priority, an overlapping commit lands during every attempt;
      // with it, the interfering commit waits (so do not wait for it long).
      const landed = outside(() => engine.execute(bump)).then(() => (interferences += 1));
      interfering.push(landed);
      await Promise.race([landed, new Promise((resolve) => setTimeout(resolve, 50))]);
      ctx.domain_ctx.n = seen + 1;
    });
    await engine.execute(starvingProc);
    await Promise.all(interfering);
    expect(runs).toBe(3); // two conflicts, then priority: the third run commits
    expect(interferences).toBe(3); // every interfering commit still landed, after waiting
    expect(engine.state.domain_ctx.n).toBe(21 + 10);
  });
});

describe('structural array changes', () => {
  it('conflict with each other, so concurrent push and pop never leave a hole', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { list: [1, 2, 3] } });
    const pushProc = process({ outputs: ['domain_ctx.list'] }, async function push_four(ctx) {
      await tick();
      ctx.domain_ctx.list.push(4);
    });
    const popProc = process({ outputs: ['domain_ctx.list'] }, async function pop_last(ctx) {
      await tick();
      ctx.domain_ctx.list.pop();
    });
    await Promise.all([engine.execute(pushProc), engine.execute(popProc)]);
    const list = engine.state.domain_ctx.list;
    expect([[1, 2, 3], [1, 2, 4]]).toContainEqual([...list]);
    expect(Object.keys(list)).toHaveLength(list.length);
  });

  it('but an element update beside them is no conflict', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { list: [{ v: 1 }, { v: 2 }], other: [0] } });
    let runs = 0;
    const setV = process({ outputs: ['domain_ctx.list'] }, async function set_v(ctx) {
      runs += 1;
      await tick();
      ctx.domain_ctx.list[0].v = 10;
    });
    const pushOther = process({ outputs: ['domain_ctx.other'] }, async function push_other(ctx) {
      await tick();
      ctx.domain_ctx.other.push(1);
    });
    await Promise.all([engine.execute(setV), engine.execute(pushOther)]);
    expect(runs).toBe(1);
    expect(engine.state.domain_ctx).toEqual({ list: [{ v: 10 }, { v: 2 }], other: [0, 1] });
  });
});
