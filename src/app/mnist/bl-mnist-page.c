/* bl-mnist-page.c: see bl-mnist-page.h.
 *
 * Two runs can exist: the page's own (the teacher's, shown on This Run and answering on Try
 * It) and Compare Rates' queue; at most one trains at a time (they would share two cores). The
 * status line follows whichever trains. What the actions allow is decided in update_actions ();
 * the left side locks while a run holds the data, in a frame of its own (bl-frame-pacer.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bl-app-error.h"
#include "bl-frame-pacer.h"
#include "mnist/bl-cell-digits.h"
#include "mnist/bl-inside-view.h"
#include "mnist/bl-layer-table.h"
#include "mnist/bl-mnist-page.h"
#include "nn-checkpoint.h"
#include "nn-runlog.h"
#include "widgets/bl-file-chooser.h"

struct _BlMnistPage {
  GtkWidget        parent_instance;

  GtkWidget       *sidebar;
  int              sidebar_fitted_nat, sidebar_fitted_width;   /* what fit_sidebar last saw */
  BlDataPanel     *data_panel;
  BlRecipeForm    *recipe_form;
  GtkToggleButton *pause_button;
  BlRunStatus     *run_status;
  GtkStack        *view_stack;
  BlRunView       *run_view;
  BlTryIt         *try_it;
  BlInsideView    *inside_view;
  BlLrCompare     *lr_compare;

  BlFramePacer    *pacer;
  BlTrainingRun   *run;             /* the page's latest run */
  GBytes          *state;           /* the network Try It answers with, or NULL */
  char            *state_source;
  GBytes          *bundled_state;   /* the model the application carries */
  gboolean         controls_shown_locked;   /* what the left side shows */
  GtkWidget       *cell_window;
};

G_DEFINE_FINAL_TYPE (BlMnistPage, bl_mnist_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PAUSED, PROP_SIDEBAR_VISIBLE, N_PROPS };
static GParamSpec *props[N_PROPS];

/* The run at work: the page's, else Compare Rates'. */
static BlTrainingRun *
active_run (BlMnistPage *self)
{
  /* While the page is disposed its parts go first: the action states may still ask. */
  BlTrainingRun *compared = self->lr_compare ? bl_lr_compare_get_current_run (self->lr_compare)
                                             : NULL;

  if (self->run && bl_training_run_is_active (self->run))
    return self->run;
  return compared && bl_training_run_is_active (compared) ? compared : NULL;
}

gboolean
bl_mnist_page_is_busy (BlMnistPage *self)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  return active_run (self) != NULL;
}

/* The one place the page's actions are decided. */
static void
update_actions (BlMnistPage *self)
{
  BlTrainingRun *run;
  BlRunState state;
  gboolean paused;
  GtkWidget *w = GTK_WIDGET (self);

  if (self->lr_compare == NULL)
    return;   /* being disposed */
  run = active_run (self);
  state = run ? bl_training_run_get_state (run) : BL_RUN_STATE_READY;
  paused = state == BL_RUN_STATE_PAUSED;

  gtk_widget_action_set_enabled (w, "mnist.start", run == NULL &&
                                 bl_data_panel_get_dataset (self->data_panel) != NULL);
  gtk_widget_action_set_enabled (w, "mnist.pause", state == BL_RUN_STATE_TRAINING || paused);
  gtk_widget_action_set_enabled (w, "mnist.stop", state == BL_RUN_STATE_TRAINING || paused);
  gtk_widget_action_set_enabled (w, "mnist.save-model", self->state != NULL);
  gtk_widget_action_set_enabled (w, "mnist.export-run", self->run &&
                                 bl_training_run_get_epochs_done (self->run) > 0);
  gtk_button_set_label (GTK_BUTTON (self->pause_button), paused ? _("_Resume") : _("_Pause"));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PAUSED]);
  bl_lr_compare_set_busy (self->lr_compare, run != NULL);
}

/* The left side (data and recipe) is locked while a run holds them: its own region. */
static gboolean
controls_pending (gpointer data)
{
  BlMnistPage *self = data;
  return self->controls_shown_locked != bl_mnist_page_is_busy (self);
}

