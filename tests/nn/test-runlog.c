/* test-runlog.c: training logs as JSON lines, written and read back; malformed logs refused
 * with the line that is wrong. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nn-error.h"
#include "nn-runlog.h"

static void
fill_report (NnEpochRecord *r, guint epoch)
{
  memset (r, 0, sizeof *r);
  r->epoch = epoch;
  r->train_loss = 0.5 / epoch;
  r->train_acc = 0.9 + 0.001 * epoch;
  r->test_loss = 0.25 / epoch;
  r->test_acc = 0.95 + 0.002 * epoch;
  r->seconds = 14.25;
  r->lr = 0.01 * epoch;
  for (int t = 0; t < 10; t++)
    for (int p = 0; p < 10; p++)
      r->confusion[t][p] = t == p ? 900 + t + epoch : (guint) (t * 10 + p) % 7;
}

static void
test_round_trip (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  NnRecipe recipe;
  NnEpochRecord r;

  nn_recipe_init_default (&recipe);
  recipe.lr = 0.075;
  recipe.seed = 7;
  /* Two runs appended to one file, as two CLI runs with the same --log do. */
  nn_runlog_append_header (text, &recipe);
  for (guint e = 1; e <= 3; e++)
    {
      fill_report (&r, e);
      nn_runlog_append_epoch (text, &r);
    }
  nn_recipe_init_plain (&recipe);
  nn_runlog_append_header (text, &recipe);
  fill_report (&r, 1);
  nn_runlog_append_epoch (text, &r);

  runs = nn_runlog_parse (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  {
    NnRunLog *a = g_ptr_array_index (runs, 0), *b = g_ptr_array_index (runs, 1);
    g_assert_true (a->has_recipe);
    g_assert_cmpfloat (a->lr, ==, 0.075);
    g_assert_cmpstr (a->schedule, ==, "onecycle");
    g_assert_cmpuint (a->seed, ==, 7);
    g_assert_cmpuint (a->epochs, ==, 20);
    g_assert_cmpfloat (a->rotate, ==, 7);
    g_assert_cmpuint (a->records->len, ==, 3);
    for (guint e = 1; e <= 3; e++)
      {
        const NnEpochRecord *got = &g_array_index (a->records, NnEpochRecord, e - 1);
        fill_report (&r, e);
        g_assert_cmpuint (got->epoch, ==, e);
        g_assert_cmpfloat (fabs (got->test_acc - r.test_acc), <, 1e-6);
        g_assert_cmpfloat (fabs (got->train_loss - r.train_loss) / r.train_loss, <, 1e-5);
        g_assert_cmpfloat (fabs (got->lr - r.lr), <, 1e-9);
        g_assert_cmpmem (got->confusion, sizeof got->confusion, r.confusion, sizeof r.confusion);
      }
    g_assert_cmpstr (b->schedule, ==, "none");
    g_assert_cmpfloat (b->lr, ==, 0.01);
    g_assert_cmpuint (b->records->len, ==, 1);
  }
}

static void
test_older_log_without_header (void)
{
  const char *text = "{\"epoch\":1,\"test_acc\":0.98}\n\n{\"epoch\":2,\"test_acc\":0.985,"
                     "\"train_loss\":0.1}\n";
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  NnRunLog *run;

  runs = nn_runlog_parse (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  run = g_ptr_array_index (runs, 0);
  g_assert_false (run->has_recipe);
  g_assert_true (isnan (run->lr));
  g_assert_cmpuint (run->records->len, ==, 2);
  g_assert_cmpfloat (g_array_index (run->records, NnEpochRecord, 1).test_acc, ==, 0.985);
  g_assert_true (isnan (g_array_index (run->records, NnEpochRecord, 0).train_loss));
}

static void
test_malformed_refused (void)
{
  struct { const char *text; const char *says; } cases[] = {
    { "", "No epochs" },
    { "{\"run\":{\"lr\":0.1}}\n", "No epochs" },
    { "{\"epoch\":1,\"test_acc\":0.9}\n{\"epoch\":2,\"test_acc\":0.9", "Line 2" },
    { "{\"epoch\":1,\"test_acc\":1.5}\n", "test_acc" },
    { "{\"epoch\":0,\"test_acc\":0.5}\n", "epoch" },
    { "{\"epoch\":1.5,\"test_acc\":0.5}\n", "epoch" },
    { "{\"test_acc\":0.5}\n", "epoch" },
    { "{\"epoch\":1,\"test_acc\":0.5,\"confusion\":[[1,2],[3,4]]}\n", "10×10" },
    { "[1,2,3]\n", "one object" },
    { "{\"epoch\":1,\"test_acc\":0.5} trailing\n", "more after" },
    { "{\"epoch\":1,\"test_acc\":0.5,\"x\":\"unterminated}\n", "not closed" },
    { "{\"a\":[[[[[[[[[[1]]]]]]]]]]}\n", "nested" },
    { "{\"epoch\":1,,}\n", "Line 1" },
    { "{\"epoch\":abc}\n", "value" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      GPtrArray *runs = nn_runlog_parse (cases[i].text, strlen (cases[i].text), &error);
      g_assert_null (runs);
      g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].says);
    }
}

static void
test_reads_only_what_it_is_given (void)
{
  /* The same bytes cut short at every length: never a crash, never a read past the cut. */
  g_autoptr(GString) text = g_string_new (NULL);
  NnRecipe recipe;
  NnEpochRecord r;

  nn_recipe_init_default (&recipe);
  nn_runlog_append_header (text, &recipe);
  fill_report (&r, 1);
  nn_runlog_append_epoch (text, &r);
  for (gsize n = 0; n <= text->len; n++)
    {
      char *copy = g_memdup2 (text->str, n);   /* exactly n bytes: ASan sees any overread */
      GPtrArray *runs = nn_runlog_parse (copy, n, NULL);
      if (runs)
        g_ptr_array_unref (runs);
      g_free (copy);
    }
}

static void
test_load_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (nn_runlog_load ("/nonexistent/run.jsonl", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/runlog/round-trip", test_round_trip);
  g_test_add_func ("/nn/runlog/older-log-without-header", test_older_log_without_header);
  g_test_add_func ("/nn/runlog/malformed-refused", test_malformed_refused);
  g_test_add_func ("/nn/runlog/reads-only-what-it-is-given", test_reads_only_what_it_is_given);
  g_test_add_func ("/nn/runlog/load-missing-file", test_load_missing_file);
  return g_test_run ();
}
