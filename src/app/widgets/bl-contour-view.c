/* bl-contour-view.c: see bl-contour-view.h. Contours by marching squares, per level and cell
 * (a 121 × 121 grid and a dozen levels draw in a few milliseconds); the bands between levels
 * are shaded with the text colour, so the map reads in light and dark themes alike and the
 * paths' palette colours stand out on it. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "widgets/bl-contour-view.h"
#include "widgets/bl-text.h"

#define MAX_LEVELS 16

typedef struct {
  double  *xy;
  guint    n;
  GdkRGBA  color;
  char    *label;
  gboolean has_mark;
  double   mark_x, mark_y;
} Path;

struct _BlContourView {
  GtkWidget  parent_instance;

  double    *values;
  guint      nx, ny;
  double     x0, x1, y0, y1;
  char      *x_label, *y_label, *value_label;
  double     levels[MAX_LEVELS];
  guint      n_levels;
  GPtrArray *paths;
  char      *message;
  gboolean   projector_mode;
};

G_DEFINE_FINAL_TYPE (BlContourView, bl_contour_view, GTK_TYPE_WIDGET)

static void
path_free (gpointer p)
{
  Path *path = p;
  g_free (path->xy);
  g_free (path->label);
  g_free (path);
}

/* 1, 2 or 5 times a power of ten, near @range / @target. */
static double
nice_step (double range, int target)
{
  double raw = range / MAX (1, target), mag = pow (10, floor (log10 (raw))), norm = raw / mag;
  return norm < 1.5 ? mag : norm < 3.5 ? 2 * mag : norm < 7.5 ? 5 * mag : 10 * mag;
}

static void
choose_levels (BlContourView *self)
{
  double lo = INFINITY, hi = -INFINITY;

  self->n_levels = 0;
  for (guint i = 0; i < self->nx * self->ny; i++)
    if (isfinite (self->values[i]))
      {
        lo = MIN (lo, self->values[i]);
        hi = MAX (hi, self->values[i]);
      }
  if (!(hi > lo))
    return;
  if (lo > 0 && hi / lo > 10)
    {
      /* More than a decade: 1, 2, 5 of each, the valley's small values as visible as the
       * rim's; the lowest dropped first if there are too many. */
      static const double mult[] = { 1, 2, 5 };
      double found[64];
      guint n = 0;
      for (int d = (int) floor (log10 (lo)); d <= (int) ceil (log10 (hi)) && n < 64; d++)
        for (guint k = 0; k < 3 && n < 64; k++)
          {
            double v = mult[k] * pow (10, d);
            if (v > lo && v < hi)
              found[n++] = v;
          }
      for (guint i = n > MAX_LEVELS ? n - MAX_LEVELS : 0; i < n; i++)
        self->levels[self->n_levels++] = found[i];
    }
  else
    {
      double step = nice_step (hi - lo, 10);
      for (double v = ceil (lo / step) * step; v < hi && self->n_levels < MAX_LEVELS; v += step)
        if (v > lo)
          self->levels[self->n_levels++] = v;
    }
}

/* Significant digits that tell every two neighbouring levels apart (3 at least). */
static int
level_digits (const BlContourView *self)
{
  for (int p = 3; p < 10; p++)
    {
      gboolean distinct = TRUE;
      for (guint k = 0; k + 1 < self->n_levels && distinct; k++)
        {
          char a[32], b[32];
          g_snprintf (a, sizeof a, "%.*g", p, self->levels[k]);
          g_snprintf (b, sizeof b, "%.*g", p, self->levels[k + 1]);
          distinct = strcmp (a, b) != 0;
        }
      if (distinct)
        return p;
    }
  return 10;
}

typedef struct {
  double left, top, width, height, font;
  double legend_x;
} Layout;

