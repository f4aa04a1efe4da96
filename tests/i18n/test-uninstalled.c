/* test-uninstalled.c: the window's application run from the build tree, as tools/run.sh runs
 * it, with nothing installed: once started it has bound its text domain to the build tree's
 * compiled catalogues (LANGUAGE=es gives Spanish without BL_LOCALEDIR), and its icon, which
 * About shows as its logo, is found in the icon theme. */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "bl-application.h"

static void
test_started_from_build_tree (void)
{
  g_autoptr(BlApplication) app = bl_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *want = g_build_filename (BL_BUILD_ROOT, "po", NULL);
  GtkIconTheme *theme;

  /* Before startup, nothing but the default binding; the catalogue answers nothing. */
  g_assert_cmpstr (_("Learning rate"), ==, "Learning rate");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (bindtextdomain (GETTEXT_PACKAGE, NULL), ==, want);
  g_assert_cmpstr (_("Learning rate"), ==, "Tasa de aprendizaje");

  /* The logo of the About dialog is the icon named after the application. */
  theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
  {
    g_autoptr(GtkIconPaintable) icon =
      gtk_icon_theme_lookup_icon (theme, APP_ID, NULL, 128, 1, GTK_TEXT_DIR_NONE, 0);
    g_autoptr(GFile) file = gtk_icon_paintable_get_file (icon);
    g_autofree char *uri = file ? g_file_get_uri (file) : NULL;
    g_test_message ("icon: %s", uri);
    g_assert_nonnull (uri);
    g_assert_true (g_str_has_prefix (uri, "resource:///org/backproplab/BackpropLab/icons/"));
  }
}

int
main (int argc, char **argv)
{
  /* As tools/run.sh would with LANGUAGE=es: no BL_LOCALEDIR, nothing installed. */
  g_unsetenv ("BL_LOCALEDIR");
  g_setenv ("LANGUAGE", "es", TRUE);
  setlocale (LC_ALL, "");
  textdomain (GETTEXT_PACKAGE);
  bindtextdomain (GETTEXT_PACKAGE, "/nonexistent");
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/i18n/started-from-build-tree", test_started_from_build_tree);
  return g_test_run ();
}
