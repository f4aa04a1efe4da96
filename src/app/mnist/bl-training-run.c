/* bl-training-run.c: see bl-training-run.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "mnist/bl-training-run.h"
#include "nn-error.h"

G_DEFINE_ENUM_TYPE (BlRunState, bl_run_state,
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_READY, "ready"),
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_TRAINING, "training"),
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_PAUSED, "paused"),
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_STOPPING, "stopping"),
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_FINISHED, "finished"),
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_STOPPED, "stopped"),
  G_DEFINE_ENUM_VALUE (BL_RUN_STATE_FAILED, "failed"))

/* ------------------------------------------------------------------------------------------
 * BlEpoch
 */

struct _BlEpoch {
  GObject       parent_instance;
  NnEpochRecord record;
  GBytes       *test_probs;
  guint         n_test;
  GBytes       *state;
};

G_DEFINE_FINAL_TYPE (BlEpoch, bl_epoch, G_TYPE_OBJECT)

static void
bl_epoch_finalize (GObject *object)
{
  BlEpoch *self = BL_EPOCH (object);

  g_clear_pointer (&self->test_probs, g_bytes_unref);
  g_clear_pointer (&self->state, g_bytes_unref);
  G_OBJECT_CLASS (bl_epoch_parent_class)->finalize (object);
}

static void
bl_epoch_class_init (BlEpochClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bl_epoch_finalize;
}

static void
bl_epoch_init (BlEpoch *self)
{
}

static BlEpoch *
bl_epoch_new (const NnRunEpoch *epoch)
{
  BlEpoch *self = g_object_new (BL_TYPE_EPOCH, NULL);

  self->record = epoch->record;
  self->test_probs = g_bytes_ref (epoch->test_probs);
  self->n_test = epoch->n_test;
  self->state = g_bytes_ref (epoch->state);
  return self;
}

const NnEpochRecord *
bl_epoch_get_record (BlEpoch *self)
{
  g_return_val_if_fail (BL_IS_EPOCH (self), NULL);
  return &self->record;
}

GBytes *
bl_epoch_get_test_probs (BlEpoch *self)
{
  g_return_val_if_fail (BL_IS_EPOCH (self), NULL);
  return self->test_probs;
}

guint
bl_epoch_get_n_test (BlEpoch *self)
{
  g_return_val_if_fail (BL_IS_EPOCH (self), 0);
  return self->n_test;
}

GBytes *
bl_epoch_get_state (BlEpoch *self)
{
  g_return_val_if_fail (BL_IS_EPOCH (self), NULL);
  return self->state;
}

/* ------------------------------------------------------------------------------------------
 * BlTrainingRun
 */

struct _BlTrainingRun {
  GObject        parent_instance;
  NnRun         *run;
  char          *label;
  BlRunState     state;
  guint          batches_seen;
  double         best_accuracy;
  guint          best_epoch;
  NnBatchReport  last_batch;
  GListStore    *history;      /* BlEpoch */
  GError        *error;
};

G_DEFINE_FINAL_TYPE (BlTrainingRun, bl_training_run, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATE, PROP_EPOCHS_DONE, PROP_BATCHES_SEEN, PROP_BEST_ACCURACY,
       PROP_BEST_EPOCH, N_PROPS };
static GParamSpec *props[N_PROPS];

enum { SIGNAL_BATCHES, SIGNAL_FINISHED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_state (BlTrainingRun *self, BlRunState state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* The harness's callbacks: on the main context, in order, never after `finished`. */

static void
on_batches (NnRun *run, const NnBatchReport *reports, guint n, gpointer data)
{
  BlTrainingRun *self = data;

  self->batches_seen += n;
  self->last_batch = reports[n - 1];
  g_signal_emit (self, signals[SIGNAL_BATCHES], 0, reports, n);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BATCHES_SEEN]);
}

