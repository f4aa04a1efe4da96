/* bl-lr-compare.c: see bl-lr-compare.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "bl-app-error.h"
#include "bl-format.h"
#include "core/bl-toy.h"
#include "mnist/bl-lr-compare.h"
#include "nn-sgd.h"
#include "nn-runlog.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-file-chooser.h"
#include "widgets/bl-palette.h"

/* A class compares a handful of rates; an imported sweep may hold more, but a chart of more
 * curves than this says nothing (and the palette has eight colours). */
#define MAX_RUNS 64

typedef struct {
  BlLrCompare   *owner;
  guint          series;
  guint          slot;         /* its colour in the palette */
  double         lr;           /* NaN when a log does not say */
  char          *source;       /* "this window", "Run Each", or the log's file name */
  char          *recipe;       /* the rest of the recipe, in short: what else may differ */
  double         best, final;
  guint          best_epoch, epochs;
  BlTrainingRun *run;          /* followed as it learns; NULL for an imported one */
  gboolean       imported;     /* from a log file (a dashed curve) */
  guint          shown;        /* epochs of @run already on the chart */
} Run;

struct _BlLrCompare {
  GtkWidget      parent_instance;

  GtkEntry      *rates_entry;
  GtkLabel      *message_label;
  BlChart       *chart;
  GtkGrid       *table;

  GPtrArray     *runs;         /* Run* */
  gboolean       busy;         /* another run trains */

  /* "Run Each" */
  NnDataset     *queue_data;
  NnRecipe       queue_recipe;
  GArray        *queue;        /* rates still waiting (double) */
  guint          queue_count;  /* rates in the queue when it started */
  BlTrainingRun *current;
  GCancellable  *import_cancellable;  /* the import under way */
  GQueue        *import_queue;        /* paths waiting their turn */
};

G_DEFINE_FINAL_TYPE (BlLrCompare, bl_lr_compare, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_IMPORTING, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_RUN_REQUESTED, SIGNAL_RUN_STARTED, SIGNAL_QUEUE_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
run_free (Run *run)
{
  if (run->run)
    {
      g_signal_handlers_disconnect_matched (bl_training_run_get_history (run->run),
                                            G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, run);
      g_object_unref (run->run);
    }
  g_free (run->source);
  g_free (run->recipe);
  g_free (run);
}

static char *
rate_text (double lr)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return isfinite (lr) ? g_strdup (g_ascii_formatd (buf, sizeof buf, "%g", lr)) : g_strdup ("?");
}

static void
attach_label (GtkGrid *grid, const char *text, int col, int row, float xalign, gboolean markup,
              gboolean heading)
{
  GtkWidget *l = gtk_label_new (NULL);
  if (markup)
    gtk_label_set_markup (GTK_LABEL (l), text);
  else
    gtk_label_set_text (GTK_LABEL (l), text);
  gtk_label_set_xalign (GTK_LABEL (l), xalign);
  gtk_widget_add_css_class (l, heading ? "dim-label" : "numeric");
  gtk_grid_attach (grid, l, col, row, 1, 1);
}

/* A run keeps the colour it got when it came: the first slot no other run on the chart has
 * (bl-palette.h), so no two curves share one while there are no more runs than colours. */
static guint
free_slot (BlLrCompare *self)
{
  guint n = bl_palette_size ();

  for (guint slot = 0; slot < n; slot++)
    {
      gboolean taken = FALSE;
      for (guint i = 0; i < self->runs->len && !taken; i++)
        taken = ((Run *) g_ptr_array_index (self->runs, i))->slot == slot;
      if (!taken)
        return slot;
    }
  return self->runs->len;   /* more runs than colours: they repeat, dashed (imported) or not */
}

/* "batch 128 · one-cycle · all images", or NULL when a log does not say. */
static char *
recipe_summary (guint batch, const char *schedule, guint train_subset)
{
  g_autofree char *count = train_subset ? bl_format_count (train_subset) : NULL;
  g_autofree char *images = train_subset ? g_strdup_printf (_("%s images"), count)
                                         : g_strdup (_("all images"));

  if (batch == 0 || schedule == NULL)
    return NULL;
  return g_strdup_printf (_("batch %u · %s · %s"), batch, schedule, images);
}

