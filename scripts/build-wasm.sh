#!/usr/bin/env bash
# Builds rust/wasm into wasm-pkg/ with wasm-pack, then shrinks it with
# wasm-opt from the npm package binaryen: wasm-pack's own would download
# binaryen from GitHub, and Debian's wasm-opt 108 predates wasm-bindgen's
# externref table and emits a module that fails to instantiate.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
export PATH="$HOME/.cargo/bin:$PATH"

toolchain_env=$(wasm_toolchain_env) || {
  echo "build-wasm: no Rust toolchain with the $THEUS_WASM_TARGET target; run: npm run setup" >&2
  exit 1
}
# wasm-pack's "failed to get wasm-pack version" warning is harmless noise;
# filtering it must not hide a failed build (pipefail keeps wasm-pack's status).
env $toolchain_env wasm-pack --log-level warn build rust/wasm --target web --release --no-pack \
  --out-dir ../../wasm-pkg --out-name theus_wasm 2>&1 | { grep -v 'wasm-pack version' || true; }
test -f wasm-pkg/theus_wasm_bg.wasm || { echo "build-wasm: wasm-pack produced no wasm" >&2; exit 1; }
node scripts/patch-glue.mjs
node_modules/.bin/wasm-opt -Oz wasm-pkg/theus_wasm_bg.wasm -o wasm-pkg/theus_wasm_bg.wasm
node scripts/wasm-size.mjs
