/* bl-mnist-page-view.c: from reports to the screen, one region per frame.
 *
 * A software renderer repaints the bounding box of what changed in a frame. An epoch's
 * results change the two per-epoch charts and the matrix while the batch chart and the
 * progress bar move, and Start also locks the recipe on the left and clears every view:
 * painted in one frame, either is the whole window, and that frame alone overruns 16 ms. So
 * the page keeps what is reported (history, counters) at once, answers a click at once
 * (buttons, status line, progress bar, in a frame of their own), and a tick callback brings
 * one more region up to date per frame: the recipe controls, the progress bar and status
 * line, the batch chart, the loss chart, the accuracy chart, the matrix and its slider, and
 * last how the run ended. Everything lands within a few frames, which nobody can see.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-mnist-page-private.h"
#include "widgets/bl-palette.h"

/* The recipe and the data folder, on the left, which a run locks. */
void
bl_mnist_view_show_recipe_lock (BlMnistPage *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->recipe_grid), !self->recipe_locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->choose_button), !self->recipe_locked);
}

static gboolean
recipe_lock_shown (BlMnistPage *self)
{
  return gtk_widget_get_sensitive (GTK_WIDGET (self->recipe_grid)) != self->recipe_locked;
}

typedef enum {
  CLEAR_BATCH_CHART = 1 << 0,
  CLEAR_LOSS_CHART  = 1 << 1,
  CLEAR_ACC_CHART   = 1 << 2,
  CLEAR_MATRIX      = 1 << 3,
  CLEAR_ALL         = (1 << 4) - 1,
} ClearBits;

static gboolean
batches_shown (BlMnistPage *self)
{
  return !(self->to_clear & CLEAR_BATCH_CHART) && self->unshown_batches->len == 0;
}

static gboolean
loss_shown (BlMnistPage *self)
{
  return !(self->to_clear & CLEAR_LOSS_CHART) && self->loss_shown == self->history->len;
}

static gboolean
accuracy_shown (BlMnistPage *self)
{
  return !(self->to_clear & CLEAR_ACC_CHART) && self->acc_shown == self->history->len;
}

static gboolean
matrix_shown (BlMnistPage *self)
{
  return !(self->to_clear & CLEAR_MATRIX) && self->slider_shown == self->history->len;
}

gboolean
bl_mnist_view_is_current (BlMnistPage *self)
{
  return recipe_lock_shown (self) && self->unshown_progress == NULL &&
         self->unshown_status == NULL && batches_shown (self) && loss_shown (self) &&
         accuracy_shown (self) && matrix_shown (self) && self->unshown_end == NULL;
}

static void
show_batches (BlMnistPage *self)
{
  if (self->to_clear & CLEAR_BATCH_CHART)
    {
      GdkRGBA blue;
      bl_palette_color (0, &blue);
      bl_chart_clear (self->batch_chart);
      self->batch_raw = bl_chart_add_series (self->batch_chart, _("loss per batch"), &blue,
                                             BL_CHART_LINE_FAINT);
      bl_chart_series_set_in_legend (self->batch_chart, self->batch_raw, FALSE);
      self->batch_smooth = bl_chart_add_series (self->batch_chart, _("smoothed"), &blue,
                                                BL_CHART_LINE_SOLID);
      self->to_clear &= ~CLEAR_BATCH_CHART;
    }
  for (guint i = 0; i < self->unshown_batches->len; i++)
    {
      const BatchPoint *p = &g_array_index (self->unshown_batches, BatchPoint, i);
      bl_chart_series_append (self->batch_chart, self->batch_raw, p->x, p->raw);
      bl_chart_series_append (self->batch_chart, self->batch_smooth, p->x, p->smooth);
    }
  g_array_set_size (self->unshown_batches, 0);
}

/* The progress bar and the status line span the top of the page: with a chart below them
 * in the same frame, the box to repaint would be twice the chart. */
static void
show_progress_and_status (BlMnistPage *self)
{
  if (self->unshown_progress)
    {
      /* A batch already under way when Pause or Stop came still reports: the bar keeps
       * saying what the class asked for. */
      const char *text = self->unshown_progress;
      if (self->cancellable && g_cancellable_is_cancelled (self->cancellable))
        text = _("stopping…");
      else if (self->paused)
        text = _("paused");
      gtk_progress_bar_set_text (self->progress, text);
      gtk_progress_bar_set_fraction (self->progress, self->unshown_fraction);
      g_clear_pointer (&self->unshown_progress, g_free);
    }
  if (self->unshown_status)
    {
      bl_mnist_page_set_status (self, self->unshown_status);
      g_clear_pointer (&self->unshown_status, g_free);
    }
}

/* A per-epoch chart with a train and a test series, emptied for a new run. */
static void
clear_epoch_chart (BlChart *chart, guint *train, guint *test)
{
  GdkRGBA blue, orange;

  bl_palette_color (0, &blue);
  bl_palette_color (1, &orange);
  bl_chart_clear (chart);
  *train = bl_chart_add_series (chart, _("train"), &blue, BL_CHART_LINE_POINTS);
  *test = bl_chart_add_series (chart, _("test"), &orange, BL_CHART_LINE_POINTS);
}

static void
show_loss (BlMnistPage *self)
{
  if (self->to_clear & CLEAR_LOSS_CHART)
    {
      clear_epoch_chart (self->loss_chart, &self->train_loss, &self->test_loss);
      self->to_clear &= ~CLEAR_LOSS_CHART;
    }
  for (; self->loss_shown < self->history->len; self->loss_shown++)
    {
      const NnEpochRecord *r = &g_array_index (self->history, NnEpochRecord, self->loss_shown);
      bl_chart_series_append (self->loss_chart, self->train_loss, r->epoch, r->train_loss);
      bl_chart_series_append (self->loss_chart, self->test_loss, r->epoch, r->test_loss);
    }
}

