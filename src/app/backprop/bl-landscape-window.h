/* bl-landscape-window.h: the loss landscape. E_total over two chosen weights around the page's
 * current point (the other weights held there), as a contour map, with the gradient-descent
 * path of each of the page's learning rates projected on it in the rates' colours; if none of
 * them overshoots, one larger rate that does is added. Computed off the main thread. */
#pragma once

#include <gtk/gtk.h>
#include "backprop/bl-tool-window.h"
#include "widgets/bl-contour-view.h"

G_BEGIN_DECLS

#define BL_TYPE_LANDSCAPE_WINDOW (bl_landscape_window_get_type ())
G_DECLARE_FINAL_TYPE (BlLandscapeWindow, bl_landscape_window, BL, LANDSCAPE_WINDOW, GtkWindow)

BlLandscapeWindow *bl_landscape_window_new         (GtkWindow *parent, const BlToolNetwork *net);
void               bl_landscape_window_set_network (BlLandscapeWindow *self,
                                                    const BlToolNetwork *net);
/* The two weights (W1…W8, B1, B2; different). FALSE if either is not in the network. */
gboolean           bl_landscape_window_set_weights (BlLandscapeWindow *self, BlToyColumn x,
                                                    BlToyColumn y);
/* For tests. */
gboolean           bl_landscape_window_is_busy     (BlLandscapeWindow *self);
BlContourView     *bl_landscape_window_get_view    (BlLandscapeWindow *self);
const char        *bl_landscape_window_get_caption (BlLandscapeWindow *self);
/* The rates drawn (the page's, and the one added to overshoot, if any) and whether each
 * overshoots. */
guint              bl_landscape_window_get_rates   (BlLandscapeWindow *self, const double **rates,
                                                    const gboolean **overshoots);

G_END_DECLS
