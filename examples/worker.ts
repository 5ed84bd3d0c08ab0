// Worker mode: the authority (the core, the authoritative state, the commit
// log, audit, signals) runs in a worker, so commits are decided off this
// thread. A second replica joins the same authority through a port, as a
// worker, an iframe or another tab would: both see every commit, in order.
//
// Run: npm run worker-example
import { process, TheusEngine } from 'theus';
import { startedDirectly } from './started-directly.ts';

export const addOrder = process(
  { inputs: ['domain_ctx.orders'], outputs: ['domain_ctx.orders', 'domain_ctx.total'], name: 'add_order' },
  async function add_order(ctx, { amount }: { amount: number }) {
    await Promise.resolve(); // a process may await (I/O): conflicting commits are retried
    ctx.domain_ctx.orders.push(amount);
    ctx.domain_ctx.total += amount;
  },
);

export async function main(log: (line: string) => void = console.log): Promise<void> {
  const sysCtx = { domain_ctx: { orders: [] as number[], total: 0 } };
  const engine = await TheusEngine.create(sysCtx, { worker: true });
  const replica = await TheusEngine.join<typeof sysCtx>(await engine.connect());
  engine.register(addOrder);
  replica.register(addOrder);
  replica.subscribe(({ version, process }) => log(`replica saw commit ${version} by ${process}`));

  await engine.execute(addOrder, { amount: 10 });
  log(`after one execute: total ${sysCtx.domain_ctx.total}, version ${engine.version}`);

  // Twenty concurrent orders, half from each replica: conflicts are decided by
  // the authority and retried; none is lost.
  await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? engine : replica).execute(addOrder, { amount: 1 })));
  while (replica.version < engine.version || engine.version < 21) await new Promise((resolve) => setTimeout(resolve, 5));
  log(`after 20 concurrent orders: total ${sysCtx.domain_ctx.total} here, ${replica.state.domain_ctx.total} in the replica, version ${engine.version}`);
  log(`audit records: ${engine.audit.getLogs().length}`);
  replica.dispose();
  engine.dispose();
}

if (startedDirectly(import.meta)) await main();
