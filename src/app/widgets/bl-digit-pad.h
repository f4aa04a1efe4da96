/* bl-digit-pad.h: a square canvas to draw a digit on with the mouse, a pen or a finger: white
 * ink on black, like MNIST, with a round anti-aliased brush about as thick, relative to the
 * digit, as MNIST's strokes. The ink lives in a BL_DIGIT_PAD_SIDE² float array (0 background,
 * 1 full ink), whatever size the widget is shown at.
 *
 * "changed" is emitted when a stroke ends, a few times a second while one is drawn, and after
 * clear and load. Delete or BackSpace (action "digit-pad.clear") clears.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_DIGIT_PAD_SIDE 280          /* canvas pixels per side */
#define BL_DIGIT_PAD_BRUSH_RADIUS 11.0 /* canvas pixels */

#define BL_TYPE_DIGIT_PAD (bl_digit_pad_get_type ())
G_DECLARE_FINAL_TYPE (BlDigitPad, bl_digit_pad, BL, DIGIT_PAD, GtkWidget)

GtkWidget   *bl_digit_pad_new        (void);
/* The side it asks for when there is room (it draws a square as large as it is given, and
 * asks for half its canvas at least). */
void         bl_digit_pad_set_natural_side (BlDigitPad *self, int side);
void         bl_digit_pad_clear      (BlDigitPad *self);
/* The canvas, row-major, owned by the pad and valid until the next change. */
const float *bl_digit_pad_get_canvas (BlDigitPad *self, guint *width, guint *height);
gboolean     bl_digit_pad_is_empty   (BlDigitPad *self);
/* Draws a stroke through @n_points points @xy (x0, y0, x1, y1, …) in canvas pixels, as a drag
 * does; one point is a dot. Emits "changed" once. */
void         bl_digit_pad_stroke     (BlDigitPad *self, const double *xy, guint n_points);
/* Replaces the drawing with a PNG (any colour type; at most 4096 pixels a side), fitted into
 * the canvas keeping its aspect ratio. Dark ink on a light background is inverted (decided by
 * the mean of the image's border), then the background is taken to 0 and the darkest ink to
 * 1. Transparent pixels count as white paper. */
gboolean     bl_digit_pad_load_png   (BlDigitPad *self, const char *path, GError **error);

G_END_DECLS
