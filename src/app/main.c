/* backprop-lab: the window. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "bl-application.h"
#include "widgets/bl-chart.h"

int
main (int argc, char **argv)
{
  g_autoptr(BlApplication) app = NULL;

  bl_application_trace ("main");
  bl_chart_keep_freed_memory ();
  setlocale (LC_ALL, "");
  /* BL_LOCALEDIR: the build tree's catalogs, for tests; LOCALEDIR otherwise. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("BL_LOCALEDIR") ? g_getenv ("BL_LOCALEDIR")
                                                              : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = bl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
