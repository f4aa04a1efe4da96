/* bl-run-status.c: see bl-run-status.h.
 *
 * Reports are turned into text at once (cheap) and kept as "not shown yet"; the pacer puts
 * them on screen: the bar and the line in one region (they are adjacent), how the run ended in
 * a region that comes after the charts, so "Finished" appears with the last epoch's results. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bl-format.h"

#include "mnist/bl-run-status.h"
#include "nn-run.h"

struct _BlRunStatus {
  GtkWidget       parent_instance;

  GtkLabel       *progress_label;
  GtkProgressBar *progress;
  GtkLabel       *status_label;

  BlFramePacer   *pacer;
  BlTrainingRun  *run;
  char           *caption;

  /* not on screen yet */
  char           *unshown_bar;      /* NULL when shown */
  double          unshown_fraction;
  char           *unshown_status;
  char           *unshown_end;      /* how the run ended */
  char           *unshown_end_bar;
};

G_DEFINE_FINAL_TYPE (BlRunStatus, bl_run_status, GTK_TYPE_WIDGET)

static void
set_status_now (BlRunStatus *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

const char *
bl_run_status_get_text (BlRunStatus *self)
{
  g_return_val_if_fail (BL_IS_RUN_STATUS (self), NULL);
  return gtk_label_get_text (self->status_label);
}

void
bl_run_status_say (BlRunStatus *self, const char *text)
{
  g_return_if_fail (BL_IS_RUN_STATUS (self));
  g_clear_pointer (&self->unshown_status, g_free);
  set_status_now (self, text);
}

static char *
with_caption (BlRunStatus *self, char *text)
{
  char *both;

  if (self->caption == NULL)
    return text;
  both = g_strdup_printf ("%s · %s", self->caption, text);
  g_free (text);
  return both;
}

/* ---- Regions */

static gboolean
progress_pending (gpointer data)
{
  BlRunStatus *self = data;
  return self->unshown_bar != NULL || self->unshown_status != NULL;
}

static void
show_progress (gpointer data)
{
  BlRunStatus *self = data;

  if (self->unshown_bar)
    {
      gtk_label_set_text (self->progress_label, self->unshown_bar);
      gtk_progress_bar_set_fraction (self->progress, self->unshown_fraction);
      g_clear_pointer (&self->unshown_bar, g_free);
    }
  if (self->unshown_status)
    {
      set_status_now (self, self->unshown_status);
      g_clear_pointer (&self->unshown_status, g_free);
    }
}

static gboolean
end_pending (gpointer data)
{
  return ((BlRunStatus *) data)->unshown_end != NULL;
}

static void
show_end (gpointer data)
{
  BlRunStatus *self = data;

  set_status_now (self, self->unshown_end);
  if (self->unshown_end_bar)
    gtk_label_set_text (self->progress_label, self->unshown_end_bar);
  g_clear_pointer (&self->unshown_end, g_free);
  g_clear_pointer (&self->unshown_end_bar, g_free);
}

static void
schedule (BlRunStatus *self)
{
  if (self->pacer)
    bl_frame_pacer_schedule (self->pacer);
  else
    {
      show_progress (self);
      if (self->unshown_end)
        show_end (self);
    }
}

/* ---- The run's reports */

/* The bar says what the class asked for even while a batch already under way reports. */
static char *
bar_text (BlRunStatus *self, const NnBatchReport *r)
{
  g_autofree char *eta = NULL, *speed = NULL;

  switch (bl_training_run_get_state (self->run))
    {
    case BL_RUN_STATE_PAUSED:
      return with_caption (self, g_strdup (_("paused")));
    case BL_RUN_STATE_STOPPING:
      return with_caption (self, g_strdup (_("stopping…")));
    default:
      break;
    }
  if (r == NULL)
    return with_caption (self, g_strdup (_("starting…")));
  eta = nn_format_duration (r->eta_s);
  speed = bl_format_count ((guint64) MAX (0, round (r->images_per_s)));
  return with_caption (self, g_strdup_printf (_("epoch %u/%u · batch %u/%u · %s images/s · "
                                                "%s left"), r->epoch, r->epochs, r->batch,
                                              r->n_batches, speed, eta));
}

static void
batches_cb (BlTrainingRun *run, gpointer reports, guint n, BlRunStatus *self)
{
  const NnBatchReport *r = (const NnBatchReport *) reports + n - 1;

  g_free (self->unshown_bar);
  self->unshown_bar = bar_text (self, r);
  self->unshown_fraction = ((r->epoch - 1) + (double) r->batch / r->n_batches) / r->epochs;
  /* "Starting…" would otherwise stay up for the whole first epoch. */
  if (bl_training_run_get_batches_seen (run) == n)
    {
      g_free (self->unshown_status);
      self->unshown_status = g_strdup (_("Training. The test set is scored at the end of each "
                                         "epoch: the charts on the right and the matrix fill "
                                         "in then."));
    }
  schedule (self);
}

static void
epochs_done_cb (BlTrainingRun *run, GParamSpec *pspec, BlRunStatus *self)
{
  BlEpoch *epoch = bl_training_run_get_latest_epoch (run);
  const NnEpochRecord *r;

  if (epoch == NULL)
    return;
  r = bl_epoch_get_record (epoch);
  g_free (self->unshown_status);
  self->unshown_status =
    g_strdup_printf (_("Epoch %u: test accuracy %.2f%% (best %.2f%% at epoch %u), test loss "
                       "%.4f, %.1f s."), r->epoch, 100 * r->test_acc,
                     100 * bl_training_run_get_best_accuracy (run),
                     bl_training_run_get_best_epoch (run), r->test_loss, r->seconds);
  schedule (self);
}

static void
state_cb (BlTrainingRun *run, GParamSpec *pspec, BlRunStatus *self)
{
  const GError *error = bl_training_run_get_error (run);

  switch (bl_training_run_get_state (run))
    {
    case BL_RUN_STATE_PAUSED:
    case BL_RUN_STATE_STOPPING:
    case BL_RUN_STATE_TRAINING:
      /* A click's answer: on screen in this frame. */
      g_clear_pointer (&self->unshown_bar, g_free);
      {
        g_autofree char *text = bar_text (self, bl_training_run_get_last_batch (run));
        gtk_label_set_text (self->progress_label, text);
      }
      break;
    case BL_RUN_STATE_FINISHED:
      g_free (self->unshown_end);
      self->unshown_end = g_strdup_printf (_("Finished: best test accuracy %.2f%% at epoch %u."),
                                           100 * bl_training_run_get_best_accuracy (run),
                                           bl_training_run_get_best_epoch (run));
      self->unshown_end_bar = with_caption (self, g_strdup (_("finished")));
      schedule (self);
      break;
    case BL_RUN_STATE_STOPPED:
      g_free (self->unshown_end);
      self->unshown_end = g_strdup_printf (_("Stopped. %s"), error ? error->message : "");
      self->unshown_end_bar = with_caption (self, g_strdup (_("stopped")));
      schedule (self);
      break;
    case BL_RUN_STATE_FAILED:
      g_free (self->unshown_end);
      self->unshown_end = g_strdup_printf (_("Training failed: %s"),
                                           error ? error->message : "");
      self->unshown_end_bar = with_caption (self, g_strdup (_("failed")));
      schedule (self);
      break;
    case BL_RUN_STATE_READY:
    default:
      break;
    }
}

void
bl_run_status_set_run (BlRunStatus *self, BlTrainingRun *run, const char *caption)
{
  g_return_if_fail (BL_IS_RUN_STATUS (self));
  if (self->run)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_set_object (&self->run, run);
  g_free (self->caption);
  self->caption = g_strdup (caption);
  g_clear_pointer (&self->unshown_bar, g_free);
  g_clear_pointer (&self->unshown_status, g_free);
  g_clear_pointer (&self->unshown_end, g_free);
  g_clear_pointer (&self->unshown_end_bar, g_free);
  if (run == NULL)
    return;
  g_signal_connect (run, "batches", G_CALLBACK (batches_cb), self);
  g_signal_connect (run, "notify::epochs-done", G_CALLBACK (epochs_done_cb), self);
  g_signal_connect (run, "notify::state", G_CALLBACK (state_cb), self);
  /* The click's answer, at once. */
  {
    g_autofree char *bar = bar_text (self, NULL);
    gtk_progress_bar_set_fraction (self->progress, 0);
    gtk_label_set_text (self->progress_label, bar);
    set_status_now (self, _("Starting…"));
  }
}

void
bl_run_status_set_pacer (BlRunStatus *self, BlFramePacer *pacer)
{
  g_return_if_fail (BL_IS_RUN_STATUS (self));
  g_return_if_fail (self->pacer == NULL);
  self->pacer = g_object_ref (pacer);
  bl_frame_pacer_add_region (pacer, 10, progress_pending, show_progress, self);
  bl_frame_pacer_add_region (pacer, 60, end_pending, show_end, self);
}

GtkWidget *
bl_run_status_new (void)
{
  return g_object_new (BL_TYPE_RUN_STATUS, NULL);
}

static void
bl_run_status_dispose (GObject *object)
{
  BlRunStatus *self = BL_RUN_STATUS (object);

  if (self->run)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
  if (self->pacer)
    bl_frame_pacer_remove_regions (self->pacer, self);
  g_clear_object (&self->pacer);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_RUN_STATUS);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_run_status_parent_class)->dispose (object);
}

static void
bl_run_status_finalize (GObject *object)
{
  BlRunStatus *self = BL_RUN_STATUS (object);

  g_free (self->caption);
  g_free (self->unshown_bar);
  g_free (self->unshown_status);
  g_free (self->unshown_end);
  g_free (self->unshown_end_bar);
  G_OBJECT_CLASS (bl_run_status_parent_class)->finalize (object);
}

static void
bl_run_status_class_init (BlRunStatusClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_run_status_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_run_status_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-run-status.ui");
  gtk_widget_class_bind_template_child (widget_class, BlRunStatus, progress_label);
  gtk_widget_class_bind_template_child (widget_class, BlRunStatus, progress);
  gtk_widget_class_bind_template_child (widget_class, BlRunStatus, status_label);
  gtk_widget_class_set_css_name (widget_class, "runstatus");
}

static void
bl_run_status_init (BlRunStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
