/* test-runlog.c: training logs as JSON lines, written and read back; malformed logs refused
 * with the line that is wrong. */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

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

/* The quick recipe's levers are in its log's header, and the reader takes the header. */
static void
test_levers_in_header (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  NnRecipe recipe;
  NnEpochRecord r;

  nn_recipe_init_quick (&recipe);
  recipe.nesterov = TRUE;
  recipe.recalibrate_bn = 5000;
  recipe.weight_decay = 5e-4;
  nn_runlog_append_header (text, &recipe);
  g_assert_nonnull (strstr (text->str, "\"label_smoothing\":0.05,"));
  g_assert_nonnull (strstr (text->str, "\"dropout\":0.05,"));
  g_assert_nonnull (strstr (text->str, "\"upright_last\":1,"));
  g_assert_nonnull (strstr (text->str, "\"nesterov\":true,"));
  g_assert_nonnull (strstr (text->str, "\"recalibrate_bn\":5000,"));
  g_assert_nonnull (strstr (text->str, "\"weight_decay\":0.0005,"));
  fill_report (&r, 1);
  nn_runlog_append_epoch (text, &r);
  runs = nn_runlog_parse (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  g_assert_cmpuint (((NnRunLog *) g_ptr_array_index (runs, 0))->batch, ==, recipe.batch);
  /* The plain recipe pulls none of them. */
  g_string_truncate (text, 0);
  nn_recipe_init_plain (&recipe);
  nn_runlog_append_header (text, &recipe);
  g_assert_null (strstr (text->str, "label_smoothing"));
  g_assert_null (strstr (text->str, "nesterov"));
  g_assert_null (strstr (text->str, "dropout"));
  g_assert_null (strstr (text->str, "upright_last"));
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
  /* The same bytes cut short at every length. The whole text stays in memory after the cut,
   * so a parser reading past the length it is given would find the rest of the line and
   * accept a cut line: without AddressSanitizer too, the only cuts accepted are those that
   * leave both lines whole. (Under ASan, the exact-size copy also catches any overread.) */
  g_autoptr(GString) text = g_string_new (NULL);
  NnRecipe recipe;
  NnEpochRecord r;
  gsize header_len;

  nn_recipe_init_default (&recipe);
  nn_runlog_append_header (text, &recipe);
  header_len = text->len;
  fill_report (&r, 1);
  nn_runlog_append_epoch (text, &r);
  for (gsize n = 0; n <= text->len; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error_copy = NULL;
      char *copy = g_memdup2 (text->str, n);   /* exactly n bytes: ASan sees any overread */
      GPtrArray *runs = nn_runlog_parse (text->str, n, &error);
      GPtrArray *runs_copy = nn_runlog_parse (copy, n, &error_copy);
      gboolean whole = n >= text->len - 1;   /* the last line, with or without its "\n" */

      if (whole != (runs != NULL))
        g_error ("cut at %" G_GSIZE_FORMAT " of %u: %s", n, (guint) text->len,
                 runs ? "accepted" : error->message);
      g_assert_true ((runs != NULL) == (runs_copy != NULL));
      if (runs)
        {
          const NnRunLog *run = g_ptr_array_index (runs, 0);
          g_assert_cmpuint (runs->len, ==, 1);
          g_assert_cmpuint (run->records->len, ==, 1);
          g_assert_cmpmem (&g_array_index (run->records, NnEpochRecord, 0).confusion,
                           sizeof r.confusion, r.confusion, sizeof r.confusion);
        }
      else
        {
          /* The error names the line that was cut, or says there is no epoch. */
          const char *says = n == 0 || n == header_len - 1 || n == header_len ? "No epochs"
                             : n < header_len ? "Line 1:" : "Line 2:";
          g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
          if (strstr (error->message, says) == NULL)
            g_error ("cut at %" G_GSIZE_FORMAT ": “%s” does not say “%s”", n, error->message,
                     says);
          g_assert_cmpstr (error->message, ==, error_copy->message);
        }
      g_clear_pointer (&runs, g_ptr_array_unref);
      g_clear_pointer (&runs_copy, g_ptr_array_unref);
      g_free (copy);
    }
}

/* A 64-bit seed read back as 0 (it went through a guint); values a recipe cannot hold were
 * read as 0 without a word. */
static void
test_recipe_values_exact (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  NnRecipe recipe;
  NnEpochRecord r;
  struct { const char *line; const char *says; } bad[] = {
    { "{\"run\":{\"seed\":-1}}", "“seed” is not a whole number" },
    { "{\"run\":{\"seed\":18446744073709551616}}", "“seed” is not a whole number" },
    { "{\"run\":{\"epochs\":4294967296}}", "“epochs” is not a whole number" },
    { "{\"run\":{\"batch\":1.5}}", "“batch” is not a whole number" },
    { "{\"run\":{\"lr\":\"fast\"}}", "“lr” is not a number" },
    { "{\"run\":{\"schedule\":7}}", "“schedule” is not a string" },
    { "{\"run\":{\"schedule\":\"\xff\"}}", "UTF-8" },
    { "{\"run\":[1]}", "“run” is not an object" },
    { "{\"epoch\":1,\"test_acc\":0.5,\"confusion\":[[1,2,3,4,5,6,7,8,9,0.5],"
      "[0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0],"
      "[0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0],"
      "[0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0],[0,0,0,0,0,0,0,0,0,0]]}", "counts" },
  };

  nn_recipe_init_default (&recipe);
  recipe.seed = G_MAXUINT64 - 1;
  nn_runlog_append_header (text, &recipe);
  fill_report (&r, 1);
  nn_runlog_append_epoch (text, &r);
  runs = nn_runlog_parse (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((NnRunLog *) g_ptr_array_index (runs, 0))->seed, ==, G_MAXUINT64 - 1);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *log = g_strconcat (bad[i].line, "\n{\"epoch\":1,\"test_acc\":0.5}\n",
                                          NULL);
      GPtrArray *got = nn_runlog_parse (log, strlen (log), &error);
      g_assert_null (got);
      g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
      if (strstr (error->message, bad[i].says) == NULL || strstr (error->message, "Line 1") == NULL)
        g_error ("case %u: “%s” does not say “%s” on line 1", i, error->message, bad[i].says);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }
}