/* The legend's width: its widest label (paths' and levels'), measured. */
static double
legend_width (BlContourView *self, BlTextPainter *tp, double font)
{
  double size = font * 0.9, widest = font * 8;
  PangoLayout *layout = tp->layout;
  int digits = level_digits (self);

  pango_font_description_set_absolute_size (tp->desc, size * PANGO_SCALE);
  pango_font_description_set_weight (tp->desc, PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, tp->desc);
  for (guint p = 0; p < self->paths->len; p++)
    {
      const Path *path = g_ptr_array_index (self->paths, p);
      int w, h;
      pango_layout_set_text (layout, path->label ? path->label : "", -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w + font * 2.0);
    }
  for (guint k = 0; k + 1 < self->n_levels; k++)
    {
      char buf[64];
      int w, h;
      g_snprintf (buf, sizeof buf, "%.*g – %.*g", digits, self->levels[k], digits,
                  self->levels[k + 1]);
      pango_layout_set_text (layout, buf, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      widest = MAX (widest, w + font * 2.0);
    }
  return widest;
}

static void
get_layout (BlContourView *self, BlTextPainter *tp, int width, int height, Layout *l)
{
  l->font = self->projector_mode ? 17 : 12;
  l->left = l->font * 5.5;
  l->top = l->font * 0.8;
  l->legend_x = width - legend_width (self, tp, l->font) - l->font * 0.5;
  l->width = MAX (1, l->legend_x - l->font * 1.5 - l->left);
  l->height = MAX (1, height - l->top - l->font * 3.8);
}

static inline double
px (const BlContourView *self, const Layout *l, double x)
{
  return l->left + (x - self->x0) / (self->x1 - self->x0) * l->width;
}

static inline double
py (const BlContourView *self, const Layout *l, double y)
{
  return l->top + (1 - (y - self->y0) / (self->y1 - self->y0)) * l->height;
}

/* The band of @v: how many levels lie below it. */
static guint
band_of (const BlContourView *self, double v)
{
  guint b = 0;
  while (b < self->n_levels && v > self->levels[b])
    b++;
  return b;
}

static double
band_alpha (const BlContourView *self, guint band)
{
  /* The valley darkest (most ink), the rim palest. */
  return 0.05 + 0.40 * (1.0 - (double) band / MAX (1, self->n_levels));
}

static void
draw_contours (BlContourView *self, cairo_t *cr, const Layout *l, const GdkRGBA *fg)
{
  double cw = l->width / (self->nx - 1), ch = l->height / (self->ny - 1);
  int iw = (int) self->nx - 1, ih = (int) self->ny - 1;
  cairo_surface_t *bands = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, iw, ih);
  int stride = cairo_image_surface_get_stride (bands);
  guint8 *data = cairo_image_surface_get_data (bands);

  /* Bands: each cell by the value at its centre, one pixel a cell (top row first), scaled up
   * in one paint so that neighbouring cells never overlap into seams. */
  cairo_surface_flush (bands);
  for (int j = 0; j < ih; j++)
    for (int i = 0; i < iw; i++)
      {
        const double *v = self->values;
        double c = (v[j * self->nx + i] + v[j * self->nx + i + 1] + v[(j + 1) * self->nx + i] +
                    v[(j + 1) * self->nx + i + 1]) / 4;
        double a = isfinite (c) ? band_alpha (self, band_of (self, c)) : 0;
        guint32 px = ((guint32) (a * 255) << 24) | ((guint32) (fg->red * a * 255) << 16) |
                     ((guint32) (fg->green * a * 255) << 8) | (guint32) (fg->blue * a * 255);
        *(guint32 *) (data + (ih - 1 - j) * stride + 4 * i) = px;
      }
  cairo_surface_mark_dirty (bands);
  cairo_save (cr);
  cairo_rectangle (cr, l->left, l->top, l->width, l->height);
  cairo_clip (cr);
  cairo_translate (cr, l->left, l->top);
  cairo_scale (cr, cw, ch);
  cairo_set_source_surface (cr, bands, 0, 0);
  /* Smooth between cells (a staircase otherwise shows along each contour when the map is
   * large); padded so the border cells keep their shade. */
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
  cairo_surface_destroy (bands);

  /* Lines: marching squares, a segment per cell the level crosses. */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.55);
  cairo_set_line_width (cr, self->projector_mode ? 1.6 : 1.0);
  for (guint k = 0; k < self->n_levels; k++)
    {
      double lv = self->levels[k];
      for (guint j = 0; j + 1 < self->ny; j++)
        for (guint i = 0; i + 1 < self->nx; i++)
          {
            /* Corners counter-clockwise from bottom left, and where the level crosses each
             * edge. */
            double c[4] = { self->values[j * self->nx + i], self->values[j * self->nx + i + 1],
                            self->values[(j + 1) * self->nx + i + 1],
                            self->values[(j + 1) * self->nx + i] };
            double cx[4] = { i, i + 1, i + 1, i }, cy[4] = { j, j, j + 1, j + 1 };
            double ex[4], ey[4];
            guint n = 0;
            for (guint e = 0; e < 4; e++)
              {
                double a = c[e], b = c[(e + 1) % 4];
                if (!isfinite (a) || !isfinite (b) || (a < lv) == (b < lv))
                  continue;
                {
                  double t = (lv - a) / (b - a);
                  ex[n] = cx[e] + t * (cx[(e + 1) % 4] - cx[e]);
                  ey[n] = cy[e] + t * (cy[(e + 1) % 4] - cy[e]);
                  n++;
                }
              }
            /* Two crossings: one segment; four (a saddle): two, paired in order. */
            for (guint s = 0; s + 1 < n; s += 2)
              {
                cairo_move_to (cr, l->left + ex[s] * cw, l->top + l->height - ey[s] * ch);
                cairo_line_to (cr, l->left + ex[s + 1] * cw, l->top + l->height - ey[s + 1] * ch);
              }
          }
      cairo_stroke (cr);
    }
}

