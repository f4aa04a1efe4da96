/* nn-loss.h: log-softmax fused with the negative log-likelihood, mean over the batch.
 * logp_j = z_j − log Σ_k e^{z_k} (max-shifted); loss = −(1/N) Σ_n logp[n, label_n];
 * ∂loss/∂z = (softmax − onehot) / N. With label smoothing ε the target is (1 − ε)·onehot + ε/K
 * (PyTorch's CrossEntropyLoss(label_smoothing=ε)): ∂loss/∂z = (softmax − target) / N. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* z (N, K) -> logp (N, K); returns the SUM of −logp[label] over the batch (divide by N for
 * the mean). @labels may be NULL (inference only: returns 0). */
double nn_logsoftmax_nll_forward  (float *logp, const float *z, const guint8 *labels, int N,
                                   int K);
/* dz (N, K) = (exp(logp) − target) · @scale (1/N for the batch mean), target the one-hot label
 * smoothed by @smoothing (0: none). */
void   nn_logsoftmax_nll_backward (float *dz, const float *logp, const guint8 *labels, int N,
                                   int K, float scale, float smoothing);

G_END_DECLS
