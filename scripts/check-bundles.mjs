// Builds the README's example (examples/readme.ts) for production, with
// `vite build` and with `esbuild --minify`, against the built package
// (dist/), serves each build and runs it in Chromium: process names, the
// wasm and everything else must survive minification. Then runs it under
// Vite's dev server with theus installed as a dependency, which the dev
// server pre-bundles away from its wasm and its worker, with an engine in
// the package's worker (worker: true) beside it.
import { cpSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { chromium } from 'playwright';
import { build as viteBuild, createServer as viteServer } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const page = fileURLToPath(new URL('./bundles/', import.meta.url));
// What the package's 'browser' export condition gives.
const theus = join(root, 'dist/browser.js');
const work = mkdtempSync(join(tmpdir(), 'theus-bundles-'));

async function builtWithVite() {
  const outDir = join(work, 'vite');
  await viteBuild({ root: page, configFile: false, logLevel: 'warn', resolve: { alias: { theus } }, build: { outDir, minify: true, target: 'es2022' } });
  return outDir;
}

async function builtWithEsbuild({ shipWasm = true } = {}) {
  const outDir = join(work, shipWasm ? 'esbuild' : 'esbuild-no-wasm');
  mkdirSync(join(outDir, 'js'), { recursive: true });
  await esbuild({ entryPoints: [join(page, 'main.ts')], bundle: true, minify: true, format: 'esm', splitting: true, outdir: join(outDir, 'js'), alias: { theus }, target: 'es2022', logLevel: 'warning' });
  // esbuild leaves `new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url)` as it is: put the file there.
  if (shipWasm) {
    mkdirSync(join(outDir, 'wasm-pkg'));
    copyFileSync(join(root, 'wasm-pkg/theus_wasm_bg.wasm'), join(outDir, 'wasm-pkg/theus_wasm_bg.wasm'));
  }
  const html = readFileSync(join(page, 'index.html'), 'utf8').replace('./main.ts', './js/main.js');
  return { outDir, html };
}

/** A project with theus installed (a copy, as npm installs it) and served by Vite's dev server, with no config. */
async function servedByViteDev() {
  const dir = join(work, 'dev');
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, 'theus'), { recursive: true });
  for (const entry of ['package.json', 'dist', 'wasm-pkg']) cpSync(join(root, entry), join(modules, 'theus', entry), { recursive: true });
  for (const dependency of ['comlink', 'yaml', 'devalue']) symlinkSync(join(root, 'node_modules', dependency), join(modules, dependency));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: { theus: '*' } }));
  for (const file of ['readme.ts', 'started-directly.ts']) copyFileSync(join(root, 'examples', file), join(dir, file));
  writeFileSync(join(dir, 'index.html'), readFileSync(join(page, 'index.html'), 'utf8').replace('./main.ts', './main.js'));
  writeFileSync(
    join(dir, 'main.js'),
    `import { process, TheusEngine } from 'theus';
import { main } from './readme.ts';
async function inWorker() {
  const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, { worker: true });
  const inc = process({ name: 'inc', outputs: ['domain_ctx.n'] }, (ctx) => void (ctx.domain_ctx.n += 1));
  await Promise.all(Array.from({ length: 20 }, () => engine.execute(inc)));
  const { n } = engine.state.domain_ctx;
  engine.dispose();
  return n;
}
const out = document.getElementById('out');
Promise.all([main(), inWorker()]).then(
  ([result, n]) => (out.textContent = \`ok \${result} worker \${n}\`),
  (error) => (out.textContent = \`error \${error.name}: \${error.message}\`),
);
`,
  );
  const server = await viteServer({ root: dir, configFile: false, logLevel: 'warn', server: { port: 0, host: '127.0.0.1' } });
  await server.listen();
  return { url: server.resolvedUrls.local[0], close: () => server.close() };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Serves a built folder (with `html` as its page, if given). */
async function served(dir, html) {
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    try {
      const body = path === '/' && html ? html : readFileSync(join(dir, path === '/' ? 'index.html' : path));
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

async function runIn(browser, { url, close }) {
  try {
    const tab = await browser.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: 30_000 });
    return await tab.textContent('#out');
  } finally {
    await close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = false;
try {
  const expected = 'ok Laptop,Mouse 1525 v2';
  for (const [how, server, wanted] of [
    ['vite build', async () => served(await builtWithVite()), expected],
    ['esbuild --minify', async () => {
      const { outDir, html } = await builtWithEsbuild();
      return served(outDir, html);
    }, expected],
    ['vite dev server, pre-bundled', servedByViteDev, `${expected} worker 20`],
    // Without the file, the error says what to do about it.
    ['esbuild --minify, the wasm not copied', async () => {
      const { outDir, html } = await builtWithEsbuild({ shipWasm: false });
      return served(outDir, html);
    }, /^error TheusError: init\(\): could not load the Theus WebAssembly core from http:\/\/.*\/wasm-pkg\/theus_wasm_bg\.wasm: HTTP 404.*; the bundler did not ship the wasm beside the module .*: copy node_modules\/theus\/wasm-pkg\/theus_wasm_bg\.wasm to that URL/],
  ]) {
    const result = await runIn(browser, await server());
    const ok = wanted instanceof RegExp ? wanted.test(result) : result === wanted;
    failed ||= !ok;
    console.log(`bundle (${how}), chromium: ${ok ? result : `FAILED: ${result} (expected ${wanted})`}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exit(1);
