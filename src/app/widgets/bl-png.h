/* bl-png.h: a cairo image surface to a PNG file, atomically (see core/bl-file.h). */
#pragma once

#include <gtk/gtk.h>
#include <glib.h>

G_BEGIN_DECLS

gboolean bl_write_png (cairo_surface_t *surface, const char *path, GError **error);

/* How each drawing widget draws itself: @fg for lines and text, @bg (NULL: transparent)
 * painted first. */
typedef void (*BlDrawFunc) (gpointer widget, cairo_t *cr, int width, int height,
                            const GdkRGBA *fg, const GdkRGBA *bg);
/* A widget's snapshot: @draw in the widget's foreground colour on its own background. */
void     bl_snapshot_drawing  (GtkWidget *widget, GtkSnapshot *snapshot, BlDrawFunc draw);
/* "Export as PNG": @draw at @width × @height pixels (1…16384 each, else G_FILE_ERROR_INVAL),
 * dark on white whatever the theme, written as above. */
gboolean bl_write_drawing_png (BlDrawFunc draw, gpointer widget, int width, int height,
                               const char *path, GError **error);

G_END_DECLS
