/* bl-mnist-page.c: see bl-mnist-page.h.
 *
 * Threads: the trainer runs on its own GThread. Its callbacks copy each report into a queue
 * under a mutex and schedule one idle callback if none is pending; the idle drains the queue
 * on the main thread into the page's state, and bl-mnist-page-view.c brings the widgets up to
 * date one region per frame. A run's thread is joined before another can start, so no report
 * outlives its run. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "bl-cell-digits.h"
#include "bl-download.h"
#include "bl-lr-compare.h"
#include "bl-mnist-page-private.h"
#include "nn-checkpoint.h"
#include "nn-dataset.h"
#include "nn-error.h"
#include "nn-model.h"
#include "nn-runlog.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-confusion-view.h"
#include "widgets/bl-digit-pad.h"
#include "widgets/bl-digit-stages.h"
#include "widgets/bl-file-chooser.h"


G_DEFINE_FINAL_TYPE (BlMnistPage, bl_mnist_page, GTK_TYPE_WIDGET)

/* ------------------------------------------------------------------------------------------
 * Worker side: never touches a widget.
 */

/* The status line is one ellipsised line (a longer sentence must not lay the window out
 * again); the whole sentence is its tooltip. */
void
bl_mnist_page_set_status (BlMnistPage *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

static gboolean drain_cb (gpointer data);

static void
schedule_drain_locked (BlMnistPage *self)
{
  if (self->drain_idle == 0)
    self->drain_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, drain_cb, self, NULL);
}

static void
on_batch (const NnBatchReport *report, gpointer data)
{
  BlMnistPage *self = data;

  g_mutex_lock (&self->lock);
  g_array_append_val (self->pending_batches, *report);
  schedule_drain_locked (self);
  g_mutex_unlock (&self->lock);
}

static void
on_epoch (const NnEpochReport *report, gpointer data)
{
  BlMnistPage *self = data;

  /* Copied here, on the trainer's thread, between epochs: the model is not moving. */
  GBytes *probs = g_bytes_new (report->test_probs, sizeof (float) * report->n_test * 10);
  GBytes *state = nn_model_get_state (report->model);

  g_mutex_lock (&self->lock);
  g_array_append_val (self->pending_epochs, report->record);
  g_ptr_array_add (self->pending_probs, probs);
  g_ptr_array_add (self->pending_states, state);
  schedule_drain_locked (self);
  g_mutex_unlock (&self->lock);
}

/* The computing threads yield to the main thread, so the window stays responsive however
 * busy the cores are. On Linux a new thread inherits its creator's niceness, so lowering the
 * trainer's thread before it builds its model lowers the model's workers too. */
static void
lower_this_thread_priority (void)
{
#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 5);
#endif
}

static gpointer
train_thread (gpointer data)
{
  BlMnistPage *self = data;
  GError *error = NULL;
  NnTrainer *trainer;

  lower_this_thread_priority ();
  trainer = nn_trainer_new (&self->recipe, self->data, &error);
  g_mutex_lock (&self->lock);
  self->trainer = trainer;
  if (trainer && self->paused)
    nn_trainer_set_paused (trainer, TRUE);
  g_mutex_unlock (&self->lock);
  if (trainer)
    nn_trainer_run (trainer, on_batch, on_epoch, self, self->cancellable, &error);
  g_mutex_lock (&self->lock);
  self->trainer = NULL;
  g_mutex_unlock (&self->lock);
  /* Freed here, not on the main thread: joining the model's workers and returning a hundred
   * megabytes to the system would hold up the window for tens of milliseconds. */
  if (trainer)
    nn_trainer_free (trainer);
  g_mutex_lock (&self->lock);
  self->pending_error = error;
  self->pending_finished = TRUE;
  schedule_drain_locked (self);
  g_mutex_unlock (&self->lock);
  return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Main thread
 */

/* The buttons beside the progress bar: what a click changes at once. */
void
bl_mnist_page_set_run_buttons (BlMnistPage *self, gboolean running)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->start_button), !running && self->data != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), running);
  gtk_button_set_label (self->pause_button, _("_Pause"));
}

/* Outside a run: everything at once. */
static void
set_running_ui (BlMnistPage *self, gboolean running)
{
  bl_mnist_page_set_run_buttons (self, running);
  self->recipe_locked = running;
  bl_mnist_view_show_recipe_lock (self);
}

