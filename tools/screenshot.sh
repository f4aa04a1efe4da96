#!/usr/bin/env bash
# The README's screenshots (docs/screenshot-*.png) from a real lesson in the real window, under
# Xvfb (tools/deps.sh test installs it): the app as it starts, then the MNIST page after a whole
# run of the named recipe on the data you give, Try It with a drawn digit, Compare Rates with a
# sweep's logs (docs/sweeps.md) or three short runs of its own, the digits of the matrix cell
# with the most mistakes, and Preferences.
#
# Usage: tools/screenshot.sh --data DIR [--sweep DIR] [--recipe quick|default|plain] [--epochs N]
#                            [--width PX --height PX] [--projector] [--dark] [--out DIR]
# DIR holds MNIST's four IDX files (backprop-lab-cli data fetch puts them in
# ~/.local/share/backprop-lab/mnist). The window is 1280x720 unless told, a projector's size.
# Every view at every classroom size is tools/screenshot-matrix.sh's job (the tests' fixture).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD:-build}
case " $* " in
  *" --data "*|*" --data="*) ;;
  *) echo "usage: tools/screenshot.sh --data DIR [options]  (--help for all)" >&2; exit 2 ;;
esac
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
meson compile -C "$build" tools/screenshot-tour >/dev/null
export GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
export GTK_A11Y=none GDK_DISABLE=vulkan LC_ALL=${LC_ALL:-C.UTF-8}
# The data is seen as ~/mnist (a home of the script's own): no path of this machine appears in
# the pictures (the data panel names the folder, Preferences shows it from ~).
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --data) ln -s "$(realpath "$2")" "$home/mnist"; args+=(--data "$home/mnist"); shift 2 ;;
    --data=*) ln -s "$(realpath "${1#--data=}")" "$home/mnist"; args+=(--data "$home/mnist"); shift ;;
    *) args+=("$1"); shift ;;
  esac
done
# Fonts and the screen as a classroom laptop has them; the PNGs are of the window alone.
HOME="$home" xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- \
  "$build/tools/screenshot-tour" "${args[@]}"
