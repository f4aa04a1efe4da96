#!/usr/bin/env bash
# Every screen a class sees, as PNGs to look at: the Backprop page (plain, predicting, walking
# through), the MNIST page's This Run, Try It, Inside and Compare Rates, Preferences and a
# matrix cell's digits, at 1024×600, 1280×720 and 1920×1080, in normal and projector mode,
# light and dark (108 images), made by the test that checks them (tests/app/test-screens.c:
# nothing off screen, no number cut, the matrix's counts drawn, drawn text neither cut nor
# overlapping nor too small).
# Usage: tools/screenshot-matrix.sh [out-dir=build/screens] [build-dir=build]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/screens}
build=${2:-build}
tools/deps.sh test >/dev/null
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
mkdir -p "$out"
export BL_SCREENS_DIR="$(cd "$out" && pwd)"
xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- \
  meson test -C "$build" --no-rebuild --print-errorlogs test-screens
echo "wrote $(ls "$BL_SCREENS_DIR" | wc -l) screenshots to $out"
