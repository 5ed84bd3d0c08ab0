// Drafts, by property: random sequences of writes (objects, arrays and their
// methods, Maps, Sets, class instances, moved subtrees) made in `edit` and
// the same writes made to a plain mutable copy must end in equal states;
// the commit's patches must lead from the state before to the state after,
// its inverse patches back; and nothing committed before may change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatches, ContractViolationError, init, process, TheusEngine } from 'theus';

await init();

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  get sum() {
    return this.x + this.y;
  }
}

interface Item {
  v: number;
}
interface Domain {
  obj: Record<string, unknown>;
  list: (Item | number)[];
  map: Map<string, Item | number>;
  set: Set<number>;
  things: Set<Item>;
  point: Point;
  deep: { a: { b: { c: number } } };
}

const initial = (): { domain_ctx: Domain } => ({
  domain_ctx: {
    obj: { a: 1, b: { v: 2 } },
    list: [{ v: 0 }, 1, { v: 2 }, 3],
    map: new Map<string, Item | number>([
      ['x', { v: 10 }],
      ['y', 11],
    ]),
    set: new Set([1, 2]),
    things: new Set([{ v: 1 }, { v: 2 }]),
    point: new Point(1, 2),
    deep: { a: { b: { c: 0 } } },
  },
});

/** A deep copy that keeps Maps, Sets and Points: the model is mutated in place. */
function clone<T>(value: T): T {
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, clone(v)])) as T;
  if (value instanceof Set) return new Set([...value].map(clone)) as T;
  if (value instanceof Point) return new Point(value.x, value.y) as T;
  if (Array.isArray(value)) return value.map(clone) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)])) as T;
  return value;
}

type Op = (d: Domain) => void;
const key = fc.constantFrom('a', 'b', 'c', 'd');
const num = fc.integer({ min: -5, max: 50 });
const value = fc.oneof(num, num.map((v) => ({ v })));
const index = fc.nat({ max: 6 });

const ops: fc.Arbitrary<Op>[] = [
  fc.tuple(key, value).map(([k, v]) => (d: Domain) => void (d.obj[k] = clone(v))),
  key.map((k) => (d: Domain) => void delete d.obj[k]),
  fc.tuple(key, num).map(([k, n]) => (d: Domain) => {
    const target = d.obj[k];
    if (typeof target === 'object' && target !== null) (target as Item).v = n;
  }),
  value.map((v) => (d: Domain) => void d.list.push(clone(v))),
  fc.constant((d: Domain) => void d.list.pop()),
  fc.constant((d: Domain) => void d.list.shift()),
  value.map((v) => (d: Domain) => void d.list.unshift(clone(v))),
  fc.tuple(index, fc.nat({ max: 3 }), fc.array(value, { maxLength: 3 })).map(([i, n, items]) => (d: Domain) => void d.list.splice(i, n, ...clone(items))),
  fc.tuple(index, value).map(([i, v]) => (d: Domain) => {
    if (i < d.list.length) d.list[i] = clone(v);
  }),
  fc.tuple(index, num).map(([i, n]) => (d: Domain) => {
    const item = d.list[i];
    if (typeof item === 'object') item.v = n;
  }),
  index.map((n) => (d: Domain) => {
    if (n <= d.list.length) d.list.length = n;
  }),
  // Holes: made by a delete, a longer length, a write past the end; filled again; an array cut, then written past its new end.
  index.map((i) => (d: Domain) => void delete d.list[i]),
  index.map((n) => (d: Domain) => void (d.list.length = n)),
  fc.tuple(index, value).map(([i, v]) => (d: Domain) => void (d.list[i] = clone(v))),
  index.map((i) => (d: Domain) => void (d.list[i] = undefined as unknown as Item)),
  fc.constant((d: Domain) => void d.list.reverse()),
  fc.constant((d: Domain) => void d.list.sort((p, q) => (typeof p === 'number' ? p : p.v) - (typeof q === 'number' ? q : q.v))),
  fc.tuple(fc.constantFrom('x', 'y', 'z'), value).map(([k, v]) => (d: Domain) => void d.map.set(k, clone(v))),
  fc.constantFrom('x', 'y', 'z').map((k) => (d: Domain) => void d.map.delete(k)),
  fc.tuple(fc.constantFrom('x', 'y', 'z'), num).map(([k, n]) => (d: Domain) => {
    const item = d.map.get(k);
    if (typeof item === 'object') item.v = n;
  }),
  num.map((n) => (d: Domain) => void d.set.add(n)),
  num.map((n) => (d: Domain) => void d.set.delete(n)),
  fc.tuple(num, num).map(([m, n]) => (d: Domain) => {
    for (const thing of d.things) if (thing.v === m || m < 0) thing.v = n;
  }),
  num.map((n) => (d: Domain) => void d.things.add({ v: n })),
  fc.constant((d: Domain) => {
    const [first] = d.things;
    if (first) d.things.delete(first);
  }),
  num.map((n) => (d: Domain) => void (d.point.x = n)),
  num.map((n) => (d: Domain) => void (d.deep.a.b.c = n)),
  // Moves and copies of subtrees: the same object in two places.
  fc.tuple(key, index).map(([k, i]) => (d: Domain) => {
    if (i < d.list.length) d.obj[k] = d.list[i];
  }),
  fc.tuple(index, key).map(([i, k]) => (d: Domain) => {
    if (i < d.list.length && k in d.obj && d.obj[k] !== undefined) d.list[i] = d.obj[k] as Item;
  }),
  fc.constant((d: Domain) => void (d.deep = { a: d.deep.a })),
];
const op = fc.oneof(...ops);
/** Which indices of a list hold something (a hole holds nothing; an undefined item does). */
const holes = (list: readonly unknown[]): boolean[] => Array.from({ length: list.length }, (_, i) => i in list);

