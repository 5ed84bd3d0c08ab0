// Where Theus for TypeScript deliberately differs from the origin (PyPI
// theus 3.0.25), case by case. Checked against theus 3.0.25 here: deleting a
// key inside a process raised AttributeError('__delitem__'), and a process
// declaring domain.user.name read domain.user['password'] unhindered. The
// other cases are faults of the origin that this port does not repeat.
import { describe, expect, it } from 'vitest';
import { ConflictError, ContractViolationError, init, process, TheusEngine } from 'theus';
import { outside } from './support/outside.ts';

await init();

describe('deliberate differences from the origin', () => {
  it('a deleted key stays deleted (the origin cannot delete one)', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { cache: { a: 1, b: 2 } as Record<string, number> } });
    const evict = process({ outputs: ['domain_ctx.cache'] }, function evict(ctx) {
      delete ctx.domain_ctx.cache.a;
    });
    await engine.execute(evict);
    expect(engine.context.domain_ctx).toEqual({ cache: { b: 2 } });
  });

  it('reads are guarded at every depth (the origin checks the first level only)', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { user: { name: 'n', password: 'p' } } });
    const peek = process({ inputs: ['domain_ctx.user.name'] }, function peek(ctx) {
      return ctx.domain_ctx.user.password;
    });
    await expect(engine.execute(peek)).rejects.toBeInstanceOf(ContractViolationError);
  });

  it('a return value is never written to state (the origin maps some onto outputs, drops others)', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { total: 0 } });
    const compute = process({ outputs: ['domain_ctx.total'] }, function compute() {
      return 42;
    });
    await expect(engine.execute(compute)).resolves.toBe(42);
    expect(engine.state.domain_ctx.total).toBe(0);
  });

  it('retries have a real limit, then ConflictError (the origin retries without one)', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { maxRetries: 1, priorityAfter: 99, backoff: { baseMs: 0, maxMs: 0 } });
    const contended = process({ outputs: ['domain_ctx.n'] }, async function contended(ctx) {
      await outside(() => engine.edit((d) => void (d.domain_ctx.n += 1)));
      ctx.domain_ctx.n = -1;
    });
    await expect(engine.execute(contended)).rejects.toBeInstanceOf(ConflictError);
  });

  it('the tutorial runs as it reads: strictMode option, awaited execute, a field named items', async () => {
    // The origin's tutorial fails on its own engine: `strict_mode` is not a
    // keyword there, `execute` is a coroutine nobody awaits, and a field named
    // `items` is shadowed by dict.items.
    const sysCtx = { domain_ctx: { items: [] as string[] } };
    const engine = await TheusEngine.create(sysCtx, { strictMode: true });
    const add = process({ inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items'] }, function add_item(ctx, { item }: { item: string }) {
      ctx.domain_ctx.items.push(item);
    });
    await engine.execute(add, { item: 'x' });
    expect(sysCtx.domain_ctx.items).toEqual(['x']);
  });
});
