/* bl-contour-view.h: a function of two variables as a contour map (the loss landscape), with
 * paths drawn over it (gradient descent, one colour per learning rate). Draws what it is
 * handed: the grid of values (copied), the paths (copied). The contour levels are chosen from
 * the values (1, 2, 5 × 10^k when they span more than a decade, evenly spaced otherwise) and
 * listed with their numbers in the legend beside the paths'. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_CONTOUR_VIEW (bl_contour_view_get_type ())
G_DECLARE_FINAL_TYPE (BlContourView, bl_contour_view, BL, CONTOUR_VIEW, GtkWidget)

GtkWidget *bl_contour_view_new          (void);
/* @values: @ny rows of @nx values, values[j·nx + i] at x_i = x0 + i·(x1 − x0)/(nx − 1), y_j
 * likewise. NULL clears. @value_label names the values in the legend ("E_total"). */
void       bl_contour_view_set_grid     (BlContourView *self, const double *values, guint nx,
                                         guint ny, double x0, double x1, double y0, double y1,
                                         const char *x_label, const char *y_label,
                                         const char *value_label);
void       bl_contour_view_clear_paths  (BlContourView *self);
/* @xy: @n pairs (x, y). @mark (an (x, y) pair, or NULL): a point drawn as a ring (where the
 * page is). */
void       bl_contour_view_add_path     (BlContourView *self, const double *xy, guint n,
                                         const GdkRGBA *color, const char *label,
                                         const double *mark);
void       bl_contour_view_set_projector_mode (BlContourView *self, gboolean projector_mode);
/* The contour levels drawn (for tests and the accessible description). */
const double *bl_contour_view_get_levels (BlContourView *self, guint *n);
guint      bl_contour_view_get_n_paths  (BlContourView *self);
/* A message in place of the map (computing, an error); NULL for none. */
void       bl_contour_view_set_message  (BlContourView *self, const char *message);

G_END_DECLS
