/* nn-model.h: the 18,820-parameter MNIST network, built from a small spec (a table of blocks
 * in nn-arch.h: conv 3×3 → [BN] → ReLU → [Dropout] → [MaxPool 2×2], then global average
 * pooling and a linear layer; dropout's rate is NN_DROPOUT_P = 0.25 unless a recipe sets
 * another, nn_model_set_dropout):
 *
 *   conv1 3×3 1→16 pad 1 → BN → ReLU → conv2 3×3 16→32 pad 1 → ReLU → Dropout → MaxPool (28→14)
 *   conv3 16 → BN → ReLU → conv4 32 → ReLU → Dropout → MaxPool (14→7)
 *   conv5 12 → BN → ReLU → Dropout → MaxPool (7→3) → conv6 3×3 12→10 no pad (3→1) → ReLU
 *   → global average pool → Linear 10→10 → log-softmax
 *
 * Semantics are PyTorch's: default initialisation U(−1/√fan_in, 1/√fan_in) for conv and linear
 * weights and biases; BN γ = 1, β = 0, normalising with the batch's biased variance in
 * training, running statistics updated with momentum 0.1 and the unbiased variance, ε = 1e-5;
 * inverted dropout; max-pool floor, ties to the first maximum; mean NLL of the log-softmax.
 *
 * Memory: one arena each for parameters, their gradients and the SGD velocity (so the
 * optimiser is one flat loop), one for BN running statistics, and per-block buffers sized for
 * the largest batch, all allocated at construction; nothing per step. Peak ≈ 100 MB at batch
 * 128 (the PyTorch peer: ≈ 900 MB).
 *
 * Speed: each image runs through as many blocks as it can in one go inside its chunk's
 * scratch (in the core's L2), convolutions as implicit GEMMs on zero-padded images
 * (nn-conv3x3.h). Batch norm needs the whole batch, so a step is a sequence of phases split at
 * the BN layers: 4 forward, 4 backward (nn-model-step.c). The layer kernels are those of the
 * CPU variant chosen when the model is made (nn-cpu.h: the best this CPU runs, or BL_CPU's).
 *
 * Determinism: a batch is split into NN_MODEL_CHUNKS fixed chunks whatever the thread count;
 * each chunk accumulates its own parameter gradients and BN partial sums and they are combined
 * in chunk order, so 1 thread and 2 threads give bit-identical weights. Dropout masks and
 * initial weights come from the counter-based generator (nn-rng.h) keyed by (seed, step,
 * image): the same mask whichever thread computes it.
 *
 * Threads: nn_model_new() starts n_threads − 1 workers (GThread, waiting on a GCond) that live
 * as long as the model; the calling thread works too. A model is used from one thread at a
 * time.
 *
 * A training step for the trainer:
 *
 *   nn_model_train_step (m, x, labels, n, step, &loss_sum, &correct, &error);  // grads ready
 *   nn_schedule_at (&schedule, step, epoch, &lr, &momentum);                   // nn-sgd.h
 *   nn_sgd_step (nn_model_params (m), nn_model_grads (m), nn_model_velocity (m),
 *                nn_model_n_params (m), lr, momentum, weight_decay, nesterov);
 */
#pragma once

#include <glib.h>

#include "nn-cpu.h"
#include "nn-thread-pool.h"

G_BEGIN_DECLS

#define NN_MODEL_CHUNKS 8

typedef struct _NnModel NnModel;

typedef struct {
  const char *type;       /* "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "MaxPool2d", … */
  int         out_c, out_h, out_w;   /* output shape per image (C, H, W) */
  gsize       n_params;
} NnLayerInfo;

/* A named parameter tensor, for checkpoints: @data points into the model. Shapes are
 * PyTorch's: conv weight (K, C, 3, 3), bias (K); BN weight, bias, running_mean, running_var
 * (C); linear weight (out, in), bias (out). The parameters, in nn_model_tensors() order
 * (running statistics skipped), tile nn_model_params() exactly. */
typedef struct {
  const char *name;       /* "conv1.weight", "bn1.running_mean", … */
  int         n_dims;
  int         dims[4];
  float      *data;
  gsize       size;
} NnTensorView;

/* @seed fixes the initial weights and every dropout mask; @max_batch (1…65536) sizes the
 * buffers; @n_threads (1…256) counts the calling thread. NULL and NN_ERROR_INVALID if out of
 * range, or if BL_CPU asks for kernels this CPU cannot run (nn_cpu_variant_select()). */
NnModel  *nn_model_new        (guint64 seed, guint max_batch, guint n_threads, GError **error);
/* The CPU variant whose kernels the model runs; switching keeps every weight and buffer (their
 * layout is the same in every variant). FALSE with NN_ERROR_INVALID if this CPU cannot run
 * @variant. */