static void
format_eta (char *buf, gsize size, double s)
{
  guint t = (guint) (s + 0.5);
  if (t >= 3600)
    g_snprintf (buf, size, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
  else
    g_snprintf (buf, size, "%u:%02u", t / 60, t % 60);
}

static void
apply_batch (BlMnistPage *self, const NnBatchReport *r)
{
  BatchPoint p = { (r->epoch - 1) + (double) r->batch / r->n_batches };   /* x in epochs */
  char eta[32];

  self->batches_seen++;
  /* Exponential smoothing over about 20 batches, on top of the faint raw curve; dividing by
   * 1 − 0.95ⁿ removes the average's pull towards its zero start. */
  self->smoothed_loss = 0.95 * self->smoothed_loss + 0.05 * r->loss;
  p.raw = r->loss;
  p.smooth = self->smoothed_loss / (1 - pow (0.95, self->batches_seen));
  g_array_append_val (self->unshown_batches, p);
  format_eta (eta, sizeof eta, r->eta_s);
  g_free (self->unshown_progress);
  self->unshown_progress = g_strdup_printf (_("epoch %u/%u · batch %u/%u · %.0f images/s · "
                                              "%s left"), r->epoch, r->epochs, r->batch,
                                            r->n_batches, r->images_per_s, eta);
  self->unshown_fraction = ((r->epoch - 1) + (double) r->batch / r->n_batches) / r->epochs;
  /* "Starting…" would otherwise stay up for the whole first epoch. */
  if (self->batches_seen == 1)
    {
      g_free (self->unshown_status);
      self->unshown_status = g_strdup (_("Training. The test set is scored at the end of each "
                                         "epoch: the charts on the right and the matrix fill "
                                         "in then."));
    }
}

void
bl_mnist_page_show_confusion_of_epoch (BlMnistPage *self, guint epoch)
{
  g_autofree char *title = NULL;
  const NnEpochRecord *r;

  if (epoch == 0 || epoch > self->history->len)
    {
      bl_confusion_view_set_counts (self->confusion_view, NULL);
      return;
    }
  r = &g_array_index (self->history, NnEpochRecord, epoch - 1);
  title = g_strdup_printf (_("Test set after epoch %u: %.2f%%"), epoch, 100 * r->test_acc);
  bl_confusion_view_set_title (self->confusion_view, title);
  bl_confusion_view_set_counts (self->confusion_view,
                                (const guint (*)[BL_CONFUSION_CLASSES]) r->confusion);
}

static void
epoch_scale_cb (GtkRange *range, BlMnistPage *self)
{
  bl_mnist_page_show_confusion_of_epoch (self, (guint) gtk_range_get_value (range));
}

static NnModel *prediction_model (BlMnistPage *self, GError **error);

/* Try It: the answer of the latest network (this run's newest epoch, or a loaded model) to
 * the digit on the pad, computed here on the main thread with a copy of its weights: one
 * image is a fraction of a millisecond. Called when the network changes. */
static void
update_try_it (BlMnistPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  NnModel *m;

  if (self->state == NULL)
    {
      gtk_label_set_text (self->try_model_label,
                          _("No network yet: train one, or load a saved model from the menu."));
      return;
    }
  text = g_strdup_printf (_("Answering: %s."), self->state_source);
  gtk_label_set_text (self->try_model_label, text);
  if (bl_digit_stages_get_stages (self->digit_stages) == NULL)
    return;   /* nothing drawn */
  if ((m = prediction_model (self, &error)) == NULL || !nn_model_set_state (m, self->state, &error))
    {
      gtk_label_set_text (self->try_model_label, error->message);
      return;
    }
  bl_digit_stages_predict (self->digit_stages, m);
}

/* The drawing changed: its preprocessing, step by step, then the network's answer. */
static void
digit_changed_cb (BlDigitPad *pad, BlMnistPage *self)
{
  guint w, h;
  const float *canvas = bl_digit_pad_get_canvas (pad, &w, &h);

  bl_digit_stages_set_canvas (self->digit_stages, canvas, w, h, NULL);
  update_try_it (self);
}


static void
clear_digit_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  bl_digit_pad_clear (self->digit_pad);
}

static void
digit_png_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlMnistPage *self = BL_MNIST_PAGE (owner);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    gtk_label_set_text (self->try_model_label, _("Choose a local file."));
  else if (!bl_digit_pad_load_png (self->digit_pad, path, &error))
    gtk_label_set_text (self->try_model_label, error->message);
}

static void
open_digit_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  static const char *const patterns[] = { "*.png", "*.PNG", NULL };

  bl_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN, _("Open an image of a digit"),
                  _("_Open"), NULL, _("PNG images"), patterns, digit_png_chosen_cb, NULL);
}

BlDigitPad *
bl_mnist_page_get_digit_pad (BlMnistPage *self)
{
  return self->digit_pad;
}

BlDigitStages *
bl_mnist_page_get_digit_stages (BlMnistPage *self)
{
  return self->digit_stages;
}

static void
apply_epoch (BlMnistPage *self, const NnEpochRecord *r, GBytes *probs, GBytes *state)
{
  g_autofree char *label = NULL;

  g_ptr_array_add (self->history_probs, g_bytes_ref (probs));
  g_clear_pointer (&self->state, g_bytes_unref);
  self->state = g_bytes_ref (state);
  g_free (self->state_source);
  self->state_source = g_strdup_printf (_("this window's run, epoch %u"), r->epoch);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mnist.save-model", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mnist.export-run", TRUE);
  if (self->compare_id)
    bl_lr_compare_add_epoch (self->lr_compare, self->compare_id, r);
  update_try_it (self);

  g_array_append_val (self->history, *r);
  self->epochs_done = r->epoch;
  if (r->test_acc > self->best_acc)
    {
      self->best_acc = r->test_acc;
      self->best_epoch = r->epoch;
    }
  label = g_strdup_printf (_("Epoch %u: test accuracy %.2f%% (best %.2f%% at epoch %u), "
                             "test loss %.4f, %.1f s."), r->epoch, 100 * r->test_acc,
                           100 * self->best_acc, self->best_epoch, r->test_loss, r->seconds);
  g_free (self->unshown_status);
  self->unshown_status = g_steal_pointer (&label);
}

static gboolean start_next_queued (BlMnistPage *self, GError **error);

static void
finish_run (BlMnistPage *self, GError *error)
{
  g_autofree char *text = NULL;

  g_thread_join (self->thread);    /* it has freed its trainer and is returning */
  self->thread = NULL;
  g_clear_object (&self->cancellable);
  /* A stopped or failed run ends the queue too: the class asked for a halt, or something
   * needs a look before the next rate. */
  if (error != NULL)
    g_array_set_size (self->queue, 0);
  if (error == NULL && self->queue->len > 0)
    {
      g_autoptr(GError) next_error = NULL;
      if (start_next_queued (self, &next_error))
        return;
      text = g_strdup_printf (_("The next run could not start: %s"), next_error->message);
    }
  else if (error == NULL)
    text = g_strdup_printf (_("Finished: best test accuracy %.2f%% at epoch %u."),
                            100 * self->best_acc, self->best_epoch);
  else if (g_error_matches (error, NN_ERROR, NN_ERROR_CANCELLED))
    {
      text = g_strdup_printf (_("Stopped. %s"), error->message);
      self->unshown_end_bar = g_strdup (_("stopped"));
    }
  else
    {
      text = g_strdup_printf (_("Training failed: %s"), error->message);
      self->unshown_end_bar = g_strdup (_("failed"));
    }
  self->unshown_end = g_steal_pointer (&text);
  bl_lr_compare_set_busy (self->lr_compare, FALSE);
}

