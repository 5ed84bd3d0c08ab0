// What a hostile or careless process (or caller) may try, and what it gets:
// a clear TheusError, nothing committed, nothing polluted or changed
// outside a commit, and an engine that goes on working.
import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, StateUpdate, TheusEngine, TheusError } from 'theus';

await init();

const polluted = () => (({}) as Record<string, unknown>).polluted;

describe('prototype pollution through drafts', () => {
  const setup = async () => {
    const engine = await TheusEngine.create({ domain_ctx: { counts: {} as Record<string, Record<string, number>>, obj: { a: 1 } } });
    return engine;
  };

  it('a key from data such as __proto__ cannot reach Object.prototype: count[k1][k2] = v', async () => {
    const engine = await setup();
    const tally = process({ outputs: ['domain_ctx.counts'], name: 'tally' }, function tally(ctx, { k1, k2 }: { k1: string; k2: string }) {
      const counts = ctx.domain_ctx.counts;
      const bucket = counts[k1] ?? (counts[k1] = {});
      bucket[k2] = 1;
    });
    const error = await engine.execute(tally, { k1: '__proto__', k2: 'polluted' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    // Where __proto__ reads the prototype (not in Deno), the read reaches one.
    expect((error as Error).message).toMatch(/^process 'tally' (reached a prototype through its data|tried to change how its data is built)/);
    expect(polluted()).toBeUndefined();
    expect(engine.version).toBe(0);
    await engine.execute(tally, { k1: 'fruit', k2: 'apple' });
    expect(engine.state.domain_ctx.counts).toEqual({ fruit: { apple: 1 } });
  });

  it('neither can constructor.prototype', async () => {
    const engine = await setup();
    const sneaky = process({ outputs: ['domain_ctx.counts'], name: 'sneaky' }, function sneaky(ctx) {
      (ctx.domain_ctx.counts as unknown as { constructor: { prototype: Record<string, number> } }).constructor.prototype.x = 1;
    });
    await expect(engine.execute(sneaky)).rejects.toThrow(ContractViolationError);
    expect((({}) as Record<string, unknown>).x).toBeUndefined();
  });

  it('nor __proto__ in edit()', async () => {
    const engine = await setup();
    const error = await engine
      .edit((c) => {
        (c.domain_ctx.obj as unknown as { __proto__: Record<string, number> }).__proto__.polluted = 1;
      })
      .catch((e: unknown) => e);
    // Refused by name, also where the runtime has no __proto__ accessor (Deno).
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as Error).message).toMatch(/^edit\(\) reached a prototype/);
    expect(polluted()).toBeUndefined();
    expect(engine.version).toBe(0);
  });

  it('assigning __proto__ is a ContractViolationError, not the draft library\'s own Error', async () => {
    const engine = await setup();
    const assign = process({ outputs: ['domain_ctx.counts'], name: 'assign_proto' }, function assign_proto(ctx) {
      (ctx.domain_ctx.counts as Record<string, unknown>)['__proto__'] = { polluted: 1 };
    });
    const error = await engine.execute(assign).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as ContractViolationError).process).toBe('assign_proto');
    expect(polluted()).toBeUndefined();
    expect(engine.version).toBe(0);
  });
});

describe('the guard keeps its internals and its shape', () => {
  it('nothing reachable from ctx, symbol keys included, leads to the snapshot', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { visible: 1, secret: 42 } });
    const peek = process({ inputs: ['domain_ctx.visible'], name: 'peek' }, function peek(ctx) {
      const layer = ctx.domain_ctx as object;
      return [Object.getOwnPropertySymbols(layer).length, Reflect.ownKeys(layer), Object.getOwnPropertySymbols(ctx).length];
    });
    expect(await engine.execute(peek)).toEqual([0, ['visible'], 0]);
  });

  it('defineProperty on a declared output, or a changed prototype, refuses the transaction', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const define = process({ outputs: ['domain_ctx.n'], name: 'define' }, function define(ctx) {
      Object.defineProperty(ctx.domain_ctx, 'n', { value: 5, enumerable: true, configurable: true, writable: true });
    });
    await expect(engine.execute(define)).rejects.toThrow(/process 'define' redefined 'domain_ctx.n'/);
    const reproto = process({ inputs: ['domain_ctx.n'], name: 'reproto' }, function reproto(ctx) {
      Object.setPrototypeOf(ctx.domain_ctx, { secret: 'forged' });
    });
    await expect(engine.execute(reproto)).rejects.toThrow(/process 'reproto' changed the prototype of 'domain_ctx'/);
    expect(engine.version).toBe(0);
  });
});

