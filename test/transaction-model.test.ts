// Property-based tests of the transaction model (fast-check): random
// interleavings of concurrent executes, edits, compareAndSwaps and failing
// processes, checked against a sequential model. Whatever the interleaving:
// every commit is counted once and nothing else is (no lost update, nothing
// of a failed transaction), versions are consecutive, and the history
// replays to the final state (forwards) and back to the first (inverses).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatches, ConflictError, init, process, TheusEngine } from 'theus';
import { workerMode } from './support/mode.ts';

await init();

type Key = 'a' | 'b' | 'c';
type Op =
  | { kind: 'inc'; key: Key; ticks: number }
  | { kind: 'fail'; key: Key; ticks: number }
  | { kind: 'edit'; key: Key; amount: number }
  | { kind: 'cas'; value: number };

const key = fc.constantFrom<Key>('a', 'b', 'c');
const ticks = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('inc' as const), key, ticks }),
  fc.record({ kind: fc.constant('fail' as const), key, ticks }),
  fc.record({ kind: fc.constant('edit' as const), key, amount: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('cas' as const), value: fc.integer({ min: 100, max: 999 }) }),
);

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const wait = async (n: number) => {
  for (let i = 0; i < n; i++) await tick();
};

const increment = process({ inputs: ['domain_ctx.counters'], outputs: ['domain_ctx.counters'], name: 'increment' }, async function increment(ctx, { key: k, ticks: t }: { key: Key; ticks: number }) {
  const seen = ctx.domain_ctx.counters[k];
  await wait(t);
  ctx.domain_ctx.counters[k] = seen + 1;
});

const failing = process({ inputs: ['domain_ctx.counters'], outputs: ['domain_ctx.counters'], name: 'failing' }, async function failing(ctx, { key: k, ticks: t }: { key: Key; ticks: number }) {
  ctx.domain_ctx.counters[k] += 1000;
  await wait(t);
  throw new Error('the process fails after writing');
});

type Counters = Record<Key | 'd', number>;
const initial = (): { domain_ctx: { counters: Counters } } => ({ domain_ctx: { counters: { a: 0, b: 0, c: 0, d: 0 } } });

async function runInterleaving(ops: Op[]) {
  const engine = await TheusEngine.create(initial(), { maxRetries: 10_000, backoff: { baseMs: 0, maxMs: 1 } });
  engine.register(increment, failing);
  const results = await Promise.allSettled(
    ops.map(async (o, i) => {
      await wait(i % 3);
      if (o.kind === 'inc') return engine.execute(increment, { key: o.key, ticks: o.ticks });
      if (o.kind === 'fail') return engine.execute(failing, { key: o.key, ticks: o.ticks });
      if (o.kind === 'edit') return engine.edit((c) => void (c.domain_ctx.counters[o.key] += o.amount));
      return engine.compareAndSwap(engine.version, { data: { 'domain_ctx.counters.d': o.value } }, { requester: `cas${i}` });
    }),
  );
  return { engine, results };
}

describe('the transaction model, on random interleavings', () => {
  it('counts every commit once, loses none, and replays its history', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const { engine, results } = await runInterleaving(ops);
        const committed = (i: number) => results[i].status === 'fulfilled';
        // Failures are the failing processes' own errors and stale compareAndSwaps, nothing else.
        results.forEach((r, i) => {
          if (r.status === 'fulfilled') return;
          if (ops[i].kind === 'fail') expect((r.reason as Error).message).toBe('the process fails after writing');
          // Anything else is a failure of the engine: say which operation, and what it was rejected with.
          else if (!(ops[i].kind === 'cas' && r.reason instanceof ConflictError)) throw new Error(`operation ${i} (${JSON.stringify(ops[i])}) was rejected with ${(r.reason as Error)?.stack ?? String(r.reason)}`);
        });
        const final = (engine.state.domain_ctx as { counters: Counters }).counters;
        // No lost update, nothing of a failed transaction: the sequential model.
        for (const k of ['a', 'b', 'c'] as const) {
          const expected = ops.reduce((sum, o, i) => sum + (committed(i) && o.kind !== 'cas' && o.key === k ? (o.kind === 'inc' ? 1 : o.kind === 'edit' ? o.amount : 0) : 0), 0);
          expect(final[k]).toBe(expected);
        }
        const commits = results.filter((r) => r.status === 'fulfilled').length;
        expect(engine.version).toBe(commits);
        const history = engine.history;
        expect(history.map((h) => h.version)).toEqual(Array.from({ length: commits }, (_, i) => i + 1));
        // The last compareAndSwap to commit, in version order, set d.
        const lastCas = history.filter((h) => h.process?.startsWith('cas')).at(-1);
        expect(final.d).toBe(lastCas ? (ops[Number(lastCas.process!.slice(3))] as { value: number }).value : 0);
        // The history replays forwards to the final state, and back to the first.
        // The state as the engine holds it: every layer, a missing one empty.
        const first = { global_ctx: {}, ...initial(), local_ctx: {} };
        let forward: object = first;
        for (const h of history) forward = applyPatches(forward, h.patches);
        expect(forward).toEqual(engine.state);
        let back: object = engine.state;
        for (const h of [...history].reverse()) back = applyPatches(back, h.inversePatches);
        expect(back).toEqual(first);
        engine.dispose();
      }),
      // Worker mode makes each run a few round trips slower.
      { numRuns: workerMode ? 25 : 100 },
    );
  }, 120_000);
});
