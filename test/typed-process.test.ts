// Typed processes. What must not compile is in functions that never run:
// `tsc -p tsconfig.json` (in npm test) and `deno test` check each
// `@ts-expect-error` line, and fail if the line compiles after all.
import { describe, expect, it } from 'vitest';
import { init, process, processFor, StateUpdate, TheusEngine, type ContextPath, type PathWrites } from 'theus';

await init();

interface Item {
  name: string;
  price: number;
  tags?: string[];
}
interface Shop {
  global_ctx: { max_items: number };
  domain_ctx: {
    items: Item[];
    total_value: number;
    sig_restock?: boolean;
    /** Keys only known at run time: paths beneath are not checked. */
    prices: Record<string, number>;
    flags: { 'feature flags': boolean };
    by_sku: Map<string, Item>;
  };
}

const shop = (): Shop => ({
  global_ctx: { max_items: 2 },
  domain_ctx: { items: [], total_value: 0, prices: {}, flags: { 'feature flags': true }, by_sku: new Map() },
});

const typed = processFor<Shop>();

const addProduct = typed(
  { inputs: ['domain_ctx.items', 'global.max_items'], outputs: ['domain_ctx.items', 'domain.total_value', 'domain_ctx.sig_restock'] },
  function add_product(ctx, { name, price }: { name: string; price: number }) {
    if (ctx.domain_ctx.items.length >= ctx.global_ctx.max_items) ctx.domain_ctx.sig_restock = true;
    ctx.domain_ctx.items.push({ name, price });
    ctx.domain_ctx.total_value += price;
    return ctx.domain_ctx.items.length;
  },
);

const reprice = typed(
  { inputs: ["domain_ctx.flags['feature flags']"], outputs: ['domain_ctx.items[0].price', 'domain_ctx.prices.anything'] },
  function reprice(ctx, args?: { by: number }) {
    if (ctx.domain_ctx.flags['feature flags']) ctx.domain_ctx.items[0].price += args?.by ?? 1;
  },
);

const countItems = typed({ inputs: ['domain_ctx.items'] }, function count_items(ctx) {
  return ctx.domain_ctx.items.length;
});

describe('typed processes', () => {
  it('run as any process does, with the result typed from the function', async () => {
    const engine = await TheusEngine.create(shop());
    const count: number = await engine.execute(addProduct, { name: 'Laptop', price: 1500 });
    expect(count).toBe(1);
    await engine.execute(reprice);
    await engine.execute(reprice, { by: 10 });
    const counted: number = await engine.execute(countItems);
    expect(counted).toBe(1);
    expect(engine.state.domain_ctx.items).toEqual([{ name: 'Laptop', price: 1511 }]);
    // The paths reach the core as written, aliases included.
    expect(engine.contractOf('add_product')!.outputs.map((p) => p.path)).toEqual(['domain_ctx.items', 'domain_ctx.total_value', 'domain_ctx.sig_restock']);
    // By name, the result is what the caller says it is.
    const byName = await engine.execute<number>('count_items');
    expect(byName).toBe(1);
  });

  it('write typed StateUpdates and compareAndSwaps', async () => {
    const engine = await TheusEngine.create(shop());
    const restock = typed({ outputs: ['domain_ctx.total_value', 'domain_ctx.sig_restock'] }, function restock() {
      return new StateUpdate<Shop>({ data: { 'domain_ctx.total_value': 7 }, signal: { 'domain_ctx.sig_restock': true } });
    });
    await engine.execute(restock);
    const version = await engine.compareAndSwap(engine.version, { data: { 'domain.total_value': 8, 'domain_ctx.prices.x': 3, 'domain_ctx.items': [] } });
    expect(version).toBe(2);
    expect(engine.state.domain_ctx).toMatchObject({ total_value: 8, prices: { x: 3 }, sig_restock: true });
  });
});

// Compile-time checks only: never called.
export async function doesNotCompile(engine: TheusEngine<Shop>): Promise<void> {
  // @ts-expect-error a misspelt input
  typed({ inputs: ['domain_ctx.itemz'] }, function misspelt() {});
  // @ts-expect-error a misspelt key beneath an array index
  typed({ outputs: ['domain_ctx.items[0].prize'] }, function misspelt() {});
  // @ts-expect-error not a layer
  typed({ inputs: ['domian.items'] }, function misspelt() {});
  // @ts-expect-error a key that needs brackets, written with a dot
  typed({ inputs: ['domain_ctx.flags.feature flags'] }, function misspelt() {});
  typed({ inputs: ['domain_ctx.items'] }, function body(ctx) {
    // @ts-expect-error ctx is typed from the context
    return ctx.domain_ctx.itemz;
  });
  // @ts-expect-error a price as text ("01500" once committed)
  await engine.execute(addProduct, { name: 'Laptop', price: '1500' });
  // @ts-expect-error a misspelt argument
  await engine.execute(addProduct, { nme: 'Laptop', price: 1500 });
  // @ts-expect-error no args for a process that needs them
  await engine.execute(addProduct);
  // @ts-expect-error a misspelt compareAndSwap key
  await engine.compareAndSwap(0, { data: { 'domain_ctx.total_valu': 1 } });
  // @ts-expect-error a value of the wrong type
  await engine.compareAndSwap(0, { data: { 'domain_ctx.total_value': 'one' } });
  // @ts-expect-error a misspelt StateUpdate key
  new StateUpdate<Shop>({ data: { 'domain.itemz': [] } });
  // @ts-expect-error a process's result is typed: count_items returns a number
  const text: string = await engine.execute(countItems);
  void text;
}

// What stays open: an untyped engine, plain processes, and the path types themselves.
export async function compiles(engine: TheusEngine): Promise<void> {
  const plain = process({ inputs: ['domain_ctx.anything[3].at_all'] }, function plain(ctx, args: { n: number }) {
    return ctx.domain_ctx.whatever + args.n;
  });
  await engine.execute(plain, { n: 1 });
  await engine.compareAndSwap(0, { data: { 'domain_ctx.any.path': 1 } });
  const paths: ContextPath<Shop>[] = ['global_ctx', 'domain.items[12].tags', 'domain_ctx.items[0].tags[1]', 'domain_ctx.by_sku', 'local_ctx' as never];
  const writes: PathWrites<Shop> = { 'domain_ctx.items[0].name': 'x', 'domain.prices.y': 2 };
  void [paths, writes];
}