static void
on_epoch (NnRun *run, const NnRunEpoch *epoch, gpointer data)
{
  BlTrainingRun *self = data;
  g_autoptr(BlEpoch) item = bl_epoch_new (epoch);

  g_object_freeze_notify (G_OBJECT (self));
  if (epoch->record.test_acc > self->best_accuracy || self->best_epoch == 0)
    {
      self->best_accuracy = epoch->record.test_acc;
      self->best_epoch = epoch->record.epoch;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BEST_ACCURACY]);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BEST_EPOCH]);
    }
  g_list_store_append (self->history, item);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EPOCHS_DONE]);
  g_object_thaw_notify (G_OBJECT (self));
}

static void
on_finished (NnRun *run, const GError *error, gpointer data)
{
  BlTrainingRun *self = data;

  if (error == NULL)
    set_state (self, BL_RUN_STATE_FINISHED);
  else
    {
      self->error = g_error_copy (error);
      set_state (self, g_error_matches (error, NN_ERROR, NN_ERROR_CANCELLED)
                       ? BL_RUN_STATE_STOPPED : BL_RUN_STATE_FAILED);
    }
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0);
}

static const NnRunCallbacks callbacks = { on_batches, on_epoch, on_finished };

BlTrainingRun *
bl_training_run_new (const NnRecipe *recipe, NnDataset *data, const char *label, GError **error)
{
  NnRun *run = nn_run_new (recipe, data, error);
  BlTrainingRun *self;

  if (run == NULL)
    return NULL;
  self = g_object_new (BL_TYPE_TRAINING_RUN, NULL);
  self->run = run;
  self->label = g_strdup (label ? label : "");
  return self;
}

void
bl_training_run_start (BlTrainingRun *self)
{
  g_return_if_fail (BL_IS_TRAINING_RUN (self));
  g_return_if_fail (self->state == BL_RUN_STATE_READY);
  /* The training threads yield to the window's main thread, however busy the cores are. */
  nn_run_set_lower_priority (self->run, TRUE);
  /* The strip of test digits (the Inside view), answered this many times an epoch: 20 images
   * each time, under 0.1 % of an epoch's work. */
  nn_run_set_strip (self->run, 8);
  /* Callbacks reach us on this (the main) context; dispose detaches before we go. */
  nn_run_start (self->run, &callbacks, self, NULL);
  set_state (self, BL_RUN_STATE_TRAINING);
}

void
bl_training_run_set_paused (BlTrainingRun *self, gboolean paused)
{
  g_return_if_fail (BL_IS_TRAINING_RUN (self));
  if (self->state != BL_RUN_STATE_TRAINING && self->state != BL_RUN_STATE_PAUSED)
    return;
  nn_run_set_paused (self->run, paused);
  set_state (self, paused ? BL_RUN_STATE_PAUSED : BL_RUN_STATE_TRAINING);
}

void
bl_training_run_stop (BlTrainingRun *self)
{
  g_return_if_fail (BL_IS_TRAINING_RUN (self));
  if (!bl_training_run_is_active (self) || self->state == BL_RUN_STATE_STOPPING)
    return;
  nn_run_cancel (self->run);
  /* A paused run must wake to see the cancel. */
  nn_run_set_paused (self->run, FALSE);
  set_state (self, BL_RUN_STATE_STOPPING);
}

BlRunState
bl_training_run_get_state (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), BL_RUN_STATE_READY);
  return self->state;
}

gboolean
bl_training_run_is_active (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), FALSE);
  return self->state == BL_RUN_STATE_TRAINING || self->state == BL_RUN_STATE_PAUSED ||
         self->state == BL_RUN_STATE_STOPPING;
}

const NnRecipe *
bl_training_run_get_recipe (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return nn_run_get_recipe (self->run);
}

NnDataset *
bl_training_run_get_data (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return nn_run_get_data (self->run);
}

const char *
bl_training_run_get_label (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return self->label;
}

guint
bl_training_run_get_n_train (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), 0);
  return nn_run_get_n_train (self->run);
}

