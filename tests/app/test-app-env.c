/* test-app-env.c: see test-app-env.h. */
#include <glib/gstdio.h>
#include <stdlib.h>

#include "bl-application.h"
#include "test-app-env.h"

static char *isolated_root;

static void
remove_isolated_root (void)
{
  g_autofree char *command = NULL;

  if (isolated_root == NULL)
    return;
  /* The folders the app may have filled (settings, downloads): nothing of the test stays. */
  command = g_strdup_printf ("rm -rf '%s'", isolated_root);
  if (system (command) != 0)
    g_printerr ("could not remove %s\n", isolated_root);
  g_clear_pointer (&isolated_root, g_free);
}

const char *
bl_test_isolate_dirs (void)
{
  static const char *const vars[][2] = {
    { "HOME", "home" }, { "XDG_DATA_HOME", "data" }, { "XDG_CONFIG_HOME", "config" },
    { "XDG_CACHE_HOME", "cache" }, { "XDG_DATA_DIRS", "system-data" },
  };

  g_assert_null (isolated_root);
  isolated_root = g_dir_make_tmp ("bl-app-test-XXXXXX", NULL);
  g_assert_nonnull (isolated_root);
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *dir = g_build_filename (isolated_root, vars[i][1], NULL);
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_setenv (vars[i][0], dir, TRUE);
    }
  atexit (remove_isolated_root);
  return isolated_root;
}

void
bl_test_init_display (void)
{
  /* And the app's own style sheet, as the application loads it. */
  bl_application_load_style (gdk_display_get_default ());
  /* XDG_DATA_DIRS no longer leads to the icon themes: say where they are. */
  gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                  "/usr/share/icons");
}
