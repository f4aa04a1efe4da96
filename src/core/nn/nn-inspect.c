/* nn-inspect.c: see nn-inspect.h.
 *
 * The capture runs one image through the blocks with the model's own kernels (nn-cpu.h) on
 * buffers of its own, in the layout the model uses (padded inputs, padded-width conv grids), and
 * takes the fused steps apart: the convolution without its epilogue gives the conv map; the
 * ReLU pass with the BN's affine map gives max(v, 0), and with the map negated max(−v, 0), so
 * v = the first minus the second exactly (one of them is 0, and a negated FMA rounds to the
 * negated result). Everything else is the plain arithmetic of the layers, in the model's order.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-error.h"
#include "nn-inspect.h"
#include "nn-linear.h"
#include "nn-loss.h"
#include "nn-model-private.h"

/* ------------------------------------------------------------------------------------------
 * Capture
 */

static NnMapKind
map_kind (NnLayerType t)
{
  switch (t)
    {
    case NN_LAYER_CONV: return NN_MAP_CONV;
    case NN_LAYER_BN: return NN_MAP_BN;
    case NN_LAYER_RELU: return NN_MAP_RELU;
    case NN_LAYER_DROPOUT: return NN_MAP_DROPOUT;
    case NN_LAYER_MAXPOOL: return NN_MAP_MAXPOOL;
    case NN_LAYER_GAP: return NN_MAP_GAP;
    case NN_LAYER_LINEAR: return NN_MAP_LINEAR;
    }
  g_return_val_if_reached (NN_MAP_INPUT);
}

/* Lays out the maps: the input, one per model layer, the softmax; one blob for all. */
static NnCapture *
capture_new (NnModel *m)
{
  NnCapture *cap = g_new0 (NnCapture, 1);
  gsize total = 0, at = 0, stats = 0;

  cap->n_maps = m->n_layers + 2;
  cap->maps = g_new0 (NnMap, cap->n_maps);
  cap->maps[0] = (NnMap) { NN_MAP_INPUT, NULL, 1, NN_IMAGE_SIDE, NN_IMAGE_SIDE, NULL };
  for (guint i = 0; i < m->n_layers; i++)
    {
      const NnLayer *l = &m->layers[i];
      cap->maps[i + 1] = (NnMap) { map_kind (l->type), l->n_params ? l->name : NULL,
                                   l->out_c, l->out_h, l->out_w, NULL };
    }
  cap->maps[cap->n_maps - 1] = (NnMap) { NN_MAP_SOFTMAX, NULL, NN_CLASSES, 1, 1, NULL };
  for (guint i = 0; i < cap->n_maps; i++)
    total += (gsize) cap->maps[i].c * cap->maps[i].h * cap->maps[i].w;
  for (guint b = 0; b < N_BLOCKS; b++)
    stats += m->blocks[b].bn ? 2 * (gsize) m->blocks[b].K : 0;
  cap->blob = g_new0 (float, total + stats);
  for (guint i = 0; i < cap->n_maps; i++)
    {
      cap->maps[i].data = cap->blob + at;
      at += (gsize) cap->maps[i].c * cap->maps[i].h * cap->maps[i].w;
    }
  for (guint b = 0, map = 1; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      while (cap->maps[map].kind != NN_MAP_CONV)
        map++;
      cap->conv_map[b] = map++;
      if (B->bn)
        {
          cap->bn_mean[b] = cap->blob + at;
          cap->bn_var[b] = cap->blob + at + B->K;
          at += 2 * (gsize) B->K;
        }
    }
  return cap;
}

void
nn_capture_free (NnCapture *cap)
{
  if (cap == NULL)
    return;
  g_free (cap->maps);
  g_free (cap->blob);
  g_free (cap);
}

/* Copies channel-planes on the padded-width grid (row stride @rs) into a dense (K, P, Q) map. */
static void
to_dense (float *dst, const float *src, gsize cs, gsize rs, int K, int P, int Q)
{
  for (int k = 0; k < K; k++)
    for (int p = 0; p < P; p++)
      memcpy (dst + ((gsize) k * P + p) * Q, src + k * cs + p * rs, sizeof (float) * Q);
}

