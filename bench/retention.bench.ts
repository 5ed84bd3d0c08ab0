// What one kept commit costs the heap: the history and undo keep each
// commit's record for `historyLimit` commits, and V8's young-generation
// collector copies what is kept, so these bytes are paid at every
// collection. Measured from heap snapshots of two processes that differ
// only in historyLimit (1000 and 0), after the same 3,000 counter commits:
// their difference, by kind of object, per kept commit.
import { spawnSync } from 'node:child_process';
import { writeHeapSnapshot } from 'node:v8';
import { readFileSync, rmSync } from 'node:fs';
import { init, process, TheusEngine } from 'theus';

const host = globalThis.process;
const KEPT = 1000;
type Tally = Record<string, [count: number, bytes: number]>;

/** This process's share: run the commits, then tally its heap by kind of object. */
async function tally(limit: number): Promise<Tally> {
  await init();
  const engine = await TheusEngine.create({ domain_ctx: { counter: 0 } }, { historyLimit: limit });
  const inc = process({ name: 'inc', outputs: ['domain_ctx.counter'] }, (ctx) => {
    ctx.domain_ctx.counter += 1;
  });
  engine.register(inc);
  for (let i = 0; i < 3 * KEPT; i++) await engine.execute(inc);
  const file = writeHeapSnapshot();
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const out: Tally = {};
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i]];
    const kind = type === 'object' || type === 'array' ? `${type} ${snapshot.strings[snapshot.nodes[i + 1]]}` : type;
    const entry = (out[kind] ??= [0, 0]);
    entry[0] += 1;
    entry[1] += snapshot.nodes[i + 3];
  }
  if (engine.history.length !== Math.min(limit, 3 * KEPT)) throw new Error('retention: the history did not keep what it should');
  return out;
}

if (host.env.THEUS_RETENTION_LIMIT !== undefined) {
  host.stdout.write(JSON.stringify(await tally(Number(host.env.THEUS_RETENTION_LIMIT))));
} else {
  const run = (limit: number): Tally => {
    const child = spawnSync(host.execPath, [...host.execArgv, host.argv[1]], { env: { ...host.env, THEUS_RETENTION_LIMIT: String(limit) }, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (child.status !== 0) throw new Error(`retention: the child process failed: ${child.stderr}`);
    return JSON.parse(child.stdout);
  };
  const [none, kept] = [run(0), run(KEPT)];
  const rows = Object.keys(kept)
    .map((kind) => [kind, (kept[kind][0] - (none[kind]?.[0] ?? 0)) / KEPT, (kept[kind][1] - (none[kind]?.[1] ?? 0)) / KEPT] as const)
    .filter(([, count, bytes]) => Math.abs(count) >= 0.05 || Math.abs(bytes) >= 1);
  console.log(`the heap kept per commit in the history (counter; historyLimit ${KEPT} against 0)`);
  for (const [kind, count, bytes] of rows.sort((a, b) => b[2] - a[2])) console.log(`  ${kind.padEnd(32)}${count.toFixed(2).padStart(8)} objects${bytes.toFixed(0).padStart(8)} B`);
  const total = rows.reduce((sum, [, count, bytes]) => [sum[0] + count, sum[1] + bytes], [0, 0]);
  console.log(`  ${'total'.padEnd(32)}${total[0].toFixed(1).padStart(8)} objects${total[1].toFixed(0).padStart(8)} B`);
}