static int
compare_by_rate (gconstpointer a, gconstpointer b)
{
  const Run *x = *(Run *const *) a, *y = *(Run *const *) b;

  if (isnan (x->lr) || isnan (y->lr))
    return isnan (x->lr) - isnan (y->lr);
  return (x->lr > y->lr) - (x->lr < y->lr);
}

/* The table is small (at most MAX_RUNS rows): rebuilt when a number changes; its rows in the
 * rates' order, like the colours. */
static void
rebuild_table (BlLrCompare *self)
{
  GtkWidget *child;
  const char *heads[] = { N_("Rate η"), N_("Run"), N_("Best test accuracy"), N_("At epoch"),
                          N_("Last epoch"), N_("Recipe otherwise") };
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  gboolean differ = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))) != NULL)
    gtk_grid_remove (self->table, child);
  if (self->runs->len == 0)
    return;
  for (guint i = 0; i < self->runs->len; i++)
    {
      const Run *r = g_ptr_array_index (self->runs, i), *first = g_ptr_array_index (self->runs, 0);
      g_ptr_array_add (sorted, (gpointer) r);
      differ |= g_strcmp0 (r->recipe, first->recipe) != 0;
    }
  g_ptr_array_sort (sorted, compare_by_rate);
  for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
    attach_label (self->table, _(heads[c]), c, 0, c < 2 || c == 5 ? 0 : 1, FALSE, TRUE);
  for (guint i = 0; i < sorted->len; i++)
    {
      const Run *r = g_ptr_array_index (sorted, i);
      g_autofree char *lr = rate_text (r->lr), *swatch = NULL, *best = NULL, *epoch = NULL,
                      *last = NULL, *color = NULL;
      GdkRGBA c;

      bl_palette_color (r->slot, &c);
      color = g_strdup_printf ("#%02x%02x%02x", (int) (c.red * 255), (int) (c.green * 255),
                               (int) (c.blue * 255));
      swatch = g_markup_printf_escaped ("<span foreground=\"%s\">■</span> %s", color, lr);
      best = r->epochs ? g_strdup_printf ("%.2f%%", 100 * r->best) : g_strdup ("—");
      epoch = r->epochs ? g_strdup_printf ("%u", r->best_epoch) : g_strdup ("—");
      last = r->epochs ? g_strdup_printf (_("%.2f%% (epoch %u)"), 100 * r->final, r->epochs)
                       : g_strdup (_("waiting"));
      attach_label (self->table, swatch, 0, i + 1, 0, TRUE, FALSE);
      attach_label (self->table, r->source, 1, i + 1, 0, FALSE, FALSE);
      attach_label (self->table, best, 2, i + 1, 1, FALSE, FALSE);
      attach_label (self->table, epoch, 3, i + 1, 1, FALSE, FALSE);
      attach_label (self->table, last, 4, i + 1, 1, FALSE, FALSE);
      attach_label (self->table, r->recipe ? r->recipe : _("not in the log"), 5, i + 1, 0,
                    FALSE, FALSE);
      /* The recipe wraps between its parts rather than run past the table's edge. */
      {
        GtkWidget *recipe = gtk_grid_get_child_at (self->table, 5, i + 1);
        gtk_label_set_wrap (GTK_LABEL (recipe), TRUE);
        gtk_label_set_width_chars (GTK_LABEL (recipe), 12);
        gtk_widget_set_hexpand (recipe, TRUE);
      }
    }
  /* Runs that differ in more than the rate are no longer a comparison of rates alone. */
  if (differ)
    {
      GtkWidget *note = gtk_label_new (_("These runs differ in more than the rate (last "
                                         "column): compare them with care."));
      gtk_label_set_xalign (GTK_LABEL (note), 0);
      gtk_label_set_wrap (GTK_LABEL (note), TRUE);
      gtk_widget_add_css_class (note, "warning");
      gtk_grid_attach (self->table, note, 0, sorted->len + 1, G_N_ELEMENTS (heads), 1);
    }
}

