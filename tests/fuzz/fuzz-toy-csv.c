/* fuzz-toy-csv.c: any bytes as a CSV ledger read back (bl_toy_table_parse_csv). Accepted: a
 * header of UTF-8 names, every row as wide as it, every value there. Refused: a BL_TOY_ERROR
 * whose message is text. */
#include "core/bl-toy-csv.h"
#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  BlToyTable *t = bl_toy_table_parse_csv ((const char *) data, size, "fuzz", &error);

  if (t == NULL)
    {
      check_refusal (error, BL_TOY_ERROR);
      g_error_free (error);
      return 0;
    }
  check (error == NULL && t->n_cols >= 1);
  check (g_strv_length (t->names) == t->n_cols);
  for (guint c = 0; c < t->n_cols; c++)
    {
      check (g_utf8_validate (t->names[c], -1, NULL));
      check (bl_toy_table_column (t, t->names[c]) <= (int) c);
    }
  {
    double sum = 0;
    for (gsize i = 0; i < (gsize) t->n_rows * t->n_cols; i++)   /* every value there (ASan) */
      sum += t->values[i] == t->values[i];
    check (sum <= (double) t->n_rows * t->n_cols);
  }
  bl_toy_table_free (t);
  return 0;
}
