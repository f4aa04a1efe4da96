/* bl-step-through.h: one iteration walked through, step by step (the forward sweep node by
 * node, the backward sweep layer by layer, then the updates; bl_toy_steps), with buttons, a
 * play button at a chosen speed and the step's formula with its numbers. It holds the steps
 * and the position; the page shows each step on the diagram, the ledger and the formula panel
 * when "step-changed" is emitted. Walking is a mode ("active"): while it is on, the page's
 * arrow keys move through the steps instead of the iterations. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-toy-explore.h"

G_BEGIN_DECLS

#define BL_TYPE_STEP_THROUGH (bl_step_through_get_type ())
G_DECLARE_FINAL_TYPE (BlStepThrough, bl_step_through, BL, STEP_THROUGH, GtkWidget)

GtkWidget       *bl_step_through_new        (void);
/* The steps of the iteration shown (transfer full: a GPtrArray of BlToyStep), keeping the
 * position; @iteration names it. Emits "step-changed" when active. */
void             bl_step_through_set_steps  (BlStepThrough *self, GPtrArray *steps,
                                             guint iteration);
gboolean         bl_step_through_get_active (BlStepThrough *self);
void             bl_step_through_set_active (BlStepThrough *self, gboolean active);
/* Moves by @delta steps (clamped to the first and last); returns whether it moved. */
gboolean         bl_step_through_move       (BlStepThrough *self, int delta);
guint            bl_step_through_get_index  (BlStepThrough *self);
guint            bl_step_through_get_n_steps (BlStepThrough *self);
/* The step shown, or NULL (no steps). */
const BlToyStep *bl_step_through_get_step   (BlStepThrough *self);
/* Whether the position and the step's text show under the buttons (TRUE) or the page shows
 * them elsewhere (bl_step_through_get_position, bl_step_through_get_text). */
void        bl_step_through_set_show_detail (BlStepThrough *self, gboolean show);
const char *bl_step_through_get_position    (BlStepThrough *self);
/* Play: the steps advance at @per_second until the last, then Play stops. */
void             bl_step_through_set_playing (BlStepThrough *self, gboolean playing);
gboolean         bl_step_through_get_playing (BlStepThrough *self);
const char      *bl_step_through_get_text   (BlStepThrough *self);

G_END_DECLS