describe('drafts', () => {
  it('end where the same writes to a plain copy end; patches and inverse patches are exact; the state before is untouched', async () => {
    // One engine (worker mode starts a worker per engine), reset before each run.
    const engine = await TheusEngine.create(initial());
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (sequence) => {
        await engine.edit((ctx) => void (ctx.domain_ctx = initial().domain_ctx));
        const before = engine.state;
        const version = engine.version;
        const kept = clone(before);
        const model = clone(before.domain_ctx);
        // The model runs first: an op that reads a moved item must see the same thing in both.
        for (const f of sequence) f(model);
        await engine.edit((ctx) => {
          for (const f of sequence) f(ctx.domain_ctx as Domain);
        });
        const after = engine.state;
        expect(after.domain_ctx).toEqual(model);
        expect(after.domain_ctx.point).toBeInstanceOf(Point);
        expect(before).toEqual(kept);
        const record = engine.history.at(-1)!;
        expect(record.version).toBe(version + 1);
        expect(applyPatches(before, record.patches)).toEqual(after);
        expect(applyPatches(after, record.inversePatches)).toEqual(before);
        // toEqual takes a hole for undefined: the list's holes are compared apart.
        expect(holes(after.domain_ctx.list)).toEqual(holes(model.list));
        expect(holes(applyPatches(before, record.patches).domain_ctx.list)).toEqual(holes(after.domain_ctx.list));
        expect(holes(applyPatches(after, record.inversePatches).domain_ctx.list)).toEqual(holes(before.domain_ctx.list));
      }),
      { numRuns: 150 },
    );
    engine.dispose();
  }, 60_000);

  it('share what they did not write, and copy only the written path', async () => {
    const engine = await TheusEngine.create(initial());
    const before = engine.state;
    await engine.edit((ctx) => void (ctx.domain_ctx.deep.a.b.c = 9));
    const after = engine.state;
    expect(after.domain_ctx.list).toBe(before.domain_ctx.list);
    expect(after.domain_ctx.map).toBe(before.domain_ctx.map);
    expect(after.domain_ctx.deep).not.toBe(before.domain_ctx.deep);
    expect(engine.history[0].patches).toEqual([{ op: 'replace', path: ['domain_ctx', 'deep', 'a', 'b', 'c'], value: 9 }]);
  });

  it('count an array cut and then written past its new end as a change of its shape, which a concurrent write conflicts with', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { arr: [1, 2, 3] as unknown[] } });
    let runs = 0;
    const cut = process({ name: 'cut', outputs: ['domain_ctx.arr'] }, async (ctx) => {
      runs += 1;
      ctx.domain_ctx.arr.length = 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      ctx.domain_ctx.arr[2] = 'A';
    });
    const write = process({ name: 'write', outputs: ['domain_ctx.arr'] }, (ctx) => {
      ctx.domain_ctx.arr[1] = 'B';
    });
    const first = engine.execute(cut);
    // Synchronous: it commits while the first one waits.
    await engine.execute(write);
    await first;
    expect(runs).toBe(2);
    const arr = engine.state.domain_ctx.arr;
    expect(holes(arr)).toEqual([true, false, true]);
    expect(arr[2]).toBe('A');
    const [, last] = engine.history.slice(-2);
    expect(holes(applyPatches({ domain_ctx: { arr: [1, 'B', 3] } }, last.patches).domain_ctx.arr)).toEqual([true, false, true]);
    await engine.undo();
    expect(engine.state.domain_ctx.arr).toEqual([1, 'B', 3]);
    expect(holes(engine.state.domain_ctx.arr)).toEqual([true, true, true]);
  });

  it('record an array that shrinks as one length patch, and its inverse as the items it lost', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { list: [1, 2, 3, 4] } });
    await engine.edit((ctx) => void (ctx.domain_ctx.list.length = 1));
    const [{ patches, inversePatches }] = engine.history;
    expect(patches).toEqual([{ op: 'replace', path: ['domain_ctx', 'list', 'length'], value: 1 }]);
    expect(inversePatches).toEqual([
      { op: 'add', path: ['domain_ctx', 'list', 1], value: 2 },
      { op: 'add', path: ['domain_ctx', 'list', 2], value: 3 },
      { op: 'add', path: ['domain_ctx', 'list', 3], value: 4 },
    ]);
  });

  it('number array indices in patch paths', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { list: [{ v: 1 }] } });
    await engine.edit((ctx) => void (ctx.domain_ctx.list[0].v = 2));
    expect(engine.history[0].patches).toEqual([{ op: 'replace', path: ['domain_ctx', 'list', 0, 'v'], value: 2 }]);
  });

  it('commit nothing for writes that change nothing', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 1, o: { v: 1 } } });
    await engine.edit((ctx) => {
      ctx.domain_ctx.n = 1;
      ctx.domain_ctx.o.v = 2;
      ctx.domain_ctx.o.v = 1;
    });
    expect(engine.history.at(-1)?.patches ?? []).toEqual([]);
  });

  it('stop working when their transaction ends', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { o: { v: 1 } } });
    let leaked: { v: number } | undefined;
    await engine.edit((ctx) => void (leaked = ctx.domain_ctx.o));
    expect(() => leaked!.v).toThrow(TypeError);
    expect(engine.state.domain_ctx.o).toEqual({ v: 1 });
  });

  it('refuse writing a key that reaches a prototype, or changing how data is built, and commit nothing', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { o: {} as Record<string, unknown>, list: [] as number[] } });
    const attempts: [string, (o: Record<string, unknown>, list: number[]) => void][] = [
      ['__proto__ key', (o) => void (o['__proto__'] = { polluted: true })],
      ['constructor key', (o) => void (o['constructor'] = 1)],
      ['defineProperty', (o) => void Object.defineProperty(o, 'x', { get: () => 1 })],
      ['setPrototypeOf', (o) => void Object.setPrototypeOf(o, null)],
      ['freeze', (_, list) => void Object.freeze(list)],
      ['symbol key', (o) => void (o[Symbol('s') as unknown as string] = 1)],
    ];
    for (const [name, attempt] of attempts) {
      const error = await engine.edit((ctx) => attempt(ctx.domain_ctx.o, ctx.domain_ctx.list)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect([name, error instanceof ContractViolationError]).toEqual([name, true]);
    }
    expect(engine.version).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('in a process: a Map value written through get(), a Set changed as a whole', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { m: new Map([['k', { n: 1 }]]), s: new Set(['a']) } });
    const change = process({ name: 'change', outputs: ['domain_ctx.m', 'domain_ctx.s'] }, (ctx) => {
      ctx.domain_ctx.m.get('k')!.n = 2;
      ctx.domain_ctx.s.add('b');
    });
    await engine.execute(change);
    expect(engine.state.domain_ctx.m.get('k')).toEqual({ n: 2 });
    expect([...engine.state.domain_ctx.s]).toEqual(['a', 'b']);
    expect(engine.history[0].patches).toEqual([
      { op: 'replace', path: ['domain_ctx', 'm', 'k', 'n'], value: 2 },
      { op: 'replace', path: ['domain_ctx', 's'], value: new Set(['a', 'b']) },
    ]);
  });

  it('settle a draft put into a Set or a new object to its value', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { o: { v: 1 }, s: new Set<unknown>(), box: {} as Record<string, unknown> } });
    await engine.edit((ctx) => {
      const o = ctx.domain_ctx.o;
      o.v = 2;
      ctx.domain_ctx.s.add(o);
      ctx.domain_ctx.box.wrapped = { inner: [o] };
    });
    const { s, box, o } = engine.state.domain_ctx;
    expect([...s]).toEqual([{ v: 2 }]);
    expect([...s][0]).toBe(o);
    expect((box.wrapped as { inner: unknown[] }).inner[0]).toBe(o);
  });

  it('draft the object members of a Set in place, keeping their order', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { s: new Set([{ n: 1 }, { n: 2 }, { n: 3 }]) } });
    const before = engine.state.domain_ctx.s;
    await engine.edit((ctx) => {
      for (const member of ctx.domain_ctx.s) if (member.n === 2) member.n = 20;
      const [first] = ctx.domain_ctx.s;
      expect(ctx.domain_ctx.s.has(first)).toBe(true);
      ctx.domain_ctx.s.delete(first);
    });
    expect([...engine.state.domain_ctx.s]).toEqual([{ n: 20 }, { n: 3 }]);
    expect([...before]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(engine.state.domain_ctx.s.has([...before][2])).toBe(true);
  });

  it('keep an array\'s holes through later copies, and undefined items as they are', async () => {
    // eslint-disable-next-line no-sparse-arrays
    const engine = await TheusEngine.create({ domain_ctx: { sparse: [1, , 3] as number[], dense: [1, undefined, 3] as (number | undefined)[] } });
    await engine.edit((ctx) => {
      ctx.domain_ctx.sparse[0] = 10;
      ctx.domain_ctx.dense[0] = 10;
    });
    await engine.edit((ctx) => {
      delete ctx.domain_ctx.dense[2];
    });
    await engine.edit((ctx) => {
      ctx.domain_ctx.dense[0] = 11;
      ctx.domain_ctx.sparse[0] = 11;
    });
    const { sparse, dense } = engine.state.domain_ctx;
    expect([sparse.length, 1 in sparse, sparse[0]]).toEqual([3, false, 11]);
    expect([dense.length, 1 in dense, 2 in dense, dense[0]]).toEqual([3, true, false, 11]);
  });

  it('applyPatches refuses patches that lead to a prototype or are malformed, and leaves the state as it was', () => {
    const state = Object.freeze({ domain_ctx: Object.freeze({ o: Object.freeze({}) }) });
    const hostile = [
      [{ op: 'add', path: ['__proto__', 'polluted'], value: true }],
      [{ op: 'add', path: ['domain_ctx', 'o', 'constructor', 'prototype', 'polluted'], value: true }],
      [{ op: 'replace', path: ['domain_ctx', 'o', '__proto__'], value: { polluted: true } }],
    ] as const;
    for (const patches of hostile) expect(() => applyPatches(state, patches as never)).toThrow(ContractViolationError);
    expect(() => applyPatches(state, [{ op: 'move', path: ['domain_ctx', 'x'] }] as never)).toThrow(TypeError);
    expect(() => applyPatches(state, [{ op: 'add', path: [] }] as never)).toThrow(TypeError);
    expect(() => applyPatches(state, [{ op: 'add', path: ['domain_ctx', 'missing', 'x'], value: 1 }] as never)).toThrow(/leads nowhere/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(state).toEqual({ domain_ctx: { o: {} } });
  });

  it('keep a class instance\'s prototype and run its accessors on the draft', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { p: new Point(1, 2) } });
    const sum = await engine.edit((ctx) => {
      ctx.domain_ctx.p.x = 5;
      return ctx.domain_ctx.p.sum;
    });
    expect(sum).toBe(7);
    expect(engine.state.domain_ctx.p).toBeInstanceOf(Point);
    expect(engine.state.domain_ctx.p.sum).toBe(7);
  });
});
