/* bl-sheet-check-window.c: see bl-sheet-check-window.h.
 *
 * Each file is one job on GLib's thread pool: the job owns copies of what it reads (the path,
 * the explicit mapping as text pairs, the default inputs) and hands back the book it read and
 * the report; the window keeps both (the table draws the book's cells). A later check of the
 * same file (after mapping its columns) supersedes an earlier one still running: results carry
 * the generation they were started for. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "backprop/bl-sheet-check-window.h"
#include "backprop/bl-sheet-map-dialog.h"
#include "widgets/bl-file-chooser.h"

typedef struct {
  char             *path;
  char             *name;        /* for people: the file's display name */
  BlSheetFileState  state;
  guint             generation;
  BlSheetBook      *book;
  BlToyCheckReport *report;
  char             *summary;
  GPtrArray        *pairs;       /* the explicit mapping chosen (header, ledger name …) or NULL */
  GtkWidget        *row;         /* the list's row; its children below */
  GtkWidget        *icon, *status;
} FileEntry;

struct _BlSheetCheckWindow {
  GtkWindow      parent_instance;

  GtkListBox    *file_list;
  GtkLabel      *tally_label;
  GtkLabel      *headline_label;
  GtkLabel      *mistake_label;
  GtkLabel      *summary_label;
  GtkLabel      *sheet_label;
  GtkDropDown   *sheet_dropdown;
  GtkLabel      *legend_label;
  GtkButton     *map_button;
  BlSheetView   *sheet_view;

  BlToolNetwork  net;
  GPtrArray     *files;          /* FileEntry */
  GCancellable  *cancellable;    /* cancelled when the window goes: late results are dropped */
  int            shown;          /* the entry shown on the right, or -1 */
  guint          n_busy;
  guint          syncing : 1;
  guint          disposed : 1;   /* the widgets are going: nothing more to show */
};

G_DEFINE_FINAL_TYPE (BlSheetCheckWindow, bl_sheet_check_window, GTK_TYPE_WINDOW)

static void show_entry (BlSheetCheckWindow *self, int i);

static void
file_entry_free (gpointer p)
{
  FileEntry *e = p;

  g_free (e->path);
  g_free (e->name);
  g_free (e->summary);
  g_clear_pointer (&e->report, bl_toy_check_report_free);
  g_clear_pointer (&e->book, bl_sheet_book_free);
  g_clear_pointer (&e->pairs, g_ptr_array_unref);
  g_free (e);
}

/* ------------------------------------------------------------------------------------------
 * The job, off the main thread
 */

typedef struct {
  char        *path;
  char        *name;
  GPtrArray   *pairs;       /* copies */
  BlToyParams  defaults;
  guint        generation;
  guint        index;
} CheckJob;

typedef struct {
  BlSheetBook      *book;
  BlToyCheckReport *report;
  GError           *error;
} CheckResult;

static void
check_job_free (gpointer p)
{
  CheckJob *job = p;

  g_free (job->path);
  g_free (job->name);
  g_clear_pointer (&job->pairs, g_ptr_array_unref);
  g_free (job);
}

static void
check_result_free (gpointer p)
{
  CheckResult *r = p;

  g_clear_pointer (&r->report, bl_toy_check_report_free);
  g_clear_pointer (&r->book, bl_sheet_book_free);
  g_clear_error (&r->error);
  g_free (r);
}

static void
check_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  CheckJob *job = task_data;
  CheckResult *r = g_new0 (CheckResult, 1);
  g_autoptr(BlToyExplicitMap) map = NULL;
  BlToyCheckOptions opt = BL_TOY_CHECK_OPTIONS_INIT;

  r->book = bl_sheet_book_read (job->path, &r->error);
  if (r->book && job->pairs && job->pairs->len >= 2)
    {
      map = bl_toy_explicit_map_new ();
      for (guint i = 0; i + 1 < job->pairs->len && r->error == NULL; i += 2)
        bl_toy_explicit_map_add (map, g_ptr_array_index (job->pairs, i),
                                 g_ptr_array_index (job->pairs, i + 1), &r->error);
      opt.map = map;
    }
  if (r->book && r->error == NULL)
    {
      opt.defaults = &job->defaults;
      r->report = bl_toy_check_book (r->book, job->name, &opt, &r->error);
    }
  g_task_return_pointer (task, r, check_result_free);
}

