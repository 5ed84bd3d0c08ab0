// Where the microseconds of one execute go: the counter increment (the
// fixed cost of a transaction) and one item of a 10k-item array, each run
// under V8's sampling profiler. Self time is summed by the module it is
// spent in (each is one concept: guard, draft, the core, the store, ...),
// then by function, and shown as µs per execute from the run's own time
// per execute. Profiling slows a run a little; the split is what this is for.
import { Session } from 'node:inspector/promises';
import { init, process, TheusEngine } from 'theus';

await init();

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** A sample's function, named with its module and line (WebAssembly functions have no names in a release build). */
function functionOf(node: Node): string {
  const { url, functionName, lineNumber } = node.callFrame;
  if (url.startsWith('wasm://')) return `the core (wasm) ${functionName}`;
  // V8's own: garbage collection and idle as such, builtins by name.
  if (url === '') return conceptOf(node).startsWith('runtime') ? `runtime: ${functionName}` : conceptOf(node);
  return `${functionName || '(anonymous)'} (${url.slice(url.lastIndexOf('/') + 1)}:${lineNumber + 1})`;
}

/** The concept a sample's frame belongs to: the module's name, or what V8 calls it. */
function conceptOf(node: Node): string {
  const { url, functionName } = node.callFrame;
  if (url.startsWith('wasm://')) return 'the core (wasm)';
  if (url.includes('theus_wasm')) return 'the core (wasm-bindgen glue)';
  if (url === '') return functionName === '(garbage collector)' ? 'garbage collection' : functionName === '(idle)' ? 'idle' : 'runtime (builtins, promises)';
  const file = url.slice(url.lastIndexOf('/') + 1).replace(/\.(js|ts)$/, '');
  return url.includes('/dist/') ? file : `outside theus (${file})`;
}

async function profile(name: string, run: () => Promise<unknown>, count: number): Promise<void> {
  for (let i = 0; i < count / 4; i++) await run(); // warm-up
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  const started = performance.now();
  for (let i = 0; i < count; i++) await run();
  const perOp = ((performance.now() - started) * 1000) / count;
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  console.log(`\n${name}: ${perOp.toFixed(2)} µs per execute (profiled), by where the time is spent`);
  for (const [title, label] of [['module', conceptOf], ['function', functionOf]] as const) {
    const of = new Map(profile.nodes.map((n) => [n.id, label(n)]));
    const time = new Map<string, number>();
    let total = 0;
    profile.samples.forEach((id, i) => {
      const dt = profile.timeDeltas[i] ?? 0;
      const where = of.get(id)!;
      if (where === 'idle') return;
      time.set(where, (time.get(where) ?? 0) + dt);
      total += dt;
    });
    console.log(`  by ${title} (those over 1 %):`);
    for (const [where, t] of [...time].sort((a, b) => b[1] - a[1])) {
      if (t / total < 0.01) continue;
      console.log(`  ${where.padEnd(48)}${((t / total) * perOp).toFixed(2).padStart(8)} µs${((100 * t) / total).toFixed(1).padStart(7)} %`);
    }
  }
}

const counterEngine = await TheusEngine.create({ domain_ctx: { counter: 0 } });
const inc = process({ name: 'inc', outputs: ['domain_ctx.counter'] }, (ctx) => {
  ctx.domain_ctx.counter += 1;
});
counterEngine.register(inc);
await profile('counter increment', () => counterEngine.execute(inc), 100_000);

const n = 10_000;
const arrayEngine = await TheusEngine.create({ domain_ctx: { items: Array.from({ length: n }, (_, i) => ({ id: i, price: i })) } });
let i = 0;
const setPrice = process({ name: 'set_price', outputs: ['domain_ctx.items'] }, (ctx) => {
  ctx.domain_ctx.items[i++ % n].price = i;
});
arrayEngine.register(setPrice);
await profile('one item of a 10k-item array', () => arrayEngine.execute(setPrice), 10_000);
