/* bl-text.c: see bl-text.h. */
#include "bl-text.h"

#include <math.h>

/* Recording (tests only; the main thread draws, so no lock). */
static GPtrArray *records;
static guint      n_painters;

static void
record_free (BlTextRecord *r)
{
  g_free (r->text);
  g_free (r);
}

void
bl_text_record_start (void)
{
  g_clear_pointer (&records, g_ptr_array_unref);
  records = g_ptr_array_new_with_free_func ((GDestroyNotify) record_free);
}

GPtrArray *
bl_text_record_stop (void)
{
  return g_steal_pointer (&records);
}

/* The device-space box around the user-space box (x, y, w, h) (a rotated label's too). */
static void
device_box (cairo_t *cr, double x, double y, double w, double h, double *bx, double *by,
            double *bw, double *bh)
{
  double px[4] = { x, x + w, x, x + w }, py[4] = { y, y, y + h, y + h };
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  for (int i = 0; i < 4; i++)
    {
      cairo_user_to_device (cr, &px[i], &py[i]);
      x0 = MIN (x0, px[i]); y0 = MIN (y0, py[i]);
      x1 = MAX (x1, px[i]); y1 = MAX (y1, py[i]);
    }
  *bx = x0; *by = y0; *bw = x1 - x0; *bh = y1 - y0;
}

static void
record (BlTextPainter *tp, const char *text, double size, double x, double y)
{
  BlTextRecord *r = g_new0 (BlTextRecord, 1);
  PangoRectangle ink;
  double cx0, cy0, cx1, cy1, dx = 0, dy = size;

  pango_layout_get_pixel_extents (tp->layout, &ink, NULL);
  r->text = g_strdup (text);
  cairo_user_to_device_distance (tp->cr, &dx, &dy);
  r->px = hypot (dx, dy);
  device_box (tp->cr, x + ink.x, y + ink.y, ink.width, ink.height, &r->x, &r->y, &r->width,
              &r->height);
  cairo_clip_extents (tp->cr, &cx0, &cy0, &cx1, &cy1);
  device_box (tp->cr, cx0, cy0, cx1 - cx0, cy1 - cy0, &r->clip_x, &r->clip_y, &r->clip_width,
              &r->clip_height);
  r->drawing = tp->drawing;
  g_ptr_array_add (records, r);
}

void
bl_text_painter_init (BlTextPainter *tp, cairo_t *cr)
{
  tp->cr = cr;
  tp->layout = pango_cairo_create_layout (cr);
  tp->desc = pango_font_description_from_string ("Sans");
  tp->drawing = ++n_painters;
}

void
bl_text_painter_init_for_context (BlTextPainter *tp, PangoContext *context)
{
  tp->cr = NULL;
  tp->layout = pango_layout_new (context);
  tp->desc = pango_font_description_from_string ("Sans");
  tp->drawing = 0;
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
  if (G_UNLIKELY (records != NULL) && *text)
    record (tp, text, size, x - ax * w, y - ay * h);
  cairo_new_path (tp->cr);   /* leave no current point for a later arc to join */
  return w;
}

static void
wrap_paragraph (BlTextPainter *tp, double size, gboolean bold, const char *text,
                double max_width, GString *out)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  GString *line = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    {
      gsize before = line->len;
      int w;

      if (line->len)
        g_string_append_c (line, ' ');
      g_string_append (line, words[i]);
      bl_text_measure (tp, size, bold, line->str, &w, NULL);
      if (w > max_width && before > 0)
        {
          g_string_truncate (line, before);
          g_string_append (out, line->str);
          g_string_append_c (out, '\n');
          g_string_assign (line, words[i]);
        }
    }
  g_string_append (out, line->str);
  g_string_free (line, TRUE);
}

char *
bl_text_wrap (BlTextPainter *tp, double size, gboolean bold, const char *text, double max_width)
{
  g_auto(GStrv) paragraphs = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; paragraphs[i]; i++)
    {
      if (i > 0)
        g_string_append_c (out, '\n');
      wrap_paragraph (tp, size, bold, paragraphs[i], max_width, out);
    }
  return g_string_free (out, FALSE);
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

double
bl_text_least_px (PangoContext *context)
{
  return ceil (bl_text_font_px (context) * BL_TEXT_MIN_SHARE);
}
