/* bl-fit-label.h: one line of text written in several forms, longest first, that shows the
 * longest form fitting the width it is given. Where an ellipsized label would cut a number
 * short (a wrong number, to a class), the shorter forms leave whole words and numbers out
 * instead. Its minimum width is its narrowest form's, so that one always shows whole. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_FIT_LABEL (bl_fit_label_get_type ())
G_DECLARE_FINAL_TYPE (BlFitLabel, bl_fit_label, BL, FIT_LABEL, GtkWidget)

GtkWidget  *bl_fit_label_new       (void);
/* @forms: NULL-terminated, longest first (copied). The first is also the accessible label. */
void        bl_fit_label_set_forms (BlFitLabel *self, const char *const *forms);
/* The form shown at the present width, or NULL before the first allocation. */
const char *bl_fit_label_get_shown (BlFitLabel *self);

G_END_DECLS