static void
show_controls (gpointer data)
{
  BlMnistPage *self = data;

  self->controls_shown_locked = bl_mnist_page_is_busy (self);
  bl_data_panel_set_locked (self->data_panel, self->controls_shown_locked);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recipe_form), !self->controls_shown_locked);
}

/* The Inside view looks into the epoch This Run's replay slider shows when a student moved
 * it back, else into the page's network. */
static void
show_inside_network (BlMnistPage *self)
{
  guint replayed = bl_run_view_get_replayed_epoch (self->run_view);
  BlTrainingRun *run = bl_run_view_get_run (self->run_view);
  GListModel *history = run ? bl_training_run_get_history (run) : NULL;

  if (replayed > 0 && history && replayed <= g_list_model_get_n_items (history))
    {
      g_autoptr(BlEpoch) epoch = g_list_model_get_item (history, replayed - 1);
      g_autofree char *source = g_strdup_printf (_("this window's run, epoch %u (replayed)"),
                                                 replayed);
      bl_inside_view_set_network (self->inside_view, bl_epoch_get_state (epoch), source);
      /* The run goes on meanwhile: its new epochs still join the histograms. */
      if (self->state)
        bl_inside_view_keep_history (self->inside_view, self->state, self->state_source);
    }
  else
    bl_inside_view_set_network (self->inside_view, self->state, self->state_source);
}

static void
replayed_epoch_cb (BlRunView *view, GParamSpec *pspec, BlMnistPage *self)
{
  show_inside_network (self);
}

/* Try It and Save answer with @state from now on; Inside too unless it replays an epoch. */
static void
set_network (BlMnistPage *self, GBytes *state, const char *source)
{
  g_clear_pointer (&self->state, g_bytes_unref);
  self->state = state ? g_bytes_ref (state) : NULL;
  g_free (self->state_source);
  self->state_source = g_strdup (source);
  bl_try_it_set_network (self->try_it, state, source);
  show_inside_network (self);
}

/* The strip's answers ride on the batch reports. */
static void
run_batches_cb (BlTrainingRun *run, gpointer reports, guint n, BlMnistPage *self)
{
  bl_inside_view_add_batches (self->inside_view, reports, n);
}

/* The model the application carries (data/model/README.md): Try It answers at first start,
 * before a class has trained anything. Read through the same checks as any checkpoint; its
 * accuracy comes from its own metadata. */
static void
load_bundled_model (BlMnistPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autofree char *metadata = NULL, *source = NULL;
  const char *acc;
  NnModel *m;
  gsize length;
  const guint8 *bytes;

  data = g_resources_lookup_data (BL_BUNDLED_MODEL_RESOURCE, 0, &error);
  if (data == NULL || (m = nn_model_new (1, 1, 1, &error)) == NULL)
    {
      g_warning ("The bundled model: %s", error->message);
      return;
    }
  bytes = g_bytes_get_data (data, &length);
  if (nn_checkpoint_load_data (m, bytes, length, _("the bundled model"), &metadata, &error))
    self->bundled_state = nn_model_get_state (m);
  else
    g_warning ("The bundled model: %s", error->message);
  nn_model_free (m);
  if (self->bundled_state == NULL)
    return;
  acc = metadata ? strstr (metadata, "final_test_acc=") : NULL;
  if (acc)
    source = g_strdup_printf (_("the bundled model (%.2f%% on MNIST’s test set)"),
                              100 * g_ascii_strtod (acc + strlen ("final_test_acc="), NULL));
  else
    source = g_strdup (_("the bundled model"));
  set_network (self, self->bundled_state, source);
}

gboolean
bl_mnist_page_is_model_bundled (BlMnistPage *self)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  return self->state != NULL && self->state == self->bundled_state;
}

static void
run_epoch_cb (BlTrainingRun *run, GParamSpec *pspec, BlMnistPage *self)
{
  BlEpoch *epoch = bl_training_run_get_latest_epoch (run);
  g_autofree char *source = NULL;

  if (epoch == NULL)
    return;
  source = g_strdup_printf (_("this window's run, epoch %u"), bl_epoch_get_record (epoch)->epoch);
  set_network (self, bl_epoch_get_state (epoch), source);
  update_actions (self);
}

