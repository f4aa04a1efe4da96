#!/bin/sh
# po-complete: each po/LANG.po named in po/LINGUAS is in sync with the sources as they are now.
# The template is made afresh (as `meson compile backprop-lab-pot` makes it, into a temp dir),
# each catalogue is merged against it, and the merged catalogue must have no untranslated and
# no fuzzy message, valid formats and one mnemonic where the source has one. Every file with
# translatable strings should be listed in po/POTFILES.in (a warning names those that are not).
# Usage: po-complete.sh SOURCE_ROOT  (XGETTEXT, MSGMERGE, MSGFMT, MSGATTRIB may name the tools)
set -eu
src=$(cd "${1:?usage: po-complete.sh SOURCE_ROOT}" && pwd)
XGETTEXT=${XGETTEXT:-xgettext}
MSGMERGE=${MSGMERGE:-msgmerge}
MSGFMT=${MSGFMT:-msgfmt}
MSGATTRIB=${MSGATTRIB:-msgattrib}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

# 1. Files with translatable strings that po/POTFILES.in does not list.
grep -v '^[[:space:]]*#' "$src/po/POTFILES.in" | sed '/^[[:space:]]*$/d' | sort -u > "$tmp/listed"
( cd "$src" &&
  { grep -rlE '(^|[^A-Za-z0-9_])(N?C?_|ngettext|g_dngettext) *\( *"' --include='*.c' src || true
    grep -rl 'translatable="yes"' --include='*.ui' ui resources src 2>/dev/null || true
  } | sort -u ) > "$tmp/found"
comm -13 "$tmp/listed" "$tmp/found" > "$tmp/unlisted"
if [ -s "$tmp/unlisted" ]; then
  # Their strings are not in the template, so never translated.
  echo "FAIL: files with translatable strings missing from po/POTFILES.in:"
  sed 's/^/  /' "$tmp/unlisted"
  exit 1
fi

# 2. The template, with the keywords and flags of meson's i18n.gettext (preset: 'glib').
( cd "$src" && "$XGETTEXT" --package-name=backprop-lab -f po/POTFILES.in -D "$src" \
    -o "$tmp/backprop-lab.pot" --from-code=UTF-8 --add-comments \
    -k_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dcgettext:2 \
    --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 --keyword=ngettext:1,2 \
    --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
    --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
    --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
    --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
    --flag=g_markup_printf_escaped:1:c-format --flag=g_log:3:c-format \
    --flag=g_print:1:c-format --flag=g_printerr:1:c-format --flag=g_printf:1:c-format \
    --flag=g_fprintf:2:c-format --flag=g_sprintf:2:c-format --flag=g_snprintf:3:c-format \
    2> "$tmp/xgettext.log" ) || { cat "$tmp/xgettext.log"; echo "FAIL: xgettext"; exit 1; }
# A msgid cut by a macro ("%" G_GUINT64_FORMAT) is never looked up as written.
if grep -q 'ends in the middle of a directive' "$tmp/xgettext.log"; then
  echo "FAIL: msgids cut short by a format macro (untranslatable at run time; use %llu):"
  grep 'ends in the middle of a directive' "$tmp/xgettext.log" | cut -d: -f1,2 | sed 's/^/  /'
  exit 1
fi
echo "template: $(grep -c '^msgid ' "$tmp/backprop-lab.pot") msgids (header included)"

# 3. Each language.
langs=$(sed -e 's/#.*//' "$src/po/LINGUAS" | tr -s ' \t' '\n\n' | sed '/^$/d')
[ -n "$langs" ] || { echo "FAIL: po/LINGUAS names no language"; exit 1; }
for lang in $langs; do
  po="$src/po/$lang.po"
  if [ ! -f "$po" ]; then echo "FAIL: $lang: po/$lang.po is missing"; status=1; continue; fi
  if ! "$MSGFMT" --check --check-accelerators=_ -o /dev/null "$po" 2> "$tmp/check.log"; then
    grep -v "should not contain the '\\\\r' escape sequence" "$tmp/check.log" || true
    echo "FAIL: $lang: msgfmt --check rejects po/$lang.po"
    status=1
  fi
  "$MSGMERGE" --quiet -o "$tmp/$lang.po" "$po" "$tmp/backprop-lab.pot" 2> "$tmp/merge.log" ||
    { cat "$tmp/merge.log"; echo "FAIL: $lang: msgmerge"; status=1; continue; }
  stats=$(LC_ALL=C "$MSGFMT" --check --statistics -o /dev/null "$tmp/$lang.po" 2>&1 |
          grep 'translated message' | tail -n 1)
  translated=$(echo "$stats" | sed -n 's/^\([0-9]*\) translated message.*/\1/p')
  fuzzy=$(echo "$stats" | sed -n 's/.* \([0-9]*\) fuzzy translation.*/\1/p')
  untranslated=$(echo "$stats" | sed -n 's/.* \([0-9]*\) untranslated message.*/\1/p')
  translated=${translated:-0} fuzzy=${fuzzy:-0} untranslated=${untranslated:-0}
  echo "$lang: $translated translated, $fuzzy fuzzy, $untranslated untranslated"
  if [ "$translated" -eq 0 ] || [ "$fuzzy" -ne 0 ] || [ "$untranslated" -ne 0 ]; then
    echo "FAIL: $lang: po/$lang.po is not in sync with the sources. To update it:"
    echo "  meson compile -C BUILDDIR backprop-lab-pot && meson compile -C BUILDDIR backprop-lab-update-po"
    echo "  then translate these and remove their 'fuzzy' flags:"
    for which in --only-fuzzy --untranslated; do
      # Everything after the header: each entry's place and msgid.
      "$MSGATTRIB" --no-obsolete --no-wrap "$which" "$tmp/$lang.po" 2>/dev/null |
        awk 'seen && /^(#:|msgid)/ { print "    " $0 } /^$/ { seen = 1 }' | head -n 80
    done
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "PASS"
exit "$status"
