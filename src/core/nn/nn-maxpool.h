/* nn-maxpool.h: 2×2 max pooling, stride 2, floor: (C, H, W) -> (C, H/2, W/2). The position of
 * each maximum (0..3 within its window) is kept for backward. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nn_maxpool_forward  (float *y, guint8 *argmax, const float *x, int C, int H, int W);
/* dx (C, H, W) = dy routed to each window's maximum, 0 elsewhere. */
void nn_maxpool_backward (float *dx, const float *dy, const guint8 *argmax, int C, int H, int W);

G_END_DECLS
