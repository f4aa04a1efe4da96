/* ref-pointwise.c: the tests' reference ReLU, 2×2 max pooling and global average pooling
 * (see nn-reference.h). */
#include <string.h>

#include "nn-reference.h"

void
nn_ref_relu_forward (float *y, const float *x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] = x[i] > 0 ? x[i] : 0.0f;
}

void
nn_ref_relu_backward (float *dx, const float *dy, const float *y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    dx[i] = y[i] > 0 ? dy[i] : 0.0f;
}

void
nn_ref_maxpool_forward (float *y, guint8 *argmax, const float *x, int C, int H, int W)
{
  const int P = H / 2, Q = W / 2;

  for (int c = 0; c < C; c++)
    for (int p = 0; p < P; p++)
      for (int q = 0; q < Q; q++)
        {
          const float *x_c = x + (gsize) c * H * W;
          float best = x_c[(2 * p) * W + 2 * q];
          guint8 at = 0;
          for (guint8 k = 1; k < 4; k++)
            {
              float v = x_c[(2 * p + k / 2) * W + 2 * q + k % 2];
              if (v > best)
                {
                  best = v;
                  at = k;
                }
            }
          y[((gsize) c * P + p) * Q + q] = best;
          argmax[((gsize) c * P + p) * Q + q] = at;
        }
}

void
nn_ref_maxpool_backward (float *dx, const float *dy, const guint8 *argmax, int C, int H, int W)
{
  const int P = H / 2, Q = W / 2;

  memset (dx, 0, sizeof (float) * C * H * W);
  for (int c = 0; c < C; c++)
    for (int p = 0; p < P; p++)
      for (int q = 0; q < Q; q++)
        {
          gsize o = ((gsize) c * P + p) * Q + q;
          int k = argmax[o];
          dx[(gsize) c * H * W + (2 * p + k / 2) * W + 2 * q + k % 2] = dy[o];
        }
}

void
nn_ref_avgpool_forward (float *y, const float *x, int C, int HW)
{
  for (int c = 0; c < C; c++)
    {
      double s = 0;
      for (int i = 0; i < HW; i++)
        s += x[(gsize) c * HW + i];
      y[c] = (float) (s / HW);
    }
}

void
nn_ref_avgpool_backward (float *dx, const float *dy, int C, int HW)
{
  for (int c = 0; c < C; c++)
    for (int i = 0; i < HW; i++)
      dx[(gsize) c * HW + i] = dy[c] / HW;
}
