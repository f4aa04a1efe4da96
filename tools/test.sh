#!/usr/bin/env bash
# Builds and runs every test (installing what is missing). Extra arguments go to `meson test`,
# e.g. tools/test.sh --suite toy
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh test
build=${BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build"
meson compile -C "$build"
# The window's tests need a display: a private Xvfb for the whole run.
exec xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- meson test -C "$build" --print-errorlogs "$@"
