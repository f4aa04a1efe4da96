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
bl_text_painter_clear (BlTextPainter *tp)
{
  g_clear_object (&tp->layout);
  g_clear_pointer (&tp->desc, pango_font_description_free);
}

double
bl_text_draw (BlTextPainter *tp, double size, gboolean bold, const char *text, double x,
              double y, double ax, double ay)
{
  int w, h;

  pango_font_description_set_absolute_size (tp->desc, size * PANGO_SCALE);
  pango_font_description_set_weight (tp->desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (tp->layout, tp->desc);
  pango_layout_set_alignment (tp->layout, ax < 0.25 ? PANGO_ALIGN_LEFT
                                          : ax > 0.75 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_CENTER);
  pango_layout_set_text (tp->layout, text, -1);
  pango_layout_get_pixel_size (tp->layout, &w, &h);
  cairo_move_to (tp->cr, x - ax * w, y - ay * h);
  pango_cairo_show_layout (tp->cr, tp->layout);
  cairo_new_path (tp->cr);   /* leave no current point for a later arc to join */
  return w;
}
