/* test-toy-csv.c: the ledger written as CSV reads back bit-identical; JSON is well formed. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "core/bl-toy.h"
#include "core/bl-toy-csv.h"

static char *
tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("bl-toy-csv-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
test_round_trip (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "ledger.csv", NULL);
  g_autoptr(GError) error = NULL;
  static const double lrs[] = { 0.1, 2.0, 0.37 };
  BlToyRun *runs[G_N_ELEMENTS (lrs)];
  BlToyParams p;
  BlToyTable *t;
  guint row = 0;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  p.train_biases = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
    {
      runs[i] = bl_toy_run_new (&p, lrs[i]);
      bl_toy_run_compute (runs[i], 700);
    }
  g_assert_true (bl_toy_ledger_save (path, BL_TOY_FORMAT_CSV, runs, G_N_ELEMENTS (lrs), &error));
  g_assert_no_error (error);

  t = bl_toy_table_read_csv (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (t->n_rows, ==, 3 * 701);
  g_assert_cmpuint (t->n_cols, ==, 2 + BL_TOY_N_COLS);   /* all columns with biases */
  g_assert_cmpint (bl_toy_table_column (t, "lr"), ==, 0);
  g_assert_cmpint (bl_toy_table_column (t, "iteration"), ==, 1);
  g_assert_cmpint (bl_toy_table_column (t, "E_total"), >, 1);
  g_assert_cmpint (bl_toy_table_column (t, "dE/dw1"), >, 1);
  g_assert_cmpint (bl_toy_table_column (t, "nonsense"), ==, -1);

  for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
    for (guint k = 0; k < runs[i]->n_rows; k++, row++)
      {
        BlToyRow r;
        const double *cells = t->values + (gsize) row * t->n_cols;
        bl_toy_run_get_row (runs[i], k, &r);
        g_assert_true (cells[0] == lrs[i]);
        g_assert_cmpfloat (cells[1], ==, k);
        for (guint c = 0; c < BL_TOY_N_COLS; c++)
          {
            int col = bl_toy_table_column (t, bl_toy_column_name (c));
            g_assert_cmpint (col, >=, 0);
            /* %.17g round-trips exactly. */
            if (memcmp (&cells[col], &r.v[c], sizeof (double)) != 0)
              g_error ("row %u %s: %.17g != %.17g", row, bl_toy_column_name (c), cells[col],
                       r.v[c]);
          }
      }
  bl_toy_table_free (t);
  for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
    bl_toy_run_free (runs[i]);
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_classroom_columns_and_errors (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "ledger.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such.csv", NULL);
  g_autoptr(GError) error = NULL;
  BlToyParams p;
  BlToyRun *run;
  BlToyTable *t;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 10);
  g_assert_true (bl_toy_ledger_save (path, BL_TOY_FORMAT_CSV, &run, 1, NULL));
  {
    /* Saved like any file the user saves: readable as their umask allows, not private. */
    GStatBuf st;
    mode_t mask = umask (022);
    umask (mask);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0666 & ~mask);
  }
  t = bl_toy_table_read_csv (path, NULL);
  g_assert_nonnull (t);
  g_assert_cmpuint (t->n_cols, ==, 2 + 31);   /* no bias columns in the classroom */
  g_assert_cmpint (bl_toy_table_column (t, "b1"), ==, -1);
  g_assert_cmpfloat_with_epsilon (t->values[bl_toy_table_column (t, "E_total")], 0.2425198573,
                                  5e-11);
  bl_toy_table_free (t);

  /* A directory that does not exist: a clear error and no file left behind. */
  g_assert_false (bl_toy_ledger_save (missing, BL_TOY_FORMAT_CSV, &run, 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Malformed CSV. */
  g_assert_true (g_file_set_contents (bad, "lr,iteration\n0.5,zero\n", -1, NULL));
  g_assert_null (bl_toy_table_read_csv (bad, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (bad, "lr,iteration\n0.5\n", -1, NULL));
  g_assert_null (bl_toy_table_read_csv (bad, &error));
  g_clear_error (&error);

  bl_toy_run_free (run);
  g_unlink (path);
  g_unlink (bad);
  g_rmdir (dir);
}

static void
test_json (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "ledger.json", NULL);
  g_autofree char *text = NULL;
  BlToyParams p;
  BlToyRun *runs[2];
  guint objects = 0;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  runs[0] = bl_toy_run_new (&p, 0.5);
  runs[1] = bl_toy_run_new (&p, 1.0);
  bl_toy_run_compute (runs[0], 4);
  bl_toy_run_compute (runs[1], 4);
  g_assert_true (bl_toy_ledger_save (path, BL_TOY_FORMAT_JSON, runs, 2, NULL));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "[\n{\"lr\":0.5,\"iteration\":0,\"t1\":0.01,"));
  g_assert_true (g_str_has_suffix (text, "}\n]\n"));
  for (const char *s = text; (s = strstr (s, "{\"lr\":")) != NULL; s++)
    objects++;
  g_assert_cmpuint (objects, ==, 10);
  g_assert_nonnull (strstr (text, "\"dE/dw8\":"));
  bl_toy_run_free (runs[0]);
  bl_toy_run_free (runs[1]);
  g_unlink (path);
  g_rmdir (dir);
}

