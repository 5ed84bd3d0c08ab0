#!/usr/bin/env bash
# Checks that the package works as a dependency, as a user installs it: from
# the checkout's path and from the packed tarball (which holds only `files`),
# imported by name in Node and in Deno.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deno="$root/node_modules/.bin/deno"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/main.mjs" <<'JS'
import { init, process, TheusEngine, ContractViolationError, coreVersion } from 'theus';
await init();
const engine = await TheusEngine.create({ domain_ctx: { items: [] } });
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
  (cd "$1" && echo "package ($2), node: $(node main.mjs)" && echo "package ($2), deno: $("$deno" run --allow-read --allow-env main.mjs)")
}

mkdir "$work/from-path" "$work/from-tarball"
(cd "$work/from-path" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "$root")
try_in "$work/from-path" "npm install <checkout>"

tarball=$(cd "$root" && npm pack --silent --ignore-scripts --pack-destination "$work")
(cd "$work/from-tarball" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent "$work/$tarball")
try_in "$work/from-tarball" "npm install <tarball>"

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
