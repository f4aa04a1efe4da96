/* bl-published-panel.h: Matt Mazur's "A Step by Step Backpropagation Example", reproduced:
 * the post's figures beside the exact values of the With-biases preset at η = 0.5 with the
 * biases frozen (as in the post and its code), each marked as agreeing to the digits printed
 * or not, with why (bl_toy_published_figures). Shown on the Backprop page while the
 * With-biases preset is on; it draws the core's table and holds nothing else. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_PUBLISHED_PANEL (bl_published_panel_get_type ())
G_DECLARE_FINAL_TYPE (BlPublishedPanel, bl_published_panel, BL, PUBLISHED_PANEL, GtkWidget)

GtkWidget  *bl_published_panel_new      (void);
/* The table as text, one figure a line (for tests). */
char       *bl_published_panel_get_text (BlPublishedPanel *self);

G_END_DECLS