NnCpuVariant nn_model_get_cpu_variant (NnModel *model);
gboolean  nn_model_set_cpu_variant (NnModel *model, NnCpuVariant variant, GError **error);
void      nn_model_free       (NnModel *model);
/* Back to the seed's initial weights (PyTorch's default initialisation) and zero velocity. */
void      nn_model_reset      (NnModel *model, guint64 seed);

gsize     nn_model_n_params   (NnModel *model);
guint     nn_model_n_layers   (NnModel *model);
void      nn_model_layer_info (NnModel *model, guint layer, NnLayerInfo *out);
/* The per-layer table with the total, as text (what `summary` prints). */
char     *nn_model_summary    (NnModel *model);
/* A one-line description of the architecture, stored in checkpoints: where its dropout layers
 * are, not their rate (the model's, nn_model_get_dropout, is stored beside it). */
const char *nn_model_spec_string (void);

/* Parameters, gradients, velocity: flat arrays of nn_model_n_params() floats. */
float    *nn_model_params     (NnModel *model);
float    *nn_model_grads      (NnModel *model);
float    *nn_model_velocity   (NnModel *model);
/* Every tensor a checkpoint holds (parameters and BN running statistics); (transfer container). */
GArray   *nn_model_tensors    (NnModel *model);
/* Every tensor (parameters and BN running statistics) in nn_model_tensors() order, then the
 * dropout rate (nn_model_get_dropout), as one blob of floats: what a prediction needs, dropout
 * on or off, for handing a trained state to another thread or model. The rate travels with
 * the weights: a model made from a state drops as the network it came from trained. */
GBytes   *nn_model_get_state  (NnModel *model);
/* Sets the tensors and the dropout rate. Fails, changing nothing, with NN_ERROR_MISMATCH if
 * @state is not this architecture's size, NN_ERROR_INVALID if its rate is not in [0, 1). */
gboolean  nn_model_set_state  (NnModel *model, GBytes *state, GError **error);

/* Training targets (1 − ε)·onehot + ε/10 from now on (0, the default: the labels as they are).
 * The loss train_step returns stays the plain negative log-likelihood, comparable with the
 * test loss. */
void      nn_model_set_label_smoothing (NnModel *model, float epsilon);
/* The drop probability of the network's dropout layers in training from now on, 0 ≤ p < 1
 * (NN_DROPOUT_P, the architecture's, by default; 0: every unit kept), and in whatever runs it
 * with dropout on (nn-inspect.h). Part of the model's state (nn_model_get_state) and of its
 * checkpoint. Evaluation never drops. */
void      nn_model_set_dropout (NnModel *model, float p);
/* Runs func(ctx, 0) … func(ctx, n_tasks − 1) on the model's threads (the caller's among them),
 * between steps: for work a step waits on, like preparing its batch. */
void      nn_model_run_tasks   (NnModel *model, NnThreadTaskFunc func, gpointer ctx,
                                guint n_tasks);
guint     nn_model_n_threads   (NnModel *model);
float     nn_model_get_dropout (NnModel *model);

/* One training step's forward and backward on @n ≤ max_batch images x (n, 1, 28, 28),
 * normalised as (x/255 − 0.1307)/0.3081; labels (n), each < 10. Leaves the gradient of the
 * MEAN loss in nn_model_grads() (nothing is applied: call nn_sgd_step), updates the BN running
 * statistics, and returns the SUMMED loss and the number of correct predictions (either
 * pointer may be NULL). @step keys the dropout masks (use the global batch index). Fails with
 * NN_ERROR_INVALID (bad n or label) or NN_ERROR_DIVERGED (non-finite loss). */
gboolean  nn_model_train_step (NnModel *model, const float *x, const guint8 *labels, guint n,
                               guint64 step, double *loss_sum, guint *correct, GError **error);
/* Batch norm's running statistics measured again, without dropout, on clean training images
 * x (n ≤ max_batch, 1, 28, 28): call it for batches 0, 1, 2, … (@batch_index); afterwards the
 * running statistics are the average of those batches' statistics (PyTorch's momentum None).
 * Training moves them as an average over recent batches seen through dropout and
 * augmentation; evaluation sees neither, so measuring them as evaluation will see them fixes
 * the shift in variance dropout leaves (Li et al. 2019, "Understanding the disharmony between
 * dropout and batch normalization"). Nothing else changes. */
void      nn_model_recalibrate_batchnorm (NnModel *model, const float *x, guint n,
                                          guint batch_index);
/* Evaluation mode (running BN statistics, no dropout) on n ≤ max_batch images x (n, 1, 28, 28).
 * Returns the SUMMED loss and the number correct; @pred (n) gets the argmax class and @probs
 * (n, 10) the softmax probabilities; any of them may be NULL; @labels may be NULL (then
 * loss_sum and correct are 0). */
void      nn_model_evaluate   (NnModel *model, const float *x, const guint8 *labels, guint n,
                               double *loss_sum, guint *correct, guint8 *pred, float *probs);

G_END_DECLS
