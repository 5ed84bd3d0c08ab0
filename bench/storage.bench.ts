// Durable commits: commits per second of a counter with fileStorage (each
// execute resolved only once its commit is datasynced) against the same
// engine in memory, one execute at a time and 16 in flight, with group
// commit (the commits decided during one flush share the next) and without;
// then the time to open a directory whose log holds 100,000 commits, replayed
// whole (no snapshot) and from a snapshot. The directory is under the
// system's temporary folder unless THEUS_BENCH_DIR names another: a tmpfs
// makes a flush free, so say which disk the numbers come from.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { init, process as theusProcess, TheusEngine, type EngineOptions } from 'theus';
import { fileStorage, type FileStorage } from '../ts/storage/file.ts';
import { row } from './report.ts';

await init();
const quick = process.argv.includes('--quick');
const base = process.env.THEUS_BENCH_DIR ?? tmpdir();
const ROUNDS = quick ? 3 : 5;
const COMMITS = quick ? 200 : 1000;
const LOG = quick ? 10_000 : 100_000;

// One counter per execute in flight: commits that do not conflict, so that
// they are decided while a flush runs (on one counter they would take turns).
const counters = Array.from({ length: 16 }, (_, k) =>
  theusProcess({ inputs: [`domain_ctx.c${k}`], outputs: [`domain_ctx.c${k}`], name: `inc_${k}` }, (ctx) => {
    ctx.domain_ctx[`c${k}`] += 1;
  }),
);
const zeros = () => ({ domain_ctx: Object.fromEntries(counters.map((_, k) => [`c${k}`, 0])) as Record<string, number> });

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(`${base}/theus-bench-`);
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Commits per second of `COMMITS` commits, `inFlight` executes at a time (median of rounds). */
async function rate(inFlight: number, storage: () => FileStorage | undefined): Promise<number> {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const made = storage();
    const options: EngineOptions = made ? { storage: made } : {};
    const engine = await TheusEngine.create(zeros(), options);
    const start = performance.now();
    let left = COMMITS;
    const runner = async (k: number) => {
      while (left-- > 0) await engine.execute(counters[k]!);
    };
    await Promise.all(Array.from({ length: inFlight }, (_, k) => runner(k)));
    rates.push(COMMITS / ((performance.now() - start) / 1000));
    engine.dispose();
    await made?.close();
  }
  return median(rates);
}

console.log(`fileStorage under ${base}: commits per second (median of ${ROUNDS} rounds of ${COMMITS} commits)`);
console.log(row(['in flight', 'in memory', 'file, group', 'file, single', 'group/single']));
for (const inFlight of [1, 16]) {
  const memory = await rate(inFlight, () => undefined);
  const group = await withDir((dir) => rate(inFlight, () => fileStorage(`${dir}/${Math.random()}`, { groupCommit: true })));
  const single = await withDir((dir) => rate(inFlight, () => fileStorage(`${dir}/${Math.random()}`, { groupCommit: false })));
  console.log(row([inFlight, Math.round(memory), Math.round(group), Math.round(single), group / single]));
}

/** Writes `LOG` commits (16 in flight, group commit), then times opening the directory (median of rounds). */
async function recovery(snapshotEvery: number): Promise<number> {
  return withDir(async (dir) => {
    const storage = fileStorage(dir, { snapshotEvery });
    const engine = await TheusEngine.create(zeros(), { storage });
    let left = LOG;
    await Promise.all(
      counters.map(async (counter) => {
        while (left-- > 0) await engine.execute(counter);
      }),
    );
    engine.dispose();
    await storage.close();
    const times: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const again = fileStorage(dir, { snapshotEvery });
      const start = performance.now();
      const opened = await TheusEngine.create({ domain_ctx: {} }, { storage: again });
      times.push(performance.now() - start);
      if (opened.version !== LOG) throw new Error(`recovered version ${opened.version}, expected ${LOG}`);
      opened.dispose();
      await again.close();
    }
    return median(times);
  });
}

console.log(`\nopening a directory that holds ${LOG} commits (median of ${ROUNDS} opens, TheusEngine.create to resolved)`);
console.log(row(['snapshotEvery', 'replayed', 'open ms']));
for (const snapshotEvery of [1_000_000, 1000]) {
  const ms = await recovery(snapshotEvery);
  console.log(row([snapshotEvery, snapshotEvery > LOG ? `all ${LOG}` : `< ${snapshotEvery}`, ms]));
}
