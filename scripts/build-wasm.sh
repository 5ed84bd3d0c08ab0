#!/usr/bin/env bash
# Builds rust/wasm into wasm-pkg/ with wasm-pack, then optimises it with
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
# -O3, not -Oz: with opt-level 3 (rust/Cargo.toml) a workflow step's call into
# the core took 3.5 µs instead of 6.3 and an execute was ~5% faster, for
# 5.8 KiB more brotli (127.8 KiB, under the 150 KiB goal).
node_modules/.bin/wasm-opt -O3 wasm-pkg/theus_wasm_bg.wasm -o wasm-pkg/theus_wasm_bg.wasm
node scripts/wasm-size.mjs