/* ------------------------------------------------------------------------------------------
 * The list
 */

static const char *
state_icon (BlSheetFileState s)
{
  switch (s)
    {
    case BL_SHEET_FILE_CHECKING: return "content-loading-symbolic";
    case BL_SHEET_FILE_MATCHES: return "emblem-ok-symbolic";
    case BL_SHEET_FILE_DISAGREES: return "dialog-warning-symbolic";
    case BL_SHEET_FILE_UNMAPPED: return "dialog-question-symbolic";
    case BL_SHEET_FILE_UNREADABLE:
    default: return "dialog-error-symbolic";
    }
}

static char *
state_text (const FileEntry *e)
{
  switch (e->state)
    {
    case BL_SHEET_FILE_CHECKING:
      return g_strdup (_("checking…"));
    case BL_SHEET_FILE_MATCHES:
      return g_strdup (_("matches"));
    case BL_SHEET_FILE_DISAGREES:
      {
        guint64 n = 0;
        for (guint i = 0; i < e->report->sheets->len; i++)
          n += ((BlToySheetReport *) g_ptr_array_index (e->report->sheets, i))->n_diffs;
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu cell disagrees",
                                             "%llu cells disagree", n),
                                (unsigned long long) n);
      }
    case BL_SHEET_FILE_UNMAPPED:
      return g_strdup (_("columns not recognised: map them"));
    case BL_SHEET_FILE_UNREADABLE:
    default:
      return g_strdup (_("cannot be read"));
    }
}

static void
update_row (BlSheetCheckWindow *self, FileEntry *e)
{
  g_autofree char *status = state_text (e);

  gtk_image_set_from_icon_name (GTK_IMAGE (e->icon), state_icon (e->state));
  gtk_label_set_text (GTK_LABEL (e->status), status);
  /* Bold, not red: red on the selected row's blue is unreadable in the dark theme. */
  gtk_widget_remove_css_class (e->status, "check-mistake");
  if (e->state == BL_SHEET_FILE_DISAGREES || e->state == BL_SHEET_FILE_UNREADABLE)
    gtk_widget_add_css_class (e->status, "check-mistake");
}

static void
update_tally (BlSheetCheckWindow *self)
{
  guint count[BL_SHEET_FILE_UNMAPPED + 1] = { 0 };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->files->len; i++)
    count[((FileEntry *) g_ptr_array_index (self->files, i))->state]++;
  if (self->files->len == 0)
    {
      gtk_label_set_text (self->tally_label, "");
      return;
    }
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u file: ", "%u files: ",
                                             self->files->len), self->files->len);
  g_string_append_printf (text, _("%u match, %u disagree"), count[BL_SHEET_FILE_MATCHES],
                          count[BL_SHEET_FILE_DISAGREES]);
  if (count[BL_SHEET_FILE_UNREADABLE] + count[BL_SHEET_FILE_UNMAPPED])
    g_string_append_printf (text, _(", %u not checked"),
                            count[BL_SHEET_FILE_UNREADABLE] + count[BL_SHEET_FILE_UNMAPPED]);
  if (count[BL_SHEET_FILE_CHECKING])
    g_string_append_printf (text, _(", %u still checking"), count[BL_SHEET_FILE_CHECKING]);
  gtk_label_set_text (self->tally_label, text->str);
}

static GtkWidget *
make_row (FileEntry *e)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (e->name);

  e->icon = gtk_image_new ();
  e->status = gtk_label_new (NULL);
  gtk_widget_set_valign (e->icon, GTK_ALIGN_START);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (e->status), 0);
  gtk_label_set_wrap (GTK_LABEL (e->status), TRUE);
  gtk_widget_set_tooltip_text (row, e->path);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_box_append (GTK_BOX (texts), name);
  gtk_box_append (GTK_BOX (texts), e->status);
  gtk_box_append (GTK_BOX (box), e->icon);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  return row;
}

