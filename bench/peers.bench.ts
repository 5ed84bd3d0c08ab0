// A transaction against what users would pick instead, on the same update,
// in one process: a hand-written immutable update (what a zustand `set`
// does), Immer `produce`, mutative `create`, a Redux Toolkit dispatch.
// Run with NODE_ENV=production (npm run bench). Cases of one scenario are
// measured in alternating rounds and the median of the rounds' medians is
// kept: the machines are shared and noisy.
import { configureStore, createSlice, type PayloadAction } from '@reduxjs/toolkit';
import { produce, setAutoFreeze } from 'immer';
import { create } from 'mutative';
import { init, process, TheusEngine } from 'theus';
import { alternatingTimings, row } from './report.ts';

await init();

interface Scenario {
  name: string;
  theus: () => unknown;
  handWritten: () => unknown;
  immer: () => unknown;
  mutative: () => unknown;
  rtk: () => unknown;
}

const ROUNDS = 5;
const rtkStore = <S>(initial: S, update: (state: S) => void) => {
  const slice = createSlice({ name: 's', initialState: initial, reducers: { update: (state) => void update(state as S) } });
  const store = configureStore({ reducer: slice.reducer, middleware: (d) => d({ serializableCheck: false, immutableCheck: false }) });
  const action = slice.actions.update as () => PayloadAction<undefined>;
  return () => store.dispatch(action());
};

async function counter(): Promise<Scenario> {
  const engine = await TheusEngine.create({ domain_ctx: { counter: 0 } });
  const inc = process({ name: 'inc', outputs: ['domain_ctx.counter'] }, (ctx) => {
    ctx.domain_ctx.counter += 1;
  });
  engine.register(inc);
  let hand = { domain_ctx: { counter: 0 } };
  let im = { domain_ctx: { counter: 0 } };
  let mu = { domain_ctx: { counter: 0 } };
  return {
    name: 'counter increment (fixed cost)',
    theus: () => engine.execute(inc),
    handWritten: () => void (hand = { ...hand, domain_ctx: { ...hand.domain_ctx, counter: hand.domain_ctx.counter + 1 } }),
    immer: () => void (im = produce(im, (d) => void (d.domain_ctx.counter += 1))),
    mutative: () => void (mu = create(mu, (d) => void (d.domain_ctx.counter += 1))),
    rtk: rtkStore({ counter: 0 }, (s) => void (s.counter += 1)),
  };
}

async function arrayItem(): Promise<Scenario> {
  const n = 10_000;
  const items = () => Array.from({ length: n }, (_, i) => ({ id: i, price: i }));
  const engine = await TheusEngine.create({ domain_ctx: { items: items() } });
  let i = 0;
  const setPrice = process({ name: 'set_price', outputs: ['domain_ctx.items'] }, (ctx) => {
    ctx.domain_ctx.items[i++ % n].price = i;
  });
  engine.register(setPrice);
  let hand = { domain_ctx: { items: items() } };
  let im = { domain_ctx: { items: items() } };
  let mu = { domain_ctx: { items: items() } };
  return {
    name: 'one item of a 10k-item array',
    theus: () => engine.execute(setPrice),
    handWritten: () => {
      const at = i++ % n;
      const list = hand.domain_ctx.items.slice();
      list[at] = { ...list[at], price: i };
      hand = { ...hand, domain_ctx: { ...hand.domain_ctx, items: list } };
    },
    immer: () => void (im = produce(im, (d) => void (d.domain_ctx.items[i++ % n].price = i))),
    mutative: () => void (mu = create(mu, (d) => void (d.domain_ctx.items[i++ % n].price = i))),
    rtk: rtkStore({ items: items() }, (s) => void (s.items[i++ % n].price = i)),
  };
}