static gboolean
drain_cb (gpointer data)
{
  BlMnistPage *self = data;
  g_autoptr(GArray) batches = NULL, epochs = NULL;
  g_autoptr(GPtrArray) probs = NULL, states = NULL;
  GError *error = NULL;
  gboolean finished;

  g_mutex_lock (&self->lock);
  batches = self->pending_batches;
  epochs = self->pending_epochs;
  self->pending_batches = g_array_new (FALSE, FALSE, sizeof (NnBatchReport));
  self->pending_epochs = g_array_new (FALSE, FALSE, sizeof (NnEpochRecord));
  probs = self->pending_probs;
  states = self->pending_states;
  self->pending_probs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->pending_states = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  finished = self->pending_finished;
  error = self->pending_error;
  self->pending_finished = FALSE;
  self->pending_error = NULL;
  self->drain_idle = 0;
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < batches->len; i++)
    apply_batch (self, &g_array_index (batches, NnBatchReport, i));
  for (guint i = 0; i < epochs->len; i++)
    apply_epoch (self, &g_array_index (epochs, NnEpochRecord, i), g_ptr_array_index (probs, i),
                 g_ptr_array_index (states, i));
  if (finished && self->thread)
    finish_run (self, error);
  bl_mnist_view_schedule (self);
  g_clear_error (&error);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------------------------
 * Data
 */

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  NnDataset *set = nn_dataset_load (task_data, &error);

  if (set)
    g_task_return_pointer (task, set, (GDestroyNotify) nn_dataset_unref);
  else
    g_task_return_error (task, error);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BlMnistPage *self = BL_MNIST_PAGE (source);
  g_autoptr(GError) error = NULL;
  NnDataset *set = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL;

  if (set == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup_printf (_("No usable data: %s\nChoose a folder with the four IDX files."),
                              error->message);
      gtk_label_set_text (self->data_label, text);
      set_running_ui (self, FALSE);
      return;
    }
  g_clear_pointer (&self->data, nn_dataset_unref);
  self->data = set;
  /* The per-image results point into the old test set. */
  g_ptr_array_set_size (self->history_probs, 0);
  {
    gboolean mnist = nn_dataset_verify_mnist (set, NULL);
    g_autofree char *name = g_filename_display_name (set->dir);
    text = g_strdup_printf (_("%s: %u training and %u test images%s"), name, set->train.n,
                            set->test.n, mnist ? _(" (MNIST, verified by SHA-256)") : "");
  }
  gtk_label_set_text (self->data_label, text);
  if (self->settings)
    g_settings_set_string (self->settings, "data-folder", set->dir);
  set_running_ui (self, FALSE);
}

void
bl_mnist_page_load_data (BlMnistPage *self, const char *dir)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  g_return_if_fail (dir != NULL);

  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  name = g_filename_display_name (dir);
  text = g_strdup_printf (_("Reading %s…"), name);
  gtk_label_set_text (self->data_label, text);
  /* The files are decompressed and hashed off the main thread (about a second). */
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_thread);
}

gboolean
bl_mnist_page_has_data (BlMnistPage *self)
{
  return self->data != NULL;
}

static void
folder_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  if (path)
    bl_mnist_page_load_data (BL_MNIST_PAGE (owner), path);
  else
    gtk_label_set_text (BL_MNIST_PAGE (owner)->data_label, _("Choose a local folder."));
}

static void
choose_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  bl_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                  _("Choose a folder with IDX files"), _("_Use"), NULL, NULL, NULL,
                  folder_chosen_cb, NULL);
}

/* Downloading MNIST: the fetcher on a GTask thread; progress and the end come back here. */
static void
download_progress_cb (double fraction, const char *text, gpointer data)
{
  BlMnistPage *self = data;

  if (self->download_cancellable == NULL)
    return;   /* a report that arrived after the end */
  gtk_progress_bar_set_fraction (self->download_progress, fraction);
  gtk_progress_bar_set_text (self->download_progress, text);
}

static void
set_downloading_ui (BlMnistPage *self, gboolean downloading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->download_progress), downloading);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_download_button), downloading);
  gtk_widget_set_sensitive (GTK_WIDGET (self->download_button), !downloading);
  gtk_widget_set_sensitive (GTK_WIDGET (self->choose_button), !downloading);
}

static void
download_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  BlMnistPage *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = bl_download_mnist_finish (result, &error);

  g_clear_object (&self->download_cancellable);
  set_downloading_ui (self, FALSE);
  if (dir)
    bl_mnist_page_load_data (self, dir);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_label_set_text (self->data_label, _("Download cancelled; nothing was left half-written."));
  else
    {
      g_autofree char *text = g_strdup_printf (_("The download failed, nothing half-written was "
                                                 "kept: %s"), error->message);
      gtk_label_set_text (self->data_label, text);
    }
  g_object_unref (self);
}

void
bl_mnist_page_download (BlMnistPage *self)
{
  g_auto(GStrv) mirrors = NULL;

  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  if (self->download_cancellable)
    return;
  if (self->settings)
    mirrors = g_settings_get_strv (self->settings, "download-mirrors");
  self->download_cancellable = g_cancellable_new ();
  set_downloading_ui (self, TRUE);
  gtk_progress_bar_set_fraction (self->download_progress, 0);
  gtk_progress_bar_set_text (self->download_progress, _("Starting…"));
  bl_download_mnist_async ((const char *const *) mirrors, self->download_cancellable,
                           download_progress_cb, self, download_done_cb, g_object_ref (self));
}

static void
download_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  bl_mnist_page_download (self);
}

void
bl_mnist_page_cancel_download (BlMnistPage *self)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  if (self->download_cancellable)
    g_cancellable_cancel (self->download_cancellable);
}

const char *
bl_mnist_page_get_data_text (BlMnistPage *self)
{
  return gtk_label_get_text (self->data_label);
}

static void
cancel_download_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  bl_mnist_page_cancel_download (self);
}

/* Where a data set may already be: the remembered folder, the user's data folder, Debian's. */
static void
find_data (BlMnistPage *self)
{
  g_autofree char *remembered = self->settings
                                ? g_settings_get_string (self->settings, "data-folder") : NULL;
  g_autofree char *user = g_build_filename (g_get_user_data_dir (), "backprop-lab", "mnist", NULL);
  const char *candidates[] = { remembered, user, "/usr/share/datasets/mnist",
                               "/usr/share/datasets/fashion-mnist" };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    if (candidates[i] && *candidates[i] && g_file_test (candidates[i], G_FILE_TEST_IS_DIR))
      {
        bl_mnist_page_load_data (self, candidates[i]);
        return;
      }
  gtk_label_set_text (self->data_label,
                      _("No data set yet. Download MNIST (about 11 MB, checked file by file), or "
                        "choose a folder with the four IDX files (train-images-idx3-ubyte, "
                        "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; "
                        "raw or .gz)."));
}

