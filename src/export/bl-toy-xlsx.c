/* bl-toy-xlsx.c: the toy ledger as a workbook that recalculates like the classroom
 * spreadsheet. Row 0 of each sheet holds plain, highlighted values (inputs, targets, initial
 * weights) and η sits in a labelled cell above; every other number is a formula over the
 * row above, so a student can change any of them and watch the whole ledger follow. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#include "core/bl-file.h"
#include "core/bl-toy-desc.h"
#include "export/bl-toy-xlsx.h"

/* Sheet layout (0-based rows): title, η, notes, header, then ledger row k at FIRST_ROW + k. */
#define ETA_ROW 1
#define TRAIN_ROW 2
#define HEADER_ROW 3
#define FIRST_ROW 4
#define MAX_SHEET_ROWS 1048576u

typedef struct {
  int col[BL_TOY_N_COLS];      /* sheet column of each ledger column, -1 if absent */
  gboolean biases;
} Layout;

static void
cell_name (char *buf, gsize size, int col, guint row, gboolean absolute)
{
  char letters[8];
  int n = 0;
  char tmp[8];

  col += 1;
  while (col > 0)
    {
      int rem = (col - 1) % 26;
      tmp[n++] = 'A' + rem;
      col = (col - 1) / 26;
    }
  for (int i = 0; i < n; i++)
    letters[i] = tmp[n - 1 - i];
  letters[n] = '\0';
  if (absolute)
    g_snprintf (buf, size, "$%s$%u", letters, row + 1);
  else
    g_snprintf (buf, size, "%s%u", letters, row + 1);
}

/* Cell references of every column in this row (c) and the row above (p). */
typedef struct {
  char c[BL_TOY_N_COLS][16];
  char p[BL_TOY_N_COLS][16];
} Refs;

static void
refs_for_row (Refs *r, const Layout *l, guint row)
{
  for (guint k = 0; k < BL_TOY_N_COLS; k++)
    if (l->col[k] >= 0)
      {
        cell_name (r->c[k], sizeof r->c[k], l->col[k], row, FALSE);
        if (row > FIRST_ROW)
          cell_name (r->p[k], sizeof r->p[k], l->col[k], row - 1, FALSE);
      }
}

static const char *
sheet_ref (BlToyColumn col, gboolean prev, gpointer data)
{
  const Refs *r = data;
  return prev ? r->p[col] : r->c[col];
}

/* The formula of column @k in a row whose references are @r, printed from the column's one
 * description (core/bl-toy-desc.h) like every other form of it; NULL for row 0's plain
 * values (inputs, targets, initial parameters). */
static char *
formula_for (BlToyColumn k, const Refs *r, const BlToyDesc *d, gboolean first_row,
             const char *eta, const char *train)
{
  const BlToyNodeDesc *n = &d->node[k];
  BlToyPrint pr = { BL_TOY_STYLE_SHEET, .ref = sheet_ref, .ref_data = (gpointer) r,
                    .eta_ref = eta, .train_ref = d->has_biases ? train : NULL };
  g_autofree char *body = NULL;

  if (first_row && (n->kind == BL_TOY_NODE_GIVEN || n->kind == BL_TOY_NODE_PARAM ||
                    n->kind == BL_TOY_NODE_ABSENT))
    return NULL;
  body = bl_toy_desc_print_node (d, k, &pr, NULL);
  return g_strconcat ("=", body, NULL);
}

/* The description a sheet's formulas come from: the run's network, with the biases' updates
 * always written out (the sheet's "train biases" cell, 1 or 0, decides). */
static const BlToyDesc *
sheet_desc (const BlToyRun *run)
{
  BlToyParams p = run->init;

  p.train_biases = p.has_biases;
  return bl_toy_desc_for (&p);
}

typedef struct {
  lxw_format *title, *header, *input, *number, *note, *label;
} Formats;

/* Where the writing stands: rows written of all rows, for the progress callback. Writing the
 * rows is most of the work; the last tenth is libxlsxwriter compressing the file at close. */
typedef struct {
  BlToyXlsxProgress progress;
  gpointer          data;
  GCancellable     *cancellable;
  guint64           rows_done;
  guint64           rows_total;
} Progress;

#define PROGRESS_EVERY 256
#define WRITING_SHARE 0.9

