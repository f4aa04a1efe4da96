#!/usr/bin/env bash
# Screenshots of the Backprop page for every projector size, mode and theme, from the real
# window under Xvfb (tools/deps.sh test installs Xvfb and ImageMagick). The settings are a
# private keyfile (GSETTINGS_BACKEND=keyfile), so nothing of the user's is read or written.
#   tools/screenshot-backprop.sh [build-dir] [out-dir] [sizes] [modes] [themes]
# e.g. tools/screenshot-backprop.sh build /tmp/shots "1024x600 1280x720" "normal projector" "light dark"
# Set LANGUAGE=es for the Spanish window; SCREENSHOT_DELAY (seconds after the window appears, default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
out=${2:-/tmp/backprop-shots}
sizes=${3:-"1024x600 1280x720 1920x1080"}
modes=${4:-"normal projector"}
themes=${5:-"light dark"}
mkdir -p "$out"
[ -f "$build/build.ninja" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
export GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=keyfile NO_AT_BRIDGE=1 GTK_A11Y=none
for size in $sizes; do
  w=${size%x*}; h=${size#*x}
  for mode in $modes; do
    for theme in $themes; do
      conf=$(mktemp -d)
      mkdir -p "$conf/glib-2.0/settings"
      projector=false; [ "$mode" = projector ] && projector=true
      # The window asks for the whole screen, as a maximised window on a projector would.
      cat > "$conf/glib-2.0/settings/keyfile" <<KEYFILE
[org/backproplab/BackpropLab]
window-size=($w, $h)
projector-mode=$projector
theme='$theme'
KEYFILE
      shot="$out/backprop-${size}-${mode}-${theme}${LANGUAGE:+-$LANGUAGE}.png"
      XDG_CONFIG_HOME="$conf" xvfb-run -a -s "-screen 0 ${size}x24" dbus-run-session -- sh -c "
        '$build/src/app/backprop-lab' ${SCREENSHOT_ARGS:-} &
        app=\$!
        # Wait for the window to appear (a busy machine takes seconds), then for it to settle.
        for i in \$(seq 60); do
          sleep 1
          import -window root '$shot'
          [ \"\$(convert '$shot' -format '%[fx:standard_deviation>0]' info:)\" = 1 ] && break
        done
        sleep ${SCREENSHOT_DELAY:-3}
        import -window root '$shot'
        kill \$app" 2>"$shot.log" || { cat "$shot.log"; exit 1; }
      grep -q CRITICAL "$shot.log" && echo "  warnings in $shot.log"
      rm -rf "$conf"
      echo "wrote $shot"
    done
  done
done
