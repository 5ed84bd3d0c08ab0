// After tsc: what tsc leaves for us.
// 1. It rewrites the extensions of relative imports in JavaScript
//    (rewriteRelativeImportExtensions) but not of a URL in
//    `new URL('./worker-main.ts', import.meta.url)` (and the SharedWorker's), which must keep that
//    exact form for bundlers to find the worker. So dist/ gets the .js name
//    here, and the build fails if the pattern ever stops matching.
// 2. It leaves `.ts` in the imports of declaration files, which resolve
//    under no module setting of a consumer (nor `deno check`): .js here.
// 3. Deno takes a package's files for npm's (an import of './x.js' in a
//    declaration means './x.d.ts') only inside node_modules; through a linked
//    install (npm install <checkout>, which links the folder) they are its
//    own modules, typed by a @ts-self-types comment. It goes on the first
//    line, so that source maps stay right.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';

// The package's workers: the dedicated one (link.js) and the tabs' SharedWorker (tabs.js).
for (const [module, worker] of [['link', 'worker-main'], ['tabs', 'shared-worker-main']]) {
  const file = new URL(`../dist/${module}.js`, import.meta.url);
  const source = readFileSync(file, 'utf8');
  const from = `new URL('./${worker}.ts', import.meta.url)`;
  if (!source.includes(from)) {
    console.error(`finish-dist: ${from} not found in dist/${module}.js`);
    process.exit(1);
  }
  writeFileSync(file, source.replaceAll(from, `new URL('./${worker}.js', import.meta.url)`));
}

const dist = new URL('../dist/', import.meta.url);

// 4. The types of `theus/theus.wasm`, which has no module of its own: what a
//    `.wasm` import gives where a bundler compiles it (wrangler: a compiled
//    module), typed as what `init({ wasm })` takes.
writeFileSync(
  new URL('theus-wasm.d.ts', dist),
  "// The Theus core as a `.wasm` import gives it where a bundler compiles such imports (wrangler: a\n" +
    "// WebAssembly.Module): pass it to init({ wasm }). Elsewhere pass its URL, as\n" +
    "// new URL(import.meta.resolve('theus/theus.wasm')) in Node, Deno and Bun.\n" +
    "import type { WasmSource } from './init.js';\ndeclare const wasm: WasmSource;\nexport default wasm;\n",
);
for (const name of readdirSync(dist, { recursive: true }).filter((n) => n.endsWith('.d.ts'))) {
  const path = new URL(name, dist);
  writeFileSync(path, readFileSync(path, 'utf8').replace(/(from |import\()(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
}

for (const name of readdirSync(dist, { recursive: true }).filter((n) => n.endsWith('.js'))) {
  const path = new URL(name, dist);
  const types = name.replace(/^.*\//, '').replace(/\.js$/, '.d.ts');
  if (!existsSync(new URL(name.replace(/\.js$/, '.d.ts'), dist))) continue;
  const source = readFileSync(path, 'utf8');
  if (!source.startsWith('/* @ts-self-types')) writeFileSync(path, `/* @ts-self-types="./${types}" */ ${source}`);
}
