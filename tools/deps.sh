#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs that are not there yet.
#   tools/deps.sh run     what building and running the app needs
#   tools/deps.sh test    that plus what the tests need (Xvfb, LibreOffice, validators)
#   tools/deps.sh bench   that plus the PyTorch peer for bench/
#   tools/deps.sh fuzz    that plus clang and libFuzzer for tools/fuzz.sh
set -euo pipefail

build_pkgs=(gcc pkg-config meson ninja-build gettext libglib2.0-dev libgtk-4-dev libpng-dev
            libxlsxwriter-dev fonts-dejavu-core libsoup-3.0-dev glib-networking
            libzip-dev libcairo2-dev)
test_pkgs=(xvfb xauth dbus-daemon libreoffice-calc-nogui desktop-file-utils appstream imagemagick
           parallel poppler-utils qemu-user)
bench_pkgs=(python3-torch python3-numpy hyperfine)
fuzz_pkgs=(clang libclang-rt-14-dev)

want=("${build_pkgs[@]}")
case "${1:-run}" in
  run) ;;
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  fuzz) want+=("${fuzz_pkgs[@]}") ;;
  *) echo "usage: $0 run|test|bench|fuzz" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
