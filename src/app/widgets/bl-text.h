/* bl-text.h: text on a cairo drawing, anchored at a point. One painter per drawing: its Pango
 * layout (and the context behind it) is made once and reused for every label, which keeps a
 * drawing of a hundred labels within a frame. The drawings size their text from the widget's
 * font (CSS: the theme, the desktop's text size, projector mode), read by bl_text_font_px. */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>

typedef struct {
  cairo_t              *cr;       /* NULL: measuring only */
  PangoLayout          *layout;
  PangoFontDescription *desc;
} BlTextPainter;

void   bl_text_painter_init  (BlTextPainter *tp, cairo_t *cr);
/* A painter that only measures, in @context's font options (a widget's, for hit-testing). */
void   bl_text_painter_init_for_context (BlTextPainter *tp, PangoContext *context);
void   bl_text_painter_clear (BlTextPainter *tp);
/* Draws @text at @size pixels with its anchor (ax, ay ∈ [0, 1]: 0 left/top, 1 right/bottom)
 * at (x, y); multi-line text is aligned to the same side. Returns the text's width. */
double bl_text_draw          (BlTextPainter *tp, double size, gboolean bold, const char *text,
                              double x, double y, double ax, double ay);
/* The size @text takes at @size pixels, in pixels. */
void   bl_text_measure       (BlTextPainter *tp, double size, gboolean bold, const char *text,
                              int *width, int *height);
/* The size of @context's font in pixels (a widget's pango context follows its CSS font). */
double bl_text_font_px       (PangoContext *context);
