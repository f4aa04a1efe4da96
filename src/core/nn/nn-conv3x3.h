/* nn-conv3x3.h: 3×3 convolutions as implicit GEMMs straight on zero-padded images, no im2col.
 *
 * Layout ("padded image"): one image is (C, Hp, Wp) floats with zero borders, followed by
 * NN_CONV3X3_SLACK zero floats, so kernels may read a little past the last row.
 *
 * Outputs live on the input's grid ("padded-width" layout): output pixel (p, q) is at
 * p·Wp + q, row stride Wp, so the pixel that reads input (p + r, q + s) is at a constant
 * offset r·Wp + s from it: every tap of the kernel is one shifted contiguous load. Columns
 * q ≥ Q (= Wp − 2) are garbage the caller ignores (in gradients they must be zero).
 * A channel of an output holds nn_conv3x3_out_pixels (P, Wp) floats (P·Wp rounded up).
 *
 * The kernels are plain C with GCC vector extensions (nn-simd.h), built once per CPU variant
 * (nn-variant.h); with AVX2 and FMA they run 4 output channels × 24 pixels of FMAs per step
 * from registers. Every sum runs in a fixed order, so results do not depend on which thread
 * runs them.
 */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

#define NN_CONV3X3_SLACK 32
#define NN_CONV3X3_PIX_BLOCK 24

/* Floats per output channel: P·Wp rounded up to the pixel block. */
static inline gsize
nn_conv3x3_out_pixels (int P, int Wp)
{
  return ((gsize) P * Wp + NN_CONV3X3_PIX_BLOCK - 1) / NN_CONV3X3_PIX_BLOCK * NN_CONV3X3_PIX_BLOCK;
}

/* w (K, C, 3, 3) → wt (C·9, K): the K weights of one tap side by side. */
typedef void NnConv3x3PackFunc (float *wt, const float *w, int K, int C);

/* out (K, out_cstride) on the padded-width grid ← b + Σ_c,r,s wt[(c,r,s), k] · in[c, p+r, q+s]
 * for the P output rows of a padded image in (C, Hp, Wp), Hp = P + 2. @bias may be NULL (0).
 * out_cstride ≥ nn_conv3x3_out_pixels (P, Wp). */
typedef void NnConv3x3ForwardFunc (float *out, gsize out_cstride, const float *in, int C, int Hp,
                                   int Wp, int P, const float *wt, const float *bias, int K);

/* dw (K, C, 3, 3) += Σ_pixels dy[k, pix] · in[c, pix + r·Wp + s]; db (K) += Σ dy (db may be
 * NULL). dy (K, dy_cstride) on the padded-width grid with zeros in the garbage columns and up
 * to dy_cstride ≥ P·Wp rounded up to 8. */
typedef void NnConv3x3WeightGradFunc (float *dw, float *db, const float *dy, gsize dy_cstride,
                                      const float *in, int C, int Hp, int Wp, int P, int K);

#ifdef NN_VARIANT
NnConv3x3PackFunc NN_KERNEL (nn_conv3x3_pack_weights);
/* w (K, C, 3, 3) → wf (K·9, C): the weights of the transposed, flipped convolution that maps
 * an output gradient back onto the input (K' = C outputs, C' = K inputs): the input gradient
 * is nn_conv3x3_forward of the output gradient (padded by 2 − pad) with these. */
NnConv3x3PackFunc NN_KERNEL (nn_conv3x3_pack_flipped);
NnConv3x3ForwardFunc NN_KERNEL (nn_conv3x3_forward);
NnConv3x3WeightGradFunc NN_KERNEL (nn_conv3x3_weight_grad);
#endif

G_END_DECLS
