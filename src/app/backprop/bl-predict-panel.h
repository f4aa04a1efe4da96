/* bl-predict-panel.h: predict, then reveal. A chosen set of the next row's cells (the forward
 * pass, the output gradients, the hidden gradients, the new weights) is hidden in the ledger;
 * the student types each value; the panel answers right (within the tolerance it states) or
 * wrong, naming the likely mistake when a known one gives that number (bl-toy-mistakes.h),
 * then reveals the formula with its numbers and the cell. Every answer goes into the lesson's
 * summary, which the teacher can save as CSV.
 *
 * It holds the answers; the page hands it the run and row to predict, asks it which cells to
 * hide (bl_predict_panel_hides) and listens to "hidden-changed" and "next-row". */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-toy-mistakes.h"

G_BEGIN_DECLS

#define BL_TYPE_PREDICT_PANEL (bl_predict_panel_get_type ())
G_DECLARE_FINAL_TYPE (BlPredictPanel, bl_predict_panel, BL, PREDICT_PANEL, GtkWidget)

typedef enum {
  BL_PREDICT_FORWARD,           /* h1 … E_total */
  BL_PREDICT_OUTPUT_GRADIENTS,  /* ∂E/∂w5 … ∂E/∂w8 */
  BL_PREDICT_HIDDEN_GRADIENTS,  /* ∂E/∂w1 … ∂E/∂w4 */
  BL_PREDICT_NEW_WEIGHTS,       /* w1 … w8 */
  BL_PREDICT_N_SETS
} BlPredictSet;

GtkWidget   *bl_predict_panel_new       (void);
/* Predict row @row of @run (borrowed: hand the panel NULL before freeing it). A new run or
 * row starts the row's cells over (the lesson keeps every answer). */
void         bl_predict_panel_set_run   (BlPredictPanel *self, const BlToyRun *run, guint row);
void         bl_predict_panel_set_set   (BlPredictPanel *self, BlPredictSet set);
/* Whether the ledger hides @col of row @row (to be predicted, not yet revealed). */
gboolean     bl_predict_panel_hides     (BlPredictPanel *self, guint row, BlToyColumn col);
/* As if the student typed @text for @col and pressed Enter; returns whether it was right. */
gboolean     bl_predict_panel_answer    (BlPredictPanel *self, BlToyColumn col, const char *text);
/* Reveals @col (its formula with the numbers, and the ledger cell). */
void         bl_predict_panel_reveal    (BlPredictPanel *self, BlToyColumn col);
/* What the panel says about @col: the verdict and, once revealed, the formula. */
const char  *bl_predict_panel_get_feedback (BlPredictPanel *self, BlToyColumn col);
BlToyLesson *bl_predict_panel_get_lesson (BlPredictPanel *self);

G_END_DECLS
