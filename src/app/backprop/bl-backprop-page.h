/* bl-backprop-page.h: the "Backprop" page: the 2-2-2 network stepped through like a
 * spreadsheet, one run per learning rate, all overlaid. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-toy.h"
#include "widgets/bl-chart.h"

G_BEGIN_DECLS

#define BL_TYPE_BACKPROP_PAGE (bl_backprop_page_get_type ())
G_DECLARE_FINAL_TYPE (BlBackpropPage, bl_backprop_page, BL, BACKPROP_PAGE, GtkWidget)

GtkWidget *bl_backprop_page_new            (void);
/* Preferences (may be NULL: built-in defaults). Read once; learning rates and iterations are
 * written back when they change. */
void       bl_backprop_page_set_settings   (BlBackpropPage *self, GSettings *settings);

/* The controls, also bound to window actions. */
void       bl_backprop_page_step           (BlBackpropPage *self, guint n);
void       bl_backprop_page_reset          (BlBackpropPage *self);
void       bl_backprop_page_toggle_play    (BlBackpropPage *self);
gboolean   bl_backprop_page_get_playing    (BlBackpropPage *self);
void       bl_backprop_page_run_n          (BlBackpropPage *self);

/* Switch the starting network, as the preset drop-down does. */
void       bl_backprop_page_set_preset     (BlBackpropPage *self, BlToyPreset preset);

/* State, for tests and the window. */
guint      bl_backprop_page_get_current    (BlBackpropPage *self);
guint      bl_backprop_page_get_n_runs     (BlBackpropPage *self);
const BlToyRun *bl_backprop_page_get_run   (BlBackpropPage *self, guint i);
BlChart   *bl_backprop_page_get_chart      (BlBackpropPage *self);
GtkWidget *bl_backprop_page_get_param_entry (BlBackpropPage *self, const char *name);
GListModel *bl_backprop_page_get_ledger_selection (BlBackpropPage *self);
GtkColumnView *bl_backprop_page_get_ledger_view (BlBackpropPage *self);
/* Select the quantity whose formula the panel explains. */
void       bl_backprop_page_select_column  (BlBackpropPage *self, BlToyColumn col);
const char *bl_backprop_page_get_formula_text (BlBackpropPage *self, int which);

/* Exports: every learning rate, written atomically. */
gboolean   bl_backprop_page_export_csv     (BlBackpropPage *self, const char *path, GError **error);
gboolean   bl_backprop_page_export_xlsx    (BlBackpropPage *self, const char *path, GError **error);
gboolean   bl_backprop_page_export_png     (BlBackpropPage *self, const char *path, GError **error);

G_END_DECLS
