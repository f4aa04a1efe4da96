/* nn-linear.c: see nn-linear.h. Ten by ten here: plain loops beat any call overhead. */
#include "nn-linear.h"

void
nn_linear_forward (float *y, const float *x, const float *w, const float *b, int n_in, int n_out)
{
  for (int o = 0; o < n_out; o++)
    {
      float s = b[o];
      for (int i = 0; i < n_in; i++)
        s += w[(gsize) o * n_in + i] * x[i];
      y[o] = s;
    }
}

void
nn_linear_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                    const float *w, int n_in, int n_out)
{
  for (int o = 0; o < n_out; o++)
    {
      db[o] += dy[o];
      for (int i = 0; i < n_in; i++)
        dw[(gsize) o * n_in + i] += dy[o] * x[i];
    }
  if (dx == NULL)
    return;
  for (int i = 0; i < n_in; i++)
    {
      float s = 0;
      for (int o = 0; o < n_out; o++)
        s += w[(gsize) o * n_in + i] * dy[o];
      dx[i] = s;
    }
}
