#!/usr/bin/env bash
# Checks that the package works as a dependency, as a user installs it: from
# the checkout's path and from the packed tarball (which holds only `files`),
# imported by name in Node, Deno and Bun.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deno="$root/node_modules/.bin/deno"
bun="$root/node_modules/.bin/bun"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/main.mjs" <<'JS'
import { init, process, TheusEngine, ContractViolationError, coreVersion } from 'theus';
import { connectDevtools } from 'theus/devtools';
import { fileStorage } from 'theus/storage/file';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
await init();
// A commit that survives the engine: saved to a directory, resumed from it.
const dir = `${tmpdir()}/theus-check-package-${Date.now()}-${Math.random()}`;
const storage = fileStorage(dir);
const saving = await TheusEngine.create({ domain_ctx: { n: 0, at: new Map() } }, { storage });
await saving.execute(process({ name: 'inc', outputs: ['domain_ctx.n', 'domain_ctx.at'] }, (ctx) => { ctx.domain_ctx.n += 1; ctx.domain_ctx.at.set(1, new Date(1)); }));
saving.dispose();
await storage.close();
const resumedStorage = fileStorage(dir);
const resumed = await TheusEngine.create({ domain_ctx: {} }, { storage: resumedStorage });
if (resumed.version !== 1 || resumed.state.domain_ctx.at.get(1).getTime() !== 1) throw new Error('theus/storage/file misbehaves');
resumed.dispose();
await resumedStorage.close();
await rm(dir, { recursive: true, force: true });
const engine = await TheusEngine.create({ domain_ctx: { items: [] } });
connectDevtools(engine)(); // no extension here: connects nothing, and must not throw
engine.register(process({ inputs: ['domain.items'] }, function count_items() {}));
let refused = false;
try {
  engine.register(process({ inputs: ['domain.__proto__'] }, function polluter() {}));
} catch (error) {
  refused = error instanceof ContractViolationError;
}
if (!refused || engine.contractOf('count_items').inputs[0].path !== 'domain_ctx.items') throw new Error('theus misbehaves');
console.log(`ok: theus ${coreVersion()}`);
JS

try_in() { # try_in DIR how-it-was-installed
  cp "$work/main.mjs" "$1/"
  (cd "$1" && echo "package ($2), node: $(node main.mjs)" && echo "package ($2), deno: $("$deno" run --allow-read --allow-write --allow-env main.mjs)" \
    && echo "package ($2), bun: $("$bun" main.mjs)")
}

mkdir "$work/from-path" "$work/from-tarball"
(cd "$work/from-path" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "$root")
try_in "$work/from-path" "npm install <checkout>"

# prepack runs: it refuses a checkout that is not built or built from older sources.
tarball=$(cd "$root" && npm pack --silent --pack-destination "$work")
(cd "$work/from-tarball" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "$work/$tarball")
try_in "$work/from-tarball" "npm install <tarball>"

# A checkout that is not built, installed as a dependency where it cannot be
# built (no wasm32 Rust, no dev dependencies): the install fails and says what
# it needs, rather than installing a package that cannot be imported; and
# such a checkout cannot be packed.
unbuilt="$work/unbuilt"
mkdir -p "$unbuilt/scripts" "$work/from-unbuilt"
cp "$root/package.json" "$root/LICENSE" "$unbuilt/" && cp "$root/scripts/prepare.mjs" "$root/scripts/toolchain.sh" "$root/scripts/build-wasm.sh" "$unbuilt/scripts/"
if (cd "$work/from-unbuilt" && npm init -y >/dev/null && npm install --no-audit --no-fund "$unbuilt" >"$work/unbuilt.log" 2>&1); then
  echo "package (unbuilt checkout): installed without a build" >&2
  exit 1
fi
grep -q 'this machine cannot build it' "$work/unbuilt.log" || { cat "$work/unbuilt.log" >&2; exit 1; }
if (cd "$unbuilt" && npm pack --dry-run >"$work/unbuilt-pack.log" 2>&1); then
  echo "package (unbuilt checkout): packed" >&2
  exit 1
