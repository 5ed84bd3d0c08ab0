// State that is deep, huge, sparse or cannot be frozen, and keys from user
// data in objects a transaction makes: each commits exactly or fails
// cleanly, and the engine goes on committing either way.
import { describe, expect, it } from 'vitest';
import { ContractViolationError, process, TheusEngine, TheusError } from 'theus';
import { workerMode } from './support/mode.ts';

type Chain = { a: Chain } | number;
const chain = (depth: number): Chain => {
  let value: Chain = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

const bump = process({ name: 'bump', inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'] }, function bump(ctx) {
  ctx.domain_ctx.n += 1;
});

/** The engine goes on committing, and its version is the core's (a compareAndSwap at it succeeds). */
async function goesOn(engine: TheusEngine) {
  const before = engine.version;
  await engine.execute(bump);
  expect(engine.version).toBe(before + 1);
  await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.n': 0 } });
  expect(engine.version).toBe(before + 2);
}

describe('deep state', () => {
  // Structured clone (worker mode) has a depth limit of its own: there the
  // commit may be refused, but cleanly.
  it('a value nested 20,000 levels deep is written, frozen and committed', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } as Record<string, unknown> });
    const written = engine.edit((ctx) => {
      ctx.domain_ctx.deep = chain(20_000);
    });
    if (workerMode) {
      await written.catch((error: unknown) => expect(error).toBeInstanceOf(TheusError));
    } else {
      await written;
      let node = engine.state.domain_ctx.deep as Chain;
      for (let i = 0; i < 20_000; i += 1) {
        expect(Object.isFrozen(node)).toBe(true);
        node = (node as { a: Chain }).a;
      }
      expect(node).toBe(1);
    }
    await goesOn(engine);
  }, 30_000);

  it('an initial state nested 20,000 levels deep is taken, or refused with a TheusError', async () => {
    const made = TheusEngine.create({ domain_ctx: { n: 0, deep: chain(20_000) } });
    if (workerMode) {
      const engine = await made.catch((error: unknown) => {
        expect(error).toBeInstanceOf(TheusError);
        return undefined;
      });
      if (engine) await goesOn(engine);
      return;
    }
    const engine = await made;
    expect(Object.isFrozen(engine.state.domain_ctx.deep)).toBe(true);
    await goesOn(engine);
  });
});

describe('values that cannot be frozen', () => {
  it('refuse the transaction that writes them, before anything is committed', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } as Record<string, unknown> });
    const refusing = new Proxy(
      {},
      {
        preventExtensions() {
          throw new Error('this object refuses to be frozen');
        },
      },
    );
    const error = await engine
      .edit((ctx) => {
        ctx.domain_ctx.n = 5;
        ctx.domain_ctx.odd = refusing;
      })
      .then(() => undefined, (e: unknown) => e);
    // In worker mode the proxy cannot cross to the authority: refused as well.
    expect(error).toBeInstanceOf(Error);
    expect(engine.version).toBe(0);
    expect(engine.state.domain_ctx.n).toBe(0);
    expect(engine.history).toHaveLength(0);
    await goesOn(engine);
  });
});

describe('keys from user data in objects a transaction makes', () => {
  const tally = process({ name: 'tally', outputs: ['domain_ctx.counts'] }, function tally(ctx, { rows }: { rows: string[] }) {
    ctx.domain_ctx.counts = {};
    for (const key of rows) (ctx.domain_ctx.counts[key] ??= { n: 0 }).n += 1;
  });

  it('never reach a prototype: the transaction is refused and Object.prototype stays clean', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, counts: {} as Record<string, { n: number }>, made: {} as unknown } });
    for (const key of ['__proto__', 'constructor']) {
      await expect(engine.execute(tally, { rows: ['a', key, 'b'] })).rejects.toThrow(ContractViolationError);
    }
    await expect(
      engine.edit((ctx) => {
        const made = { list: [] as unknown[] };
        ctx.domain_ctx.made = made;
        (ctx.domain_ctx.made as typeof made).list['__proto__' as never] = { hacked: true } as never;
      }),
    ).rejects.toThrow(ContractViolationError);
    expect(({} as { n?: unknown; hacked?: unknown }).n).toBeUndefined();
    expect(({} as { hacked?: unknown }).hacked).toBeUndefined();
    expect(engine.version).toBe(0);
    await goesOn(engine);
  });

  it('are written as usual otherwise, with one patch for the new object', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, counts: {} as Record<string, { n: number }> } });
    await engine.execute(tally, { rows: ['a', 'b', 'a'] });
    expect(engine.state.domain_ctx.counts).toEqual({ a: { n: 2 }, b: { n: 1 } });
    expect(engine.history[0].patches).toEqual([{ op: 'replace', path: ['domain_ctx', 'counts'], value: { a: { n: 2 }, b: { n: 1 } } }]);
    expect(Object.isFrozen(engine.state.domain_ctx.counts.a)).toBe(true);
    // A new object holding a draft of committed data: the draft settles to its value.
    await engine.edit((ctx) => {
      const a = ctx.domain_ctx.counts.a;
      a.n = 3;
      ctx.domain_ctx.counts = { kept: a } as never;
      (ctx.domain_ctx.counts as unknown as { kept: { n: number } }).kept.n += 1;
    });
    expect(engine.state.domain_ctx.counts).toEqual({ kept: { n: 4 } });
  });
});

