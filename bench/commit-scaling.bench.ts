// Commit cost as the state grows from 1k to 1M entries while the change
// stays one entry: entries keyed in an object, in a Map, elements of an
// array, and a sibling value next to the big object. Each against mutative
// create() doing the same update on the same (frozen) state.
import { create } from 'mutative';
import { init, process, TheusEngine } from 'theus';
import { medians, row } from './report.ts';

await init();
const sizes = (globalThis as { process?: { argv: string[] } }).process?.argv.includes('--quick') ? [1e3, 1e4] : [1e3, 1e4, 1e5, 1e6];

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
};

type Shape = 'object' | 'Map' | 'array' | 'sibling';
const build = (shape: Shape, n: number) => {
  switch (shape) {
    case 'object':
    case 'sibling':
      return { counter: 0, entries: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])) as Record<string, number> };
    case 'Map':
      return { counter: 0, entries: new Map(Array.from({ length: n }, (_, i) => [`k${i}`, i])) };
    case 'array':
      return { counter: 0, entries: Array.from({ length: n }, (_, i) => i) };
  }
};

let j = 0;
const update = (shape: Shape, d: any, n: number) => {
  j += 1;
  const k = j % n;
  if (shape === 'sibling') d.counter = j;
  else if (shape === 'Map') d.entries.set(`k${k}`, -j);
  else if (shape === 'array') d.entries[k] = -j;
  else d.entries[`k${k}`] = -j;
};

console.log('commit cost vs state size, one entry changed (median µs per commit; ratio = theus / mutative on the same frozen state)');
console.log(row(['shape', 'entries', 'theus µs', 'mutative µs', 'ratio']));
for (const shape of ['sibling', 'object', 'Map', 'array'] as Shape[]) {
  for (const n of sizes) {
    const engine = await TheusEngine.create({ domain_ctx: build(shape, n) });
    const output = shape === 'sibling' ? 'domain_ctx.counter' : 'domain_ctx.entries';
    const proc = process({ outputs: [output], name: `update_${shape}` }, (ctx) => update(shape, ctx.domain_ctx, n));
    engine.register(proc);
    const peerBase = deepFreeze({ domain_ctx: build(shape, n) });
    const big = n >= 1e5;
    const [theus, peer] = await medians(
      [
        { name: `theus ${shape} ${n}`, fn: () => engine.execute(proc) },
        { name: `mutative ${shape} ${n}`, fn: () => void create(peerBase, (d) => update(shape, d.domain_ctx, n)) },
      ],
      big ? 200 : 400,
      big ? 5 : 64,
    );
    console.log(row([shape, n, theus, peer, `${(theus / peer).toFixed(2)}x`]));
    engine.dispose();
  }
}
