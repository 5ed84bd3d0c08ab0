import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine, type Contract } from 'theus';

await init();

const newContext = () => ({
  global_ctx: { config: { limits: { max: 10 }, secret: 's3cret' } },
  domain_ctx: {
    items: [
      { name: 'a', price: 1, tags: ['x'] },
      { name: 'b', price: 2, tags: ['y'] },
    ],
    total_value: 3,
    orders: { o1: { status: 'new', lines: [{ qty: 1 }] } } as Record<string, { status: string; lines: { qty: number }[] }>,
  },
});

async function run(contract: Contract, body: (ctx: any) => unknown, strictMode = true) {
  const engine = await TheusEngine.create(newContext(), { strictMode });
  const proc = process({ ...contract, name: 'proc' }, body);
  const outcome = await engine.execute(proc).then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { engine, ...outcome };
}

async function violation(contract: Contract, body: (ctx: any) => unknown): Promise<ContractViolationError> {
  const { error, engine } = await run(contract, body);
  expect(error).toBeInstanceOf(ContractViolationError);
  expect(engine.version).toBe(0);
  return error as ContractViolationError;
}

describe('guard: reads', () => {
  it('refuses undeclared reads at depth 1', async () => {
    const error = await violation({ inputs: ['domain_ctx.items'] }, (ctx) => ctx.domain_ctx.total_value);
    expect(error.message).toBe("process 'proc' read the undeclared path 'domain_ctx.total_value'");
    expect(error).toMatchObject({ process: 'proc', path: 'domain_ctx.total_value' });
  });

  it('refuses undeclared layers, with a hint for aliases', async () => {
    expect((await violation({ inputs: ['domain_ctx.items'] }, (ctx) => ctx.global_ctx)).message).toBe(
      "process 'proc' read the undeclared path 'global_ctx'",
    );
    expect((await violation({ inputs: ['domain_ctx.items'] }, (ctx) => ctx.domain)).message).toBe(
      "process 'proc' read 'domain': the context names it domain_ctx, at 'domain'",
    );
  });

  it('refuses undeclared reads at depth 3 and inside arrays', async () => {
    expect((await violation({ inputs: ['global_ctx.config.limits.max'] }, (ctx) => ctx.global_ctx.config.secret)).path).toBe(
      'global_ctx.config.secret',
    );
    expect((await violation({ inputs: ['domain_ctx.items[0].price'] }, (ctx) => ctx.domain_ctx.items[1].price)).path).toBe(
      'domain_ctx.items[1]',
    );
    expect((await violation({ inputs: ['domain_ctx.items[0].price'] }, (ctx) => ctx.domain_ctx.items[0].name)).path).toBe(
      'domain_ctx.items[0].name',
    );
    expect((await violation({ inputs: ['domain_ctx.orders.o1.status'] }, (ctx) => ctx.domain_ctx.orders.o1.lines)).path).toBe(
      'domain_ctx.orders.o1.lines',
    );
  });

  it('allows everything beneath a declared input, at native speed: the frozen snapshot itself', async () => {
    const { engine, value } = await run({ inputs: ['domain_ctx.items'] }, (ctx) => ctx.domain_ctx.items);
    expect(value).toBe(engine.state.domain_ctx.items);
    expect(Object.isFrozen(value)).toBe(true);
    const deep = await run({ inputs: ['global_ctx.config.limits.max'] }, (ctx) => ctx.global_ctx.config.limits.max);
    expect(deep.value).toBe(10);
  });

  it('reads through prefixes: keys, `in`, Object.keys and array length show only what is declared', async () => {
    const { value } = await run({ inputs: ['domain_ctx.items[0].price', 'domain_ctx.total_value'] }, (ctx) => ({
      keys: Object.keys(ctx.domain_ctx),
      has: 'total_value' in ctx.domain_ctx,
      length: ctx.domain_ctx.items.length,
      price: ctx.domain_ctx.items[0].price,
      isArray: Array.isArray(ctx.domain_ctx.items),
    }));
    expect(value).toEqual({ keys: ['items', 'total_value'], has: true, length: 2, price: 1, isArray: true });
    const error = await violation({ inputs: ['domain_ctx.items'] }, (ctx) => 'total_value' in ctx.domain_ctx);
    expect(error.message).toBe("a process tested the undeclared key 'total_value' with 'in'; declare the path in its contract");
  });

  it('refuses forbidden keys on guarded objects', async () => {
    for (const key of ['__proto__', 'prototype']) {
      const error = await violation({ inputs: ['domain_ctx.items[0].price'] }, (ctx) => ctx.domain_ctx[key]);
      expect(error.message).toBe(`process 'proc' read the forbidden key at 'domain_ctx.${key}'`);
    }
    await violation({ outputs: ['domain_ctx.total_value'] }, (ctx) => {
      ctx.domain_ctx['__proto__'] = { polluted: true };
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('guard: writes', () => {
  it('allows writes beneath an output, on a copy-on-write draft', async () => {
    const { engine } = await run({ outputs: ['domain_ctx.orders.o1.status'] }, (ctx) => {
      ctx.domain_ctx.orders.o1.status = 'paid';
    });
    expect(engine.state.domain_ctx.orders.o1).toEqual({ status: 'paid', lines: [{ qty: 1 }] });
    expect(engine.version).toBe(1);
  });

  it('refuses writes outside the outputs, even to readable paths', async () => {
    const error = await violation({ inputs: ['domain_ctx'], outputs: ['domain_ctx.total_value'] }, (ctx) => {
      ctx.domain_ctx.items = [];
    });
    expect(error.message).toBe("process 'proc' wrote 'domain_ctx.items'");
    const deleted = await violation({ inputs: ['domain_ctx'], outputs: ['domain_ctx.total_value'] }, (ctx) => {
      delete ctx.domain_ctx.orders;
    });
    expect(deleted.message).toBe("process 'proc' deleted 'domain_ctx.orders'");
  });

  it('reports a write beneath an input as ContractViolationError, with the TypeError as cause', async () => {
    const error = await violation({ inputs: ['domain_ctx.items'] }, (ctx) => {
      ctx.domain_ctx.items[0].price = 99;
    });
    expect(error.message).toMatch(/^process 'proc' wrote to data it may only read \(a declared input, not an output\): /);
    expect(error.cause).toBeInstanceOf(TypeError);
    const pushed = await violation({ inputs: ['domain_ctx.items'] }, (ctx) => ctx.domain_ctx.items.push({}));
    expect(pushed.cause).toBeInstanceOf(TypeError);
  });

  it('lets a process read what it wrote, and mix inputs with deeper outputs', async () => {
    const { value, engine } = await run(
      { inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items[0].price'] },
      (ctx) => {
        ctx.domain_ctx.items[0].price = 10;
        return [ctx.domain_ctx.items[0].price, ctx.domain_ctx.items[1].price, ctx.domain_ctx.items.length];
      },
    );
    expect(value).toEqual([10, 2, 2]);
    expect(engine.state.domain_ctx.items.map((i) => i.price)).toEqual([10, 2]);
  });

  it('deletes a declared output key, and can assign it again', async () => {
    const deleted = await run({ outputs: ['domain_ctx.total_value'] }, (ctx) => {
      delete ctx.domain_ctx.total_value;
      return ['total_value' in ctx.domain_ctx, ctx.domain_ctx.total_value];
    });
    expect(deleted.value).toEqual([false, undefined]);
    expect('total_value' in deleted.engine.state.domain_ctx).toBe(false);
    const again = await run({ outputs: ['domain_ctx.total_value'] }, (ctx) => {
      delete ctx.domain_ctx.total_value;
      ctx.domain_ctx.total_value = 9;
      return ctx.domain_ctx.total_value;
    });
    expect(again.value).toBe(9);
    expect(again.engine.state.domain_ctx.total_value).toBe(9);
  });

  it('refuses properties defined on a guard object behind its back', async () => {
    const error = await violation({ outputs: ['domain_ctx.total_value'] }, (ctx) => {
      Object.defineProperty(ctx.domain_ctx, 'extra', { value: 1, enumerable: true });
    });
    expect(error.message).toBe("process 'proc' defined 'domain_ctx.extra'");
  });

  it('keeps instanceof for a layer that is a class instance', async () => {
    class Domain {
      total = 0;
    }
    const engine = await TheusEngine.create({ domain_ctx: new Domain() });
    const check = process({ outputs: ['domain_ctx.total'] }, function check_class(ctx) {
      return ctx.domain_ctx instanceof Domain;
    });
    await expect(engine.execute(check)).resolves.toBe(true);
  });

  it('never stores a guard proxy in state', async () => {
    const { engine } = await run({ inputs: ['domain_ctx.orders'], outputs: ['domain_ctx.orders.o2'] }, (ctx) => {
      ctx.domain_ctx.orders.o2 = ctx.domain_ctx.orders.o1;
    });
    expect(engine.state.domain_ctx.orders.o2).toBe(engine.state.domain_ctx.orders.o1);
  });
});

describe('non-strict mode', () => {
  it('allows every read and write, and still commits atomically', async () => {
    const { engine, value } = await run(
      { inputs: [] },
      (ctx) => {
        ctx.domain_ctx.total_value = 100;
        ctx.global_ctx.config.secret = 'changed';
        return ctx.domain_ctx.items.length;
      },
      false,
    );
    expect(value).toBe(2);
    expect(engine.state.domain_ctx.total_value).toBe(100);
    expect(engine.state.global_ctx.config.secret).toBe('changed');
  });

  it('rolls back a process that throws', async () => {
    const { engine, error } = await run(
      {},
      (ctx) => {
        ctx.domain_ctx.total_value = 100;
        throw new Error('stop');
      },
      false,
    );
    expect((error as Error).message).toBe('stop');
    expect(engine.state.domain_ctx.total_value).toBe(3);
  });
});
