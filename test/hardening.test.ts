// What a hostile or careless process (or caller) may try, and what it gets:
// a clear TheusError, nothing committed, nothing polluted or changed
// outside a commit, and an engine that goes on working.
import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine } from 'theus';

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
    expect((error as Error).message).toMatch(/^process 'tally' reached a prototype through its data/);
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
    expect(error).toBeInstanceOf(ContractViolationError);
    expect((error as Error).message).toMatch(/^edit\(\) reached a prototype/);
    expect(polluted()).toBeUndefined();
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
