// What typed processes cost the compiler: `tsc --noEmit` over a context
// type with 200 paths and 50 processes, written with `processFor<Ctx>()`
// and a typed engine (paths, ctx, args and compareAndSwap writes checked),
// and with plain `process()` and an untyped engine, against the library alone. Wall time, median of 5 runs each.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/.bin/tsc');
const dir = mkdtempSync(join(root, 'bench/.typecheck-'));

// 10 groups x (15 fields + an array of items with 4 fields) under domain_ctx,
// plus global_ctx: 200 distinct paths, each also spelt through its layer's alias.
const groups = Array.from({ length: 10 }, (_, g) => `g${g}`);
const fields = Array.from({ length: 15 }, (_, f) => `f${f}`);
const contextType = `export interface Ctx {
  global_ctx: { ${groups.map((g) => `${g}_limit: number;`).join(' ')} };
  domain_ctx: {
${groups.map((g) => `    ${g}: { ${fields.map((f) => `${f}: number;`).join(' ')} rows: { id: number; name: string; price: number; tags: string[] }[] };`).join('\n')}
  };
}`;

const processes = (typed: boolean) =>
  Array.from({ length: 50 }, (_, i) => {
    const g = groups[i % groups.length];
    const f = fields[i % fields.length];
    return `export const p${i} = ${typed ? 'typed' : 'process'}({ inputs: ['domain_ctx.${g}.rows', 'global.${g}_limit'], outputs: ['domain_ctx.${g}.${f}', 'domain.${g}.rows[0].price'] },
  function p${i}(ctx${typed ? '' : ': any'}, { by }: { by: number }) {
    ctx.domain_ctx.${g}.${f} += by + ctx.domain_ctx.${g}.rows.length;
  });
export const run${i} = (engine: TheusEngine${typed ? '<Ctx>' : ''}) =>
  engine.execute(p${i}, { by: ${i} }).then(() => engine.compareAndSwap(engine.version, { data: { 'domain_ctx.${g}.${f}': ${i}, 'domain.${g}.rows[0].name': 'x' } }));`;
  }).join('\n');

const variants: Record<string, string> = {
  'the library alone': `export {};`,
  'plain process(), 50 processes': `import { process, type TheusEngine } from 'theus';\n${contextType}\n${processes(false)}`,
  'processFor<Ctx>(), 50 processes': `import { processFor, type TheusEngine } from 'theus';\n${contextType}\nconst typed = processFor<Ctx>();\n${processes(true)}`,
};

const time = (file: string): number => {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2023', 'ESNext.Disposable', 'DOM'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        allowImportingTsExtensions: true,
        // As users meet it: the built declarations (npm run build).
        paths: { theus: [join(root, 'dist/index.d.ts')] },
      },
      files: [file],
    }),
  );
  const started = performance.now();
  execFileSync(tsc, ['-p', join(dir, 'tsconfig.json')], { stdio: 'inherit' });
  return performance.now() - started;
};

try {
  const rows: [string, number][] = [];
  for (const [name, source] of Object.entries(variants)) {
    const file = join(dir, `${name.replace(/\W+/g, '-')}.ts`);
    writeFileSync(file, source);
    const runs = Array.from({ length: 5 }, () => time(file)).sort((a, b) => a - b);
    rows.push([name, runs[2]]);
  }
  const base = rows[0][1];
  console.log('tsc --noEmit, median of 5 (ms) | over the library alone');
  for (const [name, ms] of rows) console.log(`${name.padEnd(34)} ${ms.toFixed(0).padStart(6)} | ${(ms - base).toFixed(0).padStart(5)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
