/* nn-conv3x3.c: see nn-conv3x3.h. Built once per CPU variant (nn-variant.h). */
#include "nn-conv3x3.h"

#include <string.h>

#include "nn-simd.h"


void
NN_KERNEL (nn_conv3x3_pack_weights) (float *wt, const float *w, int K, int C)
{
  for (int k = 0; k < K; k++)
    for (int i = 0; i < C * 9; i++)
      wt[(gsize) i * K + k] = w[(gsize) k * C * 9 + i];
}

void
NN_KERNEL (nn_conv3x3_pack_flipped) (float *wf, const float *w, int K, int C)
{
  /* dx[c, h, w] = Σ_k,r,s w[k, c, r, s] · dy[k, h + 1 − r, w + 1 − s]: a convolution of the
   * (padded) output gradient with w[k, c, 2 − r', 2 − s'], inputs k, outputs c. */
  for (int k = 0; k < K; k++)
    for (int c = 0; c < C; c++)
      for (int r = 0; r < 3; r++)
        for (int s = 0; s < 3; s++)
          wf[((gsize) k * 9 + (2 - r) * 3 + (2 - s)) * C + c] =
            w[(((gsize) k * C + c) * 3 + r) * 3 + s];
}

/* KB output channels (k0 … k0 + KB − 1) × 24 pixels from j. Inlined with constant KB. */
static inline __attribute__ ((always_inline)) void
forward_tile (float *out, gsize ocs, const float *in, gsize ics, int C, int Wp, const float *wt,
              const float *bias, int K, int k0, gsize j, int KB)
{
  nn_v8f acc[4][3];

  for (int kk = 0; kk < KB; kk++)
    {
      nn_v8f b = nn_splat8 (bias ? bias[k0 + kk] : 0.0f);
      acc[kk][0] = b; acc[kk][1] = b; acc[kk][2] = b;
    }
  for (int c = 0; c < C; c++)
    {
      const float *x_c = in + c * ics + j;
      const float *w_c = wt + (gsize) c * 9 * K + k0;
      for (int r = 0; r < 3; r++)
        for (int s = 0; s < 3; s++)
          {
            const float *x = x_c + r * Wp + s;
            const float *w = w_c + (r * 3 + s) * K;
            nn_v8f x0 = nn_load8 (x), x1 = nn_load8 (x + 8), x2 = nn_load8 (x + 16);
            for (int kk = 0; kk < KB; kk++)
              {
                nn_v8f a = nn_splat8 (w[kk]);
                acc[kk][0] += a * x0;
                acc[kk][1] += a * x1;
                acc[kk][2] += a * x2;
              }
          }
    }
  for (int kk = 0; kk < KB; kk++)
    {
      float *o = out + (gsize) (k0 + kk) * ocs + j;
      nn_store8 (o, acc[kk][0]);
      nn_store8 (o + 8, acc[kk][1]);
      nn_store8 (o + 16, acc[kk][2]);
    }
}

void
NN_KERNEL (nn_conv3x3_forward) (float *out, gsize out_cstride, const float *in, int C, int Hp, int Wp,
                         int P, const float *wt, const float *bias, int K)
{
  const gsize ics = (gsize) Hp * Wp, npix = nn_conv3x3_out_pixels (P, Wp);

  for (gsize j = 0; j < npix; j += NN_CONV3X3_PIX_BLOCK)
    {
      int k0 = 0;
      for (; k0 + 4 <= K; k0 += 4)
        forward_tile (out, out_cstride, in, ics, C, Wp, wt, bias, K, k0, j, 4);
      for (; k0 < K; k0++)
        forward_tile (out, out_cstride, in, ics, C, Wp, wt, bias, K, k0, j, 1);
    }
}

/* dw for KB output channels × the 3 taps s of input channel c, row r. */
static inline __attribute__ ((always_inline)) void
weight_grad_tile (float *dw, const float *dy, gsize dcs, const float *in, gsize ics, int C,
                  int Wp, gsize npix8, int k0, int c, int r, int KB)
{
  nn_v8f acc[4][3];
  const float *x = in + c * ics + r * Wp;

  for (int kk = 0; kk < KB; kk++)
    acc[kk][0] = acc[kk][1] = acc[kk][2] = nn_splat8 (0.0f);
  for (gsize j = 0; j < npix8; j += 8)
    {
      nn_v8f x0 = nn_load8 (x + j), x1 = nn_load8 (x + j + 1), x2 = nn_load8 (x + j + 2);
      for (int kk = 0; kk < KB; kk++)
        {
          nn_v8f d = nn_load8 (dy + (gsize) (k0 + kk) * dcs + j);
          acc[kk][0] += d * x0;
          acc[kk][1] += d * x1;
          acc[kk][2] += d * x2;
        }
    }
  for (int kk = 0; kk < KB; kk++)
    {
      float *o = dw + (((gsize) (k0 + kk) * C + c) * 3 + r) * 3;
      o[0] += nn_hsum8 (acc[kk][0]);
      o[1] += nn_hsum8 (acc[kk][1]);
      o[2] += nn_hsum8 (acc[kk][2]);
    }
}

void
NN_KERNEL (nn_conv3x3_weight_grad) (float *dw, float *db, const float *dy, gsize dy_cstride,
                             const float *in, int C, int Hp, int Wp, int P, int K)
{
  const gsize ics = (gsize) Hp * Wp, npix8 = ((gsize) P * Wp + 7) / 8 * 8;

  for (int c = 0; c < C; c++)
    for (int r = 0; r < 3; r++)
      {
        int k0 = 0;
        for (; k0 + 4 <= K; k0 += 4)
          weight_grad_tile (dw, dy, dy_cstride, in, ics, C, Wp, npix8, k0, c, r, 4);
        for (; k0 < K; k0++)
          weight_grad_tile (dw, dy, dy_cstride, in, ics, C, Wp, npix8, k0, c, r, 1);
      }
  if (db)
    for (int k = 0; k < K; k++)
      {
        nn_v8f acc = nn_splat8 (0.0f);
        for (gsize j = 0; j < npix8; j += 8)
          acc += nn_load8 (dy + (gsize) k * dy_cstride + j);
        db[k] += nn_hsum8 (acc);
      }
}
