/* bl-mnist-page.h: the "MNIST" page: the CNN's architecture, a data set, a recipe, and a
 * training run on a worker thread watched live (progress, per-batch loss, per-epoch loss and
 * accuracy). The worker never touches a widget: it queues small reports that the main loop
 * drains in one idle callback. */
#pragma once

#include <gtk/gtk.h>

#include "bl-lr-compare.h"
#include "nn-trainer.h"
#include "widgets/bl-digit-grid.h"
#include "widgets/bl-digit-pad.h"
#include "widgets/bl-digit-stages.h"

G_BEGIN_DECLS

#define BL_TYPE_MNIST_PAGE (bl_mnist_page_get_type ())
G_DECLARE_FINAL_TYPE (BlMnistPage, bl_mnist_page, BL, MNIST_PAGE, GtkWidget)

GtkWidget *bl_mnist_page_new           (void);
/* Reads the data folder preference; NULL: defaults. Then looks for data. */
void       bl_mnist_page_set_settings  (BlMnistPage *self, GSettings *settings);
/* Loads the IDX set in @dir on a worker thread; the page shows the counts or the error. */
void       bl_mnist_page_load_data     (BlMnistPage *self, const char *dir);
gboolean   bl_mnist_page_has_data      (BlMnistPage *self);
/* Downloads MNIST into the user's data folder (mirrors from the preferences), with progress
 * and Cancel on the page, then loads it. */
void       bl_mnist_page_download      (BlMnistPage *self);
void       bl_mnist_page_cancel_download (BlMnistPage *self);
/* What the data section says (the set in use, or why there is none). */
const char *bl_mnist_page_get_data_text (BlMnistPage *self);

/* The recipe shown in the controls. */
void       bl_mnist_page_set_recipe    (BlMnistPage *self, const NnRecipe *recipe);
gboolean   bl_mnist_page_get_recipe    (BlMnistPage *self, NnRecipe *out, GError **error);

gboolean   bl_mnist_page_start         (BlMnistPage *self, GError **error);
void       bl_mnist_page_set_paused    (BlMnistPage *self, gboolean paused);
/* Asks the run to stop after its current batch and returns at once; the page stays
 * "training" until the run's last reports have been shown. */
void       bl_mnist_page_stop          (BlMnistPage *self);
/* Stops the run and waits for its thread (at most a batch or an evaluation): for closing. */
void       bl_mnist_page_stop_and_wait (BlMnistPage *self);
gboolean   bl_mnist_page_is_training   (BlMnistPage *self);
guint      bl_mnist_page_get_epochs_done (BlMnistPage *self);
gboolean   bl_mnist_page_is_view_current (BlMnistPage *self);
guint      bl_mnist_page_get_batches_seen (BlMnistPage *self);
const char *bl_mnist_page_get_status   (BlMnistPage *self);

/* Linear or logarithmic loss axes (both loss charts; each chart's own menu sets it alone). */
void       bl_mnist_page_set_log_scale (BlMnistPage *self, gboolean log_scale);
gboolean   bl_mnist_page_get_log_scale (BlMnistPage *self);

/* Learning-rate experiments: one run per rate, one after another, the recipe otherwise the
 * same (same seed, same initial weights); each run's curve goes to the Compare page. */
gboolean   bl_mnist_page_run_rates     (BlMnistPage *self, const double *rates, guint n,
                                        GError **error);
guint      bl_mnist_page_get_queue_length (BlMnistPage *self);
BlLrCompare *bl_mnist_page_get_lr_compare (BlMnistPage *self);

/* The test digits of confusion-matrix cell (truth, predicted) at the slider's epoch, in a
 * window; returns its grid (transfer none) or NULL when the results are not at hand. */
BlDigitGrid *bl_mnist_page_open_cell   (BlMnistPage *self, int truth, int predicted);

/* Try It: the pad a digit is drawn on, and its stages with the network's answer. */
BlDigitPad    *bl_mnist_page_get_digit_pad    (BlMnistPage *self);
BlDigitStages *bl_mnist_page_get_digit_stages (BlMnistPage *self);

/* The network of the latest epoch (or a loaded one) to and from a checkpoint; a run's
 * epochs as CSV or JSON lines. All atomic; errors leave everything as it was. */
gboolean   bl_mnist_page_save_model    (BlMnistPage *self, const char *path, GError **error);
gboolean   bl_mnist_page_load_model    (BlMnistPage *self, const char *path, GError **error);
GBytes    *bl_mnist_page_get_model_state (BlMnistPage *self);
gboolean   bl_mnist_page_export_run    (BlMnistPage *self, const char *path, gboolean csv,
                                        GError **error);

G_END_DECLS
