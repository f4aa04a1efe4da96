/* nn-dropout.h: inverted dropout's mask, applied in place. In training each unit is kept with
 * probability 1 − p and scaled by 1/(1 − p); in evaluation dropout is the identity (the model
 * simply does not call this). The mask of element i of image `image` at step `step` is a
 * function of (seed, stream, step, image, i): the same whichever thread computes it, so no
 * mask is stored (backward reads the output: a kept, active unit is > 0). */
#pragma once

#include <glib.h>

#include "nn-variant.h"

G_BEGIN_DECLS

/* y (n) *= 0 or 1/(1 − p), per element, as the key draws. */
typedef void NnDropoutApplyFunc (float *restrict y, gsize n, float p, guint64 seed,
                                 guint64 stream, guint64 step, guint64 image);

#ifdef NN_VARIANT
NnDropoutApplyFunc NN_KERNEL (nn_dropout_apply);
#endif

G_END_DECLS
