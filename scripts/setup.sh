#!/usr/bin/env bash
# Installs everything `npm test` needs, skipping what is already present, and
# says how long each step took. Every tool comes from crates.io, npm or
# Debian's archive: a build machine may reach nothing else (no GitHub, no
# rustup servers, no browser downloads).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh

export PATH="$HOME/.cargo/bin:$PATH"
setup_start=$SECONDS

step() { # step "what" check-command do-command
  local what=$1 check=$2 action=$3 t=$SECONDS
  if $check; then
    echo "setup: $what: present, skipped"
  else
    echo "setup: $what: installing..."
    $action
    $check || { echo "setup: $what: still missing after install" >&2; exit 1; }
    echo "setup: $what: done in $((SECONDS - t)) s"
  fi
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "setup: need root to run: $*" >&2; exit 1
  fi
}

apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The wasm-bindgen CLI must match the library version exactly, or wasm-pack
# tries to download a matching one from GitHub and fails.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' rust/Cargo.lock)

# --- Rust with a wasm32 standard library -----------------------------------
wasm_rust_ready() { wasm_toolchain_env >/dev/null; }
install_wasm_rust() {
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
  build_debian_std
  command -v rustup >/dev/null 2>&1 && rustup toolchain link debian-web /usr
  true
}
# Debian ships the std sources (with vendored dependencies) but no wasm32
# rlibs for rustc-web, so we build them once into the system sysroot. They are
# tied to the exact rustc build, hence the stamp.
build_debian_std() {
  local crate
  crate=$(mktemp -d)
  mkdir -p "$crate/src" "$crate/.cargo"
  printf '[package]\nname = "stdbuild"\nversion = "0.0.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n[profile.release]\npanic = "abort"\n' > "$crate/Cargo.toml"
  : > "$crate/src/lib.rs"
  printf '[source.crates-io]\nreplace-with = "std-vendor"\n[source.std-vendor]\ndirectory = "/usr/lib/rustlib/src/rust/library/vendor"\n' > "$crate/.cargo/config.toml"
  (cd "$crate" && RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 RUSTUP_TOOLCHAIN= /usr/bin/cargo build -q --release --offline \
    --target "$THEUS_WASM_TARGET" -Zbuild-std=std,panic_abort)
  as_root mkdir -p "$THEUS_DEBIAN_SYSROOT"
  as_root cp "$crate"/target/$THEUS_WASM_TARGET/release/deps/*.rlib "$THEUS_DEBIAN_SYSROOT/"
  /usr/bin/rustc -vV | as_root tee "$THEUS_DEBIAN_SYSROOT/.rustc-stamp" >/dev/null
  rm -rf "$crate"
}
step "Rust wasm32 toolchain" wasm_rust_ready install_wasm_rust

# --- wasm-bindgen CLI and wasm-pack (from crates.io) -------------------------
bindgen_ready() { [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $bindgen_version" ]; }
# Not --locked: its lock file pins a crate version the registry mirror lacks.
install_bindgen() { cargo install -q wasm-bindgen-cli --version "=$bindgen_version" --force; }
step "wasm-bindgen-cli $bindgen_version" bindgen_ready install_bindgen

pack_ready() { command -v wasm-pack >/dev/null 2>&1; }
install_pack() { cargo install -q wasm-pack --locked; }
step "wasm-pack" pack_ready install_pack

# --- Chromium (Debian) -------------------------------------------------------
chromium_ready() { [ -x /usr/bin/chromium ]; }
step "Chromium" chromium_ready "apt_install chromium"

# --- npm packages (vitest, Deno, binaryen's wasm-opt, ...) -------------------
# `npm ci` normally ran before `npm test` calls us; a plain `npm test`
# on a checkout without node_modules gets them here.
npm_ready() { [ -x node_modules/.bin/vitest ] && [ -x node_modules/.bin/deno ] && [ -x node_modules/.bin/bun ] && [ -x node_modules/.bin/wasm-opt ]; }
step "npm packages" npm_ready "npm ci --ignore-scripts --no-audit --no-fund"
deno_ready() { node_modules/.bin/deno --version >/dev/null 2>&1; }
step "Deno" deno_ready "npm rebuild deno"
# Like Deno's, Bun's binary comes in by its package's install script.
bun_ready() { node_modules/.bin/bun --version >/dev/null 2>&1; }
step "Bun" bun_ready "npm rebuild bun"

echo "setup: all present ($((SECONDS - setup_start)) s in all)"
