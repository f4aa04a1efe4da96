/* bl-digit-stages.h: what happens to a drawing before the network sees it, and what the network
 * says: the drawing, the crop, the fit into 20×20, the centring by mass in 28×28 and the
 * normalised input side by side as pixel images (nn-digit.h), then the softmax probabilities
 * of the ten classes as bars, the most likely one highlighted. */
#pragma once

#include <gtk/gtk.h>

#include "nn-digit.h"
#include "nn-model.h"

G_BEGIN_DECLS

#define BL_TYPE_DIGIT_STAGES (bl_digit_stages_get_type ())
G_DECLARE_FINAL_TYPE (BlDigitStages, bl_digit_stages, BL, DIGIT_STAGES, GtkWidget)

GtkWidget           *bl_digit_stages_new        (void);
/* Prepares @canvas (see nn_digit_preprocess; the pad's canvas fits) and shows its stages; the
 * probabilities are cleared. Without ink it shows a prompt instead and returns FALSE with the
 * reason in @error (nullable). */
gboolean             bl_digit_stages_set_canvas (BlDigitStages *self, const float *canvas,
                                                 guint width, guint height, GError **error);
/* The stages of the last canvas (the network's input is ->normalised), or NULL. */
const NnDigitStages *bl_digit_stages_get_stages (BlDigitStages *self);
/* Shows @probs (10 softmax probabilities), or none if NULL. For a model evaluated elsewhere,
 * e.g. on the thread that trains it. */
void                 bl_digit_stages_set_probabilities (BlDigitStages *self, const float *probs);
/* Evaluates @model on the current stages and shows the result; FALSE if there are no stages.
 * On the thread that owns @model, never while it trains. */
gboolean             bl_digit_stages_predict    (BlDigitStages *self, NnModel *model);
/* The predicted class, or -1 without probabilities. */
int                  bl_digit_stages_get_prediction (BlDigitStages *self);
gboolean             bl_digit_stages_write_png  (BlDigitStages *self, const char *path,
                                                 int width, int height, GError **error);

G_END_DECLS
