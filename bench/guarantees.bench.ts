// What each guarantee costs on the counter increment (the fixed cost of a
// transaction): the same execute on engines that differ only in options,
// against mutative's create() in the same rounds. Strict mode is the guard
// and frozen state; the history keeps each commit (and its undo record).
// Medians of alternating rounds' medians are kept.
import { create } from 'mutative';
import { init, process, TheusEngine, type EngineOptions } from 'theus';
import { alternatingMedians, row } from './report.ts';

await init();
const inc = process({ name: 'inc', outputs: ['domain_ctx.counter'] }, (ctx) => {
  ctx.domain_ctx.counter += 1;
});
const engineWith = async (options: EngineOptions) => {
  const engine = await TheusEngine.create({ domain_ctx: { counter: 0 } }, options);
  engine.register(inc);
  return () => engine.execute(inc);
};
const variants: [string, () => unknown][] = [
  ['default (strict, history 1000)', await engineWith({})],
  ['historyLimit: 0', await engineWith({ historyLimit: 0 })],
  ['strictMode: false', await engineWith({ strictMode: false })],
  ['both', await engineWith({ strictMode: false, historyLimit: 0 })],
];
let state = { domain_ctx: { counter: 0 } };
const cases = [...variants.map(([name, fn]) => ({ name, fn })), { name: 'mutative', fn: () => void (state = create(state, (d) => void (d.domain_ctx.counter += 1))) }];

const times = await alternatingMedians(cases, 5, 300, 64);
const mutative = times[cases.length - 1];
console.log('\ncounter increment by guarantee: median µs per execute; ratio = theus / mutative');
for (const [k, c] of cases.entries()) console.log(c.name.padEnd(34) + row([times[k], `${(times[k] / mutative).toFixed(2)}x`]));
