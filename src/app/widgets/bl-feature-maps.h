/* bl-feature-maps.h: the channels of one layer's output (or of a tensor of weights) as small
 * heatmaps side by side, on one diverging scale around zero (blue below, white at zero,
 * vermillion above; the scale's numbers drawn beside it), each channel numbered. Small maps
 * (3×3 kernels, 1×1 outputs) print their numbers in their cells. A click on a cell emits
 * "pixel-activated" (channel, row, column); the chosen cell is outlined. Draws what it is
 * handed, nothing else. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_FEATURE_MAPS (bl_feature_maps_get_type ())
G_DECLARE_FINAL_TYPE (BlFeatureMaps, bl_feature_maps, BL, FEATURE_MAPS, GtkWidget)

GtkWidget *bl_feature_maps_new           (void);
/* Copies @data (c, h, w). @title is drawn above ("Conv2d 16×28×28"); NULL: none. @data NULL:
 * nothing to show (@title then says why). */
void       bl_feature_maps_set_maps      (BlFeatureMaps *self, const float *data, int c, int h,
                                          int w, const char *title);
/* Outlines (c, y, x); c < 0: none. */
void       bl_feature_maps_set_selected  (BlFeatureMaps *self, int c, int y, int x);
/* The largest tile side in pixels (default 112); tiles shrink to fit the width. */
void       bl_feature_maps_set_max_tile  (BlFeatureMaps *self, int side);
void       bl_feature_maps_set_projector_mode (BlFeatureMaps *self, gboolean projector_mode);
/* The scale's half-width (the largest |value|), for tests. */
double     bl_feature_maps_get_scale     (BlFeatureMaps *self);
/* What it was handed last (NULL: nothing), and its title; for tests. */
const float *bl_feature_maps_get_data    (BlFeatureMaps *self, int *c, int *h, int *w);
const char *bl_feature_maps_get_title    (BlFeatureMaps *self);
/* Draws into @cr @width wide (tests, export); returns the height used. */
int        bl_feature_maps_render        (BlFeatureMaps *self, cairo_t *cr, int width);
/* The cell under (x, y) in a drawing @width wide; FALSE if none. */
gboolean   bl_feature_maps_cell_at       (BlFeatureMaps *self, int width, double x, double y,
                                          int *c, int *row, int *col);

G_END_DECLS
