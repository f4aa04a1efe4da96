#!/usr/bin/env bash
# Builds the app (installing what is missing) and starts it from the build tree.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/deps.sh run
build=${BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build"
meson compile -C "$build"
export GSETTINGS_SCHEMA_DIR="$PWD/$build/data${GSETTINGS_SCHEMA_DIR:+:$GSETTINGS_SCHEMA_DIR}"
exec "$build/src/app/backprop-lab" "$@"