/* Memory is what is kept: runs without epochs do not pile up, and a log holding more epochs
 * than any run of this program makes is refused rather than read into gigabytes. */
static void
test_bounded (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  /* 1,600 runs of one epoch each, every one after a stopped run without epochs. */
  for (guint i = 0; i < 1600; i++)
    g_string_append (text, "{\"run\":{\"lr\":0.1}}\n{\"run\":{\"lr\":0.2,\"seed\":5}}\n"
                           "{\"epoch\":1,\"test_acc\":0.5}\n");
  runs = nn_runlog_parse (text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1600);
  for (guint i = 0; i < runs->len; i++)
    {
      const NnRunLog *run = g_ptr_array_index (runs, i);
      g_assert_cmpfloat (run->lr, ==, 0.2);
      g_assert_cmpuint (run->seed, ==, 5);
      g_assert_cmpuint (run->records->len, ==, 1);
    }
  g_clear_pointer (&runs, g_ptr_array_unref);

  g_string_truncate (text, 0);
  for (guint i = 0; i <= NN_RUNLOG_MAX_EPOCHS; i++)
    g_string_append (text, "{\"epoch\":1,\"test_acc\":0.5}\n");
  g_assert_null (nn_runlog_parse (text->str, text->len, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "more than 100000 epochs"));
  g_clear_error (&error);

  /* A line longer than any a run log has. */
  g_string_assign (text, "{\"epoch\":1,\"test_acc\":0.5,\"x\":\"");
  for (guint i = 0; i < NN_RUNLOG_MAX_LINE; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"}\n");
  g_assert_null (nn_runlog_parse (text->str, text->len, &error));
  g_assert_nonnull (strstr (error->message, "Line 1: longer than"));
}

static char *tmpdir;

