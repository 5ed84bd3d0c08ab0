// The README's file storage: an engine whose commits are on disk before
// execute resolves, and a second engine that resumes them. npm test runs it
// under Node, Deno and Bun (scripts/check-examples.sh).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { process, TheusEngine } from 'theus';
import { fileStorage } from 'theus/storage/file';
import { startedDirectly } from './started-directly.ts';

class Money {
  constructor(public cents: number) {}
}

const order = process(
  { name: 'order', inputs: ['domain_ctx.orders', 'domain_ctx.tags'], outputs: ['domain_ctx.orders', 'domain_ctx.tags'] },
  function order(ctx, { id, cents }: { id: string; cents: number }) {
    ctx.domain_ctx.orders.set(id, { at: new Date(Date.UTC(2026, 0, 1)), total: new Money(cents) });
    ctx.domain_ctx.tags.add('ordered');
  },
);

export async function main(): Promise<string> {
  const dir = await mkdtemp(`${tmpdir()}/theus-example-`);
  try {
    const storage = fileStorage(dir, { snapshotEvery: 1000 });
    const engine = await TheusEngine.create({ domain_ctx: { orders: new Map(), tags: new Set<string>() } }, { storage });
    engine.register(order);
    await engine.execute(order, { id: 'a-1', cents: 1500 }); // on disk (datasync) before it resolves
    await engine.execute(order, { id: 'a-2', cents: 25 });
    engine.dispose();
    await storage.close(); // lets the directory go: another engine may open it

    // A restart: a new engine on the same directory resumes state, version and history.
    const again = fileStorage(dir);
    const resumed = await TheusEngine.create({ domain_ctx: {} }, { storage: again });
    const { orders, tags } = resumed.state.domain_ctx as { orders: Map<string, { at: Date; total: { cents: number } }>; tags: Set<string> };
    const a2 = orders.get('a-2')!;
    const line = `v${resumed.version}, ${orders.size} orders, a-2 ${a2.total.cents} cents on ${a2.at.toISOString().slice(0, 10)} (Money: ${a2.total instanceof Money}), tags ${[...tags]}`;
    resumed.dispose();
    await again.close();
    return line;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (startedDirectly(import.meta)) console.log(await main());
