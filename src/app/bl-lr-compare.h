/* bl-lr-compare.h: learning-rate experiments side by side: test accuracy per epoch for each
 * run, overlaid and coloured by rate as on the Backprop page, with a table of each run's best.
 * Runs come from the page (queued here, trained there) or from imported JSON-lines logs. */
#pragma once

#include <gtk/gtk.h>

#include "nn-trainer.h"
#include "widgets/bl-chart.h"

G_BEGIN_DECLS

#define BL_TYPE_LR_COMPARE (bl_lr_compare_get_type ())
G_DECLARE_FINAL_TYPE (BlLrCompare, bl_lr_compare, BL, LR_COMPARE, GtkWidget)

GtkWidget *bl_lr_compare_new        (void);
/* The rates typed in the entry: positive numbers separated by commas or spaces. */
GArray    *bl_lr_compare_get_rates  (BlLrCompare *self, GError **error);
void       bl_lr_compare_set_rates_text (BlLrCompare *self, const char *text);
/* A run trained in this window; returns its id. */
guint      bl_lr_compare_add_run    (BlLrCompare *self, double lr, const char *source);
void       bl_lr_compare_add_epoch  (BlLrCompare *self, guint id, const NnEpochRecord *report);
/* Overlays every run of a JSON-lines log (nn-runlog.h). */
gboolean   bl_lr_compare_import     (BlLrCompare *self, const char *path, GError **error);
void       bl_lr_compare_clear      (BlLrCompare *self);
BlChart   *bl_lr_compare_get_chart  (BlLrCompare *self);
/* The rates entry follows (and writes) a string key, e.g. the preference "compare-rates". */
void       bl_lr_compare_bind_rates (BlLrCompare *self, GSettings *settings, const char *key);
guint      bl_lr_compare_get_n_runs (BlLrCompare *self);
/* Best test accuracy of run @index (in the order added) and its epoch. */
double     bl_lr_compare_get_best   (BlLrCompare *self, guint index, guint *epoch);
/* While the page trains, "Run Each" is off. */
void       bl_lr_compare_set_busy   (BlLrCompare *self, gboolean busy);
void       bl_lr_compare_show_message (BlLrCompare *self, const char *message, gboolean error);
/* Signal "run-requested": the user asked to train each rate in the entry. */

G_END_DECLS
