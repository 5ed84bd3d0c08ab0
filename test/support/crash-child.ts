// The child of the file storage crash test: commits in a loop, a few at a
// time, and prints each commit's version once its execute has resolved (so once it
// is on disk). The test kills it with SIGKILL at a random moment.
import { init, process as theusProcess, TheusEngine } from '../../ts/index.ts';
import { fileStorage } from '../../ts/storage/file.ts';

await init();
const [dir] = process.argv.slice(2);
const step = theusProcess({ inputs: ['domain_ctx.n', 'domain_ctx.seen'], outputs: ['domain_ctx.n', 'domain_ctx.seen'], name: 'step' }, function step(ctx) {
  const n = ctx.domain_ctx.n + 1;
  ctx.domain_ctx.n = n;
  ctx.domain_ctx.seen.set(n, new Date(n));
  return n;
});
const engine = await TheusEngine.create({ domain_ctx: { n: 0, seen: new Map<number, Date>() } }, { storage: fileStorage(dir!, { snapshotEvery: 64 }) });
engine.register(step);
const worker = async () => {
  for (;;) {
    // Each commit is one step: the n it made is its version.
    const version = await engine.execute(step);
    process.stdout.write(`${version}\n`);
  }
};
await Promise.all([worker(), worker(), worker(), worker()]);
