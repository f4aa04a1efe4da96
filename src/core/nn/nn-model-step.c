/* nn-model-step.c: one step of the model (nn-model.h): its phases, and one image through the
 * blocks. The layers themselves are the CPU variant's kernels (m->k, nn-cpu.h).
 *
 * How a step runs. The network is a list of blocks, conv → [BN] → ReLU → [Dropout] →
 * [MaxPool], then global average pooling and the linear layer. Each image goes through as
 * many blocks as it can in one go, in its chunk's scratch (which stays in the core's L2):
 * convolution on the zero-padded input, then the element-wise passes, then the result is
 * written, already padded, as the next block's input. Only batch norm needs the whole batch:
 * at a BN block the chunks stop, leave the convolution's output and per-chunk statistics,
 * and the caller combines the statistics in chunk order before the next phase resumes there.
 * Backward runs the same way in reverse, stopping at each BN block for its two sums.
 *
 * What is kept per image for backward: each block's input (the previous output, padded), the
 * max-pool argmax, and the pre-BN convolution output; less where recomputing is cheap (an
 * input that is only a batch norm and ReLU of the previous z, the first block's z: NnBlock). ReLU and dropout need nothing more: an
 * output > 0 means the unit was active and kept, so ∂out/∂in is the dropout scale there and 0
 * elsewhere (PyTorch's threshold backward, through the kept mask).
 *
 * Legend: N batch, K out channels, C in channels, P×Q conv output, OP×OQ block output.
 */
#include "config.h"

#include <string.h>

#include "nn-linear.h"
#include "nn-model-private.h"
#include "nn-rng.h"

/* ------------------------------------------------------------------------------------------
 * Forward, one image at a time within a chunk. Every per-image buffer is on the padded-width
 * grid of the block's input (see nn-conv3x3.h): a channel is P rows of Wp floats (the last
 * Wp − Q of each row garbage) rounded up to npix, so element-wise passes run over whole
 * channels and the garbage is masked to 0 wherever it could leak.
 */

/* Block b's padded input for image n: kept per image, or the chunk's copy (in_from_z). */
static inline float *
block_in (NnModel *m, guint b, guint n, NnChunkScratch *s)
{
  NnBlock *B = &m->blocks[b];

  return B->in_from_z ? s->in[b] : B->in + n * B->in_stride;
}

/* Where block b writes image n's output: inside the next block's padding, or the head's. */
static inline float *
block_out (NnModel *m, guint b, guint n, NnChunkScratch *s)
{
  NnBlock *B = &m->blocks[b];
  float *base = b + 1 < N_BLOCKS ? block_in (m, b + 1, n, s) : B->out + n * B->out_stride;

  return base + (gsize) B->out_pad * B->out_Wp + B->out_pad;
}

/* The block's output grid is its conv grid shifted by one row and column (no pool, and the
 * next convolution pads by 1): then a channel is one contiguous copy, garbage onto borders. */
static inline gboolean
same_grid (const NnBlock *B)
{
  return !B->pool && B->out_pad == 1 && B->out_Wp == B->Wp;
}

/* The block's passes after its ReLU, on one image: act (K, npix) holds the ReLU's output on
 * the padded-width grid; [dropout] → [max-pool, argmax] → written, padded, as the next block's
 * input. */
static void
post_relu (NnModel *m, guint b, guint n, NnChunkScratch *s, float *act)
{
  NnBlock *B = &m->blocks[b];
  const int K = B->K;
  const gsize npix = B->npix, ocs = (gsize) B->out_Hp * B->out_Wp;
  float *dst = block_out (m, b, n, s);

  if (B->dropout && m->dropout && m->dropout_p > 0)
    m->k->dropout_apply (act, K * npix, m->dropout_p, m->seed, NN_RNG_STREAM_DROPOUT + b, m->step,
                         n);
  if (B->pool)
    {
      guint8 *am = B->argmax + (gsize) n * K * B->OP * B->OQ;
      for (int k = 0; k < K; k++)
        m->k->maxpool_forward (dst + k * ocs, B->out_Wp, am + (gsize) k * B->OP * B->OQ,
                               act + k * npix, B->Wp, B->OP, B->OQ);
    }
  else if (same_grid (B))
    for (int k = 0; k < K; k++)
      memcpy (dst + k * ocs, act + k * npix, sizeof (float) * (B->PW - 2));
  else
    for (int k = 0; k < K; k++)
      for (int p = 0; p < B->P; p++)
        memcpy (dst + k * ocs + (gsize) p * B->out_Wp, act + k * npix + (gsize) p * B->Wp,
                sizeof (float) * B->Q);
}

