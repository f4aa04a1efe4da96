/* bl-tile-grid.h: small heatmaps side by side — a layer's channels (16 feature maps of 28×28),
 * or its kernels (16 filters of 3×3) — on one diverging scale around zero (blue below,
 * orange above, the background's colour at zero), with the scale's numbers, each tile named.
 * It draws what it is handed; a click on a tile's pixel emits "pixel-activated". */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_TILE_GRID (bl_tile_grid_get_type ())
G_DECLARE_FINAL_TYPE (BlTileGrid, bl_tile_grid, BL, TILE_GRID, GtkWidget)

GtkWidget *bl_tile_grid_new           (void);
/* Copies @n_tiles tiles of @width × @height values each, row-major, tile after tile; @labels
 * (nullable; n_tiles strings) name them. The scale runs from −m to +m, m the largest magnitude
 * of all tiles (or @scale when > 0, to compare grids on one scale). */
void       bl_tile_grid_set_tiles     (BlTileGrid *self, const float *values, guint n_tiles,
                                       guint width, guint height,
                                       const char *const *labels, double scale);
void       bl_tile_grid_clear         (BlTileGrid *self, const char *message);
void       bl_tile_grid_set_title     (BlTileGrid *self, const char *title);
/* The scale's half range in use (m). */
double     bl_tile_grid_get_scale     (BlTileGrid *self);
guint      bl_tile_grid_get_n_tiles   (BlTileGrid *self);
/* Property "projector-mode": larger type. */
void       bl_tile_grid_set_projector_mode (BlTileGrid *self, gboolean projector_mode);
/* One tile at the pixel size given, its values as drawn: for tests and exports. */
gboolean   bl_tile_grid_write_png     (BlTileGrid *self, const char *path, int width, int height,
                                       GError **error);

/* Signal "pixel-activated" (guint tile, guint x, guint y): a tile's pixel was clicked. */

G_END_DECLS
