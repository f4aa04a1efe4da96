#!/usr/bin/env bash
# The main loop during a training run: how long our own work (layout and drawing included)
# keeps it from input, against the 16 ms of a 60 Hz frame. Runs the watched runs of
# tests/app/test-mnist-page (a laptop window, the Inside tab open, a projector) N times each
# and prints, per view, the median and the worst of "longest busy" (the main thread's CPU
# time between two turns of the loop) and of "longest gap" (wall time, which also counts the
# core lent to the training threads).
#   bench/bench-responsiveness.sh [repeats=5] [build-dir=build]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-5}
build=${2:-build}
tools/deps.sh test >/dev/null
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export G_TEST_SRCDIR="$PWD/tests" G_TEST_BUILDDIR="$tmp" GSETTINGS_SCHEMA_DIR="$PWD/$build/data"
export GSETTINGS_BACKEND=memory GTK_A11Y=none GSK_RENDERER=cairo
export BL_TEST_MNIST_FIXTURE="$PWD/tests/data/mnist-fixture"
views="main-loop-stays-responsive main-loop-stays-responsive-inside main-loop-stays-responsive-projector"
for i in $(seq "$repeats"); do
  for v in $views; do
    (cd "$tmp" && xvfb-run -a -s "-screen 0 1920x1080x24" \
       "$OLDPWD/$build/tests/app/test-mnist-page" -p "/app/mnist-page/$v" --verbose 2>&1) |
      sed -n 's/.*longest gap \([0-9.]*\) ms; longest busy \([0-9.]*\) ms.*/\1 \2/p' |
      sed "s/^/$v /" >> "$tmp/results"
  done
done

median () { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
printf '%-12s %5s  %14s %14s  %14s\n' view runs "busy median ms" "busy worst ms" "gap median ms"
for v in $views; do
  name=${v#main-loop-stays-responsive}; name=${name#-}; name=${name:-laptop}
  n=$(awk -v v="$v" '$1 == v' "$tmp/results" | wc -l)
  bm=$(awk -v v="$v" '$1 == v {print $3}' "$tmp/results" | median)
  bw=$(awk -v v="$v" '$1 == v {print $3}' "$tmp/results" | sort -n | tail -n 1)
  gm=$(awk -v v="$v" '$1 == v {print $2}' "$tmp/results" | median)
  printf '%-12s %5s  %14s %14s  %14s\n' "$name" "$n" "$bm" "$bw" "$gm"
done
echo "budget: 16.7 ms of work between two turns (one 60 Hz frame)"