guint
bl_training_run_get_n_test (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), 0);
  return nn_run_get_n_test (self->run);
}

guint
bl_training_run_get_epochs_done (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->history));
}

guint
bl_training_run_get_batches_seen (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), 0);
  return self->batches_seen;
}

double
bl_training_run_get_best_accuracy (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), 0);
  return self->best_accuracy;
}

guint
bl_training_run_get_best_epoch (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), 0);
  return self->best_epoch;
}

const NnBatchReport *
bl_training_run_get_last_batch (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return self->batches_seen ? &self->last_batch : NULL;
}

GListModel *
bl_training_run_get_history (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return G_LIST_MODEL (self->history);
}

BlEpoch *
bl_training_run_get_latest_epoch (BlTrainingRun *self)
{
  guint n;
  g_autoptr(BlEpoch) epoch = NULL;

  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  if ((n = g_list_model_get_n_items (G_LIST_MODEL (self->history))) == 0)
    return NULL;
  epoch = g_list_model_get_item (G_LIST_MODEL (self->history), n - 1);
  return epoch;   /* the store keeps its own reference */
}

GBytes *
bl_training_run_get_final_state (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return self->run && !bl_training_run_is_active (self) ? nn_run_get_final_state (self->run)
                                                        : NULL;
}

const GError *
bl_training_run_get_error (BlTrainingRun *self)
{
  g_return_val_if_fail (BL_IS_TRAINING_RUN (self), NULL);
  return self->error;
}

static void
bl_training_run_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BlTrainingRun *self = BL_TRAINING_RUN (object);

  switch (id)
    {
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_EPOCHS_DONE: g_value_set_uint (value, bl_training_run_get_epochs_done (self)); break;
    case PROP_BATCHES_SEEN: g_value_set_uint (value, self->batches_seen); break;
    case PROP_BEST_ACCURACY: g_value_set_double (value, self->best_accuracy); break;
    case PROP_BEST_EPOCH: g_value_set_uint (value, self->best_epoch); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
bl_training_run_dispose (GObject *object)
{
  BlTrainingRun *self = BL_TRAINING_RUN (object);

  if (self->run)
    {
      /* Nothing reaches us any more; the thread finishes its batch and frees itself. */
      nn_run_detach (self->run);
      nn_run_cancel (self->run);
      g_clear_pointer (&self->run, nn_run_unref);
    }
  G_OBJECT_CLASS (bl_training_run_parent_class)->dispose (object);
}

static void
bl_training_run_finalize (GObject *object)
{
  BlTrainingRun *self = BL_TRAINING_RUN (object);

  g_object_unref (self->history);
  g_free (self->label);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (bl_training_run_parent_class)->finalize (object);
}

static void
bl_training_run_class_init (BlTrainingRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = bl_training_run_get_property;
  object_class->dispose = bl_training_run_dispose;
  object_class->finalize = bl_training_run_finalize;
  props[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, BL_TYPE_RUN_STATE,
                                         BL_RUN_STATE_READY, flags);
  props[PROP_EPOCHS_DONE] = g_param_spec_uint ("epochs-done", NULL, NULL, 0, G_MAXUINT, 0,
                                               flags);
  props[PROP_BATCHES_SEEN] = g_param_spec_uint ("batches-seen", NULL, NULL, 0, G_MAXUINT, 0,
                                                flags);
  props[PROP_BEST_ACCURACY] = g_param_spec_double ("best-accuracy", NULL, NULL, 0, 1, 0, flags);
  props[PROP_BEST_EPOCH] = g_param_spec_uint ("best-epoch", NULL, NULL, 0, G_MAXUINT, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
  signals[SIGNAL_BATCHES] = g_signal_new ("batches", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                          2, G_TYPE_POINTER, G_TYPE_UINT);
  signals[SIGNAL_FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           0);
}

static void
bl_training_run_init (BlTrainingRun *self)
{
  self->history = g_list_store_new (BL_TYPE_EPOCH);
}
