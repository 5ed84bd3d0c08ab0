// Contended throughput: N concurrent increments of one path, each awaiting
// inside (so every one conflicts), against the same N run one after another.
// Goal (issue 12): concurrent within 3x of sequential, still exact.
//   NODE_ENV=production npx tsx bench/contention.bench.ts [N]
import { init, process, TheusEngine } from 'theus';

await init();
const n = Number(globalThis.process.argv[2] ?? 10_000);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const increment = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'increment' }, async function increment(ctx) {
  const seen = ctx.domain_ctx.n;
  await tick();
  ctx.domain_ctx.n = seen + 1;
});

async function run(concurrent: boolean): Promise<number> {
  const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { maxRetries: 10_000, historyLimit: 0, auditLogLimit: 0 });
  engine.register(increment);
  const start = performance.now();
  if (concurrent) await Promise.all(Array.from({ length: n }, () => engine.execute(increment)));
  else for (let i = 0; i < n; i++) await engine.execute(increment);
  const ms = performance.now() - start;
  if ((engine.state.domain_ctx as { n: number }).n !== n) throw new Error(`lost updates: ${(engine.state.domain_ctx as { n: number }).n} of ${n}`);
  engine.dispose();
  return ms;
}

const sequential = await run(false);
const concurrent = await run(true);
console.log(`${n} increments of one path, each awaiting inside (ms): sequential ${sequential.toFixed(0)}, concurrent ${concurrent.toFixed(0)}, ratio ${(concurrent / sequential).toFixed(2)}x`);