static int
entry_index (BlSheetCheckWindow *self, FileEntry *e)
{
  for (guint i = 0; i < self->files->len; i++)
    if (g_ptr_array_index (self->files, i) == e)
      return (int) i;
  return -1;
}

/* ------------------------------------------------------------------------------------------
 * Checking
 */

static void
check_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BlSheetCheckWindow *self = BL_SHEET_CHECK_WINDOW (source);
  GTask *task = G_TASK (result);
  CheckJob *job = g_task_get_task_data (task);
  CheckResult *r = g_task_propagate_pointer (task, NULL);
  FileEntry *e;

  self->n_busy--;
  if (r == NULL || g_cancellable_is_cancelled (self->cancellable) ||
      job->index >= self->files->len)
    {
      if (r)
        check_result_free (r);
      return;
    }
  e = g_ptr_array_index (self->files, job->index);
  if (e->generation != job->generation)
    {
      check_result_free (r);   /* a newer check of this file is on its way */
      return;
    }
  if ((int) job->index == self->shown)
    bl_sheet_view_set_sheet (self->sheet_view, NULL, -1);   /* the old book goes */
  g_clear_pointer (&e->report, bl_toy_check_report_free);
  g_clear_pointer (&e->book, bl_sheet_book_free);
  g_clear_pointer (&e->summary, g_free);
  e->book = g_steal_pointer (&r->book);
  e->report = g_steal_pointer (&r->report);
  if (e->report)
    {
      e->state = bl_toy_check_report_matches (e->report) ? BL_SHEET_FILE_MATCHES
                                                         : BL_SHEET_FILE_DISAGREES;
      e->summary = bl_toy_check_report_describe (e->report);
    }
  else
    {
      e->state = e->book ? BL_SHEET_FILE_UNMAPPED : BL_SHEET_FILE_UNREADABLE;
      e->summary = g_strdup (r->error ? r->error->message : _("Unknown error."));
    }
  check_result_free (r);
  update_row (self, e);
  update_tally (self);
  if ((int) job->index == self->shown)
    show_entry (self, self->shown);
}

static void
start_check (BlSheetCheckWindow *self, FileEntry *e)
{
  CheckJob *job = g_new0 (CheckJob, 1);
  g_autoptr(GTask) task = NULL;

  e->generation++;
  e->state = BL_SHEET_FILE_CHECKING;
  job->path = g_strdup (e->path);
  job->name = g_strdup (e->name);
  job->defaults = self->net.init;
  job->generation = e->generation;
  job->index = (guint) entry_index (self, e);
  if (e->pairs)
    {
      job->pairs = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < e->pairs->len; i++)
        g_ptr_array_add (job->pairs, g_strdup (g_ptr_array_index (e->pairs, i)));
    }
  task = g_task_new (self, NULL, check_done, NULL);
  g_task_set_task_data (task, job, check_job_free);
  self->n_busy++;
  g_task_run_in_thread (task, check_thread);
  update_row (self, e);
  update_tally (self);
}

void
bl_sheet_check_window_add_files (BlSheetCheckWindow *self, const char *const *paths, guint n)
{
  int first_new = -1;

  g_return_if_fail (BL_IS_SHEET_CHECK_WINDOW (self));
  for (guint k = 0; k < n; k++)
    {
      FileEntry *e = NULL;
      for (guint i = 0; i < self->files->len && e == NULL; i++)
        if (g_str_equal (((FileEntry *) g_ptr_array_index (self->files, i))->path, paths[k]))
          e = g_ptr_array_index (self->files, i);
      if (e == NULL)
        {
          e = g_new0 (FileEntry, 1);
          e->path = g_strdup (paths[k]);
          e->name = g_filename_display_basename (paths[k]);
          g_ptr_array_add (self->files, e);
          e->row = make_row (e);
          gtk_list_box_append (self->file_list, e->row);
        }
      if (first_new < 0)
        first_new = entry_index (self, e);
      start_check (self, e);
    }
  if (first_new >= 0)
    bl_sheet_check_window_select (self, (guint) first_new);
}

/* ------------------------------------------------------------------------------------------
 * The chosen file on the right
 */

