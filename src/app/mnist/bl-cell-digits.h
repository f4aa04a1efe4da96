/* bl-cell-digits.h: the test digits behind one cell of the confusion matrix (true class t,
 * predicted p), most confident first, each with the network's probabilities. */
#pragma once

#include <gtk/gtk.h>

#include "nn-dataset.h"
#include "widgets/bl-digit-grid.h"

G_BEGIN_DECLS

/* Fills @items (room for BL_DIGIT_GRID_MAX) with the first @n_test test images whose label is
 * @truth and whose argmax of @probs (n_test × 10) is @predicted, sorted by the probability of
 * @predicted, highest first. Returns how many there are in all (may exceed what fits). */
guint      bl_cell_digits_collect (const NnSplit *test, const float *probs, guint n_test,
                                   int truth, int predicted, BlDigitItem *items, guint *n_items);
/* A window over @parent showing them, titled with the cell and the epoch. */
GtkWidget *bl_cell_digits_window_new (GtkWindow *parent, const NnSplit *test, const float *probs,
                                      guint n_test, int truth, int predicted, guint epoch,
                                      BlDigitGrid **grid_out);

G_END_DECLS