/* ------------------------------------------------------------------------------------------
 * Recipe controls
 */

static GtkSpinButton *
add_spin (BlMnistPage *self, int row, const char *label, double lo, double hi, double step,
          double value, int digits)
{
  GtkWidget *l = gtk_label_new (label);
  GtkWidget *spin = gtk_spin_button_new_with_range (lo, hi, step);

  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), digits);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), value);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_widget_set_hexpand (spin, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_grid_attach (self->recipe_grid, l, 0, row, 1, 1);
  gtk_grid_attach (self->recipe_grid, spin, 1, row, 1, 1);
  return GTK_SPIN_BUTTON (spin);
}

static GtkEntry *
add_entry (BlMnistPage *self, int row, const char *label)
{
  GtkWidget *l = gtk_label_new (label);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_widget_add_css_class (entry, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
  gtk_grid_attach (self->recipe_grid, l, 0, row, 1, 1);
  gtk_grid_attach (self->recipe_grid, entry, 1, row, 1, 1);
  return GTK_ENTRY (entry);
}

static void
build_recipe_controls (BlMnistPage *self)
{
  const char *schedules[] = { N_("constant"), N_("step (×0.1 every 8 epochs)"),
                              N_("one-cycle"), NULL };
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  GtkWidget *l = gtk_label_new (_("Schedule"));
  int row = 0;

  self->epochs_spin = add_spin (self, row++, _("Epochs"), 1, 1000, 1, 20, 0);
  self->batch_spin = add_spin (self, row++, _("Batch size"), 1, 4096, 16, 128, 0);
  self->lr_entry = add_entry (self, row++, _("Learning rate"));
  self->momentum_entry = add_entry (self, row++, _("Momentum"));
  for (guint i = 0; schedules[i]; i++)
    gtk_string_list_append (list, _(schedules[i]));
  self->schedule_dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (list)),
                                                              NULL));
  gtk_label_set_xalign (GTK_LABEL (l), 1);
  gtk_grid_attach (self->recipe_grid, l, 0, row, 1, 1);
  gtk_grid_attach (self->recipe_grid, GTK_WIDGET (self->schedule_dropdown), 1, row++, 1, 1);
  self->rotate_spin = add_spin (self, row++, _("Rotation ±°"), 0, 180, 1, 7, 0);
  self->seed_spin = add_spin (self, row++, _("Seed"), 0, 1e9, 1, 1, 0);
  self->threads_spin = add_spin (self, row++, _("Threads"), 1, 64, 1,
                                 MIN (g_get_num_processors (), 8), 0);
  self->subset_spin = add_spin (self, row++, _("Training images"), 0, 60000, 1000, 0, 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subset_spin),
                               _("0: all of them. A few thousand train in seconds, for a demo."));
}

void
bl_mnist_page_set_recipe (BlMnistPage *self, const NnRecipe *r)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  gtk_spin_button_set_value (self->epochs_spin, r->epochs);
  gtk_spin_button_set_value (self->batch_spin, r->batch);
  gtk_editable_set_text (GTK_EDITABLE (self->lr_entry),
                         g_ascii_formatd (buf, sizeof buf, "%g", r->lr));
  gtk_editable_set_text (GTK_EDITABLE (self->momentum_entry),
                         g_ascii_formatd (buf, sizeof buf, "%g", r->momentum));
  gtk_drop_down_set_selected (self->schedule_dropdown,
                              r->schedule == NN_SCHEDULE_STEP ? 1
                              : r->schedule == NN_SCHEDULE_ONECYCLE ? 2 : 0);
  gtk_spin_button_set_value (self->rotate_spin, r->rotate_deg);
  gtk_spin_button_set_value (self->seed_spin, r->seed);
  gtk_spin_button_set_value (self->threads_spin, r->threads);
  gtk_spin_button_set_value (self->subset_spin, r->train_subset);
}

gboolean
bl_mnist_page_get_recipe (BlMnistPage *self, NnRecipe *r, GError **error)
{
  double lr, momentum;
  char *end;

  nn_recipe_init_default (r);
  lr = g_ascii_strtod (gtk_editable_get_text (GTK_EDITABLE (self->lr_entry)), &end);
  if (*end != '\0' || end == gtk_editable_get_text (GTK_EDITABLE (self->lr_entry)))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("The learning rate is not a number."));
      return FALSE;
    }
  momentum = g_ascii_strtod (gtk_editable_get_text (GTK_EDITABLE (self->momentum_entry)), &end);
  if (*end != '\0' || end == gtk_editable_get_text (GTK_EDITABLE (self->momentum_entry)))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("The momentum is not a number."));
      return FALSE;
    }
  r->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  r->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  r->lr = lr;
  r->momentum = momentum;
  switch (gtk_drop_down_get_selected (self->schedule_dropdown))
    {
    case 1: r->schedule = NN_SCHEDULE_STEP; break;
    case 2: r->schedule = NN_SCHEDULE_ONECYCLE; break;
    default: r->schedule = NN_SCHEDULE_CONSTANT; break;
    }
  r->rotate_deg = gtk_spin_button_get_value (self->rotate_spin);
  r->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  r->threads = gtk_spin_button_get_value_as_int (self->threads_spin);
  r->train_subset = gtk_spin_button_get_value_as_int (self->subset_spin);
  return nn_recipe_validate (r, error);
}

/* ------------------------------------------------------------------------------------------
 * Runs
 */