fi
grep -q 'refusing to pack a checkout that is not built' "$work/unbuilt-pack.log" || { cat "$work/unbuilt-pack.log" >&2; exit 1; }
echo "package (unbuilt checkout): its install fails saying what building needs; npm pack refuses it"

# The declarations, as a TypeScript or Deno user meets them, with the
# package's own declarations checked too (skipLibCheck off): node16/nodenext
# with Node's types and no DOM, a bundler with the DOM, a lib without
# ESNext or the DOM, a web worker's lib, and deno check; and under
# TypeScript 5, which most projects still use, also node10 (subpaths through
# typesVersions: node10 reads no exports). (Workers' types:
# examples/edge, in npm test.)
cat > "$work/consumer.ts" <<'TS'
import { init, process, TheusEngine, TheusError, type AuditRecord, type EngineOptions } from 'theus';
import { init as initSlim } from 'theus/slim';
import { serve } from 'theus/worker';
import { durableObjectStorage } from 'theus/storage/durable-object';
import { fileStorage, type FileStorageOptions } from 'theus/storage/file';
import { indexedDbStorage } from 'theus/storage/indexeddb';
import { connectDevtools } from 'theus/devtools';
import wasm from 'theus/theus.wasm';

const add = process({ name: 'add', inputs: ['domain_ctx.n'], outputs: ['domain_ctx.n'] }, (ctx, { by }: { by: number }) => {
  ctx.domain_ctx.n += by;
});
export async function main(options: EngineOptions): Promise<number> {
  await init();
  const engine = await TheusEngine.create({ domain_ctx: { n: 0 } }, options);
  const off = engine.audit.subscribe((record: AuditRecord) => void record.outcome);
  const disconnect = connectDevtools(engine, { name: 'consumer' });
  await engine.execute(add, { by: 2 });
  disconnect();
  off();
  const n: number = engine.state.domain_ctx.n;
  engine.dispose();
  return n;
}
export const used = [initSlim, serve, durableObjectStorage, TheusError];
// What wrangler's .wasm import gives, as the docs show for Cloudflare Workers.
export const bringTheWasm = () => initSlim({ wasm });
const fileOptions: FileStorageOptions = { snapshotEvery: 500, groupCommit: true };
export const storages: EngineOptions['storage'][] = [fileStorage('./data', fileOptions), indexedDbStorage('shop')];
TS
# TypeScript 5 from the registry, beside this checkout's TypeScript 7 (as a
# devDependency under another name its `tsc` binary would take the place of 7's).
mkdir "$work/typescript-5"
(cd "$work/typescript-5" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent typescript@5.9.3 && mv node_modules/typescript "$work/typescript-5/typescript-5")
types_in() { # types_in DIR how-it-was-installed
  cp "$work/consumer.ts" "$1/"
  (cd "$1" && npm pkg set type=module)
  local ts ts_dir module resolution lib types
  while read -r ts module resolution lib types; do
    ts_dir=$root/node_modules
    [ "$ts" = typescript-5 ] && ts_dir=$work/typescript-5
    cat > "$1/tsconfig.json" <<JSON
{ "compilerOptions": { "module": "$module", "moduleResolution": "$resolution", "lib": [$lib], "types": [$types],
  "typeRoots": ["$root/node_modules/@types"], "target": "ES2022", "strict": true, "noEmit": true, "skipLibCheck": false },
  "files": ["consumer.ts"] }
JSON
    (cd "$1" && node "$ts_dir/$ts/bin/tsc" -p tsconfig.json) || { echo "check-package ($2): types fail under $ts with module $module, resolution $resolution, lib [$lib], types [$types]" >&2; exit 1; }
  done <<'CONFIGS'
typescript node16 node16 "ES2022" "node"
typescript nodenext nodenext "ES2023" "node"
typescript esnext bundler "ES2022","DOM" 
typescript esnext bundler "ES2020" 
typescript esnext bundler "ES2022","WebWorker" 
typescript-5 commonjs node10 "ES2022" "node"
typescript-5 node16 node16 "ES2022" "node"
typescript-5 esnext bundler "ES2022","DOM" 
CONFIGS
  rm "$1/tsconfig.json"
  (cd "$1" && "$deno" check consumer.ts) || { echo "check-package ($2): deno check fails" >&2; exit 1; }
  echo "package ($2), types: TypeScript 7 under node16, nodenext, bundler, a lib without ESNext or the DOM, a web worker's; TypeScript 5 under node10, node16, bundler; deno check"
}
types_in "$work/from-path" "npm install <checkout>"
types_in "$work/from-tarball" "npm install <tarball>"

