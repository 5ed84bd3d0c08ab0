import { describe, expect, it } from 'vitest';
import { main, WarehouseDomain } from '../examples/warehouse.ts';

describe('examples/warehouse.ts', () => {
  it('runs as the tutorial reads', async () => {
    const lines: string[] = [];
    const { engine, sysCtx } = await main((line) => lines.push(line));
    expect(lines).toEqual([
      'Added',
      'Added',
      'items: [{"name":"Laptop","price":1500},{"name":"Mouse","price":25}]',
      'total_value: 1525, version: 2',
      'rolled back: price of Refund cannot be negative; items still 2, version 2',
      'signal domain_ctx.sig_restock_needed = true at version 4',
      'sig_restock_needed: true, total_value: 1900',
    ]);
    expect(sysCtx.domain_ctx).toBeInstanceOf(WarehouseDomain);
    expect(engine.audit.getLogs().map((r) => r.outcome)).toEqual(['success', 'success', 'failure', 'success', 'success']);
  });
});
