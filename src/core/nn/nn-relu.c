/* nn-relu.c: see nn-relu.h. */
#include "nn-relu.h"

void
nn_relu_forward (float *restrict y, const float *restrict x, gsize n)
{
  for (gsize i = 0; i < n; i++)
    y[i] = x[i] > 0 ? x[i] : 0.0f;
}

void
nn_relu_backward (float *restrict dx, const float *restrict dy, const float *restrict y, gsize n)
{
  for (gsize i = 0; i < n; i++)
    dx[i] = y[i] > 0 ? dy[i] : 0.0f;
}
