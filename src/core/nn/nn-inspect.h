/* nn-inspect.h: the network seen from inside, for teaching: what every layer computes for one
 * image, one output value taken apart into its multiplies, the gradient of a class score with
 * respect to the input pixels, a single parameter's gradient checked against a central
 * difference, per-layer gradient and update sizes, and a fixed strip of test digits.
 *
 * Everything runs on the model's own kernels where the training does (so a captured feature
 * map is the engine's activation, bit for bit), is deterministic by seed, and does not depend
 * on the thread count. No GTK. A model is used from one thread at a time: the window calls
 * these on a copy of the state (nn_model_set_state: the weights, and the dropout rate the
 * network trained with, which the passes and the gradient check drop at) in a task of its own.
 */
#pragma once

#include <glib.h>

#include "nn-arch.h"
#include "nn-dataset.h"
#include "nn-model.h"

G_BEGIN_DECLS

/* Test digits in the strip: one typical and one hard digit per class. */
#define NN_INSPECT_STRIP 20
/* Layers with parameters (conv, BN, linear) the reports describe; the network has 10. */
#define NN_INSPECT_MAX_PARAM_LAYERS 16
/* The most terms one explained value has: a 3×3 window in each of ≤ 64 input channels. */
#define NN_INSPECT_MAX_TERMS 576

typedef enum {
  NN_MAP_INPUT,
  NN_MAP_CONV,
  NN_MAP_BN,
  NN_MAP_RELU,
  NN_MAP_DROPOUT,   /* in evaluation: the identity */
  NN_MAP_MAXPOOL,
  NN_MAP_GAP,
  NN_MAP_LINEAR,
  NN_MAP_SOFTMAX,
} NnMapKind;

/* One layer's output for one image, (c, h, w) floats, row-major. */
typedef struct {
  NnMapKind   kind;
  const char *name;       /* parameter prefix ("conv1", "bn1", "fc") or NULL */
  int         c, h, w;
  float      *data;
} NnMap;

/* Every layer's output for one image in evaluation mode: maps[0] is the input (normalised),
 * maps[1 + i] the output of model layer i (nn_model_layer_info order), the last the softmax. */
typedef struct {
  guint  n_maps;
  NnMap *maps;
  float  logits[NN_CLASSES];
  float  probs[NN_CLASSES];
  guint8 predicted;
  guint  conv_map[NN_ARCH_N_BLOCKS];   /* each block's convolution map */
  /* The statistics each BN block normalised with (running, or the image's own), else NULL. */
  float *bn_mean[NN_ARCH_N_BLOCKS], *bn_var[NN_ARCH_N_BLOCKS];
  float *blob;            /* owns every map's data */
} NnCapture;

/* The forward pass of x (1, 28, 28, normalised) in evaluation mode, every layer kept. The last
 * map of each block (after ReLU, dropout, pooling) is what the engine writes as the next
 * block's input, bit for bit; the convolution and batch norm maps come from the same kernels
 * with the fused steps taken apart (so they agree with the fused result too). */
NnCapture *nn_inspect_capture      (NnModel *model, const float *x);
/* The same with batch norm normalising by this image's own statistics (mean and biased
 * variance of each channel over its pixels, as training does with a batch) instead of the
 * running ones. The bit-for-bit promise holds for nn_inspect_capture only. */
NnCapture *nn_inspect_capture_own_stats (NnModel *model, const float *x);
void       nn_capture_free         (NnCapture *capture);

/* Class probabilities of x (1, 28, 28) with dropout on, as in training (the model's rate,
 * nn_model_get_dropout), over @passes passes (masks keyed by pass number): @probs (passes, 10).
 * Batch norm uses the running statistics. */
void       nn_inspect_dropout_passes (NnModel *model, const float *x, guint passes, float *probs);

/* One value of a map taken apart, every number the computation uses. @result is recomputed
 * from those numbers in double and equals @value to float rounding. */
