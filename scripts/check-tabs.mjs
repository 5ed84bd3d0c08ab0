// Tabs sharing one authority (worker: { shared }), in Chromium driven by
// Playwright: a page (scripts/tabs/) built with Vite against the built package
// (dist/, as a user's bundler takes it), served here, opened in tabs of one
// origin. Run once with the SharedWorker and once with the leader tab elected
// by Web Locks (forced with via). Checks: concurrent increments from two tabs
// end at the exact count; the first tab (the leader) closes while two others
// commit, and they go on and agree (nothing they saw resolve is lost, nothing
// counted that was not saved); a reload, a new tab, and a tab opened after
// every other closed show the saved state.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'theus-tabs-'));
const indexedDb = join(root, 'dist/storage/indexeddb.js');
if (!existsSync(indexedDb)) {
  console.error('check-tabs: dist/storage/indexeddb.js is missing: build the package first (npm run build)');
  process.exit(1);
}

await build({
  root: join(root, 'scripts/tabs'),
  configFile: false,
  logLevel: 'warn',
  resolve: { alias: { 'theus/storage/indexeddb': indexedDb, theus: join(root, 'dist/index.js') } },
  build: { outDir, emptyOutDir: true, target: 'es2022', minify: true },
});

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
const server = createServer((request, response) => {
  const path = new URL(request.url, 'http://x').pathname;
  let body;
  try {
    body = readFileSync(join(outDir, path === '/' ? 'index.html' : path));
  } catch {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

let failed = false;
const check = (what, ok, detail) => {
  failed ||= !ok;
  console.log(`  ${ok ? 'ok' : 'FAILED'}: ${what}${detail === undefined ? '' : ` (${detail})`}`);
};

async function open(context, via) {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`  page error: ${error.message}`));
  await page.goto(`${origin}/?via=${via}`);
  await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'starting', null, { timeout: 20_000 });
  const out = await page.textContent('#out');
  if (out !== 'ready') throw new Error(`the page did not start: ${out}`);
  return page;
}

const increment = (page, n) => page.evaluate((n) => window.tabs.increment(n), n);
const countAt = (page, version) => page.evaluate((v) => window.tabs.at(v), version);
const count = (page) => page.evaluate(() => window.tabs.count());

async function run(via) {
  console.log(`tabs via ${via}:`);
  const context = await browser.newContext();
  try {
    const first = await open(context, via);
    const second = await open(context, via);
    const n = 50;
    const [a, b] = await Promise.all([increment(first, n), increment(second, n)]);
    const both = await Promise.all([countAt(first, 2 * n), countAt(second, 2 * n)]);
    check(`two tabs, ${n} increments each at once`, a.resolved === n && b.resolved === n && both.every((c) => c === 2 * n), `counts ${both.join(', ')}; rejected ${[...a.rejected, ...b.rejected].join('; ') || 'none'}`);

    // The first tab (the leader, with Web Locks) closes while two others commit.
    const third = await open(context, via);
    const busy = Promise.all([increment(second, 40), increment(third, 40)]);
    await second.waitForFunction((v) => window.tabs.version() >= v, 2 * n + 5);
    await first.close();
    const runs = await busy;
    const resolved = runs[0].resolved + runs[1].resolved;
    const rejected = [...runs[0].rejected, ...runs[1].rejected];
    const at = Math.max(...(await Promise.all([second, third].map((tab) => tab.evaluate(() => window.tabs.version())))));
    const [after, afterThird] = await Promise.all([countAt(second, at), countAt(third, at)]);
    const sure = 2 * n + resolved;
    check(
      'the first tab closes while two others commit; they go on, and agree',
      resolved > 5 && after === afterThird && after >= sure && after <= sure + rejected.length && rejected.every((r) => r.startsWith('TheusError')),
      `${resolved} resolved, ${rejected.length} rejected${rejected.length ? ` (${rejected[0]})` : ''}; counts ${after}, ${afterThird}`,
    );
    await third.close();
    const more = await increment(second, 5);
    check('after that, a tab commits as before', more.resolved === 5 && (await count(second)) === after + 5, `count ${await count(second)}`);

    const saved = await count(second);
    await second.reload();
    await second.waitForFunction(() => document.getElementById('out')?.textContent === 'ready', null, { timeout: 20_000 });
    check('a reload shows the last committed state', (await count(second)) === saved, `count ${await count(second)}, saved ${saved}`);
    const fourth = await open(context, via);
    check('a new tab shows it too', (await count(fourth)) === saved, `count ${await count(fourth)}`);

    // With no tab left the authority is gone (the SharedWorker too): the next tab resumes from the storage.
    await second.close();
    await fourth.close();
    const last = await open(context, via);
    check('every tab closed, the next one resumes from the storage', (await count(last)) === saved, `count ${await count(last)}`);
  } catch (error) {
    check('the run', false, error.message);
  } finally {
    await context.close();
  }
}

try {
  await run('shared-worker');
  await run('web-locks');
} catch (error) {
  check('set-up', false, error.message);
} finally {
  await browser.close();
  server.close();
  rmSync(outDir, { recursive: true, force: true });
}
if (failed) process.exit(1);
