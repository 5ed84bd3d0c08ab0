import { afterAll, describe, expect, it } from 'vitest';
import { init, process, StateUpdate, TheusEngine } from 'theus';
import { countCrossings } from './support/crossings.ts';

await init();

// Local mode counts calls into WebAssembly; worker mode counts messages to
// the authority's worker (support/crossings.ts). The same budget holds in both.
describe('crossings to the core', () => {
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
    await engine.execute(sum);
    const before = counter.count;
    for (let i = 0; i < 10; i++) await engine.execute(sum);
    expect(counter.count - before).toBe(10);
    expect(counter.calls.slice(-10)).toEqual(Array(10).fill('commit'));
    engine.dispose();
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
    engine.dispose();
  });

  it('still one per execute with output audit rules and an audit subscriber', async () => {
    const recipe = { process_recipes: { audited: { outputs: [{ field: 'domain_ctx.n', min: 0, level: 'B' }] } } };
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { auditRecipe: recipe });
    const audited = process({ outputs: ['domain_ctx.n'], name: 'audited' }, function audited(ctx) {
      ctx.domain_ctx.n += 1;
    });
    const records: unknown[] = [];
    engine.audit.subscribe((record) => records.push(record));
    engine.register(audited);
    await engine.execute(audited);
    const before = counter.count;
    for (let i = 0; i < 5; i++) await engine.execute(audited);
    expect(counter.calls.slice(before)).toEqual(Array(5).fill('commit'));
    expect(records).toHaveLength(6);
    engine.dispose();
  });

  it('two with input audit rules: they are checked (begin) before the process runs', async () => {
    const recipe = { process_recipes: { checked: { inputs: [{ field: 'price', min: 0, level: 'A' }] } } };
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { auditRecipe: recipe });
    let runs = 0;
    const checked = process({ outputs: ['domain_ctx.n'], name: 'checked' }, function checked(ctx, { price }: { price: number }) {
      runs += 1;
      ctx.domain_ctx.n = price;
    });
    engine.register(checked);
    await engine.execute(checked, { price: 1 });
    const before = counter.count;
    await engine.execute(checked, { price: 2 });
    expect(counter.calls.slice(before)).toEqual(['begin', 'commit']);
    await expect(engine.execute(checked, { price: -1 })).rejects.toThrow(/below min 0/);
    expect(runs).toBe(2);
    engine.dispose();
  });
  it('one per iteration of a while loop besides its commit: the condition is answered with the step', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const tick = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'tick' }, function tick(ctx) {
      ctx.domain_ctx.n += 1;
    });
    engine.register(tick);
    const before = counter.count;
    await engine.executeWorkflow({ steps: [{ flux: 'while', condition: "domain['n'] < 10", do: ['tick'] }] });
    expect(engine.state.domain_ctx.n).toBe(10);
    const calls = counter.calls.slice(before);
    expect(calls.filter((c) => c === 'commit')).toHaveLength(10);
    // Locally the first condition is asked for (two calls), each later one
    // answered ahead; in worker mode each step is one message.
    const steps = calls.filter((c) => c === 'workflowResume' || c === 'workflowStep');
    expect(steps.length).toBeGreaterThanOrEqual(11);
    expect(steps.length).toBeLessThanOrEqual(12);
    engine.dispose();
  });
});
