/* test-xlsx.c: the live-formula workbook, recalculated by a real client. LibreOffice opens it
 * in a throwaway profile told to always recalculate .xlsx on load, exports every sheet as CSV,
 * and those numbers must match the app's to 1e-9. One run's η cell is changed after its rows
 * were computed, so its cached values are stale: only a real recalculation matches. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "core/bl-toy.h"
#include "export/bl-toy-xlsx.h"

#define ITERATIONS 200

static const char recalc_always_xcu[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" "
  "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
  "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
  "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\">"
  "<prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\"><value>0</value></prop></item>\n"
  "</oor:items>\n";

/* Splits one CSV line with LibreOffice's quoting (quotes around text, "" inside). */
static GPtrArray *
split_csv_line (const char *line)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  GString *cell = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *s = line; ; s++)
    {
      if (*s == '\0' || (*s == ',' && !quoted))
        {
          g_ptr_array_add (cells, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          if (*s == '\0')
            break;
        }
      else if (*s == '"')
        {
          if (quoted && s[1] == '"')
            g_string_append_c (cell, *++s);
          else
            quoted = !quoted;
        }
      else if (*s != '\r')
        g_string_append_c (cell, *s);
    }
  g_string_free (cell, TRUE);
  return cells;
}

/* Compares one exported sheet with @expect, row by row and column by column. */
static void
check_sheet (const char *csv_path, const BlToyRun *expect)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) header = NULL;
  int header_line = -1;
  guint rows = 0;
  double max_diff = 0;

  g_assert_true (g_file_get_contents (csv_path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], "iteration,"))
      {
        header_line = i;
        break;
      }
  g_assert_cmpint (header_line, >=, 0);
  header = split_csv_line (lines[header_line]);

  for (int i = header_line + 1; lines[i] && *lines[i]; i++, rows++)
    {
      g_autoptr(GPtrArray) cells = split_csv_line (lines[i]);
      BlToyRow row;

      g_assert_cmpuint (cells->len, >=, header->len);
      g_assert_cmpuint (rows, <, expect->n_rows);
      g_assert_cmpfloat (g_ascii_strtod (cells->pdata[0], NULL), ==, rows);
      bl_toy_run_get_row (expect, rows, &row);
      for (guint c = 1; c < header->len; c++)
        {
          BlToyColumn col;
          char *end;
          double got, want;

          g_assert_true (bl_toy_column_from_name (header->pdata[c], &col));
          got = g_ascii_strtod (cells->pdata[c], &end);
          g_assert_true (end != cells->pdata[c]);
          want = row.v[col];
          max_diff = MAX (max_diff, fabs (got - want) / MAX (1.0, fabs (want)));
          if (fabs (got - want) > 1e-9 * MAX (1.0, fabs (want)))
            g_error ("%s row %u %s: LibreOffice %.17g, app %.17g", csv_path, rows,
                     (char *) header->pdata[c], got, want);
        }
    }
  g_assert_cmpuint (rows, ==, expect->n_rows);
  g_test_message ("%s: %u rows, max relative difference %.3g", csv_path, rows, max_diff);
}

