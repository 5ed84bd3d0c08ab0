import { describe, expect, it } from 'vitest';
import { main } from '../examples/contracts.ts';

describe('examples/contracts.ts', () => {
  it('registers the warehouse processes and shows the refused contract', async () => {
    const lines: string[] = [];
    const engine = await main((line) => lines.push(line));
    expect(lines).toEqual([
      'add_product [effect]  reads: domain_ctx.items (DATA)  writes: domain_ctx.items (DATA), domain_ctx.total_value (DATA), domain_ctx.sig_restock_needed (SIGNAL)',
      'check_capacity [pure]  reads: global_ctx.max_capacity (DATA), domain_ctx.items (DATA)  writes: -',
      "refused: contract of 'peek_signal': input 'domain_ctx.sig_restock_needed' is in the SIGNAL zone, which is not a business input in strict mode; read signals in a workflow condition, or use strictMode: false",
    ]);
    expect(engine.contractOf('peek_signal')).toBeUndefined();
  });
});