static gboolean
start_with_recipe (BlMnistPage *self, const NnRecipe *r, GError **error)
{
  if (self->thread)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("A run is already going."));
      return FALSE;
    }
  if (self->data == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Choose a data set first."));
      return FALSE;
    }
  if (!nn_recipe_validate (r, error))
    return FALSE;
  self->recipe = *r;
  /* Every run joins the comparison, so a rate tried by hand is there beside the queued ones. */
  self->compare_id = bl_lr_compare_add_run (self->lr_compare, r->lr, _("this window"));
  bl_lr_compare_set_busy (self->lr_compare, TRUE);

  self->epochs_done = 0;
  self->batches_seen = 0;
  self->smoothed_loss = 0;
  self->best_acc = 0;
  self->best_epoch = 0;
  self->paused = FALSE;
  g_array_set_size (self->history, 0);
  g_ptr_array_set_size (self->history_probs, 0);
  /* The click's answer now; the views are cleared and the recipe locked in frames to come. */
  bl_mnist_view_forget (self);
  self->recipe_locked = TRUE;
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_progress_bar_set_text (self->progress, _("starting…"));
  bl_mnist_page_set_status (self, _("Starting…"));
  bl_mnist_page_set_run_buttons (self, TRUE);
  self->cancellable = g_cancellable_new ();
  self->thread = g_thread_new ("mnist-trainer", train_thread, self);
  self->skip_tick = TRUE;
  bl_mnist_view_schedule (self);
  return TRUE;
}

gboolean
bl_mnist_page_start (BlMnistPage *self, GError **error)
{
  NnRecipe r;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if (!bl_mnist_page_get_recipe (self, &r, error))
    return FALSE;
  g_array_set_size (self->queue, 0);
  return start_with_recipe (self, &r, error);
}

/* The next rate of a "Run Each": the recipe on the left with only the rate changed, so every
 * run starts from the same seed and the same initial weights. */
static gboolean
start_next_queued (BlMnistPage *self, GError **error)
{
  NnRecipe r;
  double lr;

  if (!bl_mnist_page_get_recipe (self, &r, error))
    {
      g_array_set_size (self->queue, 0);
      return FALSE;
    }
  lr = g_array_index (self->queue, double, 0);
  g_array_remove_index (self->queue, 0);
  r.lr = lr;
  if (!start_with_recipe (self, &r, error))
    {
      g_array_set_size (self->queue, 0);
      return FALSE;
    }
  return TRUE;
}

gboolean
bl_mnist_page_run_rates (BlMnistPage *self, const double *rates, guint n, GError **error)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if (self->thread)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("A run is already going."));
      return FALSE;
    }
  g_array_set_size (self->queue, 0);
  g_array_append_vals (self->queue, rates, n);
  return start_next_queued (self, error);
}

static void
run_requested_cb (BlLrCompare *compare, BlMnistPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rates = bl_lr_compare_get_rates (compare, &error);

  if (rates == NULL || !bl_mnist_page_run_rates (self, (double *) rates->data, rates->len, &error))
    bl_lr_compare_show_message (compare, error->message, TRUE);
  else
    bl_lr_compare_show_message (compare, NULL, FALSE);
}

void
bl_mnist_page_set_log_scale (BlMnistPage *self, gboolean log_scale)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  bl_chart_set_log_y (self->batch_chart, log_scale);
  bl_chart_set_log_y (self->loss_chart, log_scale);
}

gboolean
bl_mnist_page_get_log_scale (BlMnistPage *self)
{
  return bl_chart_get_log_y (self->loss_chart);
}

BlLrCompare *
bl_mnist_page_get_lr_compare (BlMnistPage *self)
{
  return self->lr_compare;
}

guint
bl_mnist_page_get_queue_length (BlMnistPage *self)
{
  return self->queue->len;
}

void
bl_mnist_page_set_paused (BlMnistPage *self, gboolean paused)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->paused = paused;
  if (self->trainer)
    nn_trainer_set_paused (self->trainer, paused);
  g_mutex_unlock (&self->lock);
  gtk_button_set_label (self->pause_button, paused ? _("_Resume") : _("_Pause"));
  if (paused)
    gtk_progress_bar_set_text (self->progress, _("paused"));
}

/* Asks the run to end after its current batch; the page says "stopping" until the worker's
 * last reports are drained, so the Stop button never blocks the main loop. */
void
bl_mnist_page_stop (BlMnistPage *self)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  if (self->thread == NULL)
    return;
  g_array_set_size (self->queue, 0);
  g_cancellable_cancel (self->cancellable);
  g_mutex_lock (&self->lock);
  if (self->trainer)
    nn_trainer_set_paused (self->trainer, FALSE);
  g_mutex_unlock (&self->lock);
  gtk_widget_set_sensitive (GTK_WIDGET (self->pause_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stop_button), FALSE);
  gtk_progress_bar_set_text (self->progress, _("stopping…"));
}

/* For closing: stops the run and waits for its thread (at most one batch or one evaluation). */
void
bl_mnist_page_stop_and_wait (BlMnistPage *self)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  bl_mnist_page_stop (self);
  while (self->thread)
    {
      g_mutex_lock (&self->lock);
      gboolean done = self->pending_finished;
      g_mutex_unlock (&self->lock);
      if (done)
        {
          g_clear_handle_id (&self->drain_idle, g_source_remove);
          drain_cb (self);
        }
      else
        g_usleep (5000);
    }
}

/* Whether everything reported so far is on screen (results are shown one region per frame). */
gboolean
bl_mnist_page_is_view_current (BlMnistPage *self)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  return bl_mnist_view_is_current (self);
}

gboolean
bl_mnist_page_is_training (BlMnistPage *self)
{
  return self->thread != NULL;
}

guint
bl_mnist_page_get_epochs_done (BlMnistPage *self)
{
  return self->epochs_done;
}

guint
bl_mnist_page_get_batches_seen (BlMnistPage *self)
{
  return self->batches_seen;
}

const char *
bl_mnist_page_get_status (BlMnistPage *self)
{
  return gtk_label_get_text (self->status_label);
}

static void
start_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  g_autoptr(GError) error = NULL;

  if (!bl_mnist_page_start (self, &error))
    {
      gtk_label_set_text (self->recipe_error, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->recipe_error), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recipe_error), FALSE);
}

static void
pause_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  bl_mnist_page_set_paused (self, !self->paused);
}

