#!/usr/bin/env bash
# Time from launch to a window on screen: backprop-lab against a bare GTK 4 window with one
# label (bench-bare-window.c, built with the project), alternating in the same run under one
# Xvfb, N times each; medians of seconds and peak RSS, and the ratio. With a data set in the
# user's data folder too (its loading must not hold the window back).
# Then one start traced (BL_TRACE_STARTUP): milliseconds from main() to each phase.
#   bench/bench-startup.sh [repeats=7] [build-dir=build] [data-dir: an MNIST folder to offer]
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-7}
build=${2:-build}
data=${3:-}
tools/deps.sh test >/dev/null
command -v xdotool >/dev/null || { echo "needs xdotool (apt-get install xdotool)" >&2; exit 2; }
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/run.sh" <<SCRIPT
#!/usr/bin/env bash
# Seconds from exec to a visible window named \$1, and the process's RSS then (KiB).
name=\$1; shift
t0=\$(date +%s.%N)
"\$@" >/dev/null 2>&1 &
pid=\$!
# Polled every 20 ms: xdotool's own --sync waits half a second between looks, which
# rounded a 0.6 s start up to 1.1 s one time in two.
until xdotool search --onlyvisible --name "\$name" >/dev/null 2>&1; do sleep 0.02; done
t1=\$(date +%s.%N)
sleep 1
rss=\$(awk '/VmHWM/ {print \$2}' /proc/\$pid/status)
kill \$pid; wait \$pid 2>/dev/null || true
echo "\$(echo "\$t1 - \$t0" | bc) \$rss"
SCRIPT
chmod +x "$tmp/run.sh"

export GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory GTK_A11Y=none
# A fresh home each time: no data folder unless one is offered.
export XDG_DATA_HOME="$tmp/data"
mkdir -p "$XDG_DATA_HOME"
if [ -n "$data" ]; then
  mkdir -p "$XDG_DATA_HOME/backprop-lab"
  ln -s "$(cd "$data" && pwd)" "$XDG_DATA_HOME/backprop-lab/mnist"
fi
xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- bash -c "
  for i in \$(seq $repeats); do
    '$tmp/run.sh' 'Bare window' '$build/bench/bench-bare-window' >> '$tmp/bare'
    '$tmp/run.sh' 'Backprop Lab' '$build/src/app/backprop-lab' >> '$tmp/app'
  done" 2>/dev/null

median () { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
b=$(cut -d' ' -f1 "$tmp/bare" | median); a=$(cut -d' ' -f1 "$tmp/app" | median)
brss=$(cut -d' ' -f2 "$tmp/bare" | median); arss=$(cut -d' ' -f2 "$tmp/app" | median)
echo "bare window: $(tr '\n' ' ' < "$tmp/bare" | awk '{for (i=1;i<=NF;i+=2) printf "%.2f ", $i}')s"
echo "backprop-lab: $(tr '\n' ' ' < "$tmp/app" | awk '{for (i=1;i<=NF;i+=2) printf "%.2f ", $i}')s"
awk -v a="$a" -v b="$b" -v arss="$arss" -v brss="$brss" -v n="$repeats" -v d="${data:+with a data set}" 'BEGIN {
  printf "to a window on screen, median of %d %s:\n", n, d
  printf "  %-16s %6.2f s  peak RSS %4.0f MiB\n", "bare GTK 4", b, brss / 1024
  printf "  %-16s %6.2f s  peak RSS %4.0f MiB\n", "backprop-lab", a, arss / 1024
  printf "  ratio %.2fx (target <= 1.5x)\n", a / b
}'

# Where the time goes: one more start with the app's own marks (BL_TRACE_STARTUP), up to its
# first frame.
echo "where the time goes (one start):"
BL_TRACE_STARTUP=1 xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- \
  timeout -s INT 10 "$build/src/app/backprop-lab" 2>&1 | grep '^startup:' | sed 's/^/  /' || true
