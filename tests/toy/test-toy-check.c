/* test-toy-check.c: check my spreadsheet. The seed spreadsheet the teachers used (68
 * iterations at η = 2, the classroom values, ∂E/∂w3 and ∂E/∂w4 computed with a_h1 where a_h2
 * belongs) is written here, computed by the test itself, as .xlsx (libxlsxwriter: formulas
 * with cached values, a header block above the table) and as .csv, and the slip must be found
 * and named at its row and column; the same sheet without the slip, the app's own exports and
 * sheets laid out by hand (columns reordered, extra columns, aliases, rounded numbers) must
 * match; damaged and hostile files must be refused with a message. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/bl-sheet.h"
#include "core/bl-toy.h"
#include "core/bl-toy-check.h"
#include "core/bl-toy-csv.h"
#include "export/bl-toy-xlsx.h"
#include "seed-sheet.h"

static char *
tmp_dir (void)
{
  return g_dir_make_tmp ("bl-check-XXXXXX", NULL);
}

static void
rm_rf (const char *dir)
{
  g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
  g_assert_cmpint (system (cmd), ==, 0);
}

static void
write_seed_csv (const char *path, gboolean slip, gboolean rounded)
{
  g_autofree SeedRow *rows = seed_rows (slip);
  GString *s = g_string_new (NULL);

  for (int c = 0; c < 31; c++)
    g_string_append_printf (s, c ? ",%s" : "%s", seed_headers[c]);
  g_string_append_c (s, '\n');
  for (int k = 0; k <= SEED_ITERATIONS; k++)
    {
      for (int c = 0; c < 31; c++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_ascii_formatd (buf, sizeof buf, rounded && k > 0 ? "%.10g" : "%.17g", rows[k][c]);
          g_string_append_printf (s, c ? ",%s" : "%s", buf);
        }
      g_string_append_c (s, '\n');
    }
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  g_string_free (s, TRUE);
}

static void
assert_seed_slip (BlToyCheckReport *r, guint header_row)
{
  const BlToySheetReport *sr = NULL;
  const BlToyCheckDiff *d = bl_toy_check_report_first_diff (r, &sr);
  g_autofree char *text = bl_toy_check_report_describe (r);

  g_test_message ("%s", text);
  g_assert_false (bl_toy_check_report_matches (r));
  g_assert_nonnull (d);
  /* The first disagreeing cell: iteration 0, ∂E/∂w3, named. */
  g_assert_cmpuint (d->iteration, ==, 0);
  g_assert_cmpuint (d->sheet_row, ==, header_row + 1);
  g_assert_cmpuint (d->slot, ==, BL_TOY_COL_DW3);
  g_assert_cmpint (d->mistake.kind, ==, BL_TOY_MISTAKE_WRONG_OPERAND);
  g_assert_cmpuint (d->mistake.used, ==, BL_TOY_COL_A_H1);
  g_assert_cmpuint (d->mistake.belongs, ==, BL_TOY_COL_A_H2);
  g_assert_nonnull (strstr (text, "dE/dw3"));
  g_assert_nonnull (strstr (text, "a_h1 is used where a_h2 belongs"));
  /* Every row, ∂E/∂w3 and ∂E/∂w4, and nothing else: the updates follow the sheet's own
   * gradients. */
  g_assert_cmpuint (sr->n_diffs, ==, 2 * (SEED_ITERATIONS + 1));
  for (guint i = 0; i < sr->diffs->len; i++)
    {
      const BlToyCheckDiff *di = &g_array_index (sr->diffs, BlToyCheckDiff, i);
      g_assert_true (di->slot == BL_TOY_COL_DW3 || di->slot == BL_TOY_COL_DW4);
      g_assert_cmpuint (di->iteration, ==, i / 2);
      g_assert_cmpint (di->mistake.kind, ==, BL_TOY_MISTAKE_WRONG_OPERAND);
      g_assert_cmpuint (di->mistake.used, ==, BL_TOY_COL_A_H1);
    }
  g_assert_cmpfloat (sr->lr, ==, SEED_LR);
}

