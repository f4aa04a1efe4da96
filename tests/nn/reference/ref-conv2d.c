/* ref-conv2d.c: the tests' reference convolution (see nn-reference.h): the definition as
 * six nested loops, summed in double. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nn-error.h"
#include "nn-reference.h"

gboolean
nn_ref_conv2d_shape_init (NnRefConv2dShape *s, int C, int K, int H, int W, int R, int pad,
                          GError **error)
{
  s->C = C; s->K = K; s->H = H; s->W = W; s->R = R; s->pad = pad;
  s->P = H + 2 * pad - R + 1;
  s->Q = W + 2 * pad - R + 1;
  if (C <= 0 || K <= 0 || R <= 0 || pad < 0 || s->P <= 0 || s->Q <= 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   "A %d×%d convolution with padding %d does not fit a %d×%d×%d input.",
                   R, R, pad, C, H, W);
      return FALSE;
    }
  return TRUE;
}

/* x[c, h, w], or 0 in the padding. */
static inline double
at (const float *x, const NnRefConv2dShape *s, int c, int h, int w)
{
  if (h < 0 || h >= s->H || w < 0 || w >= s->W)
    return 0.0;
  return x[((gsize) c * s->H + h) * s->W + w];
}

void
nn_ref_conv2d_forward (float *y, const float *x, const float *w, const float *b,
                       const NnRefConv2dShape *s)
{
  for (int k = 0; k < s->K; k++)
    for (int p = 0; p < s->P; p++)
      for (int q = 0; q < s->Q; q++)
        {
          double acc = b[k];
          for (int c = 0; c < s->C; c++)
            for (int r = 0; r < s->R; r++)
              for (int t = 0; t < s->R; t++)
                acc += w[(((gsize) k * s->C + c) * s->R + r) * s->R + t]
                       * at (x, s, c, p + r - s->pad, q + t - s->pad);
          y[((gsize) k * s->P + p) * s->Q + q] = (float) acc;
        }
}

void
nn_ref_conv2d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                        const float *w, const NnRefConv2dShape *s)
{
  /* In the forward pass y[k,p,q] = b[k] + Σ w[k,c,r,t]·x[c, p+r−pad, q+t−pad], so each
   * (k, c, r, t) term sends dy[k,p,q] to its weight (times the input) and to its input
   * (times the weight). */
  for (int k = 0; k < s->K; k++)
    {
      double acc = 0;
      for (int i = 0; i < s->P * s->Q; i++)
        acc += dy[(gsize) k * s->P * s->Q + i];
      db[k] += (float) acc;
      for (int c = 0; c < s->C; c++)
        for (int r = 0; r < s->R; r++)
          for (int t = 0; t < s->R; t++)
            {
              double g = 0;
              for (int p = 0; p < s->P; p++)
                for (int q = 0; q < s->Q; q++)
                  g += dy[((gsize) k * s->P + p) * s->Q + q]
                       * at (x, s, c, p + r - s->pad, q + t - s->pad);
              dw[(((gsize) k * s->C + c) * s->R + r) * s->R + t] += (float) g;
            }
    }
  if (dx == NULL)
    return;
  for (int c = 0; c < s->C; c++)
    for (int h = 0; h < s->H; h++)
      for (int v = 0; v < s->W; v++)
        {
          double g = 0;
          for (int k = 0; k < s->K; k++)
            for (int r = 0; r < s->R; r++)
              for (int t = 0; t < s->R; t++)
                {
                  int p = h - r + s->pad, q = v - t + s->pad;
                  if (p >= 0 && p < s->P && q >= 0 && q < s->Q)
                    g += (double) w[(((gsize) k * s->C + c) * s->R + r) * s->R + t]
                         * dy[((gsize) k * s->P + p) * s->Q + q];
                }
          dx[((gsize) c * s->H + h) * s->W + v] = (float) g;
        }
}
