/* nn-maxpool.c: see nn-maxpool.h. Ties go to the first maximum, as in PyTorch. */
#include "nn-maxpool.h"

#include <string.h>

void
nn_maxpool_forward (float *y, guint8 *argmax, const float *x, int C, int H, int W)
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
nn_maxpool_backward (float *dx, const float *dy, const guint8 *argmax, int C, int H, int W)
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
