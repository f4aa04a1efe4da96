/* bl-digit-stages.h: what happens to a drawing before the network sees it, and what the network
 * says: the drawing, the crop, the fit into 20×20, the centring by mass in 28×28 and the
 * normalised input side by side as pixel images (nn-digit.h), then the softmax probabilities
 * of the ten classes as bars, the most likely one highlighted. It draws what it is handed:
 * the preprocessing and the prediction are computed by its owner (Try It). */
#pragma once

#include <gtk/gtk.h>

#include "nn-digit.h"

G_BEGIN_DECLS

#define BL_TYPE_DIGIT_STAGES (bl_digit_stages_get_type ())
G_DECLARE_FINAL_TYPE (BlDigitStages, bl_digit_stages, BL, DIGIT_STAGES, GtkWidget)

GtkWidget           *bl_digit_stages_new        (void);
/* Shows @stages, prepared from @canvas (@width × @height) by nn_digit_preprocess; copied. The
 * probabilities are cleared. */
void                 bl_digit_stages_set_stages (BlDigitStages *self, const float *canvas,
                                                 guint width, guint height,
                                                 const NnDigitStages *stages);
/* No stages: @prompt instead (e.g. why there are none: "Draw a digit first."). */
void                 bl_digit_stages_set_prompt (BlDigitStages *self, const char *prompt);
/* Shows @probs (10 softmax probabilities, computed by whoever holds the model), or none if
 * NULL. */
void                 bl_digit_stages_set_probabilities (BlDigitStages *self, const float *probs);
/* The spread of the probabilities over several passes (dropout on): each bar gets a whisker
 * from @lo to @hi (10 each); NULL: none. Cleared by set_probabilities. */
void                 bl_digit_stages_set_spread (BlDigitStages *self, const float *lo,
                                                 const float *hi);
/* The whiskers shown (10 each into @lo and @hi); FALSE, leaving them, if none are. */
gboolean             bl_digit_stages_get_spread (BlDigitStages *self, float *lo, float *hi);
/* The predicted class, or -1 without probabilities. */
int                  bl_digit_stages_get_prediction (BlDigitStages *self);
gboolean             bl_digit_stages_write_png  (BlDigitStages *self, const char *path,
                                                 int width, int height, GError **error);

G_END_DECLS
