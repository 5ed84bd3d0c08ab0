import { describe, expect, it } from 'vitest';
import { applyPatches, init, process, TheusEngine } from 'theus';

await init();

class Point {
  constructor(
    public x: number,
    public y: number,
  ) {}
  norm() {
    return Math.abs(this.x) + Math.abs(this.y);
  }
}

const newContext = () => ({
  domain_ctx: {
    list: [3, 1, 2],
    cache: { a: 1, b: 2 } as Record<string, number>,
    index: new Map<string, number>([['a', 1]]),
    tags: new Set<string>(['x']),
    point: new Point(1, 2),
    counter: 0,
  },
});

async function commit(body: (d: ReturnType<typeof newContext>['domain_ctx']) => void) {
  const engine = await TheusEngine.create(newContext());
  const before = engine.state;
  const changeProc = process({ outputs: ['domain_ctx'] }, function change(ctx) {
    body(ctx.domain_ctx);
  });
  await engine.execute(changeProc);
  const [record] = engine.history;
  return { engine, before, record };
}

describe('patches', () => {
  it('are Immer-shaped, rooted at the canonical layer name', async () => {
    const { record } = await commit((d) => {
      d.counter = 2;
    });
    expect(record.patches).toEqual([{ op: 'replace', path: ['domain_ctx', 'counter'], value: 2 }]);
    expect(record.inversePatches).toEqual([{ op: 'replace', path: ['domain_ctx', 'counter'], value: 0 }]);
    expect(record).toMatchObject({ version: 1, process: 'change' });
    expect(typeof record.at).toBe('number');
  });

  const cases: [string, (d: ReturnType<typeof newContext>['domain_ctx']) => void, (d: any) => void][] = [
    ['array push', (d) => void d.list.push(4), (d) => expect(d.list).toEqual([3, 1, 2, 4])],
    ['array splice', (d) => void d.list.splice(0, 1, 9, 8), (d) => expect(d.list).toEqual([9, 8, 1, 2])],
    ['array sort', (d) => void d.list.sort(), (d) => expect(d.list).toEqual([1, 2, 3])],
    ['array index write', (d) => void (d.list[1] = 7), (d) => expect(d.list).toEqual([3, 7, 2])],
    ['array length change', (d) => void (d.list.length = 1), (d) => expect(d.list).toEqual([3])],
    ['key deletion', (d) => void delete d.cache.a, (d) => expect(d.cache).toEqual({ b: 2 })],
    ['key addition', (d) => void (d.cache.c = 3), (d) => expect(d.cache).toEqual({ a: 1, b: 2, c: 3 })],
    ['Map set and delete', (d) => void (d.index.set('b', 2), d.index.delete('a')), (d) => expect([...d.index]).toEqual([['b', 2]])],
    ['Set add and delete', (d) => void (d.tags.add('y'), d.tags.delete('x')), (d) => expect([...d.tags]).toEqual(['y'])],
    ['class instance field', (d) => void (d.point.x = -5), (d) => expect([d.point instanceof Point, d.point.norm()]).toEqual([true, 7])],
  ];

  for (const [name, body, check] of cases) {
    it(`record ${name}; inverse patches give back the state before`, async () => {
      const { engine, before, record } = await commit(body);
      check(engine.state.domain_ctx);
      expect(engine.version).toBe(1);
      expect(record.patches.length).toBeGreaterThan(0);
      expect(record.patches.every((p) => p.path[0] === 'domain_ctx')).toBe(true);
      const restored = applyPatches(engine.state, record.inversePatches);
      expect(restored).toEqual(before);
      const redone = applyPatches(before, record.patches);
      expect(redone).toEqual(engine.state);
    });
  }

  it('keep a deleted key deleted after the commit (the origin loses deletions)', async () => {
    const { engine } = await commit((d) => void delete d.cache.a);
    expect('a' in engine.state.domain_ctx.cache).toBe(false);
    expect(Object.keys(engine.context.domain_ctx!)).toContain('cache');
  });

  it('share every untouched subtree with the previous state', async () => {
    const { engine, before } = await commit((d) => void (d.counter = 1));
    expect(engine.state.domain_ctx.list).toBe(before.domain_ctx.list);
    expect(engine.state.domain_ctx.cache).toBe(before.domain_ctx.cache);
    expect(engine.state.domain_ctx).not.toBe(before.domain_ctx);
  });

  it('freeze Map and Set in committed state', async () => {
    const { engine } = await commit((d) => void d.index.set('z', 26));
    expect(() => engine.state.domain_ctx.index.set('q', 1)).toThrow(/Cannot modify a frozen Map/);
    expect(() => engine.state.domain_ctx.tags.add('q')).toThrow(/Cannot modify a frozen Set/);
  });
});
