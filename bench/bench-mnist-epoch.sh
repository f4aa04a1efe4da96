#!/usr/bin/env bash
# One training epoch (60,000 images) plus the test pass (10,000): ours against the PyTorch
# peer at its fastest setting here (--threads 2 --test-bs 128), the plain recipe on both sides
# (SGD 0.01, momentum 0.9, no schedule, no augmentation), each a whole process timed from start
# to exit by /usr/bin/time (wall seconds and peak RSS), alternating in the same run so both see
# the same machine. Prints every run (with the CPU seconds each used, user + system, which a
# shared machine disturbs less than the wall clock), the medians, the speed and memory ratios,
# the share of the FMA floor, and which kernels ran.
#   bench/bench-mnist-epoch.sh [repeats=5] [build-dir=build] [extra CLI options, e.g. --cpu avx2]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-5}
build=${2:-build}
shift $(( $# < 2 ? $# : 2 ))
extra=("$@")
data=../shared/mnist
peer=../shared/peers/pytorch_seed_model.py
tools/deps.sh bench >/dev/null
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
cli="$build/src/cli/backprop-lab-cli"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

variant=$("$cli" mnist summary "${extra[@]}" | sed -n 's/^CPU kernels: //p')
echo "$(date -I) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "ours: kernels $variant; peer: $(/usr/bin/python3 -c 'import torch; print("PyTorch", torch.__version__)')"
printf "%-4s %10s %10s %12s %12s %10s %10s\n" run "ours s" "peer s" "ours MiB" "peer MiB" \
  "ours CPU" "peer CPU"
for i in $(seq "$repeats"); do
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/ours-$i" \
    "$cli" mnist train --data "$data" --epochs 1 --plain --threads 2 "${extra[@]}" >/dev/null 2>&1
  /usr/bin/time -f "%e %M %U %S" -o "$tmp/peer-$i" \
    /usr/bin/python3 "$peer" --data "$data" --epochs 1 --threads 2 --test-bs 128 --no-timing \
    >/dev/null 2>&1
  read -r os orss ou osys < "$tmp/ours-$i"
  read -r ps prss pu psys < "$tmp/peer-$i"
  ocpu=$(awk -v u="$ou" -v s="$osys" 'BEGIN {print u + s}')
  pcpu=$(awk -v u="$pu" -v s="$psys" 'BEGIN {print u + s}')
  printf "%-4s %10.2f %10.2f %12.0f %12.0f %10.2f %10.2f\n" "$i" "$os" "$ps" "$((orss / 1024))" \
    "$((prss / 1024))" "$ocpu" "$pcpu"
  echo "$ocpu" >> "$tmp/ours.cpu"; echo "$pcpu" >> "$tmp/peer.cpu"
  echo "$os" >> "$tmp/ours.s"; echo "$ps" >> "$tmp/peer.s"
  echo "$orss" >> "$tmp/ours.rss"; echo "$prss" >> "$tmp/peer.rss"
done

o=$(median < "$tmp/ours.s"); p=$(median < "$tmp/peer.s")
orss=$(median < "$tmp/ours.rss"); prss=$(median < "$tmp/peer.rss")
ocpu=$(median < "$tmp/ours.cpu"); pcpu=$(median < "$tmp/peer.cpu")
# 2.153 TFLOP per epoch (60k images forward and backward, 10k forward); the issue's floor for
# this machine's FMA peak is 9.2 s, and its target 75 % of that peak (12.3 s).
awk -v o="$o" -v p="$p" -v orss="$orss" -v prss="$prss" -v oc="$ocpu" -v pc="$pcpu" \
    -v n="$repeats" 'BEGIN {
  printf "median of %d, whole processes (epoch of 60k train + 10k test, 2 threads):\n", n
  printf "  %-22s %8.2f s  %7.0f img/s  peak RSS %5.0f MiB\n", "backprop-lab (C)", o, 70000 / o, orss / 1024
  printf "  %-22s %8.2f s  %7.0f img/s  peak RSS %5.0f MiB\n", "PyTorch peer", p, 70000 / p, prss / 1024
  printf "  speed %.2fx the peer (target >= 3.5x); memory %.2fx its peak (target <= 0.15x)\n", p / o, orss / prss
  printf "  CPU seconds (user + system): ours %.2f, peer %.2f: %.2fx\n", oc, pc, pc / oc
  printf "  %.0f%% of the FMA floor 9.2 s (target >= 75%%, <= 12.3 s)\n", 100 * 9.2 / o
}'