static NnCapture *
capture (NnModel *m, const float *x, gboolean own_stats)
{
  NnCapture *cap = capture_new (m);
  const NnKernels *k = m->k;
  gsize max_in = 0, max_act = 0, max_scratch = 0, max_wt = 0;
  float *in, *z, *act, *neg, *wt, *scratch, *bn_a, *bn_b;
  guint8 *argmax;
  const float *prev;
  float feat[NN_CLASSES], logp[NN_CLASSES];

  for (guint b = 0; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      max_in = MAX (max_in, B->in_stride);
      max_act = MAX (max_act, (gsize) B->K * B->npix);
      max_scratch = MAX (max_scratch, nn_conv3x3_scratch (B->C, B->Hp, B->Wp));
      max_wt = MAX (max_wt, (gsize) B->C * 9 * B->K);
    }
  in = g_new0 (float, max_in);
  z = g_new0 (float, max_act + NN_CONV3X3_SLACK);
  act = g_new0 (float, max_act + NN_CONV3X3_SLACK);   /* max-pool reads past rows */
  neg = g_new0 (float, max_act);
  wt = g_new0 (float, max_wt);
  scratch = g_new0 (float, max_scratch);
  bn_a = g_new0 (float, 64);
  bn_b = g_new0 (float, 64);
  argmax = g_new0 (guint8, max_act + 32);

  memcpy (cap->maps[0].data, x, sizeof (float) * NN_IMAGE_SIZE);
  prev = cap->maps[0].data;
  for (guint b = 0; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      const int K = B->K, P = B->P, Q = B->Q;
      const gsize npix = B->npix;
      guint map = cap->conv_map[b];

      g_assert (K <= 64);
      /* The block's input, zero-padded, as the model keeps it. */
      memset (in, 0, sizeof (float) * B->in_stride);
      for (int c = 0; c < B->C; c++)
        for (int h = 0; h < B->H; h++)
          memcpy (in + ((gsize) c * B->Hp + h + B->pad) * B->Wp + B->pad,
                  prev + ((gsize) c * B->H + h) * B->W, sizeof (float) * B->W);
      k->conv3x3_pack_weights (wt, m->params + B->w_off, K, B->C);
      k->conv3x3_forward (z, npix, in, B->C, B->Hp, B->Wp, P, wt, m->params + B->b_off, K, NULL,
                          scratch);
      to_dense (cap->maps[map].data, z, npix, B->Wp, K, P, Q);
      map++;
      if (B->bn)
        {
          float *mean = cap->bn_mean[b], *var = cap->bn_var[b];
          if (own_stats)
            for (int c = 0; c < K; c++)
              {
                const float *zc = cap->maps[map - 1].data + (gsize) c * P * Q;
                double s = 0, s2 = 0, mu;
                for (int i = 0; i < P * Q; i++)
                  s += zc[i];
                mu = s / (P * Q);
                for (int i = 0; i < P * Q; i++)
                  s2 += (zc[i] - mu) * (zc[i] - mu);
                mean[c] = (float) mu;
                var[c] = (float) (s2 / (P * Q));
              }
          else
            {
              memcpy (mean, m->stats + B->stat_off, sizeof (float) * K);
              memcpy (var, m->stats + B->stat_off + K, sizeof (float) * K);
            }
          k->batchnorm_eval (bn_a, bn_b, m->params + B->g_off, m->params + B->be_off, mean, var,
                             K);
        }
      else
        for (int c = 0; c < K; c++)
          {
            bn_a[c] = 1.0f;
            bn_b[c] = 0.0f;
          }
      for (int c = 0; c < K; c++)
        {
          k->relu_forward (act + c * npix, z + c * npix, bn_a[c], bn_b[c], B->colmask, B->PW);
          if (B->bn)
            k->relu_forward (neg + c * npix, z + c * npix, -bn_a[c], -bn_b[c], B->colmask, B->PW);
        }
      if (B->bn)
        {
          float *bn = cap->maps[map].data;
          for (int c = 0; c < K; c++)
            for (int p = 0; p < P; p++)
              for (int q = 0; q < Q; q++)
                bn[((gsize) c * P + p) * Q + q] = act[c * npix + (gsize) p * B->Wp + q]
                                                  - neg[c * npix + (gsize) p * B->Wp + q];
          map++;
        }
      to_dense (cap->maps[map].data, act, npix, B->Wp, K, P, Q);
      prev = cap->maps[map].data;
      map++;
      if (B->dropout)
        {
          memcpy (cap->maps[map].data, prev, sizeof (float) * K * P * Q);
          prev = cap->maps[map].data;
          map++;
        }
      if (B->pool)
        {
          for (int c = 0; c < K; c++)
            k->maxpool_forward (cap->maps[map].data + (gsize) c * B->OP * B->OQ, B->OQ, argmax,
                                act + c * npix, B->Wp, B->OP, B->OQ);
          prev = cap->maps[map].data;
        }
    }

  /* The head, as the model computes it. */
  {
    NnBlock *B = &m->blocks[N_BLOCKS - 1];
    const int HW = B->OP * B->OQ;
    NnMap *gap = &cap->maps[cap->n_maps - 3], *lin = &cap->maps[cap->n_maps - 2];
    for (int c = 0; c < B->K; c++)
      {
        float acc = 0;
        for (int i = 0; i < HW; i++)
          acc += prev[c * HW + i];
        feat[c] = acc / HW;
      }
    memcpy (gap->data, feat, sizeof feat);
    nn_linear_forward (cap->logits, feat, m->params + m->fc_w_off, m->params + m->fc_b_off, B->K,
                       NN_CLASSES);
    memcpy (lin->data, cap->logits, sizeof cap->logits);
    nn_logsoftmax_nll_forward (logp, cap->logits, NULL, 1, NN_CLASSES);
    cap->predicted = 0;
    for (int c = 0; c < NN_CLASSES; c++)
      {
        cap->probs[c] = expf (logp[c]);
        if (logp[c] > logp[cap->predicted])
          cap->predicted = (guint8) c;
      }
    memcpy (cap->maps[cap->n_maps - 1].data, cap->probs, sizeof cap->probs);
  }

  g_free (in); g_free (z); g_free (act); g_free (neg); g_free (wt); g_free (scratch);
  g_free (bn_a); g_free (bn_b); g_free (argmax);
  return cap;
}

