/* nn-conv2d.h: 2-D convolution, stride 1, square kernel, zero padding, with bias.
 * Legend: N batch, C in channels, K out channels, H/W input, P/Q output, R kernel side.
 * y[n,k,p,q] = b[k] + Σ_c,r,s w[k,c,r,s] · x[n,c,p+r−pad,q+s−pad]   (cross-correlation) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  int C, K, H, W, R, pad;
  int P, Q;                       /* H + 2·pad − R + 1, W + 2·pad − R + 1 */
} NnConv2dShape;

gboolean nn_conv2d_shape_init (NnConv2dShape *s, int C, int K, int H, int W, int R, int pad,
                               GError **error);
/* Floats of scratch one image needs (the unfolded input and its gradient). */
gsize    nn_conv2d_scratch_size (const NnConv2dShape *s);

/* One image: x (C,H,W), w (K,C,R,R), b (K) -> y (K,P,Q). */
void nn_conv2d_forward  (float *y, const float *x, const float *w, const float *b,
                         const NnConv2dShape *s, float *scratch);
/* One image, accumulating: dw (K,C,R,R) += …, db (K) += …, dx (C,H,W) = … (dx NULL: skip). */
void nn_conv2d_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                         const float *w, const NnConv2dShape *s, float *scratch);

G_END_DECLS
