/* bl-mnist-page.h: the "MNIST" page: the CNN's architecture, a data set, a recipe, and a
 * training run on a worker thread watched live (progress, per-batch loss, per-epoch loss and
 * accuracy). The worker never touches a widget: it queues small reports that the main loop
 * drains in one idle callback. */
#pragma once

#include <gtk/gtk.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

#define BL_TYPE_MNIST_PAGE (bl_mnist_page_get_type ())
G_DECLARE_FINAL_TYPE (BlMnistPage, bl_mnist_page, BL, MNIST_PAGE, GtkWidget)

GtkWidget *bl_mnist_page_new           (void);
/* Reads the data folder preference; NULL: defaults. Then looks for data. */
void       bl_mnist_page_set_settings  (BlMnistPage *self, GSettings *settings);
/* Loads the IDX set in @dir on a worker thread; the page shows the counts or the error. */
void       bl_mnist_page_load_data     (BlMnistPage *self, const char *dir);
gboolean   bl_mnist_page_has_data      (BlMnistPage *self);

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
guint      bl_mnist_page_get_batches_seen (BlMnistPage *self);
const char *bl_mnist_page_get_status   (BlMnistPage *self);

G_END_DECLS
