// The package at the edge, as users ship it, in workerd (miniflare):
// node scripts/check-edge.mjs <a folder where theus is installed>
//
// 1. examples/edge bundled as wrangler bundles a Worker (esbuild with the
//    conditions workerd, worker, browser; wrangler itself needs Node 22):
//    a fetch handler that runs processes per request, and a Durable Object
//    hosting the one engine of a shared state, persisted in its storage.
//    Many concurrent requests must give exact counts; after a restart the
//    state must be there.
// 2. The 'edge-light' entry (Vercel's condition: the wasm by a .wasm?module
//    import) in the same runtime, which like Vercel's compiles no wasm from
//    bytes.
// 3. A bundle that took the default entry must fail with guidance.
// 4. The 'edge-light' entry in Vercel's Edge Runtime (the npm edge-runtime,
//    which Next.js's dev server runs edge code in), its .wasm?module import
//    compiled by the host, as Next.js does: a module from another realm.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { EdgeRuntime } from 'edge-runtime';
import { convertV4MiniflareOptions, Miniflare } from 'miniflare';

const app = process.argv[2];
if (!app) throw new Error('usage: node scripts/check-edge.mjs <folder with theus installed>');
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'theus-edge-'));
const compatibilityDate = '2026-08-01';

function check(what, ok, detail) {
  if (!ok) throw new Error(`check-edge: ${what}: ${JSON.stringify(detail)}`);
  console.log(`edge: ${what}`);
}

// `.wasm?module` (Vercel's and wrangler's form) is the .wasm file, imported as a module.
const wasmModules = {
  name: 'wasm-module',
  setup(b) {
    b.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\?module$/, '')) }));
  },
};

async function bundle(entry, out, conditions) {
  await build({
    entryPoints: [entry],
    outdir: out,
    entryNames: 'worker',
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions,
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*'],
    loader: { '.wasm': 'copy' },
    plugins: [wasmModules],
    logLevel: 'warning',
    absWorkingDir: app,
  });
}

/** A Miniflare running the bundle in `out` (its .wasm files as compiled modules). */
function start(out, extra = {}) {
  const wasm = readdirSync(out).filter((f) => f.endsWith('.wasm'));
  return new Miniflare(
    convertV4MiniflareOptions({
      modulesRoot: out,
      modules: [{ type: 'ESModule', path: join(out, 'worker.js') }, ...wasm.map((f) => ({ type: 'CompiledWasm', path: join(out, f) }))],
      compatibilityDate,
      ...extra,
    }),
  );
}

const json = async (mf, path, init) => {
  const response = await mf.dispatchFetch(`http://edge${path}`, init);
  return { status: response.status, body: await response.json() };
};

