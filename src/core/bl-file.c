/* bl-file.c: see bl-file.h. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "core/bl-file.h"

char *
bl_file_temp_path (const char *path)
{
  return g_strdup_printf ("%s.tmp-%08x", path, g_random_int ());
}

gboolean
bl_file_commit_temp (const char *tmp_path, const char *path, GError **error)
{
  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not replace “%s”: %s"), name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