static gboolean
write_sheet (lxw_workbook *wb, lxw_worksheet *ws, const BlToyRun *run, const Layout *l,
             const Formats *f, const char *sheet_title, Progress *pr)
{
  char eta[16], train[16];
  int last_col = 0;
  const BlToyDesc *desc = sheet_desc (run);

  for (guint k = 0; k < BL_TOY_N_COLS; k++)
    last_col = MAX (last_col, l->col[k]);

  worksheet_write_string (ws, 0, 0, sheet_title, f->title);
  worksheet_write_string (ws, ETA_ROW, 0, "η", f->label);
  worksheet_write_number (ws, ETA_ROW, 1, run->lr, f->input);
  worksheet_write_string (ws, ETA_ROW, 2,
                          _("learning rate: change it, or any yellow cell of iteration 0, and "
                            "every row recomputes"), f->note);
  cell_name (eta, sizeof eta, 1, ETA_ROW, TRUE);
  if (l->biases)
    {
      worksheet_write_string (ws, TRAIN_ROW, 0, _("train biases"), f->label);
      worksheet_write_number (ws, TRAIN_ROW, 1, run->init.train_biases ? 1 : 0, f->input);
      worksheet_write_string (ws, TRAIN_ROW, 2, _("1: b1 and b2 are updated too; 0: frozen"),
                              f->note);
    }
  cell_name (train, sizeof train, 1, TRAIN_ROW, TRUE);

  worksheet_write_string (ws, HEADER_ROW, 0, "iteration", f->header);
  for (guint k = 0; k < BL_TOY_N_COLS; k++)
    if (l->col[k] >= 0)
      worksheet_write_string (ws, HEADER_ROW, l->col[k], bl_toy_column_name (k), f->header);
  worksheet_freeze_panes (ws, FIRST_ROW, 1);
  worksheet_set_column (ws, 0, 0, 9, NULL);
  worksheet_set_column (ws, 1, last_col, 13, NULL);

  for (guint i = 0; i < run->n_rows; i++)
    {
      guint row = FIRST_ROW + i;
      BlToyRow values;
      Refs refs;

      if (++pr->rows_done % PROGRESS_EVERY == 0)
        {
          if (g_cancellable_is_cancelled (pr->cancellable))
            return FALSE;
          if (pr->progress)
            pr->progress (WRITING_SHARE * pr->rows_done / pr->rows_total, pr->data);
        }
      bl_toy_run_get_row (run, i, &values);
      refs_for_row (&refs, l, row);
      if (i == 0)
        worksheet_write_number (ws, row, 0, 0, NULL);
      else
        {
          char prev[16];
          g_autofree char *fa = NULL;
          cell_name (prev, sizeof prev, 0, row - 1, FALSE);
          fa = g_strdup_printf ("=%s+1", prev);
          worksheet_write_formula_num (ws, row, 0, fa, NULL, i);
        }
      for (guint k = 0; k < BL_TOY_N_COLS; k++)
        {
          g_autofree char *formula = NULL;
          double v = values.v[k];

          if (l->col[k] < 0)
            continue;
          formula = formula_for (k, &refs, desc, i == 0, eta, train);
          /* A cached result that is not finite would be an invalid file: leave it 0, the
           * client recalculates anyway. */
          if (!isfinite (v))
            v = 0;
          if (formula == NULL)
            worksheet_write_number (ws, row, l->col[k], v, f->input);
          else
            worksheet_write_formula_num (ws, row, l->col[k], formula, f->number, v);
        }
    }
  (void) wb;
  return TRUE;
}

gboolean
bl_toy_xlsx_save (const char *path, BlToyRun *const *runs, guint n_runs, GError **error)
{
  return bl_toy_xlsx_save_full (path, runs, n_runs, NULL, NULL, NULL, error);
}

