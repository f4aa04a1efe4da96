/* bl-backprop-tools.h: the Backprop page's separate windows, opened from the main menu while
 * the page is shown: win.check-sheet (Check my spreadsheet), win.epsilon (How small is ε?),
 * win.landscape (Loss landscape), win.worksheet (Print worksheet). One of each per main window:
 * asked again, it comes to the front with the page's network as it is now. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Installs the four actions on the main window's class (its widgets are BlWindows). */
void bl_backprop_tools_install_actions (GtkWidgetClass *window_class);

G_END_DECLS
