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
  guint                 drawing;
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
/* @text with line breaks put at spaces so that no line is wider than @max_width at @size
 * (a word wider than that stays whole, on its own line). Newly allocated. */
char  *bl_text_wrap          (BlTextPainter *tp, double size, gboolean bold, const char *text,
                              double max_width);
/* The size of @context's font in pixels (a widget's pango context follows its CSS font). */
double bl_text_font_px       (PangoContext *context);

/* The smallest a drawing's text may be, as a share of the body text (the widget's CSS font,
 * bl_text_font_px): with projector mode's 15 pt type, 14 px, still read from the back row. */
#define BL_TEXT_MIN_SHARE 0.7
/* That size for @context's font, in whole pixels (rounded up). */
double bl_text_least_px      (PangoContext *context);

/* For the tests that look at every screen (tests/app/test-screens.c): while recording, every
 * text drawn on a cairo context is noted with where its ink fell and the area it was allowed
 * to draw in, both in the drawing's device pixels, so that text cut at a drawing's edge,
 * texts over each other and type too small for a projector are found without eyes. */
typedef struct {
  char    *text;
  double   px;                         /* its size on the device */
  double   x, y, width, height;        /* its ink */
  double   clip_x, clip_y, clip_width, clip_height;
  guint    drawing;                    /* one per painter: overlaps are within one drawing */
} BlTextRecord;

void       bl_text_record_start (void);
/* The texts drawn since bl_text_record_start() (an array of BlTextRecord, freed with it). */
GPtrArray *bl_text_record_stop  (void);