try {
  // 1. The example.
  cpSync(join(root, 'examples/edge/src'), join(app, 'edge-src'), { recursive: true });
  const out = join(work, 'example');
  await bundle(join(app, 'edge-src/worker.ts'), out, ['workerd', 'worker', 'browser']);
  const persist = join(work, 'state');
  const durable = { durableObjects: { COUNTERS: 'Counter' }, resourcePersistencePath: persist };
  let mf = start(out, durable);
  const quote = await json(mf, '/quote', { method: 'POST', body: JSON.stringify({ lines: [{ item: 'tea', price: 60, quantity: 2 }, { item: 'cup', price: 5, quantity: 1 }] }) });
  check('a fetch handler runs processes per request', quote.status === 200 && quote.body.subtotal === 125 && quote.body.total === 112.5 && quote.body.commits === 2, quote);
  const bad = await json(mf, '/quote', { method: 'POST', body: 'nonsense' });
  check('a bad request is refused', bad.status === 400, bad);

  const started = performance.now();
  const posts = await Promise.all([
    ...Array.from({ length: 300 }, () => json(mf, '/counters/a', { method: 'POST' })),
    ...Array.from({ length: 100 }, () => json(mf, '/counters/b?by=2', { method: 'POST' })),
  ]);
  const ms = performance.now() - started;
  const versionsOf = (name, n) => posts.slice(name === 'a' ? 0 : 300, name === 'a' ? 300 : 400).map((p) => p.body.version).sort((x, y) => x - y).join() === Array.from({ length: n }, (_, i) => i + 1).join();
  check('400 concurrent requests all commit', posts.every((p) => p.status === 200), posts.find((p) => p.status !== 200));
  check('each commit has its own version, none lost or repeated', versionsOf('a', 300) && versionsOf('b', 100));
  const a = await json(mf, '/counters/a');
  const b = await json(mf, '/counters/b');
  check(`exact counts through one Durable Object authority per state (400 requests in ${Math.round(ms)} ms)`, a.body.count === 300 && a.body.version === 300 && b.body.count === 200 && b.body.version === 100, { a, b });
  const refused = await json(mf, '/counters/a?by=0.5', { method: 'POST' });
  check('a bad amount is refused and commits nothing', refused.status === 400 && (await json(mf, '/counters/a')).body.version === 300, refused);
  await mf.dispose();

  mf = start(out, durable);
  const again = await json(mf, '/counters/a');
  check('after a restart the state is there', again.body.count === 300 && again.body.version === 300, again);
  const next = await json(mf, '/counters/a?by=5', { method: 'POST' });
  check('and goes on from there', next.body.count === 305 && next.body.version === 301, next);
  await mf.dispose();

  // 2 and 3: the edge-light entry, and the default entry where it cannot work.
  writeFileSync(
    join(app, 'edge-probe.mjs'),
    `import { process, TheusEngine } from 'theus';
export default {
  async fetch() {
    try {
      const engine = await TheusEngine.create({ domain_ctx: { n: 1 } });
      await engine.execute(process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'double' }, (ctx) => { ctx.domain_ctx.n *= 2; }));
      return Response.json({ n: engine.state.domain_ctx.n });
    } catch (error) {
      return Response.json({ error: error.name + ': ' + error.message });
    }
  },
};
`,
  );
  for (const [name, conditions] of [['edge-light', ['edge-light', 'worker', 'browser']], ['default', []]]) {
    const probe = join(work, name);
    await bundle(join(app, 'edge-probe.mjs'), probe, conditions);
    const probeMf = start(probe);
    const { body } = await json(probeMf, '/');
    await probeMf.dispose();
    if (name === 'edge-light') check("the 'edge-light' entry runs where wasm cannot be compiled from bytes", body.n === 2, body);
    else check('the default entry in workerd fails with guidance', /^TheusError: .*export condition of your runtime \('workerd', 'edge-light'\)/.test(body.error), body);
  }

  // 4. Vercel's Edge Runtime runs service-worker scripts: the probe as one.
  writeFileSync(
    join(app, 'edge-light-probe.mjs'),
    `import { process, TheusEngine } from 'theus';
const double = process({ inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'], name: 'double' }, (ctx) => { ctx.domain_ctx.n *= 2; });
addEventListener('fetch', (event) => event.respondWith((async () => {
  try {
    const engine = await TheusEngine.create({ domain_ctx: { n: 1 } });
    await Promise.all([1, 2, 3].map(() => engine.execute(double)));
    return Response.json({ n: engine.state.domain_ctx.n, version: engine.version });
  } catch (error) {
    return Response.json({ error: error.name + ': ' + error.message });
  }
})()));
`,
  );
  const script = join(work, 'edge-light-probe.js');
  await build({
    entryPoints: [join(app, 'edge-light-probe.mjs')],
    outfile: script,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    conditions: ['edge-light', 'worker', 'browser'],
    plugins: [
      {
        // Next.js compiles each .wasm?module import in the host and hands the module to the sandbox.
        name: 'host-compiled-wasm',
        setup(b) {
          b.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: args.path, namespace: 'host-compiled-wasm' }));
          b.onLoad({ filter: /.*/, namespace: 'host-compiled-wasm' }, () => ({ contents: 'export default globalThis.__theusWasm', loader: 'js' }));
        },
      },
    ],
    logLevel: 'warning',
    absWorkingDir: app,
  });
  const edge = new EdgeRuntime();
  edge.context.__theusWasm = await WebAssembly.compile(readFileSync(join(app, 'node_modules/theus/wasm-pkg/theus_wasm_bg.wasm')));
  edge.evaluate(readFileSync(script, 'utf8'));
  const edgeBody = await (await edge.dispatchFetch('http://edge.test/')).json();
  check("the 'edge-light' entry runs in Vercel's Edge Runtime, with its wasm module compiled in another realm", edgeBody.n === 8 && edgeBody.version === 3, edgeBody);
  // A bundler that leaves the .wasm?module import empty: the error says so.
  const empty = new EdgeRuntime();
  empty.evaluate(readFileSync(script, 'utf8'));
  const emptyBody = await (await empty.dispatchFetch('http://edge.test/')).json();
  check("an empty .wasm?module import fails saying so", /^TheusError: .*this entry's wasm import \(\.wasm\?module\) came out of the bundler empty/.test(emptyBody.error), emptyBody);
} finally {
  rmSync(work, { recursive: true, force: true });
}