gboolean
bl_toy_xlsx_save_full (const char *path, BlToyRun *const *runs, guint n_runs,
                       BlToyXlsxProgress progress, gpointer progress_data,
                       GCancellable *cancellable, GError **error)
{
  Progress pr = { progress, progress_data, cancellable, 0, 0 };
  gboolean cancelled = FALSE;
  g_autofree char *tmp_path = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lxw_workbook_options options = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
  lxw_workbook *wb;
  lxw_worksheet *loss_ws;
  lxw_chart *chart;
  lxw_error err;
  Layout layout;
  Formats f;
  int next = 1;
  g_autofree char **sheet_names = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (runs != NULL && n_runs > 0, FALSE);

  layout.biases = FALSE;
  for (guint r = 0; r < n_runs; r++)
    {
      layout.biases |= runs[r]->init.has_biases;
      pr.rows_total += runs[r]->n_rows;
      if (runs[r]->n_rows > MAX_SHEET_ROWS - FIRST_ROW)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                       _("A sheet holds at most %u iterations; this run has %u. Use CSV for "
                         "longer runs."), MAX_SHEET_ROWS - FIRST_ROW - 1, runs[r]->n_rows - 1);
          return FALSE;
        }
    }
  for (guint k = 0; k < BL_TOY_N_COLS; k++)
    layout.col[k] = bl_toy_column_visible (k, layout.biases) ? next++ : -1;

  /* libxlsxwriter writes the whole file at close: write beside the target, then rename; a
   * destination that cannot be replaced (a FIFO, a device, a folder) is refused first. */
  if (!bl_file_check_destination (path, 0, error))
    return FALSE;
  tmp_path = bl_file_temp_path (path);
  wb = workbook_new_opt (tmp_path, &options);
  if (wb == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not create “%s”."), path);
      return FALSE;
    }

  f.title = workbook_add_format (wb);
  format_set_bold (f.title);
  format_set_font_size (f.title, 14);
  f.header = workbook_add_format (wb);
  format_set_bold (f.header);
  format_set_bg_color (f.header, 0xD9E2F3);
  format_set_bottom (f.header, LXW_BORDER_THIN);
  format_set_align (f.header, LXW_ALIGN_CENTER);
  f.input = workbook_add_format (wb);
  format_set_bg_color (f.input, 0xFFF2CC);
  format_set_num_format (f.input, "0.000000000");
  f.number = workbook_add_format (wb);
  format_set_num_format (f.number, "0.000000000");
  f.note = workbook_add_format (wb);
  format_set_italic (f.note);
  format_set_font_color (f.note, 0x595959);
  f.label = workbook_add_format (wb);
  format_set_bold (f.label);
  format_set_align (f.label, LXW_ALIGN_RIGHT);

  sheet_names = g_new0 (char *, n_runs + 1);
  for (guint r = 0; r < n_runs; r++)
    {
      char *name = g_strdup_printf ("lr %g", runs[r]->lr);
      for (int dup = 2; g_hash_table_contains (names, name); dup++)
        {
          g_free (name);
          name = g_strdup_printf ("lr %g (%d)", runs[r]->lr, dup);
        }
      g_hash_table_add (names, name);
      sheet_names[r] = name;
    }

  for (guint r = 0; r < n_runs && !cancelled; r++)
    {
      lxw_worksheet *ws = workbook_add_worksheet (wb, sheet_names[r]);
      g_autofree char *what = bl_toy_params_describe (&runs[r]->init);
      g_autofree char *title = what == NULL ?
        g_strdup_printf (_("Backprop Lab: the 2-2-2 network, η = %g"), runs[r]->lr) :
        g_strdup_printf (_("Backprop Lab: the 2-2-2 network, η = %g (%s)"), runs[r]->lr, what);
      cancelled = !write_sheet (wb, ws, runs[r], &layout, &f, title, &pr);
    }

  /* The loss of every rate on one chart, on a sheet of its own. */
  loss_ws = workbook_add_worksheet (wb, "Loss");
  worksheet_write_string (loss_ws, 0, 0, _("E_total against iteration, one curve per learning "
                                           "rate (log scale)"), f.title);
  chart = workbook_add_chart (wb, LXW_CHART_SCATTER_STRAIGHT);
  for (guint r = 0; r < n_runs; r++)
    {
      lxw_chart_series *s = chart_add_series (chart, NULL, NULL);
      g_autofree char *label = g_strdup_printf ("η = %g", runs[r]->lr);
      guint last = FIRST_ROW + runs[r]->n_rows - 1;
      chart_series_set_categories (s, sheet_names[r], FIRST_ROW, 0, last, 0);
      chart_series_set_values (s, sheet_names[r], FIRST_ROW, layout.col[BL_TOY_COL_E_TOTAL],
                               last, layout.col[BL_TOY_COL_E_TOTAL]);
      chart_series_set_name (s, label);
    }
  chart_title_set_name (chart, "E_total");
  chart_axis_set_name (chart->x_axis, _("iteration"));
  chart_axis_set_name (chart->y_axis, "E_total");
  chart_axis_set_log_base (chart->y_axis, 10);
  chart_legend_set_position (chart, LXW_CHART_LEGEND_RIGHT);
  {
    lxw_chart_options opt = { .x_scale = 2.0, .y_scale = 2.0 };
    worksheet_insert_chart_opt (loss_ws, 2, 0, chart, &opt);
  }

  err = workbook_close (wb);
  for (guint r = 0; r < n_runs; r++)
    sheet_names[r] = NULL;   /* owned by the hash table */
  if (cancelled || g_cancellable_is_cancelled (cancellable))
    {
      g_unlink (tmp_path);
      g_cancellable_set_error_if_cancelled (cancellable, error);
      return FALSE;
    }
  if (err != LXW_NO_ERROR)
    {
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not write “%s”: %s"), path,
                   lxw_strerror (err));
      return FALSE;
    }
  if (!bl_file_commit_temp (tmp_path, path, error))
    return FALSE;
  if (progress)
    progress (1.0, progress_data);
  return TRUE;
}
