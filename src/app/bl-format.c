/* bl-format.c: see bl-format.h. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bl-format.h"

#define MINUS "\u2212"

/* Fixed values keep six decimals; from 10^4 on (a diverging run) they turn scientific, so the
 * widest fixed text is "−9999.999999", as wide as the widest scientific one. */
#define FIXED_DECIMALS 6
#define FIXED_LIMIT 9999.9999995
#define SCIENTIFIC_DECIMALS 4
#define BRIEF_DECIMALS 4
#define BRIEF_LIMIT 9999.99995

const char *
bl_format_thousands_separator (void)
{
  /* Translators: your language's thousands separator ("." makes 60.000; decimals stay "."). */
  return C_("thousands separator", ",");
}

char *
bl_format_count_with (guint64 n, const char *separator)
{
  char digits[24];
  GString *out = g_string_new (NULL);
  int len = g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, n);

  for (int i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0 && separator)
        g_string_append (out, separator);
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

char *
bl_format_count (guint64 n)
{
  return bl_format_count_with (n, bl_format_thousands_separator ());
}

/* printf's text of |v| (never signed), locale-independent. */
static void
format_magnitude (char *buf, gsize size, BlNumberKind kind, double a)
{
  if (kind == BL_NUMBER_FIXED && a < FIXED_LIMIT)
    g_ascii_formatd (buf, size, "%." G_STRINGIFY (FIXED_DECIMALS) "f", a);
  else if (kind == BL_NUMBER_BRIEF && a < BRIEF_LIMIT)
    g_ascii_formatd (buf, size, "%." G_STRINGIFY (BRIEF_DECIMALS) "f", a);
  else
    g_ascii_formatd (buf, size, "%." G_STRINGIFY (SCIENTIFIC_DECIMALS) "e", a);
}

const char *
bl_format_number (char *buf, BlNumberKind kind, double v)
{
  char digits[BL_FORMAT_NUMBER_SIZE];
  gboolean negative;

  if (isnan (v))
    {
      g_strlcpy (buf, "NaN", BL_FORMAT_NUMBER_SIZE);
      return buf;
    }
  if (isinf (v))
    {
      g_strlcpy (buf, v > 0 ? "∞" : MINUS "∞", BL_FORMAT_NUMBER_SIZE);
      return buf;
    }
  format_magnitude (digits, sizeof digits, kind, fabs (v));
  /* A value that rounds to zero is written without a sign: "−0.000000" reads as a mistake. */
  negative = v < 0 && strspn (digits, "0.") < strcspn (digits, "e");
  g_snprintf (buf, BL_FORMAT_NUMBER_SIZE, "%s%s", negative ? MINUS : "", digits);
  return buf;
}

const char *
bl_format_widest (BlNumberKind kind)
{
  /* Each kind tops out at a sign and eleven characters (a three-digit exponent included). */
  return kind == BL_NUMBER_FIXED ? MINUS "8888.888888" : MINUS "8.8888e-888";
}

BlNumberKind
bl_format_column_kind_brief (BlToyColumn col)
{
  return bl_format_column_kind (col) == BL_NUMBER_FIXED ? BL_NUMBER_BRIEF : BL_NUMBER_SCIENTIFIC;
}

BlNumberKind
bl_format_column_kind (BlToyColumn col)
{
  switch (col)
    {
    case BL_TOY_COL_E1:
    case BL_TOY_COL_E2:
    case BL_TOY_COL_E_TOTAL:
      return BL_NUMBER_SCIENTIFIC;
    default:
      return bl_toy_column_is_gradient (col) ? BL_NUMBER_SCIENTIFIC : BL_NUMBER_FIXED;
    }
}

char *
bl_format_rate (double lr)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.4g", lr));
}
