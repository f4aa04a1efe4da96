/* nn-linear.h: fully connected layer, y = W·x + b. x (n_in), W (n_out, n_in), b (n_out) -> y (n_out). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nn_linear_forward  (float *y, const float *x, const float *w, const float *b, int n_in, int n_out);
/* dw += dy·xᵀ, db += dy, dx = Wᵀ·dy (dx NULL: skip). */
void nn_linear_backward (float *dx, float *dw, float *db, const float *dy, const float *x,
                         const float *w, int n_in, int n_out);

G_END_DECLS