static void
show_accuracy (BlMnistPage *self)
{
  if (self->to_clear & CLEAR_ACC_CHART)
    {
      clear_epoch_chart (self->acc_chart, &self->train_acc, &self->test_acc);
      bl_chart_add_hline (self->acc_chart, 99.40, _("target 99.40%"));
      self->to_clear &= ~CLEAR_ACC_CHART;
    }
  for (; self->acc_shown < self->history->len; self->acc_shown++)
    {
      const NnEpochRecord *r = &g_array_index (self->history, NnEpochRecord, self->acc_shown);
      bl_chart_series_append (self->acc_chart, self->train_acc, r->epoch, 100 * r->train_acc);
      bl_chart_series_append (self->acc_chart, self->test_acc, r->epoch, 100 * r->test_acc);
    }
  if (self->best_marked != self->best_epoch)
    {
      g_autofree char *label = g_strdup_printf (_("best %.2f%%"), 100 * self->best_acc);
      bl_chart_clear_decorations (self->acc_chart);
      bl_chart_add_hline (self->acc_chart, 99.40, _("target 99.40%"));
      bl_chart_add_marker (self->acc_chart, self->best_epoch, 100 * self->best_acc, label);
      self->best_marked = self->best_epoch;
    }
}

/* The replay slider follows the newest epoch unless a student moved it back. It stays
 * sensitive, its range shrunk to the one epoch there is: turning it sensitive at the second
 * epoch would start the theme's fade, repainting it for a fifth of a second while the charts
 * move elsewhere, and every such frame would span the page. */
static void
show_matrix (BlMnistPage *self)
{
  guint n = self->history->len, shown;
  gboolean follow;

  if (self->to_clear & CLEAR_MATRIX)
    {
      self->slider_shown = 0;
      gtk_range_set_range (GTK_RANGE (self->epoch_scale), 1, 1);
      bl_mnist_page_show_confusion_of_epoch (self, 0);
      self->to_clear &= ~CLEAR_MATRIX;
      if (n == 0)
        return;
    }
  follow = self->slider_shown == 0 ||
           (guint) gtk_range_get_value (GTK_RANGE (self->epoch_scale)) == self->slider_shown;
  self->slider_shown = n;
  gtk_range_set_range (GTK_RANGE (self->epoch_scale), 1, MAX (1, n));
  if (follow)
    gtk_range_set_value (GTK_RANGE (self->epoch_scale), n);
  shown = (guint) gtk_range_get_value (GTK_RANGE (self->epoch_scale));
  bl_mnist_page_show_confusion_of_epoch (self, shown);
}

static void
show_end (BlMnistPage *self)
{
  bl_mnist_page_set_status (self, self->unshown_end);
  if (self->unshown_end_bar)
    gtk_progress_bar_set_text (self->progress, self->unshown_end_bar);
  bl_mnist_page_set_run_buttons (self, FALSE);
  self->recipe_locked = FALSE;        /* unlocked in a frame of its own, next */
  g_clear_pointer (&self->unshown_end, g_free);
  g_clear_pointer (&self->unshown_end_bar, g_free);
}

static void
show_next_region (BlMnistPage *self)
{
  if (!recipe_lock_shown (self))
    bl_mnist_view_show_recipe_lock (self);
  else if (self->unshown_progress != NULL || self->unshown_status != NULL)
    show_progress_and_status (self);
  else if (!batches_shown (self))
    show_batches (self);
  else if (!loss_shown (self))
    show_loss (self);
  else if (!accuracy_shown (self))
    show_accuracy (self);
  else if (!matrix_shown (self))
    show_matrix (self);
  else if (self->unshown_end != NULL)
    show_end (self);
}

static gboolean
show_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BlMnistPage *self = BL_MNIST_PAGE (widget);

  if (self->skip_tick)
    self->skip_tick = FALSE;
  else
    show_next_region (self);
  if (!bl_mnist_view_is_current (self))
    return G_SOURCE_CONTINUE;
  self->show_tick = 0;
  return G_SOURCE_REMOVE;
}

/* Off screen there is nothing to pace: everything is brought up to date at once. */
void
bl_mnist_view_flush (BlMnistPage *self)
{
  if (self->show_tick)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->show_tick);
  self->show_tick = 0;
  self->skip_tick = FALSE;
  while (!bl_mnist_view_is_current (self))
    show_next_region (self);
}

void
bl_mnist_view_schedule (BlMnistPage *self)
{
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    bl_mnist_view_flush (self);
  else if (self->show_tick == 0 && !bl_mnist_view_is_current (self))
    self->show_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), show_tick_cb, NULL, NULL);
}

/* A new run: the views are to be cleared, and nothing of the old run waits to be shown. */
void
bl_mnist_view_forget (BlMnistPage *self)
{
  g_array_set_size (self->unshown_batches, 0);
  g_clear_pointer (&self->unshown_progress, g_free);
  g_clear_pointer (&self->unshown_status, g_free);
  g_clear_pointer (&self->unshown_end, g_free);
  g_clear_pointer (&self->unshown_end_bar, g_free);
  self->to_clear = CLEAR_ALL;
  self->loss_shown = self->acc_shown = self->slider_shown = 0;
  self->best_marked = 0;
}

