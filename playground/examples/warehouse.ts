// The origin's tutorial, chapter 4 ("TheusEngine: operating the machine"),
// as it reads: the warehouse context, add_product run by name with args,
// and a pure process that may read but never write.
import type { Project } from '../project.ts';

/** The tutorial's warehouse (chapter 4): add products, read the stats, see a pure process refuse a write. */
export const warehouse: Project = {
  title: 'Tutorial: the warehouse (chapter 4)',
  context: `{
  "global_ctx": { "max_capacity": 500 },
  "domain_ctx": { "items": [], "total_value": 0, "sig_restock_needed": false }
}
`,
  processes: `// Chapter 4 of the Theus tutorial. Run
// add_product with Iphone, 1000, then with
// Galaxy, 900: each run is a transaction on
// a snapshot, checked against its contract,
// audited, then committed (see the commit
// log and the audit timeline).
import { process } from 'theus';

export const add_product = process(
  {
    name: 'add_product',
    inputs: ['domain.items'],
    outputs: ['domain.items', 'domain.total_value'],
  },
  (ctx, { product_name, price }: { product_name: string; price: number }) => {
    ctx.domain_ctx.items.push({ name: product_name, price });
    ctx.domain_ctx.total_value += price;
    return 'Added';
  },
);

// A pure process: a calculation that may
// read its inputs and never write.
export const calculate_stats = process(
  { name: 'calculate_stats', inputs: ['domain.items'], semantic: 'pure' },
  (ctx) => {
    const items = ctx.domain_ctx.items;
    // items.push('New User') here is
    // refused: a pure process cannot write.
    const total = items.reduce((sum, item) => sum + item.price, 0);
    return { count: items.length, average: items.length ? total / items.length : 0 };
  },
);

// The exercise: add_product does not touch
// sig_restock_needed, so it stays false.
// This one sets it, and the signals view
// shows it.
export const check_restock = process(
  {
    name: 'check_restock',
    inputs: ['global.max_capacity', 'domain.items'],
    outputs: ['domain.sig_restock_needed'],
  },
  (ctx, { reserve }: { reserve: number }) => {
    const free = ctx.global_ctx.max_capacity - ctx.domain_ctx.items.length;
    ctx.domain_ctx.sig_restock_needed = free < reserve;
    return ctx.domain_ctx.sig_restock_needed;
  },
);
`,
  workflow: '',
  recipe: '',
  // The tutorial's engine: TheusEngine(sys_ctx, strict_guards=True).
  options: { strictMode: true },
};