/* The legend in the order of the rates, as the table; a rate run twice (this window and Run
 * Each) or imported says where each curve came from. */
static void
order_legend (BlLrCompare *self)
{
  /* Not g_ptr_array_copy: the copy would own the runs (it takes the free function too). */
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (self->runs->len);

  for (guint i = 0; i < self->runs->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (self->runs, i));
  g_ptr_array_sort (sorted, compare_by_rate);   /* stable: equal rates keep their order */
  for (guint i = 0; i < sorted->len; i++)
    {
      Run *r = g_ptr_array_index (sorted, i);
      g_autofree char *rate = rate_text (r->lr), *label = NULL;
      gboolean twice = FALSE;

      for (guint j = 0; j < sorted->len && !twice; j++)
        twice = j != i && ((Run *) g_ptr_array_index (sorted, j))->lr == r->lr;
      label = r->imported || twice ? g_strdup_printf ("η = %s · %s", rate, r->source)
                                   : g_strdup_printf ("η = %s", rate);
      bl_chart_series_set_label (self->chart, r->series, label);
      bl_chart_series_move (self->chart, r->series, i);
    }
}

static Run *
add_run (BlLrCompare *self, double lr, const char *source, gboolean imported)
{
  Run *run = g_new0 (Run, 1);
  g_autofree char *rate = rate_text (lr);
  GdkRGBA c;

  run->owner = self;
  run->lr = lr;
  run->source = g_strdup (source);
  run->slot = free_slot (self);
  bl_palette_color (run->slot, &c);
  run->imported = imported;
  run->series = bl_chart_add_series (self->chart, rate, &c,
                                     imported ? BL_CHART_LINE_DASHED : BL_CHART_LINE_POINTS);
  g_ptr_array_add (self->runs, run);
  order_legend (self);
  return run;
}

static void
add_epoch (BlLrCompare *self, Run *run, const NnEpochRecord *r)
{
  bl_chart_series_append (self->chart, run->series, r->epoch, 100 * r->test_acc);
  if (run->epochs == 0 || r->test_acc > run->best)
    {
      run->best = r->test_acc;
      run->best_epoch = r->epoch;
    }
  run->final = r->test_acc;
  run->epochs = r->epoch;
}

/* A followed run's history grew: its new epochs join the chart. */
static void
history_changed_cb (GListModel *history, guint position, guint removed, guint added, Run *run)
{
  BlLrCompare *self = run->owner;

  for (; run->shown < g_list_model_get_n_items (history); run->shown++)
    {
      g_autoptr(BlEpoch) epoch = g_list_model_get_item (history, run->shown);
      add_epoch (self, run, bl_epoch_get_record (epoch));
    }
  rebuild_table (self);
}

void
bl_lr_compare_follow_run (BlLrCompare *self, BlTrainingRun *run, const char *source)
{
  Run *r;
  GListModel *history;
  const NnRecipe *recipe;

  g_return_if_fail (BL_IS_LR_COMPARE (self));
  g_return_if_fail (BL_IS_TRAINING_RUN (run));
  recipe = bl_training_run_get_recipe (run);
  r = add_run (self, recipe->lr, source, FALSE);
  r->recipe = recipe_summary (recipe->batch, nn_schedule_name (recipe->schedule),
                              recipe->train_subset);
  r->run = g_object_ref (run);
  history = bl_training_run_get_history (run);
  g_signal_connect (history, "items-changed", G_CALLBACK (history_changed_cb), r);
  history_changed_cb (history, 0, 0, 0, r);
}

/* ------------------------------------------------------------------------------------------
 * Run Each: the queue
 */

static void update_actions (BlLrCompare *self);
static void start_next (BlLrCompare *self);