/* A run's state changed: buttons at once (a click's answer, or the end), the rest paced. */
/* A run of the page's stopped before its first epoch ended: Try It answers with what it had
 * learnt by then rather than with nothing (it said "No network yet"). */
static void
run_finished_cb (BlTrainingRun *run, BlMnistPage *self)
{
  const NnBatchReport *last = bl_training_run_get_last_batch (run);
  g_autofree char *source = NULL;

  if (bl_training_run_get_epochs_done (run) > 0 || last == NULL ||
      bl_training_run_get_final_state (run) == NULL)
    return;
  source = g_strdup_printf (_("this window's run, stopped in epoch %u after batch %u"),
                            last->epoch, last->batch);
  set_network (self, bl_training_run_get_final_state (run), source);
  update_actions (self);
}

static void
run_state_cb (BlTrainingRun *run, GParamSpec *pspec, BlMnistPage *self)
{
  if (self->pacer == NULL)
    return;   /* the page is going: its parts may be gone already */
  update_actions (self);
  bl_frame_pacer_schedule (self->pacer);
}


/* Below this width the charts and the matrix need the room the data and recipe take; a run
 * locks those anyway, so it folds them away. They stay folded while the class reads the
 * results; the toggle (F9) brings them back. */
#define NARROW_PAGE_WIDTH 1200

static void
set_sidebar_visible (BlMnistPage *self, gboolean visible)
{
  if (gtk_widget_get_visible (self->sidebar) == visible)
    return;
  gtk_widget_set_visible (self->sidebar, visible);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SIDEBAR_VISIBLE]);
}

int
bl_mnist_page_get_narrow_width (BlMnistPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *paned, *sidebar_content, *views;
  int wanted, sidebar_nat, views_min, handle;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), NARROW_PAGE_WIDTH);
  /* Projector mode's type is 1.4 times larger (style.css): so is the room the charts want. */
  wanted = root && gtk_widget_has_css_class (GTK_WIDGET (root), "projector")
           ? NARROW_PAGE_WIDTH * 14 / 10 : NARROW_PAGE_WIDTH;
  /* And never less than the sidebar at its width beside the views at their narrowest. */
  paned = gtk_widget_get_first_child (GTK_WIDGET (self));
  sidebar_content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->sidebar));
  views = gtk_paned_get_end_child (GTK_PANED (paned));
  gtk_widget_measure (sidebar_content, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &sidebar_nat,
                      NULL, NULL);
  gtk_widget_measure (views, GTK_ORIENTATION_HORIZONTAL, -1, &views_min, NULL, NULL, NULL);
  gtk_widget_measure (paned, GTK_ORIENTATION_HORIZONTAL, -1, &handle, NULL, NULL, NULL);
  handle -= views_min;   /* the paned's own minimum: the views' and its handle */
  return MAX (wanted, sidebar_nat + MAX (handle, 0) + views_min);
}

/* The sidebar opens at its natural width (the data, the layer table and the recipe whole), or
 * as much of it as the views at their narrowest leave; again whenever that width changes
 * (projector mode's larger type), so a drag of the handle holds until then. It had a fixed
 * 360 px: projector mode cut "Parameters" and the total even on a 1920-pixel screen. */
static void
fit_sidebar (BlMnistPage *self, int width)
{
  GtkWidget *paned = gtk_widget_get_first_child (GTK_WIDGET (self));
  GtkWidget *sidebar_content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (self->sidebar));
  GtkWidget *views = gtk_paned_get_end_child (GTK_PANED (paned));
  int sidebar_nat, views_min, paned_min, room;

  if (!gtk_widget_get_visible (self->sidebar))
    return;
  gtk_widget_measure (sidebar_content, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &sidebar_nat,
                      NULL, NULL);
  if (sidebar_nat == self->sidebar_fitted_nat && width == self->sidebar_fitted_width)
    return;
  gtk_widget_measure (views, GTK_ORIENTATION_HORIZONTAL, -1, &views_min, NULL, NULL, NULL);
  gtk_widget_measure (paned, GTK_ORIENTATION_HORIZONTAL, -1, &paned_min, NULL, NULL, NULL);
  /* The handle's width is the paned's minimum less the views'. */
  room = width - views_min - MAX (paned_min - views_min, 0);
  if (sidebar_nat != self->sidebar_fitted_nat
      || gtk_paned_get_position (GTK_PANED (paned)) > room)
    gtk_paned_set_position (GTK_PANED (paned), MAX (MIN (sidebar_nat, room), 0));
  self->sidebar_fitted_nat = sidebar_nat;
  self->sidebar_fitted_width = width;
}

