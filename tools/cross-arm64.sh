#!/usr/bin/env bash
# The engine and the CLI cross-built for arm64 (a Raspberry Pi 5, say) with Debian's cross
# compiler and multiarch GLib, and the engine's tests run under qemu-aarch64.
#   tools/cross-arm64.sh [build-dir=build-arm64] [meson test args…]
# Installs what is missing (as root or through sudo): the arm64 architecture, the cross
# compiler, qemu-user and the arm64 libraries. Bookworm cannot install libsoup-3.0-dev:arm64
# beside the native tools (through sysprof it pulls gobject-introspection:arm64, which needs
# python3:arm64), so its headers and pkg-config files, and sysprof-capture-4's, are unpacked
# from the .debs into the build directory instead; the shared libraries come from the
# installable runtime packages. No window (-Dgui=disabled): the engine and the CLI.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-arm64}
shift || true
triplet=aarch64-linux-gnu

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
pkgs=(gcc-$triplet libc6-dev-arm64-cross qemu-user pkg-config meson ninja-build gettext
      libglib2.0-dev-bin libglib2.0-dev:arm64 libxlsxwriter-dev:arm64 libsoup-3.0-0:arm64
      libbrotli-dev:arm64 libnghttp2-dev:arm64 libpsl-dev:arm64 libsqlite3-dev:arm64
      zlib1g-dev:arm64 libzip-dev:arm64 libcairo2-dev:arm64)
missing=()
dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Tests that run a part of themselves in a child (g_test_trap_subprocess) execute their own
# arm64 binary: without binfmt_misc knowing qemu-aarch64 the kernel refuses it and GLib hands
# it to /bin/sh ("Syntax error"). Register it (as Debian's qemu-user-binfmt would) if needed.
binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/qemu-aarch64" ]; then
  [ -e "$binfmt/register" ] || $sudo mount -t binfmt_misc binfmt_misc "$binfmt"
  printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64:' \
    | $sudo tee "$binfmt/register" >/dev/null
fi

mkdir -p "$build"
root=$(cd "$build" && pwd)/arm64-dev
if [ ! -f "$root/usr/lib/$triplet/pkgconfig/libsoup-3.0.pc" ]; then
  rm -rf "$root" "$build/debs"
  mkdir -p "$root" "$build/debs"
  ( cd "$build/debs" && apt-get download libsoup-3.0-dev:arm64 libsysprof-4-dev:arm64 )
  for deb in "$build"/debs/*.deb; do dpkg-deb -x "$deb" "$root"; done
  # Their .pc files point into the unpacked tree; libsoup-3.0.so at the installed runtime.
  sed -i "s|^prefix=/usr|prefix=$root/usr|" "$root/usr/lib/$triplet/pkgconfig/"*.pc
  ln -sf "/usr/lib/$triplet/libsoup-3.0.so.0" "$root/usr/lib/$triplet/libsoup-3.0.so"
fi

cross="$root/../arm64.ini"
cat > "$cross" <<INI
[binaries]
c = '$triplet-gcc'
ar = '$triplet-ar'
strip = '$triplet-strip'
pkgconfig = 'pkg-config'
exe_wrapper = ['qemu-aarch64']

[properties]
pkg_config_libdir = ['/usr/lib/$triplet/pkgconfig', '/usr/share/pkgconfig', '$root/usr/lib/$triplet/pkgconfig']

[host_machine]
system = 'linux'
cpu_family = 'aarch64'
cpu = 'aarch64'
endian = 'little'
INI

[ -f "$build/build.ninja" ] || meson setup "$build" --cross-file "$cross" -Dgui=disabled
start=$(date +%s)
meson compile -C "$build" src/cli/backprop-lab-cli
meson compile -C "$build"
file "$build/src/cli/backprop-lab-cli"
qemu-aarch64 "$build/src/cli/backprop-lab-cli" mnist summary
# Emulated, the engine's tests run 20–60× slower than natively (test-train, test-model:
# minutes): far more time than meson's default.
meson test -C "$build" --suite nn --timeout-multiplier 100 --print-errorlogs "$@"
echo "cross-arm64: built and tested in $(( $(date +%s) - start )) s"