NnCapture *
nn_inspect_capture (NnModel *m, const float *x)
{
  g_return_val_if_fail (m != NULL && x != NULL, NULL);
  return capture (m, x, FALSE);
}

NnCapture *
nn_inspect_capture_own_stats (NnModel *m, const float *x)
{
  g_return_val_if_fail (m != NULL && x != NULL, NULL);
  return capture (m, x, TRUE);
}

void
nn_inspect_dropout_passes (NnModel *m, const float *x, guint passes, float *probs)
{
  g_return_if_fail (m != NULL && x != NULL && probs != NULL);
  for (guint i = 0; i < passes; i++)
    {
      float logp[NN_CLASSES];
      /* Evaluation's batch norm, training's dropout; each pass its own masks. */
      _nn_model_forward (m, x, 1, FALSE, TRUE, 0, i);
      nn_logsoftmax_nll_forward (logp, m->logits, NULL, 1, NN_CLASSES);
      for (int c = 0; c < NN_CLASSES; c++)
        probs[(gsize) i * NN_CLASSES + c] = expf (logp[c]);
    }
}

/* ------------------------------------------------------------------------------------------
 * One value taken apart
 */

static inline float
map_at (const NnMap *map, int c, int y, int x)
{
  return map->data[((gsize) c * map->h + y) * map->w + x];
}

/* The block a map belongs to (the last conv at or before it). */
static guint
map_block (const NnCapture *cap, guint map)
{
  guint b = 0;
  for (guint i = 0; i < N_BLOCKS; i++)
    if (cap->conv_map[i] <= map)
      b = i;
  return b;
}

