/* bl-run-view.h: one training run watched: the loss per batch (raw and smoothed), loss and
 * accuracy per epoch (train and test, the best epoch marked), and the test set's confusion
 * matrix, replayable epoch by epoch with a slider. It observes a BlTrainingRun; each chart and
 * the matrix is a region of the page's frame pacer. */
#pragma once

#include <gtk/gtk.h>

#include "bl-frame-pacer.h"
#include "mnist/bl-training-run.h"

G_BEGIN_DECLS

#define BL_TYPE_RUN_VIEW (bl_run_view_get_type ())
G_DECLARE_FINAL_TYPE (BlRunView, bl_run_view, BL, RUN_VIEW, GtkWidget)

GtkWidget     *bl_run_view_new         (void);
/* Regions join @pacer (the page's); call once, before a run is shown. */
void           bl_run_view_set_pacer   (BlRunView *self, BlFramePacer *pacer);
/* Shows @run from its start (the views are cleared); NULL: empty views. */
void           bl_run_view_set_run     (BlRunView *self, BlTrainingRun *run);
BlTrainingRun *bl_run_view_get_run     (BlRunView *self);
/* The epoch the matrix shows (the slider's), 0 when none. */
guint          bl_run_view_get_shown_epoch (BlRunView *self);
/* Property "replayed-epoch" (read-only, notifies): the epoch a student moved the replay slider
 * back to, 0 while it follows the newest. */
guint          bl_run_view_get_replayed_epoch (BlRunView *self);
/* Both loss charts together (each chart's own menu switches it alone). */
void           bl_run_view_set_log_scale (BlRunView *self, gboolean log_scale);
gboolean       bl_run_view_get_log_scale (BlRunView *self);
/* Projector mode follows the "projector-mode" key. */
void           bl_run_view_set_settings  (BlRunView *self, GSettings *settings);

/* Signal "cell-activated" (int truth, int predicted, guint epoch): a matrix cell was opened. */

G_END_DECLS
