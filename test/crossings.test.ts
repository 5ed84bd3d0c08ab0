import { afterAll, describe, expect, it } from 'vitest';
import { init, process, StateUpdate, TheusEngine } from 'theus';
import { countCrossings } from './support/crossings.ts';

await init();

describe('crossings into WebAssembly', () => {
  const counter = countCrossings();
  afterAll(() => counter.restore());

  it('one per execute, however much the process reads and writes', async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ price: i }));
    const engine = await TheusEngine.create({ domain_ctx: { items, total: 0 } });
    const sum = process({ inputs: ['domain_ctx.items'], outputs: ['domain_ctx.total', 'domain_ctx.items'] }, function sum_prices(ctx) {
      let total = 0;
      for (let i = 0; i < ctx.domain_ctx.items.length; i++) total += ctx.domain_ctx.items[i].price;
      ctx.domain_ctx.items[3].price = 0;
      ctx.domain_ctx.total = total;
    });
    engine.register(sum);
    const before = counter.count;
    for (let i = 0; i < 10; i++) await engine.execute(sum);
    expect(counter.count - before).toBe(10);
    expect(counter.calls.slice(-10)).toEqual(Array(10).fill('commit'));
  });

  it('one per edit and per compareAndSwap; a StateUpdate path is parsed once per engine', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    let before = counter.count;
    await engine.edit((ctx) => void (ctx.domain_ctx.n = 1));
    expect(counter.count - before).toBe(1);
    const update = process({ outputs: ['domain_ctx.n'] }, function set_n() {
      return new StateUpdate({ data: { 'domain_ctx.n': 2 } });
    });
    engine.register(update);
    await engine.execute(update);
    before = counter.count;
    await engine.execute(update);
    await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.n': 3 } });
    expect(counter.calls.slice(before)).toEqual(['commit', 'commit']);
  });
});
