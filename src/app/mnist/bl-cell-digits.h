/* bl-cell-digits.h: the test digits behind one cell of the confusion matrix (true class t,
 * predicted p) after an epoch of a run, most confident first, each with the network's
 * probabilities and its story over the epochs ("wrong since epoch 3", "right from epoch 5 on",
 * "flipped 4 times"); the cell's count epoch by epoch above them; and the digits that keep
 * flipping on their own at a click. */
#pragma once

#include <gtk/gtk.h>

#include "mnist/bl-training-run.h"
#include "nn-dataset.h"
#include "widgets/bl-digit-grid.h"

G_BEGIN_DECLS

/* What became of one test digit over epochs 1…n. */
typedef struct {
  gboolean right;    /* at epoch n */
  guint    since;    /* the first epoch of its present streak (1: from the start) */
  guint    flips;    /* changes between right and wrong from epoch to epoch */
} BlDigitStory;

/* A digit "keeps flipping" from this many changes on. */
#define BL_DIGIT_FLIPPING 3

/* @probs[e] (e < n_epochs) is epoch e + 1's softmax output for every test image (n_test × 10);
 * the story of test image @index (label @label) up to the last of them. */
void       bl_digit_story       (const float *const *probs, guint n_epochs, guint index,
                                 guint8 label, BlDigitStory *out);
/* "wrong since epoch 3 · flipped 4 times" (transfer full). */
char      *bl_digit_story_text  (const BlDigitStory *story);

/* Fills @items (room for BL_DIGIT_GRID_MAX) with the test images of @test whose label is
 * @truth and whose prediction at the last of @n_epochs epochs (as above) is @predicted, most
 * confident first, each with its story as a note; with @only_flipping, those that flipped at
 * least BL_DIGIT_FLIPPING times. Returns how many there are in all (may exceed what fits). */
guint      bl_cell_digits_collect (const NnSplit *test, const float *const *probs,
                                   guint n_epochs, guint n_test, int truth, int predicted,
                                   gboolean only_flipping, BlDigitItem *items, guint *n_items);
/* A window over @parent for the cell (@truth, @predicted) after @epoch of a run whose history
 * is @history (BlEpoch items) on @data's test set; it keeps references on both. A click selects
 * a digit; its Look Inside button (or a double click) emits the grid's "digit-activated", for
 * the owner to show that digit elsewhere: the window knows nothing of where. */
GtkWidget *bl_cell_digits_window_new (GtkWindow *parent, NnDataset *data, GListModel *history,
                                      guint epoch, int truth, int predicted,
                                      BlDigitGrid **grid_out);
/* The window's toggle: only the digits that keep flipping. */
void       bl_cell_digits_window_set_only_flipping (GtkWidget *window, gboolean only_flipping);

G_END_DECLS
