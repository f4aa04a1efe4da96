/* bl-inside-view.h: "Inside": the CNN seen from inside for one digit. The strip of test digits
 * with the network's answers as it trains; every layer's feature maps; a clicked value taken
 * apart down to its multiplies; the learned filters; which pixels made the answer (input
 * gradient and occlusion); per-layer gradient norms and update/weight ratios per batch, and a
 * layer's weight histogram per epoch; one parameter's gradient checked against a central
 * difference.
 *
 * The page hands it the data set, the network (a state, once per epoch) and the strip's answers
 * (from the batch reports). The heavy work (the capture with its gradient and occlusion maps,
 * the strip's choice, the gradient check) runs in tasks that own copies of what they read;
 * their results land on the main thread, newest only. Taking one value apart is a few hundred
 * multiplies and runs on the main thread with a model of the view's own. */
#pragma once

#include <gtk/gtk.h>

#include "bl-frame-pacer.h"
#include "nn-dataset.h"
#include "nn-trainer.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-feature-maps.h"

G_BEGIN_DECLS

#define BL_TYPE_INSIDE_VIEW (bl_inside_view_get_type ())
G_DECLARE_FINAL_TYPE (BlInsideView, bl_inside_view, BL, INSIDE_VIEW, GtkWidget)

GtkWidget *bl_inside_view_new          (void);
/* Its regions (the strip, the per-batch charts, the network's filters and histogram, a
 * capture's maps) join @pacer (the page's): what lands in the view is drawn a region per
 * frame. Call once; without a pacer everything is drawn at once. */
void       bl_inside_view_set_pacer    (BlInsideView *self, BlFramePacer *pacer);
/* The data set the strip comes from (NULL: none); the strip is chosen in a task. */
void       bl_inside_view_set_dataset  (BlInsideView *self, NnDataset *data);
/* The network to look into (NULL: none yet) and whose it is. */
void       bl_inside_view_set_network  (BlInsideView *self, GBytes *state, const char *source);
/* A network the view does not show now (the live run's newest epoch while an older one is
 * replayed): its weights' histogram joins the others, so no epoch is missing from them. */
void       bl_inside_view_keep_history (BlInsideView *self, GBytes *state, const char *source);
/* Batch reports: the latest strip answers among them, if any, go on the strip. */
void       bl_inside_view_add_batches  (BlInsideView *self, const NnBatchReport *reports,
                                        guint n);
/* A new run starts: the per-layer charts, the histograms and the strip's answers start over. */
void       bl_inside_view_clear_run    (BlInsideView *self);
/* Looks into @pixels (28×28, 0 background … 255 ink); @label the truth or −1. No digit of the
 * strip is marked any more (its own clicks mark theirs). */
void       bl_inside_view_show_digit   (BlInsideView *self, const guint8 *pixels, int label);
/* Looks into an image already prepared as the network sees it (28×28, normalised): the
 * drawing on Try It. */
void       bl_inside_view_show_input   (BlInsideView *self, const float *x);
/* Shows map @map (0 the input, 1 + i model layer i, then the softmax). */
void       bl_inside_view_select_map   (BlInsideView *self, guint map);
/* Takes value (c, y, x) of the shown map apart. */
void       bl_inside_view_select_pixel (BlInsideView *self, int c, int y, int x);
/* The gradient check's parameter: entry @layer of its layer list (the parameter layers in
 * order, then "any layer"), the @index-th of its parameters (weights, then biases), or a random
 * one for @index −1. */
void       bl_inside_view_choose_param (BlInsideView *self, guint layer, int index);
void       bl_inside_view_set_projector_mode (BlInsideView *self, gboolean projector_mode);
void       bl_inside_view_set_settings (BlInsideView *self, GSettings *settings);

/* For tests: no task pending; the capture shown (or NULL); the explanation's text. */
gboolean   bl_inside_view_is_idle      (BlInsideView *self);
const NnCapture *bl_inside_view_get_capture (BlInsideView *self);
const char *bl_inside_view_get_explanation (BlInsideView *self);
const char *bl_inside_view_get_check_text  (BlInsideView *self);
/* Whose network is shown ("this window's run, epoch 2 (replayed)"); the filters; the
 * histograms (one curve per network, the replayed one in colour, the others faded). */
const char *bl_inside_view_get_source      (BlInsideView *self);
BlFeatureMaps *bl_inside_view_get_filters  (BlInsideView *self);
BlChart    *bl_inside_view_get_histograms  (BlInsideView *self);
guint      bl_inside_view_get_strip_updates (BlInsideView *self);

G_END_DECLS