/* Nothing between the ReLU and the next block's input (no dropout now, no pooling, the same
 * grid shifted by a row and a column): the ReLU writes there directly. */
static inline gboolean
relu_writes_next_input (NnModel *m, const NnBlock *B)
{
  return same_grid (B) && !(B->dropout && m->dropout);
}

/* After a batch-norm barrier: z through the batch's affine map and the ReLU, then on. */
static void
post_batchnorm (NnModel *m, guint b, guint n, NnChunkScratch *s)
{
  NnBlock *B = &m->blocks[b];
  const gsize ocs = (gsize) B->out_Hp * B->out_Wp;
  const gboolean direct = relu_writes_next_input (m, B);
  const float *z = B->z + n * B->K * B->npix;
  float *dst = block_out (m, b, n, s);

  for (int k = 0; k < B->K; k++)
    m->k->relu_forward (direct ? dst + k * ocs : s->act + k * B->npix, z + k * B->npix,
                        B->bn_a[k], B->bn_b[k], B->colmask, B->PW);
  if (!direct)
    post_relu (m, b, n, s, s->act);
}

static void
forward_image (NnModel *m, guint chunk, guint n, guint begin)
{
  NnChunkScratch *s = &m->scratch[chunk];
  guint b = m->phase_block;

  if (m->phase_resume)
    {
      post_batchnorm (m, b, n, s);
      b++;
    }
  else if (b == 0)
    {
      /* The image into the first block's padded input. */
      NnBlock *B = &m->blocks[0];
      for (int h = 0; h < B->H; h++)
        memcpy (B->in + n * B->in_stride + (gsize) (h + B->pad) * B->Wp + B->pad,
                m->x_in + (gsize) n * NN_IMAGE_SIZE + h * B->W, sizeof (float) * B->W);
    }
  for (; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      if (B->bn && m->training)
        {
          /* Keep z and fold this image's statistics into the chunk's: the barrier. */
          float *z = B->z + n * B->K * B->npix;
          m->k->conv3x3_forward (z, B->npix, block_in (m, b, n, s), B->C, B->Hp, B->Wp, B->P,
                                 B->wt, m->params + B->b_off, B->K, NULL,
                                 s->conv_scratch);
          m->k->batchnorm_image_stats (B->part + (gsize) chunk * 2 * B->K, z, B->npix,
                                       B->colmask, B->npix, B->P * B->Q, B->K, n - begin);
          return;
        }
      {
        /* The ReLU (after evaluation's batch norm) in the convolution's last step. */
        const NnConv3x3Relu relu = { B->bn ? B->bn_a : NULL, B->bn ? B->bn_b : NULL, B->colmask };
        const gboolean direct = relu_writes_next_input (m, B);
        m->k->conv3x3_forward (direct ? block_out (m, b, n, s) : s->act,
                               direct ? (gsize) B->out_Hp * B->out_Wp : B->npix,
                               block_in (m, b, n, s), B->C, B->Hp, B->Wp, B->P, B->wt,
                               m->params + B->b_off, B->K, &relu, s->conv_scratch);
        if (!direct)
          post_relu (m, b, n, s, s->act);
      }
    }

  /* The head: global average pooling, then the linear layer. */
  {
    NnBlock *B = &m->blocks[N_BLOCKS - 1];
    const int HW = B->OP * B->OQ;
    const float *in = B->out + n * B->out_stride;
    float *f = m->feat + (gsize) n * NN_CLASSES;
    for (int k = 0; k < B->K; k++)
      {
        float acc = 0;
        for (int i = 0; i < HW; i++)
          acc += in[k * HW + i];
        f[k] = acc / HW;
      }
    nn_linear_forward (m->logits + (gsize) n * NN_CLASSES, f, m->params + m->fc_w_off,
                       m->params + m->fc_b_off, B->K, NN_CLASSES);
  }
}

static void
forward_task (gpointer ctx, guint chunk)
{
  NnModel *m = ctx;
  guint begin, end;

  _nn_model_chunk_range (m, chunk, &begin, &end);
  for (guint n = begin; n < end; n++)
    forward_image (m, chunk, n, begin);
}

