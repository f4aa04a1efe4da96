/* nn-relu.h: f(x) = max{0, x}, element-wise. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nn_relu_forward  (float *restrict y, const float *restrict x, gsize n);
/* dx = dy where y > 0, else 0 (reads the forward output y). */
void nn_relu_backward (float *restrict dx, const float *restrict dy, const float *restrict y,
                       gsize n);

G_END_DECLS
