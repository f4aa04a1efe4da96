/* bl-mnist-page.h: the "MNIST" page: data, network and recipe on the left; a run watched live
 * (This Run), a drawn digit answered (Try It) and rates compared (Compare Rates) on the right.
 *
 * The page is wiring: each part is a composite widget of its own (mnist/), the run is a
 * BlTrainingRun, and the page decides in one place what its actions (Train, Pause, Stop, Save,
 * Load, Export) allow. */
#pragma once

#include <gtk/gtk.h>

#include "mnist/bl-data-panel.h"
#include "mnist/bl-inside-view.h"
#include "mnist/bl-lr-compare.h"
#include "mnist/bl-recipe-form.h"
#include "mnist/bl-run-status.h"
#include "mnist/bl-run-view.h"
#include "mnist/bl-training-run.h"
#include "mnist/bl-try-it.h"
#include "widgets/bl-digit-grid.h"

G_BEGIN_DECLS

#define BL_TYPE_MNIST_PAGE (bl_mnist_page_get_type ())
G_DECLARE_FINAL_TYPE (BlMnistPage, bl_mnist_page, BL, MNIST_PAGE, GtkWidget)

GtkWidget     *bl_mnist_page_new           (void);
/* Preferences (data folder, mirrors, threads, compare rates, projector mode); then looks for
 * data. NULL: defaults. */
void           bl_mnist_page_set_settings  (BlMnistPage *self, GSettings *settings);

/* Trains the recipe of the form on the data of the panel: the page's run (This Run, Try It).
 * FALSE and BL_APP_ERROR_BUSY / _NO_DATA, or the recipe's error. */
gboolean       bl_mnist_page_start         (BlMnistPage *self, GError **error);
/* "Run Each" with the form's recipe, one run per rate, on Compare Rates. */
gboolean       bl_mnist_page_run_rates     (BlMnistPage *self, const double *rates, guint n,
                                            GError **error);
/* The page's (the teacher's) latest run, or NULL; (transfer none). */
BlTrainingRun *bl_mnist_page_get_run       (BlMnistPage *self);
/* A run (the page's or Compare Rates') is at work. */
gboolean       bl_mnist_page_is_busy       (BlMnistPage *self);
/* Everything reported so far is on screen (results land one region per frame). */
gboolean       bl_mnist_page_is_view_current (BlMnistPage *self);

/* The test digits of confusion-matrix cell (truth, predicted) after @epoch of the page's run,
 * in a window; returns its grid (transfer none) or NULL when the results are not at hand. */
BlDigitGrid   *bl_mnist_page_open_cell     (BlMnistPage *self, int truth, int predicted,
                                            guint epoch);

/* The network Try It answers with (the page's run's latest epoch, or a loaded model) to and
 * from a checkpoint; the run's epochs as CSV or JSON lines. Atomic; errors change nothing. */
gboolean       bl_mnist_page_save_model    (BlMnistPage *self, const char *path, GError **error);
gboolean       bl_mnist_page_load_model    (BlMnistPage *self, const char *path, GError **error);
GBytes        *bl_mnist_page_get_model_state (BlMnistPage *self);
/* TRUE while Try It answers with the model the application carries (data/model/README.md),
 * loaded when the page is made; a run's or a loaded model replaces it. */
#define BL_BUNDLED_MODEL_RESOURCE "/org/backproplab/BackpropLab/model/mnist-default.blckpt"
gboolean       bl_mnist_page_is_model_bundled (BlMnistPage *self);
gboolean       bl_mnist_page_export_run    (BlMnistPage *self, const char *path, gboolean csv,
                                            GError **error);

/* Below this page width (larger in projector mode) a run folds away the data and recipe
 * (action mnist.show-sidebar, F9, brings them back), so the charts and the matrix have room. */
int            bl_mnist_page_get_narrow_width (BlMnistPage *self);

/* The parts, for the window and the tests. */
BlDataPanel   *bl_mnist_page_get_data_panel  (BlMnistPage *self);
BlRecipeForm  *bl_mnist_page_get_recipe_form (BlMnistPage *self);
BlRunStatus   *bl_mnist_page_get_run_status  (BlMnistPage *self);
BlRunView     *bl_mnist_page_get_run_view    (BlMnistPage *self);
BlTryIt       *bl_mnist_page_get_try_it      (BlMnistPage *self);
BlInsideView  *bl_mnist_page_get_inside_view (BlMnistPage *self);
BlLrCompare   *bl_mnist_page_get_lr_compare  (BlMnistPage *self);

G_END_DECLS
