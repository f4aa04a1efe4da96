/* bl-i18n.c: see bl-i18n.h. */
#include "config.h"

#include <string.h>

#include "core/bl-i18n.h"

/* TRUE if the running program sits under the build tree: installed copies never do. */
static gboolean
running_uninstalled (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  gsize len = strlen (BL_BUILD_ROOT);

  return exe && strncmp (exe, BL_BUILD_ROOT, len) == 0 && exe[len] == '/';
}

const char *
bl_i18n_localedir (void)
{
  const char *env = g_getenv ("BL_LOCALEDIR");

  if (env && env[0])
    return env;
  return running_uninstalled () ? BL_BUILD_LOCALEDIR : LOCALEDIR;
}
