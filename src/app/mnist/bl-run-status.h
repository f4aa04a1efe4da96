/* bl-run-status.h: what a training run is doing, in a progress bar and one status line:
 * epoch and batch, images per second and time left while it trains; each epoch's test
 * accuracy; how it ended. It observes a BlTrainingRun and brings its two regions up to date
 * through the page's frame pacer. */
#pragma once

#include <gtk/gtk.h>

#include "bl-frame-pacer.h"
#include "mnist/bl-training-run.h"

G_BEGIN_DECLS

#define BL_TYPE_RUN_STATUS (bl_run_status_get_type ())
G_DECLARE_FINAL_TYPE (BlRunStatus, bl_run_status, BL, RUN_STATUS, GtkWidget)

GtkWidget  *bl_run_status_new       (void);
/* Regions join @pacer (the page's); call once, before a run is shown. */
void        bl_run_status_set_pacer (BlRunStatus *self, BlFramePacer *pacer);
/* Follows @run (NULL: none), shown at once as starting. @caption (nullable) goes before each
 * progress text, e.g. "η = 0.05 (2 of 4)". */
void        bl_run_status_set_run   (BlRunStatus *self, BlTrainingRun *run, const char *caption);
/* A sentence of the page's own (a file saved, a model loaded), shown at once. */
void        bl_run_status_say       (BlRunStatus *self, const char *text);
const char *bl_run_status_get_text  (BlRunStatus *self);

G_END_DECLS