describe('a result that holds a draft', () => {
  it('resolves with its value, and the commit is reported as a commit', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { nested: { y: 1 } as Record<string, number>, items: [1] } });
    const returnsDraft = process({ outputs: ['domain_ctx.nested'], name: 'returns_draft' }, function returns_draft(ctx) {
      ctx.domain_ctx.nested.z = 42;
      return ctx.domain_ctx.nested;
    });
    await expect(engine.execute(returnsDraft)).resolves.toEqual({ y: 1, z: 42 });
    expect(engine.version).toBe(1);
    const wrapsDraft = process({ outputs: ['domain_ctx.items'], name: 'wraps_draft' }, function wraps_draft(ctx) {
      ctx.domain_ctx.items.push(2);
      return { items: ctx.domain_ctx.items, layer: ctx.domain_ctx };
    });
    const result = (await engine.execute(wrapsDraft)) as { items: number[]; layer: { items: number[] } };
    expect(result.items).toEqual([1, 2]);
    expect(JSON.parse(JSON.stringify(result.layer.items))).toEqual([1, 2]);
    expect(engine.version).toBe(2);
  });
});

describe("a process's own error keeps its identity", () => {
  it('a TypeError that reads like a frozen write is still the process\'s own', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { admins: ['ada'] } });
    const own = new TypeError('Cannot delete the last admin');
    const guardAdmins = process({ inputs: ['domain_ctx.admins'], name: 'guard_admins' }, function guard_admins() {
      throw own;
    });
    await expect(engine.execute(guardAdmins)).rejects.toBe(own);
  });

  it('a real write to an input is still a ContractViolationError with the runtime error as cause', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { admins: ['ada'] } });
    const write = process({ inputs: ['domain_ctx.admins'], name: 'write_input' }, function write_input(ctx) {
      ctx.domain_ctx.admins.pop();
    });
    const error = await engine.execute(write).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
  });
});

describe('NaN in audit rules', () => {
  it('a NaN value breaks a min/max rule; a NaN bound is refused at load', async () => {
    const recipe = { process_recipes: { priced: { inputs: [{ field: 'price', min: 0, max: 100, level: 'A' }], outputs: [{ field: 'domain_ctx.total', min: 0, level: 'A' }] } } };
    const engine = await TheusEngine.create({ domain_ctx: { total: 0 } }, { auditRecipe: recipe });
    const priced = process({ outputs: ['domain_ctx.total'], name: 'priced' }, function priced(ctx, { price }: { price: number }) {
      ctx.domain_ctx.total = price * 1;
    });
    await expect(engine.execute(priced, { price: Number.NaN })).rejects.toThrow(/price is NaN, not a number/);
    const output = process({ outputs: ['domain_ctx.total'], name: 'priced' }, function priced(ctx) {
      ctx.domain_ctx.total = Number.NaN;
    });
    const other = await TheusEngine.create({ domain_ctx: { total: 0 } }, { auditRecipe: { process_recipes: { priced: { outputs: [{ field: 'domain_ctx.total', min: 0, level: 'A' }] } } } });
    await expect(other.execute(output)).rejects.toThrow(/domain_ctx.total is NaN, not a number/);
    expect([engine.version, other.version]).toEqual([0, 0]);
    await expect(TheusEngine.create({ domain_ctx: {} }, { auditRecipe: { process_recipes: { p: { inputs: [{ field: 'x', min: Number.NaN }] } } } })).rejects.toThrow(
      /inputs\[0\]\.min: expected a number, got NaN/,
    );
    await expect(TheusEngine.create({ domain_ctx: {} }, { auditRecipe: 'process_recipes:\n  p:\n    inputs: [{ field: x, max: .nan }]\n' })).rejects.toThrow(/got NaN/);
  });
});

