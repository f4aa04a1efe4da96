/* bl-palette.h: one colour-blind-safe palette (Okabe–Ito) for every page, so a list of
 * learning rates is coloured the same way on the Backprop and MNIST pages. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

guint bl_palette_size   (void);
/* Colour @index (wraps around). */
void  bl_palette_color  (guint index, GdkRGBA *out);
/* The palette slot of each of @rates[0..n): its rank in increasing order (equal rates in the
 * order given, NaN last). Distinct for every rate, so up to bl_palette_size () curves never
 * share a colour, and the colours follow the rates' order on every page. */
void  bl_palette_slots_for_rates (const double *rates, guint n, guint *slots);

G_END_DECLS