static void
end_queue (BlLrCompare *self)
{
  g_array_set_size (self->queue, 0);
  g_clear_pointer (&self->queue_data, nn_dataset_unref);
  update_actions (self);
  g_signal_emit (self, signals[SIGNAL_QUEUE_FINISHED], 0);
}

static void
current_finished_cb (BlTrainingRun *run, BlLrCompare *self)
{
  BlRunState state = bl_training_run_get_state (run);

  g_signal_handlers_disconnect_by_data (run, self);
  g_clear_object (&self->current);
  /* A stopped or failed run ends the queue: the class asked for a halt, or something needs a
   * look before the next rate. */
  if (state == BL_RUN_STATE_FINISHED && self->queue->len > 0)
    start_next (self);
  else
    end_queue (self);
}

static void
start_next (BlLrCompare *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = NULL;
  NnRecipe r = self->queue_recipe;
  guint index = self->queue_count - self->queue->len;

  r.lr = g_array_index (self->queue, double, 0);
  g_array_remove_index (self->queue, 0);
  source = g_strdup_printf (_("Run Each, %u of %u"), index + 1, self->queue_count);
  self->current = bl_training_run_new (&r, self->queue_data, source, &error);
  if (self->current == NULL)
    {
      bl_lr_compare_show_message (self, error->message, TRUE);
      end_queue (self);
      return;
    }
  bl_lr_compare_follow_run (self, self->current, source);
  g_signal_connect (self->current, "finished", G_CALLBACK (current_finished_cb), self);
  /* Those who follow the run connect before it starts. */
  g_signal_emit (self, signals[SIGNAL_RUN_STARTED], 0, self->current, index, self->queue_count);
  bl_training_run_start (self->current);
  update_actions (self);
}

gboolean
bl_lr_compare_run_rates (BlLrCompare *self, NnDataset *data, const NnRecipe *recipe,
                         const double *rates, guint n, GError **error)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), FALSE);
  g_return_val_if_fail (data != NULL && recipe != NULL && (rates != NULL || n == 0), FALSE);
  if (self->current || self->busy)
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_BUSY, _("A run is already going."));
      return FALSE;
    }
  if (n == 0)
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_INVALID, _("Type at least one rate."));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      NnRecipe r = *recipe;
      r.lr = rates[i];
      if (!nn_recipe_validate (&r, error))
        return FALSE;
    }
  self->queue_recipe = *recipe;
  self->queue_data = nn_dataset_ref (data);
  g_array_set_size (self->queue, 0);
  g_array_append_vals (self->queue, rates, n);
  self->queue_count = n;
  bl_lr_compare_show_message (self, NULL, FALSE);
  start_next (self);
  return self->current != NULL;
}

void
bl_lr_compare_stop (BlLrCompare *self)
{
  g_return_if_fail (BL_IS_LR_COMPARE (self));
  g_array_set_size (self->queue, 0);
  if (self->current)
    bl_training_run_stop (self->current);
}

BlTrainingRun *
bl_lr_compare_get_current_run (BlLrCompare *self)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), NULL);
  return self->current;
}

guint
bl_lr_compare_get_queue_length (BlLrCompare *self)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), 0);
  return self->queue->len;
}

/* ------------------------------------------------------------------------------------------
 * Importing logs: read and parsed on a worker thread, overlaid here.
 */

/* Adds the runs of one log under @name; FALSE when the chart is full. Counts what it added in
 * @added and what it had no room for in @left_out. */
static gboolean
add_logs (BlLrCompare *self, GPtrArray *logs, const char *name, guint *added, guint *left_out)
{
  guint room = self->runs->len < MAX_RUNS ? MAX_RUNS - self->runs->len : 0;
  guint n = MIN (logs->len, room);

  for (guint i = 0; i < n; i++)
    {
      NnRunLog *log = g_ptr_array_index (logs, i);
      /* An old log without its recipe: the rate of a constant schedule is the first epoch's. */
      double lr = log->has_recipe ? log->lr
                                  : g_array_index (log->records, NnEpochRecord, 0).lr;
      g_autofree char *source = logs->len > 1 ? g_strdup_printf ("%s (%u)", name, i + 1)
                                              : g_strdup (name);
      Run *run = add_run (self, lr, source, TRUE);
      if (log->has_recipe)
        run->recipe = recipe_summary (log->batch, log->schedule, log->train_subset);
      for (guint e = 0; e < log->records->len; e++)
        add_epoch (self, run, &g_array_index (log->records, NnEpochRecord, e));
    }
  *added += n;
  *left_out += logs->len - n;
  return n == logs->len;
}