static const BlToySheetReport *
shown_sheet_report (BlSheetCheckWindow *self, const FileEntry *e)
{
  guint k = gtk_drop_down_get_selected (self->sheet_dropdown);

  if (e->report == NULL || e->report->sheets->len == 0)
    return NULL;
  if (k == GTK_INVALID_LIST_POSITION || k >= e->report->sheets->len)
    k = 0;
  return g_ptr_array_index (e->report->sheets, k);
}

/* The table: the sheet the report is about, its disagreeing cells marked, the first in view. */
static void
show_table (BlSheetCheckWindow *self, const FileEntry *e)
{
  const BlToySheetReport *sr = shown_sheet_report (self, e);
  g_autofree char *legend = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.first-difference", FALSE);
  if (e->book == NULL)
    {
      bl_sheet_view_set_sheet (self->sheet_view, NULL, -1);
      gtk_label_set_text (self->legend_label, "");
      return;
    }
  if (sr == NULL)
    {
      guint s, row;
      if (!bl_sheet_guess_header_row (e->book, &s, &row))
        s = row = 0;
      bl_sheet_view_set_sheet (self->sheet_view, bl_sheet_book_n_sheets (e->book)
                                                   ? bl_sheet_book_sheet (e->book, s) : NULL,
                               (int) row);
      gtk_label_set_text (self->legend_label, "");
      return;
    }
  bl_sheet_view_set_sheet (self->sheet_view, bl_sheet_book_sheet (e->book,
                                                                  sr->mapping->sheet_index),
                           (int) sr->mapping->header_row);
  if (sr->diffs->len > 0)
    {
      g_autofree guint *rows = g_new (guint, sr->diffs->len);
      g_autofree guint *cols = g_new (guint, sr->diffs->len);
      const BlToyCheckDiff *first = &g_array_index (sr->diffs, BlToyCheckDiff, 0);
      for (guint i = 0; i < sr->diffs->len; i++)
        {
          const BlToyCheckDiff *d = &g_array_index (sr->diffs, BlToyCheckDiff, i);
          rows[i] = d->sheet_row;
          cols[i] = d->sheet_col;
        }
      bl_sheet_view_set_marks (self->sheet_view, rows, cols, sr->diffs->len, 0);
      bl_sheet_view_scroll_to (self->sheet_view, first->sheet_row, first->sheet_col);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.first-difference", TRUE);
      legend = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "%llu cell of %llu disagrees: marked, the first "
                                             "one framed.",
                                             "%llu cells of %llu disagree: marked, the first "
                                             "one framed.", sr->n_diffs),
                                (unsigned long long) sr->n_diffs,
                                (unsigned long long) sr->n_cells);
    }
  else
    legend = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu cell checked, all agree.",
                                           "%llu cells checked, all agree.", sr->n_cells),
                              (unsigned long long) sr->n_cells);
  gtk_label_set_text (self->legend_label, legend);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->sheet_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sr->mapping->sheet_name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, legend, -1);
}

static void
fill_sheet_dropdown (BlSheetCheckWindow *self, const FileEntry *e)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n = e->report ? e->report->sheets->len : 0;
  guint pick = 0;

  for (guint i = 0; i < n; i++)
    {
      const BlToySheetReport *sr = g_ptr_array_index (e->report->sheets, i);
      g_autofree char *item = NULL;
      if (sr->n_diffs > 0 && pick == 0 && bl_toy_check_report_first_diff (e->report, NULL) ==
                                          &g_array_index (sr->diffs, BlToyCheckDiff, 0))
        pick = i;
      item = sr->n_diffs ? g_strdup_printf (_("%s (disagrees)"), sr->mapping->sheet_name)
                         : g_strdup_printf (_("%s (matches)"), sr->mapping->sheet_name);
      gtk_string_list_append (names, item);
    }
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->sheet_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->sheet_dropdown, pick);
  self->syncing = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->sheet_dropdown), n > 1);
  gtk_widget_set_visible (GTK_WIDGET (self->sheet_label), n > 1);
}

