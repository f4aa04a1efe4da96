/* bl-png.h: a cairo image surface to a PNG file, atomically (see core/bl-file.h). */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

gboolean bl_write_png (cairo_surface_t *surface, const char *path, GError **error);

/* Draws @width × @height pixels (1…16384 each, else G_FILE_ERROR_INVAL) with @draw into a
 * fresh image and writes it as above: every widget's "export as PNG". */
typedef void (*BlDrawFunc) (gpointer data, cairo_t *cr, int width, int height);
gboolean bl_write_drawing_png (BlDrawFunc draw, gpointer data, int width, int height,
                               const char *path, GError **error);

G_END_DECLS