/* Images per chunk, for combining the chunks' partial sums. */
static void
chunk_counts (NnModel *m, guint counts[NN_MODEL_CHUNKS])
{
  for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
    {
      guint begin, end;
      _nn_model_chunk_range (m, c, &begin, &end);
      counts[c] = end - begin;
    }
}

/* The batch statistics of BN block b from the chunks' partials, in chunk order. */
static void
reduce_bn_forward (NnModel *m, guint b)
{
  NnBlock *B = &m->blocks[b];
  float *rm = m->stats + B->stat_off;
  guint counts[NN_MODEL_CHUNKS];

  chunk_counts (m, counts);
  m->k->batchnorm_reduce (B->mean, B->rstd, B->bn_a, B->bn_b, rm, rm + B->K, B->part, counts,
                          NN_MODEL_CHUNKS, B->P * B->Q, m->params + B->g_off,
                          m->params + B->be_off, B->K, m->bn_momentum);
}

void
_nn_model_forward (NnModel *m, const float *x, guint n, gboolean training, gboolean dropout,
                   double bn_momentum, guint64 step)
{
  m->x_in = x;
  m->n = n;
  m->training = training;
  m->dropout = dropout;
  m->bn_momentum = bn_momentum;
  m->step = step;
  for (guint b = 0; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      m->k->conv3x3_pack_weights (B->wt, m->params + B->w_off, B->K, B->C);
      if (B->bn && !training)
        m->k->batchnorm_eval (B->bn_a, B->bn_b, m->params + B->g_off, m->params + B->be_off,
                              m->stats + B->stat_off, m->stats + B->stat_off + B->K, B->K);
    }
  m->phase_block = 0;
  m->phase_resume = FALSE;
  for (;;)
    {
      guint stop = N_BLOCKS;
      nn_thread_pool_run (m->pool, forward_task, m, NN_MODEL_CHUNKS);
      if (training)
        for (guint b = m->phase_block + (m->phase_resume ? 1 : 0); b < N_BLOCKS; b++)
          if (m->blocks[b].bn)
            {
              stop = b;
              break;
            }
      if (stop == N_BLOCKS)
        break;
      reduce_bn_forward (m, stop);
      m->phase_block = stop;
      m->phase_resume = TRUE;
    }
}

/* ------------------------------------------------------------------------------------------
 * Backward
 */

/* ∂loss/∂(block b's pre-ReLU value) into act (K, npix), garbage 0, from ∂loss/∂(its output)
 * dout (K channels of OP rows at strides dcs, drs): through max-pool (argmax), dropout and
 * ReLU, which together pass the dropout scale wherever the output is > 0. */
static void
post_backward (NnModel *m, guint b, guint n, NnChunkScratch *s, const float *dout, gsize dcs,
               gsize drs, float *act, gsize acs)
{
  NnBlock *B = &m->blocks[b];
  const int K = B->K;
  const gsize ocs = (gsize) B->out_Hp * B->out_Wp;
  const float factor = B->dropout ? 1.0f / (1.0f - m->dropout_p) : 1.0f;
  const float *out = block_out (m, b, n, s);

  if (B->pool)
    {
      /* No clearing first: the targets of pooled blocks (dz_target, a batch norm's du) serve
       * only here, and the pooling writes the same positions for every image; the others
       * stay 0 from allocation. */
      const guint8 *am = B->argmax + (gsize) n * K * B->OP * B->OQ;
      for (int k = 0; k < K; k++)
        m->k->maxpool_backward (act + k * acs, B->Wp, out + k * ocs, B->out_Wp, dout + k * dcs,
                                drs, am + (gsize) k * B->OP * B->OQ, factor, B->OP, B->OQ);
    }
  else if (same_grid (B) && drs == (gsize) B->Wp)
    for (int k = 0; k < K; k++)
      {
        /* The output's borders are 0, so the garbage columns come out 0. */
        m->k->relu_backward (act + k * acs, dout + k * dcs, out + k * ocs, factor, B->PW);
        memset (act + k * acs + B->PW, 0, sizeof (float) * (B->npix - B->PW));
      }
  else
    {
      for (int k = 0; k < K; k++)
        {
          memset (act + k * acs, 0, sizeof (float) * B->npix);
          for (int p = 0; p < B->P; p++)
            m->k->relu_backward (act + k * acs + (gsize) p * B->Wp, dout + k * dcs + p * drs,
                                 out + k * ocs + (gsize) p * B->out_Wp, factor, B->Q);
        }
    }
}

