/* nn-maxpool.h: 2×2 max pooling, stride 2, floor, one output row at a time, as the model runs
 * it: forward keeps each window's argmax (0…3: top-left, top-right, bottom-left,
 * bottom-right; ties to the first maximum, as in PyTorch); backward is fused with the ReLU and
 * dropout before it (nn-relu.h). */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

/* y[q] = max of r0[2q], r0[2q+1], r1[2q], r1[2q+1], a[q] its position, for q < OQ. Reads up
 * to 16 floats past 2·OQ in each input row (the caller's buffers have slack); writes only OQ. */
typedef void NnMaxpoolForwardFunc (float *restrict y, guint8 *restrict a, const float *r0,
                                   const float *r1, int OQ);

/* The adjoint, through ReLU and dropout: g = d·factor where the pooled output y > 0, put at
 * its argmax a in rows r0 and r1, 0 at the other three. Writes zeros up to 16 floats past 2·OQ
 * in each row: r0 is written before r1, so r0's spill lands on r1's start and is overwritten;
 * callers go in increasing rows and have slack past the last. */
typedef void NnMaxpoolBackwardFunc (float *r0, float *r1, const float *y, const float *d,
                                    const guint8 *a, float factor, int OQ);

#ifdef NN_VARIANT
NnMaxpoolForwardFunc NN_KERNEL (nn_maxpool_forward);
NnMaxpoolBackwardFunc NN_KERNEL (nn_maxpool_backward);
#endif

G_END_DECLS
