#!/usr/bin/env bash
# One training epoch (60,000 images) plus the test pass (10,000), ours against the PyTorch peer,
# alternating in the same run so both see the same machine. Reports medians of seconds,
# images/s and peak RSS, and the ratios.
#   bench/bench-mnist-epoch.sh [repeats=3] [build-dir=build]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-3}
build=${2:-build}
data=../shared/mnist
peer=../shared/peers/pytorch_seed_model.py
tools/deps.sh bench >/dev/null
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
cli="$build/src/cli/backprop-lab-cli"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for i in $(seq "$repeats"); do
  /usr/bin/time -f "%M" -o "$tmp/ours-rss-$i" \
    "$cli" mnist train --data "$data" --epochs 1 --plain --threads 2 2> "$tmp/ours-$i" >/dev/null
  /usr/bin/time -f "%M" -o "$tmp/peer-rss-$i" \
    /usr/bin/python3 "$peer" --data "$data" --epochs 1 --threads 2 --no-timing > "$tmp/peer-$i" 2>&1
  ours=$(sed -n 's/^epoch  *1 .* \([0-9.]*\) s$/\1/p' "$tmp/ours-$i")
  peer_s=$(sed -n 's/.*train \([0-9.]*\) s .*test pass \([0-9.]*\) s.*/\1 \2/p' "$tmp/peer-$i" |
           awk '{print $1 + $2}')
  echo "run $i: ours ${ours} s, peer ${peer_s} s (train + test)" >&2
  echo "$ours" >> "$tmp/ours.s"
  echo "$peer_s" >> "$tmp/peer.s"
  cat "$tmp/ours-rss-$i" >> "$tmp/ours.rss"
  cat "$tmp/peer-rss-$i" >> "$tmp/peer.rss"
done

o=$(median < "$tmp/ours.s"); p=$(median < "$tmp/peer.s")
orss=$(median < "$tmp/ours.rss"); prss=$(median < "$tmp/peer.rss")
awk -v o="$o" -v p="$p" -v orss="$orss" -v prss="$prss" -v n="$repeats" 'BEGIN {
  printf "epoch (60k train + 10k test), 2 threads, median of %d:\n", n
  printf "  %-24s %8.2f s  %7.0f img/s  peak RSS %6.0f MiB\n", "backprop-lab (C)", o, 70000 / o, orss / 1024
  printf "  %-24s %8.2f s  %7.0f img/s  peak RSS %6.0f MiB\n", "PyTorch peer", p, 70000 / p, prss / 1024
  printf "  speed: %.2fx the peer (target >= 3x); memory: %.2fx the peer'"'"'s peak (target < 1)\n", p / o, orss / prss
}'
