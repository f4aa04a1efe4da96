/* bl-lr-compare.c: see bl-lr-compare.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#include "bl-lr-compare.h"
#include "core/bl-toy.h"
#include "nn-runlog.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-file-chooser.h"
#include "widgets/bl-palette.h"

typedef struct {
  guint   series;
  double  lr;           /* NaN when a log does not say */
  char   *source;       /* "this window" or the log's file name */
  double  best, final;
  guint   best_epoch, epochs;
} Run;

struct _BlLrCompare {
  GtkWidget  parent_instance;

  GtkEntry  *rates_entry;
  GtkButton *run_button;
  GtkButton *import_button;
  GtkButton *clear_button;
  GtkLabel  *message_label;
  BlChart   *chart;
  GtkGrid   *table;

  GArray    *runs;       /* Run */
  guint      next_id;
};

G_DEFINE_FINAL_TYPE (BlLrCompare, bl_lr_compare, GTK_TYPE_WIDGET)

enum { SIGNAL_RUN_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
run_clear (gpointer data)
{
  g_free (((Run *) data)->source);
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

/* The table is small (a few runs): rebuilt whenever a number changes. */
static void
rebuild_table (BlLrCompare *self)
{
  GtkWidget *child;
  const char *heads[] = { N_("Rate η"), N_("Run"), N_("Best test accuracy"), N_("At epoch"),
                          N_("Last epoch") };

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->table))) != NULL)
    gtk_grid_remove (self->table, child);
  if (self->runs->len == 0)
    return;
  for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
    attach_label (self->table, _(heads[c]), c, 0, c < 2 ? 0 : 1, FALSE, TRUE);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const Run *r = &g_array_index (self->runs, Run, i);
      g_autofree char *lr = rate_text (r->lr), *swatch = NULL, *best = NULL, *epoch = NULL,
                      *last = NULL, *color = NULL;
      GdkRGBA c;

      if (isfinite (r->lr))
        bl_palette_color_for_lr (r->lr, &c);
      else
        bl_palette_color (i, &c);
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
    }
}

static Run *
find_run (BlLrCompare *self, guint id)
{
  for (guint i = 0; i < self->runs->len; i++)
    if (g_array_index (self->runs, Run, i).series == id)
      return &g_array_index (self->runs, Run, i);
  return NULL;
}

static guint
add_run (BlLrCompare *self, double lr, const char *source, gboolean imported)
{
  Run run = { 0 };
  g_autofree char *rate = rate_text (lr), *label = NULL;
  GdkRGBA c;

  if (isfinite (lr))
    bl_palette_color_for_lr (lr, &c);
  else
    bl_palette_color (self->runs->len, &c);
  label = imported ? g_strdup_printf ("η = %s · %s", rate, source)
                   : g_strdup_printf ("η = %s", rate);
  run.lr = lr;
  run.source = g_strdup (source);
  run.series = bl_chart_add_series (self->chart, label, &c,
                                    imported ? BL_CHART_LINE_DASHED : BL_CHART_LINE_POINTS);
  g_array_append_val (self->runs, run);
  rebuild_table (self);
  return run.series;
}

guint
bl_lr_compare_add_run (BlLrCompare *self, double lr, const char *source)
{
  g_return_val_if_fail (BL_IS_LR_COMPARE (self), 0);
  return add_run (self, lr, source, FALSE);
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

void
bl_lr_compare_add_epoch (BlLrCompare *self, guint id, const NnEpochRecord *report)
{
  Run *run;

  g_return_if_fail (BL_IS_LR_COMPARE (self));
  if ((run = find_run (self, id)) == NULL)
    return;
  add_epoch (self, run, report);
  rebuild_table (self);
}

gboolean
bl_lr_compare_import (BlLrCompare *self, const char *path, GError **error)
{
  g_autoptr(GPtrArray) logs = nn_runlog_load (path, error);
  g_autofree char *name = NULL;

  if (logs == NULL)
    return FALSE;
  name = g_filename_display_basename (path);
  for (guint i = 0; i < logs->len; i++)
    {
      NnRunLog *log = g_ptr_array_index (logs, i);
      /* An old log without its recipe: the rate of a constant schedule is the first epoch's. */
      double lr = log->has_recipe ? log->lr
                                  : g_array_index (log->records, NnEpochRecord, 0).lr;
      g_autofree char *source = logs->len > 1 ? g_strdup_printf ("%s (%u)", name, i + 1)
                                              : g_strdup (name);
      guint id = add_run (self, lr, source, TRUE);
      Run *run = find_run (self, id);
      for (guint e = 0; e < log->records->len; e++)
        add_epoch (self, run, &g_array_index (log->records, NnEpochRecord, e));
    }
  rebuild_table (self);
  return TRUE;
}

void
bl_lr_compare_clear (BlLrCompare *self)
{
  g_return_if_fail (BL_IS_LR_COMPARE (self));
  g_array_set_size (self->runs, 0);
  bl_chart_clear (self->chart);
  bl_chart_add_hline (self->chart, 99.40, _("target 99.40%"));
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), FALSE);
  rebuild_table (self);
}

