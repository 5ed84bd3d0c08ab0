import { describe, expect, it } from 'vitest';
import { ContractViolationError, init, process, TheusEngine, TheusError } from 'theus';
import { thrown } from './support/thrown.ts';

await init();

const reader = (name: string) => process({ inputs: ['domain.items'], name }, () => {});

describe('TheusEngine construction', () => {
  it('keeps the user\'s own context object', async () => {
    const sysCtx = { global_ctx: { max: 1 }, domain_ctx: { items: [] } };
    const engine = await TheusEngine.create(sysCtx);
    expect(engine.context).toBe(sysCtx);
  });

  it('refuses a context that is not an object', () => {
    expect(() => new TheusEngine(null as never)).toThrow(
      new TypeError('TheusEngine: the context must be an object with layers such as { global_ctx, domain_ctx }, got null'),
    );
    expect(() => new TheusEngine('ctx' as never)).toThrow(/got string/);
  });

  it('refuses context keys that are not layers, with a hint', () => {
    expect(() => new TheusEngine({ domain_ctx: {}, cache: {} } as never)).toThrow(
      new TypeError("context key 'cache' is not a layer: a context holds only the layers global_ctx, domain_ctx, local_ctx (or the aliases global, domain, local)"),
    );
    expect(() => new TheusEngine({ domain: {} } as never)).toThrow(
      new TypeError("context key 'domain' is not a layer: name the layer 'domain_ctx' ('domain' is an alias for contracts only)"),
    );
  });

});

describe('the context object', () => {
  it('must be writable: a frozen one, or one with a read-only layer, is refused at create', async () => {
    await expect(TheusEngine.create(Object.freeze({ domain_ctx: { n: 0 } }))).rejects.toThrow(
      new TypeError('TheusEngine: the context object is frozen; the engine replaces its layers after each commit, so pass a writable object'),
    );
    const readOnly = Object.defineProperty({}, 'domain_ctx', { value: { n: 0 }, enumerable: true, writable: false });
    await expect(TheusEngine.create(readOnly)).rejects.toThrow(/has a read-only layer 'domain_ctx'/);
  });

  it('made read-only later: the commit is refused whole, nothing moves', async () => {
    const sysCtx = { domain_ctx: { n: 0 } };
    const engine = await TheusEngine.create(sysCtx);
    const events: unknown[] = [];
    engine.subscribe((event) => events.push(event));
    const bump = process({ outputs: ['domain_ctx.n'], name: 'bump' }, (ctx) => void (ctx.domain_ctx.n += 1));
    Object.freeze(sysCtx);
    const error = await engine.execute(bump).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TheusError);
    expect((error as Error).message).toBe("execute(): the context object's layer 'domain_ctx' is read-only, so this commit could not be shown on it; nothing was committed");
    expect(engine.version).toBe(0);
    expect(engine.history).toEqual([]);
    expect(events).toEqual([]);
    expect(engine.state.domain_ctx).toEqual({ n: 0 });
    expect(engine.audit.getLogs().map((r) => r.outcome)).toEqual(['failure']);
  });
});

describe('register()', () => {
  it('registers several processes at once, under contract.name or the function name', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    const named = process({ name: 'custom_name', inputs: ['domain.a'] }, function ignored_name() {});
    const plain = process({ inputs: ['domain.b'] }, function plain_name() {});
    engine.register(named, plain);
    expect(engine.contractOf('custom_name')!.inputs[0].path).toBe('domain_ctx.a');
    expect(engine.contractOf('plain_name')!.inputs[0].path).toBe('domain_ctx.b');
    expect(engine.contractOf('ignored_name')).toBeUndefined();
  });

  it('is all or nothing: one bad contract registers none of its batch', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    const good = reader('good');
    const bad = process({ inputs: ['nowhere.x'] }, function bad_layer() {});
    expect(() => engine.register(good, bad)).toThrow(ContractViolationError);
    expect(engine.contractOf('good')).toBeUndefined();
    engine.register(good);
    expect(engine.contractOf('good')).toBeDefined();
  });

  it('ignores the same function registered twice', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    const proc = reader('twice');
    engine.register(proc, proc);
    engine.register(proc);
    expect(engine.contractOf('twice')).toBeDefined();
  });

  it('refuses a different function under a taken name, in one batch or across batches', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    engine.register(reader('taken'));
    const clash = () => engine.register(reader('taken'));
    expect(clash).toThrow(ContractViolationError);
    expect(clash).toThrow("register(): a different function is already registered as 'taken'; give one of them another name (contract.name)");
    expect(() => engine.register(reader('dup'), reader('dup'))).toThrow(/already registered as 'dup'/);
    expect(engine.contractOf('dup')).toBeUndefined();
  });

  it('refuses functions without a contract and non-functions', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    expect(() => engine.register((function bare() {}) as never)).toThrow(
      new ContractViolationError("register(): function 'bare' has no contract; declare it with process(contract, fn)"),
    );
    expect(() => engine.register(42 as never)).toThrow(/register\(\): number has no contract/);
  });

  it('needs a name', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    const anonymous = process({}, (() => () => {})());
    expect(anonymous.name).toBe('');
    expect(() => engine.register(anonymous)).toThrow(/a process needs a name: set contract.name \(a function's own name does not survive minification\)/);
  });

  it('reports the process and path on the error object', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    const error = thrown(() => engine.register(process({ outputs: ['domain.ok', 'domain.a..b'] }, function bad_path() {})));
    expect(error).toBeInstanceOf(TheusError);
    expect(error).toMatchObject({ name: 'ContractViolationError', process: 'bad_path', path: 'domain.a..b' });
    expect((error as Error).message).toMatch(/^contract of 'bad_path': outputs\[1\]: path 'domain\.a\.\.b'/);
  });
});

describe('dispose()', () => {
  it('frees the engine; later calls say it was disposed', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    engine.dispose();
    engine.dispose();
    expect(() => engine.register(reader('late'))).toThrow(new TheusError('register(): this engine has been disposed'));
  });

  it('rejects a call whose body never settles once disposed, committing nothing', async () => {
    const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
    let started = 0;
    let bothStarted!: () => void;
    const awaiting = new Promise<void>((resolve) => (bothStarted = resolve));
    const start = () => (started += 1) === 2 && bothStarted();
    const never = () => new Promise(() => {});
    const stuck = process({ name: 'stuck', outputs: ['domain_ctx.n'] }, async function stuck(ctx) {
      ctx.domain_ctx.n = 1;
      start();
      await never();
    });
    engine.register(stuck);
    const outcome = (call: Promise<unknown>) => call.then(() => 'resolved', (error: unknown) => error);
    const executed = outcome(engine.execute(stuck));
    const edited = outcome(
      engine.edit(async (ctx) => {
        ctx.domain_ctx.n = 2;
        start();
        await never();
      }),
    );
    await awaiting;
    engine.dispose();
    expect(await executed).toBeInstanceOf(TheusError);
    expect(((await executed) as Error).message).toBe('execute(): this engine has been disposed');
    expect(await edited).toBeInstanceOf(TheusError);
    expect(((await edited) as Error).message).toBe('edit(): this engine has been disposed');
    expect(engine.version).toBe(0);
    expect(engine.state.domain_ctx.n).toBe(0);
  });

  it('supports Symbol.dispose (the `using` declaration)', () => {
    const engine = new TheusEngine({ domain_ctx: {} });
    engine[Symbol.dispose]();
    expect(() => engine.register(reader('late'))).toThrow(/disposed/);
  });
});
