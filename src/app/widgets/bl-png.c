/* bl-png.c: see bl-png.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "core/bl-file.h"
#include "widgets/bl-png.h"

gboolean
bl_write_png (cairo_surface_t *surface, const char *path, GError **error)
{
  g_autofree char *tmp_path = NULL;
  cairo_status_t status;

  /* A FIFO, a device or a folder is refused before cairo opens anything. */
  if (!bl_file_check_destination (path, 0, error))
    return FALSE;
  tmp_path = bl_file_temp_path (path);
  status = cairo_surface_write_to_png (surface, tmp_path);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not write “%s”: %s"), name,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return bl_file_commit_temp (tmp_path, path, error);
}

void
bl_snapshot_drawing (GtkWidget *widget, GtkSnapshot *snapshot, BlDrawFunc draw)
{
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS   /* gtk_widget_get_color is GTK 4.10 */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  draw (widget, cr, w, h, &fg, NULL);
  cairo_destroy (cr);
}

gboolean
bl_write_drawing_png (BlDrawFunc draw, gpointer widget, int width, int height, const char *path,
                      GError **error)
{
  static const GdkRGBA black = { 0.1f, 0.1f, 0.12f, 1 }, white = { 1, 1, 1, 1 };
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("An image must be between 1 and 16384 pixels wide and high."));
      return FALSE;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  draw (widget, cr, width, height, &black, &white);
  cairo_destroy (cr);
  ok = bl_write_png (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}
