# Sourced by setup.sh and build-wasm.sh: decides which Rust toolchain builds
# for wasm32, so both scripts agree without a state file.
#
# A rustup toolchain that already has the wasm32-unknown-unknown target (a
# developer laptop) wins. Otherwise we use Debian's rustc-web, linked into
# rustup as "debian-web": on a machine that reaches only the package
# registries, rustup cannot download targets.

THEUS_WASM_TARGET=wasm32-unknown-unknown
THEUS_DEBIAN_SYSROOT=/usr/lib/rustlib/$THEUS_WASM_TARGET/lib

rustup_has_wasm_target() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx "$THEUS_WASM_TARGET"
}

debian_toolchain_ready() {
  [ -x /usr/bin/rustc ] && [ -f "$THEUS_DEBIAN_SYSROOT/.rustc-stamp" ] &&
    [ "$(cat "$THEUS_DEBIAN_SYSROOT/.rustc-stamp")" = "$(/usr/bin/rustc -vV)" ]
}

# Prints the environment assignments a wasm32 build needs, or fails.
wasm_toolchain_env() {
  if rustup_has_wasm_target; then
    echo ""
  elif debian_toolchain_ready; then
    if command -v rustup >/dev/null 2>&1; then
      echo "RUSTUP_TOOLCHAIN=debian-web"
    else
      echo "PATH=/usr/bin:$PATH"
    fi
  else
    return 1
  fi
}
