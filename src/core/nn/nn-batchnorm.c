/* nn-batchnorm.c: see nn-batchnorm.h. */
#include "nn-batchnorm.h"

#include <math.h>

/* Channel c of (N, C, HW): y = a·x + b, the normalisation folded into one affine map. */
static void
scale_shift_channel (float *y, const float *x, float a, float b, int N, int C, int HW, int c)
{
  for (int n = 0; n < N; n++)
    {
      const float *x_nc = x + ((gsize) n * C + c) * HW;
      float *y_nc = y + ((gsize) n * C + c) * HW;
      for (int i = 0; i < HW; i++)
        y_nc[i] = a * x_nc[i] + b;
    }
}

void
nn_batchnorm_forward_train (float *y, float *mean, float *rstd, const float *x,
                            const float *gamma, const float *beta, float *running_mean,
                            float *running_var, int N, int C, int HW)
{
  for (int c = 0; c < C; c++)
    nn_batchnorm_forward_train_channel (y, mean, rstd, x, gamma, beta, running_mean, running_var,
                                        N, C, HW, c);
}

void
nn_batchnorm_forward_train_channel (float *y, float *mean, float *rstd, const float *x,
                                    const float *gamma, const float *beta, float *running_mean,
                                    float *running_var, int N, int C, int HW, int c)
{
  const double M = (double) N * HW;

    {
      double sum = 0, sq = 0, mu, var;
      for (int n = 0; n < N; n++)
        {
          const float *x_nc = x + ((gsize) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            sum += x_nc[i];
        }
      mu = sum / M;
      for (int n = 0; n < N; n++)
        {
          const float *x_nc = x + ((gsize) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            sq += (x_nc[i] - mu) * (x_nc[i] - mu);
        }
      var = sq / M;
      mean[c] = (float) mu;
      rstd[c] = (float) (1.0 / sqrt (var + NN_BN_EPS));
      running_mean[c] = (float) ((1 - NN_BN_MOMENTUM) * running_mean[c] + NN_BN_MOMENTUM * mu);
      running_var[c] = (float) ((1 - NN_BN_MOMENTUM) * running_var[c] +
                                NN_BN_MOMENTUM * (M > 1 ? sq / (M - 1) : var));
      scale_shift_channel (y, x, gamma[c] * rstd[c], beta[c] - gamma[c] * rstd[c] * mean[c],
                           N, C, HW, c);
    }
}

void
nn_batchnorm_forward_eval (float *y, const float *x, const float *gamma, const float *beta,
                           const float *running_mean, const float *running_var, int N, int C,
                           int HW)
{
  for (int c = 0; c < C; c++)
    nn_batchnorm_forward_eval_channel (y, x, gamma, beta, running_mean, running_var, N, C, HW,
                                       c);
}

void
nn_batchnorm_forward_eval_channel (float *y, const float *x, const float *gamma,
                                   const float *beta, const float *running_mean,
                                   const float *running_var, int N, int C, int HW, int c)
{
  const float a = gamma[c] / sqrtf (running_var[c] + (float) NN_BN_EPS);

  scale_shift_channel (y, x, a, beta[c] - a * running_mean[c], N, C, HW, c);
}

void
nn_batchnorm_backward (float *dx, float *dgamma, float *dbeta, const float *dy, const float *x,
                       const float *mean, const float *rstd, const float *gamma, int N, int C,
                       int HW)
{
  for (int c = 0; c < C; c++)
    nn_batchnorm_backward_channel (dx, dgamma, dbeta, dy, x, mean, rstd, gamma, N, C, HW, c);
}

void
nn_batchnorm_backward_channel (float *dx, float *dgamma, float *dbeta, const float *dy,
                               const float *x, const float *mean, const float *rstd,
                               const float *gamma, int N, int C, int HW, int c)
{
  const double M = (double) N * HW;

  /* In the forward pass x̂ = (x − μ)·rstd, y = γx̂ + β, with μ and σ² depending on every x:
   * dx = γ·rstd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)). */
    {
      double sum_dy = 0, sum_dy_xhat = 0;
      for (int n = 0; n < N; n++)
        {
          const float *x_nc = x + ((gsize) n * C + c) * HW;
          const float *dy_nc = dy + ((gsize) n * C + c) * HW;
          for (int i = 0; i < HW; i++)
            {
              sum_dy += dy_nc[i];
              sum_dy_xhat += dy_nc[i] * (x_nc[i] - mean[c]) * rstd[c];
            }
        }
      dgamma[c] += (float) sum_dy_xhat;
      dbeta[c] += (float) sum_dy;
      {
        const float k = gamma[c] * rstd[c];
        const float m_dy = (float) (sum_dy / M), m_dyx = (float) (sum_dy_xhat / M);
        for (int n = 0; n < N; n++)
          {
            const float *x_nc = x + ((gsize) n * C + c) * HW;
            const float *dy_nc = dy + ((gsize) n * C + c) * HW;
            float *dx_nc = dx + ((gsize) n * C + c) * HW;
            for (int i = 0; i < HW; i++)
              {
                float xhat = (x_nc[i] - mean[c]) * rstd[c];
                dx_nc[i] = k * (dy_nc[i] - m_dy - xhat * m_dyx);
              }
          }
      }
    }
}
