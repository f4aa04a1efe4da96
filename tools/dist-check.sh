#!/usr/bin/env bash
# The release check: `meson dist` makes the tarball from HEAD (committed files only: commit
# first), unpacks it, builds it in a fresh build dir and runs its whole test suite, as someone
# who downloads it would, under a private Xvfb and session bus for the window's tests. Prints
# the tarball's path and how long it all took. Extra arguments go to `meson dist`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh test
build=${BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build"
start=$(date +%s)
xvfb-run -a -s "-screen 0 1920x1080x24" dbus-run-session -- \
  meson dist -C "$build" --formats xztar "$@"
echo "dist check passed in $(( $(date +%s) - start )) s: $(ls "$build"/meson-dist/*.tar.xz)"