/* The page holds its paned as a bin would; its own allocation fits the sidebar first (a
 * layout manager would leave no place for that: GTK then never calls size_allocate). */
static void
bl_mnist_page_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  gtk_widget_measure (gtk_widget_get_first_child (widget), orientation, for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
}

static GtkSizeRequestMode
bl_mnist_page_get_request_mode (GtkWidget *widget)
{
  return gtk_widget_get_request_mode (gtk_widget_get_first_child (widget));
}

static void
bl_mnist_page_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  fit_sidebar (BL_MNIST_PAGE (widget), width);
  gtk_widget_allocate (gtk_widget_get_first_child (widget), width, height, baseline, NULL);
}

static void
fold_sidebar_for_run (BlMnistPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) &&
      gtk_widget_get_width (GTK_WIDGET (self)) < bl_mnist_page_get_narrow_width (self))
    set_sidebar_visible (self, FALSE);
}

/* A run is about to begin: everything that follows it, then the click's answer in a frame of
 * its own. */
static void
watch_run (BlMnistPage *self, BlTrainingRun *run, const char *caption)
{
  g_signal_connect_object (run, "notify::state", G_CALLBACK (run_state_cb), self, 0);
  bl_run_status_set_run (self->run_status, run, caption);
  fold_sidebar_for_run (self);
  update_actions (self);
  /* The data and the recipe are locked at once: the run holds them from its first instant,
   * and a paced frame could come only after a short run had ended (a fresh clone's CI saw
   * a whole run go by with the sidebar never locked). Unlocking stays paced. */
  show_controls (self);
  bl_frame_pacer_skip_frame (self->pacer);
  bl_frame_pacer_schedule (self->pacer);
}

gboolean
bl_mnist_page_start (BlMnistPage *self, GError **error)
{
  NnDataset *data = bl_data_panel_get_dataset (self->data_panel);
  g_autoptr(BlTrainingRun) run = NULL;
  NnRecipe r;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if (bl_mnist_page_is_busy (self))
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_BUSY, _("A run is already going."));
      return FALSE;
    }
  if (data == NULL)
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_NO_DATA, _("Choose a data set first."));
      return FALSE;
    }
  if (!bl_recipe_form_get_recipe (self->recipe_form, &r, error) ||
      (run = bl_training_run_new (&r, data, _("this window"), error)) == NULL)
    return FALSE;
  bl_recipe_form_remember (self->recipe_form, &r);
  if (self->run)
    g_signal_handlers_disconnect_by_data (self->run, self);
  g_set_object (&self->run, run);
  g_signal_connect_object (run, "notify::epochs-done", G_CALLBACK (run_epoch_cb), self, 0);
  g_signal_connect_object (run, "finished", G_CALLBACK (run_finished_cb), self, 0);
  g_signal_connect_object (run, "batches", G_CALLBACK (run_batches_cb), self, 0);
  bl_run_view_set_run (self->run_view, run);
  bl_inside_view_clear_run (self->inside_view);
  bl_lr_compare_follow_run (self->lr_compare, run, _("this window"));
  watch_run (self, run, NULL);
  bl_training_run_start (run);
  return TRUE;
}