static void
stop_clicked_cb (GtkButton *button, BlMnistPage *self)
{
  bl_mnist_page_stop (self);
}

/* ------------------------------------------------------------------------------------------
 * The digits behind a cell of the confusion matrix
 */

BlDigitGrid *
bl_mnist_page_open_cell (BlMnistPage *self, int truth, int predicted)
{
  guint epoch = (guint) gtk_range_get_value (GTK_RANGE (self->epoch_scale));
  GBytes *probs;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  const float *data;
  gsize size;

  if (self->data == NULL || epoch == 0 || epoch > self->history_probs->len)
    {
      bl_mnist_page_set_status (self,
                          _("The digits of this matrix are not at hand (the data set changed "
                            "since the run)."));
      return NULL;
    }
  probs = g_ptr_array_index (self->history_probs, epoch - 1);
  data = g_bytes_get_data (probs, &size);   /* before the call: argument order is unspecified */
  if (self->cell_window)
    gtk_window_destroy (GTK_WINDOW (self->cell_window));
  self->cell_window = bl_cell_digits_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 &self->data->test, data,
                                                 size / (10 * sizeof (float)), truth, predicted,
                                                 epoch, &self->cell_grid);
  g_object_add_weak_pointer (G_OBJECT (self->cell_window), (gpointer *) &self->cell_window);
  gtk_window_present (GTK_WINDOW (self->cell_window));
  return self->cell_grid;
}

static void
cell_activated_cb (BlConfusionView *view, int truth, int predicted, BlMnistPage *self)
{
  bl_mnist_page_open_cell (self, truth, predicted);
}

/* ------------------------------------------------------------------------------------------
 * Models and runs on disk
 */

static NnModel *
prediction_model (BlMnistPage *self, GError **error)
{
  if (self->model == NULL)
    self->model = nn_model_new (1, 1, 1, error);
  return self->model;
}

gboolean
bl_mnist_page_save_model (BlMnistPage *self, const char *path, GError **error)
{
  g_autofree char *recipe = NULL, *metadata = NULL;
  NnModel *m;

  if (self->state == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("There is no trained model yet."));
      return FALSE;
    }
  if ((m = prediction_model (self, error)) == NULL || !nn_model_set_state (m, self->state, error))
    return FALSE;
  recipe = nn_recipe_to_string (&self->recipe);
  metadata = g_strdup_printf ("recipe=%s\nsource=%s\nbest_test_acc=%.4f\n", recipe,
                              self->state_source ? self->state_source : "", self->best_acc);
  return nn_checkpoint_save (m, path, metadata, error);
}

gboolean
bl_mnist_page_load_model (BlMnistPage *self, const char *path, GError **error)
{
  g_autofree char *metadata = NULL, *name = NULL;
  NnModel *m = prediction_model (self, error);

  /* The checkpoint is checked in full before the model is touched (nn-checkpoint.h). */
  if (m == NULL || !nn_checkpoint_load (m, path, &metadata, error))
    return FALSE;
  g_clear_pointer (&self->state, g_bytes_unref);
  self->state = nn_model_get_state (m);
  name = g_filename_display_basename (path);
  g_free (self->state_source);
  self->state_source = g_strdup (name);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mnist.save-model", TRUE);
  update_try_it (self);
  return TRUE;
}

GBytes *
bl_mnist_page_get_model_state (BlMnistPage *self)
{
  return self->state;
}

gboolean
bl_mnist_page_export_run (BlMnistPage *self, const char *path, gboolean csv, GError **error)
{
  if (self->history->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("No epoch has finished yet."));
      return FALSE;
    }
  return nn_runlog_write (path, &self->recipe, (const NnEpochRecord *) self->history->data,
                          self->history->len, csv, error);
}

typedef enum { FILE_SAVE_MODEL, FILE_LOAD_MODEL, FILE_EXPORT_CSV, FILE_EXPORT_JSONL } FileJob;

static void
file_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlMnistPage *self = BL_MNIST_PAGE (owner);
  FileJob job = GPOINTER_TO_INT (data);
  g_autofree char *name = path ? g_path_get_basename (path) : NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok = path != NULL;

  if (ok && job == FILE_SAVE_MODEL)
    ok = bl_mnist_page_save_model (self, path, &error);
  else if (ok && job == FILE_LOAD_MODEL)
    ok = bl_mnist_page_load_model (self, path, &error);
  else if (ok)
    ok = bl_mnist_page_export_run (self, path, job == FILE_EXPORT_CSV, &error);
  if (!ok)
    text = g_strdup_printf (_("Nothing was written or changed: %s"),
                            error ? error->message : _("not a local file"));
  else if (job == FILE_SAVE_MODEL)
    text = g_strdup_printf (_("Model saved to %s."), name);
  else if (job == FILE_LOAD_MODEL)
    text = g_strdup_printf (_("Model loaded from %s: it answers on the Try It page."), name);
  else
    text = g_strdup_printf (_("Run exported to %s."), name);
  bl_mnist_page_set_status (self, text);
}

static void
choose_file (BlMnistPage *self, FileJob job)
{
  static const struct { const char *title, *accept, *name, *pattern, *filter; } jobs[] = {
    [FILE_SAVE_MODEL] = { N_("Save the model"), N_("_Save"), "mnist-model.blckpt", "*.blckpt",
                          N_("Backprop Lab models") },
    [FILE_LOAD_MODEL] = { N_("Load a model"), N_("_Load"), NULL, "*.blckpt",
                          N_("Backprop Lab models") },
    [FILE_EXPORT_CSV] = { N_("Export the run as CSV"), N_("_Export"), "mnist-run.csv", "*.csv",
                          N_("CSV files") },
    [FILE_EXPORT_JSONL] = { N_("Export the run as JSON lines"), N_("_Export"), "mnist-run.jsonl",
                            "*.jsonl", N_("JSON lines") },
  };
  const char *const patterns[] = { jobs[job].pattern, NULL };

  bl_choose_file (GTK_WIDGET (self),
                  job == FILE_LOAD_MODEL ? GTK_FILE_CHOOSER_ACTION_OPEN
                                         : GTK_FILE_CHOOSER_ACTION_SAVE,
                  _(jobs[job].title), _(jobs[job].accept), jobs[job].name, _(jobs[job].filter),
                  patterns, file_chosen_cb, GINT_TO_POINTER (job));
}

