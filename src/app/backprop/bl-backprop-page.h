/* bl-backprop-page.h: the "Backprop" page: the 2-2-2 network stepped through like a
 * spreadsheet, one run per learning rate, all overlaid. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-toy.h"
#include "widgets/bl-chart.h"

G_BEGIN_DECLS

/* The most iterations the page computes per learning rate (the Chart field, Run and Step stop
 * there): the toy's own bound, so the page, the CLI and the settings' range agree. 6 rates of
 * 100,000 take about 40 ms and 6 MB. The preference is clamped to it. */
#define BL_BACKPROP_MAX_ITERATIONS BL_TOY_MAX_ITERATIONS

/* The workbook holds the first iterations only (every cell is a formula a spreadsheet
 * recalculates; 10,000 rows per rate took 25 s to write and 44.6 MB), or up to the current
 * iteration when that is later. */
#define BL_BACKPROP_WORKBOOK_ITERATIONS 1000

#define BL_TYPE_BACKPROP_PAGE (bl_backprop_page_get_type ())
G_DECLARE_FINAL_TYPE (BlBackpropPage, bl_backprop_page, BL, BACKPROP_PAGE, GtkWidget)

GtkWidget *bl_backprop_page_new            (void);
/* Preferences (may be NULL: built-in defaults). Read once; learning rates and iterations are
 * written back when they change. Binds the drawings' "projector-mode" to the setting. */
void       bl_backprop_page_set_settings   (BlBackpropPage *self, GSettings *settings);

/* The controls, also bound to window actions. */
void       bl_backprop_page_step           (BlBackpropPage *self, guint n);
void       bl_backprop_page_reset          (BlBackpropPage *self);
void       bl_backprop_page_toggle_play    (BlBackpropPage *self);
gboolean   bl_backprop_page_get_playing    (BlBackpropPage *self);
void       bl_backprop_page_run_n          (BlBackpropPage *self);
/* Play's pace in iterations per second; 0 plays the whole chart in 5 s. The speed menu
 * offers 1, 5, 20 (the default) and 100. */
void       bl_backprop_page_set_play_speed (BlBackpropPage *self, guint per_second);

/* Switch the starting network, as the preset drop-down does. */
void       bl_backprop_page_set_preset     (BlBackpropPage *self, BlToyPreset preset);
/* Replace the learning rates (at most eight; invalid ones are dropped). */
void       bl_backprop_page_set_learning_rates (BlBackpropPage *self, const double *lrs,
                                                guint n);

/* State, for tests and the window. */
guint      bl_backprop_page_get_current    (BlBackpropPage *self);
/* How many times every run was computed from scratch (a start computes once). */
guint      bl_backprop_page_get_n_computes (BlBackpropPage *self);
guint      bl_backprop_page_get_n_runs     (BlBackpropPage *self);
const BlToyRun *bl_backprop_page_get_run   (BlBackpropPage *self, guint i);
BlChart   *bl_backprop_page_get_chart      (BlBackpropPage *self);
GtkWidget *bl_backprop_page_get_param_entry (BlBackpropPage *self, const char *name);
GListModel *bl_backprop_page_get_ledger_selection (BlBackpropPage *self);
GtkColumnView *bl_backprop_page_get_ledger_view (BlBackpropPage *self);
/* The network's activations, update order and path (its own widget, for tests). */
struct _BlNetworkOptions *bl_backprop_page_get_network_options (BlBackpropPage *self);
/* Select the quantity whose formula the panel explains. */
void       bl_backprop_page_select_column  (BlBackpropPage *self, BlToyColumn col);
const char *bl_backprop_page_get_formula_text (BlBackpropPage *self, int which);
/* The line that says what the page shows or last did (an export's progress and result). */
const char *bl_backprop_page_get_status_text (BlBackpropPage *self);

/* Exports, every learning rate, written atomically on a worker thread: each returns at once
 * (FALSE and @error only if it cannot start, e.g. another export is still running) and the
 * page shows the progress, then what was saved or why not. */
gboolean   bl_backprop_page_export_csv     (BlBackpropPage *self, const char *path, GError **error);
gboolean   bl_backprop_page_export_xlsx    (BlBackpropPage *self, const char *path, GError **error);
gboolean   bl_backprop_page_export_png     (BlBackpropPage *self, const char *path, GError **error);
/* An export is being written. */
gboolean   bl_backprop_page_get_exporting  (BlBackpropPage *self);

G_END_DECLS