static void
test_seed_xlsx (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *bad = g_build_filename (dir, "seed.xlsx", NULL);
  g_autofree char *good = g_build_filename (dir, "fixed.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BlToyCheckReport) r = NULL;
  const BlToySheetReport *sr;

  seed_write_xlsx (bad, TRUE, TRUE);
  r = bl_toy_check_file (bad, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->sheets->len, ==, 1);
  g_assert_cmpuint (r->skipped->len, ==, 1);    /* "Notes" */
  sr = g_ptr_array_index (r->sheets, 0);
  g_assert_cmpstr (sr->mapping->sheet_name, ==, "Backprop");
  g_assert_cmpuint (sr->mapping->header_row, ==, 3);
  g_assert_cmpint (sr->lr_source, ==, BL_TOY_LR_LABEL);
  assert_seed_slip (r, 3);
  {
    const BlToyCheckDiff *d = bl_toy_check_report_first_diff (r, NULL);
    g_assert_cmpstr (d->cell, ==, "Z5");
  }
  g_clear_pointer (&r, bl_toy_check_report_free);

  seed_write_xlsx (good, FALSE, TRUE);
  r = bl_toy_check_file (good, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bl_toy_check_report_matches (r));
  g_assert_cmpuint (((BlToySheetReport *) g_ptr_array_index (r->sheets, 0))->n_cells, ==,
                    19 * (SEED_ITERATIONS + 1) + 12 * SEED_ITERATIONS);
  rm_rf (dir);
}

static void
test_seed_csv (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *bad = g_build_filename (dir, "seed.csv", NULL);
  g_autofree char *good = g_build_filename (dir, "fixed.csv", NULL);
  g_autofree char *rounded = g_build_filename (dir, "rounded.csv", NULL);
  g_autofree char *rounded_bad = g_build_filename (dir, "rounded-seed.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BlToyCheckReport) r = NULL;

  write_seed_csv (bad, TRUE, FALSE);
  r = bl_toy_check_file (bad, NULL, &error);
  g_assert_no_error (error);
  /* No η in a CSV without an lr column: found from the updates. */
  g_assert_cmpint (((BlToySheetReport *) g_ptr_array_index (r->sheets, 0))->lr_source, ==,
                   BL_TOY_LR_INFERRED);
  assert_seed_slip (r, 0);
  g_clear_pointer (&r, bl_toy_check_report_free);

  write_seed_csv (good, FALSE, FALSE);
  r = bl_toy_check_file (good, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bl_toy_check_report_matches (r));
  g_clear_pointer (&r, bl_toy_check_report_free);

  /* Ten significant digits, as a spreadsheet exports what it shows: the rounding is no
   * mistake, the slip still is. */
  write_seed_csv (rounded, FALSE, TRUE);
  r = bl_toy_check_file (rounded, NULL, &error);
  g_assert_no_error (error);
  if (!bl_toy_check_report_matches (r))
    {
      g_autofree char *t = bl_toy_check_report_describe (r);
      g_error ("%s", t);
    }
  g_clear_pointer (&r, bl_toy_check_report_free);
  write_seed_csv (rounded_bad, TRUE, TRUE);
  r = bl_toy_check_file (rounded_bad, NULL, &error);
  g_assert_no_error (error);
  assert_seed_slip (r, 0);
  rm_rf (dir);
}

/* The app's own writers: CSV (six runs in one file), JSON is no sheet, the workbook (a sheet per
 * rate and a Loss sheet), with biases trained and other activations. */
static void
test_round_trip (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *csv = g_build_filename (dir, "ledger.csv", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "ledger.xlsx", NULL);
  static const double lrs[] = { 0.1, 0.5, 2.0 };

  for (int variant = 0; variant < 3; variant++)
    {
      BlToyParams p;
      BlToyRun *runs[G_N_ELEMENTS (lrs)];
      g_autoptr(GError) error = NULL;

      bl_toy_params_init_preset (&p, variant == 0 ? BL_TOY_PRESET_CLASSROOM
                                                   : BL_TOY_PRESET_WITH_BIASES);
      p.train_biases = variant == 1;
      if (variant == 2)
        {
          p.act_hidden = BL_TOY_ACT_TANH;
          p.act_output = BL_TOY_ACT_RELU;
        }
      for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
        {
          runs[i] = bl_toy_run_new (&p, lrs[i]);
          bl_toy_run_compute (runs[i], 40);
        }
      g_assert_true (bl_toy_ledger_save (csv, BL_TOY_FORMAT_CSV, runs, G_N_ELEMENTS (runs),
                                         &error));
      g_assert_true (bl_toy_xlsx_save (xlsx, runs, G_N_ELEMENTS (runs), &error));
      for (int f = 0; f < 2; f++)
        {
          g_autoptr(BlToyCheckReport) r = bl_toy_check_file (f ? xlsx : csv, NULL, &error);
          const BlToySheetReport *sr;
          g_assert_no_error (error);
          if (!bl_toy_check_report_matches (r))
            {
              g_autofree char *t = bl_toy_check_report_describe (r);
              g_error ("variant %d %s: %s", variant, f ? "xlsx" : "csv", t);
            }
          sr = g_ptr_array_index (r->sheets, 0);
          g_assert_cmpuint (f ? r->sheets->len : sr->n_runs, ==, G_N_ELEMENTS (lrs));
          g_assert_cmpint (sr->params.act_hidden, ==, p.act_hidden);
          g_assert_cmpint (sr->params.act_output, ==, p.act_output);
          g_assert_true (sr->params.train_biases == p.train_biases);
          g_assert_cmpfloat (sr->lr, ==, lrs[0]);
          if (f)
            g_assert_cmpuint (r->skipped->len, ==, 1);   /* Loss */
        }
      if (variant == 0)
        {
          /* Without its lr column the runs are told apart by the iteration starting again,
           * and each run's η is found from its updates. */
          g_autofree char *text = NULL;
          g_auto(GStrv) lines = NULL;
          g_autoptr(GString) cut = g_string_new (NULL);
          g_autoptr(BlToyCheckReport) r = NULL;
          const BlToySheetReport *sr;
          g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
          lines = g_strsplit (text, "\n", -1);
          for (guint i = 0; lines[i] && *lines[i]; i++)
            g_string_append_printf (cut, "%s\n", strchr (lines[i], ',') + 1);
          g_assert_true (g_file_set_contents (csv, cut->str, -1, NULL));
          r = bl_toy_check_file (csv, NULL, &error);
          g_assert_no_error (error);
          sr = g_ptr_array_index (r->sheets, 0);
          g_assert_true (bl_toy_check_report_matches (r));
          g_assert_cmpuint (sr->n_runs, ==, G_N_ELEMENTS (lrs));
          g_assert_cmpint (sr->lr_source, ==, BL_TOY_LR_INFERRED);
          g_assert_cmpfloat (sr->lr, ==, lrs[0]);
        }
      for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
        bl_toy_run_free (runs[i]);
    }
  rm_rf (dir);
}

/* A sheet laid out by hand: a header block, columns in another order with the names people
 * use, extra columns, the updated weights beside the old ones, the numbers rounded. */
static void
write_by_hand (const char *path, gboolean slip, gboolean eta_twice_in_w1_new)
{
  g_autofree SeedRow *rows = seed_rows (slip);
  /* Sheet column → seed column (-1: an extra column), in a scrambled order. */
  static const struct { const char *header; int seed; } cols[] = {
    { "Notes", -1 }, { "Iteration #", -2 }, { "∂E/∂w1", 23 }, { "dEtotal/dw2", 24 },
    { "dE_total/dw3", 25 }, { "grad w4", 26 }, { "w1", 4 }, { "W2", 5 }, { "w_3", 6 },
    { "w4", 7 }, { "net_h1", 8 }, { "out_h1", 9 }, { "net h2", 10 }, { "out_h2", 11 },
    { "w5", 12 }, { "w6", 13 }, { "w7", 14 }, { "w8", 15 }, { "net_o1", 16 },
    { "out_o1", 17 }, { "net_o2", 18 }, { "out_o2", 19 }, { "E_o1", 20 }, { "E_o2", 21 },
    { "E total", 22 }, { "δE/δw5", -3 }, { "dE/dw5", 27 }, { "dE/dw6", 28 },
    { "dE/dw7", 29 }, { "dE/dw8", 30 }, { "w1_new", -4 }, { "target_o1", 0 },
    { "target_o2", 1 }, { "x1", 2 }, { "x2", 3 },
  };
  lxw_workbook *wb = workbook_new (path);
  lxw_worksheet *ws = workbook_add_worksheet (wb, "Mine");
  lxw_format *fmt = workbook_add_format (wb);

  format_set_num_format (fmt, "0.000");
  worksheet_write_string (ws, 0, 2, "Homework 3 — backprop by hand", NULL);
  worksheet_write_string (ws, 1, 2, "Name: A. Student", NULL);
  worksheet_write_string (ws, 2, 5, "η", NULL);
  worksheet_write_number (ws, 2, 6, SEED_LR, NULL);
  for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
    worksheet_write_string (ws, 5, c, cols[c].header, NULL);
  for (int k = 0; k <= SEED_ITERATIONS; k++)
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++)
      {
        int sc = cols[c].seed;
        double v;
        if (sc == -1)
          {
            if (k % 10 == 0)
              worksheet_write_string (ws, 6 + k, c, "checked", NULL);
            continue;
          }
        if (sc == -3)
          continue;   /* an empty column with a header nobody maps */
        if (sc == -2)
          v = k + 1;  /* counted from 1 */
        else if (sc == -4)
          v = rows[k][4] - (eta_twice_in_w1_new ? 2 : 1) * SEED_LR * rows[k][23];
        else
          v = rows[k][sc];
        /* Computed values rounded to 12 significant digits (what some spreadsheets store in
         * a CSV or show); a display format does not change the stored value. */
        if (!(k == 0 && sc >= 0 && sc < 16))
          {
            char text[G_ASCII_DTOSTR_BUF_SIZE];
            v = g_ascii_strtod (g_ascii_formatd (text, sizeof text, "%.12g", v), NULL);
          }
        worksheet_write_number (ws, 6 + k, c, v, fmt);
      }
  g_assert_cmpint (workbook_close (wb), ==, LXW_NO_ERROR);
}

static void
test_by_hand (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *good = g_build_filename (dir, "good.xlsx", NULL);
  g_autofree char *slip = g_build_filename (dir, "slip.xlsx", NULL);
  g_autofree char *twice = g_build_filename (dir, "twice.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BlToyCheckReport) r = NULL;
  const BlToySheetReport *sr;
  const BlToyCheckDiff *d;

  write_by_hand (good, FALSE, FALSE);
  r = bl_toy_check_file (good, NULL, &error);
  g_assert_no_error (error);
  if (!bl_toy_check_report_matches (r))
    {
      g_autofree char *t = bl_toy_check_report_describe (r);
      g_error ("%s", t);
    }
  sr = g_ptr_array_index (r->sheets, 0);
  g_assert_cmpuint (sr->mapping->header_row, ==, 5);
  g_assert_cmpuint (sr->mapping->n_rows, ==, SEED_ITERATIONS + 1);
  g_assert_cmpint (sr->mapping->col_of[BL_TOY_COL_DW4], ==, 5);
  g_assert_cmpint (sr->mapping->next_col_of[BL_TOY_COL_W1], ==, 30);
  g_assert_cmpint (sr->mapping->iteration_col, ==, 1);
  /* What it could not place is said: "Notes" and "δE/δw5" (a δ is no gradient). */
  g_assert_cmpuint (sr->mapping->unmatched->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (sr->mapping->unmatched, 0), ==, "Notes");
  g_assert_cmpuint (sr->mapping->missing->len, ==, 0);
  g_clear_pointer (&r, bl_toy_check_report_free);

  write_by_hand (slip, TRUE, FALSE);
  r = bl_toy_check_file (slip, NULL, &error);
  g_assert_no_error (error);
  assert_seed_slip (r, 5);

  /* w1_new with η applied twice: named in its own column. */
  g_clear_pointer (&r, bl_toy_check_report_free);
  write_by_hand (twice, FALSE, TRUE);
  r = bl_toy_check_file (twice, NULL, &error);
  g_assert_no_error (error);
  d = bl_toy_check_report_first_diff (r, &sr);
  g_assert_nonnull (d);
  g_assert_true (d->next);
  g_assert_cmpuint (d->slot, ==, BL_TOY_COL_W1);
  g_assert_cmpint (d->mistake.kind, ==, BL_TOY_MISTAKE_ETA_TWICE);
  g_assert_cmpuint (sr->n_diffs, ==, SEED_ITERATIONS + 1);
  rm_rf (dir);
}

static void
test_explicit_map (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "odd.csv", NULL);
  g_autoptr(BlToyExplicitMap) map = bl_toy_explicit_map_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(BlToyCheckReport) r = NULL;
  BlToyCheckOptions opt = BL_TOY_CHECK_OPTIONS_INIT;
  g_autofree SeedRow *rows = seed_rows (FALSE);
  GString *s = g_string_new ("Gewicht A,w2,w3,w4,w5,w6,w7,w8,Fehler,dE/dw1\n");

  for (int k = 0; k <= 3; k++)
    g_string_append_printf (s, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                            rows[k][4], rows[k][5], rows[k][6], rows[k][7], rows[k][12],
                            rows[k][13], rows[k][14], rows[k][15], rows[k][22], rows[k][23]);
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  g_string_free (s, TRUE);

  /* Without a mapping w1 is missing: refused, saying which. */
  r = bl_toy_check_file (path, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "w1"));
  g_clear_error (&error);

  g_assert_true (bl_toy_explicit_map_parse (map, "Gewicht A=w1", NULL));
  g_assert_true (bl_toy_explicit_map_parse (map, "Fehler=E_total", NULL));
  g_assert_false (bl_toy_explicit_map_parse (map, "Fehler=E_grand", &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (bl_toy_explicit_map_parse (map, "no equals sign", &error));
  g_clear_error (&error);
  opt.map = map;
  opt.lr = SEED_LR;
  r = bl_toy_check_file (path, &opt, &error);
  g_assert_no_error (error);
  g_assert_true (bl_toy_check_report_matches (r));
  g_assert_cmpuint (((BlToySheetReport *) g_ptr_array_index (r->sheets, 0))->n_cells, >, 20);
  rm_rf (dir);
}

static void
test_header_names (void)
{
  static const struct { const char *header; BlToySheetRole role; guint slot; } cases[] = {
    { "dE/dw1", BL_TOY_ROLE_VALUE, BL_TOY_COL_DW1 },
    { "∂E/∂w1", BL_TOY_ROLE_VALUE, BL_TOY_COL_DW1 },
    { "dEtotal/dw1", BL_TOY_ROLE_VALUE, BL_TOY_COL_DW1 },
    { "∂E_total/∂w₇", BL_TOY_ROLE_VALUE, BL_TOY_COL_DW7 },
    { "dE/db2", BL_TOY_ROLE_VALUE, BL_TOY_COL_DB2 },
    { "w1_new", BL_TOY_ROLE_NEXT, BL_TOY_COL_W1 },
    { "w1+", BL_TOY_ROLE_NEXT, BL_TOY_COL_W1 },
    { "w8⁺", BL_TOY_ROLE_NEXT, BL_TOY_COL_W8 },
    { "new w5", BL_TOY_ROLE_NEXT, BL_TOY_COL_W5 },
    { "w3'", BL_TOY_ROLE_NEXT, BL_TOY_COL_W3 },
    { "Out_H2", BL_TOY_ROLE_VALUE, BL_TOY_COL_A_H2 },
    { "net o1", BL_TOY_ROLE_VALUE, BL_TOY_COL_O1 },
    { "E_total", BL_TOY_ROLE_VALUE, BL_TOY_COL_E_TOTAL },
    { "Total Error", BL_TOY_ROLE_VALUE, BL_TOY_COL_E_TOTAL },
    { "η", BL_TOY_ROLE_LR, 0 },
    { "Learning rate", BL_TOY_ROLE_LR, 0 },
    { "δo1", BL_TOY_ROLE_VALUE, BL_TOY_N_COLS + BL_TOY_DELTA_O1 },
    { "iteration", BL_TOY_ROLE_ITERATION, 0 },
  };
  static const char *const not_names[] = { "Notes", "", "w9", "dE/dw9", "w", "total", "b3" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      BlToySheetRole role;
      guint slot;
      if (!bl_toy_header_role (cases[i].header, &role, &slot))
        g_error ("“%s” not understood", cases[i].header);
      g_assert_cmpint (role, ==, cases[i].role);
      g_assert_cmpuint (slot, ==, cases[i].slot);
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_names); i++)
    {
      BlToySheetRole role;
      guint slot;
      g_assert_false (bl_toy_header_role (not_names[i], &role, &slot));
    }
}

/* ------------------------------------------------------------------------------------------
 * Files that are no sheet, or hostile ones
 */

static void
assert_refused (const char *what, const guint8 *data, gsize len, int code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BlSheetBook) book = bl_sheet_book_read_bytes (data, len, what, &error);

  if (book != NULL)
    g_error ("%s: read as a sheet", what);
  g_assert_error (error, BL_SHEET_ERROR, code);
  g_test_message ("%s: %s", what, error->message);
  if (needle && !strstr (error->message, needle))
    g_error ("%s: “%s” does not say “%s”", what, error->message, needle);
}