/* Ctrl+Page Down / Page Up: the next or previous of This Run, Try It, Compare Rates. */
static void
action_cycle_view (GtkWidget *widget, const char *name, GVariant *param)
{
  BlMnistPage *self = BL_MNIST_PAGE (widget);
  GtkWidget *current = gtk_stack_get_visible_child (self->view_stack);
  GtkWidget *next;

  if (g_variant_get_int32 (param) > 0)
    next = gtk_widget_get_next_sibling (current) ? gtk_widget_get_next_sibling (current)
         : gtk_widget_get_first_child (GTK_WIDGET (self->view_stack));
  else
    next = gtk_widget_get_prev_sibling (current) ? gtk_widget_get_prev_sibling (current)
         : gtk_widget_get_last_child (GTK_WIDGET (self->view_stack));
  if (next)
    gtk_stack_set_visible_child (self->view_stack, next);
}

static void
action_save_model (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_file (BL_MNIST_PAGE (widget), FILE_SAVE_MODEL);
}

static void
action_load_model (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_file (BL_MNIST_PAGE (widget), FILE_LOAD_MODEL);
}

static void
action_export_run (GtkWidget *widget, const char *name, GVariant *param)
{
  choose_file (BL_MNIST_PAGE (widget),
               g_strcmp0 (g_variant_get_string (param, NULL), "csv") == 0 ? FILE_EXPORT_CSV
                                                                          : FILE_EXPORT_JSONL);
}

/* ------------------------------------------------------------------------------------------
 * GObject
 */

static void
build_arch_table (BlMnistPage *self)
{
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (1, 1, 1, &error);
  const char *head[] = { N_("Layer"), N_("Output"), N_("Parameters") };
  char buf[64];

  if (m == NULL)
    return;
  for (guint c = 0; c < 3; c++)
    {
      GtkWidget *l = gtk_label_new (_(head[c]));
      gtk_widget_add_css_class (l, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (l), c == 2 ? 1 : 0);
      gtk_grid_attach (self->arch_grid, l, c, 0, 1, 1);
    }
  for (guint i = 0; i < nn_model_n_layers (m); i++)
    {
      NnLayerInfo info;
      GtkWidget *a, *b, *c;
      nn_model_layer_info (m, i, &info);
      a = gtk_label_new (info.type);
      g_snprintf (buf, sizeof buf, "%d×%d×%d", info.out_c, info.out_h, info.out_w);
      b = gtk_label_new (buf);
      g_snprintf (buf, sizeof buf, "%" G_GSIZE_FORMAT, info.n_params);
      c = gtk_label_new (info.n_params ? buf : "");
      gtk_label_set_xalign (GTK_LABEL (a), 0);
      gtk_label_set_xalign (GTK_LABEL (b), 0);
      gtk_label_set_xalign (GTK_LABEL (c), 1);
      gtk_widget_add_css_class (b, "numeric");
      gtk_widget_add_css_class (c, "numeric");
      gtk_grid_attach (self->arch_grid, a, 0, i + 1, 1, 1);
      gtk_grid_attach (self->arch_grid, b, 1, i + 1, 1, 1);
      gtk_grid_attach (self->arch_grid, c, 2, i + 1, 1, 1);
    }
  {
    GtkWidget *t = gtk_label_new (_("Total"));
    GtkWidget *n;
    g_snprintf (buf, sizeof buf, "%" G_GSIZE_FORMAT, nn_model_n_params (m));
    n = gtk_label_new (buf);
    gtk_widget_add_css_class (t, "heading");
    gtk_widget_add_css_class (n, "heading");
    gtk_label_set_xalign (GTK_LABEL (t), 0);
    gtk_label_set_xalign (GTK_LABEL (n), 1);
    gtk_grid_attach (self->arch_grid, t, 0, nn_model_n_layers (m) + 1, 2, 1);
    gtk_grid_attach (self->arch_grid, n, 2, nn_model_n_layers (m) + 1, 1, 1);
  }
  nn_model_free (m);
}

static void
bl_mnist_page_unmap (GtkWidget *widget)
{
  bl_mnist_view_flush (BL_MNIST_PAGE (widget));
  GTK_WIDGET_CLASS (bl_mnist_page_parent_class)->unmap (widget);
}

static void
bl_mnist_page_dispose (GObject *object)
{
  BlMnistPage *self = BL_MNIST_PAGE (object);
  GtkWidget *child;

  /* The worker holds a pointer to us: it must be gone before we are. */
  bl_mnist_page_stop_and_wait (self);
  g_clear_handle_id (&self->drain_idle, g_source_remove);
  if (self->cell_window)
    gtk_window_destroy (GTK_WINDOW (self->cell_window));
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->download_cancellable)
    g_cancellable_cancel (self->download_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_MNIST_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (bl_mnist_page_parent_class)->dispose (object);
}

static void
bl_mnist_page_finalize (GObject *object)
{
  BlMnistPage *self = BL_MNIST_PAGE (object);

  g_clear_pointer (&self->data, nn_dataset_unref);
  g_free (self->data_dir);
  g_array_unref (self->pending_batches);
  g_array_unref (self->pending_epochs);
  g_array_unref (self->history);
  g_ptr_array_unref (self->history_probs);
  g_ptr_array_unref (self->pending_probs);
  g_ptr_array_unref (self->pending_states);
  g_array_unref (self->queue);
  g_array_unref (self->unshown_batches);
  g_free (self->unshown_progress);
  g_free (self->unshown_status);
  g_free (self->unshown_end);
  g_free (self->unshown_end_bar);
  g_clear_pointer (&self->state, g_bytes_unref);
  g_free (self->state_source);
  g_clear_pointer (&self->model, nn_model_free);
  g_clear_error (&self->pending_error);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (bl_mnist_page_parent_class)->finalize (object);
}

