/* bl-png.c: see bl-png.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "core/bl-file.h"
#include "widgets/bl-png.h"

gboolean
bl_write_png (cairo_surface_t *surface, const char *path, GError **error)
{
  g_autofree char *tmp_path = bl_file_temp_path (path);
  cairo_status_t status = cairo_surface_write_to_png (surface, tmp_path);

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
