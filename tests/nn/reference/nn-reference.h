/* nn-reference.h: THE TESTS' REFERENCE LAYERS, not part of the engine.
 *
 * Plain, obviously correct loops, one layer at a time over whole tensors, written for reading
 * rather than speed: the fused, vectorised layers the model runs (src/core/nn) are checked
 * against these, and these are checked against central differences and hand values
 * (tests/nn/test-layers.c). Sums run in double. Built as a library only the tests link; the
 * shipped engine never contains it.
 *
 * Legend: N batch, C in channels, K out channels, H/W input, P/Q output, R kernel side.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- Convolution, stride 1, square kernel, zero padding, with bias (cross-correlation):
 * y[k,p,q] = b[k] + Σ_c,r,s w[k,c,r,s] · x[c, p+r−pad, q+s−pad] */
typedef struct {
  int C, K, H, W, R, pad;
  int P, Q;                       /* H + 2·pad − R + 1, W + 2·pad − R + 1 */
} NnRefConv2dShape;

gboolean nn_ref_conv2d_shape_init (NnRefConv2dShape *s, int C, int K, int H, int W, int R,
                                   int pad, GError **error);
/* One image: x (C,H,W), w (K,C,R,R), b (K) -> y (K,P,Q). */
void nn_ref_conv2d_forward  (float *y, const float *x, const float *w, const float *b,
                             const NnRefConv2dShape *s);
/* One image, accumulating: dw (K,C,R,R) += …, db (K) += …; dx (C,H,W) = … (dx NULL: skip). */
void nn_ref_conv2d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                             const float *w, const NnRefConv2dShape *s);

/* ---- Batch normalisation over (N, H, W) per channel, with the engine's constants
 * (nn-arch.h): training uses the batch's biased variance and updates the running statistics
 * with the unbiased one; evaluation uses the running statistics. x, y (N, C, HW). */
void nn_ref_batchnorm_forward_train (float *y, float *mean, float *rstd, const float *x,
                                     const float *gamma, const float *beta, float *running_mean,
                                     float *running_var, int N, int C, int HW);
void nn_ref_batchnorm_forward_eval  (float *y, const float *x, const float *gamma,
                                     const float *beta, const float *running_mean,
                                     const float *running_var, int N, int C, int HW);
/* dx = …; dgamma, dbeta += … */
void nn_ref_batchnorm_backward      (float *dx, float *dgamma, float *dbeta, const float *dy,
                                     const float *x, const float *mean, const float *rstd,
                                     const float *gamma, int N, int C, int HW);

/* ---- ReLU, f(x) = max{0, x}; backward reads the forward output y. */
void nn_ref_relu_forward  (float *y, const float *x, gsize n);
void nn_ref_relu_backward (float *dx, const float *dy, const float *y, gsize n);

/* ---- 2×2 max pooling, stride 2, floor: (C, H, W) -> (C, H/2, W/2); argmax 0…3 within the
 * window, ties to the first maximum (PyTorch). Backward routes dy to the maximum. */
void nn_ref_maxpool_forward  (float *y, guint8 *argmax, const float *x, int C, int H, int W);
void nn_ref_maxpool_backward (float *dx, const float *dy, const guint8 *argmax, int C, int H,
                              int W);

/* ---- Global average pooling: (C, H·W) -> (C). */
void nn_ref_avgpool_forward  (float *y, const float *x, int C, int HW);
void nn_ref_avgpool_backward (float *dx, const float *dy, int C, int HW);

G_END_DECLS
