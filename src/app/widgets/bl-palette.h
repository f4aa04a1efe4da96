/* bl-palette.h: one colour-blind-safe palette (Okabe–Ito) for every page, so a learning rate
 * has the same colour on the Backprop and MNIST pages. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

guint bl_palette_size   (void);
/* Colour @index (wraps around). */
void  bl_palette_color  (guint index, GdkRGBA *out);
/* The colour of a learning rate: the same rate always gets the same colour, in any list.
 * The classroom rates 0.1, 0.2, 0.5, 0.8, 1.0, 2.0 get palette entries 0..5. */
void  bl_palette_color_for_lr (double lr, GdkRGBA *out);

G_END_DECLS