static void
show_entry (BlSheetCheckWindow *self, int i)
{
  FileEntry *e = i >= 0 && (guint) i < self->files->len ? g_ptr_array_index (self->files, i)
                                                         : NULL;
  const BlToySheetReport *sr = NULL;
  const BlToyCheckDiff *d;
  gboolean mappable;

  self->shown = e ? i : -1;
  gtk_label_set_text (self->mistake_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->mistake_label), FALSE);
  if (e == NULL)
    {
      gtk_label_set_text (self->headline_label, _("No file yet"));
      gtk_label_set_text (self->summary_label, "");
      bl_sheet_view_set_sheet (self->sheet_view, NULL, -1);
      fill_sheet_dropdown (self, &(FileEntry) { 0 });
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.map", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.first-difference", FALSE);
      return;
    }
  switch (e->state)
    {
    case BL_SHEET_FILE_CHECKING:
      gtk_label_set_text (self->headline_label, _("Checking…"));
      break;
    case BL_SHEET_FILE_MATCHES:
      gtk_label_set_text (self->headline_label, _("Matches the ledger"));
      break;
    case BL_SHEET_FILE_DISAGREES:
      gtk_label_set_text (self->headline_label, _("Disagrees with the ledger"));
      break;
    case BL_SHEET_FILE_UNMAPPED:
      gtk_label_set_text (self->headline_label,
                          _("The columns were not recognised: map them to check the sheet"));
      break;
    case BL_SHEET_FILE_UNREADABLE:
    default:
      gtk_label_set_text (self->headline_label, _("Cannot be read"));
      break;
    }
  gtk_label_set_text (self->summary_label, e->summary ? e->summary : "");
  fill_sheet_dropdown (self, e);
  d = e->report ? bl_toy_check_report_first_diff (e->report, &sr) : NULL;
  if (d)
    {
      g_autofree char *why = d->not_a_number ? g_strdup (_("not a number"))
                                             : bl_toy_mistake_describe (&d->mistake, &sr->params);
      g_autofree char *text = NULL;
      g_autofree char *column = d->next ? g_strdup_printf ("%s_new",
                                                           bl_toy_column_name (d->slot))
                                        : g_strdup (d->slot < BL_TOY_N_COLS
                                                      ? bl_toy_column_label (d->slot)
                                                      : "δ");
      if (d->not_a_number)
        text = g_strdup_printf (_("First difference: cell %s (row %u, %s): %s."), d->cell,
                                d->sheet_row + 1, column, why);
      else
        /* Translators: cell, row, column, the sheet's value, the right one, the error, the
         * mistake. */
        text = g_strdup_printf (_("First difference: cell %s (row %u, %s): %.10g where %.10g "
                                  "belongs, off by %.3g. Likely mistake: %s."), d->cell,
                                d->sheet_row + 1, column, d->sheet_value, d->expected,
                                d->sheet_value - d->expected, why);
      gtk_label_set_text (self->mistake_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->mistake_label), TRUE);
    }
  show_table (self, e);
  /* Mapping helps a sheet that did not map, or one with headers left unexplained. */
  mappable = e->book != NULL && e->state != BL_SHEET_FILE_CHECKING;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "check.map", mappable);
  if (e->state == BL_SHEET_FILE_UNMAPPED)
    gtk_widget_add_css_class (GTK_WIDGET (self->map_button), "suggested-action");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->map_button), "suggested-action");
}

static void
row_selected_cb (GtkListBox *box, GtkListBoxRow *row, BlSheetCheckWindow *self)
{
  if (self->disposed)
    return;
  show_entry (self, row ? gtk_list_box_row_get_index (row) : -1);
}

static void
sheet_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlSheetCheckWindow *self)
{
  if (!self->syncing && !self->disposed && self->shown >= 0)
    show_table (self, g_ptr_array_index (self->files, self->shown));
}

/* ------------------------------------------------------------------------------------------
 * Actions: open, first difference, map
 */

static void
files_chosen_cb (GtkWidget *owner, GPtrArray *paths, gpointer data)
{
  bl_sheet_check_window_add_files (BL_SHEET_CHECK_WINDOW (owner),
                                   (const char *const *) paths->pdata, paths->len);
}