async function addProduct(): Promise<Scenario> {
  // The seed's add_product: push an item and add to the total, the list
  // starting again empty each time it reaches 2,000 items.
  const limit = 2_000;
  type Shop = { items: { name: string; price: number }[]; total_value: number };
  const empty = (): Shop => ({ items: [], total_value: 0 });
  const sysCtx = { domain_ctx: empty() };
  const engine = await TheusEngine.create(sysCtx);
  const add = process({ name: 'add_product', inputs: ['domain_ctx.items'], outputs: ['domain_ctx.items', 'domain_ctx.total_value'] }, (ctx, { price }: { price: number }) => {
    ctx.domain_ctx.items.push({ name: 'p', price });
    ctx.domain_ctx.total_value += price;
  });
  const reset = process({ name: 'reset', outputs: ['domain_ctx.items', 'domain_ctx.total_value'] }, (ctx) => {
    ctx.domain_ctx.items = [];
    ctx.domain_ctx.total_value = 0;
  });
  engine.register(add, reset);
  const push = (d: Shop) => {
    if (d.items.length >= limit) {
      d.items = [];
      d.total_value = 0;
    }
    d.items.push({ name: 'p', price: 1 });
    d.total_value += 1;
  };
  let hand = { domain_ctx: empty() };
  let im = { domain_ctx: empty() };
  let mu = { domain_ctx: empty() };
  return {
    name: "the seed's add_product (push + total, to 2k)",
    theus: () => (engine.state.domain_ctx.items.length >= limit ? engine.execute(reset).then(() => engine.execute(add, { price: 1 })) : engine.execute(add, { price: 1 })),
    handWritten: () => {
      const d = hand.domain_ctx.items.length >= limit ? empty() : hand.domain_ctx;
      hand = { ...hand, domain_ctx: { ...d, items: [...d.items, { name: 'p', price: 1 }], total_value: d.total_value + 1 } };
    },
    immer: () => void (im = produce(im, (d) => push(d.domain_ctx))),
    mutative: () => void (mu = create(mu, (d) => push(d.domain_ctx))),
    rtk: rtkStore(empty(), push),
  };
}

async function objectEntry(): Promise<Scenario> {
  const n = 10_000;
  const entries = () => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, { v: i }])) as Record<string, { v: number }>;
  const engine = await TheusEngine.create({ domain_ctx: { byId: entries() } });
  let i = 0;
  const setEntry = process({ name: 'set_entry', outputs: ['domain_ctx.byId'] }, (ctx) => {
    ctx.domain_ctx.byId[`k${i++ % n}`].v = i;
  });
  engine.register(setEntry);
  let hand = { domain_ctx: { byId: entries() } };
  let im = { domain_ctx: { byId: entries() } };
  let mu = { domain_ctx: { byId: entries() } };
  return {
    name: 'one entry of a 10k-entry object',
    theus: () => engine.execute(setEntry),
    handWritten: () => {
      const key = `k${i++ % n}`;
      hand = { ...hand, domain_ctx: { ...hand.domain_ctx, byId: { ...hand.domain_ctx.byId, [key]: { ...hand.domain_ctx.byId[key], v: i } } } };
    },
    immer: () => void (im = produce(im, (d) => void (d.domain_ctx.byId[`k${i++ % n}`].v = i))),
    mutative: () => void (mu = create(mu, (d) => void (d.domain_ctx.byId[`k${i++ % n}`].v = i))),
    rtk: rtkStore({ byId: entries() }, (s) => void (s.byId[`k${i++ % n}`].v = i)),
  };
}

// Immer and RTK freeze their results by default, as theus does; mutative
// and the hand-written update do not (their defaults, as users meet them).
setAutoFreeze(true);
const peers = ['hand-written', 'immer', 'mutative', 'RTK'] as const;
const header = ['scenario'.padEnd(44), row(['theus', ...peers, 'vs mutative'])].join('');
const line = (name: string, result: number[]) => [name.padEnd(44), row([...result, `${(result[0] / result[3]).toFixed(2)}x`])].join('');
const means: string[] = [];
console.log('median µs per update (median of the rounds); ratio = theus / mutative');
console.log(header);
for (const make of [counter, arrayItem, addProduct, objectEntry]) {
  const s = await make();
  const cases = [s.theus, s.handWritten, s.immer, s.mutative, s.rtk].map((fn, k) => ({ name: String(k), fn }));
  const result = await alternatingTimings(cases, ROUNDS, 200, 32);
  console.log(line(s.name, result.median));
  means.push(line(s.name, result.mean));
}
// A median leaves out the collection pauses, which fall on few calls; the mean carries them.
console.log('\nmean µs per update, collection pauses included (median of the rounds); ratio = theus / mutative');
console.log(header);
for (const text of means) console.log(text);
