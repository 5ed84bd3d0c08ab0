// The Theus tutorial's warehouse, as it reads, in TypeScript.
//
// Run: npm start
import { process, TheusEngine } from 'theus';
import { startedDirectly } from './started-directly.ts';

interface Product {
  name: string;
  price: number;
}

export class WarehouseConfig {
  max_capacity = 5;
}

export class WarehouseDomain {
  items: Product[] = [];
  total_value = 0;
  sig_restock_needed = false;
}

export const addProduct = process(
  {
    inputs: ['global_ctx.max_capacity', 'domain_ctx.items'],
    outputs: ['domain_ctx.items', 'domain_ctx.total_value', 'domain_ctx.sig_restock_needed'],
    errors: ['Error'],
  },
  function add_product(ctx, { product_name, price }: { product_name: string; price: number }) {
    if (price < 0) throw new Error(`price of ${product_name} cannot be negative`);
    const { items } = ctx.domain_ctx;
    if (items.length >= ctx.global_ctx.max_capacity) throw new Error('the warehouse is full');
    items.push({ name: product_name, price });
    ctx.domain_ctx.total_value += price;
    ctx.domain_ctx.sig_restock_needed = items.length >= ctx.global_ctx.max_capacity - 1;
    return 'Added';
  },
);

export async function main(log: (line: string) => void = console.log) {
  const sysCtx = { global_ctx: new WarehouseConfig(), domain_ctx: new WarehouseDomain() };
  const engine = await TheusEngine.create(sysCtx, { strictMode: true });
  engine.register(addProduct);
  const restock = engine.signals.subscribe();

  log(await engine.execute(addProduct, { product_name: 'Laptop', price: 1500 }));
  log(await engine.execute<string>('add_product', { product_name: 'Mouse', price: 25 }));
  log(`items: ${JSON.stringify(sysCtx.domain_ctx.items)}`);
  log(`total_value: ${sysCtx.domain_ctx.total_value}, version: ${engine.version}`);

  try {
    await engine.execute('add_product', { product_name: 'Refund', price: -10 });
  } catch (error) {
    log(`rolled back: ${(error as Error).message}; items still ${sysCtx.domain_ctx.items.length}, version ${engine.version}`);
  }

  await engine.execute(addProduct, { product_name: 'Keyboard', price: 75 });
  await engine.execute(addProduct, { product_name: 'Monitor', price: 300 });
  const signal = await restock.next();
  log(`signal ${signal.value.topic} = ${signal.value.value} at version ${signal.value.version}`);
  log(`sig_restock_needed: ${sysCtx.domain_ctx.sig_restock_needed}, total_value: ${sysCtx.domain_ctx.total_value}`);
  restock.close();
  return { engine, sysCtx };
}

// Run when started directly (`npm start`), not when imported by the test.
if (startedDirectly(import.meta)) await main();