/* Where ∂loss/∂(block b's conv output) is written, K channels *cs apart. The input gradient
 * reads it zero-padded by d = 2 − pad (dzp); with pad 1 that grid has the convolution's own row
 * stride, so it is written there directly, a row and a column in, its garbage columns (0)
 * landing on the borders. Otherwise (and for the first block, which has no input gradient)
 * into @act, which conv_backward copies across. */
static float *
dz_target (NnModel *m, guint b, NnChunkScratch *s, float *act, gsize *cs)
{
  NnBlock *B = &m->blocks[b];
  const int d = 2 - B->pad, dWp = B->Q + 2 * d;

  if (b > 0 && dWp == B->Wp)
    {
      *cs = (gsize) (B->P + 2 * d) * dWp;
      return s->dzp[b] + (gsize) d * dWp + d;
    }
  *cs = B->npix;
  return act;
}

/* The convolution's gradients from dz (K channels dz_cs apart on the padded-width grid,
 * garbage 0; from dz_target): weights and bias into the chunk's arena and, unless b is the
 * first block, ∂loss/∂input into s->dx (C channels of H rows of Q + 2d). */
static void
conv_backward (NnModel *m, guint b, guint n, NnChunkScratch *s, float *g, const float *dz,
               gsize dz_cs)
{
  NnBlock *B = &m->blocks[b];
  const int K = B->K, P = B->P, Q = B->Q, d = 2 - B->pad;
  const int dWp = Q + 2 * d, dHp = P + 2 * d;
  const gsize dcs = (gsize) dHp * dWp;
  float *dzp = s->dzp[b];

  if (B->in_from_z)
    {
      /* The input again, as post_batchnorm wrote it; the previous block's ReLU backward reads
       * it too, next. */
      NnBlock *A = &m->blocks[b - 1];
      const gsize ocs = (gsize) A->out_Hp * A->out_Wp;
      const float *z = A->z + n * A->K * A->npix;
      float *dst = block_out (m, b - 1, n, s);
      for (int k = 0; k < A->K; k++)
        m->k->relu_forward (dst + k * ocs, z + k * A->npix, A->bn_a[k], A->bn_b[k], A->colmask,
                            A->PW);
    }
  m->k->conv3x3_weight_grad (g + B->w_off, g + B->b_off, dz, dz_cs, block_in (m, b, n, s),
                             B->C, B->Hp, B->Wp, P, K, s->conv_scratch);
  if (b == 0)
    return;
  if (dz != dzp + (gsize) d * dWp + d)
    for (int k = 0; k < K; k++)
      for (int p = 0; p < P; p++)
        memcpy (dzp + k * dcs + (gsize) (p + d) * dWp + d, dz + k * dz_cs + (gsize) p * B->Wp,
                sizeof (float) * Q);
  m->k->conv3x3_forward (s->dx, nn_conv3x3_out_pixels (B->H, dWp), dzp, K, dHp, dWp, B->H,
                         B->wf, NULL, B->C, NULL, s->conv_scratch);
}

/* BN backward for one image, once the batch's sums are known. du_over_z: du is where z was,
 * and z is computed again into s->act, the same bits as the forward pass's. */
static void
bn_backward_image (NnModel *m, guint b, guint n, NnChunkScratch *s, float *dz, gsize dz_cs)
{
  NnBlock *B = &m->blocks[b];
  const gsize at = (gsize) n * B->K * B->npix;
  const float *du = B->du_over_z ? B->z + at : B->du + at, *z = B->z + at;

  if (B->du_over_z)
    {
      m->k->conv3x3_forward (s->act, B->npix, block_in (m, b, n, s), B->C, B->Hp, B->Wp, B->P,
                             B->wt, m->params + B->b_off, B->K, NULL, s->conv_scratch);
      z = s->act;
    }
  m->k->batchnorm_backward (dz, dz_cs, du, z, B->npix, B->colmask, B->npix,
                            m->params + B->g_off, B->mean, B->rstd, B->sum_du, B->sum_du_xhat,
                            (double) m->n * B->P * B->Q, B->K);
}