gboolean
nn_inspect_explain (NnModel *m, const NnCapture *cap, guint map, int c, int y, int x,
                    NnExplain *out)
{
  const NnMap *M, *I;

  g_return_val_if_fail (m != NULL && cap != NULL && out != NULL, FALSE);
  if (map == 0 || map >= cap->n_maps)
    return FALSE;
  M = &cap->maps[map];
  I = &cap->maps[map - 1];
  if (c < 0 || c >= M->c || y < 0 || y >= M->h || x < 0 || x >= M->w)
    return FALSE;
  memset (out, 0, sizeof *out);
  out->kind = M->kind;
  out->map = map;
  out->c = c; out->y = y; out->x = x;
  out->value = map_at (M, c, y, x);
  out->winner = -1;

  switch (M->kind)
    {
    case NN_MAP_CONV:
      {
        const NnBlock *B = &m->blocks[map_block (cap, map)];
        const float *w = m->params + B->w_off + (gsize) c * B->C * 9;
        double sum = 0;
        if ((gsize) B->C * 9 > NN_INSPECT_MAX_TERMS)
          return FALSE;
        out->n_channels = B->C;
        out->n_terms = (guint) B->C * 9;
        for (int ic = 0; ic < B->C; ic++)
          for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
              {
                int t = ic * 9 + i * 3 + j, yy = y + i - B->pad, xx = x + j - B->pad;
                gboolean pad = yy < 0 || yy >= I->h || xx < 0 || xx >= I->w;
                out->padded[t] = pad;
                out->in[t] = pad ? 0.0f : map_at (I, ic, yy, xx);
                out->weight[t] = w[t];
                out->product[t] = (double) out->in[t] * out->weight[t];
                sum += out->product[t];
              }
        out->sum = sum;
        out->bias = m->params[B->b_off + c];
        out->result = sum + out->bias;
      }
      break;
    case NN_MAP_BN:
      {
        guint b = map_block (cap, map);
        const NnBlock *B = &m->blocks[b];
        out->n_terms = 1;
        out->in[0] = map_at (I, c, y, x);
        out->running_mean = cap->bn_mean[b][c];
        out->running_var = cap->bn_var[b][c];
        out->gamma = m->params[B->g_off + c];
        out->beta = m->params[B->be_off + c];
        out->eps = NN_BN_EPS;
        out->result = out->gamma * ((double) out->in[0] - out->running_mean)
                      / sqrt ((double) out->running_var + NN_BN_EPS) + out->beta;
      }
      break;
    case NN_MAP_RELU:
    case NN_MAP_DROPOUT:
      out->n_terms = 1;
      out->in[0] = map_at (I, c, y, x);
      out->result = M->kind == NN_MAP_RELU ? MAX (0.0, (double) out->in[0]) : out->in[0];
      break;
    case NN_MAP_MAXPOOL:
      out->n_terms = 4;
      for (int t = 0; t < 4; t++)
        {
          out->in[t] = map_at (I, c, 2 * y + t / 2, 2 * x + t % 2);
          /* Ties go to the first maximum, as the kernel's. */
          if (out->winner < 0 || out->in[t] > out->in[out->winner])
            out->winner = t;
        }
      out->result = out->in[out->winner];
      break;
    case NN_MAP_GAP:
      {
        double sum = 0;
        out->n_terms = (guint) (I->h * I->w);
        if (out->n_terms > NN_INSPECT_MAX_TERMS)
          return FALSE;
        for (guint t = 0; t < out->n_terms; t++)
          sum += out->in[t] = I->data[(gsize) c * out->n_terms + t];
        out->sum = sum;
        out->result = sum / out->n_terms;
      }
      break;
    case NN_MAP_LINEAR:
      {
        double sum = 0;
        out->n_terms = (guint) I->c;
        for (int t = 0; t < I->c; t++)
          {
            out->in[t] = I->data[t];
            out->weight[t] = m->params[m->fc_w_off + (gsize) c * I->c + t];
            out->product[t] = (double) out->in[t] * out->weight[t];
            sum += out->product[t];
          }
        out->sum = sum;
        out->bias = m->params[m->fc_b_off + c];
        out->result = sum + out->bias;
      }
      break;
    case NN_MAP_SOFTMAX:
      {
        double sum = 0;
        float max = cap->logits[0];
        out->n_terms = NN_CLASSES;
        for (int t = 1; t < NN_CLASSES; t++)
          max = MAX (max, cap->logits[t]);
        out->logit_max = max;
        for (int t = 0; t < NN_CLASSES; t++)
          {
            out->in[t] = cap->logits[t];
            out->product[t] = exp ((double) cap->logits[t] - max);
            sum += out->product[t];
          }
        out->sum = sum;
        out->result = out->product[c] / sum;
      }
      break;
    case NN_MAP_INPUT:
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * The input gradient
 */

void
nn_inspect_input_gradient (NnModel *m, const NnCapture *cap, guint cls, float *grad)
{
  const NnBlock *last = &m->blocks[N_BLOCKS - 1];
  int HW = last->OP * last->OQ, dK = last->K, dH = last->OP, dW = last->OQ;
  double *dout;

  g_return_if_fail (cls < NN_CLASSES && grad != NULL);
  dout = g_new0 (double, (gsize) last->K * HW);
  /* ∂logit/∂feat is a row of W; average pooling spreads it evenly. */
  for (int k = 0; k < last->K; k++)
    for (int i = 0; i < HW; i++)
      dout[k * HW + i] = m->params[m->fc_w_off + (gsize) cls * last->K + k] / HW;

  for (int b = N_BLOCKS - 1; b >= 0; b--)
    {
      const NnBlock *B = &m->blocks[b];
      const int K = B->K, P = B->P, Q = B->Q, C = B->C, H = B->H, W = B->W;
      guint relu_map = cap->conv_map[b] + (B->bn ? 2 : 1);
      const NnMap *relu = &cap->maps[relu_map];
      double *dz = g_new0 (double, (gsize) K * P * Q), *dx = g_new0 (double, (gsize) C * H * W);
      float a[64];

      g_assert (dK == K);
      if (B->bn)
        {
          /* Evaluation's batch norm is the affine map a·z + b. */
          float bb[64];
          m->k->batchnorm_eval (a, bb, m->params + B->g_off, m->params + B->be_off,
                                cap->bn_mean[b], cap->bn_var[b], K);
        }
      else
        for (int k = 0; k < K; k++)
          a[k] = 1.0f;
      if (B->pool)
        {
          for (int k = 0; k < K; k++)
            for (int p = 0; p < dH; p++)
              for (int q = 0; q < dW; q++)
                {
                  int win = 0;
                  float best = map_at (relu, k, 2 * p, 2 * q);
                  for (int t = 1; t < 4; t++)
                    if (map_at (relu, k, 2 * p + t / 2, 2 * q + t % 2) > best)
                      {
                        best = map_at (relu, k, 2 * p + t / 2, 2 * q + t % 2);
                        win = t;
                      }
                  dz[((gsize) k * P + 2 * p + win / 2) * Q + 2 * q + win % 2] =
                    dout[((gsize) k * dH + p) * dW + q];
                }
        }
      else
        memcpy (dz, dout, sizeof (double) * K * P * Q);
      /* Through the ReLU and the BN's scale. */
      for (int k = 0; k < K; k++)
        for (int i = 0; i < P * Q; i++)
          {
            gsize at = (gsize) k * P * Q + i;
            dz[at] = relu->data[at] > 0 ? dz[at] * a[k] : 0.0;
          }
      /* Through the convolution: dx[c, y, x] = Σ dz[k, p, q] · w[k, c, i, j], y = p + i − pad. */
      for (int k = 0; k < K; k++)
        for (int c = 0; c < C; c++)
          {
            const float *w = m->params + B->w_off + ((gsize) k * C + c) * 9;
            for (int p = 0; p < P; p++)
              for (int q = 0; q < Q; q++)
                {
                  double d = dz[((gsize) k * P + p) * Q + q];
                  if (d == 0)
                    continue;
                  for (int i = 0; i < 3; i++)
                    {
                      int yy = p + i - B->pad;
                      if (yy < 0 || yy >= H)
                        continue;
                      for (int j = 0; j < 3; j++)
                        {
                          int xx = q + j - B->pad;
                          if (xx >= 0 && xx < W)
                            dx[((gsize) c * H + yy) * W + xx] += d * w[i * 3 + j];
                        }
                    }
                }
          }
      g_free (dz);
      g_free (dout);
      dout = dx;
      dK = C; dH = H; dW = W;
    }
  for (int i = 0; i < NN_IMAGE_SIZE; i++)
    grad[i] = (float) dout[i];
  g_free (dout);
}

/* ------------------------------------------------------------------------------------------
 * Occlusion
 */

void
nn_inspect_occlusion (NnModel *m, const float *x, guint cls, int patch, int stride, float *drop)
{
  const float black = (0.0f - NN_MNIST_MEAN) / NN_MNIST_STD;
  guint per_side, n, batch = m->max_batch;
  float *xs = g_new (float, (gsize) batch * NN_IMAGE_SIZE), *probs = g_new (float, batch * NN_CLASSES);
  double *sum = g_new0 (double, NN_IMAGE_SIZE);
  guint *count = g_new0 (guint, NN_IMAGE_SIZE);
  float base[NN_CLASSES];

  g_return_if_fail (patch > 0 && patch <= NN_IMAGE_SIDE && stride > 0 && cls < NN_CLASSES);
  per_side = (NN_IMAGE_SIDE - patch + stride - 1) / stride + 1;
  n = per_side * per_side;
  nn_model_evaluate (m, x, NULL, 1, NULL, NULL, NULL, base);
  for (guint start = 0; start < n; start += batch)
    {
      guint cnt = MIN (batch, n - start);
      for (guint i = 0; i < cnt; i++)
        {
          guint pos = start + i;
          /* The last square sits flush with the edge. */
          int y0 = MIN ((int) (pos / per_side) * stride, NN_IMAGE_SIDE - patch);
          int x0 = MIN ((int) (pos % per_side) * stride, NN_IMAGE_SIDE - patch);
          float *xi = xs + (gsize) i * NN_IMAGE_SIZE;
          memcpy (xi, x, sizeof (float) * NN_IMAGE_SIZE);
          for (int y = y0; y < y0 + patch; y++)
            for (int xx = x0; xx < x0 + patch; xx++)
              xi[y * NN_IMAGE_SIDE + xx] = black;
        }
      nn_model_evaluate (m, xs, NULL, cnt, NULL, NULL, NULL, probs);
      for (guint i = 0; i < cnt; i++)
        {
          guint pos = start + i;
          int y0 = MIN ((int) (pos / per_side) * stride, NN_IMAGE_SIDE - patch);
          int x0 = MIN ((int) (pos % per_side) * stride, NN_IMAGE_SIDE - patch);
          double d = base[cls] - probs[(gsize) i * NN_CLASSES + cls];
          for (int y = y0; y < y0 + patch; y++)
            for (int xx = x0; xx < x0 + patch; xx++)
              {
                sum[y * NN_IMAGE_SIDE + xx] += d;
                count[y * NN_IMAGE_SIDE + xx]++;
              }
        }
    }
  for (int i = 0; i < NN_IMAGE_SIZE; i++)
    drop[i] = count[i] ? (float) (sum[i] / count[i]) : 0.0f;
  g_free (xs); g_free (probs); g_free (sum); g_free (count);
}

/* ------------------------------------------------------------------------------------------
 * Parameters: layers, norms, one gradient checked
 */

static const char *const param_type_names[] = {
  [NN_LAYER_CONV] = "Conv2d", [NN_LAYER_BN] = "BatchNorm2d", [NN_LAYER_LINEAR] = "Linear",
};

guint
nn_inspect_param_layers (NnModel *m, NnParamLayer *out, guint max)
{
  guint n = 0;

  for (guint i = 0; i < m->n_layers; i++)
    {
      const NnLayer *l = &m->layers[i];
      if (l->n_params == 0)
        continue;
      if (n < max)
        out[n] = (NnParamLayer) { l->name, param_type_names[l->type], l->w_off, l->n_params,
                                  l->b_off - l->w_off };
      n++;
    }
  return n;
}

void
nn_inspect_layer_norms (NnModel *m, const float *before, const float *grads, float *grad_norm,
                        float *update_ratio)
{
  guint n = 0;

  for (guint i = 0; i < m->n_layers; i++)
    {
      const NnLayer *l = &m->layers[i];
      const float *p = m->params + l->w_off, *q = before + l->w_off, *g = grads + l->w_off;
      double gg = 0, dd = 0, pp = 0;
      if (l->n_params == 0)
        continue;
      if (n >= NN_INSPECT_MAX_PARAM_LAYERS)
        break;
      for (gsize j = 0; j < l->n_params; j++)
        {
          double d = (double) p[j] - q[j];
          gg += (double) g[j] * g[j];
          dd += d * d;
          pp += (double) p[j] * p[j];
        }
      grad_norm[n] = (float) sqrt (gg);
      update_ratio[n] = pp > 0 ? (float) sqrt (dd / pp) : 0.0f;
      n++;
    }
}

static double
batch_loss (NnModel *m, const float *x, const guint8 *labels, guint n, guint64 step)
{
  /* Training's batch statistics and dropout masks; momentum 0 leaves the running ones. */
  _nn_model_forward (m, x, n, TRUE, TRUE, 0.0, step);
  return nn_logsoftmax_nll_forward (m->logp, m->logits, labels, n, NN_CLASSES) / n;
}

gboolean
nn_inspect_check_param (NnModel *m, const float *x, const guint8 *labels, guint n, guint64 step,
                        gsize param, double eps, NnGradCheck *out, GError **error)
{
  float *stats, saved, smoothing = m->label_smoothing, hi, lo;
  double loss = 0, lp, lm;
  gboolean ok;

  g_return_val_if_fail (m != NULL && x != NULL && labels != NULL && out != NULL, FALSE);
  if (param >= m->n_params)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("Parameter %zu does not exist (the network has %zu)."), param, m->n_params);
      return FALSE;
    }
  if (!(eps > 0 && eps < 1))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("The step ε must be between 0 and 1, not %g."), eps);
      return FALSE;
    }
  stats = g_memdup2 (m->stats, sizeof (float) * MAX (m->n_stats, 1));
  m->label_smoothing = 0;
  ok = nn_model_train_step (m, x, labels, n, step, &loss, NULL, error);
  m->label_smoothing = smoothing;
  if (!ok)
    {
      memcpy (m->stats, stats, sizeof (float) * m->n_stats);
      g_free (stats);
      return FALSE;
    }
  out->param = param;
  out->dropout = m->dropout_p;
  out->analytic = m->grads[param];
  out->loss = loss / n;
  saved = m->params[param];
  /* The step as the floats hold it. */
  hi = (float) (saved + eps);
  lo = (float) (saved - eps);
  m->params[param] = hi;
  lp = batch_loss (m, x, labels, n, step);
  m->params[param] = lo;
  lm = batch_loss (m, x, labels, n, step);
  m->params[param] = saved;
  memcpy (m->stats, stats, sizeof (float) * m->n_stats);
  g_free (stats);
  out->eps = eps;
  out->numeric = (lp - lm) / ((double) hi - lo);
  out->rel_error = fabs (out->analytic - out->numeric)
                   / MAX (fabs (out->analytic) + fabs (out->numeric), 1e-30);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * The strip
 */

