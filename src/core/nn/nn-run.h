/* nn-run.h: one training run with an owner: the harness the window and the CLI both use.
 *
 * A run owns a copy of its recipe and a reference on its data set, and trains on a thread of
 * its own (which builds the trainer there, so the model's compute threads inherit that
 * thread's priority). What the trainer reports is copied on that thread into small, immutable
 * pieces (the batch reports; per epoch its NnEpochRecord, every test image's probabilities and
 * the model's state) and handed to the GMainContext the run was started from: batches are
 * coalesced, so however fast they come there is at most one dispatch pending. Callbacks arrive
 * in order on that context: batches, epochs, then exactly one `finished`, after which nothing
 * more arrives.
 *
 * Whoever started the run can drop it at any time: nn_run_detach() stops the callbacks, the
 * thread keeps its own reference and frees everything when it ends (after the current batch,
 * once cancelled). Pause is a condition the trainer waits on between batches (no spinning);
 * stopping is nn_run_cancel(), then either the `finished` callback or nn_run_join().
 *
 *   NnRun *run = nn_run_new (&recipe, data);
 *   nn_run_start (run, &callbacks, owner, NULL);      // reports come to this thread's context
 *   …
 *   nn_run_cancel (run);                              // `finished` follows with CANCELLED
 *
 * No GTK, no GObject: the window wraps it in BlTrainingRun.
 */
#pragma once

#include <gio/gio.h>

#include "nn-dataset.h"
#include "nn-trainer.h"

G_BEGIN_DECLS

typedef struct _NnRun NnRun;

/* One finished epoch as the owner receives it (immutable; take references on what you keep). */
typedef struct {
  NnEpochRecord record;
  guint         n_test;       /* test images evaluated */
  GBytes       *test_probs;   /* (n_test, 10) floats: each test image's softmax output */
  GBytes       *state;        /* nn_model_get_state () after this epoch */
} NnRunEpoch;

typedef struct {
  /* The batches reported since the last call, oldest first (n ≥ 1). */
  void (*batches)  (NnRun *run, const NnBatchReport *reports, guint n, gpointer user_data);
  void (*epoch)    (NnRun *run, const NnRunEpoch *epoch, gpointer user_data);
  /* The last callback. @error is NULL when every epoch ran, else NN_ERROR_CANCELLED,
   * NN_ERROR_DIVERGED, NN_ERROR_INVALID … The thread has finished its work by then:
   * nn_run_join() returns at once. */
  void (*finished) (NnRun *run, const GError *error, gpointer user_data);
} NnRunCallbacks;

typedef enum {
  NN_RUN_CREATED,
  NN_RUN_RUNNING,
  NN_RUN_FINISHED,     /* the thread has ended (the owner may not have heard yet) */
} NnRunState;

/* Copies @recipe and takes a reference on @data. Validates the recipe: NULL and NN_ERROR_INVALID
 * when it is out of range, or when it would train on no image. */
NnRun     *nn_run_new        (const NnRecipe *recipe, NnDataset *data, GError **error);
NnRun     *nn_run_ref        (NnRun *run);
void       nn_run_unref      (NnRun *run);

/* With @lower_priority the training threads yield to the rest of the process (the window's
 * main thread), however busy the cores are. Before nn_run_start(). */
void       nn_run_set_lower_priority (NnRun *run, gboolean lower_priority);

/* The strip of test digits evaluated @per_epoch times an epoch (nn_trainer_set_strip); 0, the
 * default: never. Before nn_run_start(). */
void       nn_run_set_strip  (NnRun *run, guint per_epoch);

/* Starts the thread. @callbacks is copied; any member may be NULL. They are called on the
 * thread-default main context of the caller (g_main_context_ref_thread_default ()).
 * @destroy frees @user_data after `finished` has been delivered, or at nn_run_detach(). */
void       nn_run_start      (NnRun *run, const NnRunCallbacks *callbacks, gpointer user_data,
                              GDestroyNotify destroy);

/* Thread-safe. The run waits before its next batch while paused. */
void       nn_run_set_paused (NnRun *run, gboolean paused);
gboolean   nn_run_get_paused (NnRun *run);
/* Thread-safe: stops after the current batch (or between test batches). */
void       nn_run_cancel     (NnRun *run);
/* No more callbacks from now on (call on the run's context); @destroy runs now. The thread
 * goes on until it ends (cancel first to make that soon). */
void       nn_run_detach     (NnRun *run);
/* Blocks until the thread has ended. Cancel first unless the run should finish. */
void       nn_run_join       (NnRun *run);

NnRunState      nn_run_get_state  (NnRun *run);
const NnRecipe *nn_run_get_recipe (NnRun *run);
NnDataset      *nn_run_get_data   (NnRun *run);
/* Training images per epoch and test images per evaluation, as the recipe takes them. */
guint           nn_run_get_n_train (NnRun *run);
guint           nn_run_get_n_test  (NnRun *run);
/* After the thread has ended: the model's state at the end (after the last batch trained, also
 * when cancelled), or NULL if no model was built; (transfer none). */
GBytes         *nn_run_get_final_state (NnRun *run);

/* "1:05" or "1:02:03": a duration in seconds as a clock shows it (ETAs, elapsed times). */
char      *nn_format_duration (double seconds);

G_END_DECLS