/* A zip holding the named parts (NULL content: skipped). */
static GBytes *
make_zip (const char *const *names, const char *const *contents, guint n)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "x.zip", NULL);
  zip_t *za;
  int err = 0;
  g_autofree char *data = NULL;
  gsize len;

  za = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  g_assert_nonnull (za);
  for (guint i = 0; i < n; i++)
    {
      zip_source_t *src = zip_source_buffer (za, contents[i], strlen (contents[i]), 0);
      g_assert_cmpint (zip_file_add (za, names[i], src, ZIP_FL_ENC_UTF_8), >=, 0);
    }
  g_assert_cmpint (zip_close (za), ==, 0);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  rm_rf (dir);
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static const char workbook_xml[] =
  "<?xml version=\"1.0\"?><workbook xmlns:r=\"http://schemas.openxmlformats.org/"
  "officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>"
  "</sheets></workbook>";
static const char workbook_rels[] =
  "<?xml version=\"1.0\"?><Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
  "Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/sharedStrings\" "
  "Target=\"sharedStrings.xml\"/></Relationships>";

/* A libzip source that makes @size bytes of one XML part without holding them. */
typedef struct {
  guint64 size, pos;
} Bomb;

static zip_int64_t
bomb_cb (void *data, void *buf, zip_uint64_t len, zip_source_cmd_t cmd)
{
  Bomb *b = data;
  static const char head[] = "<worksheet><sheetData>";
  switch (cmd)
    {
    case ZIP_SOURCE_OPEN:
      b->pos = 0;
      return 0;
    case ZIP_SOURCE_READ:
      {
        zip_uint64_t n = MIN (len, b->size - b->pos);
        for (zip_uint64_t i = 0; i < n; i++)
          ((char *) buf)[i] = b->pos + i < sizeof head - 1 ? head[b->pos + i] : ' ';
        b->pos += n;
        return (zip_int64_t) n;
      }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT:
      {
        zip_stat_t *st = buf;
        zip_stat_init (st);
        st->size = b->size;
        st->valid |= ZIP_STAT_SIZE;
        return sizeof *st;
      }
    case ZIP_SOURCE_FREE:
      return 0;
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap (ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE,
                                             ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
                                             -1);
    default:
      return -1;
    }
}

