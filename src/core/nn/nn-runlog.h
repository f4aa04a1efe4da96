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
 * reader takes exactly this shape (numbers, strings, nested arrays, objects; other keys are
 * skipped), reports the line and what is wrong with it, and never reads past the text it is
 * given. It goes line by line straight into records (no tree of values), so its memory is
 * what it keeps: runs without epochs are dropped as they end, and a log is bounded
 * (NN_RUNLOG_MAX_BYTES, NN_RUNLOG_MAX_EPOCHS, NN_RUNLOG_MAX_LINE). Files are read with plain
 * reads (never mapped, so a log truncated while it is read is an error, not SIGBUS), regular
 * files only.
 */
#pragma once

#include <gio/gio.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

#define NN_RUNLOG_MAX_BYTES  (256 * 1024 * 1024)
/* Far more than any sweep (100 runs of 20 epochs are 2,000); 100,000 records are ~46 MB. */
#define NN_RUNLOG_MAX_EPOCHS 100000
/* An epoch line with its confusion matrix is under 1 KB. */
#define NN_RUNLOG_MAX_LINE   (64 * 1024)

typedef struct {
  gboolean has_recipe;   /* FALSE for epoch lines without a "run" line before them */
  double   lr;           /* the recipe's rate (one-cycle: the peak) */
  char    *schedule;     /* "none", "step", "onecycle" or NULL */
  guint    epochs, batch, train_subset;
  guint64  seed;
  double   momentum, rotate;
  GArray  *records;      /* NnEpochRecord per epoch */
} NnRunLog;

void       nn_runlog_append_header (GString *out, const NnRecipe *recipe);
void       nn_runlog_append_epoch  (GString *out, const NnEpochRecord *record);
/* Parses JSON lines; returns NnRunLog* (free with nn_runlog_free), at least one run with at
 * least one epoch, or NULL and NN_ERROR_FORMAT naming the line. */
GPtrArray *nn_runlog_parse         (const char *text, gsize length, GError **error);
/* The same from a file (NN_ERROR_IO if it cannot be read). Reading 256 MB takes seconds: a
 * window should use nn_runlog_load_async(). */
GPtrArray *nn_runlog_load          (const char *path, GError **error);
/* nn_runlog_load() on a thread of GIO's pool, checking @cancellable (nullable) between
 * chunks; @callback runs on the caller's thread-default main context. */
void       nn_runlog_load_async    (const char *path, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *nn_runlog_load_finish   (GAsyncResult *result, GError **error);
void       nn_runlog_free          (NnRunLog *log);

/* A sweep leaves one log per run in a folder (docs/sweeps.md). */
#define NN_RUNLOG_MAX_FILES 1000

typedef struct {
  char      *name;    /* the file's name, for display */
  GPtrArray *runs;    /* NnRunLog*; NULL when the file could not be read */
  GError    *error;   /* why not, when runs is NULL */
} NnRunLogFile;

/* Reads every training log (a name ending in .jsonl, not hidden) directly in @dir, in name
 * order with numbers compared as numbers (lr-2 before lr-10). A log that cannot be read keeps
 * its error in its NnRunLogFile and the others are still read; all of them together are held
 * to NN_RUNLOG_MAX_EPOCHS. Returns NnRunLogFile* (at least one), or NULL: NN_ERROR_IO when
 * @dir cannot be listed, NN_ERROR_FORMAT when it holds no log or more than
 * NN_RUNLOG_MAX_FILES, G_IO_ERROR_CANCELLED. */
GPtrArray *nn_runlog_load_dir        (const char *dir, GCancellable *cancellable,
                                      GError **error);
void       nn_runlog_load_dir_async  (const char *dir, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *nn_runlog_load_dir_finish (GAsyncResult *result, GError **error);
/* Writes a run atomically: JSON lines (a recipe line, then the epochs) or, when @csv, one CSV
 * row per epoch (epoch, losses, accuracies, seconds, rate). */
gboolean   nn_runlog_write         (const char *path, const NnRecipe *recipe,
                                    const NnEpochRecord *records, guint n, gboolean csv,
                                    GError **error);

/* A log appended to as a run goes (the CLI's --log): each line is written whole and synced,
 * every write checked; a line that cannot be written whole is taken back (the file is cut to
 * where it was), so the lines before it stay readable. */
typedef struct _NnRunLogWriter NnRunLogWriter;

/* Opens @path for appending (created if absent; a FIFO or device is refused). */
NnRunLogWriter *nn_runlog_writer_open      (const char *path, GError **error);
/* Over a descriptor already open for writing (taken over); @name for messages. */
NnRunLogWriter *nn_runlog_writer_new_for_fd (int fd, const char *name);
gboolean        nn_runlog_writer_add_run   (NnRunLogWriter *writer, const NnRecipe *recipe,
                                            GError **error);
gboolean        nn_runlog_writer_add_epoch (NnRunLogWriter *writer, const NnEpochRecord *record,
                                            GError **error);
/* Closes and frees @writer; FALSE if closing reported an error. */
gboolean        nn_runlog_writer_close     (NnRunLogWriter *writer, GError **error);

G_END_DECLS
