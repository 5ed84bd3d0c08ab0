// Local mode against an earlier build of theus, in one process: the counter
// and the one-item-of-10,000 update, with mutative on the same scenarios as
// the yardstick. THEUS_BEFORE is the earlier build's dist/index.js, e.g.
//   git worktree add /tmp/theus-before <commit> && cd /tmp/theus-before &&
//   ln -s "$OLDPWD/node_modules" && bash scripts/build-wasm.sh && npx tsc -p tsconfig.build.json
//   cd - && THEUS_BEFORE=/tmp/theus-before/dist/index.js NODE_ENV=production npx tsx bench/before-after.bench.ts
import { create } from 'mutative';
import * as current from 'theus';
import { medians, row } from './report.ts';

const beforePath = process.env.THEUS_BEFORE;
if (!beforePath) throw new Error('set THEUS_BEFORE to the dist/index.js of the build to compare with');
const before = (await import(beforePath)) as typeof current;

const n = 10_000;
const items = () => Array.from({ length: n }, (_, i) => ({ id: i, price: i }));
let i = 0;

async function scenarios(theus: typeof current) {
  await theus.init();
  const counter = await theus.TheusEngine.create({ domain_ctx: { counter: 0 } });
  const increment = theus.process({ outputs: ['domain_ctx.counter'], name: 'increment' }, function increment(ctx) {
    ctx.domain_ctx.counter += 1;
  });
  const array = await theus.TheusEngine.create({ domain_ctx: { items: items() } });
  const setPrice = theus.process({ outputs: ['domain_ctx.items'], name: 'set_price' }, function set_price(ctx) {
    ctx.domain_ctx.items[i % n].price = i;
  });
  counter.register(increment);
  array.register(setPrice);
  return {
    counter: () => counter.execute(increment),
    array: () => array.execute(setPrice).then(() => void (i += 1)),
  };
}

const old = await scenarios(before);
const now = await scenarios(current);
let plainCounter = { domain_ctx: { counter: 0 } };
let plainItems = { domain_ctx: { items: items() } };
const times = await medians([
  { name: 'before: counter', fn: old.counter },
  { name: 'now: counter', fn: now.counter },
  { name: 'mutative: counter', fn: () => void (plainCounter = create(plainCounter, (d) => void (d.domain_ctx.counter += 1))) },
  { name: 'before: array item', fn: old.array },
  { name: 'now: array item', fn: now.array },
  {
    name: 'mutative: array item',
    fn: () => {
      plainItems = create(plainItems, (d) => void (d.domain_ctx.items[i % n].price = i));
      i += 1;
    },
  },
]);
const [oldCounter, nowCounter, mutCounter, oldArray, nowArray, mutArray] = times;
console.log('local mode, this build against an earlier one (median µs per execute)');
console.log(row(['scenario', 'before', 'now', 'now/before', 'mutative', 'now/mutative']));
console.log(row(['counter', oldCounter, nowCounter, `${(nowCounter / oldCounter).toFixed(2)}x`, mutCounter, `${(nowCounter / mutCounter).toFixed(1)}x`]));
console.log(row(['array item', oldArray, nowArray, `${(nowArray / oldArray).toFixed(2)}x`, mutArray, `${(nowArray / mutArray).toFixed(1)}x`]));
