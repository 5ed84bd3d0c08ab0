import { describe, expect, it } from 'vitest';
import { init, process, ProcessNotFoundError, TheusEngine, TheusError } from 'theus';

await init();

interface Item {
  name: string;
  price: number;
}
const newContext = () => ({ global_ctx: { max_capacity: 10 }, domain_ctx: { items: [] as Item[], total_value: 0 } });

const addProduct = () =>
  process(
    { inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items', 'domain_ctx.total_value'] },
    function add_product(ctx, { product_name, price }: { product_name: string; price: number }) {
      ctx.domain_ctx.items.push({ name: product_name, price });
      ctx.domain_ctx.total_value += price;
      return 'Added';
    },
  );

describe('execute()', () => {
  it('runs a process by function and by name, resolving to its return value', async () => {
    const sysCtx = newContext();
    const engine = await TheusEngine.create(sysCtx);
    const add = addProduct();
    engine.register(add);
    await expect(engine.execute(add, { product_name: 'Laptop', price: 1500 })).resolves.toBe('Added');
    await expect(engine.execute('add_product', { product_name: 'Mouse', price: 25 })).resolves.toBe('Added');
    expect(engine.state.domain_ctx).toEqual({ items: [{ name: 'Laptop', price: 1500 }, { name: 'Mouse', price: 25 }], total_value: 1525 });
  });

  it("shows committed state on the user's own context object", async () => {
    const sysCtx = newContext();
    const before = sysCtx.domain_ctx;
    const engine = await TheusEngine.create(sysCtx);
    await engine.execute(addProduct(), { product_name: 'Laptop', price: 1500 });
    expect(sysCtx.domain_ctx.items).toEqual([{ name: 'Laptop', price: 1500 }]);
    expect(sysCtx.domain_ctx).not.toBe(before);
    expect(before.items).toEqual([]);
    expect(sysCtx.global_ctx).toBe(engine.state.global_ctx);
  });

  it('adds exactly one version per committed transaction, read-only ones included', async () => {
    const engine = await TheusEngine.create(newContext());
    expect(engine.version).toBe(0);
    await engine.execute(addProduct(), { product_name: 'a', price: 1 });
    const count = process({ semantic: 'pure', inputs: ['domain_ctx.items'] }, function count_items(ctx) {
      return ctx.domain_ctx.items.length;
    });
    await expect(engine.execute(count)).resolves.toBe(1);
    expect(engine.version).toBe(2);
  });

  it('runs async processes, and registers an unregistered function on first use', async () => {
    const engine = await TheusEngine.create(newContext());
    // A binding named like the function would make esbuild rename the function.
    const addLater = process({ outputs: ['domain_ctx.total_value'] }, async function later(ctx, { by }: { by: number }) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      ctx.domain_ctx.total_value += by;
      return ctx.domain_ctx.total_value;
    });
    await expect(engine.execute(addLater, { by: 3 })).resolves.toBe(3);
    expect(engine.contractOf('later')).toBeDefined();
  });

  it('passes the args object as given, {} by default', async () => {
    const engine = await TheusEngine.create(newContext());
    const echoArgs = process({}, function echo(_ctx, args: object) {
      return args;
    });
    const args = { a: 1 };
    await expect(engine.execute(echoArgs, args)).resolves.toBe(args);
    // @ts-expect-error echo's type asks for args; at run time they default to {}
    await expect(engine.execute(echoArgs)).resolves.toEqual({});
  });

  it('freezes committed data in strict mode, and only there', async () => {
    const strict = await TheusEngine.create(newContext());
    await strict.execute(addProduct(), { product_name: 'a', price: 1 });
    expect(Object.isFrozen(strict.state.domain_ctx.items)).toBe(true);
    expect(Object.isFrozen(strict.state.domain_ctx.items[0])).toBe(true);
    expect(() => {
      (strict.state.domain_ctx.items as Item[]).push({ name: 'x', price: 0 });
    }).toThrow(TypeError);

    const lax = await TheusEngine.create(newContext(), { strictMode: false });
    await lax.execute(addProduct(), { product_name: 'a', price: 1 });
    expect(Object.isFrozen(lax.state.domain_ctx.items)).toBe(false);
  });

  it('rejects an unknown process name with ProcessNotFoundError naming the registered ones', async () => {
    const engine = await TheusEngine.create(newContext());
    await expect(engine.execute('nope')).rejects.toThrow(ProcessNotFoundError);
    await expect(engine.execute('nope')).rejects.toThrow("process 'nope' is not registered; none is registered yet");
    engine.register(addProduct());
    await expect(engine.execute('add_prodcut')).rejects.toThrow("process 'add_prodcut' is not registered; registered: add_product");
    // A name taken from a function is pointed out: minifiers rename functions.
    await expect(engine.execute('add_prodcut')).rejects.toThrow(/add_product took their names from their functions, which minifiers rename: give each process contract.name/);
    expect(engine.version).toBe(0);
  });

  it('rejects a transaction whose engine was disposed while it awaited, with a TheusError', async () => {
    const engine = await TheusEngine.create(newContext());
    const slow = process({ outputs: ['domain_ctx.total_value'] }, async function slow(ctx) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ctx.domain_ctx.total_value = 1;
    });
    const pending = engine.execute(slow);
    engine.dispose();
    await expect(pending).rejects.toThrow(new TheusError('execute(): this engine has been disposed'));
  });

  it('refuses to run after dispose', async () => {
    const engine = await TheusEngine.create(newContext());
    engine.dispose();
    await expect(engine.execute(addProduct(), { product_name: 'a', price: 1 })).rejects.toThrow(/disposed/);
  });

  it('keeps class instances and their prototypes through a commit', async () => {
    class Cart {
      lines: number[] = [];
      get size() {
        return this.lines.length;
      }
    }
    const sysCtx = { domain_ctx: { cart: new Cart() } };
    const engine = await TheusEngine.create(sysCtx);
    const addLine = process({ outputs: ['domain_ctx.cart'] }, function add_line(ctx) {
      ctx.domain_ctx.cart.lines.push(7);
      return ctx.domain_ctx.cart.size;
    });
    await expect(engine.execute(addLine)).resolves.toBe(1);
    expect(sysCtx.domain_ctx.cart).toBeInstanceOf(Cart);
    expect(sysCtx.domain_ctx.cart.size).toBe(1);
  });

  it('announces commits in version order when a commit listener executes a process', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const inc = process({ name: 'inc', outputs: ['domain_ctx.n'] }, (ctx) => {
      ctx.domain_ctx.n += 1;
    });
    const heard: string[] = [];
    const pending: Promise<unknown>[] = [];
    engine.subscribe((event) => {
      heard.push(`first ${event.version}`);
      if (event.version === 1) pending.push(engine.execute(inc));
    });
    engine.subscribe((event) => void heard.push(`second ${event.version}`));
    await engine.execute(inc);
    await Promise.all(pending);
    expect(heard).toEqual(['first 1', 'second 1', 'first 2', 'second 2']);
    expect(engine.state.domain_ctx.n).toBe(2);
  });

  it('settles a failed synchronous process as a rejection, never a throw from execute()', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const boom = process({ name: 'boom', outputs: ['domain_ctx.n'] }, (ctx) => {
      ctx.domain_ctx.n = 5;
      throw new RangeError('no');
    });
    let pending: Promise<unknown> | undefined;
    // A block, not an expression: a test runner may await a returned promise.
    expect(() => {
      pending = engine.execute(boom);
    }).not.toThrow();
    await expect(pending).rejects.toThrow(RangeError);
    expect(engine.state.domain_ctx.n).toBe(0);
    expect(engine.version).toBe(0);
  });
  it('commits a synchronous process before execute() returns on a local engine; a worker-mode engine shows it once resolved', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    const inc = process({ name: 'inc', outputs: ['domain_ctx.n'] }, (ctx) => {
      ctx.domain_ctx.n += 1;
    });
    const pending = engine.execute(inc);
    // Local: already committed. Worker mode: the authority answers later.
    expect(engine.state.domain_ctx.n).toBe(engine.remote ? 0 : 1);
    await pending;
    expect(engine.state.domain_ctx.n).toBe(1);
    expect(engine.version).toBe(1);
    engine.dispose();
  });
});
