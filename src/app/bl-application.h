/* bl-application.h: the GtkApplication: actions, accelerators, preferences, one window. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_APPLICATION (bl_application_get_type ())
G_DECLARE_FINAL_TYPE (BlApplication, bl_application, BL, APPLICATION, GtkApplication)

BlApplication *bl_application_new          (void);
/* NULL when the schema is not installed (the app then runs on built-in defaults). */
GSettings     *bl_application_get_settings (BlApplication *self);

/* The app's style sheet (resources/style.css) on @display: the application loads it at startup,
 * and a test that shows the app's widgets without the application does too. */
void           bl_application_load_style   (GdkDisplay *display);

/* With BL_TRACE_STARTUP set, prints the milliseconds since main() began and @what: where the
 * time to the first frame goes (bench/bench-startup.sh shows it). */
void           bl_application_trace        (const char *what);

G_END_DECLS