static void
draw_axes (BlContourView *self, cairo_t *cr, BlTextPainter *tp, const Layout *l,
           const GdkRGBA *fg)
{
  double sx = nice_step (self->x1 - self->x0, MAX (2, (int) (l->width / (l->font * 7))));
  double sy = nice_step (self->y1 - self->y0, MAX (2, (int) (l->height / (l->font * 3))));
  char buf[32];

  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.7);
  cairo_set_line_width (cr, 1);
  cairo_rectangle (cr, floor (l->left) + 0.5, floor (l->top) + 0.5, floor (l->width),
                   floor (l->height));
  cairo_stroke (cr);
  gdk_cairo_set_source_rgba (cr, fg);
  for (double v = ceil (self->x0 / sx) * sx; v <= self->x1 + sx * 1e-9; v += sx)
    {
      double x = px (self, l, v);
      g_snprintf (buf, sizeof buf, "%.3g", fabs (v) < sx * 1e-9 ? 0.0 : v);
      cairo_move_to (cr, x, l->top + l->height);
      cairo_line_to (cr, x, l->top + l->height + l->font * 0.3);
      cairo_stroke (cr);
      bl_text_draw (tp, l->font * 0.9, FALSE, buf, x, l->top + l->height + l->font * 0.4, 0.5, 0);
    }
  for (double v = ceil (self->y0 / sy) * sy; v <= self->y1 + sy * 1e-9; v += sy)
    {
      double y = py (self, l, v);
      g_snprintf (buf, sizeof buf, "%.3g", fabs (v) < sy * 1e-9 ? 0.0 : v);
      cairo_move_to (cr, l->left - l->font * 0.3, y);
      cairo_line_to (cr, l->left, y);
      cairo_stroke (cr);
      bl_text_draw (tp, l->font * 0.9, FALSE, buf, l->left - l->font * 0.4, y, 1, 0.5);
    }
  if (self->x_label)
    bl_text_draw (tp, l->font, TRUE, self->x_label, l->left + l->width / 2,
                  l->top + l->height + l->font * 1.9, 0.5, 0);
  if (self->y_label)
    bl_text_draw (tp, l->font, TRUE, self->y_label, l->font * 0.3, l->top + l->height / 2, 0,
                  0.5);
}

