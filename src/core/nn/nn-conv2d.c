/* nn-conv2d.c: convolution as im2col + GEMM, one image at a time so the unfolded input
 * (C·R·R × P·Q floats, 451 KB at most here) stays in the L2 cache of the core that made it. */
#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <string.h>

#include "nn-conv2d.h"
#include "nn-error.h"

gboolean
nn_conv2d_shape_init (NnConv2dShape *s, int C, int K, int H, int W, int R, int pad,
                      GError **error)
{
  s->C = C; s->K = K; s->H = H; s->W = W; s->R = R; s->pad = pad;
  s->P = H + 2 * pad - R + 1;
  s->Q = W + 2 * pad - R + 1;
  if (C <= 0 || K <= 0 || R <= 0 || pad < 0 || s->P <= 0 || s->Q <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("A %d×%d convolution with padding %d does not fit a %d×%d×%d input."),
                   R, R, pad, C, H, W);
      return FALSE;
    }
  return TRUE;
}

gsize
nn_conv2d_scratch_size (const NnConv2dShape *s)
{
  return 2 * (gsize) s->C * s->R * s->R * s->P * s->Q;
}

/* For kernel column t, the outputs q whose input column q + t − pad lies inside [0, W). */
static inline void
valid_q (const NnConv2dShape *s, int t, int *q0, int *q1)
{
  *q0 = MAX (0, s->pad - t);
  *q1 = MIN (s->Q, s->W + s->pad - t);
}

/* col (C·R·R, P·Q): row (c,r,t) holds x[c, p+r−pad, q+t−pad] for every output (p,q): for each
 * p a shifted copy of one input row, zero where it falls outside. */
static void
im2col (float *col, const float *x, const NnConv2dShape *s)
{
  const int PQ = s->P * s->Q;

  for (int c = 0; c < s->C; c++)
    for (int r = 0; r < s->R; r++)
      for (int t = 0; t < s->R; t++)
        {
          float *row = col + ((gsize) (c * s->R + r) * s->R + t) * PQ;
          const float *x_c = x + (gsize) c * s->H * s->W;
          int q0, q1;

          valid_q (s, t, &q0, &q1);
          for (int p = 0; p < s->P; p++)
            {
              int h = p + r - s->pad;
              float *out = row + p * s->Q;
              /* Rows are short (≤ 28 floats): plain loops beat memcpy/memset calls. */
              if (h < 0 || h >= s->H || q1 <= q0)
                {
                  for (int q = 0; q < s->Q; q++)
                    out[q] = 0.0f;
                  continue;
                }
              {
                const float *in = x_c + h * s->W + t - s->pad;
                for (int q = 0; q < q0; q++)
                  out[q] = 0.0f;
                for (int q = q0; q < q1; q++)
                  out[q] = in[q];
                for (int q = q1; q < s->Q; q++)
                  out[q] = 0.0f;
              }
            }
        }
}

/* The adjoint of im2col: dx[c,h,w] = Σ of the col entries that read it. */
static void
col2im (float *dx, const float *col, const NnConv2dShape *s)
{
  const int PQ = s->P * s->Q;

  memset (dx, 0, sizeof (float) * s->C * s->H * s->W);
  for (int c = 0; c < s->C; c++)
    for (int r = 0; r < s->R; r++)
      for (int t = 0; t < s->R; t++)
        {
          const float *row = col + ((gsize) (c * s->R + r) * s->R + t) * PQ;
          float *dx_c = dx + (gsize) c * s->H * s->W;
          int q0, q1;

          valid_q (s, t, &q0, &q1);
          for (int p = 0; p < s->P; p++)
            {
              int h = p + r - s->pad;
              const float *in;
              float *out;
              if (h < 0 || h >= s->H)
                continue;
              in = row + p * s->Q;
              out = dx_c + h * s->W + t - s->pad;
              for (int q = q0; q < q1; q++)
                out[q] += in[q];
            }
        }
}

void
nn_conv2d_forward (float *y, const float *x, const float *w, const float *b,
                   const NnConv2dShape *s, float *scratch)
{
  const int CRR = s->C * s->R * s->R, PQ = s->P * s->Q;

  im2col (scratch, x, s);
  for (int k = 0; k < s->K; k++)
    for (int i = 0; i < PQ; i++)
      y[(gsize) k * PQ + i] = b[k];
  /* y (K, PQ) += w (K, CRR) · col (CRR, PQ) */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, s->K, PQ, CRR, 1.0f, w, CRR,
               scratch, PQ, 1.0f, y, PQ);
}

void
nn_conv2d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                    const float *w, const NnConv2dShape *s, float *scratch)
{
  const int CRR = s->C * s->R * s->R, PQ = s->P * s->Q;
  float *col = scratch, *dcol = scratch + (gsize) CRR * PQ;

  /* In the forward pass this was y = w·col + b, so: */
  im2col (col, x, s);
  for (int k = 0; k < s->K; k++)
    {
      const float *dy_k = dy + (gsize) k * PQ;
      float acc = 0;
      for (int i = 0; i < PQ; i++)
        acc += dy_k[i];
      db[k] += acc;
    }
  /* dw (K, CRR) += dy (K, PQ) · colᵀ (PQ, CRR) */
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, s->K, CRR, PQ, 1.0f, dy, PQ, col, PQ,
               1.0f, dw, CRR);
  if (dx == NULL)
    return;
  /* dcol (CRR, PQ) = wᵀ (CRR, K) · dy (K, PQ), folded back onto the input. */
  cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, CRR, PQ, s->K, 1.0f, w, CRR, dy, PQ,
               0.0f, dcol, PQ);
  col2im (dx, dcol, s);
}
