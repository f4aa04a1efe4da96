/* bl-try-it.h: "Try It": a digit drawn on a pad (or opened from a PNG) goes through MNIST's
 * preprocessing, stage by stage, to a network's answer. The network is handed in as a state
 * (nn_model_get_state: its weights and the dropout rate it trained with, which the passes
 * drop at) with a sentence saying whose it is; Try It evaluates it on the main thread with a
 * model of its own (one image is a fraction of a millisecond) and hands the widgets what they
 * draw. Two switches show what testing changes: batch norm with this
 * image's own statistics, and dropout on for 30 passes (in a task: the bars' spread). */
#pragma once

#include <gtk/gtk.h>

#include "widgets/bl-digit-pad.h"
#include "widgets/bl-digit-stages.h"

G_BEGIN_DECLS

#define BL_TYPE_TRY_IT (bl_try_it_get_type ())
G_DECLARE_FINAL_TYPE (BlTryIt, bl_try_it, BL, TRY_IT, GtkWidget)

GtkWidget     *bl_try_it_new         (void);
/* The network that answers (NULL: none yet), and where it came from ("this window's run,
 * epoch 3", a file name). */
void           bl_try_it_set_network (BlTryIt *self, GBytes *state, const char *source);
BlDigitPad    *bl_try_it_get_pad     (BlTryIt *self);
BlDigitStages *bl_try_it_get_stages  (BlTryIt *self);
/* Property "projector-mode": a larger pad; bl_try_it_set_settings binds it to the setting. */
void           bl_try_it_set_projector_mode (BlTryIt *self, gboolean projector_mode);
void           bl_try_it_set_settings (BlTryIt *self, GSettings *settings);
/* The switches under the pad: batch norm with the image's own statistics instead of the
 * running ones; dropout on, 30 passes (the bars show their mean and spread; computed in a
 * task). */
void           bl_try_it_set_modes (BlTryIt *self, gboolean own_statistics, gboolean dropout);
/* Signal "look-inside" (const float *x): the drawing as the network sees it (28×28,
 * normalised), valid during the emission; the "Look Inside" button. */
/* No dropout passes pending. */
gboolean       bl_try_it_is_idle (BlTryIt *self);
/* The class the network answers for the drawing, or -1. */
int            bl_try_it_get_prediction (BlTryIt *self);

G_END_DECLS
