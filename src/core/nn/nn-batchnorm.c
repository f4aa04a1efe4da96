/* nn-batchnorm.c: see nn-batchnorm.h. Built once per CPU variant (nn-variant.h). */
#include "nn-batchnorm.h"

#include <math.h>

#include "nn-arch.h"
#include "nn-simd.h"

/* Σ v[i]·mask[i] and Σ ((v[i] − c)·mask[i])² over n floats (n a multiple of 8), in 8 lanes:
 * vectorised, one fixed order. */
static void
masked_sums (const float *v, const float *mask, float c, gsize n, double *sum, double *sum2)
{
  nn_v8f a = { 0 }, b = { 0 }, cc = nn_splat8 (c);

  for (gsize i = 0; i < n; i += 8)
    {
      nn_v8f x = nn_load8 (v + i), m = nn_load8 (mask + i), t = (x - cc) * m;
      a += x * m;
      b += t * t;
    }
  *sum = nn_hsum8_double (a);
  *sum2 = nn_hsum8_double (b);
}

/* Chan's parallel update of (count, mean, M2) with another group's. */
static inline void
combine_stats (double *count, double *mean, double *m2, double n_b, double mean_b, double m2_b)
{
  double n = *count + n_b, d = mean_b - *mean;

  if (n_b == 0)
    return;
  *mean += d * n_b / n;
  *m2 += m2_b + d * d * *count * n_b / n;
  *count = n;
}

void
NN_KERNEL (nn_batchnorm_image_stats) (double *part, const float *z, gsize cs, const float *mask,
                                      gsize n, int PQ, int K, guint images_before)
{
  for (int k = 0; k < K; k++)
    {
      const float *z_k = z + k * cs;
      double sum, m2, mean, count = (double) images_before * PQ;
      /* Centred on the first value (a shift, for float accuracy), then exact. */
      masked_sums (z_k, mask, z_k[0], n, &sum, &m2);
      mean = sum / PQ;
      m2 = MAX (0.0, m2 - PQ * (mean - z_k[0]) * (mean - z_k[0]));
      if (images_before == 0)
        {
          part[k] = mean;
          part[K + k] = m2;
        }
      else
        combine_stats (&count, &part[k], &part[K + k], PQ, mean, m2);
    }
}

void
NN_KERNEL (nn_batchnorm_reduce) (float *mean, float *rstd, float *a, float *b,
                                 float *running_mean, float *running_var, const double *parts,
                                 const guint *counts, guint n_parts, int PQ, const float *gamma,
                                 const float *beta, int K, double momentum)
{
  for (int k = 0; k < K; k++)
    {
      double count = 0, mu = 0, m2 = 0, var;
      for (guint c = 0; c < n_parts; c++)
        if (counts[c] > 0)
          combine_stats (&count, &mu, &m2, (double) counts[c] * PQ, parts[2 * K * c + k],
                         parts[2 * K * c + K + k]);
      var = m2 / count;
      mean[k] = (float) mu;
      rstd[k] = (float) (1.0 / sqrt (var + NN_BN_EPS));
      a[k] = gamma[k] * rstd[k];
      b[k] = beta[k] - a[k] * mean[k];
      running_mean[k] = (float) ((1 - momentum) * running_mean[k] + momentum * mu);
      running_var[k] = (float) ((1 - momentum) * running_var[k]
                                + momentum * (count > 1 ? m2 / (count - 1) : var));
    }
}

void
NN_KERNEL (nn_batchnorm_eval) (float *a, float *b, const float *gamma, const float *beta,
                               const float *running_mean, const float *running_var, int K)
{
  for (int k = 0; k < K; k++)
    {
      a[k] = gamma[k] / sqrtf (running_var[k] + (float) NN_BN_EPS);
      b[k] = beta[k] - a[k] * running_mean[k];
    }
}

void
NN_KERNEL (nn_batchnorm_grad_sums) (double *part, const float *du, const float *z, gsize cs,
                                    gsize n, const float *mean, const float *rstd, int K,
                                    gboolean first)
{
  for (int k = 0; k < K; k++)
    {
      const float *du_k = du + k * cs, *z_k = z + k * cs;
      nn_v8f s = { 0 }, sx = { 0 }, mm = nn_splat8 (mean[k]), rr = nn_splat8 (rstd[k]);
      for (gsize i = 0; i < n; i += 8)
        {
          nn_v8f d = nn_load8 (du_k + i), x = nn_load8 (z_k + i);
          s += d;
          sx += d * ((x - mm) * rr);
        }
      if (first)
        part[k] = part[K + k] = 0;
      part[k] += nn_hsum8_double (s);
      part[K + k] += nn_hsum8_double (sx);
    }
}

void
NN_KERNEL (nn_batchnorm_reduce_grad) (double *sum_du, double *sum_du_xhat, float *dgamma,
                                      float *dbeta, const double *parts, const guint *counts,
                                      guint n_parts, int K)
{
  for (int k = 0; k < K; k++)
    {
      double s = 0, sx = 0;
      for (guint c = 0; c < n_parts; c++)
        if (counts[c] > 0)
          {
            s += parts[2 * K * c + k];
            sx += parts[2 * K * c + K + k];
          }
      sum_du[k] = s;
      sum_du_xhat[k] = sx;
      dgamma[k] += (float) sx;   /* ∂loss/∂γ = Σ du·x̂ */
      dbeta[k] += (float) s;     /* ∂loss/∂β = Σ du */
    }
}

void
NN_KERNEL (nn_batchnorm_backward) (float *dz, gsize dz_cs, const float *du, const float *z,
                                   gsize cs, const float *mask, gsize n, const float *gamma,
                                   const float *mean, const float *rstd, const double *sum_du,
                                   const double *sum_du_xhat, double M, int K)
{
  for (int k = 0; k < K; k++)
    {
      const float *restrict z_k = z + k * cs, *restrict du_k = du + k * cs;
      float *restrict out = dz + k * dz_cs;
      const float mu = mean[k], r = rstd[k], c = gamma[k] * r;
      const float m_du = (float) (sum_du[k] / M), m_dux = (float) (sum_du_xhat[k] / M);
      for (gsize i = 0; i < n; i++)
        out[i] = c * (du_k[i] - m_du - (z_k[i] - mu) * r * m_dux) * mask[i];
    }
}
