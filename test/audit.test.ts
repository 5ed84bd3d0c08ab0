import { describe, expect, it } from 'vitest';
import {
  AuditAbortError,
  AuditBlockError,
  AuditStopError,
  init,
  process,
  TheusEngine,
  type AuditRecord,
  type EngineOptions,
} from 'theus';

await init();

const addProduct = () =>
  process(
    { inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items', 'domain_ctx.total_value'] },
    function add_product(ctx, { name, price }: { name: string; price: number }) {
      ctx.domain_ctx.items.push(name);
      ctx.domain_ctx.total_value += price;
    },
  );

async function audited(recipe: object | string, options: EngineOptions = {}) {
  const engine = await TheusEngine.create({ domain_ctx: { items: [] as string[], total_value: 0 } }, { auditRecipe: recipe, ...options });
  const add = addProduct();
  engine.register(add);
  const run = (price: number, name = 'x') => engine.execute(add, { name, price }).then(() => 'ok', (e: unknown) => e);
  return { engine, add, run };
}

const inputRule = (level: string, extra: object = {}) => ({
  process_recipes: { add_product: { inputs: [{ field: 'price', min: 0, max: 10000, level }], ...extra } },
});

describe('audit levels', () => {
  it('S: AuditStopError, nothing committed, and every later execute refused until audit.reset()', async () => {
    const { engine, run } = await audited(inputRule('S'));
    const error = await run(-1);
    expect(error).toBeInstanceOf(AuditStopError);
    expect((error as AuditStopError).message).toBe("process 'add_product' input level S: price = -1 is below min 0; the engine is stopped until audit.reset()");
    expect((error as AuditStopError).rule).toBe('price');
    expect(await run(5)).toBeInstanceOf(AuditStopError);
    expect(engine.version).toBe(0);
    engine.audit.reset();
    expect(await run(5)).toBe('ok');
    expect(engine.state.domain_ctx.items).toEqual(['x']);
  });

  it('A: AuditAbortError and nothing committed, at the first violation', async () => {
    const { engine, run } = await audited(inputRule('A', { threshold_max: 10 }));
    expect(await run(-1)).toBeInstanceOf(AuditAbortError);
    expect(engine.version).toBe(0);
    expect(await run(1)).toBe('ok');
  });

  it('B: logged below threshold_max (the transaction commits), AuditBlockError at it, then the counter resets', async () => {
    const { engine, run } = await audited(inputRule('B', { threshold_max: 3, threshold_min: 2 }));
    expect(await run(-1)).toBe('ok');
    expect(engine.audit.counters()).toEqual({ add_product: 1 });
    expect(await run(-2)).toBe('ok');
    const blocked = await run(-3);
    expect(blocked).toBeInstanceOf(AuditBlockError);
    expect((blocked as Error).message).toBe("process 'add_product' input level B: price = -3 is below min 0 (3 violations reached threshold_max 3)");
    expect(engine.version).toBe(2);
    expect(engine.audit.counters()).toEqual({});
    const levels = engine.audit.getLogs().map((r) => [r.outcome, r.level, r.message.split(':')[0]]);
    expect(levels).toEqual([
      ['success', 'B', 'counted'],
      ['success', 'B', 'warning'],
      ['failure', 'B', 'level B'],
    ]);
  });

  it('C: only logs, even at threshold_max', async () => {
    const { engine, run } = await audited(inputRule('C', { threshold_max: 2 }));
    for (const price of [-1, -2, -3]) expect(await run(price)).toBe('ok');
    expect(engine.version).toBe(3);
    expect(engine.audit.getLogs().every((r) => r.outcome === 'success' && r.level === 'C')).toBe(true);
  });

  it('checks output rules on the values the transaction would commit', async () => {
    const recipe = { process_recipes: { add_product: { outputs: [{ field: 'domain_ctx.total_value', max: 100, level: 'A' }] } } };
    const { engine, run } = await audited(recipe);
    expect(await run(60)).toBe('ok');
    const error = await run(60);
    expect(error).toBeInstanceOf(AuditAbortError);
    expect((error as Error).message).toBe("process 'add_product' output level A: domain_ctx.total_value = 120 is above max 100");
    expect(engine.state.domain_ctx.total_value).toBe(60);
    expect(engine.version).toBe(1);
  });

  it('checks regex rules', async () => {
    const recipe = { process_recipes: { add_product: { inputs: [{ field: 'name', regex: '^[A-Z][a-z]+$', level: 'A' }] } } };
    const { run } = await audited(recipe);
    expect(await run(1, 'Laptop')).toBe('ok');
    expect(((await run(1, 'laptop')) as Error).message).toBe("process 'add_product' input level A: name = 'laptop' does not match /^[A-Z][a-z]+$/");
  });
});

describe('audit thresholds', () => {
  // f: a violation, s: a clean success
  async function script(resetOnSuccess: boolean, steps: string) {
    const { run } = await audited(inputRule('B', { threshold_max: 3, threshold_min: 1, reset_on_success: resetOnSuccess }));
    const outcomes: string[] = [];
    for (const step of steps) {
      const result = await run(step === 'f' ? -1 : 1);
      outcomes.push(result === 'ok' ? 'ok' : 'blocked');
    }
    return outcomes.join(' ');
  }

  it('reset_on_success: true clears the counter after each clean success', async () => {
    expect(await script(true, 'ffsffsfff')).toBe('ok ok ok ok ok ok ok ok blocked');
  });

  it('reset_on_success: false keeps counting (a flaky-component detector)', async () => {
    expect(await script(false, 'ffsffsfff')).toBe('ok ok ok blocked ok ok ok blocked ok');
  });

  it('counts a process that throws as one failure', async () => {
    const engine = await TheusEngine.create({ domain_ctx: {} }, { auditRecipe: inputRule('B', { threshold_max: 2, reset_on_success: false }) });
    const flaky = process({ name: 'add_product' }, () => {
      throw new Error('flaky');
    });
    engine.register(flaky);
    await expect(engine.execute(flaky, { price: 1 })).rejects.toThrow('flaky');
    expect(engine.audit.counters()).toEqual({ add_product: 1 });
    await expect(engine.execute(flaky, { price: -1 })).rejects.toBeInstanceOf(AuditBlockError);
  });
});

describe('audit recipes', () => {
  it('from YAML text equal the same recipe from an object', async () => {
    const yaml = `
default_level: B
default_threshold_max: 3
process_recipes:
  add_product:
    inputs:  [{ field: price, min: 0, max: 10000, level: B }]
    outputs: [{ field: domain_ctx.total_value, min: 0, level: S }]
    threshold_max: 2
    threshold_min: 1
    reset_on_success: false
`;
    const object = {
      default_level: 'B',
      default_threshold_max: 3,
      process_recipes: {
        add_product: {
          inputs: [{ field: 'price', min: 0, max: 10000, level: 'B' }],
          outputs: [{ field: 'domain_ctx.total_value', min: 0, level: 'S' }],
          threshold_max: 2,
          threshold_min: 1,
          reset_on_success: false,
        },
      },
    };
    const outcomes = async (recipe: object | string) => {
      const { engine, run } = await audited(recipe);
      const results = [];
      for (const price of [10, -1, 5, -1]) results.push(await run(price));
      return { results: results.map((r) => (r === 'ok' ? r : (r as Error).name)), logs: engine.audit.getLogs().map(({ durationMs: _, ...r }) => r) };
    };
    const fromYaml = await outcomes(yaml);
    expect(fromYaml).toEqual(await outcomes(object));
    expect(fromYaml.results).toEqual(['ok', 'ok', 'ok', 'AuditBlockError']);
  });

  it('are validated on load, naming the key', async () => {
    const make = (recipe: object | string) => () => new TheusEngine({ domain_ctx: {} }, { auditRecipe: recipe });
    expect(make({ process_recipes: { p: { inputs: [{ field: 'x', level: 'D' }] } } })).toThrow(
      new TypeError("audit recipe: process_recipes.p.inputs[0].level: unknown level 'D'; the levels are S, A, B, C"),
    );
    expect(make({ process_recipe: {} })).toThrow("audit recipe: the recipe: unknown key 'process_recipe' (did you mean 'process_recipes'?)");
    expect(make({ process_recipes: { p: { inputs: [{ field: 'x', regex: '([' }] } } })).toThrow(/process_recipes\.p\.inputs\[0\]\.regex: '\(\[' is not a valid regex/);
    expect(make({ process_recipes: { p: { outputs: [{ field: 'domain.x', min: 3, max: 1 }] } } })).toThrow('audit recipe: process_recipes.p.outputs[0]: min (3) is above max (1)');
    await expect(TheusEngine.create({ domain_ctx: {} }, { auditRecipe: 'default_level: [\n' })).rejects.toThrow(/^the audit recipe text is not valid YAML/);
    expect(make('default_level: B\n')).toThrow('the auditRecipe option needs `await TheusEngine.create(sysCtx, { auditRecipe })`: loading YAML');
    expect(make('recipes/audit.yaml')).toThrow('the auditRecipe option needs `await TheusEngine.create(sysCtx, { auditRecipe })`: loading YAML');
  });
});

describe('audit log', () => {
  it('is a bounded ring buffer per engine, with rule and level in each record', async () => {
    const { engine, run } = await audited(inputRule('C'), { auditLogLimit: 2 });
    await run(1);
    await run(-1);
    await run(2);
    const logs = engine.audit.getLogs();
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({ process: 'add_product', outcome: 'success', level: 'C', rule: 'price', version: 2 });
    expect(logs[1]).toMatchObject({ level: null, rule: null, message: '', version: 3 });
  });

  it('hands records to subscribers as they happen', async () => {
    const { engine, run } = await audited(inputRule('A'));
    const seen: AuditRecord[] = [];
    const unsubscribe = engine.audit.subscribe((record) => seen.push(record));
    await run(1);
    await run(-1);
    unsubscribe();
    await run(2);
    expect(seen.map((r) => [r.outcome, r.level])).toEqual([
      ['success', null],
      ['failure', 'A'],
    ]);
  });
});

describe('audit events', () => {
  it('reach subscribers whatever auditLogLimit is, even 0', async () => {
    const { engine, run } = await audited(inputRule('B', { threshold_max: 5 }), { auditLogLimit: 0 });
    const seen: AuditRecord[] = [];
    engine.audit.subscribe((record) => seen.push(record));
    await run(1);
    await run(-1);
    expect(engine.audit.getLogs()).toEqual([]);
    expect(seen.map((r) => [r.outcome, r.level, r.version])).toEqual([
      ['success', null, 1],
      ['success', 'B', 2],
    ]);
  });

  it('are delivered after the engine call returned: a subscriber may call the engine', async () => {
    const { engine, run } = await audited(inputRule('B', { threshold_max: 5 }));
    const inside: [number, Record<string, number>][] = [];
    engine.audit.subscribe(() => inside.push([engine.audit.getLogs().length, engine.audit.counters()]));
    await run(-1);
    await run(-2);
    expect(inside).toEqual([
      [1, { add_product: 1 }],
      [2, { add_product: 2 }],
    ]);
  });

  it('report a level S stop to every engine call at once, and reset() lifts it', async () => {
    const { engine, run } = await audited(inputRule('S'));
    expect(await run(-1)).toBeInstanceOf(AuditStopError);
    const refused = await engine.edit(() => {}).then(() => 'edit ok');
    expect(refused).toBe('edit ok');
    expect(((await run(1)) as Error).message).toMatch(/^process 'add_product' refused: the engine is stopped/);
    engine.audit.reset();
    expect(await run(1)).toBe('ok');
  });

  it('a recipe file that cannot be read: a TypeError naming it, with the reason as cause', async () => {
    const error = await TheusEngine.create({ domain_ctx: {} }, { auditRecipe: 'no-such-folder/audit.yaml' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^the audit recipe 'no-such-folder\/audit\.yaml'(: file paths need a file system| cannot be read: )/);
    if (/cannot be read/.test((error as Error).message)) expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('refuse at commit a transaction that began before a level S stop, saying it was refused', async () => {
    const { engine, run } = await audited(inputRule('S'));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = process({ name: 'slow_total', outputs: ['domain_ctx.total_value'] }, async function slow_total(ctx) {
      await gate;
      ctx.domain_ctx.total_value = 99;
    });
    engine.register(slow);
    const pending = engine.execute(slow).then(() => 'committed', (e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await run(-1)).toBeInstanceOf(AuditStopError);
    open();
    const refused = await pending;
    expect(refused).toBeInstanceOf(AuditStopError);
    expect((refused as Error).message).toMatch(/^process 'slow_total' refused: the engine is stopped/);
    expect(engine.version).toBe(0);
    expect(engine.state.domain_ctx.total_value).toBe(0);
  });
});

describe('audit and workflows', () => {
  it('A aborts a running workflow (state Failed); earlier steps stay committed', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, {
      auditRecipe: { process_recipes: { bump: { outputs: [{ field: 'domain_ctx.n', max: 2, level: 'A' }] } } },
    });
    engine.register(process({ outputs: ['domain_ctx.n'], name: 'bump' }, (ctx) => void (ctx.domain_ctx.n += 1)));
    const states: string[] = [];
    const error = await engine
      .executeWorkflow({ steps: [{ flux: 'while', condition: 'True', do: ['bump'] }] }, { onStateChange: (s) => states.push(s) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuditAbortError);
    expect(states.at(-1)).toBe('Failed');
    expect(engine.state.domain_ctx.n).toBe(2);
  });
});
