#!/usr/bin/env bash
# The 20-epoch accuracy runs: our default recipe (one-cycle to 0.05, rotation ±7°) and the plain
# one (SGD 0.01, momentum 0.9) for several seeds. Prints best and final test accuracy per seed
# and counts the seeds that reach 99.40%. Long: about 20 × the epoch time per run.
#   bench/bench-mnist-accuracy.sh [seeds="1 2 3 4 5"] [recipes="default plain"] [build-dir=build]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-1 2 3 4 5}
recipes=${2:-default plain}
build=${3:-build}
data=../shared/mnist
out=${BENCH_OUT:-bench/runs}
tools/deps.sh run >/dev/null
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
mkdir -p "$out"

for recipe in $recipes; do
  flag=""
  [ "$recipe" = plain ] && flag="--plain"
  reached=0; n=0
  for seed in $seeds; do
    log="$out/$recipe-seed$seed.jsonl"
    rm -f "$log"
    "$build/src/cli/backprop-lab-cli" mnist train --data "$data" --epochs 20 --seed "$seed" \
      $flag --log "$log" 2>/dev/null
    # best (epoch) and final test accuracy from the JSON lines
    read -r best best_epoch final < <(awk -F'[:,]' '
      { for (i = 1; i < NF; i++) { if ($i ~ /"epoch"/) e = $(i+1); if ($i ~ /"test_acc"/) a = $(i+1) }
        if (a > best) { best = a; be = e } last = a }
      END { printf "%.4f %d %.4f\n", best, be, last }' "$log")
    awk -v r="$recipe" -v s="$seed" -v b="$best" -v e="$best_epoch" -v f="$final" 'BEGIN {
      printf "%-8s seed %-3s best %.2f%% (epoch %2d)  final %.2f%%\n", r, s, 100 * b, e, 100 * f }'
    n=$((n + 1))
    if awk -v b="$best" 'BEGIN { exit !(b >= 0.994) }'; then reached=$((reached + 1)); fi
  done
  echo "$recipe: $reached of $n seeds reach 99.40% within 20 epochs"
done