static void
action_open (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const patterns[] = { "*.xlsx", "*.csv", "*.XLSX", "*.CSV", NULL };

  bl_choose_files (widget, _("Check Spreadsheets"), _("Spreadsheets (.xlsx, .csv)"), patterns,
                   files_chosen_cb, NULL);
}

static void
action_first_difference (GtkWidget *widget, const char *name, GVariant *param)
{
  BlSheetCheckWindow *self = BL_SHEET_CHECK_WINDOW (widget);
  const BlToySheetReport *sr;

  if (self->shown < 0)
    return;
  sr = shown_sheet_report (self, g_ptr_array_index (self->files, self->shown));
  if (sr && sr->diffs->len)
    {
      const BlToyCheckDiff *d = &g_array_index (sr->diffs, BlToyCheckDiff, 0);
      bl_sheet_view_scroll_to (self->sheet_view, d->sheet_row, d->sheet_col);
    }
}

static void
mapping_applied (GPtrArray *pairs, gpointer data)
{
  BlSheetCheckWindow *self = BL_SHEET_CHECK_WINDOW (data);
  FileEntry *e = g_object_get_data (G_OBJECT (self), "bl-mapping-entry");

  if (e == NULL || entry_index (self, e) < 0)
    {
      g_ptr_array_unref (pairs);
      return;
    }
  g_clear_pointer (&e->pairs, g_ptr_array_unref);
  e->pairs = pairs;
  start_check (self, e);
  if (entry_index (self, e) == self->shown)
    show_entry (self, self->shown);
}

GtkWindow *
bl_sheet_check_window_open_mapping (BlSheetCheckWindow *self, guint i)
{
  FileEntry *e;
  const BlToySheetReport *sr;
  guint sheet_index = 0, header_row = 0;
  BlSheetMapDialog *dialog;

  g_return_val_if_fail (BL_IS_SHEET_CHECK_WINDOW (self), NULL);
  g_return_val_if_fail (i < self->files->len, NULL);
  e = g_ptr_array_index (self->files, i);
  if (e->book == NULL || bl_sheet_book_n_sheets (e->book) == 0)
    return NULL;
  sr = (int) i == self->shown ? shown_sheet_report (self, e)
                              : e->report && e->report->sheets->len
                                  ? g_ptr_array_index (e->report->sheets, 0) : NULL;
  if (sr)
    {
      sheet_index = sr->mapping->sheet_index;
      header_row = sr->mapping->header_row;
    }
  else
    bl_sheet_guess_header_row (e->book, &sheet_index, &header_row);
  g_object_set_data (G_OBJECT (self), "bl-mapping-entry", e);
  dialog = bl_sheet_map_dialog_new (GTK_WINDOW (self), bl_sheet_book_sheet (e->book, sheet_index),
                                    header_row, e->pairs, mapping_applied, G_OBJECT (self));
  bl_tool_window_follow_projector (GTK_WINDOW (dialog), GTK_WINDOW (self), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WINDOW (dialog);
}

static void
action_map (GtkWidget *widget, const char *name, GVariant *param)
{
  BlSheetCheckWindow *self = BL_SHEET_CHECK_WINDOW (widget);

  if (self->shown >= 0)
    bl_sheet_check_window_open_mapping (self, (guint) self->shown);
}

/* Files dropped on the window: checked like chosen ones. */
static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y,
         BlSheetCheckWindow *self)
{
  GSList *files;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  for (GSList *l = files; l; l = l->next)
    {
      char *path = g_file_get_path (l->data);
      if (path)
        g_ptr_array_add (paths, path);
    }
  g_slist_free (files);
  if (paths->len == 0)
    return FALSE;
  bl_sheet_check_window_add_files (self, (const char *const *) paths->pdata, paths->len);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * The object
 */

static void
bl_sheet_check_window_dispose (GObject *object)
{
  BlSheetCheckWindow *self = BL_SHEET_CHECK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  self->disposed = TRUE;
  if (self->sheet_view)
    bl_sheet_view_set_sheet (self->sheet_view, NULL, -1);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_SHEET_CHECK_WINDOW);
  self->sheet_view = NULL;
  G_OBJECT_CLASS (bl_sheet_check_window_parent_class)->dispose (object);
}