describe('wrong input gets the right error class', () => {
  it('a contract name that is not a non-empty string is a TypeError at process()', () => {
    for (const name of [5, Symbol('s'), '', null]) {
      expect(() => process({ name: name as never }, () => {})).toThrow(TypeError);
    }
  });

  it('a process cannot be named after prototype machinery', async () => {
    const engine = await TheusEngine.create({ domain_ctx: {} });
    expect(() => engine.register(process({ name: '__proto__' }, () => {}))).toThrow(ContractViolationError);
  });

  it('a layer that is not an object is refused at create', async () => {
    await expect(TheusEngine.create({ domain_ctx: 5 } as never)).rejects.toThrow("TheusEngine: the layer 'domain_ctx' must be an object of data, got number");
    await expect(TheusEngine.create({ global_ctx: null } as never)).rejects.toThrow(/got null/);
  });
});

describe('contention', () => {
  it('2,000 concurrent conflicting increments: exact, each body run at most twice (they queue, not collide)', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { maxRetries: 10_000 });
    let runs = 0;
    const bump = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'bump' }, async function bump(ctx) {
      runs += 1;
      const seen = ctx.domain_ctx.n;
      await new Promise((resolve) => setTimeout(resolve, 0));
      ctx.domain_ctx.n = seen + 1;
    });
    engine.register(bump);
    const n = 2000;
    await Promise.all(Array.from({ length: n }, () => engine.execute(bump)));
    expect(engine.state.domain_ctx.n).toBe(n);
    expect(engine.version).toBe(n);
    expect(runs).toBeLessThanOrEqual(2 * n);
  }, 60_000);
});

describe('a transaction started from inside a process', () => {
  it('is refused at once with a clear error, never a hang', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const inc = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'inc' }, function inc(c) {
      c.domain_ctx.n++;
    });
    engine.register(inc);
    const nests = {
      execute: () => engine.execute(inc),
      edit: () => engine.edit((c) => void (c.domain_ctx.n = 5)),
      compareAndSwap: () => engine.compareAndSwap(engine.version, { data: { 'domain_ctx.n': 9 } }),
      executeWorkflow: () => engine.executeWorkflow({ steps: ['inc'] }),
    };
    for (const [name, nest] of Object.entries(nests)) {
      const outer = process({ outputs: ['domain_ctx.n'], name: `outer_${name}` }, async function outer(c) {
        await nest();
        c.domain_ctx.n = 100;
      });
      const error = await engine.execute(outer).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TheusError);
      expect((error as Error).message).toMatch(/was called from inside a running process or edit\(\)/);
    }
    const fromEdit = await engine.edit(async () => engine.execute(inc)).catch((e: unknown) => e);
    expect(fromEdit).toBeInstanceOf(TheusError);
    expect(engine.version).toBe(0);
    // Not nested: afterwards, and concurrently, all is well.
    await Promise.all([engine.execute(inc), engine.execute(inc)]);
    expect(engine.state.domain_ctx.n).toBe(2);
  });

  it('execute() of nothing is a rejected promise naming what is missing, never a throw', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    for (const args of [[], [undefined], [undefined, {}], [null]] as unknown as [string][]) {
      // Caught at once: a rejection left for the next line counts as unhandled in some runners.
      let outcome: Promise<unknown> | undefined;
      expect(() => (outcome = engine.execute(...args).catch((error: unknown) => error))).not.toThrow();
      const error = await outcome;
      expect(error).toBeInstanceOf(TheusError);
      expect((error as Error).message).toMatch(/has no contract; declare it with process\(contract, fn\)/);
    }
    engine.dispose();
    expect(await engine.execute(undefined as unknown as string).catch((error: unknown) => error)).toBeInstanceOf(TheusError);
  });

  it('is refused as a rejected promise, not a throw, so that .catch() sees it', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const inc = process({ outputs: ['domain_ctx.n'], name: 'inc' }, function inc(c) {
      c.domain_ctx.n++;
    });
    let refused: unknown;
    const outer = process({ outputs: ['domain_ctx.n'], name: 'outer' }, function outer(c) {
      // Called without await in the synchronous part: a throw here would fail the outer process.
      refused = engine.execute(inc).catch((e: unknown) => e);
      c.domain_ctx.n = 7;
    });
    await expect(engine.execute(outer)).resolves.toBeUndefined();
    expect(await refused).toBeInstanceOf(TheusError);
    expect((await refused as Error).message).toMatch(/^execute\(\) was called from inside a running process/);
    expect(engine.state.domain_ctx.n).toBe(7);
    expect(engine.version).toBe(1);
  });
});