static void
draw_paths (BlContourView *self, cairo_t *cr, const Layout *l, const GdkRGBA *fg)
{
  double lw = self->projector_mode ? 4.5 : 2.5, r = lw * 1.8;

  cairo_save (cr);
  cairo_rectangle (cr, l->left, l->top, l->width, l->height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint p = 0; p < self->paths->len; p++)
    {
      const Path *path = g_ptr_array_index (self->paths, p);
      if (path->n == 0)
        continue;
      gdk_cairo_set_source_rgba (cr, &path->color);
      cairo_set_line_width (cr, lw);
      for (guint k = 0; k < path->n; k++)
        {
          double x = px (self, l, path->xy[2 * k]), y = py (self, l, path->xy[2 * k + 1]);
          if (k == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
      /* Where it ends: a dot; where the page is: a ring. */
      cairo_arc (cr, px (self, l, path->xy[2 * path->n - 2]), py (self, l, path->xy[2 * path->n - 1]),
                 r, 0, 2 * G_PI);
      cairo_fill (cr);
      if (path->has_mark)
        {
          cairo_set_line_width (cr, lw * 0.8);
          cairo_arc (cr, px (self, l, path->mark_x), py (self, l, path->mark_y), r * 1.6, 0,
                     2 * G_PI);
          cairo_stroke (cr);
        }
    }
  /* The common start, over everything. */
  if (self->paths->len > 0 && ((Path *) g_ptr_array_index (self->paths, 0))->n > 0)
    {
      const Path *path = g_ptr_array_index (self->paths, 0);
      gdk_cairo_set_source_rgba (cr, fg);
      cairo_set_line_width (cr, lw * 0.8);
      cairo_arc (cr, px (self, l, path->xy[0]), py (self, l, path->xy[1]), r * 1.3, 0, 2 * G_PI);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

static void
draw_legend (BlContourView *self, cairo_t *cr, BlTextPainter *tp, const Layout *l,
             const GdkRGBA *fg)
{
  double x = l->legend_x, y = l->top, row = l->font * 1.5, size = l->font * 0.9;
  int digits = level_digits (self);
  char buf[64];

  for (guint p = 0; p < self->paths->len; p++)
    {
      const Path *path = g_ptr_array_index (self->paths, p);
      double rows = path->label && strchr (path->label, '\n') ? 1.8 : 1;
      gdk_cairo_set_source_rgba (cr, &path->color);
      cairo_set_line_width (cr, self->projector_mode ? 5 : 3);
      cairo_move_to (cr, x, y + row / 2);
      cairo_line_to (cr, x + l->font * 1.6, y + row / 2);
      cairo_stroke (cr);
      gdk_cairo_set_source_rgba (cr, fg);
      /* The first line level with the swatch. */
      bl_text_draw (tp, size, FALSE, path->label ? path->label : "", x + l->font * 2.0,
                    y + row * 0.5 - size * 0.75, 0, 0);
      y += row * rows;
    }
  if (self->n_levels == 0)
    return;
  y += row * 0.6;
  gdk_cairo_set_source_rgba (cr, fg);
  bl_text_draw (tp, size, TRUE, self->value_label ? self->value_label : "", x, y, 0, 0);
  y += row;
  /* The bands from the valley up, each between two levels. */
  for (guint b = 0; b <= self->n_levels; b++)
    {
      double sw = l->font * 1.6;
      if (y + row > l->top + l->height + l->font * 3.5)
        break;
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, band_alpha (self, b));
      cairo_rectangle (cr, x, y + row * 0.15, sw, row * 0.7);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, fg);
      if (b == 0)
        g_snprintf (buf, sizeof buf, "< %.*g", digits, self->levels[0]);
      else if (b == self->n_levels)
        g_snprintf (buf, sizeof buf, "> %.*g", digits, self->levels[b - 1]);
      else
        g_snprintf (buf, sizeof buf, "%.*g – %.*g", digits, self->levels[b - 1], digits,
                    self->levels[b]);
      bl_text_draw (tp, size, FALSE, buf, x + sw + l->font * 0.4, y + row / 2, 0, 0.5);
      y += row;
    }
}

static void
bl_contour_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlContourView *self = BL_CONTOUR_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  BlTextPainter tp;
  GdkRGBA fg;
  Layout l;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  bl_text_painter_init (&tp, cr);
  get_layout (self, &tp, width, height, &l);
  if (self->values && self->nx >= 2 && self->ny >= 2)
    {
      draw_contours (self, cr, &l, &fg);
      draw_axes (self, cr, &tp, &l, &fg);
      draw_paths (self, cr, &l, &fg);
      draw_legend (self, cr, &tp, &l, &fg);
    }
  if (self->message)
    {
      gdk_cairo_set_source_rgba (cr, &fg);
      bl_text_draw (&tp, l.font * 1.1, FALSE, self->message, l.left + l.width / 2,
                    l.top + l.height / 2, 0.5, 0.5);
    }
  bl_text_painter_clear (&tp);
  cairo_destroy (cr);
}

static void
bl_contour_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 260;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 800 : 560;
}

