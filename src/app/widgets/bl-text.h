/* bl-text.h: text on a cairo drawing, anchored at a point. One painter per drawing: its Pango
 * layout (and the context behind it) is made once and reused for every label, which keeps a
 * drawing of a hundred labels within a frame. */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

typedef struct {
  cairo_t              *cr;
  PangoLayout          *layout;
  PangoFontDescription *desc;
} BlTextPainter;

void   bl_text_painter_init  (BlTextPainter *tp, cairo_t *cr);
void   bl_text_painter_clear (BlTextPainter *tp);
/* Draws @text at @size pixels with its anchor (ax, ay ∈ [0, 1]: 0 left/top, 1 right/bottom)
 * at (x, y); multi-line text is aligned to the same side. Returns the text's width. */
double bl_text_draw          (BlTextPainter *tp, double size, gboolean bold, const char *text,
                              double x, double y, double ax, double ay);