static void
convert_with_libreoffice (const char *dir, const char *xlsx)
{
  g_autofree char *soffice = g_find_program_in_path ("soffice");
  g_autofree char *profile = g_build_filename (dir, "profile", "user", NULL);
  g_autofree char *xcu = g_build_filename (profile, "registrymodifications.xcu", NULL);
  g_autofree char *profile_url = NULL;
  g_autofree char *env_arg = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = -1;

  /* No LibreOffice is a failure, not a skip: tools/deps.sh test installs it. */
  g_assert_nonnull (soffice);
  g_assert_cmpint (g_mkdir_with_parents (profile, 0700), ==, 0);
  g_assert_true (g_file_set_contents (xcu, recalc_always_xcu, -1, NULL));
  {
    g_autofree char *root = g_build_filename (dir, "profile", NULL);
    profile_url = g_filename_to_uri (root, NULL, NULL);
  }
  env_arg = g_strdup_printf ("-env:UserInstallation=%s", profile_url);
  {
    const char *argv[] = {
      soffice, env_arg, "--headless", "--norestore",
      "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
      "--outdir", dir, xlsx, NULL
    };
    g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                  &error);
  }
  g_assert_no_error (error);
  g_test_message ("soffice: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
run_case_params (const BlToyParams *params)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-xlsx-XXXXXX", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "ledger.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  static const double lrs[] = { 0.1, 0.5, 2.0 };
  BlToyRun *runs[G_N_ELEMENTS (lrs) + 1];
  BlToyRun *stale_truth;
  BlToyParams p;

  p = *params;
  for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
    {
      runs[i] = bl_toy_run_new (&p, lrs[i]);
      bl_toy_run_compute (runs[i], ITERATIONS);
    }
  /* The stale one: rows computed at η = 0.3, the sheet's η cell says 0.8. */
  runs[G_N_ELEMENTS (lrs)] = bl_toy_run_new (&p, 0.3);
  bl_toy_run_compute (runs[G_N_ELEMENTS (lrs)], ITERATIONS);
  runs[G_N_ELEMENTS (lrs)]->lr = 0.8;
  stale_truth = bl_toy_run_new (&p, 0.8);
  bl_toy_run_compute (stale_truth, ITERATIONS);

  g_assert_true (bl_toy_xlsx_save (xlsx, runs, G_N_ELEMENTS (runs), &error));
  g_assert_no_error (error);
  convert_with_libreoffice (dir, xlsx);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    {
      g_autofree char *name = g_strdup_printf ("ledger-lr %g.csv", runs[i]->lr);
      g_autofree char *csv = g_build_filename (dir, name, NULL);
      check_sheet (csv, i < G_N_ELEMENTS (lrs) ? runs[i] : stale_truth);
    }

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    bl_toy_run_free (runs[i]);
  bl_toy_run_free (stale_truth);
  /* The temporary directory holds the workbook and LibreOffice's throwaway profile. */
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static void
run_case (BlToyPreset preset, gboolean train_biases)
{
  BlToyParams p;

  bl_toy_params_init_preset (&p, preset);
  p.train_biases = train_biases;
  run_case_params (&p);
}

static void
test_classroom (void)
{
  run_case (BL_TOY_PRESET_CLASSROOM, FALSE);
}

static void
test_with_biases_trained (void)
{
  run_case (BL_TOY_PRESET_WITH_BIASES, TRUE);
}

/* Other activations, and the output-first order (the hidden gradients from w5…w8 − η·∂E/∂w:
 * formulas that read η), recalculated the same way. */
static void
test_tanh_relu_trained (void)
{
  BlToyParams p;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  p.train_biases = TRUE;
  p.act_hidden = BL_TOY_ACT_TANH;
  p.act_output = BL_TOY_ACT_RELU;
  run_case_params (&p);
}

static void
test_relu_tanh_output_first (void)
{
  BlToyParams p;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  p.act_hidden = BL_TOY_ACT_RELU;
  p.act_output = BL_TOY_ACT_TANH;
  p.update_order = BL_TOY_ORDER_OUTPUT_FIRST;
  run_case_params (&p);
}

static void
test_too_many_rows (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-xlsx-XXXXXX", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "big.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  BlToyParams p;
  BlToyRun *run;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 1100000);
  g_assert_false (bl_toy_xlsx_save (xlsx, &run, 1, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID);
  g_assert_false (g_file_test (xlsx, G_FILE_TEST_EXISTS));
  bl_toy_run_free (run);
  g_rmdir (dir);
}

/* A FIFO where the workbook should go is refused and stays a FIFO (it was replaced by a regular
 * file: the rename of the temporary file went over it). */
static void
test_fifo_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-xlsx-XXXXXX", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "pipe.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  BlToyParams p;
  BlToyRun *run;

  g_assert_cmpint (mkfifo (xlsx, 0600), ==, 0);
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 10);
  g_assert_false (bl_toy_xlsx_save (xlsx, &run, 1, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (g_stat (xlsx, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_unlink (xlsx);
  bl_toy_run_free (run);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/xlsx/fifo-refused", test_fifo_refused);
  g_test_add_func ("/xlsx/libreoffice-recalculates-classroom", test_classroom);
  g_test_add_func ("/xlsx/libreoffice-recalculates-with-biases-trained", test_with_biases_trained);
  g_test_add_func ("/xlsx/libreoffice-recalculates-tanh-relu-trained", test_tanh_relu_trained);
  g_test_add_func ("/xlsx/libreoffice-recalculates-relu-tanh-output-first",
                   test_relu_tanh_output_first);
  g_test_add_func ("/xlsx/too-many-rows", test_too_many_rows);
  return g_test_run ();
}
