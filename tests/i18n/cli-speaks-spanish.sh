#!/bin/sh
# cli-speaks-spanish: backprop-lab-cli, run with LANGUAGE=es and the build tree's catalogues
# (BL_LOCALEDIR, or found by itself when it runs from the build tree), prints its help in
# Spanish; without LANGUAGE it stays in English.
# LC_ALL=C.UTF-8 is enough: glibc honours LANGUAGE for any locale but plain "C"/"POSIX".
# Usage: cli-speaks-spanish.sh CLI LOCALEDIR (holding es/LC_MESSAGES/backprop-lab.mo)
set -eu
cli=${1:?usage: cli-speaks-spanish.sh CLI LOCALEDIR}
localedir=${2:?usage: cli-speaks-spanish.sh CLI LOCALEDIR}
status=0
if [ ! -f "$localedir/es/LC_MESSAGES/backprop-lab.mo" ]; then
  echo "FAIL: $localedir/es/LC_MESSAGES/backprop-lab.mo was not built"
  exit 1
fi

# expect NAME WANTED ENV... -- ARGS...: the output (stdout and stderr) contains WANTED.
expect () {
  name=$1 wanted=$2
  shift 2
  out=$(env "$@" 2>&1) || true
  if printf '%s\n' "$out" | grep -qF -- "$wanted"; then
    echo "ok: $name: “$wanted”"
  else
    echo "FAIL: $name: “$wanted” not in:"
    printf '%s\n' "$out" | sed 's/^/  | /'
    status=1
  fi
}

es="LC_ALL=C.UTF-8 LANGUAGE=es BL_LOCALEDIR=$localedir"
# shellcheck disable=SC2086
{
  expect "usage" "Uso: backprop-lab-cli ORDEN [OPCIONES…]" $es "$cli"
  expect "usage" "Órdenes:" $es "$cli"
  expect "command summary" "Calcular la tabla de la red 2-2-2" $es "$cli" --help
  expect "toy --help" "Tasas de aprendizaje, separadas por comas" $es "$cli" toy --help
  expect "toy error" "argumento inesperado “extra”" $es "$cli" toy extra
  # Uninstalled, without BL_LOCALEDIR: the program finds the build tree's own catalogues.
  expect "from the build tree" "Uso: backprop-lab-cli ORDEN [OPCIONES…]" \
    -u BL_LOCALEDIR LC_ALL=C.UTF-8 LANGUAGE=es "$cli"
  expect "data fetch --help from the build tree" "Descargar los archivos que describe ARCHIVO" \
    -u BL_LOCALEDIR LC_ALL=C.UTF-8 LANGUAGE=es "$cli" data fetch --help
  # The control: the same catalogues, no LANGUAGE, English.
  expect "English without LANGUAGE" "Usage: backprop-lab-cli COMMAND" \
    LC_ALL=C.UTF-8 LANGUAGE= BL_LOCALEDIR="$localedir" "$cli"
}
[ "$status" -eq 0 ] && echo "PASS"
exit "$status"
