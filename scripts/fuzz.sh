#!/usr/bin/env bash
# Fuzzes the core's parsers and compilers (rust/fuzz): paths, conditions,
# audit recipes, Flux workflows. Not part of npm test: each target runs for
# FUZZ_SECONDS (default 600), two at a time. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets a stable toolchain take
# the instrumentation flags. No sanitizer: the engine crate has no unsafe
# code, so what can go wrong is a panic (an assertion in a target, an index
# out of bounds, an overflow: debug assertions are on), which libFuzzer
# reports with the input in rust/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/../rust/fuzz"
seconds=${FUZZ_SECONDS:-600}
targets=(path_parse condition_parse recipe_load flux_compile)
export RUSTC_BOOTSTRAP=1
cargo fuzz build -s none >/dev/null
run() {
  local target=$1
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  cargo fuzz run -s none "$target" "corpus/$target" -- -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
    > "fuzz-$target.log" 2>&1 && echo "$target: no failure in ${seconds} s ($(grep -oE 'stat::number_of_executed_units: [0-9]+' "fuzz-$target.log" | awk '{print $2}') runs)" \
    || { echo "$target: FAILED, see rust/fuzz/fuzz-$target.log and rust/fuzz/artifacts/$target"; return 1; }
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" & first=$!
  if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & second=$!; wait $second || status=1; fi
  wait $first || status=1
done
exit $status
