/* fuzz-toy-parse.c: any bytes typed where the toy network takes text (bl-toy.h): a number
 * (also what `mnist train` reads its real-valued options with), a list of learning rates (the
 * CLI's --lr, Preferences, Compare Rates), a count of iterations and a list of assignments
 * (--set). Accepted: finite numbers in their ranges, at most the count asked for. Refused: a
 * BL_TOY_ERROR whose message is text (the input quoted in it may not be), nothing changed. */
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = g_strndup ((const char *) data, size);   /* as a C string, up to a NUL */
  guint max_count = size ? 1 + data[0] % 16 : 4, n = 7;
  GError *error = NULL;
  GArray *rates;
  BlToyParams p, before;
  double v = 0;

  if (bl_toy_parse_double (text, &v, &error))
    check (isfinite (v));
  else
    {
      check_refusal (error, BL_TOY_ERROR);
      g_clear_error (&error);
    }

  rates = bl_toy_parse_learning_rates (text, max_count, &error);
  if (rates)
    {
      check (rates->len >= 1 && rates->len <= max_count);
      for (guint i = 0; i < rates->len; i++)
        check (bl_toy_lr_validate (g_array_index (rates, double, i), NULL));
      g_array_unref (rates);
    }
  else
    {
      check_refusal (error, BL_TOY_ERROR);
      g_clear_error (&error);
    }

  if (bl_toy_parse_iterations (text, &n, &error))
    check (n <= BL_TOY_MAX_ITERATIONS);
  else
    {
      check_refusal (error, BL_TOY_ERROR);
      check (n == 7);
      g_clear_error (&error);
    }

  bl_toy_params_init_preset (&p, size % 2 ? BL_TOY_PRESET_WITH_BIASES : BL_TOY_PRESET_CLASSROOM);
  before = p;
  if (bl_toy_params_set_from_string (&p, text, &error))
    {
      check (isfinite (p.i1) && isfinite (p.i2) && isfinite (p.t1) && isfinite (p.t2));
      check (isfinite (p.b1) && isfinite (p.b2));
      for (guint i = 0; i < 8; i++)
        check (isfinite (p.w[i]));
    }
  else
    {
      check_refusal (error, BL_TOY_ERROR);
      check (memcmp (&p, &before, sizeof p) == 0);   /* all or nothing */
      g_clear_error (&error);
    }
  g_free (text);
  return 0;
}
