/* bl-lr-compare.h: learning-rate experiments side by side: test accuracy per epoch for each
 * run, overlaid, with a table of each run's best.
 *
 * It keeps its own runs: "Run Each" trains one BlTrainingRun per rate, one after another, from
 * the recipe and data the page hands it (same seed, same initial weights), and never touches
 * the teacher's run. The teacher's own runs join the overlay too (bl_lr_compare_follow_run),
 * as do runs imported from JSON-lines logs (nn-runlog.h). */
#pragma once

#include <gtk/gtk.h>

#include "mnist/bl-training-run.h"
#include "widgets/bl-chart.h"

G_BEGIN_DECLS

#define BL_TYPE_LR_COMPARE (bl_lr_compare_get_type ())
G_DECLARE_FINAL_TYPE (BlLrCompare, bl_lr_compare, BL, LR_COMPARE, GtkWidget)

GtkWidget     *bl_lr_compare_new        (void);
/* The rates typed in the entry: positive numbers separated by commas or spaces. */
GArray        *bl_lr_compare_get_rates  (BlLrCompare *self, GError **error);
void           bl_lr_compare_set_rates_text (BlLrCompare *self, const char *text);
/* Trains @recipe on @data once per rate of @rates (only the rate changes), one run after
 * another. FALSE (BL_APP_ERROR_BUSY) while a queue is going. */
gboolean       bl_lr_compare_run_rates  (BlLrCompare *self, NnDataset *data,
                                         const NnRecipe *recipe, const double *rates, guint n,
                                         GError **error);
/* Stops the run under way and drops the rates still waiting. */
void           bl_lr_compare_stop       (BlLrCompare *self);
/* The queue's run under way (NULL: none), and the rates still waiting after it. */
BlTrainingRun *bl_lr_compare_get_current_run  (BlLrCompare *self);
guint          bl_lr_compare_get_queue_length (BlLrCompare *self);
/* A run trained elsewhere (the page's), overlaid as its epochs come. */
void           bl_lr_compare_follow_run (BlLrCompare *self, BlTrainingRun *run,
                                         const char *source);
/* Overlays every run of a JSON-lines log (nn-runlog.h), or of every log in a folder (a sweep,
 * docs/sweeps.md). It is read on a worker; imports queue one behind another and "importing"
 * is TRUE until the last is done. What came in, and what could not, is said in the message
 * line. Files and folders dropped on the widget are imported the same way. */
void           bl_lr_compare_import     (BlLrCompare *self, const char *path);
gboolean       bl_lr_compare_get_importing (BlLrCompare *self);
/* The message line's text (NULL when hidden) and whether it reports an error. */
const char    *bl_lr_compare_get_message (BlLrCompare *self, gboolean *is_error);
void           bl_lr_compare_clear      (BlLrCompare *self);
BlChart       *bl_lr_compare_get_chart  (BlLrCompare *self);
/* The rates entry follows (and writes) the key "compare-rates"; the chart follows
 * "projector-mode". */
void           bl_lr_compare_set_settings (BlLrCompare *self, GSettings *settings);
guint          bl_lr_compare_get_n_runs (BlLrCompare *self);
/* Best test accuracy of run @index (in the order added) and its epoch. */
double         bl_lr_compare_get_best   (BlLrCompare *self, guint index, guint *epoch);
/* While another run trains, "Run Each" is off (two runs would share two cores). */
void           bl_lr_compare_set_busy   (BlLrCompare *self, gboolean busy);
void           bl_lr_compare_show_message (BlLrCompare *self, const char *message, gboolean error);

/* Signals:
 *   "run-requested" (): the user asked to train each rate in the entry; the page answers
 *                       with bl_lr_compare_run_rates (it holds the recipe and the data).
 *   "run-started" (BlTrainingRun *run, guint index, guint count): a run of the queue is about
 *                 to start (it starts when the emission returns).
 *   "queue-finished" (): the last run of the queue ended (finished, stopped or failed). */

G_END_DECLS
