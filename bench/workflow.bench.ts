// Overhead per workflow step beyond the process's own execute: a
// 10,000-iteration while loop against the same 10,000 executes run directly.
import { Bench } from 'tinybench';
import { init, process, TheusEngine } from 'theus';
import { row } from './report.ts';

await init();
const iterations = 10_000;
const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
const tick = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'tick' }, (ctx) => {
  ctx.domain_ctx.n += 1;
});
engine.register(tick);
const loop = { steps: [{ flux: 'while', condition: `domain['n'] < ${iterations}`, do: ['tick'] }] };
const reset = () => engine.edit((d) => void (d.domain_ctx.n = 0)).then(() => undefined);

const bench = new Bench({ time: 0, iterations: 10, warmup: true, warmupIterations: 2 });
bench.add('workflow: while loop of 10,000 steps', () => engine.executeWorkflow(loop, { maxOps: 3 * iterations }).then(() => undefined), { beforeEach: reset });
bench.add('10,000 executes', async () => {
  for (let i = 0; i < iterations; i++) await engine.execute(tick);
}, { beforeEach: reset });
await bench.run();
const [workflow, direct] = bench.tasks.map((t) => (t.result as { latency: { p50: number } }).latency.p50);
if (engine.state.domain_ctx.n !== iterations) throw new Error('the loop did not run to the end');

console.log('workflow step overhead (median ms per 10,000-iteration run; per-step = difference / 10,000)');
console.log(row(['workflow ms', 'executes ms', 'per step µs']));
console.log(row([workflow, direct, ((workflow - direct) * 1000) / iterations]));