static void
backward_image (NnModel *m, guint chunk, guint n, guint begin)
{
  NnChunkScratch *s = &m->scratch[chunk];
  float *g = m->chunk_grads + chunk * m->n_params;
  const float *dout;
  gsize dcs, drs;
  int b;

  if (m->phase_resume)
    {
      gsize cs;
      float *dz;
      b = (int) m->phase_block;
      dz = dz_target (m, b, s, s->dz, &cs);
      bn_backward_image (m, b, n, s, dz, cs);
      conv_backward (m, b, n, s, g, dz, cs);
      if (b == 0)
        return;
      {
        NnBlock *B = &m->blocks[b];
        dout = s->dx;
        drs = B->Q + 2 * (2 - B->pad);
        dcs = nn_conv3x3_out_pixels (B->H, (int) drs);
      }
      b--;
    }
  else
    {
      /* The head: linear, then global average pooling spread evenly. */
      NnBlock *B = &m->blocks[N_BLOCKS - 1];
      const int HW = B->OP * B->OQ;
      float dfeat[NN_CLASSES];
      nn_linear_backward (dfeat, g + m->fc_w_off, g + m->fc_b_off,
                          m->dlogits + (gsize) n * NN_CLASSES, m->feat + (gsize) n * NN_CLASSES,
                          m->params + m->fc_w_off, B->K, NN_CLASSES);
      for (int k = 0; k < B->K; k++)
        for (int i = 0; i < HW; i++)
          s->head[k * HW + i] = dfeat[k] / HW;
      dout = s->head;
      dcs = HW;
      drs = B->OQ;
      b = N_BLOCKS - 1;
    }

  for (;; b--)
    {
      NnBlock *B = &m->blocks[b];
      if (B->bn)
        {
          /* Keep ∂loss/∂(BN output) and add this image's two sums to the chunk's. */
          float *z = B->z + n * B->K * B->npix;
          float *du = B->du_over_z ? s->act : B->du + n * B->K * B->npix;
          post_backward (m, b, n, s, dout, dcs, drs, du, B->npix);
          m->k->batchnorm_grad_sums (B->part + (gsize) chunk * 2 * B->K, du, z, B->npix, B->npix,
                                     B->mean, B->rstd, B->K, n == begin);
          if (B->du_over_z)
            memcpy (z, du, sizeof (float) * B->K * B->npix);
          return;
        }
      {
        gsize cs;
        float *dz = dz_target (m, b, s, s->act, &cs);
        post_backward (m, b, n, s, dout, dcs, drs, dz, cs);
        conv_backward (m, b, n, s, g, dz, cs);
      }
      if (b == 0)
        return;
      dout = s->dx;
      drs = B->Q + 2 * (2 - B->pad);
      dcs = nn_conv3x3_out_pixels (B->H, (int) drs);
    }
}

static void
backward_task (gpointer ctx, guint chunk)
{
  NnModel *m = ctx;
  guint begin, end;

  _nn_model_chunk_range (m, chunk, &begin, &end);
  for (guint n = begin; n < end; n++)
    backward_image (m, chunk, n, begin);
}

static void
reduce_bn_backward (NnModel *m, guint b)
{
  NnBlock *B = &m->blocks[b];
  guint counts[NN_MODEL_CHUNKS];

  chunk_counts (m, counts);
  m->k->batchnorm_reduce_grad (B->sum_du, B->sum_du_xhat, m->grads + B->g_off,
                               m->grads + B->be_off, B->part, counts, NN_MODEL_CHUNKS, B->K);
}

void
_nn_model_backward (NnModel *m)
{
  for (guint b = 1; b < N_BLOCKS; b++)
    m->k->conv3x3_pack_flipped (m->blocks[b].wf, m->params + m->blocks[b].w_off, m->blocks[b].K,
                                m->blocks[b].C);
  m->phase_block = N_BLOCKS;
  m->phase_resume = FALSE;
  for (;;)
    {
      int stop = -1;
      nn_thread_pool_run (m->pool, backward_task, m, NN_MODEL_CHUNKS);
      for (int b = (int) m->phase_block - 1; b >= 0; b--)
        if (m->blocks[b].bn)
          {
            stop = b;
            break;
          }
      if (stop < 0)
        break;
      reduce_bn_backward (m, (guint) stop);
      m->phase_block = (guint) stop;
      m->phase_resume = TRUE;
    }
}