typedef struct {
  NnMapKind kind;
  guint     map;            /* index in the capture */
  int       c, y, x;        /* the value explained */
  float     value;          /* the map's value there */
  double    result;         /* recomputed from the numbers below */
  /* Conv: in = the 3×3 input window of each input channel (C × 9, 0 where it falls on the
   * padding, marked in padded), weight = the kernels, product = their products; sum over all;
   * bias. Linear: in = the 10 pooled features, weight = the row of W. GAP: in = the h·w values.
   * Max-pool: in = the 2×2 window, winner its index. Softmax: in = the logits, product =
   * exp(logit − max), sum = Σ product. ReLU, dropout, BN: in[0] = the input value. */
  guint     n_terms;
  int       n_channels;     /* conv: input channels (n_terms = 9 · n_channels) */
  float     in[NN_INSPECT_MAX_TERMS];
  float     weight[NN_INSPECT_MAX_TERMS];
  double    product[NN_INSPECT_MAX_TERMS];
  guint8    padded[NN_INSPECT_MAX_TERMS];
  double    sum;
  float     bias;
  int       winner;
  float     logit_max;      /* softmax: the shift */
  /* BN in evaluation: γ·(z − running mean)/√(running var + ε) + β. */
  float     running_mean, running_var, gamma, beta;
  double    eps;
} NnExplain;

/* Fills @out for value (c, y, x) of map @map of @capture; FALSE if out of range or the input
 * map (nothing to explain). The model must hold the weights the capture was made with. */
gboolean   nn_inspect_explain      (NnModel *model, const NnCapture *capture, guint map, int c,
                                    int y, int x, NnExplain *out);

/* ∂logit[cls]/∂x for the captured image (784 floats, w.r.t. the normalised pixels): the
 * backward pass in evaluation mode (BN as its affine map, no dropout), in double. */
void       nn_inspect_input_gradient (NnModel *model, const NnCapture *capture, guint cls,
                                      float *grad);

/* For each position of a @patch × @patch square (stride @stride) set to black, the drop in
 * the probability of @cls; averaged per pixel over the squares covering it into @drop (784).
 * Runs the model on batches of occluded copies (up to its max_batch at a time). */
void       nn_inspect_occlusion    (NnModel *model, const float *x, guint cls, int patch,
                                    int stride, float *drop);

/* The layers with parameters, in model order: "conv1", "bn1", …, "fc". */
typedef struct {
  const char *name;
  const char *type;          /* "Conv2d", "BatchNorm2d", "Linear" */
  gsize       offset, size;  /* in nn_model_params(): weights then biases */
  gsize       n_weights;     /* the first n_weights are the weights (γ for BN) */
} NnParamLayer;

guint      nn_inspect_param_layers (NnModel *model, NnParamLayer *out, guint max);

/* Per layer: the gradient's L2 norm, and ‖θ − before‖ / ‖θ‖ (the update relative to the
 * weights) after an optimiser step from @before. */
void       nn_inspect_layer_norms  (NnModel *model, const float *before, const float *grads,
                                    float *grad_norm, float *update_ratio);

/* One parameter's gradient two ways on a batch x (n, 1, 28, 28), labels (n): analytic by the
 * training step's backward pass, numeric as (L(θ+ε) − L(θ−ε)) / 2ε with batch statistics and
 * the dropout mask of @step held fixed (dropping at the model's rate, nn_model_get_dropout),
 * L the batch's mean loss (no label smoothing). The model's weights, running statistics and
 * velocity are as before afterwards. */
typedef struct {
  gsize  param;
  double analytic, numeric, rel_error, eps;
  double loss;
  float  dropout;        /* the rate the mask dropped at */
} NnGradCheck;

gboolean   nn_inspect_check_param  (NnModel *model, const float *x, const guint8 *labels,
                                    guint n, guint64 step, gsize param, double eps,
                                    NnGradCheck *out, GError **error);

/* The strip: NN_INSPECT_STRIP test digits chosen from the images alone, so the same set gives
 * the same strip: for each class the digit closest to its class's mean image (typical) and the
 * one closest to another class's mean relative to its own (hard), ordered by class. Returns
 * how many were found (fewer when a class has no image). */
guint      nn_inspect_choose_strip (const NnSplit *split, guint32 *indices);

G_END_DECLS
