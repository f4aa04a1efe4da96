/* nn-relu.h: f(x) = max{0, x}, element-wise. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nn_relu_forward  (float *y, const float *x, gsize n);
/* dx = dy where y > 0, else 0 (reads the forward output y). */
void nn_relu_backward (float *dx, const float *dy, const float *y, gsize n);

G_END_DECLS