guint
bl_lr_compare_get_n_runs (BlLrCompare *self)
{
  return self->runs->len;
}

double
bl_lr_compare_get_best (BlLrCompare *self, guint index, guint *epoch)
{
  g_return_val_if_fail (index < self->runs->len, NAN);
  if (epoch)
    *epoch = g_array_index (self->runs, Run, index).best_epoch;
  return g_array_index (self->runs, Run, index).best;
}

GArray *
bl_lr_compare_get_rates (BlLrCompare *self, GError **error)
{
  /* A class compares a handful; more would not fit the table or the palette. */
  return bl_toy_parse_learning_rates (gtk_editable_get_text (GTK_EDITABLE (self->rates_entry)),
                                      12, error);
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
bl_lr_compare_bind_rates (BlLrCompare *self, GSettings *settings, const char *key)
{
  g_settings_bind (settings, key, self->rates_entry, "text", G_SETTINGS_BIND_DEFAULT);
}

void
bl_lr_compare_set_busy (BlLrCompare *self, gboolean busy)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), !busy);
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

static void
run_clicked_cb (GtkButton *button, BlLrCompare *self)
{
  g_signal_emit (self, signals[SIGNAL_RUN_REQUESTED], 0);
}

static void
entry_activate_cb (GtkEntry *entry, BlLrCompare *self)
{
  g_signal_emit (self, signals[SIGNAL_RUN_REQUESTED], 0);
}

static void
import_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlLrCompare *self = BL_LR_COMPARE (owner);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    bl_lr_compare_show_message (self, _("Choose a local file."), TRUE);
  else if (!bl_lr_compare_import (self, path, &error))
    bl_lr_compare_show_message (self, error->message, TRUE);
  else
    bl_lr_compare_show_message (self, NULL, FALSE);
}

static void
import_clicked_cb (GtkButton *button, BlLrCompare *self)
{
  static const char *const patterns[] = { "*.jsonl", "*.json", "*.log", NULL };

  bl_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Import a training log"),
                  _("_Import"), NULL, _("Training logs (JSON lines)"), patterns,
                  import_chosen_cb, NULL);
}

static void
clear_clicked_cb (GtkButton *button, BlLrCompare *self)
{
  bl_lr_compare_clear (self);
}

static void
bl_lr_compare_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_LR_COMPARE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_lr_compare_parent_class)->dispose (object);
}

static void
bl_lr_compare_finalize (GObject *object)
{
  g_array_unref (BL_LR_COMPARE (object)->runs);
  G_OBJECT_CLASS (bl_lr_compare_parent_class)->finalize (object);
}

static void
bl_lr_compare_class_init (BlLrCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_lr_compare_dispose;
  object_class->finalize = bl_lr_compare_finalize;
  g_type_ensure (BL_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-lr-compare.ui");
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, rates_entry);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, run_button);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, import_button);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, clear_button);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, message_label);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, chart);
  gtk_widget_class_bind_template_child (widget_class, BlLrCompare, table);
  signals[SIGNAL_RUN_REQUESTED] =
    g_signal_new ("run-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_css_name (widget_class, "lrcompare");
}

static void
bl_lr_compare_init (BlLrCompare *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->runs = g_array_new (FALSE, TRUE, sizeof (Run));
  g_array_set_clear_func (self->runs, run_clear);
  bl_chart_set_title (self->chart, _("Test accuracy per epoch, one run per learning rate"));
  bl_chart_set_x_label (self->chart, _("epoch"));
  bl_chart_set_x_whole_numbers (self->chart, TRUE);
  bl_chart_set_y_label (self->chart, _("test accuracy %"));
  bl_chart_add_hline (self->chart, 99.40, _("target 99.40%"));
  g_signal_connect (self->run_button, "clicked", G_CALLBACK (run_clicked_cb), self);
  g_signal_connect (self->import_button, "clicked", G_CALLBACK (import_clicked_cb), self);
  g_signal_connect (self->clear_button, "clicked", G_CALLBACK (clear_clicked_cb), self);
  g_signal_connect (self->rates_entry, "activate", G_CALLBACK (entry_activate_cb), self);
}

GtkWidget *
bl_lr_compare_new (void)
{
  return g_object_new (BL_TYPE_LR_COMPARE, NULL);
}
