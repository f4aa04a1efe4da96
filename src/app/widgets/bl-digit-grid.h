/* bl-digit-grid.h: a grid of 28×28 digits, each with what the network said about it: the
 * predicted class and its probability, the runner-up, and a note of the owner's (its story over
 * the epochs). Used for the test digits behind a cell of the confusion matrix, most confident
 * first. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_DIGIT_GRID_MAX 400

#define BL_TYPE_DIGIT_GRID (bl_digit_grid_get_type ())
G_DECLARE_FINAL_TYPE (BlDigitGrid, bl_digit_grid, BL, DIGIT_GRID, GtkWidget)

typedef struct {
  guint8 pixels[28 * 28];   /* 0 background … 255 ink, as in the IDX files */
  guint  index;             /* in the test set */
  guint8 label;             /* the truth */
  float  probs[10];         /* softmax output */
  char   note[64];          /* a third line, e.g. "wrong since epoch 3"; empty: none */
} BlDigitItem;

GtkWidget *bl_digit_grid_new        (void);
/* Copies up to BL_DIGIT_GRID_MAX items, shown in the order given. */
void       bl_digit_grid_set_items  (BlDigitGrid *self, const BlDigitItem *items, guint n);
guint      bl_digit_grid_get_n_items (BlDigitGrid *self);
/* Larger digits and type, for a projector. */
void       bl_digit_grid_set_projector_mode (BlDigitGrid *self, gboolean projector_mode);
/* Property "selected" (int, −1: none): the digit a click or the arrow keys picked, framed.
 * Reset by set_items. */
void       bl_digit_grid_set_selected (BlDigitGrid *self, int position);
int        bl_digit_grid_get_selected (BlDigitGrid *self);
/* The item at @position, or NULL; (transfer none), valid until the next set_items. */
const BlDigitItem *bl_digit_grid_get_item (BlDigitGrid *self, guint position);
/* Emits "digit-activated" for @position (a double click does, and its owner's buttons). */
void       bl_digit_grid_activate   (BlDigitGrid *self, guint position);
/* Draws the grid @width pixels wide into @cr (export, tests); returns the height used. */
int        bl_digit_grid_render     (BlDigitGrid *self, cairo_t *cr, int width);

/* Signal "digit-activated" (guint position): a digit was double-clicked, or Enter pressed on
 * the selected one, or bl_digit_grid_activate called: to be looked into. */

G_END_DECLS
