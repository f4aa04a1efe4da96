/* nn-relu.c: see nn-relu.h. Built once per CPU variant (nn-variant.h); the loops vectorise. */
#include "nn-relu.h"

void
NN_KERNEL (nn_relu_forward) (float *restrict y, const float *restrict z, float a, float c,
                             const float *restrict mask, gsize n)
{
  for (gsize j = 0; j < n; j++)
    {
      float v = a * z[j] + c;
      y[j] = (v > 0.0f ? v : 0.0f) * mask[j];
    }
}

void
NN_KERNEL (nn_relu_backward) (float *restrict g, const float *restrict d,
                              const float *restrict y, float factor, gsize n)
{
  for (gsize j = 0; j < n; j++)
    g[j] = d[j] * (y[j] > 0.0f ? factor : 0.0f);
}
