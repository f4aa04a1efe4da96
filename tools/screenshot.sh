#!/usr/bin/env bash
# Makes the README's screenshots from the real window under Xvfb (tools/deps.sh test installs
# Xvfb and ImageMagick). Usage: tools/screenshot.sh [build-dir] [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-docs}
mkdir -p "$out"
export GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
xvfb-run -a -s "-screen 0 1600x1000x24" dbus-run-session -- sh -c "
  '$build/src/app/backprop-lab' &
  app=\$!
  sleep \${SCREENSHOT_DELAY:-4}
  import -window root '$out/screenshot-backprop.png'
  kill \$app"
echo "wrote $out/screenshot-backprop.png"
