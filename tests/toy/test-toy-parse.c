/* test-toy-parse.c: what a teacher types, read strictly: numbers, lists of learning rates,
 * iteration counts, assignments. Any bytes give an answer (never a crash), and messages are
 * valid UTF-8 whatever was typed. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"

/* Call as expect_refused (call (…, &error), &error, …): the error is read after the call. */
static void
expect_refused (gboolean ok, GError **errorp, int code, const char *fragment)
{
  GError *error = *errorp;

  g_assert_false (ok);
  g_assert_error (error, BL_TOY_ERROR, code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (fragment && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_numbers (void)
{
  g_autoptr(GError) error = NULL;
  double v = 0;

  /* The smallest subnormal underflows strtod (ERANGE) but is a number: it was called "too
   * large". */
  g_assert_true (bl_toy_parse_double ("4.9e-324", &v, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (v, >, 0);
  g_assert_cmpfloat (v, ==, 4.9e-324);
  g_assert_true (bl_toy_parse_double ("1e-400", &v, NULL));   /* below that: 0 */
  g_assert_cmpfloat (v, ==, 0);
  g_assert_true (bl_toy_lr_validate (4.9e-324, NULL));
  expect_refused (bl_toy_parse_double ("nan", &v, &error), &error, BL_TOY_ERROR_PARSE,
                  "is not a number");
  g_clear_error (&error);
  expect_refused (bl_toy_parse_double ("-inf", &v, &error), &error, BL_TOY_ERROR_OVERFLOW,
                  "too large");
  g_clear_error (&error);
  expect_refused (bl_toy_parse_double ("0.5\xff", &v, &error), &error, BL_TOY_ERROR_PARSE,
                  "not a number");
}

static void
test_learning_rates (void)
{
  g_autoptr(GArray) rates = NULL;
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "0.1,\xff", "\xff\xfe", "0.1 \xc3", "", " , ;", "0.1,-2", "0.1,nan",
                        "1e999" };

  rates = bl_toy_parse_learning_rates ("0.1 0.2;0.3,,\t0.4 ", 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rates->len, ==, 4);
  g_assert_cmpfloat (g_array_index (rates, double, 3), ==, 0.4);
  g_clear_pointer (&rates, g_array_unref);
  rates = bl_toy_parse_learning_rates ("4.9e-324", 8, &error);
  g_assert_no_error (error);
  g_clear_pointer (&rates, g_array_unref);
  /* Invalid UTF-8 made the splitter return NULL, which was then read. */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_null (bl_toy_parse_learning_rates (bad[i], 8, &error));
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }
  g_assert_null (bl_toy_parse_learning_rates ("1,2,3", 2, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "At most 2"));
}

static void
test_iterations (void)
{
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "-1", "100001", "1e9", "4294967296", "abc", "", " 5", "5 ", "\xff" };
  guint n = 7;

  g_assert_true (bl_toy_parse_iterations ("0", &n, NULL));
  g_assert_cmpuint (n, ==, 0);
  g_assert_true (bl_toy_parse_iterations ("100000", &n, NULL));
  g_assert_cmpuint (n, ==, BL_TOY_MAX_ITERATIONS);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      n = 7;
      expect_refused (bl_toy_parse_iterations (bad[i], &n, &error), &error,
                      BL_TOY_ERROR_INVALID, "from 0 to 100000");
      g_assert_cmpuint (n, ==, 7);
      g_clear_error (&error);
    }
}

static void
test_assignments (void)
{
  g_autoptr(GError) error = NULL;
  BlToyParams p, before;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  before = p;
  g_assert_true (bl_toy_params_set_from_string (&p, " w1 = 0.3 ,, i1=0.2", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (p.w[0], ==, 0.3);
  p = before;
  expect_refused (bl_toy_params_set_from_string (&p, "w1=0.3,\xffw2=1", &error), &error,
                  BL_TOY_ERROR_PARSE, NULL);
  g_clear_error (&error);
  expect_refused (bl_toy_params_set_from_string (&p, "w1=0.3,w2=\xff", &error), &error,
                  BL_TOY_ERROR_PARSE, NULL);
  g_clear_error (&error);
  expect_refused (bl_toy_params_set_from_string (&p, "w1=0.3,w9=1", &error), &error,
                  BL_TOY_ERROR_PARSE, "w9");
  g_assert_cmpmem (&p, sizeof p, &before, sizeof before);   /* all or nothing */
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy/parse/numbers", test_numbers);
  g_test_add_func ("/toy/parse/learning-rates", test_learning_rates);
  g_test_add_func ("/toy/parse/iterations", test_iterations);
  g_test_add_func ("/toy/parse/assignments", test_assignments);
  return g_test_run ();
}
