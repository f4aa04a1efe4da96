/* nn-dropout.h: inverted dropout. In training each unit is kept with probability 1 − p and
 * scaled by 1/(1 − p); in evaluation it is the identity. The mask of element i of image
 * `image` at step `step` is drawn from (seed, stream, step, image, i): the same whichever
 * thread computes it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One image of @n elements; @mask (n) records what was kept for backward. */
void nn_dropout_forward_train (float *y, guint8 *mask, const float *x, gsize n, float p,
                               guint64 seed, guint64 stream, guint64 step, guint64 image);
void nn_dropout_backward      (float *dx, const float *dy, const guint8 *mask, gsize n, float p);

G_END_DECLS
