// execute() of a process that updates one item of a 10,000-item array,
// against mutative's create() doing the same update on the same state.
import { create } from 'mutative';
import { init, process, TheusEngine } from 'theus';
import { medians, row } from './report.ts';

await init();
const n = 10_000;
const items = () => Array.from({ length: n }, (_, i) => ({ id: i, price: i }));

const engine = await TheusEngine.create({ domain_ctx: { items: items() } });
let i = 0;
const setPrice = process({ outputs: ['domain_ctx.items'] }, function set_price(ctx) {
  ctx.domain_ctx.items[i % n].price = i;
});
engine.register(setPrice);

let plain = { domain_ctx: { items: items() } };
// Theus keeps committed state frozen; V8 copies a frozen array far more
// slowly than a plain one, so mutative is also measured on frozen state.
const frozenBase = Object.freeze({ domain_ctx: Object.freeze({ items: Object.freeze(items().map((item) => Object.freeze(item))) }) });
let frozen = frozenBase;

const [theus, mutativePlain, mutativeOnFrozen, mutativeFull] = await medians([
  { name: 'theus execute', fn: () => engine.execute(setPrice).then(() => void (i += 1)) },
  {
    name: 'mutative create',
    fn: () => {
      plain = create(plain, (d) => void (d.domain_ctx.items[i % n].price = i));
      i += 1;
    },
  },
  {
    name: 'mutative create on frozen state',
    fn: () => {
      create(frozenBase, (d) => void (d.domain_ctx.items[i % n].price = i));
      i += 1;
    },
  },
  {
    name: 'mutative create +patches +freeze',
    fn: () => {
      [frozen] = create(frozen, (d) => void (d.domain_ctx.items[i % n].price = i), { enablePatches: true, enableAutoFreeze: true });
      i += 1;
    },
  },
]);

console.log('execute(): update one item of a 10,000-item array (median µs per update; ratio = theus / peer)');
console.log(row(['peer', 'peer µs', 'theus µs', 'ratio']));
for (const [peer, time] of [
  ['mutative', mutativePlain],
  ['mut. frozen', mutativeOnFrozen],
  ['mut.+patch+frz', mutativeFull],
] as const) {
  console.log(row([peer, time, theus, `${(theus / time).toFixed(2)}x`]));
}
