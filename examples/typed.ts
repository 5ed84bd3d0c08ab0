// The README's typed processes and undo, as a file that npm test type-checks
// (tsc, deno) and runs under Node, Deno and Bun (scripts/check-examples.sh).
import { processFor, StateUpdate, TheusEngine } from 'theus';
import { startedDirectly } from './started-directly.ts';

type Shop = { domain_ctx: { items: { name: string; price: number }[]; total_value: number } };
const process = processFor<Shop>();

export const addProduct = process(
  {
    name: 'add_product',
    inputs: ['domain_ctx.items'],
    outputs: ['domain_ctx.items', 'domain_ctx.total_value'], // 'domain_ctx.itemz' does not compile
  },
  function add_product(ctx, { name, price }: { name: string; price: number }) {
    ctx.domain_ctx.items.push({ name, price }); // ctx is a Shop
    ctx.domain_ctx.total_value += price;
    return ctx.domain_ctx.items.length;
  },
);

export async function main(): Promise<string> {
  const engine = await TheusEngine.create<Shop>({ domain_ctx: { items: [], total_value: 0 } });
  const count: number = await engine.execute(addProduct, { name: 'Laptop', price: 1500 });
  // engine.execute(addProduct, { name: 'Laptop', price: '1500' }) does not compile; nor { nme: ... }, nor no args
  await engine.compareAndSwap(engine.version, { data: { 'domain_ctx.total_value': 1500 } }); // keys and values checked
  void new StateUpdate<Shop>({ data: { 'domain.total_value': 1 } }); // likewise

  await engine.execute(addProduct, { name: 'Mouse', price: 25 });
  const before = engine.canUndo;
  await engine.undo(); // a new commit of the inverse patches: the mouse is gone
  const undone = engine.state.domain_ctx.items.map((i) => i.name).join(',');
  await engine.redo(); // a new commit that puts it back
  const redone = engine.state.domain_ctx.items.map((i) => i.name).join(',');
  return `count ${count}, canUndo ${before}, undone ${undone}, redone ${redone}, v${engine.version}`;
}

if (startedDirectly(import.meta)) console.log(await main());
