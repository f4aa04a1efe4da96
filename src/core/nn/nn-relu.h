/* nn-relu.h: ReLU as the model runs it, fused with what sits beside it: forward takes the
 * convolution's output through the batch norm's affine map first, backward passes dropout's
 * scale too. f(x) = max{0, x}. */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

/* y[j] = max{a·z[j] + c, 0}·mask[j] for j < n (a = 1, c = 0 without batch norm; mask is 0 on
 * the garbage columns of the padded-width grid, nn-conv3x3.h). */
typedef void NnReluForwardFunc (float *restrict y, const float *restrict z, float a, float c,
                                const float *restrict mask, gsize n);

/* g[j] = d[j]·factor where y[j] > 0, else 0, for j < n: ∂loss/∂(pre-ReLU value) from
 * ∂loss/∂(output), with y the output after dropout (> 0 exactly where the unit was active and
 * kept) and factor dropout's 1/(1 − p) (1 without dropout). */
typedef void NnReluBackwardFunc (float *restrict g, const float *restrict d,
                                 const float *restrict y, float factor, gsize n);

#ifdef NN_VARIANT
NnReluForwardFunc NN_KERNEL (nn_relu_forward);
NnReluBackwardFunc NN_KERNEL (nn_relu_backward);
#endif

G_END_DECLS