static void
test_malformed (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *good = g_build_filename (dir, "good.xlsx", NULL);
  g_autofree char *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  /* Not a sheet at all. */
  {
    static const guint8 binary[] = { 0x7f, 'E', 'L', 'F', 0, 1, 2, 3, 0xff, 0xfe };
    static const guint8 xls[] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0 };
    assert_refused ("binary", binary, sizeof binary, BL_SHEET_ERROR_FORMAT, "neither");
    assert_refused ("xls", xls, sizeof xls, BL_SHEET_ERROR_FORMAT, ".xls");
    assert_refused ("empty", (const guint8 *) "", 0, BL_SHEET_ERROR_FORMAT, "empty");
    assert_refused ("unclosed quote", (const guint8 *) "w1,\"w2\n1,2\n", 11,
                    BL_SHEET_ERROR_CORRUPT, "never closed");
  }

  /* A real workbook cut short, and with bytes flipped in the middle. */
  seed_write_xlsx (good, FALSE, TRUE);
  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  for (gsize cut = 4; cut < len; cut += len / 7)
    assert_refused ("truncated", (const guint8 *) data, cut, BL_SHEET_ERROR_CORRUPT, NULL);
  {
    g_autofree char *copy = g_memdup2 (data, len);
    for (gsize i = len / 3; i < len / 3 + 64; i++)
      copy[i] ^= 0x5a;
    assert_refused ("damaged", (const guint8 *) copy, len, BL_SHEET_ERROR_CORRUPT, NULL);
  }

  /* Parts missing. */
  {
    const char *names[] = { "[Content_Types].xml" };
    const char *contents[] = { "<Types/>" };
    g_autoptr(GBytes) z = make_zip (names, contents, 1);
    assert_refused ("no workbook", g_bytes_get_data (z, NULL), g_bytes_get_size (z),
                    BL_SHEET_ERROR_CORRUPT, "xl/workbook.xml");
  }
  {
    const char *names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels" };
    const char *contents[] = { workbook_xml, workbook_rels };
    g_autoptr(GBytes) z = make_zip (names, contents, 2);
    assert_refused ("no sheet part", g_bytes_get_data (z, NULL), g_bytes_get_size (z),
                    BL_SHEET_ERROR_CORRUPT, "worksheets/sheet1.xml");
  }
  {
    /* A shared string the workbook does not have; a cell reference no sheet has. */
    const char *names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                            "xl/worksheets/sheet1.xml" };
    const char *contents[] = { workbook_xml, workbook_rels,
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row></sheetData>"
      "</worksheet>" };
    g_autoptr(GBytes) z = make_zip (names, contents, 3);
    const char *contents2[] = { workbook_xml, workbook_rels,
      "<worksheet><sheetData><row r=\"1\"><c r=\"ZZZZ99999999\"><v>1</v></c></row>"
      "</sheetData></worksheet>" };
    g_autoptr(GBytes) z2 = make_zip (names, contents2, 3);
    const char *contents3[] = { workbook_xml, workbook_rels,
      "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>" };
    g_autoptr(GBytes) z3 = make_zip (names, contents3, 3);
    assert_refused ("bad shared string", g_bytes_get_data (z, NULL), g_bytes_get_size (z),
                    BL_SHEET_ERROR_CORRUPT, "shared string");
    assert_refused ("bad reference", g_bytes_get_data (z2, NULL), g_bytes_get_size (z2),
                    BL_SHEET_ERROR_CORRUPT, "ZZZZ");
    assert_refused ("unclosed XML", g_bytes_get_data (z3, NULL), g_bytes_get_size (z3),
                    BL_SHEET_ERROR_CORRUPT, "not valid XML");
  }
  {
    /* The billion laughs: GMarkup never expands a document's own entities. */
    GString *bomb = g_string_new ("<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY l0 \"lol\">");
    const char *names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                            "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml" };
    for (int i = 1; i < 10; i++)
      g_string_append_printf (bomb, "<!ENTITY l%d \"&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;"
                              "&l%d;&l%d;&l%d;\">", i, i - 1, i - 1, i - 1, i - 1, i - 1,
                              i - 1, i - 1, i - 1, i - 1, i - 1);
    g_string_append (bomb, "]><sst><si><t>&l9;</t></si></sst>");
    {
      const char *contents[] = { workbook_xml, workbook_rels, bomb->str,
        "<worksheet><sheetData/></worksheet>" };
      g_autoptr(GBytes) z = make_zip (names, contents, 4);
      assert_refused ("entity bomb", g_bytes_get_data (z, NULL), g_bytes_get_size (z),
                      BL_SHEET_ERROR_CORRUPT, "not valid XML");
    }
    g_string_free (bomb, TRUE);
  }
  {
    /* A zip bomb: a sheet part that unpacks to more than the limit, made on the fly. */
    g_autofree char *bpath = g_build_filename (dir, "bomb.xlsx", NULL);
    g_autofree char *bdata = NULL;
    gsize blen;
    Bomb b = { (guint64) BL_SHEET_MAX_PART_BYTES + 4096, 0 };
    int err = 0;
    zip_t *za = zip_open (bpath, ZIP_CREATE | ZIP_TRUNCATE, &err);
    zip_source_t *src;
    g_assert_nonnull (za);
    zip_file_add (za, "xl/workbook.xml", zip_source_buffer (za, workbook_xml,
                                                            strlen (workbook_xml), 0), 0);
    zip_file_add (za, "xl/_rels/workbook.xml.rels",
                  zip_source_buffer (za, workbook_rels, strlen (workbook_rels), 0), 0);
    src = zip_source_function (za, bomb_cb, &b);
    g_assert_cmpint (zip_file_add (za, "xl/worksheets/sheet1.xml", src, 0), >=, 0);
    zip_set_file_compression (za, 2, ZIP_CM_DEFLATE, 1);
    g_assert_cmpint (zip_close (za), ==, 0);
    g_assert_true (g_file_get_contents (bpath, &bdata, &blen, NULL));
    g_test_message ("zip bomb: %" G_GSIZE_FORMAT " bytes", blen);
    g_assert_cmpuint (blen, <, BL_SHEET_MAX_PART_BYTES / 100);
    assert_refused ("zip bomb", (const guint8 *) bdata, blen, BL_SHEET_ERROR_TOO_LARGE, "MiB");
  }
  {
    /* Too many cells: one cell far to the right in many rows. */
    GString *sheet = g_string_new ("<worksheet><sheetData>");
    const char *names[] = { "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                            "xl/worksheets/sheet1.xml" };
    for (int r = 1; r <= 600; r++)
      g_string_append_printf (sheet, "<row r=\"%d\"><c r=\"XFD%d\"><v>1</v></c></row>", r, r);
    g_string_append (sheet, "</sheetData></worksheet>");
    {
      const char *contents[] = { workbook_xml, workbook_rels, sheet->str };
      g_autoptr(GBytes) z = make_zip (names, contents, 3);
      assert_refused ("too many cells", g_bytes_get_data (z, NULL), g_bytes_get_size (z),
                      BL_SHEET_ERROR_TOO_LARGE, "cells");
    }
    g_string_free (sheet, TRUE);
  }

  /* Files on disk: missing, a directory, a device. */
  g_assert_null (bl_sheet_book_read ("/nonexistent/sheet.csv", &error));
  g_assert_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (bl_sheet_book_read (dir, &error));
  g_assert_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_IO);
  g_clear_error (&error);
  g_assert_null (bl_sheet_book_read ("/dev/zero", &error));
  g_assert_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_IO);
  g_clear_error (&error);
  rm_rf (dir);
}