/* What an import did, in one message: runs added, runs with no room, logs not read. */
static void
report_import (BlLrCompare *self, const char *source, guint added, guint left_out,
               GString *unread, guint n_unread)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (added > 0)
    g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u run imported from %s.",
                                               "%u runs imported from %s.", added),
                            added, source);
  if (left_out > 0)
    {
      if (text->len)
        g_string_append_c (text, ' ');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%u more run did not fit: the chart holds %u "
                                                 "runs (a chart of more says nothing); clear it "
                                                 "first.",
                                                 "%u more runs did not fit: the chart holds %u "
                                                 "runs (a chart of more says nothing); clear it "
                                                 "first.", left_out),
                              left_out, MAX_RUNS);
    }
  if (n_unread > 0)
    {
      if (text->len)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%u log could not be read:",
                                                 "%u logs could not be read:", n_unread),
                              n_unread);
      g_string_append (text, unread->str);
    }
  bl_lr_compare_show_message (self, text->str, added == 0 || n_unread > 0);
}

static void import_next (BlLrCompare *self);

static void
import_file_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BlLrCompare) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) logs = nn_runlog_load_finish (result, &error);
  g_autofree char *name = NULL;
  guint added = 0, left_out = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  name = g_filename_display_basename (g_task_get_task_data (G_TASK (result)));
  if (logs == NULL)
    bl_lr_compare_show_message (self, error->message, TRUE);
  else
    {
      add_logs (self, logs, name, &added, &left_out);
      rebuild_table (self);
      report_import (self, name, added, left_out, NULL, 0);
    }
  import_next (self);
}

static void
import_folder_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(BlLrCompare) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = nn_runlog_load_dir_finish (result, &error);
  g_autoptr(GString) unread = g_string_new (NULL);
  g_autofree char *name = NULL;
  guint added = 0, left_out = 0, n_unread = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  name = g_filename_display_basename (g_task_get_task_data (G_TASK (result)));
  if (files == NULL)
    {
      bl_lr_compare_show_message (self, error->message, TRUE);
      import_next (self);
      return;
    }
  for (guint i = 0; i < files->len; i++)
    {
      NnRunLogFile *file = g_ptr_array_index (files, i);

      if (file->runs)
        add_logs (self, file->runs, file->name, &added, &left_out);
      else if (n_unread++ < 3)   /* the first few say enough */
        g_string_append_printf (unread, "\n%s", file->error->message);
    }
  if (n_unread > 3)
    g_string_append (unread, "\n…");
  rebuild_table (self);
  report_import (self, name, added, left_out, unread, n_unread);
  import_next (self);
}

/* Imports run one after another (a drop may bring several files and folders), so the import
 * actions are never off: a second waits behind the first. */
static void
import_next (BlLrCompare *self)
{
  g_autofree char *path = g_queue_pop_head (self->import_queue);
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_clear_object (&self->import_cancellable);
  if (path == NULL)
    {
      update_actions (self);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IMPORTING]);
      return;
    }
  self->import_cancellable = g_cancellable_new ();
  name = g_filename_display_basename (path);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      text = g_strdup_printf (_("Reading the logs in %s…"), name);
      nn_runlog_load_dir_async (path, self->import_cancellable, import_folder_done,
                                g_object_ref (self));
    }
  else
    {
      text = g_strdup_printf (_("Reading %s…"), name);
      nn_runlog_load_async (path, self->import_cancellable, import_file_done,
                            g_object_ref (self));
    }
  bl_lr_compare_show_message (self, text, FALSE);
  update_actions (self);
}

