/* nn-batchnorm.h: batch normalisation as the model runs it, in PyTorch's convention (nn-arch.h:
 * training normalises with the batch's biased variance and moves the running statistics with
 * the unbiased one; evaluation uses the running statistics): y = γ·(z − μ)·rstd + β, applied
 * as y = a·z + b folded into the ReLU pass (nn-relu.h).
 *
 * The batch is split into chunks computed by different threads, so the statistics come in two
 * steps: each image's channel sums are folded into its chunk's partial (in image order), then
 * the partials are combined in chunk order (Chan's parallel update, exact in double): the same
 * bits for any thread count. Backward does the same with its two sums Σdu and Σdu·x̂.
 *
 * A channel of an image is n floats at a stride (the padded-width grid of nn-conv3x3.h) of
 * which only those where mask is 1 are pixels; the others are ignored (and come out 0).
 * Legend: K channels, PQ pixels per channel and image.
 */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

/* Folds one image's z (K channels at stride cs) into a chunk's partial part (2, K): the mean
 * and the sum of squared deviations over the @images_before images already in it (0: start
 * afresh). */
typedef void NnBatchnormImageStatsFunc (double *part, const float *z, gsize cs,
                                        const float *mask, gsize n, int PQ, int K,
                                        guint images_before);

/* The batch's statistics from the chunks' partials parts (n_parts, 2, K) over counts[i] images
 * each (empty ones skipped), in order: mean and rstd (K) for backward, the affine map a, b
 * (K) for the forward pass, and the running statistics moved @momentum of the way to the
 * batch's (NN_BN_MOMENTUM in training; the variance unbiased). */
typedef void NnBatchnormReduceFunc (float *mean, float *rstd, float *a, float *b,
                                    float *running_mean, float *running_var,
                                    const double *parts, const guint *counts, guint n_parts,
                                    int PQ, const float *gamma, const float *beta, int K,
                                    double momentum);

/* Evaluation: a, b (K) from the running statistics. */
typedef void NnBatchnormEvalFunc (float *a, float *b, const float *gamma, const float *beta,
                                  const float *running_mean, const float *running_var, int K);

/* Backward, per image: adds Σdu and Σdu·x̂ over its pixels to a chunk's part (2, K) (zeroed
 * first when @first), where du = ∂loss/∂(BN output) and x̂ = (z − mean)·rstd. */
typedef void NnBatchnormGradSumsFunc (double *part, const float *du, const float *z, gsize cs,
                                      gsize n, const float *mean, const float *rstd, int K,
                                      gboolean first);

/* The batch's Σdu and Σdu·x̂ (K each) from the chunks' parts (n_parts, 2, K), in order, and
 * the parameter gradients they are: dgamma += Σdu·x̂, dbeta += Σdu. */
typedef void NnBatchnormReduceGradFunc (double *sum_du, double *sum_du_xhat, float *dgamma,
                                        float *dbeta, const double *parts, const guint *counts,
                                        guint n_parts, int K);

/* Backward, per image, once the batch's sums are known (M = images × PQ):
 * dz = γ·rstd·(du − Σdu/M − x̂·Σdu·x̂/M), 0 where mask is 0; dz's channels dz_cs apart. */
typedef void NnBatchnormBackwardFunc (float *dz, gsize dz_cs, const float *du, const float *z,
                                      gsize cs, const float *mask, gsize n, const float *gamma,
                                      const float *mean, const float *rstd, const double *sum_du,
                                      const double *sum_du_xhat, double M, int K);

#ifdef NN_VARIANT
NnBatchnormImageStatsFunc NN_KERNEL (nn_batchnorm_image_stats);
NnBatchnormReduceFunc NN_KERNEL (nn_batchnorm_reduce);
NnBatchnormEvalFunc NN_KERNEL (nn_batchnorm_eval);
NnBatchnormGradSumsFunc NN_KERNEL (nn_batchnorm_grad_sums);
NnBatchnormReduceGradFunc NN_KERNEL (nn_batchnorm_reduce_grad);
NnBatchnormBackwardFunc NN_KERNEL (nn_batchnorm_backward);
#endif

G_END_DECLS
