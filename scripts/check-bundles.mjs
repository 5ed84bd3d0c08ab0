// Builds the README's example (examples/readme.ts) for production, with
// `vite build` and with `esbuild --minify`, against the built package
// (dist/), serves each build and runs it in Chromium: process names, the
// wasm and everything else must survive minification.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as esbuild } from 'esbuild';
import { chromium } from 'playwright';
import { build as viteBuild } from 'vite';

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

async function builtWithEsbuild() {
  const outDir = join(work, 'esbuild');
  mkdirSync(join(outDir, 'js'), { recursive: true });
  await esbuild({ entryPoints: [join(page, 'main.ts')], bundle: true, minify: true, format: 'esm', splitting: true, outdir: join(outDir, 'js'), alias: { theus }, target: 'es2022', logLevel: 'warning' });
  // esbuild leaves `new URL('../wasm-pkg/theus_wasm_bg.wasm', import.meta.url)` as it is: put the file there.
  mkdirSync(join(outDir, 'wasm-pkg'));
  copyFileSync(join(root, 'wasm-pkg/theus_wasm_bg.wasm'), join(outDir, 'wasm-pkg/theus_wasm_bg.wasm'));
  const html = readFileSync(join(page, 'index.html'), 'utf8').replace('./main.ts', './js/main.js');
  return { outDir, html };
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

async function runIn(browser, dir, html) {
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
  try {
    const tab = await browser.newPage();
    await tab.goto(`http://127.0.0.1:${server.address().port}/`);
    await tab.waitForFunction(() => document.getElementById('out')?.textContent !== 'running', null, { timeout: 20_000 });
    return await tab.textContent('#out');
  } finally {
    server.close();
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = false;
try {
  const expected = 'ok Laptop,Mouse 1525 v2';
  for (const [how, built] of [
    ['vite build', async () => ({ outDir: await builtWithVite(), html: undefined })],
    ['esbuild --minify', builtWithEsbuild],
  ]) {
    const { outDir, html } = await built();
    const result = await runIn(browser, outDir, html);
    const ok = result === expected;
    failed ||= !ok;
    console.log(`bundle (${how}), chromium: ${ok ? result : `FAILED: ${result} (expected ${expected})`}`);
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
if (failed) process.exit(1);
