/* bl-network-view.h: the 2-2-2 network drawn with cairo for one row of the ledger: nodes with
 * their net input and activation, edges with their weights (colour by sign, width by
 * magnitude, a legend for both), biases when the preset has them, targets and errors at the
 * outputs. Text takes the widget's CSS font (projector mode's is larger), shrunk only to fit
 * and never below 70 % of it (the widget asks for that room); "projector-mode" thickens the
 * lines. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

#define BL_TYPE_NETWORK_VIEW (bl_network_view_get_type ())
G_DECLARE_FINAL_TYPE (BlNetworkView, bl_network_view, BL, NETWORK_VIEW, GtkWidget)

GtkWidget *bl_network_view_new       (void);
/* Show the parameters @p and the values of @row (copied). */
void       bl_network_view_set_state (BlNetworkView *self, const BlToyParams *p,
                                      const BlToyRow *row);
/* Highlight one quantity (a weight's edge, a node), e.g. the ledger's selected column;
 * BL_TOY_N_COLS for none. */
void       bl_network_view_set_highlight (BlNetworkView *self, BlToyColumn col);
/* The two paths from hidden unit @hidden (1: h1, 2: h2; 0: none) to the loss, through o1 and
 * through o2: their edges drawn over a band of @colors[0] and @colors[1]. */
void       bl_network_view_set_paths (BlNetworkView *self, guint hidden, const GdkRGBA colors[2]);
guint      bl_network_view_get_paths (BlNetworkView *self);
/* The backward pass over the forward values: δ beside each hidden and output unit, ∂E/∂w under
 * each weight. */
void       bl_network_view_set_show_backward (BlNetworkView *self, gboolean show);
gboolean   bl_network_view_get_show_backward (BlNetworkView *self);
/* One step of an iteration walked through: @unit (BL_TOY_UNIT_NONE for none) and the weights
 * @edge0, @edge1 (BL_TOY_N_COLS for none) drawn as highlighted. */
void       bl_network_view_set_focus (BlNetworkView *self, BlToyUnit unit, BlToyColumn edge0,
                                      BlToyColumn edge1);
BlToyUnit  bl_network_view_get_focus (BlNetworkView *self);
/* A line over the diagram saying what it shows, e.g. "Iteration 12 · η = 0.5". */
void       bl_network_view_set_caption (BlNetworkView *self, const char *caption);
gboolean   bl_network_view_write_png (BlNetworkView *self, const char *path, int width,
                                      int height, GError **error);

/* The height and width that hold the diagram with its smallest text at its floor (72 % of the CSS font:
 * 14 px in projector mode), without the caption: what a page gives it where it can. */
int        bl_network_view_get_floor_height (BlNetworkView *self);
int        bl_network_view_get_floor_width  (BlNetworkView *self);
/* For tests: the layout at @width × @height (the widget's font and state): the weight labels'
 * rectangles, the units' (their circles' bounding squares; 6, or 8 with biases), the texts in
 * those units (in the same order) and whether the caption has its line. Returns the smallest text size drawn, in pixels. */
double     bl_network_view_get_layout (BlNetworkView *self, int width, int height,
                                       graphene_rect_t labels[8], graphene_rect_t units[8],
                                       graphene_rect_t unit_texts[8], guint *n_units,
                                       gboolean *has_caption);

/* Signal "column-activated" (int col): a click on an edge or node; the page selects that
 * ledger column. */

G_END_DECLS
