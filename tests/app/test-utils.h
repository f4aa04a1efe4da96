/* test-utils.h: helpers shared by the window tests. */
#pragma once

#include <gtk/gtk.h>

/* What the screen shows of @window, as a PNG, for a person to look at. */
gboolean bl_test_save_window_png (GtkWidget *window, const char *path);
/* Pixels that are not near-white in a PNG: an empty picture is almost all background. */
guint    bl_test_ink_pixels      (const char *png);
/* Pixels of a PNG within a small distance of @c (each channel within 12 of 255). */
guint    bl_test_count_color     (const char *png, const GdkRGBA *c);
/* Turns the main loop (blocking, as an application does; a 10 ms wake-up keeps it checking)
 * until @done (@data) or @seconds pass; returns @done's last answer. */
typedef gboolean (*BlTestDoneFunc) (gpointer data);
gboolean bl_test_iterate_until   (BlTestDoneFunc done, gpointer data, double seconds);
/* Turns the main loop until @widget is mapped and two frames have been painted since. */
gboolean bl_test_wait_for_draw   (GtkWidget *widget);
/* The @nth (from 0) descendant of @root of type @type, depth first, or NULL. */
GtkWidget *bl_test_find_descendant (GtkWidget *root, GType type, guint nth);
/* Appends to @out every mapped GtkLabel with text below @widget (through mapped parents). */
void bl_test_collect_mapped_labels (GtkWidget *widget, GPtrArray *out);

