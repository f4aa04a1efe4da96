/* nn-runlog.h: a training run as JSON lines, written by the CLI's --log and the window's
 * "Export Run", read back to overlay runs made elsewhere (a sweep on a bigger machine, a batch
 * scheduler) beside the window's own.
 *
 *   {"run":{"lr":0.05,"schedule":"onecycle","epochs":20,"batch":128,"seed":1,"momentum":0.9,
 *           "rotate":7,"train_subset":0}}
 *   {"epoch":1,"train_loss":…,"train_acc":…,"test_loss":…,"test_acc":…,"seconds":…,"lr":…,
 *    "confusion":[[…10…],…10 rows…]}
 *
 * A "run" line starts a run; epoch lines before any (older logs) make a run of their own. The
 * reader takes exactly this shape (numbers, strings, nested arrays, objects), reports the line
 * and what is wrong with it, and never reads past the text it is given.
 */
#pragma once

#include <glib.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

typedef struct {
  gboolean has_recipe;   /* FALSE for epoch lines without a "run" line before them */
  double   lr;           /* the recipe's rate (one-cycle: the peak) */
  char    *schedule;     /* "none", "step", "onecycle" or NULL */
  guint    epochs, batch, seed, train_subset;
  double   momentum, rotate;
  GArray  *records;      /* NnEpochRecord per epoch */
} NnRunLog;

void       nn_runlog_append_header (GString *out, const NnRecipe *recipe);
void       nn_runlog_append_epoch  (GString *out, const NnEpochRecord *record);
/* Parses JSON lines; returns NnRunLog* (free with nn_runlog_free), at least one run with at
 * least one epoch, or NULL and NN_ERROR_FORMAT naming the line. */
GPtrArray *nn_runlog_parse         (const char *text, gsize length, GError **error);
GPtrArray *nn_runlog_load          (const char *path, GError **error);
void       nn_runlog_free          (NnRunLog *log);
/* Writes a run atomically: JSON lines (a recipe line, then the epochs) or, when @csv, one CSV
 * row per epoch (epoch, losses, accuracies, seconds, rate). */
gboolean   nn_runlog_write         (const char *path, const NnRecipe *recipe,
                                    const NnEpochRecord *records, guint n, gboolean csv,
                                    GError **error);

G_END_DECLS
