#!/usr/bin/env bash
# Builds and runs every test (installing what is missing). Extra arguments go to `meson test`,
# e.g. tools/test.sh --suite toy. BUILD_DIR (default build) and MESON_SETUP_ARGS (for a new
# build dir, e.g. "-Db_sanitize=address,undefined") choose the build.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh test
build=${BUILD_DIR:-build}
# shellcheck disable=SC2086
[ -f "$build/build.ninja" ] || meson setup "$build" ${MESON_SETUP_ARGS:-}
meson compile -C "$build"
# The window's tests need a display: a private Xvfb for the whole run.
exec xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- meson test -C "$build" --print-errorlogs "$@"
