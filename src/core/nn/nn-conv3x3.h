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
 * (nn-variant.h), in tiles of output channels × pixel vectors held in registers (8 × 32 pixels
 * with AVX-512, 4 × 16 with AVX2, 4 × 24 otherwise). The weight gradient of an input with a
 * whole number of vectors of channels transposes it channel-last first, so its loads are
 * aligned and its sums need no reduction across lanes. Every sum runs in a fixed order, so
 * results do not depend on which thread runs them.
 */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

/* Output channels are whole multiples of this many floats in every variant (a pair of
 * AVX-512 vectors), so buffers have one layout whichever variant runs. */
#define NN_CONV3X3_PIX_ALIGN 32
/* Zero floats after a padded image: the kernels read up to P·Wp rounded up, plus two rows and
 * two columns, past its start. */
#define NN_CONV3X3_SLACK 64

/* Floats per output channel: P·Wp rounded up to NN_CONV3X3_PIX_ALIGN. */
static inline gsize
nn_conv3x3_out_pixels (int P, int Wp)
{
  return ((gsize) P * Wp + NN_CONV3X3_PIX_ALIGN - 1) / NN_CONV3X3_PIX_ALIGN
         * NN_CONV3X3_PIX_ALIGN;
}

/* Floats of scratch the kernels need for a (C, Hp, Wp) input: the input transposed, or in
 * pairs of bfloat16 (the mixed-precision variant), with room to align. */
static inline gsize
nn_conv3x3_scratch (int C, int Hp, int Wp)
{
  return (gsize) (C + 1) * ((gsize) Hp * Wp + NN_CONV3X3_SLACK) + 16;
}

/* w (K, C, 3, 3) → wt (C·9, K): the K weights of one tap side by side. The mixed-precision
 * variant packs two input channels' bfloat16 into each 32-bit slot ((C/2 rounded up)·9, K). */
typedef void NnConv3x3PackFunc (float *wt, const float *w, int K, int C);

/* What the forward kernel does to its sums z before storing them, saving a pass over memory:
 * out = max{scale[k]·z + shift[k], 0}·mask[pixel] (the batch norm's affine map, or none when
 * scale and shift are NULL, then ReLU, then 0 on the garbage columns). */
typedef struct {
  const float *scale, *shift;   /* (K) each, or both NULL */
  const float *mask;            /* (out_cstride) 1 on real pixels, 0 elsewhere */
} NnConv3x3Relu;

/* out (K, out_cstride) on the padded-width grid ← b + Σ_c,r,s wt[(c,r,s), k] · in[c, p+r, q+s]
 * for the P output rows of a padded image in (C, Hp, Wp), Hp = P + 2, then through @relu if it
 * is not NULL. @bias may be NULL (0). Writes nn_conv3x3_out_pixels (P, Wp) floats of each
 * channel, out_cstride apart. @scratch holds nn_conv3x3_scratch (C, Hp, Wp) floats. */
typedef void NnConv3x3ForwardFunc (float *out, gsize out_cstride, const float *in, int C, int Hp,
                                   int Wp, int P, const float *wt, const float *bias, int K,
                                   const NnConv3x3Relu *relu, float *scratch);

/* dw (K, C, 3, 3) += Σ_pixels dy[k, pix] · in[c, pix + r·Wp + s]; db (K) += Σ dy (db may be
 * NULL). dy (K, dy_cstride) on the padded-width grid with zeros in the garbage columns and up
 * to dy_cstride ≥ nn_conv3x3_out_pixels (P, Wp). @scratch holds
 * nn_conv3x3_scratch (C, Hp, Wp) floats. */
typedef void NnConv3x3WeightGradFunc (float *dw, float *db, const float *dy, gsize dy_cstride,
                                      const float *in, int C, int Hp, int Wp, int P, int K,
                                      float *scratch);

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
