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
command -v wasm-pack >/dev/null || { echo "build-wasm: wasm-pack is not installed; run: npm run setup" >&2; exit 1; }
[ -x node_modules/.bin/wasm-opt ] || { echo "build-wasm: node_modules/.bin/wasm-opt is missing; run: npm ci" >&2; exit 1; }
# --check: only whether this machine can build (scripts/prepare.mjs asks).
[ "${1:-}" = --check ] && exit 0

# Built aside and moved into wasm-pkg/ only when every step succeeded: a
# failed step must not leave a new but unfinished wasm that looks built.
out=wasm-pkg.partial
rm -rf "$out"
# Panic messages carry source paths: the builder's home and checkout stay out
# of the shipped wasm (and rebuilds elsewhere come out byte-identical).
cargo_home=${CARGO_HOME:-$HOME/.cargo}
export RUSTFLAGS="${RUSTFLAGS:-} --remap-path-prefix=$cargo_home/registry/src=/cargo --remap-path-prefix=$PWD=/theus"
# wasm-pack's "failed to get wasm-pack version" warning is harmless noise;
# filtering it must not hide a failed build (pipefail keeps wasm-pack's status).
env $toolchain_env wasm-pack --log-level warn build rust/wasm --target web --release --no-pack \
  --out-dir "../../$out" --out-name theus_wasm 2>&1 | { grep -v 'wasm-pack version' || true; }
test -f "$out/theus_wasm_bg.wasm" || { echo "build-wasm: wasm-pack produced no wasm" >&2; exit 1; }
node scripts/patch-glue.mjs "$out"
# -O3, not -Oz: with opt-level 3 (rust/Cargo.toml) a workflow step's call into
# the core took 3.5 µs instead of 6.3 and an execute was ~5% faster, for
# 5.8 KiB more brotli (127.8 KiB, under the 150 KiB goal).
node_modules/.bin/wasm-opt -O3 "$out/theus_wasm_bg.wasm" -o "$out/theus_wasm_bg.wasm"
rm -f "$out/.gitignore"
mv -f "$out"/* wasm-pkg/
rmdir "$out"
node scripts/wasm-size.mjs