gboolean
bl_mnist_page_run_rates (BlMnistPage *self, const double *rates, guint n, GError **error)
{
  NnDataset *data = bl_data_panel_get_dataset (self->data_panel);
  NnRecipe r;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if (data == NULL)
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_NO_DATA, _("Choose a data set first."));
      return FALSE;
    }
  if (bl_mnist_page_is_busy (self))
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_BUSY, _("A run is already going."));
      return FALSE;
    }
  return bl_recipe_form_get_recipe (self->recipe_form, &r, error) &&
         bl_lr_compare_run_rates (self->lr_compare, data, &r, rates, n, error);
}

static void
run_requested_cb (BlLrCompare *compare, BlMnistPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rates = bl_lr_compare_get_rates (compare, &error);

  if (rates == NULL || !bl_mnist_page_run_rates (self, (double *) rates->data, rates->len,
                                                 &error))
    bl_lr_compare_show_message (compare, error->message, TRUE);
}

static void
compare_run_started_cb (BlLrCompare *compare, BlTrainingRun *run, guint index, guint count,
                        BlMnistPage *self)
{
  char rate[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *caption = g_strdup_printf (_("Compare Rates: η = %s, rate %u of %u"),
                                              g_ascii_formatd (rate, sizeof rate, "%g",
                                                               bl_training_run_get_recipe (run)->lr),
                                              index + 1, count);
  watch_run (self, run, caption);
}

static void
compare_queue_finished_cb (BlLrCompare *compare, BlMnistPage *self)
{
  if (self->pacer == NULL)
    return;
  update_actions (self);
  bl_frame_pacer_schedule (self->pacer);
}

BlTrainingRun *
bl_mnist_page_get_run (BlMnistPage *self)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), NULL);
  return self->run;
}

gboolean
bl_mnist_page_is_view_current (BlMnistPage *self)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  return bl_frame_pacer_is_current (self->pacer);
}

/* ------------------------------------------------------------------------------------------
 * The digits behind a cell of the confusion matrix
 */

/* A digit of the cell window, looked into: the Inside tab of the main window. */
static void
cell_digit_activated_cb (BlDigitGrid *grid, guint position, BlMnistPage *self)
{
  const BlDigitItem *item = bl_digit_grid_get_item (grid, position);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (item == NULL)
    return;
  gtk_stack_set_visible_child_name (self->view_stack, "inside");
  bl_inside_view_show_digit (self->inside_view, item->pixels, item->label);
  if (GTK_IS_WINDOW (root))
    gtk_window_present (GTK_WINDOW (root));
}

BlDigitGrid *
bl_mnist_page_open_cell (BlMnistPage *self, int truth, int predicted, guint epoch)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  BlDigitGrid *grid = NULL;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), NULL);
  if (self->run == NULL || epoch == 0 ||
      epoch > g_list_model_get_n_items (bl_training_run_get_history (self->run)))
    return NULL;
  if (self->cell_window)
    gtk_window_destroy (GTK_WINDOW (self->cell_window));
  /* The run's own data set: the one its probabilities were computed on. */
  self->cell_window = bl_cell_digits_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                 bl_training_run_get_data (self->run),
                                                 bl_training_run_get_history (self->run),
                                                 epoch, truth, predicted, &grid);
  g_object_add_weak_pointer (G_OBJECT (self->cell_window), (gpointer *) &self->cell_window);
  g_signal_connect_object (grid, "digit-activated", G_CALLBACK (cell_digit_activated_cb), self,
                           0);
  gtk_window_present (GTK_WINDOW (self->cell_window));
  return grid;
}

/* Try It's drawing, looked into. */
static void
look_inside_cb (BlTryIt *try_it, const float *x, BlMnistPage *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "inside");
  bl_inside_view_show_input (self->inside_view, x);
}

/* The layer table's row: that layer in the Inside view. */
static void
layer_activated_cb (BlLayerTable *table, guint layer, BlMnistPage *self)
{
  gtk_stack_set_visible_child_name (self->view_stack, "inside");
  bl_inside_view_select_map (self->inside_view, layer + 1);
}

static void
cell_activated_cb (BlRunView *view, int truth, int predicted, guint epoch, BlMnistPage *self)
{
  bl_mnist_page_open_cell (self, truth, predicted, epoch);
}

/* ------------------------------------------------------------------------------------------
 * Models and runs on disk
 */

