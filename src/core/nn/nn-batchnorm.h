/* nn-batchnorm.h: batch normalisation over (N, H, W) per channel, PyTorch's convention:
 * training normalises with the batch's biased variance and updates the running statistics
 * with momentum 0.1 and the UNBIASED variance; evaluation uses the running statistics;
 * ε = 1e-5. y = γ · (x − μ) / √(σ² + ε) + β. Sums run in double. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_BN_EPS 1e-5
#define NN_BN_MOMENTUM 0.1

/* x, y (N, C, HW). Training: fills mean, rstd (C) for backward and updates the running
 * statistics. */
void nn_batchnorm_forward_train (float *y, float *mean, float *rstd, const float *x,
                                 const float *gamma, const float *beta, float *running_mean,
                                 float *running_var, int N, int C, int HW);
void nn_batchnorm_forward_eval  (float *y, const float *x, const float *gamma, const float *beta,
                                 const float *running_mean, const float *running_var, int N,
                                 int C, int HW);
/* dx = …; dgamma, dbeta += … */
void nn_batchnorm_backward      (float *dx, float *dgamma, float *dbeta, const float *dy,
                                 const float *x, const float *mean, const float *rstd,
                                 const float *gamma, int N, int C, int HW);

/* The same for channel @c alone (what the threads split: channels are independent). */
void nn_batchnorm_forward_train_channel (float *y, float *mean, float *rstd, const float *x,
                                         const float *gamma, const float *beta,
                                         float *running_mean, float *running_var, int N, int C,
                                         int HW, int c);
void nn_batchnorm_forward_eval_channel  (float *y, const float *x, const float *gamma,
                                         const float *beta, const float *running_mean,
                                         const float *running_var, int N, int C, int HW, int c);
void nn_batchnorm_backward_channel      (float *dx, float *dgamma, float *dbeta, const float *dy,
                                         const float *x, const float *mean, const float *rstd,
                                         const float *gamma, int N, int C, int HW, int c);

G_END_DECLS
