// What the file and IndexedDB storage tests share: a step that makes one
// commit per call (commit n sets n and adds entry n), and the check that a
// resumed engine goes on and its storage object serves a next engine.
import { expect } from 'vitest';
import { process, TheusEngine, type Storage } from 'theus';

export const step = process({ inputs: ['domain_ctx.n', 'domain_ctx.seen'], outputs: ['domain_ctx.n', 'domain_ctx.seen'], name: 'step' }, function step(ctx) {
  const n = ctx.domain_ctx.n + 1;
  ctx.domain_ctx.n = n;
  ctx.domain_ctx.seen.set(n, new Date(n));
});


/** `resumed` commits once more; then the same storage object, given to a new engine, resumes at that version. */
export async function goesOn(resumed: TheusEngine, storage: Storage & { close(): Promise<void> }, historyLimit: number): Promise<void> {
  resumed.register(step);
  await resumed.execute(step);
  const version = resumed.version;
  resumed.dispose();
  await storage.close();
  const next = await TheusEngine.create({ domain_ctx: {} }, { storage, historyLimit });
  expect([next.version, (next.state.domain_ctx as { n: number }).n]).toEqual([version, version]);
  next.dispose();
  await storage.close();
}