describe('big and sparse arrays', () => {
  it('200,000 pushes in one transaction commit, and undo by one length patch', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, list: [0] } });
    await engine.edit((ctx) => {
      for (let i = 1; i <= 200_000; i += 1) ctx.domain_ctx.list.push(i);
    });
    expect(engine.state.domain_ctx.list).toHaveLength(200_001);
    expect(engine.history[0].patches).toHaveLength(200_000);
    expect(engine.history[0].inversePatches).toEqual([{ op: 'replace', path: ['domain_ctx', 'list', 'length'], value: 1 }]);
    await engine.edit((ctx) => {
      ctx.domain_ctx.list.length = 0;
    });
    expect(engine.state.domain_ctx.list).toEqual([]);
    expect(engine.history[1].inversePatches).toHaveLength(200_001);
    await goesOn(engine);
  }, 60_000);

  it('a write far past the end crosses the hole with one length patch, and the hole stays one', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, list: [1] as number[] } });
    await engine.edit((ctx) => {
      ctx.domain_ctx.list[4_294_967_294] = 7;
      ctx.domain_ctx.list[5] = 5;
    });
    const { list } = engine.state.domain_ctx;
    expect(list.length).toBe(4_294_967_295);
    expect([list[0], 1 in list, list[5], 6 in list, list[4_294_967_294]]).toEqual([1, false, 5, false, 7]);
    expect(engine.history[0].patches).toEqual([
      { op: 'replace', path: ['domain_ctx', 'list', 'length'], value: 5 },
      { op: 'add', path: ['domain_ctx', 'list', 5], value: 5 },
      { op: 'replace', path: ['domain_ctx', 'list', 'length'], value: 4_294_967_294 },
      { op: 'add', path: ['domain_ctx', 'list', 4_294_967_294], value: 7 },
    ]);
    // The next transaction copies only what is there.
    await engine.edit((ctx) => {
      ctx.domain_ctx.list[0] = 2;
    });
    expect(engine.state.domain_ctx.list[0]).toBe(2);
    await engine.edit((ctx) => {
      ctx.domain_ctx.list.length = 2;
    });
    expect(engine.state.domain_ctx.list).toEqual([2, undefined]);
    expect(1 in engine.state.domain_ctx.list).toBe(false);
    // The inverse puts the items back, and the holes between them.
    expect(engine.history[2].inversePatches).toEqual([
      { op: 'replace', path: ['domain_ctx', 'list', 'length'], value: 5 },
      { op: 'add', path: ['domain_ctx', 'list', 5], value: 5 },
      { op: 'replace', path: ['domain_ctx', 'list', 'length'], value: 4_294_967_294 },
      { op: 'add', path: ['domain_ctx', 'list', 4_294_967_294], value: 7 },
    ]);
    await goesOn(engine);
  });

  it('adding 20,000 keys to a committed object in one transaction commits them all', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0, map: { seed: 0 } as Record<string, number> } });
    await engine.edit((ctx) => {
      for (let i = 0; i < 20_000; i += 1) ctx.domain_ctx.map[`k${i}`] = i;
    });
    expect(Object.keys(engine.state.domain_ctx.map)).toHaveLength(20_001);
    expect(Object.isFrozen(engine.state.domain_ctx.map)).toBe(true);
    await goesOn(engine);
  }, 30_000);
});