/* What the reader reads: shared strings with runs, inline strings, booleans, errors,
 * formulas' cached values, cells without references, a decimal comma. */
static void
test_reader (void)
{
  const char *names[] = { "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                          "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml" };
  const char *contents[] = {
    "<Relationships><Relationship Id=\"r\" Type=\"x/officeDocument\" "
    "Target=\"xl/workbook.xml\"/></Relationships>",
    workbook_xml, workbook_rels,
    "<x:sst xmlns:x=\"s\"><x:si><x:t>w1</x:t></x:si><x:si><x:r><x:t>a_</x:t></x:r><x:r><x:t>h1"
    "</x:t></x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:si></x:sst>",
    "<worksheet><sheetData><row><c t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
    "<c t=\"inlineStr\"><is><t>in &amp; line</t></is></c></row>"
    "<row r=\"3\"><c r=\"B3\" t=\"b\"><v>1</v></c><c t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
    "<c><f>B3*2</f><v>0.125</v></c><c t=\"str\"><f>A1</f><v>text</v></c></row>"
    "</sheetData></worksheet>",
  };
  g_autoptr(GBytes) z = make_zip (names, contents, 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(BlSheetBook) book = bl_sheet_book_read_bytes (g_bytes_get_data (z, NULL),
                                                          g_bytes_get_size (z), "t", &error);
  const BlSheet *s;
  double v;

  g_assert_no_error (error);
  g_assert_true (bl_sheet_book_is_xlsx (book));
  s = bl_sheet_book_sheet (book, 0);
  g_assert_cmpstr (bl_sheet_name (s), ==, "S");
  g_assert_cmpstr (bl_sheet_cell (s, 0, 0)->u.text, ==, "w1");
  g_assert_cmpstr (bl_sheet_cell (s, 0, 1)->u.text, ==, "a_h1");
  g_assert_cmpstr (bl_sheet_cell (s, 0, 2)->u.text, ==, "in & line");
  g_assert_cmpint (bl_sheet_cell (s, 1, 0)->kind, ==, BL_SHEET_EMPTY);
  g_assert_cmpint (bl_sheet_cell (s, 2, 1)->kind, ==, BL_SHEET_BOOL);
  g_assert_cmpint (bl_sheet_cell (s, 2, 2)->kind, ==, BL_SHEET_ERRVAL);
  g_assert_true (bl_sheet_number (s, 2, 3, &v) && v == 0.125);
  g_assert_true (bl_sheet_cell (s, 2, 3)->formula);
  g_assert_cmpint (bl_sheet_cell (s, 2, 4)->kind, ==, BL_SHEET_TEXT);
  g_assert_cmpuint (bl_sheet_n_rows (s), ==, 3);
  g_assert_cmpuint (bl_sheet_n_cols (s), ==, 5);
  g_assert_cmpint (bl_sheet_cell (s, 99, 99)->kind, ==, BL_SHEET_EMPTY);
  {
    g_autofree char *ref = bl_sheet_cell_ref (6, 27);
    g_assert_cmpstr (ref, ==, "AB7");
  }
  g_clear_pointer (&book, bl_sheet_book_free);

  /* CSV: semicolons, decimal commas, quotes, a BOM, CRLF. */
  {
    const char csv[] = "\xEF\xBB\xBFw1;\"a;b\";c\r\n0,5;\"say \"\"hi\"\"\";-1e-3\r\n";
    book = bl_sheet_book_read_bytes ((const guint8 *) csv, sizeof csv - 1, "c", &error);
    g_assert_no_error (error);
    s = bl_sheet_book_sheet (book, 0);
    g_assert_cmpstr (bl_sheet_cell (s, 0, 1)->u.text, ==, "a;b");
    g_assert_true (bl_sheet_number (s, 1, 0, &v) && v == 0.5);
    g_assert_cmpstr (bl_sheet_cell (s, 1, 1)->u.text, ==, "say \"hi\"");
    g_assert_true (bl_sheet_number (s, 1, 2, &v) && v == -1e-3);
    g_assert_cmpuint (bl_sheet_cell (s, 1, 2)->digits, ==, 1);
    g_assert_cmpuint (bl_sheet_n_rows (s), ==, 2);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy-check/header-names", test_header_names);
  g_test_add_func ("/toy-check/reader", test_reader);
  g_test_add_func ("/toy-check/seed-xlsx", test_seed_xlsx);
  g_test_add_func ("/toy-check/seed-csv", test_seed_csv);
  g_test_add_func ("/toy-check/round-trip", test_round_trip);
  g_test_add_func ("/toy-check/by-hand", test_by_hand);
  g_test_add_func ("/toy-check/explicit-map", test_explicit_map);
  g_test_add_func ("/toy-check/malformed", test_malformed);
  return g_test_run ();
}