/* `toy --output` onto a FIFO replaced it with a regular file; reading one back blocked for
 * ever. Neither happens: only regular files are read or replaced. */
static void
test_special_files (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *fifo = g_build_filename (dir, "ledger.csv", NULL);
  g_autoptr(GError) error = NULL;
  BlToyParams p;
  BlToyRun *run;
  GStatBuf st;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 3);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (bl_toy_ledger_save (fifo, BL_TOY_FORMAT_CSV, &run, 1, &error));
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_null (bl_toy_table_read_csv (fifo, &error));
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_null (bl_toy_table_read_csv ("/dev/zero", &error));
  g_assert_nonnull (strstr (error->message, "character device"));
  bl_toy_run_free (run);
  g_unlink (fifo);
  g_rmdir (dir);
}

/* A save killed mid-write (1e7 iterations left a 2.48 GB temporary file) leaves a file the
 * next save of the same ledger finds and removes. */
static void
test_stale_temp_removed (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "ledger.csv", NULL);
  g_autofree char *stale = g_build_filename (dir, ".ledger.csv.Xy12Zw.tmp", NULL);
  BlToyParams p;
  BlToyRun *run;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 3);
  g_assert_true (g_file_set_contents (stale, "lr,iteration\n0.5,0\n0.5,", -1, NULL));
  g_assert_true (bl_toy_ledger_save (path, BL_TOY_FORMAT_CSV, &run, 1, NULL));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  bl_toy_run_free (run);
  g_unlink (path);
  g_rmdir (dir);
}

/* Text read from memory, as the fuzzer drives it: blank lines skipped, names made text. */
static void
test_parse_text (void)
{
  const char text[] = "\r\nlr, it\xff" "er\n\n0.5,1\n  \n0.25,nan\n";
  g_autoptr(GError) error = NULL;
  BlToyTable *t = bl_toy_table_parse_csv (text, sizeof text - 1, "mem", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (t->n_rows, ==, 2);
  g_assert_cmpuint (t->n_cols, ==, 2);
  g_assert_true (g_utf8_validate (t->names[1], -1, NULL));
  g_assert_true (isnan (t->values[3]));
  bl_toy_table_free (t);
  /* A NUL inside a cell is not text (it cut the cell short: "1\0" "2" read as 1). */
  g_assert_null (bl_toy_table_parse_csv ("a\n1\0002\n", 6, "mem", &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
  g_assert_null (bl_toy_table_parse_csv ("", 0, "mem", &error));
  g_assert_nonnull (strstr (error->message, "empty"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy-csv/round-trip", test_round_trip);
  g_test_add_func ("/toy-csv/classroom-columns-and-errors", test_classroom_columns_and_errors);
  g_test_add_func ("/toy-csv/json", test_json);
  g_test_add_func ("/toy-csv/special-files", test_special_files);
  g_test_add_func ("/toy-csv/stale-temp-removed", test_stale_temp_removed);
  g_test_add_func ("/toy-csv/parse-text", test_parse_text);
  return g_test_run ();
}
