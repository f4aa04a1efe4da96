/* test-format.c: the number formats (src/app/bl-format.h): counts grouped by the language's
 * separator, ledger values aligned and never wider than their column's room. No display. */
#include "config.h"

#include <glib.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "bl-format.h"

static void
assert_count (guint64 n, const char *separator, const char *expect)
{
  g_autofree char *text = bl_format_count_with (n, separator);
  g_assert_cmpstr (text, ==, expect);
}

static void
test_count_grouping (void)
{
  assert_count (0, ",", "0");
  assert_count (999, ",", "999");
  assert_count (1000, ",", "1,000");
  assert_count (60000, ",", "60,000");
  assert_count (1234567, ".", "1.234.567");
  assert_count (100000, "", "100000");
  assert_count (G_MAXUINT64, ",", "18,446,744,073,709,551,615");
}

/* Untranslated (English) the separator is a comma; the Spanish catalogue makes it a dot. GLib
 * decides once per process whether to translate at all, so Spanish is asked for in a child. */
static void
test_count_by_language (void)
{
  g_autofree char *english = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *spanish = NULL;
      g_setenv ("LANGUAGE", "es", TRUE);
      setlocale (LC_ALL, "");
      spanish = bl_format_count (60000);
      g_assert_cmpstr (spanish, ==, "60.000");
      return;
    }
  english = bl_format_count (60000);
  g_assert_cmpstr (english, ==, "60,000");
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static const struct {
  BlNumberKind kind;
  double v;
  const char *text;
} numbers[] = {
  { BL_NUMBER_FIXED, 0.15, "0.150000" },
  { BL_NUMBER_FIXED, 0.0275, "0.027500" },
  { BL_NUMBER_FIXED, -0.5, "\u22120.500000" },
  { BL_NUMBER_FIXED, 1234.5678901, "1234.567890" },
  { BL_NUMBER_FIXED, -9999.9999994, "\u22129999.999999" },
  { BL_NUMBER_FIXED, 10000, "1.0000e+04" },          /* too wide for six decimals */
  { BL_NUMBER_FIXED, -1e-9, "0.000000" },            /* no sign on a zero */
  { BL_NUMBER_FIXED, 0, "0.000000" },
  { BL_NUMBER_SCIENTIFIC, 0.2425198573, "2.4252e-01" },
  { BL_NUMBER_SCIENTIFIC, -7.7e-05, "\u22127.7000e-05" },   /* the tour's cut one */
  { BL_NUMBER_SCIENTIFIC, 9.22957975e-07, "9.2296e-07" },
  { BL_NUMBER_SCIENTIFIC, 1e-300, "1.0000e-300" },
  { BL_NUMBER_SCIENTIFIC, -1.5e300, "\u22121.5000e+300" },
  { BL_NUMBER_SCIENTIFIC, 0, "0.0000e+00" },
  { BL_NUMBER_SCIENTIFIC, -0.0, "0.0000e+00" },
  { BL_NUMBER_SCIENTIFIC, NAN, "NaN" },
  { BL_NUMBER_FIXED, INFINITY, "∞" },
  { BL_NUMBER_FIXED, -INFINITY, "\u2212∞" },
  { BL_NUMBER_BRIEF, 0.15, "0.1500" },
  { BL_NUMBER_BRIEF, -0.149981104, "\u22120.1500" },
  { BL_NUMBER_BRIEF, 0.00004, "0.0000" },
  { BL_NUMBER_BRIEF, 12345.6, "1.2346e+04" },
};

static void
test_numbers (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      char buf[BL_FORMAT_NUMBER_SIZE];
      g_assert_cmpstr (bl_format_number (buf, numbers[i].kind, numbers[i].v), ==,
                       numbers[i].text);
    }
}

/* Whatever the value, a kind's text has at most as many characters as its widest, so a column
 * sized for the widest never cuts one; and a column's values share their decimal places, so
 * right-aligned tabular figures line up. */
static void
test_numbers_bounded_and_aligned (void)
{
  GRand *rand = g_rand_new_with_seed (11);

  for (BlNumberKind kind = BL_NUMBER_FIXED; kind <= BL_NUMBER_BRIEF; kind++)
    {
      glong widest = g_utf8_strlen (bl_format_widest (kind), -1);
      for (guint trial = 0; trial < 20000; trial++)
        {
          char buf[BL_FORMAT_NUMBER_SIZE];
          double v = (g_rand_boolean (rand) ? -1 : 1) *
                     pow (10, g_rand_double_range (rand, -320, 308));
          const char *text = bl_format_number (buf, kind, v);
          const char *point = strchr (text, '.');

          g_assert_cmpint (g_utf8_strlen (text, -1), <=, widest);
          g_assert_nonnull (point);
          if (kind == BL_NUMBER_SCIENTIFIC ||
              fabs (v) >= (kind == BL_NUMBER_BRIEF ? 9999.99995 : 9999.9999995))
            {
              /* d.dddde±XX: four decimals, a signed exponent of two or three digits. */
              const char *e = strchr (text, 'e');
              g_assert_nonnull (e);
              g_assert_cmpint (e - point, ==, 5);
              g_assert_true (e[1] == '-' || e[1] == '+');
              g_assert_cmpint (strlen (e + 2), >=, 2);
            }
          else
            g_assert_cmpint (strlen (point + 1), ==, kind == BL_NUMBER_BRIEF ? 4 : 6);
        }
    }
  g_rand_free (rand);
}

static void
test_column_kinds (void)
{
  g_assert_cmpint (bl_format_column_kind (BL_TOY_COL_W1), ==, BL_NUMBER_FIXED);
  g_assert_cmpint (bl_format_column_kind (BL_TOY_COL_A_O2), ==, BL_NUMBER_FIXED);
  g_assert_cmpint (bl_format_column_kind (BL_TOY_COL_T1), ==, BL_NUMBER_FIXED);
  g_assert_cmpint (bl_format_column_kind (BL_TOY_COL_E_TOTAL), ==, BL_NUMBER_SCIENTIFIC);
  g_assert_cmpint (bl_format_column_kind (BL_TOY_COL_E1), ==, BL_NUMBER_SCIENTIFIC);
  for (BlToyColumn c = 0; c < BL_TOY_N_COLS; c++)
    {
      if (bl_toy_column_is_gradient (c))
        g_assert_cmpint (bl_format_column_kind (c), ==, BL_NUMBER_SCIENTIFIC);
      g_assert_cmpint (bl_format_column_kind_brief (c), ==,
                       bl_format_column_kind (c) == BL_NUMBER_FIXED ? BL_NUMBER_BRIEF
                                                                    : BL_NUMBER_SCIENTIFIC);
    }
}

static void
test_rates (void)
{
  static const struct { double lr; const char *text; } rates[] = {
    { 0.1, "0.1" }, { 2.0, "2" }, { 0.0035, "0.0035" }, { 0.60534, "0.6053" }, { 30, "30" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
    {
      g_autofree char *text = bl_format_rate (rates[i].lr);
      g_assert_cmpstr (text, ==, rates[i].text);
    }
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BL_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/count/grouping", test_count_grouping);
  g_test_add_func ("/format/numbers", test_numbers);
  g_test_add_func ("/format/numbers/bounded-and-aligned", test_numbers_bounded_and_aligned);
  g_test_add_func ("/format/column-kinds", test_column_kinds);
  g_test_add_func ("/format/rates", test_rates);
  g_test_add_func ("/format/count/by-language", test_count_by_language);
  return g_test_run ();
}