void
bl_lr_compare_import (BlLrCompare *self, const char *path)
{
  gboolean was_importing;

  g_return_if_fail (BL_IS_LR_COMPARE (self));
  g_return_if_fail (path != NULL);
  was_importing = bl_lr_compare_get_importing (self);
  g_queue_push_tail (self->import_queue, g_strdup (path));
  if (!was_importing)
    {
      import_next (self);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_IMPORTING]);
    }
}

gboolean
bl_lr_compare_get_importing (BlLrCompare *self)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), FALSE);
  return self->import_cancellable != NULL;
}

static void
import_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  if (path == NULL)
    bl_lr_compare_show_message (BL_LR_COMPARE (owner), _("Choose a local file."), TRUE);
  else
    bl_lr_compare_import (BL_LR_COMPARE (owner), path);
}

static void
action_import_file (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const patterns[] = { "*.jsonl", NULL };

  bl_choose_file (widget, GTK_FILE_CHOOSER_ACTION_OPEN, _("Import a training log"),
                  _("_Import"), NULL, _("Training logs (JSON lines)"), patterns,
                  import_chosen_cb, NULL);
}

static void
action_import_folder (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_choose_file (widget, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                  _("Import every training log in a folder"), _("_Import"), NULL, NULL, NULL,
                  import_chosen_cb, NULL);
}

/* Files and folders dropped on the comparison are imported as if chosen. */
static gboolean
drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, BlLrCompare *self)
{
  GSList *files = g_value_get_boxed (value);
  guint n = 0;

  for (GSList *l = files; l; l = l->next)
    {
      g_autofree char *path = g_file_get_path (l->data);
      if (path)
        {
          bl_lr_compare_import (self, path);
          n++;
        }
    }
  if (n == 0)
    bl_lr_compare_show_message (self, _("Only local files and folders can be imported."), TRUE);
  return n > 0;
}

/* ------------------------------------------------------------------------------------------ */

void
bl_lr_compare_clear (BlLrCompare *self)
{
  g_return_if_fail (BL_IS_LR_COMPARE (self));
  g_ptr_array_set_size (self->runs, 0);
  bl_chart_clear (self->chart);
  bl_chart_add_hline (self->chart, 99.40, _("target 99.40%"));
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  rebuild_table (self);
}

guint
bl_lr_compare_get_n_runs (BlLrCompare *self)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), 0);
  return self->runs->len;
}

double
bl_lr_compare_get_best (BlLrCompare *self, guint index, guint *epoch)
{
  const Run *r;

  g_return_val_if_fail (BL_IS_LR_COMPARE (self), NAN);
  g_return_val_if_fail (index < self->runs->len, NAN);
  r = g_ptr_array_index (self->runs, index);
  if (epoch)
    *epoch = r->best_epoch;
  return r->best;
}

GArray *
bl_lr_compare_get_rates (BlLrCompare *self, GError **error)
{
  /* A class compares a handful; more would not have a colour each. */
  return bl_toy_parse_learning_rates (gtk_editable_get_text (GTK_EDITABLE (self->rates_entry)),
                                      bl_palette_size (), error);
}

void
bl_lr_compare_set_rates_text (BlLrCompare *self, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (self->rates_entry), text);
}

BlChart *
bl_lr_compare_get_chart (BlLrCompare *self)
{
  return self->chart;
}

void
bl_lr_compare_set_settings (BlLrCompare *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_LR_COMPARE (self));
  if (settings == NULL)
    return;
  g_settings_bind (settings, "compare-rates", self->rates_entry, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "projector-mode", self->chart, "projector-mode",
                   G_SETTINGS_BIND_GET);
}

/* The one place the buttons' states are decided. */
static void
update_actions (BlLrCompare *self)
{
  gboolean running = self->current != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.run-each", !running && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "compare.clear", !running);
}

