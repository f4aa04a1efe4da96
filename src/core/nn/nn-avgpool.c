/* nn-avgpool.c: see nn-avgpool.h. */
#include "nn-avgpool.h"

void
nn_avgpool_forward (float *y, const float *x, int C, int HW)
{
  for (int c = 0; c < C; c++)
    {
      float s = 0;
      for (int i = 0; i < HW; i++)
        s += x[(gsize) c * HW + i];
      y[c] = s / HW;
    }
}

void
nn_avgpool_backward (float *dx, const float *dy, int C, int HW)
{
  for (int c = 0; c < C; c++)
    for (int i = 0; i < HW; i++)
      dx[(gsize) c * HW + i] = dy[c] / HW;
}
