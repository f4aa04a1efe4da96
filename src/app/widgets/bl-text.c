/* bl-text.c: see bl-text.h. */
#include "bl-text.h"

void
bl_text_painter_init (BlTextPainter *tp, cairo_t *cr)
{
  tp->cr = cr;
  tp->layout = pango_cairo_create_layout (cr);
  tp->desc = pango_font_description_from_string ("Sans");
}

void
bl_text_painter_init_for_context (BlTextPainter *tp, PangoContext *context)
{
  tp->cr = NULL;
  tp->layout = pango_layout_new (context);
  tp->desc = pango_font_description_from_string ("Sans");
}

void
bl_text_painter_clear (BlTextPainter *tp)
{
  g_clear_object (&tp->layout);
  g_clear_pointer (&tp->desc, pango_font_description_free);
}

static void
set_text (BlTextPainter *tp, double size, gboolean bold, const char *text, double ax)
{
  pango_font_description_set_absolute_size (tp->desc, size * PANGO_SCALE);
  pango_font_description_set_weight (tp->desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (tp->layout, tp->desc);
  pango_layout_set_alignment (tp->layout, ax < 0.25 ? PANGO_ALIGN_LEFT
                                          : ax > 0.75 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
  pango_layout_set_text (tp->layout, text, -1);
}

void
bl_text_measure (BlTextPainter *tp, double size, gboolean bold, const char *text, int *width,
                 int *height)
{
  int w, h;

  set_text (tp, size, bold, text, 0);
  pango_layout_get_pixel_size (tp->layout, &w, &h);
  if (width)
    *width = w;
  if (height)
    *height = h;
}

double
bl_text_draw (BlTextPainter *tp, double size, gboolean bold, const char *text, double x,
              double y, double ax, double ay)
{
  int w, h;

  set_text (tp, size, bold, text, ax);
  pango_layout_get_pixel_size (tp->layout, &w, &h);
  if (tp->cr == NULL)
    return w;
  cairo_move_to (tp->cr, x - ax * w, y - ay * h);
  pango_cairo_show_layout (tp->cr, tp->layout);
  cairo_new_path (tp->cr);   /* leave no current point for a later arc to join */
  return w;
}

double
bl_text_font_px (PangoContext *context)
{
  const PangoFontDescription *desc = pango_context_get_font_description (context);
  double size, dpi;

  if (desc == NULL || pango_font_description_get_size (desc) <= 0)
    return 14.0;
  size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
  if (pango_font_description_get_size_is_absolute (desc))
    return size;
  /* Points: at the context's resolution (96 dpi unless the desktop says otherwise). */
  dpi = pango_cairo_context_get_resolution (context);
  return size * (dpi > 0 ? dpi : 96.0) / 72.0;
}
