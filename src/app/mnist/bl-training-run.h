/* bl-training-run.h: one training run as the window sees it: a GObject over the core's run
 * harness (nn-run.h), living on the main thread.
 *
 * It holds the run's state, its counters and best epoch as properties that notify, and its
 * history as a GListModel of BlEpoch (one item per finished epoch, with what the views need:
 * the record, every test image's probabilities, the model's state). Batch reports arrive
 * coalesced through the "batches" signal. Nothing here touches a widget: the run view, the
 * status line, Try It and Compare Rates observe it. Dropping the last reference mid-run
 * cancels the run; its thread ends on its own after the current batch.
 */
#pragma once

#include <gio/gio.h>

#include "nn-run.h"

G_BEGIN_DECLS

typedef enum {
  BL_RUN_STATE_READY,       /* made, not started */
  BL_RUN_STATE_TRAINING,
  BL_RUN_STATE_PAUSED,
  BL_RUN_STATE_STOPPING,    /* stop asked for; the current batch is finishing */
  BL_RUN_STATE_FINISHED,    /* every epoch ran */
  BL_RUN_STATE_STOPPED,     /* stopped on request */
  BL_RUN_STATE_FAILED,      /* see bl_training_run_get_error () */
} BlRunState;

#define BL_TYPE_RUN_STATE (bl_run_state_get_type ())
GType bl_run_state_get_type (void);

/* ---- One finished epoch of a run. */

#define BL_TYPE_EPOCH (bl_epoch_get_type ())
G_DECLARE_FINAL_TYPE (BlEpoch, bl_epoch, BL, EPOCH, GObject)

const NnEpochRecord *bl_epoch_get_record     (BlEpoch *self);
/* (n_test, 10) floats; (transfer none). */
GBytes              *bl_epoch_get_test_probs (BlEpoch *self);
guint                bl_epoch_get_n_test     (BlEpoch *self);
/* The model's state after this epoch (nn_model_get_state); (transfer none). */
GBytes              *bl_epoch_get_state      (BlEpoch *self);

/* ---- The run. */

#define BL_TYPE_TRAINING_RUN (bl_training_run_get_type ())
G_DECLARE_FINAL_TYPE (BlTrainingRun, bl_training_run, BL, TRAINING_RUN, GObject)

/* Copies @recipe, takes a reference on @data. @label names the run in the window ("this
 * window", "η = 0.05"). NULL and NN_ERROR_INVALID for a recipe out of range. */
BlTrainingRun   *bl_training_run_new         (const NnRecipe *recipe, NnDataset *data,
                                              const char *label, GError **error);
void             bl_training_run_start       (BlTrainingRun *self);
void             bl_training_run_set_paused  (BlTrainingRun *self, gboolean paused);
/* Stops after the current batch; "finished" follows. */
void             bl_training_run_stop        (BlTrainingRun *self);

BlRunState       bl_training_run_get_state   (BlTrainingRun *self);
/* Training, paused or stopping: its thread is still at work. */
gboolean         bl_training_run_is_active   (BlTrainingRun *self);
const NnRecipe  *bl_training_run_get_recipe  (BlTrainingRun *self);
NnDataset       *bl_training_run_get_data    (BlTrainingRun *self);
const char      *bl_training_run_get_label   (BlTrainingRun *self);
guint            bl_training_run_get_n_train (BlTrainingRun *self);
guint            bl_training_run_get_n_test  (BlTrainingRun *self);
guint            bl_training_run_get_epochs_done  (BlTrainingRun *self);
guint            bl_training_run_get_batches_seen (BlTrainingRun *self);
double           bl_training_run_get_best_accuracy (BlTrainingRun *self);
guint            bl_training_run_get_best_epoch    (BlTrainingRun *self);
/* The latest batch report, or NULL before the first. */
const NnBatchReport *bl_training_run_get_last_batch (BlTrainingRun *self);
/* BlEpoch items, oldest first; (transfer none). */
GListModel      *bl_training_run_get_history (BlTrainingRun *self);
/* The newest epoch, or NULL; (transfer none). */
BlEpoch         *bl_training_run_get_latest_epoch (BlTrainingRun *self);
/* Once finished: the model's state after the last batch it trained (also when stopped mid-epoch),
 * or NULL if no model was built; (transfer none). */
GBytes          *bl_training_run_get_final_state (BlTrainingRun *self);
/* How a stopped or failed run ended; NULL otherwise. */
const GError    *bl_training_run_get_error   (BlTrainingRun *self);

/* Signals:
 *   "batches" (gpointer reports, guint n): NnBatchReport[n], the batches since the last
 *             emission, oldest first; valid during the emission only.
 *   "finished" (): the thread has ended; the state says how.
 * Properties (read-only, notify): "state", "epochs-done", "batches-seen", "best-accuracy",
 * "best-epoch". */

G_END_DECLS
