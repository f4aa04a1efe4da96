/* bl-network-view.h: the 2-2-2 network drawn with cairo for one row of the ledger: nodes with
 * their net input and activation, edges with their weights (colour by sign, width by
 * magnitude, a legend for both), biases when the preset has them, targets and errors at the
 * outputs. Text takes the widget's CSS font, shrunk only to fit; "projector-mode" thickens
 * the lines. */
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
/* A line over the diagram saying what it shows, e.g. "Iteration 12 · η = 0.5". */
void       bl_network_view_set_caption (BlNetworkView *self, const char *caption);
gboolean   bl_network_view_write_png (BlNetworkView *self, const char *path, int width,
                                      int height, GError **error);

/* Signal "column-activated" (int col): a click on an edge or node; the page selects that
 * ledger column. */

G_END_DECLS