static void
bl_sheet_check_window_finalize (GObject *object)
{
  BlSheetCheckWindow *self = BL_SHEET_CHECK_WINDOW (object);

  /* Jobs hold the window until they answer, so nothing is running by now. */
  g_ptr_array_unref (self->files);
  g_object_unref (self->cancellable);
  G_OBJECT_CLASS (bl_sheet_check_window_parent_class)->finalize (object);
}

static void
bl_sheet_check_window_class_init (BlSheetCheckWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_sheet_check_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_sheet_check_window_finalize;
  g_type_ensure (BL_TYPE_SHEET_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-sheet-check-window.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlSheetCheckWindow, name)
  CHILD (file_list);
  CHILD (tally_label);
  CHILD (headline_label);
  CHILD (mistake_label);
  CHILD (summary_label);
  CHILD (sheet_label);
  CHILD (sheet_dropdown);
  CHILD (legend_label);
  CHILD (map_button);
  CHILD (sheet_view);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sheet_selected_cb);
  gtk_widget_class_install_action (widget_class, "check.open", NULL, action_open);
  gtk_widget_class_install_action (widget_class, "check.first-difference", NULL,
                                   action_first_difference);
  gtk_widget_class_install_action (widget_class, "check.map", NULL, action_map);
}

static void
bl_sheet_check_window_init (BlSheetCheckWindow *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->files = g_ptr_array_new_with_free_func (file_entry_free);
  self->cancellable = g_cancellable_new ();
  self->shown = -1;
  bl_tool_network_default (&self->net);
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  show_entry (self, -1);
}

BlSheetCheckWindow *
bl_sheet_check_window_new (GtkWindow *parent, const BlToolNetwork *net)
{
  BlSheetCheckWindow *self = g_object_new (BL_TYPE_SHEET_CHECK_WINDOW, "transient-for", parent,
                                           NULL);

  if (net)
    self->net = *net;
  bl_tool_window_follow_projector (GTK_WINDOW (self), parent, NULL);
  return self;
}

void
bl_sheet_check_window_set_network (BlSheetCheckWindow *self, const BlToolNetwork *net)
{
  g_return_if_fail (BL_IS_SHEET_CHECK_WINDOW (self));
  self->net = *net;
}

guint
bl_sheet_check_window_get_n_files (BlSheetCheckWindow *self)
{
  return self->files->len;
}

gboolean
bl_sheet_check_window_is_busy (BlSheetCheckWindow *self)
{
  return self->n_busy > 0;
}

BlSheetFileState
bl_sheet_check_window_get_state (BlSheetCheckWindow *self, guint i)
{
  g_return_val_if_fail (i < self->files->len, BL_SHEET_FILE_UNREADABLE);
  return ((FileEntry *) g_ptr_array_index (self->files, i))->state;
}

const char *
bl_sheet_check_window_get_summary (BlSheetCheckWindow *self, guint i)
{
  g_return_val_if_fail (i < self->files->len, NULL);
  return ((FileEntry *) g_ptr_array_index (self->files, i))->summary;
}

const BlToyCheckReport *
bl_sheet_check_window_get_report (BlSheetCheckWindow *self, guint i)
{
  g_return_val_if_fail (i < self->files->len, NULL);
  return ((FileEntry *) g_ptr_array_index (self->files, i))->report;
}

void
bl_sheet_check_window_select (BlSheetCheckWindow *self, guint i)
{
  g_return_if_fail (i < self->files->len);
  gtk_list_box_select_row (self->file_list,
                           GTK_LIST_BOX_ROW (((FileEntry *) g_ptr_array_index (self->files,
                                                                               i))->row));
  show_entry (self, (int) i);
}

BlSheetView *
bl_sheet_check_window_get_sheet_view (BlSheetCheckWindow *self)
{
  return self->sheet_view;
}

const char *
bl_sheet_check_window_get_mistake_text (BlSheetCheckWindow *self)
{
  return gtk_label_get_text (self->mistake_label);
}
