/* bl-window.h: the main window: a stack of pages (Backprop now, MNIST next). */
#pragma once

#include <gtk/gtk.h>
#include "backprop/bl-backprop-page.h"

G_BEGIN_DECLS

#define BL_TYPE_WINDOW (bl_window_get_type ())
G_DECLARE_FINAL_TYPE (BlWindow, bl_window, BL, WINDOW, GtkApplicationWindow)

BlWindow       *bl_window_new               (GtkApplication *app, GSettings *settings);
BlBackpropPage *bl_window_get_backprop_page (BlWindow *self);
/* The MNIST page (a BlMnistPage). */
GtkWidget      *bl_window_get_mnist_page    (BlWindow *self);

G_END_DECLS
