#!/usr/bin/env bash
# Runs each libFuzzer target (tests/fuzz/fuzz-NAME.c) for N seconds (default 30) from a clang
# build of its own (build-fuzz: ASan + UBSan, the code under test instrumented for coverage,
# no window), starting from its corpus tests/fuzz/corpus/NAME. New inputs that add coverage
# are merged into that corpus (review them with `git status`, commit the ones worth keeping);
# a crash is saved as build-fuzz/crashes/NAME-crash-… and ends the script with status 1, as
# does a target that does not build (the others still run).
# Usage: tools/fuzz.sh [SECONDS] [NAME…]   (names default to the list in tests/fuzz/meson.build)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
shift || true
case "$secs" in (''|*[!0-9]*) echo "usage: $0 [SECONDS] [NAME…]" >&2; exit 2 ;; esac
tools/deps.sh fuzz
if ! command -v clang >/dev/null || ! echo 'int LLVMFuzzerTestOneInput(const char*d,long n){return 0;}' |
     clang -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
  echo "tools/fuzz.sh needs clang with libFuzzer: apt-get install clang libclang-rt-14-dev" >&2
  exit 1
fi
build=${FUZZ_BUILD_DIR:-build-fuzz}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  # The names in "fuzz_targets = { 'NAME': …, }".
  mapfile -t targets < <(sed -n "/^fuzz_targets = {/,/^}/s/^ *'\([a-z0-9_-]*\)' *:.*/\1/p" \
                           tests/fuzz/meson.build)
fi
[ -f "$build/build.ninja" ] ||
  CC=clang meson setup "$build" -Dgui=disabled -Dcpu_variants=false -Dbuildtype=debugoptimized \
    -Db_sanitize=address,undefined -Db_lundef=false -Dc_args=-fsanitize=fuzzer-no-link
mkdir -p "$build/crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
status=0
# One at a time: a target whose code does not build with this clang is said, the others run.
built=()
for t in "${targets[@]}"; do
  if meson compile -C "$build" "fuzz-$t" >"$build/crashes/build-$t.log" 2>&1; then
    built+=("$t")
  else
    echo "fuzz-$t: does not build, not run (see $build/crashes/build-$t.log)" >&2
    status=1
  fi
done
for t in "${built[@]}"; do
  corpus=tests/fuzz/corpus/$t
  new=$(mktemp -d)
  stamp=$(mktemp)
  echo "== fuzz-$t: ${secs} s from $(ls "$corpus" | wc -l) seeds"
  if ! "$build/tests/fuzz/fuzz-$t" -max_total_time="$secs" -print_final_stats=1 \
       -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$build/crashes/$t-" "$new" "$corpus" \
       2>&1 | grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::new_units_added|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)'; then
    :
  fi
  # Only what this run found (earlier crashes stay where they are until looked at).
  found=$(find "$build/crashes" -name "$t-*" -newer "$stamp")
  if [ -n "$found" ]; then
    echo "fuzz-$t: found a crash: $found" >&2
    status=1
  fi
  # Only the new inputs that add coverage join the corpus.
  before=$(ls "$corpus" | wc -l)
  "$build/tests/fuzz/fuzz-$t" -merge=1 -artifact_prefix="$build/crashes/$t-" "$corpus" "$new" \
    >/dev/null 2>&1 || true
  echo "fuzz-$t: corpus $before -> $(ls "$corpus" | wc -l) files"
  rm -rf "$new" "$stamp"
done
exit "$status"