gboolean
bl_mnist_page_save_model (BlMnistPage *self, const char *path, GError **error)
{
  g_autofree char *recipe = NULL, *metadata = NULL;
  NnModel *m;
  gboolean ok;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if (self->state == NULL)
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_NO_MODEL, _("There is no trained model yet."));
      return FALSE;
    }
  if ((m = nn_model_new (1, 1, 1, error)) == NULL)
    return FALSE;
  recipe = self->run ? nn_recipe_to_string (bl_training_run_get_recipe (self->run)) : NULL;
  metadata = g_strdup_printf ("recipe=%s\nsource=%s\nbest_test_acc=%.4f\n",
                              recipe ? recipe : "", self->state_source ? self->state_source : "",
                              self->run ? bl_training_run_get_best_accuracy (self->run) : 0);
  ok = nn_model_set_state (m, self->state, error) &&
       nn_checkpoint_save (m, path, metadata, error);
  nn_model_free (m);
  return ok;
}

gboolean
bl_mnist_page_load_model (BlMnistPage *self, const char *path, GError **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GBytes) state = NULL;
  NnModel *m;

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if ((m = nn_model_new (1, 1, 1, error)) == NULL)
    return FALSE;
  /* The checkpoint is checked in full before the model is touched (nn-checkpoint.h). */
  if (nn_checkpoint_load (m, path, NULL, error))
    state = nn_model_get_state (m);
  nn_model_free (m);
  if (state == NULL)
    return FALSE;
  name = g_filename_display_basename (path);
  set_network (self, state, name);
  update_actions (self);
  return TRUE;
}

GBytes *
bl_mnist_page_get_model_state (BlMnistPage *self)
{
  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), NULL);
  return self->state;
}

gboolean
bl_mnist_page_export_run (BlMnistPage *self, const char *path, gboolean csv, GError **error)
{
  GListModel *history;
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (NnEpochRecord));

  g_return_val_if_fail (BL_IS_MNIST_PAGE (self), FALSE);
  if (self->run == NULL || bl_training_run_get_epochs_done (self->run) == 0)
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_NO_MODEL, _("No epoch has finished yet."));
      return FALSE;
    }
  history = bl_training_run_get_history (self->run);
  for (guint i = 0; i < g_list_model_get_n_items (history); i++)
    {
      g_autoptr(BlEpoch) epoch = g_list_model_get_item (history, i);
      g_array_append_vals (records, bl_epoch_get_record (epoch), 1);
    }
  return nn_runlog_write (path, bl_training_run_get_recipe (self->run),
                          (const NnEpochRecord *) records->data, records->len, csv, error);
}

typedef enum { FILE_SAVE_MODEL, FILE_LOAD_MODEL, FILE_EXPORT_CSV, FILE_EXPORT_JSONL } FileJob;

static void
file_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlMnistPage *self = BL_MNIST_PAGE (owner);
  FileJob job = GPOINTER_TO_INT (data);
  g_autofree char *name = path ? g_filename_display_basename (path) : NULL;
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
  bl_run_status_say (self->run_status, text);
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

  bl_choose_file (GTK_WIDGET (self), job == FILE_LOAD_MODEL ? GTK_FILE_CHOOSER_ACTION_OPEN
                                                            : GTK_FILE_CHOOSER_ACTION_SAVE,
                  _(jobs[job].title), _(jobs[job].accept), jobs[job].name, _(jobs[job].filter),
                  patterns, file_chosen_cb, GINT_TO_POINTER (job));
}

/* ------------------------------------------------------------------------------------------
 * Actions
 */

static void
action_start (GtkWidget *widget, const char *name, GVariant *param)
{
  BlMnistPage *self = BL_MNIST_PAGE (widget);
  g_autoptr(GError) error = NULL;

  bl_recipe_form_show_error (self->recipe_form,
                             bl_mnist_page_start (self, &error) ? NULL : error->message);
}

