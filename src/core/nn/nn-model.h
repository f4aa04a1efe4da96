/* nn-model.h: the 18,820-parameter MNIST network, built from a small spec.
 *
 *   conv1 3×3 1→16 pad 1 → BN → ReLU → conv2 3×3 16→32 pad 1 → ReLU → Dropout → MaxPool (28→14)
 *   conv3 16 → BN → ReLU → conv4 32 → ReLU → Dropout → MaxPool (14→7)
 *   conv5 12 → BN → ReLU → Dropout → MaxPool (7→3) → conv6 3×3 12→10 no pad (3→1) → ReLU
 *   → global average pool → Linear 10→10 → log-softmax
 *
 * Memory: one arena each for parameters, their gradients and the SGD velocity (so the
 * optimiser is one flat loop), one for BN running statistics, and per-layer activation
 * buffers sized for the largest batch, all allocated at construction; nothing per step.
 *
 * Determinism: a batch is split into NN_MODEL_CHUNKS fixed chunks whatever the thread count;
 * each chunk accumulates its own parameter gradients and the chunks are summed in order, so
 * 1 thread and 2 threads give bit-identical weights. Dropout masks and initial weights come
 * from the counter-based generator (nn-rng.h) keyed by the seed.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_MODEL_CHUNKS 8

typedef struct _NnModel NnModel;

typedef struct {
  const char *type;       /* "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "MaxPool2d", … */
  int         out_c, out_h, out_w;   /* output shape per image (C, H, W) */
  gsize       n_params;
} NnLayerInfo;

/* A named parameter tensor, for checkpoints: @data points into the model. */
typedef struct {
  const char *name;       /* "conv1.weight", "bn1.running_mean", … */
  int         n_dims;
  int         dims[4];
  float      *data;
  gsize       size;
} NnTensorView;

NnModel  *nn_model_new        (guint64 seed, guint max_batch, guint n_threads, GError **error);
void      nn_model_free       (NnModel *model);
/* Back to the seed's initial weights (PyTorch's default initialisation) and zero velocity. */
void      nn_model_reset      (NnModel *model, guint64 seed);

gsize     nn_model_n_params   (NnModel *model);
guint     nn_model_n_layers   (NnModel *model);
void      nn_model_layer_info (NnModel *model, guint layer, NnLayerInfo *out);
/* The per-layer table with the total, as text (what `summary` prints). */
char     *nn_model_summary    (NnModel *model);
/* A one-line description of the architecture, stored in checkpoints. */
const char *nn_model_spec_string (void);

/* Parameters, gradients, velocity: flat arrays of nn_model_n_params() floats. */
float    *nn_model_params     (NnModel *model);
float    *nn_model_grads      (NnModel *model);
float    *nn_model_velocity   (NnModel *model);
/* Every tensor a checkpoint holds (parameters and BN running statistics); (transfer container). */
GArray   *nn_model_tensors    (NnModel *model);

/* One training step's forward and backward on @n ≤ max_batch images x (n, 1, 28, 28),
 * normalised; labels (n). Leaves the mean loss's gradient in nn_model_grads() and returns the
 * summed loss and the number of correct predictions. @step keys the dropout masks. */
gboolean  nn_model_train_step (NnModel *model, const float *x, const guint8 *labels, guint n,
                               guint64 step, double *loss_sum, guint *correct, GError **error);
/* Evaluation mode (running BN statistics, no dropout). @pred (n) and @probs (n, 10) may be
 * NULL; @labels may be NULL (then loss_sum and correct are 0). */
void      nn_model_evaluate   (NnModel *model, const float *x, const guint8 *labels, guint n,
                               double *loss_sum, guint *correct, guint8 *pred, float *probs);

G_END_DECLS
