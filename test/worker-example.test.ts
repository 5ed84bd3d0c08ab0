import { describe, expect, it } from 'vitest';
import { itUnless, workerd } from './support/runtime.ts';
import { main } from '../examples/worker.ts';

const itHere = itUnless(it, workerd, 'workerd has no threads');

describe('examples/worker.ts', () => {
  itHere('runs the authority in a worker and a second replica beside it', async () => {
    const lines: string[] = [];
    await main((line) => lines.push(line));
    expect(lines).toContain('after one execute: total 10, version 1');
    expect(lines).toContain('after 20 concurrent orders: total 30 here, 30 in the replica, version 21');
    expect(lines).toContain('audit records: 21');
    const seen = lines.filter((l) => l.startsWith('replica saw commit')).map((l) => Number(l.split(' ')[3]));
    expect(seen).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
  });
});
