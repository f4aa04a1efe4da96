/* nn-model-private.h: the model's insides, shared by nn-model.c (construction, parameters,
 * the public steps) and nn-model-step.c (one step's phases, one image through the blocks). */
#pragma once

#include "nn-arch.h"
#include "nn-cpu.h"
#include "nn-dataset.h"
#include "nn-model.h"
#include "nn-thread-pool.h"

G_BEGIN_DECLS

#define N_BLOCKS NN_ARCH_N_BLOCKS

typedef enum {
  NN_LAYER_CONV,
  NN_LAYER_BN,
  NN_LAYER_RELU,
  NN_LAYER_DROPOUT,
  NN_LAYER_MAXPOOL,
  NN_LAYER_GAP,
  NN_LAYER_LINEAR,
} NnLayerType;

/* The flat layer list, for the summary and the checkpoint's tensor names. */
typedef struct {
  NnLayerType type;
  const char *name;
  int         in_c, out_c, out_h, out_w;
  gsize       w_off, b_off, n_params, stat_off;
} NnLayer;

typedef struct {
  /* Geometry. Input (C, H, W) padded to (C, Hp, Wp); conv output (K, P, Q); block output
   * (K, OP, OQ). */
  int     C, K, H, W, pad, Hp, Wp, P, Q, OP, OQ;
  gboolean bn, dropout, pool;
  gsize   in_stride;     /* floats per image of @in: C·Hp·Wp + slack */
  gsize   npix;          /* floats per channel of a conv output on the padded grid */
  gsize   PW;            /* P·Wp: the pixels of that grid that are rows, garbage included */
  float  *colmask;       /* (npix) 1 on real outputs (q < Q, inside P·Wp), 0 elsewhere */
  gsize   w_off, b_off;  /* conv weights (K, C, 3, 3) and bias (K) in the parameter arena */
  gsize   g_off, be_off; /* BN γ, β */
  gsize   stat_off;      /* BN running mean (K) then running var (K) */
  /* Where this block writes: the next block's input (padded by its pad) or the head's. */
  float  *out;
  gsize   out_stride;
  int     out_Hp, out_Wp, out_pad;
  /* What is kept for backward, and so how much memory a batch needs (per image: the block's
   * input, the BN blocks' z and du). An input that is the previous block's z through its batch
   * norm and ReLU and nothing else (in_from_z) is not kept: it lives in the chunk's scratch
   * while an image passes and is recomputed from z for backward, an element-wise pass. The
   * first block's z is a convolution of one channel (a 16th of the next one's work): it is
   * recomputed from the image for batch norm's backward, and du takes z's place
   * (du_over_z). */
  gboolean in_from_z, du_over_z;
  /* Kept across phases, (max_batch, …). */
  float  *in;            /* padded input, zero borders and slack; NULL if in_from_z */
  float  *z;             /* BN: conv output (K, npix), padded-width; du_over_z: from the
                          * backward pass's BN barrier on, du instead */
  float  *du;            /* BN: ∂loss/∂(BN output) (K, npix), padded-width, garbage 0; NULL if
                          * du_over_z */
  guint8 *argmax;        /* pool: (K, OP, OQ), 0…3 within the window */
  /* Per step. */
  float  *wt, *wf;       /* packed weights: forward, and flipped for the input gradient */
  float  *bn_a, *bn_b;   /* (K) BN as y = a·z + b for this phase */
  float  *mean, *rstd;   /* (K) batch statistics (training) */
  double *sum_du, *sum_du_xhat;   /* (K) reduced backward sums */
  double *part;          /* (NN_MODEL_CHUNKS, 2, K) per-chunk partial statistics */
} NnBlock;

typedef struct {
  /* All (K, npix) on the padded-width grid of the block's input: */
  float *act;            /* after ReLU/dropout (forward); ∂/∂(pre-ReLU), garbage 0 (backward) */
  float *dz;             /* ∂loss/∂(conv output) after BN backward, garbage 0 */
  float *dx;             /* (C, npix of the input grid): ∂loss/∂(block input) */
  float *dzp[N_BLOCKS];  /* (K, P + 2d, Q + 2d) + slack, d = 2 − pad: dz padded for dx */
  float *in[N_BLOCKS];   /* in_from_z blocks: the input of the image passing, padded */
  float *conv_scratch;   /* the convolution kernels' (nn_conv3x3_scratch) */
  float  head[NN_CLASSES];
} NnChunkScratch;

struct _NnModel {
  NnLayer *layers;
  guint    n_layers;
  NnBlock  blocks[N_BLOCKS];
  gsize    fc_w_off, fc_b_off;
  gsize    n_params;
  float   *params, *grads, *velocity;
  float   *chunk_grads;                 /* (NN_MODEL_CHUNKS, n_params) */
  float   *stats;                       /* BN running statistics */
  gsize    n_stats;
  float   *head_in;                     /* last block's output, (max_batch, out_stride) */
  float   *feat;                        /* (max_batch, 10) after global average pooling */
  float   *logits, *logp, *dlogits;     /* (max_batch, 10) */
  NnChunkScratch scratch[NN_MODEL_CHUNKS];
  guint    max_batch;
  guint64  seed;
  float    label_smoothing;              /* ε of the training targets */
  float    dropout_p;                    /* the dropout layers' drop probability */
  NnThreadPool *pool;
  const NnKernels *k;                   /* the CPU variant's layer kernels (nn-cpu.h) */

  /* The step being computed, read by the tasks. */
  const float *x_in;
  guint        n;
  gboolean     training;                /* batch statistics (and what backward needs) */
  gboolean     dropout;
  double       bn_momentum;             /* how far the batch moves the running statistics */
  guint64      step;
  guint        phase_block;             /* where the current phase starts */
  gboolean     phase_resume;            /* … right after that block's BN barrier */
};

/* The images [begin, end) of @chunk in a batch of m->n. */
static inline void
_nn_model_chunk_range (NnModel *m, guint chunk, guint *begin, guint *end)
{
  *begin = (guint) ((guint64) m->n * chunk / NN_MODEL_CHUNKS);
  *end = (guint) ((guint64) m->n * (chunk + 1) / NN_MODEL_CHUNKS);
}

/* Where block b's output for image n of the last batch is (the origin of its padded grid:
 * B->out_Hp × B->out_Wp per channel): the next block's kept input, or, for an in_from_z one,
 * the copy in the scratch of the chunk that had image n. For tests and the inspector; valid
 * after an evaluation (a training step's backward pass reuses those copies). */
static inline const float *
_nn_model_block_output (NnModel *m, guint b, guint n)
{
  NnBlock *B = &m->blocks[b];

  if (b + 1 < N_BLOCKS && m->blocks[b + 1].in_from_z)
    for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
      {
        guint begin, end;
        _nn_model_chunk_range (m, c, &begin, &end);
        if (n >= begin && n < end)
          return m->scratch[c].in[b + 1];
      }
  return B->out + n * B->out_stride;
}

/* The forward pass on x (n, 1, 28, 28) into m->logits: in training, batch norm uses the
 * batch's statistics and moves the running ones by @bn_momentum; else the running ones.
 * Dropout is keyed by @step. Then the backward pass from m->dlogits into m->chunk_grads
 * (zeroed by the caller), after a training forward pass. nn-model-step.c. */
void _nn_model_forward  (NnModel *m, const float *x, guint n, gboolean training,
                         gboolean dropout, double bn_momentum, guint64 step);
void _nn_model_backward (NnModel *m);

G_END_DECLS
