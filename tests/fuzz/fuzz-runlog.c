/* fuzz-runlog.c: any bytes as a run log (nn_runlog_parse, what Compare Rates imports).
 * Accepted: at least one run, each with at least one epoch; every epoch a whole number ≥ 1,
 * every test accuracy in [0, 1], every schedule UTF-8, at most NN_RUNLOG_MAX_EPOCHS epochs.
 * Refused: an NN_ERROR_FORMAT naming the line (or saying there is no epoch), in text. The
 * same bytes cut at a point the input chooses give an answer too. */
#include <math.h>
#include <string.h>

#include "fuzz-common.h"
#include "nn-error.h"
#include "nn-runlog.h"

static void
parse (const char *text, gsize len)
{
  GError *error = NULL;
  GPtrArray *runs = nn_runlog_parse (text, len, &error);
  guint epochs = 0;

  if (runs == NULL)
    {
      check_refusal (error, NN_ERROR);
      check (error->code == NN_ERROR_FORMAT);
      check (g_str_has_prefix (error->message, "Line ")
             || g_str_equal (error->message, "No epochs in this log."));
      g_error_free (error);
      return;
    }
  check (error == NULL && runs->len >= 1);
  for (guint i = 0; i < runs->len; i++)
    {
      const NnRunLog *run = g_ptr_array_index (runs, i);
      check (run->records->len >= 1);
      check (run->schedule == NULL || g_utf8_validate (run->schedule, -1, NULL));
      check (run->has_recipe || isnan (run->lr));
      for (guint e = 0; e < run->records->len; e++)
        {
          const NnEpochRecord *r = &g_array_index (run->records, NnEpochRecord, e);
          check (r->epoch >= 1 && r->epoch <= 1000000);
          check (r->test_acc >= 0 && r->test_acc <= 1);
          for (guint t = 0; t < NN_CLASSES; t++)
            for (guint p = 0; p < NN_CLASSES; p++)
              check (r->confusion[t][p] <= 1000000000u);
        }
      epochs += run->records->len;
    }
  check (epochs <= NN_RUNLOG_MAX_EPOCHS);
  g_ptr_array_unref (runs);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  parse ((const char *) data, size);
  if (size > 1)
    parse ((const char *) data, data[0] % size);
  return 0;
}
