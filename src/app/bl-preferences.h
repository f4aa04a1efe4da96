/* bl-preferences.h: the preferences a teacher sets once (GSettings), in a window. Every
 * control writes its key as soon as it holds a valid value; an invalid one says why in place
 * and writes nothing. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_PREFERENCES (bl_preferences_get_type ())
G_DECLARE_FINAL_TYPE (BlPreferences, bl_preferences, BL, PREFERENCES, GtkWindow)

BlPreferences *bl_preferences_new (GtkWindow *parent, GSettings *settings);
/* For tests: the learning-rates entry and its message. */
GtkEditable   *bl_preferences_get_rates_entry (BlPreferences *self);
const char    *bl_preferences_get_rates_error (BlPreferences *self);

G_END_DECLS
