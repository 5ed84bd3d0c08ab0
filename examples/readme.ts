// The README's first example, as a file: scripts/check-bundles.mjs builds it
// for production (vite build, esbuild --minify) and runs it in Chromium, so
// what the README shows works after minification.
import { process, TheusEngine } from 'theus';
import { startedDirectly } from './started-directly.ts';

export const addProduct = process(
  {
    name: 'add_product', // names of functions do not survive minification; this one does
    inputs: ['domain_ctx.items'],
    outputs: ['domain_ctx.items', 'domain_ctx.total_value', 'domain_ctx.sig_restock_needed'],
  },
  function add_product(ctx, { product_name, price }: { product_name: string; price: number }) {
    ctx.domain_ctx.items.push({ name: product_name, price });
    ctx.domain_ctx.total_value += price;
    ctx.domain_ctx.sig_restock_needed = ctx.domain_ctx.items.length > 3;
    return 'Added';
  },
);

export async function main(): Promise<string> {
  const sysCtx = { global_ctx: { max_capacity: 10 }, domain_ctx: { items: [] as { name: string; price: number }[], total_value: 0, sig_restock_needed: false } };
  const engine = await TheusEngine.create(sysCtx); // loads the wasm (init) itself
  engine.register(addProduct); // the core validates the contract
  await engine.execute(addProduct, { product_name: 'Laptop', price: 1500 });
  await engine.execute('add_product', { product_name: 'Mouse', price: 25 });
  return `${sysCtx.domain_ctx.items.map((i) => i.name).join(',')} ${sysCtx.domain_ctx.total_value} v${engine.version}`;
}

if (startedDirectly(import.meta)) console.log(await main());