static void
test_load_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (nn_runlog_load ("/nonexistent/run.jsonl", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
}

static char *
write_log (const char *name, const GString *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  return path;
}

static void
append_runs (GString *text, guint n_runs, guint epochs)
{
  NnRecipe recipe;
  NnEpochRecord r;

  nn_recipe_init_default (&recipe);
  for (guint k = 0; k < n_runs; k++)
    {
      recipe.seed = k + 1;
      nn_runlog_append_header (text, &recipe);
      for (guint e = 1; e <= epochs; e++)
        {
          fill_report (&r, e);
          nn_runlog_append_epoch (text, &r);
        }
    }
}

/* From a file: read in chunks (lines cut by a chunk joined again), the same runs as parsed
 * from memory; a FIFO refused at once. */
static void
test_load_file (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = NULL, *fifo = g_build_filename (tmpdir, "fifo.jsonl", NULL);
  g_autoptr(GPtrArray) from_file = NULL, from_memory = NULL;
  g_autoptr(GError) error = NULL;

  append_runs (text, 40, 20);   /* 800 lines, ~0.5 MB: many 64 KiB chunks */
  g_assert_cmpuint (text->len, >, 4 * 64 * 1024);
  path = write_log ("many.jsonl", text);
  from_file = nn_runlog_load (path, &error);
  g_assert_no_error (error);
  from_memory = nn_runlog_parse (text->str, text->len, NULL);
  g_assert_cmpuint (from_file->len, ==, 40);
  for (guint i = 0; i < 40; i++)
    {
      const NnRunLog *a = g_ptr_array_index (from_file, i), *b = g_ptr_array_index (from_memory, i);
      g_assert_cmpuint (a->seed, ==, i + 1);
      g_assert_cmpuint (a->records->len, ==, 20);
      g_assert_cmpmem (a->records->data, a->records->len * sizeof (NnEpochRecord),
                       b->records->data, b->records->len * sizeof (NnEpochRecord));
    }
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_null (nn_runlog_load (fifo, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_null (nn_runlog_load ("/dev/zero", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_unlink (fifo);
  g_unlink (path);
}

typedef struct {
  GMainLoop *loop;
  GPtrArray *runs;
  GError    *error;
} AsyncWait;

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncWait *w = data;
  w->runs = nn_runlog_load_finish (result, &w->error);
  g_main_loop_quit (w->loop);
}

/* A window loads off its main thread; the answer comes back to it. */
static void
test_load_async (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  AsyncWait w = { g_main_loop_new (NULL, FALSE) };

  append_runs (text, 3, 2);
  path = write_log ("async.jsonl", text);
  nn_runlog_load_async (path, NULL, loaded_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.runs->len, ==, 3);
  g_clear_pointer (&w.runs, g_ptr_array_unref);

  g_cancellable_cancel (cancelled);
  nn_runlog_load_async (path, cancelled, loaded_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_null (w.runs);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);
  g_unlink (path);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static void
write_in (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

static void
dir_loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  AsyncWait *w = data;
  w->runs = nn_runlog_load_dir_finish (result, &w->error);
  g_main_loop_quit (w->loop);
}

/* A sweep's folder: every *.jsonl read in name order, numbers as numbers; a broken log, a
 * FIFO and a folder named like a log keep their own errors while the rest are read; other
 * files and hidden ones are left alone. */
static void
test_load_dir (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "sweep", NULL);
  g_autofree char *fifo = g_build_filename (dir, "lr-7.jsonl", NULL);
  g_autofree char *subdir = g_build_filename (dir, "lr-8.jsonl", NULL);
  g_autofree char *empty = g_build_filename (tmpdir, "empty", NULL);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  static const char *const expected[] = { "lr-1.jsonl", "lr-2.jsonl", "lr-7.jsonl",
                                          "lr-8.jsonl", "lr-10.jsonl", "lr-broken.jsonl" };
  AsyncWait w = { g_main_loop_new (NULL, FALSE) };

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  write_in (dir, "lr-10.jsonl", "{\"run\":{\"lr\":0.1}}\n{\"epoch\":1,\"test_acc\":0.9}\n");
  write_in (dir, "lr-2.jsonl", "{\"run\":{\"lr\":0.02}}\n{\"epoch\":1,\"test_acc\":0.8}\n"
                               "{\"run\":{\"lr\":0.02,\"seed\":2}}\n{\"epoch\":1,\"test_acc\":0.6}\n");
  write_in (dir, "lr-1.jsonl", "{\"run\":{\"lr\":0.01}}\n{\"epoch\":1,\"test_acc\":0.7}\n");
  write_in (dir, "lr-broken.jsonl", "{\"epoch\":1,\"test_acc\":\n");
  write_in (dir, "notes.txt", "not a log");
  write_in (dir, ".hidden.jsonl", "{\"epoch\":1}\n");
  write_in (dir, "slurm-42_3.out", "epoch 1");
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);

  files = nn_runlog_load_dir (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < files->len; i++)
    {
      const NnRunLogFile *f = g_ptr_array_index (files, i);
      g_assert_cmpstr (f->name, ==, expected[i]);
      g_assert_true ((f->runs == NULL) == (f->error != NULL));
    }
  g_assert_no_error (((NnRunLogFile *) files->pdata[0])->error);
  g_assert_no_error (((NnRunLogFile *) files->pdata[1])->error);
  g_assert_no_error (((NnRunLogFile *) files->pdata[4])->error);
  g_assert_cmpuint (((NnRunLogFile *) files->pdata[0])->runs->len, ==, 1);
  g_assert_cmpfloat (((NnRunLog *) ((NnRunLogFile *) files->pdata[0])->runs->pdata[0])->lr, ==,
                     0.01);
  g_assert_cmpuint (((NnRunLogFile *) files->pdata[1])->runs->len, ==, 2);
  g_assert_error (((NnRunLogFile *) files->pdata[2])->error, NN_ERROR, NN_ERROR_IO);
  g_assert_error (((NnRunLogFile *) files->pdata[3])->error, NN_ERROR, NN_ERROR_IO);
  g_assert_cmpfloat (((NnRunLog *) ((NnRunLogFile *) files->pdata[4])->runs->pdata[0])->lr, ==,
                     0.1);
  g_assert_error (((NnRunLogFile *) files->pdata[5])->error, NN_ERROR, NN_ERROR_FORMAT);
  g_assert_nonnull (strstr (((NnRunLogFile *) files->pdata[5])->error->message,
                            "lr-broken.jsonl"));
  g_clear_pointer (&files, g_ptr_array_unref);

  /* The same from a worker thread, and cancelled. */
  nn_runlog_load_dir_async (dir, NULL, dir_loaded_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_cmpuint (w.runs->len, ==, G_N_ELEMENTS (expected));
  g_clear_pointer (&w.runs, g_ptr_array_unref);
  g_cancellable_cancel (cancelled);
  nn_runlog_load_dir_async (dir, cancelled, dir_loaded_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_null (w.runs);
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);

  /* A folder without logs, one that is not there, a file given as a folder. */
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  write_in (empty, "readme.txt", "nothing");
  g_assert_null (nn_runlog_load_dir (empty, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "no training logs"));
  g_clear_error (&error);
  g_assert_null (nn_runlog_load_dir ("/nonexistent/sweep", NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_clear_error (&error);
  {
    g_autofree char *file = g_build_filename (dir, "lr-1.jsonl", NULL);
    g_assert_null (nn_runlog_load_dir (file, NULL, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_IO);
    g_clear_error (&error);
  }
  remove_tree (empty);
  remove_tree (dir);
}

/* A folder is bounded as one log is: files counted, epochs summed over all of them. */
static void
test_load_dir_bounded (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "too-many", NULL);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i <= NN_RUNLOG_MAX_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("run-%u.jsonl", i);
      write_in (dir, name, "{\"epoch\":1,\"test_acc\":0.5}\n");
    }
  g_assert_null (nn_runlog_load_dir (dir, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "more than 1000 training logs"));
  g_clear_error (&error);
  remove_tree (dir);

  /* Two logs of 60,000 epochs each: each within bounds, together not. */
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i < 60000; i++)
    g_string_append (text, "{\"epoch\":1,\"test_acc\":0.5}\n");
  write_in (dir, "a.jsonl", text->str);
  files = nn_runlog_load_dir (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((NnRunLog *) ((NnRunLogFile *) files->pdata[0])->runs->pdata[0])->records->len,
                    ==, 60000);
  write_in (dir, "b.jsonl", text->str);
  g_assert_null (nn_runlog_load_dir (dir, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "more than 100000 epochs together"));
  remove_tree (dir);
}

typedef struct {
  char   *path;
  gint64  size;
} Truncation;

static gpointer
truncate_soon (gpointer data)
{
  Truncation *t = data;
  g_usleep (20 * 1000);
  g_assert_cmpint (truncate (t->path, t->size / 100), ==, 0);
  return NULL;
}

/* A log truncated while it was read killed the reader with SIGBUS (it was mapped): now the
 * read just ends where the file does. Run in a subprocess, so that a crash is a failure. */
static void
test_truncated_while_read (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "shrinking.jsonl", NULL);
  g_autoptr(GString) text = NULL;

  if (g_test_subprocess ())
    {
      GStatBuf st;
      Truncation t = { path, 0 };
      GThread *thread;
      g_autoptr(GError) error = NULL;
      GPtrArray *runs;

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      t.size = st.st_size;
      thread = g_thread_new ("truncate", truncate_soon, &t);
      runs = nn_runlog_load (path, &error);
      g_thread_join (thread);
      /* Whatever was read before the cut, or the line it cut: an answer, not a crash. */
      g_assert_true ((runs != NULL) != (error != NULL));
      g_test_message ("%s", runs ? "read before the cut" : error->message);
      g_clear_pointer (&runs, g_ptr_array_unref);
      return;
    }
  text = g_string_new (NULL);
  append_runs (text, 2000, 30);   /* 60,000 lines, ~38 MB: reading takes longer than 20 ms */
  g_free (write_log ("shrinking.jsonl", text));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_unlink (path);
}

/* --log on a full disk exited 0 with a 0-byte log: every write is checked, and a line that
 * could not be written whole is taken back, so the lines before it stay readable. */
static void
test_writer_errors (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "full.jsonl", NULL);
  NnRunLogWriter *w;
  NnRecipe recipe;
  NnEpochRecord r;

  nn_recipe_init_default (&recipe);
  fill_report (&r, 1);
  {
    g_autoptr(GError) error = NULL;
    int fd = g_open ("/dev/full", O_WRONLY, 0);
    g_assert_cmpint (fd, >=, 0);
    w = nn_runlog_writer_new_for_fd (fd, "/dev/full");
    g_assert_false (nn_runlog_writer_add_run (w, &recipe, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_IO);
    g_assert_nonnull (strstr (error->message, "No space left"));
    g_assert_true (nn_runlog_writer_close (w, NULL));
  }
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      struct rlimit limit;

      w = nn_runlog_writer_open (path, &error);
      g_assert_no_error (error);
      g_assert_true (nn_runlog_writer_add_run (w, &recipe, NULL));
      g_assert_true (nn_runlog_writer_add_epoch (w, &r, NULL));
      /* The disk "fills up" 100 bytes into the next line. */
      signal (SIGXFSZ, SIG_IGN);
      limit.rlim_cur = limit.rlim_max = lseek (open (path, O_RDONLY), 0, SEEK_END) + 100;
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (nn_runlog_writer_add_epoch (w, &r, &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_IO);
      g_assert_nonnull (strstr (error->message, "full.jsonl"));
      nn_runlog_writer_close (w, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  {
    g_autoptr(GPtrArray) runs = nn_runlog_load (path, NULL);
    g_assert_nonnull (runs);   /* the half line was taken back */
    g_assert_cmpuint (((NnRunLog *) g_ptr_array_index (runs, 0))->records->len, ==, 1);
  }
  /* Nor is a FIFO or a device appended to. */
  {
    g_autoptr(GError) error = NULL;
    g_assert_null (nn_runlog_writer_open ("/dev/null", &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  }
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* A subprocess works in its parent's folder. */
  if (g_getenv ("BL_TEST_RUNLOG_DIR"))
    tmpdir = g_strdup (g_getenv ("BL_TEST_RUNLOG_DIR"));
  else
    {
      tmpdir = g_dir_make_tmp ("bl-runlog-XXXXXX", NULL);
      g_setenv ("BL_TEST_RUNLOG_DIR", tmpdir, TRUE);
    }
  g_test_add_func ("/nn/runlog/round-trip", test_round_trip);
  g_test_add_func ("/nn/runlog/levers-in-header", test_levers_in_header);
  g_test_add_func ("/nn/runlog/older-log-without-header", test_older_log_without_header);
  g_test_add_func ("/nn/runlog/malformed-refused", test_malformed_refused);
  g_test_add_func ("/nn/runlog/reads-only-what-it-is-given", test_reads_only_what_it_is_given);
  g_test_add_func ("/nn/runlog/load-missing-file", test_load_missing_file);
  g_test_add_func ("/nn/runlog/recipe-values-exact", test_recipe_values_exact);
  g_test_add_func ("/nn/runlog/bounded", test_bounded);
  g_test_add_func ("/nn/runlog/load-file", test_load_file);
  g_test_add_func ("/nn/runlog/load-async", test_load_async);
  g_test_add_func ("/nn/runlog/load-dir", test_load_dir);
  g_test_add_func ("/nn/runlog/load-dir-bounded", test_load_dir_bounded);
  g_test_add_func ("/nn/runlog/truncated-while-read", test_truncated_while_read);
  g_test_add_func ("/nn/runlog/writer-errors", test_writer_errors);
  status = g_test_run ();
  if (!g_test_subprocess ())
    g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
