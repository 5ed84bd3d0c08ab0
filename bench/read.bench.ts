// A guarded read inside a process against a plain property read of the
// same data. Both run inside a transaction-sized loop so that only the read
// differs: 10,000 reads of items[j].price per call.
import { init, process, TheusEngine } from 'theus';
import { medians, row } from './report.ts';

await init();
const n = 10_000;
const data = () => ({ items: Array.from({ length: n }, (_, i) => ({ price: i })), total: 0 });

const engine = await TheusEngine.create({ domain_ctx: data() });
let ctxHeld: any;
const capture = process({ inputs: ['domain_ctx.items'] }, function capture(ctx) {
  // Keep the guarded context of a live transaction to read from it below.
  ctxHeld = ctx;
  return new Promise<void>((resolve) => setTimeout(resolve, 60_000)).then(() => undefined);
});
void engine.execute(capture);
await new Promise((resolve) => setTimeout(resolve, 10));

const plain = { domain_ctx: data() };
let sink = 0;
const sumVia = (root: any) => {
  let s = 0;
  for (let j = 0; j < n; j++) s += root.domain_ctx.items[j].price;
  sink += s;
};
const sumHeld = (root: any) => {
  const items = root.domain_ctx.items;
  let s = 0;
  for (let j = 0; j < n; j++) s += items[j].price;
  sink += s;
};

const [guardedFull, plainFull, guardedHeld, plainHeld] = await medians([
  { name: 'guarded ctx.domain_ctx.items[j].price', fn: () => sumVia(ctxHeld) },
  { name: 'plain   root.domain_ctx.items[j].price', fn: () => sumVia(plain) },
  { name: 'guarded items[j].price (items held)', fn: () => sumHeld(ctxHeld) },
  { name: 'plain   items[j].price (items held)', fn: () => sumHeld(plain) },
]);

console.log('guarded reads inside a process vs plain reads (median µs per 10,000 reads)');
console.log(row(['access', 'guarded', 'plain', 'ratio']));
console.log(row(['full path', guardedFull, plainFull, `${(guardedFull / plainFull).toFixed(2)}x`]));
console.log(row(['items held', guardedHeld, plainHeld, `${(guardedHeld / plainHeld).toFixed(2)}x`]));
if (sink === 0) console.log('');
process_exit();

function process_exit() {
  // The capturing transaction is still open on purpose; end the run.
  (globalThis as { process?: { exit(code: number): never } }).process?.exit(0);
}