static void
bl_mnist_page_class_init (BlMnistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_mnist_page_dispose;
  object_class->finalize = bl_mnist_page_finalize;
  widget_class->unmap = bl_mnist_page_unmap;
  g_type_ensure (BL_TYPE_CHART);
  g_type_ensure (BL_TYPE_CONFUSION_VIEW);
  g_type_ensure (BL_TYPE_LR_COMPARE);
  g_type_ensure (BL_TYPE_DIGIT_PAD);
  g_type_ensure (BL_TYPE_DIGIT_STAGES);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-mnist-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlMnistPage, name)
  CHILD (data_label);
  CHILD (choose_button);
  CHILD (download_button);
  CHILD (cancel_download_button);
  CHILD (download_progress);
  CHILD (arch_grid);
  CHILD (recipe_grid);
  CHILD (recipe_error);
  CHILD (start_button);
  CHILD (pause_button);
  CHILD (stop_button);
  CHILD (progress);
  CHILD (status_label);
  CHILD (batch_chart);
  CHILD (loss_chart);
  CHILD (acc_chart);
  CHILD (confusion_view);
  CHILD (epoch_scale);
  CHILD (view_stack);
  CHILD (lr_compare);
  CHILD (digit_pad);
  CHILD (digit_stages);
  CHILD (clear_digit_button);
  CHILD (open_digit_button);
  CHILD (try_model_label);
#undef CHILD
  gtk_widget_class_install_action (widget_class, "mnist.save-model", NULL, action_save_model);
  gtk_widget_class_install_action (widget_class, "mnist.load-model", NULL, action_load_model);
  gtk_widget_class_install_action (widget_class, "mnist.export-run", "s", action_export_run);
  gtk_widget_class_install_action (widget_class, "mnist.cycle-view", "i", action_cycle_view);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "mnist.cycle-view", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "mnist.cycle-view", "i", -1);
  gtk_widget_class_set_css_name (widget_class, "mnistpage");
}

static void
bl_mnist_page_init (BlMnistPage *self)
{
  NnRecipe r;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_mutex_init (&self->lock);
  self->pending_batches = g_array_new (FALSE, FALSE, sizeof (NnBatchReport));
  self->pending_epochs = g_array_new (FALSE, FALSE, sizeof (NnEpochRecord));
  self->history = g_array_new (FALSE, FALSE, sizeof (NnEpochRecord));
  self->history_probs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->pending_probs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->pending_states = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  self->queue = g_array_new (FALSE, FALSE, sizeof (double));
  self->unshown_batches = g_array_new (FALSE, FALSE, sizeof (BatchPoint));

  build_arch_table (self);
  build_recipe_controls (self);
  nn_recipe_init_default (&r);
  r.threads = MIN (g_get_num_processors (), 8);
  bl_mnist_page_set_recipe (self, &r);

  bl_chart_set_title (self->batch_chart, _("Training loss per batch"));
  bl_chart_set_x_label (self->batch_chart, _("epoch (batches in between)"));
  bl_chart_set_y_label (self->batch_chart, _("loss"));
  bl_chart_set_log_y (self->batch_chart, TRUE);
  bl_chart_set_title (self->loss_chart, _("Loss per epoch"));
  bl_chart_set_x_label (self->loss_chart, _("epoch"));
  bl_chart_set_x_whole_numbers (self->loss_chart, TRUE);
  bl_chart_set_y_label (self->loss_chart, _("loss"));
  bl_chart_set_log_y (self->loss_chart, TRUE);
  bl_chart_set_title (self->acc_chart, _("Accuracy per epoch"));
  bl_chart_set_x_label (self->acc_chart, _("epoch"));
  bl_chart_set_x_whole_numbers (self->acc_chart, TRUE);
  bl_chart_set_y_label (self->acc_chart, _("accuracy %"));
  bl_mnist_view_forget (self);      /* empty views with their series */
  bl_mnist_view_flush (self);

  g_signal_connect (self->choose_button, "clicked", G_CALLBACK (choose_clicked_cb), self);
  g_signal_connect (self->download_button, "clicked", G_CALLBACK (download_clicked_cb), self);
  g_signal_connect (self->cancel_download_button, "clicked",
                    G_CALLBACK (cancel_download_clicked_cb), self);
  g_signal_connect (self->start_button, "clicked", G_CALLBACK (start_clicked_cb), self);
  g_signal_connect (self->pause_button, "clicked", G_CALLBACK (pause_clicked_cb), self);
  g_signal_connect (self->stop_button, "clicked", G_CALLBACK (stop_clicked_cb), self);
  g_signal_connect (self->epoch_scale, "value-changed", G_CALLBACK (epoch_scale_cb), self);
  g_signal_connect (self->confusion_view, "cell-activated", G_CALLBACK (cell_activated_cb), self);
  g_signal_connect (self->lr_compare, "run-requested", G_CALLBACK (run_requested_cb), self);
  g_signal_connect (self->digit_pad, "changed", G_CALLBACK (digit_changed_cb), self);
  g_signal_connect (self->clear_digit_button, "clicked", G_CALLBACK (clear_digit_clicked_cb),
                    self);
  g_signal_connect (self->open_digit_button, "clicked", G_CALLBACK (open_digit_clicked_cb), self);
  update_try_it (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mnist.save-model", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "mnist.export-run", FALSE);
  set_running_ui (self, FALSE);
}

GtkWidget *
bl_mnist_page_new (void)
{
  return g_object_new (BL_TYPE_MNIST_PAGE, NULL);
}

void
bl_mnist_page_set_settings (BlMnistPage *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  g_set_object (&self->settings, settings);
  if (settings)
    {
      guint threads = g_settings_get_uint (settings, "threads");
      BlChart *charts[] = { self->batch_chart, self->loss_chart, self->acc_chart,
                            bl_lr_compare_get_chart (self->lr_compare) };

      if (threads > 0)
        gtk_spin_button_set_value (self->threads_spin, threads);
      bl_lr_compare_bind_rates (self->lr_compare, settings, "compare-rates");
      for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
        g_settings_bind (settings, "projector-mode", charts[i], "projector-mode",
                         G_SETTINGS_BIND_GET);
      g_settings_bind (settings, "projector-mode", self->confusion_view, "projector-mode",
                       G_SETTINGS_BIND_GET);
    }
  if (self->data == NULL)
    find_data (self);
}