static void
action_stop (GtkWidget *widget, const char *name, GVariant *param)
{
  BlMnistPage *self = BL_MNIST_PAGE (widget);
  BlTrainingRun *run = active_run (self);

  if (run && run != self->run)
    bl_lr_compare_stop (self->lr_compare);
  else if (run)
    bl_training_run_stop (run);
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
action_file (GtkWidget *widget, const char *name, GVariant *param)
{
  FileJob job = g_str_equal (name, "mnist.save-model") ? FILE_SAVE_MODEL
              : g_str_equal (name, "mnist.load-model") ? FILE_LOAD_MODEL
              : g_str_equal (g_variant_get_string (param, NULL), "csv") ? FILE_EXPORT_CSV
              : FILE_EXPORT_JSONL;

  choose_file (BL_MNIST_PAGE (widget), job);
}

/* ------------------------------------------------------------------------------------------
 * GObject
 */

static void
dataset_changed_cb (BlDataPanel *panel, GParamSpec *pspec, BlMnistPage *self)
{
  bl_inside_view_set_dataset (self->inside_view, bl_data_panel_get_dataset (panel));
  update_actions (self);
}

void
bl_mnist_page_set_settings (BlMnistPage *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_MNIST_PAGE (self));
  bl_recipe_form_set_settings (self->recipe_form, settings);
  bl_run_view_set_settings (self->run_view, settings);
  bl_try_it_set_settings (self->try_it, settings);
  bl_inside_view_set_settings (self->inside_view, settings);
  bl_lr_compare_set_settings (self->lr_compare, settings);
  bl_data_panel_set_settings (self->data_panel, settings);
}

#define GETTER(Type, type, field) \
  Type * bl_mnist_page_get_##type (BlMnistPage *self) \
  { g_return_val_if_fail (BL_IS_MNIST_PAGE (self), NULL); return self->field; }
GETTER (BlDataPanel, data_panel, data_panel)
GETTER (BlRecipeForm, recipe_form, recipe_form)
GETTER (BlRunStatus, run_status, run_status)
GETTER (BlRunView, run_view, run_view)
GETTER (BlTryIt, try_it, try_it)
GETTER (BlInsideView, inside_view, inside_view)
GETTER (BlLrCompare, lr_compare, lr_compare)
#undef GETTER

GtkWidget *
bl_mnist_page_new (void)
{
  return g_object_new (BL_TYPE_MNIST_PAGE, NULL);
}

/* "paused" and "sidebar-visible": the states of the mnist.pause and mnist.show-sidebar
 * actions (gtk_widget_class_install_property_action). */
static void
bl_mnist_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BlMnistPage *self = BL_MNIST_PAGE (object);
  BlTrainingRun *run = active_run (self);

  if (id == PROP_PAUSED)
    g_value_set_boolean (value, run && bl_training_run_get_state (run) == BL_RUN_STATE_PAUSED);
  else
    g_value_set_boolean (value, self->sidebar && gtk_widget_get_visible (self->sidebar));
}

static void
bl_mnist_page_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  BlMnistPage *self = BL_MNIST_PAGE (object);
  BlTrainingRun *run = active_run (self);

  if (id == PROP_PAUSED && run)
    bl_training_run_set_paused (run, g_value_get_boolean (value));
  else if (id == PROP_SIDEBAR_VISIBLE)
    {
      set_sidebar_visible (self, g_value_get_boolean (value));
    }
}

static void
bl_mnist_page_unmap (GtkWidget *widget)
{
  /* Off screen there is nothing to pace. */
  bl_frame_pacer_flush (BL_MNIST_PAGE (widget)->pacer);
  GTK_WIDGET_CLASS (bl_mnist_page_parent_class)->unmap (widget);
}

static void
bl_mnist_page_dispose (GObject *object)
{
  BlMnistPage *self = BL_MNIST_PAGE (object);

  if (self->cell_window)
    gtk_window_destroy (GTK_WINDOW (self->cell_window));
  if (self->pacer)
    bl_frame_pacer_remove_regions (self->pacer, self);
  g_clear_object (&self->pacer);   /* and so run_state_cb knows the page is going */
  /* The run stops with the page; its thread ends on its own after the current batch. */
  if (self->run)
    bl_training_run_stop (self->run);
  g_clear_object (&self->run);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_MNIST_PAGE);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_mnist_page_parent_class)->dispose (object);
}

