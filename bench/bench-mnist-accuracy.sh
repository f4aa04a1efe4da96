#!/usr/bin/env bash
# Accuracy and time to accuracy: a recipe trained from scratch for several seeds, each a whole
# process timed from start to exit (/usr/bin/time). Prints per seed the final and best test
# accuracy and the wall time, then the count of seeds at >= 99.40 % final, the mean, and for the
# quick recipe the count within 60 s. Recipes: quick (--quick, 5 epochs), default (20 epochs),
# plain (--plain, 20 epochs). The test set only measures: nothing is chosen on it.
#   bench/bench-mnist-accuracy.sh [seeds="1 2 3 4 5"] [recipes="quick default"] [build-dir=build]
#                                 [extra CLI options, e.g. --cpu avx2 or --threads 2]
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-1 2 3 4 5}
recipes=${2:-quick default}
build=${3:-build}
shift $(( $# < 3 ? $# : 3 ))
extra=("$@")
data=../shared/mnist
out=${BENCH_OUT:-$build/bench-runs}   # one log per run (JSON lines), stderr and time
tools/deps.sh run >/dev/null
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
cli="$build/src/cli/backprop-lab-cli"
mkdir -p "$out"

echo "$(date -I), kernels $("$cli" mnist summary "${extra[@]}" | sed -n 's/^CPU kernels: //p')"
for recipe in $recipes; do
  case "$recipe" in
    quick) flags=(--quick) ;;
    default) flags=() ;;
    plain) flags=(--plain) ;;
    *) echo "unknown recipe $recipe (quick, default, plain)" >&2; exit 2 ;;
  esac
  printf "%-8s %-5s %8s %14s %9s\n" recipe seed final "best (epoch)" "wall s"
  for seed in $seeds; do
    log="$out/$recipe-seed$seed.jsonl"
    rm -f "$log"
    /usr/bin/time -f "%e" -o "$out/$recipe-seed$seed.time" \
      "$cli" mnist train --data "$data" --seed "$seed" "${flags[@]}" "${extra[@]}" --log "$log" \
      2> "$out/$recipe-seed$seed.txt"
    # best (epoch) and final test accuracy from the JSON lines
    read -r best best_epoch final < <(awk -F'[:,]' '
      { for (i = 1; i < NF; i++) { if ($i ~ /"epoch"/) e = $(i+1); if ($i ~ /"test_acc"/) a = $(i+1) }
        if (a > best) { best = a; be = e } last = a }
      END { printf "%.4f %d %.4f\n", best, be, last }' "$log")
    wall=$(tail -n 1 "$out/$recipe-seed$seed.time")
    awk -v r="$recipe" -v s="$seed" -v b="$best" -v e="$best_epoch" -v f="$final" -v w="$wall" 'BEGIN {
      printf "%-8s %-5s %7.2f%% %8.2f%% (%2d) %9.1f\n", r, s, 100 * f, 100 * b, e, w }'
    echo "$final $wall" >> "$out/$recipe.summary.$$"
  done
  awk -v r="$recipe" '{ n++; s += $1; if ($1 >= 0.994) ok++; if ($2 <= 60) fast++ }
    END { printf "%s: %d of %d seeds >= 99.40%% final, mean %.2f%%", r, ok, n, 100 * s / n
          if (r == "quick") printf ", %d of %d within 60 s", fast, n
          printf "\n" }' "$out/$recipe.summary.$$"
  rm -f "$out/$recipe.summary.$$"
done
