// After tsc: the one thing tsc leaves for us. It rewrites the extensions of
// relative imports (rewriteRelativeImportExtensions) but not of a URL in
// `new URL('./worker-main.ts', import.meta.url)`, which must keep that exact
// form for bundlers to find the worker. So dist/ gets the .js name here,
// and the build fails if the pattern ever stops matching.
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../dist/link.js', import.meta.url);
const source = readFileSync(file, 'utf8');
const from = "new URL('./worker-main.ts', import.meta.url)";
if (!source.includes(from)) {
  console.error(`finish-dist: ${from} not found in dist/link.js`);
  process.exit(1);
}
writeFileSync(file, source.replaceAll(from, "new URL('./worker-main.js', import.meta.url)"));
