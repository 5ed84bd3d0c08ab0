// Worker mode against a bare comlink round trip to the same worker, and
// the main thread's cost per commit in worker and local mode.
//   npm run build && NODE_ENV=production npx tsx bench/worker.bench.ts
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { wrap } from 'comlink';
import { init, process, TheusEngine } from 'theus';
import { medians, row } from './report.ts';

await init();

// 1. Round trips to one worker: comlink alone, then an execute.
const worker = new Worker(new URL('./echo-worker.mjs', import.meta.url));
const { port1, port2 } = new MessageChannel();
worker.postMessage({ echoPort: port2 }, [port2 as never]);
const echo = wrap<{ ping(x: number): number }>(port1);
const engine = await TheusEngine.create({ domain_ctx: { counter: 0 } }, { worker });
const increment = process({ outputs: ['domain_ctx.counter'], name: 'increment' }, function increment(ctx) {
  ctx.domain_ctx.counter += 1;
});
engine.register(increment);
await engine.execute(increment);

const [bare, execute] = await medians([
  { name: 'bare comlink round trip', fn: () => echo.ping(1) },
  { name: 'worker-mode execute (counter)', fn: () => engine.execute(increment) },
]);
console.log('worker mode: one execute against a bare comlink call to the same worker (median µs)');
console.log(row(['comlink µs', 'execute µs', 'ratio']));
console.log(row([bare, execute, `${(execute / bare).toFixed(2)}x`]));
engine.dispose();
await worker.terminate();

// 2. Main-thread time per commit: updating one item of a 10,000-item array.
const n = 10_000;
const items = () => Array.from({ length: n }, (_, i) => ({ id: i, price: i }));
let i = 0;
const setPrice = process({ outputs: ['domain_ctx.items'], name: 'set_price' }, function set_price(ctx) {
  ctx.domain_ctx.items[i % n].price = i;
});

/** Busy time of this thread's event loop and wall time, per commit, over `count` sequential commits. */
async function perCommit(target: TheusEngine, count: number): Promise<[number, number]> {
  for (let w = 0; w < 200; w++, i++) await target.execute(setPrice);
  const runs: [number, number][] = [];
  for (let round = 0; round < 7; round++) {
    const before = performance.eventLoopUtilization();
    const start = performance.now();
    for (let c = 0; c < count; c++, i++) await target.execute(setPrice);
    const wall = performance.now() - start;
    const { active } = performance.eventLoopUtilization(before);
    runs.push([(active * 1000) / count, (wall * 1000) / count]);
  }
  const median = (k: 0 | 1) => runs.map((r) => r[k]).sort((a, b) => a - b)[3];
  return [median(0), median(1)];
}

const local = await TheusEngine.create({ domain_ctx: { items: items() } });
const remote = await TheusEngine.create({ domain_ctx: { items: items() } }, { worker: true });
local.register(setPrice);
remote.register(setPrice);
const [localBusy, localWall] = await perCommit(local, 500);
const [remoteBusy, remoteWall] = await perCommit(remote, 500);
console.log();
console.log('update one item of a 10,000-item array: main-thread busy time and wall time per commit (median of 7 rounds of 500, µs)');
console.log(row(['mode', 'main thread', 'wall']));
console.log(row(['local', localBusy, localWall]));
console.log(row(['worker', remoteBusy, remoteWall]));
console.log(row(['worker/local', `${(remoteBusy / localBusy).toFixed(2)}x`, `${(remoteWall / localWall).toFixed(2)}x`]));
remote.dispose();
local.dispose();