void
bl_lr_compare_set_busy (BlLrCompare *self, gboolean busy)
{
  g_return_if_fail (BL_IS_LR_COMPARE (self));
  self->busy = busy;
  update_actions (self);
}

void
bl_lr_compare_show_message (BlLrCompare *self, const char *message, gboolean error)
{
  gtk_label_set_text (self->message_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error-message");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error-message");
}

const char *
bl_lr_compare_get_message (BlLrCompare *self, gboolean *is_error)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), NULL);
  if (is_error)
    *is_error = gtk_widget_has_css_class (GTK_WIDGET (self->message_label), "error-message");
  if (!gtk_widget_get_visible (GTK_WIDGET (self->message_label)))
    return NULL;
  return gtk_label_get_text (self->message_label);
}

static void
action_run_each (GtkWidget *widget, const char *name, GVariant *param)
{
  g_signal_emit (widget, signals[SIGNAL_RUN_REQUESTED], 0);
}

static void
entry_activate_cb (GtkEntry *entry, BlLrCompare *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "compare.run-each", NULL);
}

static void
action_clear (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_lr_compare_clear (BL_LR_COMPARE (widget));
}

static void
bl_lr_compare_dispose (GObject *object)
{
  BlLrCompare *self = BL_LR_COMPARE (object);

  if (self->import_cancellable)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  if (self->import_queue)
    g_queue_free_full (g_steal_pointer (&self->import_queue), g_free);
  if (self->current)
    {
      g_signal_handlers_disconnect_by_data (self->current, self);
      bl_training_run_stop (self->current);
    }
  g_clear_object (&self->current);
  g_clear_pointer (&self->runs, g_ptr_array_unref);
  g_clear_pointer (&self->queue_data, nn_dataset_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_LR_COMPARE);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_lr_compare_parent_class)->dispose (object);
}

static void
bl_lr_compare_finalize (GObject *object)
{
  g_array_unref (BL_LR_COMPARE (object)->queue);
  G_OBJECT_CLASS (bl_lr_compare_parent_class)->finalize (object);
}

static void
bl_lr_compare_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_IMPORTING:
      g_value_set_boolean (value, bl_lr_compare_get_importing (BL_LR_COMPARE (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
bl_lr_compare_class_init (BlLrCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_lr_compare_dispose;
  object_class->finalize = bl_lr_compare_finalize;
  object_class->get_property = bl_lr_compare_get_property;
  props[PROP_IMPORTING] =
    g_param_spec_boolean ("importing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  g_type_ensure (BL_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-lr-compare.ui");
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, rates_entry);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, message_label);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, chart);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, table);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_install_action (widget_class, "compare.run-each", NULL, action_run_each);
  gtk_widget_class_install_action (widget_class, "compare.import-file", NULL,
                                   action_import_file);
  gtk_widget_class_install_action (widget_class, "compare.import-folder", NULL,
                                   action_import_folder);
  gtk_widget_class_install_action (widget_class, "compare.clear", NULL, action_clear);
  signals[SIGNAL_RUN_REQUESTED] =
    g_signal_new ("run-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_RUN_STARTED] =
    g_signal_new ("run-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, BL_TYPE_TRAINING_RUN, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_QUEUE_FINISHED] =
    g_signal_new ("queue-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "lrcompare");
}

static void
bl_lr_compare_init (BlLrCompare *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) run_free);
  self->import_queue = g_queue_new ();
  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  self->queue = g_array_new (FALSE, FALSE, sizeof (double));
  bl_chart_set_title (self->chart, _("Test accuracy per epoch, one run per learning rate"));
  bl_chart_set_x_label (self->chart, _("epoch"));
  bl_chart_set_x_whole_numbers (self->chart, TRUE);
  bl_chart_set_y_label (self->chart, _("test accuracy %"));
  bl_chart_add_hline (self->chart, 99.40, _("target 99.40%"));
  update_actions (self);
}

GtkWidget *
bl_lr_compare_new (void)
{
  return g_object_new (BL_TYPE_LR_COMPARE, NULL);
}
