#!/usr/bin/env bash
# The whole test run: set-up (skips what is present), build, type check, then
# the Rust unit tests and the one behaviour suite in Node, Chromium and Deno,
# each twice: engines in local mode, then in worker mode (the authority in a
# worker; test/support/worker-mode.ts); and once in Bun and in workerd
# (Cloudflare's runtime, through miniflare). Every runtime and mode must run a
# non-zero number of tests, or the run fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

bash scripts/setup.sh
npm run --silent build
node_modules/.bin/tsc -p tsconfig.json
# The edge example, against the built declarations and Workers' types only.
node_modules/.bin/tsc -p examples/edge/tsconfig.json

run() { # run NAME command...: tees the output to $logs/NAME
  local name=$1; shift
  echo "=== $name"
  # Colour codes are stripped from the copy that is counted below.
  "$@" 2>&1 | tee >(sed 's/\x1b\[[0-9;]*m//g' > "$logs/$name")
}
run cargo bash -c 'cd rust && cargo test --workspace --color never'
run vitest node_modules/.bin/vitest run --project node --project chromium --project node-worker --project chromium-worker --project workerd --reporter verbose --color=false
# Write access is for the scan tests' temporary folders.
run deno node_modules/.bin/deno test --allow-read --allow-env --allow-write --no-prompt
# The same suite with engines in workers (type-checked by the run above;
# checking again would re-check every worker module each time one starts).
run deno-worker node_modules/.bin/deno test --no-check --import-map=test/deno/worker-mode.importmap.json --allow-read --allow-env --allow-write --no-prompt
# Bun: each file in a fresh global (--isolate), as vitest and Deno run them;
# the init-* files each test a first load of the core.
run bun node_modules/.bin/bun test --isolate test/
run examples bash scripts/check-examples.sh
run package bash scripts/check-package.sh
run bundles node scripts/check-bundles.mjs
run tabs node scripts/check-tabs.mjs
run size node scripts/size.mjs
run playground bash scripts/check-playground.sh

wait # for the tee'd copies
cargo_count=$(grep -oE '^test result: ok\. [0-9]+ passed' "$logs/cargo" | awk '{ s += $4 } END { print s + 0 }')
node_count=$(grep -cE '^ +✓ +node ' "$logs/vitest" || true)
chromium_count=$(grep -cE '^ +✓ +chromium ' "$logs/vitest" || true)
node_worker_count=$(grep -cE '^ +✓ +node-worker ' "$logs/vitest" || true)
chromium_worker_count=$(grep -cE '^ +✓ +chromium-worker ' "$logs/vitest" || true)
workerd_count=$(grep -cE '^ +✓ +workerd ' "$logs/vitest" || true)
# deno test reports describe blocks as tests and each it() as a step.
deno_steps() { grep -oE '^ok \| [0-9]+ passed \(([0-9]+) steps?\)' "$1" | grep -oE '\(([0-9]+)' | tr -d '(' || true; }
deno_count=$(deno_steps "$logs/deno")
deno_worker_count=$(deno_steps "$logs/deno-worker")
bun_count=$(grep -cE '^\(pass\) ' "$logs/bun" || true)
# Playwright's list reporter ends with "  N passed (12.3s)".
playground_count=$(grep -oE '^ +[0-9]+ passed' "$logs/playground" | tail -1 | tr -dc '0-9' || true)

echo
echo "tests per runtime: cargo ${cargo_count:-0}, node ${node_count:-0}, chromium ${chromium_count:-0}, deno ${deno_count:-0}, bun ${bun_count:-0}, workerd ${workerd_count:-0}, playground ${playground_count:-0}"
echo "tests per runtime in worker mode: node ${node_worker_count:-0}, chromium ${chromium_worker_count:-0}, deno ${deno_worker_count:-0}"
for n in "${cargo_count:-0}" "${node_count:-0}" "${chromium_count:-0}" "${deno_count:-0}" "${bun_count:-0}" "${workerd_count:-0}" "${node_worker_count:-0}" "${chromium_worker_count:-0}" "${deno_worker_count:-0}" "${playground_count:-0}"; do
  [ "$n" -gt 0 ] || { echo "a runtime ran no tests" >&2; exit 1; }
done
total=$((cargo_count + node_count + chromium_count + deno_count + bun_count + workerd_count + node_worker_count + chromium_worker_count + deno_worker_count + ${playground_count:-0}))
echo "theus: $total passed, 0 failed"