static void
bl_mnist_page_finalize (GObject *object)
{
  BlMnistPage *self = BL_MNIST_PAGE (object);

  g_clear_pointer (&self->state, g_bytes_unref);
  g_clear_pointer (&self->bundled_state, g_bytes_unref);
  g_free (self->state_source);
  G_OBJECT_CLASS (bl_mnist_page_parent_class)->finalize (object);
}

static void
bl_mnist_page_class_init (BlMnistPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_mnist_page_get_property;
  object_class->set_property = bl_mnist_page_set_property;
  object_class->dispose = bl_mnist_page_dispose;
  object_class->finalize = bl_mnist_page_finalize;
  widget_class->unmap = bl_mnist_page_unmap;
  widget_class->measure = bl_mnist_page_measure;
  widget_class->get_request_mode = bl_mnist_page_get_request_mode;
  widget_class->size_allocate = bl_mnist_page_size_allocate;
  props[PROP_PAUSED] = g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                             G_PARAM_STATIC_STRINGS);
  props[PROP_SIDEBAR_VISIBLE] = g_param_spec_boolean ("sidebar-visible", NULL, NULL, TRUE,
                                                      G_PARAM_READWRITE |
                                                      G_PARAM_EXPLICIT_NOTIFY |
                                                      G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  g_type_ensure (BL_TYPE_DATA_PANEL);
  g_type_ensure (BL_TYPE_LAYER_TABLE);
  g_type_ensure (BL_TYPE_RECIPE_FORM);
  g_type_ensure (BL_TYPE_RUN_STATUS);
  g_type_ensure (BL_TYPE_RUN_VIEW);
  g_type_ensure (BL_TYPE_TRY_IT);
  g_type_ensure (BL_TYPE_INSIDE_VIEW);
  g_type_ensure (BL_TYPE_LR_COMPARE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-mnist-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlMnistPage, name)
  CHILD (sidebar);
  CHILD (data_panel);
  CHILD (recipe_form);
  CHILD (pause_button);
  CHILD (run_status);
  CHILD (view_stack);
  CHILD (run_view);
  CHILD (try_it);
  CHILD (inside_view);
  CHILD (lr_compare);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, cell_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, layer_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, look_inside_cb);
  gtk_widget_class_bind_template_callback (widget_class, run_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, compare_run_started_cb);
  gtk_widget_class_bind_template_callback (widget_class, compare_queue_finished_cb);

  gtk_widget_class_install_action (widget_class, "mnist.start", NULL, action_start);
  gtk_widget_class_install_property_action (widget_class, "mnist.pause", "paused");
  gtk_widget_class_install_action (widget_class, "mnist.stop", NULL, action_stop);
  gtk_widget_class_install_property_action (widget_class, "mnist.show-sidebar",
                                            "sidebar-visible");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "mnist.show-sidebar", NULL);
  gtk_widget_class_install_action (widget_class, "mnist.save-model", NULL, action_file);
  gtk_widget_class_install_action (widget_class, "mnist.load-model", NULL, action_file);
  gtk_widget_class_install_action (widget_class, "mnist.export-run", "s", action_file);
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
  gtk_widget_init_template (GTK_WIDGET (self));
  self->pacer = bl_frame_pacer_new (GTK_WIDGET (self));
  bl_frame_pacer_add_region (self->pacer, 0, controls_pending, show_controls, self);
  bl_run_status_set_pacer (self->run_status, self->pacer);
  bl_run_view_set_pacer (self->run_view, self->pacer);
  bl_inside_view_set_pacer (self->inside_view, self->pacer);
  /* The panel can outlive the page: a folder still being read holds it. */
  g_signal_connect_object (self->data_panel, "notify::dataset", G_CALLBACK (dataset_changed_cb),
                           self, 0);
  g_signal_connect_object (self->run_view, "notify::replayed-epoch",
                           G_CALLBACK (replayed_epoch_cb), self, 0);
  load_bundled_model (self);
  update_actions (self);
}
