/* bl-png.h: a cairo image surface to a PNG file, atomically (see core/bl-file.h). */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

gboolean bl_write_png (cairo_surface_t *surface, const char *path, GError **error);

G_END_DECLS
