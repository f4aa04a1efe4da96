/* nn-trainer.h: the epoch loop the window and the CLI both drive.
 *
 * The trainer owns a model and a reference on a data set. nn_trainer_run() blocks: call it on a
 * worker thread. It reports through callbacks (called on that thread: copy what you need and
 * hand it to your main loop), checks the GCancellable between batches, and waits while
 * paused (a condition variable, not a spin). No global state: two trainers can run at once.
 */
#pragma once

#include <gio/gio.h>

#include "nn-dataset.h"
#include "nn-inspect.h"
#include "nn-model.h"
#include "nn-sgd.h"

G_BEGIN_DECLS

typedef struct {
  guint          epochs;
  guint          batch;
  double         lr;             /* constant/step: the rate; one-cycle: the peak */
  double         momentum;
  double         weight_decay;
  NnScheduleKind schedule;
  guint          step_epochs;    /* step schedule: ×gamma every this many epochs */
  double         gamma;
  guint64        seed;
  guint          threads;
  guint          train_subset;   /* 0: all training images */
  guint          test_subset;    /* 0: all test images */
  double         rotate_deg;     /* random rotation ±deg of training images; 0: none */
  double         shift_px;       /* random shift ±pixels of training images along each axis,
                                  * 0–NN_MAX_SHIFT_PX; 0: none */
  guint          upright_last;   /* the last this many epochs train on the images as they
                                  * are, neither turned nor moved, like the test images;
                                  * 0: augment throughout */
  double         label_smoothing;  /* ε of the training targets (nn-loss.h); 0: none */
  double         dropout;        /* drop probability of the dropout layers in training
                                  * (nn_model_set_dropout); the architecture's NN_DROPOUT_P
                                  * unless a recipe says otherwise */
  gboolean       nesterov;       /* Nesterov momentum (nn-sgd.h) */
  guint          recalibrate_bn; /* before each test pass, batch norm's statistics measured
                                  * again on this many training images (at most an epoch's),
                                  * without dropout or augmentation
                                  * (nn_model_recalibrate_batchnorm); 0: never */
} NnRecipe;

/* The default: 20 epochs, batch 128, one-cycle to 0.05 with Nesterov momentum, weight decay
 * 5e-4, rotation ±7° but the last epoch upright, label smoothing 0.05, batch norm
 * recalibrated on 10,000 training images before each test pass, seed 1, 2 threads. Chosen on
 * a validation split of the training images (the last 10,000 held out), never on the test set
 * (bench/README.md). */
void nn_recipe_init_default (NnRecipe *r);
/* The plain recipe: SGD 0.01, momentum 0.9, constant, nothing else (the peer's own). */
void nn_recipe_init_plain   (NnRecipe *r);
/* The quick recipe, for a lesson's time: the same network in under a minute on a 2-core
 * laptop (bench/README.md has its accuracy per seed): the default's levers over 5 epochs of
 * batch 64, one-cycle to 0.1, and dropout 0.05 (five epochs underfit: the network's 0.25 held
 * them back). Chosen on the validation split too. */
void nn_recipe_init_quick   (NnRecipe *r);
gboolean nn_recipe_validate (const NnRecipe *r, GError **error);
/* "epochs=20 batch=128 lr=0.05 …", for logs and checkpoints. (transfer full) */
char *nn_recipe_to_string   (const NnRecipe *r);

typedef struct {
  guint  epoch;          /* 1-based */
  guint  epochs;
  guint  batch;          /* 1-based within the epoch */
  guint  n_batches;
  double loss;           /* this batch's mean loss */
  double accuracy;       /* this batch's training accuracy */
  double lr;
  double images_per_s;   /* this epoch so far */
  double eta_s;          /* to the end of the run */
  /* Is each layer learning? Per layer with parameters (nn_inspect_param_layers order): the
   * gradient's norm and the step's size relative to the weights'. */
  guint  n_param_layers;
  float  grad_norm[NN_INSPECT_MAX_PARAM_LAYERS];
  float  update_ratio[NN_INSPECT_MAX_PARAM_LAYERS];
  /* The strip's predictions after this batch (nn_trainer_set_strip), else n_strip is 0. */
  guint  n_strip;
  float  strip_probs[NN_INSPECT_STRIP * NN_CLASSES];
} NnBatchReport;

/* What is kept of one finished epoch: the run log's line, the page's history, a curve on
 * Compare Rates. Plain values only, so it can be copied and stored as it is. */
typedef struct {
  guint  epoch;          /* 1-based */
  double train_loss, train_acc;
  double test_loss, test_acc;
  double seconds;        /* training and testing this epoch */
  double lr;             /* at the end of the epoch */
  guint  confusion[NN_CLASSES][NN_CLASSES];   /* [true][predicted], test set */
} NnEpochRecord;

/* The trainer's end-of-epoch callback argument: the record, plus what is valid only during
 * the callback (copy what you keep): the softmax output of each of the n_test test images
 * evaluated, (n_test, 10), and the model's state after this epoch. */
typedef struct {
  NnEpochRecord record;
  const float  *test_probs;
  guint         n_test;
  NnModel      *model;
} NnEpochReport;

typedef void (*NnBatchFunc) (const NnBatchReport *report, gpointer user_data);
typedef void (*NnEpochFunc) (const NnEpochReport *report, gpointer user_data);

typedef struct _NnTrainer NnTrainer;

/* Takes a reference on @data for as long as the trainer lives. */
NnTrainer *nn_trainer_new       (const NnRecipe *recipe, NnDataset *data, GError **error);
void       nn_trainer_free      (NnTrainer *trainer);
NnModel   *nn_trainer_get_model (NnTrainer *trainer);
const NnRecipe *nn_trainer_get_recipe (NnTrainer *trainer);
/* Trains recipe->epochs epochs. FALSE with NN_ERROR_CANCELLED if cancelled (the model keeps
 * the last completed batch), NN_ERROR_DIVERGED if the loss stops being finite. */
gboolean   nn_trainer_run       (NnTrainer *trainer, NnBatchFunc on_batch, NnEpochFunc on_epoch,
                                 gpointer user_data, GCancellable *cancellable, GError **error);
/* Evaluates the strip of test digits (nn_inspect_choose_strip) @per_epoch times an epoch,
 * evenly spread and after the last batch, into the batch reports (0: never, the default).
 * The training itself is the same bit for bit. Before nn_trainer_run(). */
void       nn_trainer_set_strip (NnTrainer *trainer, guint per_epoch);
/* Thread-safe: the run waits before its next batch while paused. */
void       nn_trainer_set_paused (NnTrainer *trainer, gboolean paused);
gboolean   nn_trainer_get_paused (NnTrainer *trainer);

/* Evaluates @model on @split (first @limit images, 0: all): mean loss, accuracy, confusion,
 * and (if @probs is not NULL: n × 10 floats) each image's softmax output. Checks
 * @cancellable (may be NULL) between batches: FALSE if it was cancelled (the outputs are then
 * incomplete). */
gboolean   nn_evaluate_split    (NnModel *model, const NnSplit *split, guint limit, guint batch,
                                 double *loss, double *accuracy,
                                 guint confusion[NN_CLASSES][NN_CLASSES], float *probs,
                                 GCancellable *cancellable);

G_END_DECLS