describe('committed Dates, Maps and Sets', () => {
  it('cannot be changed by their own methods, outside or inside a process', async () => {
    const due = new Date('2026-01-01T00:00:00Z');
    const engine = await TheusEngine.create({ domain_ctx: { due, m: new Map([['a', 1]]), s: new Set([1]) } });
    const state = engine.state.domain_ctx;
    expect(() => state.due.setFullYear(2099)).toThrow(TypeError);
    expect(() => state.due.setTime(0)).toThrow(/frozen Date/);
    expect(() => state.m.set('b', 2)).toThrow(/frozen Map/);
    expect(() => state.s.add(2)).toThrow(/frozen Set/);
    const retime = process({ inputs: ['domain_ctx.due'], name: 'retime' }, function retime(ctx) {
      ctx.domain_ctx.due.setTime(0);
    });
    await expect(engine.execute(retime)).rejects.toThrow(ContractViolationError);
    expect(state.due.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect([...state.m]).toEqual([['a', 1]]);
    expect(engine.version).toBe(0);
    // A Date written by a process is committed frozen too.
    const move = process({ outputs: ['domain_ctx.due'], name: 'move' }, function move(ctx) {
      ctx.domain_ctx.due = new Date('2027-01-01T00:00:00Z');
    });
    await engine.execute(move);
    expect(() => engine.state.domain_ctx.due.setMonth(3)).toThrow(TypeError);
  });
});

describe('the commit log', () => {
  it('cannot be rewritten by its readers: records and their patches are frozen', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const seen: { patches: unknown[] }[] = [];
    engine.subscribe((event) => seen.push(event as { patches: unknown[] }));
    const bump = process({ outputs: ['domain_ctx.n'], name: 'bump' }, (c) => void (c.domain_ctx.n += 1));
    await engine.execute(bump);
    const [record] = engine.history;
    expect(() => record.patches.push({ op: 'replace', path: ['domain_ctx', 'n'], value: 99 })).toThrow(TypeError);
    expect(() => (record.inversePatches.length = 0)).toThrow(TypeError);
    expect(() => ((record.patches[0] as { value: unknown }).value = 99)).toThrow(TypeError);
    expect(() => (record.patches[0].path as unknown[]).push('x')).toThrow(TypeError);
    expect(() => seen[0].patches.pop()).toThrow(TypeError);
    expect(() => ((record as { version: number }).version = 7)).toThrow(TypeError);
    expect(engine.history[0].patches).toEqual([{ op: 'replace', path: ['domain_ctx', 'n'], value: 1 }]);
  });
});

describe('signals written as bare topics, as the origin\'s docs do', () => {
  it('are refused with an error that says how to write one', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const stop = process({ outputs: ['domain_ctx.cmd_stop'], name: 'stop' }, function stop() {
      return new StateUpdate({ signal: { cmd_stop: 'now' } });
    });
    const error = await engine.execute(stop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as Error).message).toMatch(/'cmd_stop' names no layer: a signal is a path in a layer, such as 'domain_ctx.cmd_stop'/);
    expect((error as Error).message).toMatch(/engine\.signals\.publish/);
    const fixed = process({ outputs: ['domain_ctx.cmd_stop'], name: 'stop_fixed' }, function stop_fixed() {
      return new StateUpdate({ signal: { 'domain_ctx.cmd_stop': 'now' } });
    });
    await engine.execute(fixed);
    expect(engine.signals.last('cmd_stop')).toBe('now');
  });
});

describe('what a body returns is written only when it is a StateUpdate the package made', () => {
  it('a look-alike object, or one made from the prototype, is a plain return value', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const lookAlike = { data: { 'domain_ctx.n': 1 }, signal: {}, heavy: {} };
    const fromPrototype = Object.assign(Object.create(StateUpdate.prototype) as object, { data: { 'domain_ctx.n': 2 }, signal: {}, heavy: {} });
    const forge = process({ outputs: ['domain_ctx.n'], name: 'forge' }, function forge(_ctx, { which }: { which: string }) {
      return which === 'plain' ? lookAlike : fromPrototype;
    });
    expect(await engine.execute(forge, { which: 'plain' })).toBe(lookAlike);
    expect(await engine.execute(forge, { which: 'prototype' })).toBe(fromPrototype);
    expect(engine.state.domain_ctx.n).toBe(0);
    const real = process({ outputs: ['domain_ctx.n'], name: 'real' }, function real() {
      return new StateUpdate({ data: { 'domain_ctx.n': 3 } });
    });
    await engine.execute(real);
    expect(engine.state.domain_ctx.n).toBe(3);
  });
});
