// The weight a user ships, against the goals, both enforced: the JavaScript
// a minimal app loads before its first commit (TheusEngine + process, no
// workflow: the "core path") at most 20 KB gzip, and the wasm at most 150
// KiB brotli. The app is bundled for the browser with esbuild (minified,
// code splitting), against the built package resolved through its exports;
// chunks reached only by a dynamic import (the extras, YAML) are reported,
// not counted.
import { mkdirSync, readFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const CORE_PATH_GZIP_LIMIT = 20 * 1000;
const WASM_BROTLI_LIMIT = 150 * 1024;

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'theus-size-'));
try {
  const app = join(work, 'app.js');
  writeFileSync(
    app,
    `import { process, TheusEngine } from 'theus';
const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
await engine.execute(process({ name: 'inc', outputs: ['domain_ctx.n'] }, (ctx) => { ctx.domain_ctx.n += 1; }));
`,
  );
  // 'theus' resolves as an installed package does, through its exports (the 'browser' condition here).
  mkdirSync(join(work, 'node_modules'));
  symlinkSync(root, join(work, 'node_modules/theus'), 'dir');
  const out = join(work, 'out');
  const { metafile } = await build({
    entryPoints: [app],
    bundle: true,
    minify: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: out,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = metafile.outputs;
  // The app's own chunk: every chunk a dynamic import reaches is an entry point too.
  const entry = Object.keys(outputs).find((name) => outputs[name].entryPoint?.endsWith('app.js'));
  // The entry and what it imports statically, transitively.
  const corePath = new Set();
  const visit = (name) => {
    if (corePath.has(name)) return;
    corePath.add(name);
    for (const imported of outputs[name].imports) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entry);
  const gzip = (name) => gzipSync(readFileSync(name), { level: 9 }).length;
  const sizes = Object.keys(outputs)
    .filter((name) => name.endsWith('.js'))
    .map((name) => ({ name, bytes: outputs[name].bytes, gzip: gzip(name), core: corePath.has(name), from: Object.keys(outputs[name].inputs).map((i) => i.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')) }));
  const core = sizes.filter((s) => s.core).reduce((sum, s) => sum + s.gzip, 0);
  const coreMin = sizes.filter((s) => s.core).reduce((sum, s) => sum + s.bytes, 0);
  const lazy = sizes.filter((s) => !s.core).reduce((sum, s) => sum + s.gzip, 0);
  const kb = (n) => (n / 1000).toFixed(1);
  for (const s of sizes.sort((a, b) => b.gzip - a.gzip)) {
    const top = [...new Set(s.from.map((f) => f.split('/')[0] === 'dist' ? f : f.split('/')[0]))].slice(0, 4).join(', ');
    console.log(`  ${s.core ? 'core' : 'lazy'}  ${kb(s.bytes).padStart(6)} KB min  ${kb(s.gzip).padStart(5)} KB gzip  ${top}`);
  }
  console.log(`size: core path ${kb(coreMin)} KB minified, ${kb(core)} KB gzip (${core} B; goal <= ${kb(CORE_PATH_GZIP_LIMIT)}); loaded when used: ${kb(lazy)} KB gzip`);
  if (core > CORE_PATH_GZIP_LIMIT) throw new Error(`size: the core path is ${core} B gzip, over ${CORE_PATH_GZIP_LIMIT}`);
  const wasm = readFileSync(join(root, 'wasm-pkg/theus_wasm_bg.wasm'));
  const brotli = brotliCompressSync(wasm, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(`size: wasm ${(wasm.length / 1024).toFixed(1)} KiB raw, ${(brotli / 1024).toFixed(1)} KiB brotli (goal <= ${WASM_BROTLI_LIMIT / 1024})`);
  if (brotli > WASM_BROTLI_LIMIT) throw new Error(`size: the wasm is ${(brotli / 1024).toFixed(1)} KiB brotli, over 150 KiB`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
