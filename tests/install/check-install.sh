#!/usr/bin/env bash
# `meson install` into a scratch prefix installs what a desktop needs, and each piece is valid:
# the two programs, the desktop file, the AppStream metainfo, the icon (and its symbolic twin),
# the GSettings schema, and the translations.
#   check-install.sh BUILD_DIR
set -euo pipefail
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$dest" >/dev/null
prefix=$(meson introspect "$build" --buildoptions |
         python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
root="$dest$prefix"
id=org.backproplab.BackpropLab
fail=0
want () {
  if [ -e "$root/$1" ]; then echo "ok: $1"; else echo "MISSING: $1"; fail=1; fi
}
want bin/backprop-lab
want bin/backprop-lab-cli
want share/applications/$id.desktop
want share/metainfo/$id.metainfo.xml
want share/icons/hicolor/scalable/apps/$id.svg
want share/icons/hicolor/symbolic/apps/$id-symbolic.svg
want share/glib-2.0/schemas/$id.gschema.xml
want share/locale/es/LC_MESSAGES/backprop-lab.mo
[ "$fail" -eq 0 ] || exit 1

desktop-file-validate "$root/share/applications/$id.desktop"
appstreamcli validate --no-net "$root/share/metainfo/$id.metainfo.xml" >/dev/null
glib-compile-schemas --strict --dry-run "$root/share/glib-2.0/schemas"
# The installed desktop file starts the installed program, by name.
grep -q '^Exec=backprop-lab' "$root/share/applications/$id.desktop"
# The installed CLI runs and speaks Spanish from the installed catalogue.
LANGUAGE=es LC_ALL=C.UTF-8 BL_LOCALEDIR="$root/share/locale" "$root/bin/backprop-lab-cli" --help 2>&1 |
  grep -q 'Uso' || { echo "the installed CLI does not speak Spanish"; exit 1; }
echo "installed and valid under $prefix"
