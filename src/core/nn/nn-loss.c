/* nn-loss.c: see nn-loss.h. */
#include "nn-loss.h"

#include <math.h>

double
nn_logsoftmax_nll_forward (float *logp, const float *z, const guint8 *labels, int N, int K)
{
  double total = 0;

  for (int n = 0; n < N; n++)
    {
      const float *z_n = z + (gsize) n * K;
      float *logp_n = logp + (gsize) n * K;
      float max = z_n[0];
      double sum = 0, lse;
      for (int k = 1; k < K; k++)
        max = MAX (max, z_n[k]);
      for (int k = 0; k < K; k++)
        sum += exp ((double) z_n[k] - max);
      lse = max + log (sum);
      for (int k = 0; k < K; k++)
        logp_n[k] = (float) (z_n[k] - lse);
      if (labels)
        total -= logp_n[labels[n]];
    }
  return total;
}

void
nn_logsoftmax_nll_backward (float *dz, const float *logp, const guint8 *labels, int N, int K,
                            float scale, float smoothing)
{
  const float off = smoothing / K, on = 1.0f - smoothing + off;

  for (int n = 0; n < N; n++)
    for (int k = 0; k < K; k++)
      {
        gsize i = (gsize) n * K + k;
        dz[i] = (expf (logp[i]) - (k == labels[n] ? on : off)) * scale;
      }
}
