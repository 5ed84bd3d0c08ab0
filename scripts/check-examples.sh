#!/usr/bin/env bash
# The examples as a reader runs them: each under Node (tsx), Deno and Bun, started
# directly (so their main() runs), each with a line it must print.
set -euo pipefail
cd "$(dirname "$0")/.."
deno=node_modules/.bin/deno
tsx=node_modules/.bin/tsx
bun=node_modules/.bin/bun

while read -r example expected; do
  for runtime in node deno bun; do
    case $runtime in
      node) run=("$tsx" "$example") ;;
      deno) run=("$deno" run --allow-read --allow-write --allow-env "$example") ;;
      bun) run=("$bun" "$example") ;;
    esac
    out=$("${run[@]}" 2>&1) || { echo "$out" >&2; echo "check-examples: $example failed under $runtime" >&2; exit 1; }
    grep -qF -- "$expected" <<<"$out" || { echo "$out" >&2; echo "check-examples: $example under $runtime did not print: $expected" >&2; exit 1; }
  done
  echo "example $example: node (tsx), deno and bun print \"$expected\""
done <<'EXAMPLES'
examples/readme.ts Laptop,Mouse 1525 v2
examples/typed.ts count 1, canUndo true, undone Laptop, redone Laptop,Mouse, v5
examples/file-storage.ts v2, 2 orders, a-2 25 cents on 2026-01-01 (Money: false), tags ordered
examples/contracts.ts add_product [effect]
examples/warehouse.ts sig_restock_needed: true, total_value: 1900
examples/worker.ts after 20 concurrent orders: total 30 here, 30 in the replica, version 21
examples/agent_loop/main.ts Complete: goal reached true after 7 steps
EXAMPLES
