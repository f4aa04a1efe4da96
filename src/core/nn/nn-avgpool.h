/* nn-avgpool.h: global average pooling: (C, H·W) -> (C). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void nn_avgpool_forward  (float *y, const float *x, int C, int HW);
void nn_avgpool_backward (float *dx, const float *dy, int C, int HW);

G_END_DECLS
