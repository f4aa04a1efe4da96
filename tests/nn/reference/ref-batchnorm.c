/* ref-batchnorm.c: the tests' reference batch normalisation (see nn-reference.h), over a whole
 * (N, C, HW) tensor, one channel at a time, in double. */
#include <math.h>

#include "nn-arch.h"
#include "nn-reference.h"

void
nn_ref_batchnorm_forward_train (float *y, float *mean, float *rstd, const float *x,
                                const float *gamma, const float *beta, float *running_mean,
                                float *running_var, int N, int C, int HW)
{
  const double M = (double) N * HW;

  for (int c = 0; c < C; c++)
    {
      double sum = 0, sq = 0, mu, var;
      for (int n = 0; n < N; n++)
        for (int i = 0; i < HW; i++)
          sum += x[((gsize) n * C + c) * HW + i];
      mu = sum / M;
      for (int n = 0; n < N; n++)
        for (int i = 0; i < HW; i++)
          {
            double d = x[((gsize) n * C + c) * HW + i] - mu;
            sq += d * d;
          }
      var = sq / M;
      mean[c] = (float) mu;
      rstd[c] = (float) (1.0 / sqrt (var + NN_BN_EPS));
      running_mean[c] = (float) ((1 - NN_BN_MOMENTUM) * running_mean[c] + NN_BN_MOMENTUM * mu);
      running_var[c] = (float) ((1 - NN_BN_MOMENTUM) * running_var[c]
                                + NN_BN_MOMENTUM * (M > 1 ? sq / (M - 1) : var));
      for (int n = 0; n < N; n++)
        for (int i = 0; i < HW; i++)
          {
            gsize at = ((gsize) n * C + c) * HW + i;
            y[at] = (float) (gamma[c] * (x[at] - mu) / sqrt (var + NN_BN_EPS) + beta[c]);
          }
    }
}

void
nn_ref_batchnorm_forward_eval (float *y, const float *x, const float *gamma, const float *beta,
                               const float *running_mean, const float *running_var, int N,
                               int C, int HW)
{
  for (int c = 0; c < C; c++)
    for (int n = 0; n < N; n++)
      for (int i = 0; i < HW; i++)
        {
          gsize at = ((gsize) n * C + c) * HW + i;
          y[at] = (float) (gamma[c] * (x[at] - running_mean[c])
                           / sqrt (running_var[c] + NN_BN_EPS) + beta[c]);
        }
}

void
nn_ref_batchnorm_backward (float *dx, float *dgamma, float *dbeta, const float *dy,
                           const float *x, const float *mean, const float *rstd,
                           const float *gamma, int N, int C, int HW)
{
  const double M = (double) N * HW;

  /* In the forward pass x̂ = (x − μ)·rstd, y = γx̂ + β, with μ and σ² depending on every x:
   * dx = γ·rstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)). */
  for (int c = 0; c < C; c++)
    {
      double sum_dy = 0, sum_dy_xhat = 0;
      for (int n = 0; n < N; n++)
        for (int i = 0; i < HW; i++)
          {
            gsize at = ((gsize) n * C + c) * HW + i;
            sum_dy += dy[at];
            sum_dy_xhat += dy[at] * ((x[at] - (double) mean[c]) * rstd[c]);
          }
      dgamma[c] += (float) sum_dy_xhat;
      dbeta[c] += (float) sum_dy;
      for (int n = 0; n < N; n++)
        for (int i = 0; i < HW; i++)
          {
            gsize at = ((gsize) n * C + c) * HW + i;
            double xhat = (x[at] - (double) mean[c]) * rstd[c];
            dx[at] = (float) (gamma[c] * rstd[c] / M * (M * dy[at] - sum_dy - xhat * sum_dy_xhat));
          }
    }
}
