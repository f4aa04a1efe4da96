/* test-app-env.h: the window tests' surroundings, as the app has them and nothing more. */
#pragma once

#include <gtk/gtk.h>

/* Before gtk_test_init: HOME and the XDG folders (data, config, cache, and the system data
 * folders where data sets are looked for) point at a fresh temporary folder, removed at exit,
 * so what the machine has installed or a previous run left cannot change a test. Returns the
 * folder. */
const char *bl_test_isolate_dirs (void);
/* After gtk_test_init: the system's icon themes, which XDG_DATA_DIRS no longer leads to, and
 * the app's style sheet (what the application loads at startup). */
void        bl_test_init_display (void);