guint
nn_inspect_choose_strip (const NnSplit *split, guint32 *indices)
{
  double *mean = g_new0 (double, (gsize) NN_CLASSES * NN_IMAGE_SIZE);
  guint count[NN_CLASSES] = { 0 }, n = 0;
  gint64 typical[NN_CLASSES], hard[NN_CLASSES];
  double best_typ[NN_CLASSES], best_hard[NN_CLASSES];

  for (guint i = 0; i < split->n; i++)
    {
      const guint8 *img = split->images + (gsize) i * NN_IMAGE_SIZE;
      double *mu = mean + (gsize) split->labels[i] * NN_IMAGE_SIZE;
      count[split->labels[i]]++;
      for (int j = 0; j < NN_IMAGE_SIZE; j++)
        mu[j] += img[j];
    }
  for (int c = 0; c < NN_CLASSES; c++)
    {
      for (int j = 0; j < NN_IMAGE_SIZE; j++)
        mean[(gsize) c * NN_IMAGE_SIZE + j] /= MAX (count[c], 1);
      typical[c] = hard[c] = -1;
      best_typ[c] = G_MAXDOUBLE;
      best_hard[c] = -1;
    }
  for (guint i = 0; i < split->n; i++)
    {
      const guint8 *img = split->images + (gsize) i * NN_IMAGE_SIZE;
      double d[NN_CLASSES], other = G_MAXDOUBLE;
      int y = split->labels[i];
      for (int c = 0; c < NN_CLASSES; c++)
        {
          const double *mu = mean + (gsize) c * NN_IMAGE_SIZE;
          double s = 0;
          if (count[c] == 0)
            {
              d[c] = G_MAXDOUBLE;
              continue;
            }
          for (int j = 0; j < NN_IMAGE_SIZE; j++)
            s += (img[j] - mu[j]) * (img[j] - mu[j]);
          d[c] = s;
          if (c != y)
            other = MIN (other, s);
        }
      if (d[y] < best_typ[y])
        {
          best_typ[y] = d[y];
          typical[y] = i;
        }
      /* Hard: nearer another class's mean, relative to its own. */
      if (other < G_MAXDOUBLE && d[y] / MAX (other, 1e-9) > best_hard[y])
        {
          best_hard[y] = d[y] / MAX (other, 1e-9);
          hard[y] = i;
        }
    }
  for (int c = 0; c < NN_CLASSES; c++)
    {
      if (typical[c] >= 0)
        indices[n++] = (guint32) typical[c];
      if (hard[c] >= 0 && hard[c] != typical[c])
        indices[n++] = (guint32) hard[c];
    }
  g_free (mean);
  return n;
}
