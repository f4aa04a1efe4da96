/* bl-frame-pacer.h: brings regions of a page up to date one per frame.
 *
 * A software renderer repaints the bounding box of what changed in a frame. When the end of
 * an epoch changes two charts and the matrix while the batch chart and the progress bar move,
 * and the controls on the left lock at the same time, painting all of it in one frame is the
 * whole window, over 16 ms. So each region of the page that reports may change registers here
 * with two functions: whether it has something not shown yet, and how to show it. A tick
 * callback on the owner shows the first pending region (in the order given) per frame, so
 * everything lands within a few frames, which nobody can see, and no frame spans the page.
 * When the owner is not on screen there is nothing to pace: everything is shown at once.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_FRAME_PACER (bl_frame_pacer_get_type ())
G_DECLARE_FINAL_TYPE (BlFramePacer, bl_frame_pacer, BL, FRAME_PACER, GObject)

/* TRUE if the region has something not on screen yet. */
typedef gboolean (*BlFramePacerPendingFunc) (gpointer data);
/* Puts the region on screen (what a frame should repaint for it). */
typedef void     (*BlFramePacerShowFunc)    (gpointer data);

/* @owner's frame clock paces; the pacer holds no reference on it. */
BlFramePacer *bl_frame_pacer_new          (GtkWidget *owner);
/* Regions are tried in increasing @order. Remove them (by @data) before @data goes away. */
void          bl_frame_pacer_add_region   (BlFramePacer *self, int order,
                                           BlFramePacerPendingFunc pending,
                                           BlFramePacerShowFunc show, gpointer data);
void          bl_frame_pacer_remove_regions (BlFramePacer *self, gpointer data);
/* Something changed: a region per frame until nothing is pending (at once when off screen). */
void          bl_frame_pacer_schedule     (BlFramePacer *self);
/* The next frame paints a click's own answer: show nothing else in it. */
void          bl_frame_pacer_skip_frame   (BlFramePacer *self);
/* Everything at once (the owner leaves the screen, or a test needs it). */
void          bl_frame_pacer_flush        (BlFramePacer *self);
/* Nothing pending. */
gboolean      bl_frame_pacer_is_current   (BlFramePacer *self);

G_END_DECLS
