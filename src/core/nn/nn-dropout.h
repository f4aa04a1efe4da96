/* nn-dropout.h: inverted dropout. In training each unit is kept with probability 1 − p and
 * scaled by 1/(1 − p); in evaluation it is the identity. The mask of element i of image
 * `image` at step `step` is a function of (seed, stream, step, image, i): the same whichever
 * thread computes it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One image of @n elements; @mask (n) keeps each element's factor (0 or 1/(1 − p)). */
void nn_dropout_forward_train (float *restrict y, float *restrict mask, const float *restrict x,
                               gsize n, float p, guint64 seed, guint64 stream, guint64 step,
                               guint64 image);
/* The same mask applied in place, without keeping it (the model's backward needs only the
 * output: a kept, active unit is > 0). Masks equal nn_dropout_forward_train's. */
void nn_dropout_apply         (float *restrict y, gsize n, float p, guint64 seed, guint64 stream,
                               guint64 step, guint64 image);
void nn_dropout_backward      (float *restrict dx, const float *restrict dy,
                               const float *restrict mask, gsize n);

G_END_DECLS