# theus/react as its users have it: React (an optional peer dependency, so
# the installs above went without it) installed beside theus; the versions
# of this checkout's lock, so that npm takes them from its cache.
react_version=$(node -p "require('$root/node_modules/react/package.json').version")
types_react_version=$(node -p "require('$root/node_modules/@types/react/package.json').version")
types_react_dom_version=$(node -p "require('$root/node_modules/@types/react-dom/package.json').version")
(cd "$work/from-tarball" && npm install --no-audit --no-fund --silent "react@$react_version" "react-dom@$react_version" "@types/react@$types_react_version" "@types/react-dom@$types_react_dom_version")
cat > "$work/from-tarball/react-app.ts" <<'TS'
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { process, TheusEngine } from 'theus';
import { shallowEqual, useTheus } from 'theus/react';

const engine = await TheusEngine.create({ domain_ctx: { n: 41, label: 'n' } });
await engine.execute(process({ name: 'inc', outputs: ['domain_ctx.n'] }, (ctx) => { ctx.domain_ctx.n += 1; }));
function Counter() {
  const n: number = useTheus(engine, (s) => s.domain_ctx.n);
  const { label } = useTheus(engine, (s) => ({ label: s.domain_ctx.label }), shallowEqual);
  return createElement('output', null, `${label} = ${n}`);
}
console.log(renderToString(createElement(Counter)));
TS
cat > "$work/from-tarball/tsconfig.json" <<'JSON'
{ "compilerOptions": { "module": "nodenext", "moduleResolution": "nodenext", "lib": ["ES2022", "DOM"], "types": [], "target": "ES2022",
  "strict": true, "noEmit": true, "skipLibCheck": false }, "files": ["react-app.ts"] }
JSON
(cd "$work/from-tarball" && "$root/node_modules/.bin/tsc" -p tsconfig.json && rm tsconfig.json) || { echo "check-package: theus/react's types fail" >&2; exit 1; }
served=$(cd "$work/from-tarball" && "$root/node_modules/.bin/tsx" react-app.ts)
[ "$served" = "<output>n = 42</output>" ] || { echo "check-package: theus/react rendered '$served' on the server" >&2; exit 1; }
echo "package (npm install <tarball> with react), theus/react: types check, server rendering gives $served"

# A plain bundle for the browser (no bundler defines, as an edge bundle or a
# page with an import map gets) must not read `process`, which those lack.
cat > "$work/from-tarball/app.mjs" <<'JS'
import { process, TheusEngine } from 'theus';
const engine = await TheusEngine.create({ domain_ctx: { n: 0 } });
await engine.execute(process({ outputs: ['domain_ctx.n'], name: 'inc' }, (ctx) => { ctx.domain_ctx.n += 1; }));
JS
"$root/node_modules/.bin/esbuild" "$work/from-tarball/app.mjs" --bundle --format=esm --platform=browser --splitting \
  --outdir="$work/bundle" --loader:.wasm=file --log-level=warning
if grep -n 'process\.env' "$work"/bundle/*.js; then
  echo "check-package: the browser bundle reads process.env" >&2
  exit 1
fi
echo "package (browser bundle): no process.env"

# At the edge (workerd), as wrangler bundles a Worker: examples/edge, the
# 'edge-light' entry, and the guidance a wrong entry gets.
node "$root/scripts/check-edge.mjs" "$work/from-tarball"
