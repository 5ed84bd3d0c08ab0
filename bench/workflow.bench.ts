// Overhead per workflow step beyond the process's own execute: a
// 10,000-iteration while loop against the same 10,000 executes run directly,
// in alternating rounds; the per-step figure is the median of the rounds'
// differences (one difference of two noisy medians can even come out negative).
import { init, process, TheusEngine } from 'theus';
import { medians, row } from './report.ts';

await init();
const iterations = 10_000;
const rounds = 7;
const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
const tick = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'tick' }, (ctx) => {
  ctx.domain_ctx.n += 1;
});
engine.register(tick);
const loop = { steps: [{ flux: 'while', condition: `domain['n'] < ${iterations}`, do: ['tick'] }] };
const reset = () => engine.edit((d) => void (d.domain_ctx.n = 0));
const workflow = { name: 'workflow', fn: async () => {
  await reset();
  await engine.executeWorkflow(loop, { maxOps: 3 * iterations });
  if (engine.state.domain_ctx.n !== iterations) throw new Error('the loop did not run to the end');
} };
const direct = { name: 'executes', fn: async () => {
  await reset();
  for (let i = 0; i < iterations; i++) await engine.execute(tick);
} };

const perStep: number[] = [];
console.log('workflow step overhead (ms per 10,000 steps, median of 3 runs per round; per step = difference / 10,000)');
console.log(row(['round', 'workflow ms', 'executes ms', 'per step µs']));
for (let r = 0; r < rounds; r++) {
  const [w, d] = r % 2 === 0 ? await medians([workflow, direct], 0, 3) : (await medians([direct, workflow], 0, 3)).reverse();
  perStep.push((w - d) / iterations);
  console.log(row([String(r + 1), w / 1000, d / 1000, (w - d) / iterations]));
}
console.log(`workflow step overhead: median ${perStep.sort((a, b) => a - b)[Math.floor(rounds / 2)].toFixed(2)} µs per step (goal < 5)`);