static void
bl_contour_view_finalize (GObject *object)
{
  BlContourView *self = BL_CONTOUR_VIEW (object);

  g_free (self->values);
  g_free (self->x_label);
  g_free (self->y_label);
  g_free (self->value_label);
  g_free (self->message);
  g_ptr_array_unref (self->paths);
  G_OBJECT_CLASS (bl_contour_view_parent_class)->finalize (object);
}

static void
bl_contour_view_class_init (BlContourViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = bl_contour_view_finalize;
  widget_class->snapshot = bl_contour_view_snapshot;
  widget_class->measure = bl_contour_view_measure;
  gtk_widget_class_set_css_name (widget_class, "contourview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_contour_view_init (BlContourView *self)
{
  self->paths = g_ptr_array_new_with_free_func (path_free);
}

GtkWidget *
bl_contour_view_new (void)
{
  return g_object_new (BL_TYPE_CONTOUR_VIEW, NULL);
}

static void
replace (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
bl_contour_view_set_grid (BlContourView *self, const double *values, guint nx, guint ny,
                          double x0, double x1, double y0, double y1, const char *x_label,
                          const char *y_label, const char *value_label)
{
  g_return_if_fail (BL_IS_CONTOUR_VIEW (self));
  g_clear_pointer (&self->values, g_free);
  self->n_levels = 0;
  if (values && nx >= 2 && ny >= 2 && x1 > x0 && y1 > y0)
    {
      self->values = g_memdup2 (values, (gsize) nx * ny * sizeof (double));
      self->nx = nx;
      self->ny = ny;
      self->x0 = x0;
      self->x1 = x1;
      self->y0 = y0;
      self->y1 = y1;
      choose_levels (self);
    }
  replace (&self->x_label, x_label);
  replace (&self->y_label, y_label);
  replace (&self->value_label, value_label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_contour_view_clear_paths (BlContourView *self)
{
  g_return_if_fail (BL_IS_CONTOUR_VIEW (self));
  g_ptr_array_set_size (self->paths, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_contour_view_add_path (BlContourView *self, const double *xy, guint n, const GdkRGBA *color,
                          const char *label, const double *mark)
{
  Path *path;

  g_return_if_fail (BL_IS_CONTOUR_VIEW (self));
  path = g_new0 (Path, 1);
  path->xy = g_memdup2 (xy, (gsize) n * 2 * sizeof (double));
  path->n = n;
  path->color = *color;
  path->label = g_strdup (label);
  if (mark)
    {
      path->has_mark = TRUE;
      path->mark_x = mark[0];
      path->mark_y = mark[1];
    }
  g_ptr_array_add (self->paths, path);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_contour_view_set_projector_mode (BlContourView *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_CONTOUR_VIEW (self));
  self->projector_mode = !!projector_mode;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const double *
bl_contour_view_get_levels (BlContourView *self, guint *n)
{
  *n = self->n_levels;
  return self->levels;
}

guint
bl_contour_view_get_n_paths (BlContourView *self)
{
  return self->paths->len;
}

void
bl_contour_view_set_message (BlContourView *self, const char *message)
{
  g_return_if_fail (BL_IS_CONTOUR_VIEW (self));
  replace (&self->message, message);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
