/* nn-maxpool.h: 2×2 max pooling, stride 2, floor, one output row at a time, as the model runs
 * it: forward keeps each window's argmax (0…3: top-left, top-right, bottom-left,
 * bottom-right; ties to the first maximum, as in PyTorch); backward is fused with the ReLU and
 * dropout before it (nn-relu.h). */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

/* One channel: y[p, q] = max of x[2p, 2q], x[2p, 2q+1], x[2p+1, 2q], x[2p+1, 2q+1] and
 * a[p·OQ + q] its position, for p < OP, q < OQ; rows x_rs floats apart in x, y_rs in y. Reads up
 * to 16 floats past 2·OQ in each input row (the caller's buffers have slack); writes only OQ
 * per row. */
typedef void NnMaxpoolForwardFunc (float *restrict y, gsize y_rs, guint8 *restrict a,
                                   const float *x, gsize x_rs, int OP, int OQ);

/* The adjoint for one channel, through ReLU and dropout: g = d·factor where the pooled output
 * y > 0, put at its argmax in g's rows 2p and 2p+1, 0 at the other three (rows g_rs, y_rs, d_rs
 * floats apart). Writes zeros up to 16 floats past 2·OQ in each row, in increasing order, so a
 * row's spill lands on the next one's start before it is written; past the last, slack. */
typedef void NnMaxpoolBackwardFunc (float *g, gsize g_rs, const float *y, gsize y_rs,
                                    const float *d, gsize d_rs, const guint8 *a, float factor,
                                    int OP, int OQ);

#ifdef NN_VARIANT
NnMaxpoolForwardFunc NN_KERNEL (nn_maxpool_forward);
NnMaxpoolBackwardFunc NN_KERNEL (nn_maxpool_backward);
#endif

G_END_DECLS
