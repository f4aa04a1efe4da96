#!/usr/bin/env bash
# Makes the README's screenshots from the real window under Xvfb (tools/deps.sh test installs
# Xvfb and ImageMagick):
#   docs/screenshot-backprop.png   the app as it starts (import of the whole screen)
#   docs/screenshot-mnist-*.png    the MNIST page's states, drawn by its tests during short runs
#                                  on the real MNIST (BL_MNIST_DIR, default ../shared/mnist)
# Usage: tools/screenshot.sh [build-dir] [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-docs}
mkdir -p "$out"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
export GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- sh -c "
  '$build/src/app/backprop-lab' &
  app=\$!
  sleep \${SCREENSHOT_DELAY:-4}
  import -window root '$out/screenshot-backprop.png'
  kill \$app"
echo "wrote $out/screenshot-backprop.png"

export BL_MNIST_DIR=${BL_MNIST_DIR:-$PWD/../shared/mnist}
xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- \
  meson test -C "$build" --no-rebuild test-mnist-page test-window >/dev/null
for state in mnist-page mnist-try-it mnist-compare mnist-cell-digits preferences; do
  cp "$build/tests/$state.png" "$out/screenshot-$state.png"
  echo "wrote $out/screenshot-$state.png"
done
