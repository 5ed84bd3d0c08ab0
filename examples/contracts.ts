// Declares the warehouse processes of the Theus tutorial and registers them:
// the Rust core compiles each contract (canonical paths, zones) and refuses a
// bad one with a message naming the process and the path.
//
// Run: npm run example
import { ContractViolationError, process, TheusEngine } from 'theus';
import { startedDirectly } from './started-directly.ts';

export const addProduct = process(
  { inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items', 'domain_ctx.total_value', 'domain_ctx.sig_restock_needed'] },
  function add_product(ctx, { product_name, price }: { product_name: string; price: number }) {
    ctx.domain_ctx.items.push({ name: product_name, price });
    ctx.domain_ctx.total_value += price;
    return 'Added';
  },
);

export const checkCapacity = process(
  { semantic: 'pure', inputs: ['global.max_capacity', 'domain.items'] },
  function check_capacity(ctx) {
    return ctx.domain_ctx.items.length < ctx.global_ctx.max_capacity;
  },
);

export async function main(log: (line: string) => void = console.log): Promise<TheusEngine> {
  const sysCtx = { global_ctx: { max_capacity: 10 }, domain_ctx: { items: [], total_value: 0, sig_restock_needed: false } };
  const engine = await TheusEngine.create(sysCtx);
  engine.register(addProduct, checkCapacity);
  for (const name of ['add_product', 'check_capacity']) {
    const contract = engine.contractOf(name)!;
    const paths = (list: typeof contract.inputs) => list.map((p) => `${p.path} (${p.zone})`).join(', ') || '-';
    log(`${name} [${contract.semantic}]  reads: ${paths(contract.inputs)}  writes: ${paths(contract.outputs)}`);
  }
  try {
    engine.register(process({ inputs: ['domain_ctx.sig_restock_needed'] }, function peek_signal() {}));
  } catch (error) {
    if (!(error instanceof ContractViolationError)) throw error;
    log(`refused: ${error.message}`);
  }
  return engine;
}

// Run when started directly (`deno run`), not when imported by the test.
if (startedDirectly(import.meta)) await main();
