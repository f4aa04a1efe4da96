/* bl-digit-strip.h: a row of test digits (it wraps when narrow), each with the network's current
 * answer and its probability under it: blue with ✓ when right, vermillion with ✗ when wrong
 * (colour-blind safe, and the mark says it without colour). A click on a digit emits
 * "digit-activated" (its position). Draws what it is handed. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_DIGIT_STRIP_MAX 32

#define BL_TYPE_DIGIT_STRIP (bl_digit_strip_get_type ())
G_DECLARE_FINAL_TYPE (BlDigitStrip, bl_digit_strip, BL, DIGIT_STRIP, GtkWidget)

GtkWidget *bl_digit_strip_new     (void);
/* @pixels (n, 28, 28), 0 background … 255 ink; @labels (n). Clears the predictions. */
void       bl_digit_strip_set_digits (BlDigitStrip *self, const guint8 *pixels,
                                      const guint8 *labels, guint n);
/* @probs (n, 10) softmax outputs, or NULL: no answer yet. */
void       bl_digit_strip_set_probs  (BlDigitStrip *self, const float *probs, guint n);
/* Outlines digit @position; −1: none. */
void       bl_digit_strip_set_selected (BlDigitStrip *self, int position);
void       bl_digit_strip_set_projector_mode (BlDigitStrip *self, gboolean projector_mode);
guint      bl_digit_strip_get_n_digits (BlDigitStrip *self);
/* How many digits are answered right (0 before any answer). */
guint      bl_digit_strip_get_n_right  (BlDigitStrip *self);

G_END_DECLS
