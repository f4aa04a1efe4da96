/* bl-tile-grid.c: see bl-tile-grid.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "widgets/bl-png.h"
#include "widgets/bl-text.h"
#include "widgets/bl-tile-grid.h"

struct _BlTileGrid {
  GtkWidget  parent_instance;
  float     *values;
  guint      n_tiles, tile_w, tile_h;
  GStrv      labels;
  double     scale;           /* m: the scale runs from −m to +m */
  char      *title;
  char      *message;         /* shown instead of tiles, when there are none */
  gboolean   projector_mode;
};

G_DEFINE_FINAL_TYPE (BlTileGrid, bl_tile_grid, GTK_TYPE_WIDGET)

enum { SIGNAL_PIXEL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  double font, small, top, gap, side, legend_h;
  guint  cols;
} Layout;

/* As many columns as make the tiles largest, the legend below them. */
static void
compute_layout (BlTileGrid *self, int width, int height, Layout *l)
{
  guint n = MAX (self->n_tiles, 1);

  l->font = round (CLAMP (MIN (width, height) / 28.0, 10, 16) * (self->projector_mode ? 1.4 : 1));
  l->small = round (l->font * 0.85);
  l->top = self->title ? l->font * 1.8 : 0;
  l->gap = round (l->small * 0.5);
  l->legend_h = l->small * 3.2;
  l->side = 0;
  l->cols = 1;
  for (guint cols = 1; cols <= n; cols++)
    {
      guint rows = (n + cols - 1) / cols;
      double label_h = self->labels ? l->small * 1.4 : 0;
      double w = (width - (cols - 1) * l->gap) / (double) cols;
      double h = (height - l->top - l->legend_h - rows * (label_h + l->gap)) / rows;
      double side = MIN (w, h);
      if (side > l->side)
        {
          l->side = side;
          l->cols = cols;
        }
    }
  l->side = MAX (4, floor (l->side));
}

/* The diverging scale: v / m in [−1, 1] → blue … background … orange (Okabe–Ito). */
static void
diverging (double t, const GdkRGBA *bg, double *r, double *g, double *b)
{
  const double blue[3] = { 0.0, 0.447, 0.698 }, orange[3] = { 0.902, 0.624, 0.0 };
  const double *end = t < 0 ? blue : orange;
  double a = MIN (1, fabs (t));

  *r = bg->red + (end[0] - bg->red) * a;
  *g = bg->green + (end[1] - bg->green) * a;
  *b = bg->blue + (end[2] - bg->blue) * a;
}

static cairo_surface_t *
tile_surface (BlTileGrid *self, guint tile, const GdkRGBA *bg)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) self->tile_w,
                                                   (int) self->tile_h);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  const float *v = self->values + (gsize) tile * self->tile_w * self->tile_h;

  for (guint y = 0; y < self->tile_h; y++)
    for (guint x = 0; x < self->tile_w; x++)
      {
        double r, g, b, f = v[y * self->tile_w + x];
        diverging (self->scale > 0 && isfinite (f) ? f / self->scale : 0, bg, &r, &g, &b);
        *(guint32 *) (data + y * stride + 4 * x) =
          (guint32) lround (r * 255) << 16 | (guint32) lround (g * 255) << 8 |
          (guint32) lround (b * 255);
      }
  cairo_surface_mark_dirty (s);
  return s;
}

static void
format_scale (char *buf, gsize size, double v)
{
  /* Three significant figures, the exponent whole when there is one. */
  if (v != 0 && (fabs (v) < 0.01 || fabs (v) >= 1000))
    g_snprintf (buf, size, "%.2e", v);
  else
    g_snprintf (buf, size, "%.3g", v);
}

static void
tiles_draw (gpointer widget, cairo_t *cr, int width, int height, const GdkRGBA *fg,
            const GdkRGBA *bg_in)
{
  BlTileGrid *self = widget;
  /* The background the scale's zero takes: the theme's own, or white when exported. */
  GdkRGBA bg = bg_in ? *bg_in : (GdkRGBA) { 1 - fg->red, 1 - fg->green, 1 - fg->blue, 1 };
  BlTextPainter tp;
  Layout l;
  char lo[32], hi[32];

  if (width <= 0 || height <= 0)
    return;
  compute_layout (self, width, height, &l);
  bl_text_painter_init (&tp, cr);
  if (bg_in)
    {
      gdk_cairo_set_source_rgba (cr, bg_in);
      cairo_paint (cr);
    }
  gdk_cairo_set_source_rgba (cr, fg);
  if (self->title)
    bl_text_draw (&tp, l.font, TRUE, self->title, 0, 0, 0, 0);
  if (self->n_tiles == 0)
    {
      bl_text_draw (&tp, l.small, FALSE, self->message ? self->message : "", width / 2.0,
                    height / 2.0, 0.5, 0.5);
      bl_text_painter_clear (&tp);
      return;
    }
  for (guint i = 0; i < self->n_tiles; i++)
    {
      double label_h = self->labels ? l.small * 1.4 : 0;
      double x = (i % l.cols) * (l.side + l.gap);
      double y = l.top + (i / l.cols) * (l.side + label_h + l.gap);
      cairo_surface_t *s = tile_surface (self, i, &bg);
      double scale = l.side / MAX (self->tile_w, self->tile_h);

      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, s, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (s);
      gdk_cairo_set_source_rgba (cr, fg);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, floor (x) + 0.5, floor (y) + 0.5, self->tile_w * scale,
                       self->tile_h * scale);
      cairo_stroke (cr);
      if (self->labels && self->labels[i])
        bl_text_draw (&tp, l.small, FALSE, self->labels[i], x + l.side / 2, y + l.side + 2,
                      0.5, 0);
    }
  /* The scale: a bar from −m through 0 to +m, with its numbers. */
  {
    double y = height - l.legend_h + l.small * 0.4, w = MIN (width * 0.6, l.small * 24);
    double x0 = (width - w) / 2;
    for (int i = 0; i < (int) w; i++)
      {
        double r, g, b;
        diverging (2.0 * i / w - 1, &bg, &r, &g, &b);
        cairo_set_source_rgb (cr, r, g, b);
        cairo_rectangle (cr, x0 + i, y, 1.5, l.small * 0.9);
        cairo_fill (cr);
      }
    gdk_cairo_set_source_rgba (cr, fg);
    cairo_set_line_width (cr, 1);
    cairo_rectangle (cr, floor (x0) + 0.5, floor (y) + 0.5, floor (w), floor (l.small * 0.9));
    cairo_stroke (cr);
    format_scale (lo, sizeof lo, -self->scale);
    format_scale (hi, sizeof hi, self->scale);
    bl_text_draw (&tp, l.small, FALSE, lo, x0, y + l.small * 1.1, 0.5, 0);
    bl_text_draw (&tp, l.small, FALSE, "0", x0 + w / 2, y + l.small * 1.1, 0.5, 0);
    bl_text_draw (&tp, l.small, FALSE, hi, x0 + w, y + l.small * 1.1, 0.5, 0);
  }
  bl_text_painter_clear (&tp);
}

static void
bl_tile_grid_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  bl_snapshot_drawing (widget, snapshot, tiles_draw);
}

static void
bl_tile_grid_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                      int *min_base, int *nat_base)
{
  *min = 120;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double px, double py, BlTileGrid *self)
{
  Layout l;
  double label_h;

  if (self->n_tiles == 0)
    return;
  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &l);
  label_h = self->labels ? l.small * 1.4 : 0;
  for (guint i = 0; i < self->n_tiles; i++)
    {
      double x = (i % l.cols) * (l.side + l.gap);
      double y = l.top + (i / l.cols) * (l.side + label_h + l.gap);
      double scale = l.side / MAX (self->tile_w, self->tile_h);
      if (px >= x && py >= y && px < x + self->tile_w * scale && py < y + self->tile_h * scale)
        {
          g_signal_emit (self, signals[SIGNAL_PIXEL_ACTIVATED], 0, i,
                         (guint) ((px - x) / scale), (guint) ((py - y) / scale));
          return;
        }
    }
}

void
bl_tile_grid_set_tiles (BlTileGrid *self, const float *values, guint n_tiles, guint width,
                        guint height, const char *const *labels, double scale)
{
  gsize n = (gsize) n_tiles * width * height;

  g_return_if_fail (BL_IS_TILE_GRID (self));
  g_return_if_fail (values != NULL || n == 0);
  g_free (self->values);
  self->values = g_memdup2 (values, n * sizeof (float));
  self->n_tiles = n_tiles;
  self->tile_w = width;
  self->tile_h = height;
  g_clear_pointer (&self->labels, g_strfreev);
  if (labels)
    {
      self->labels = g_new0 (char *, n_tiles + 1);
      for (guint i = 0; i < n_tiles; i++)
        self->labels[i] = g_strdup (labels[i]);
    }
  self->scale = scale;
  if (!(scale > 0))
    {
      self->scale = 0;
      for (gsize i = 0; i < n; i++)
        if (isfinite (values[i]))
          self->scale = MAX (self->scale, fabs (values[i]));
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_tile_grid_clear (BlTileGrid *self, const char *message)
{
  g_return_if_fail (BL_IS_TILE_GRID (self));
  bl_tile_grid_set_tiles (self, NULL, 0, 0, 0, NULL, 0);
  g_free (self->message);
  self->message = g_strdup (message);
}

void
bl_tile_grid_set_title (BlTileGrid *self, const char *title)
{
  g_return_if_fail (BL_IS_TILE_GRID (self));
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
bl_tile_grid_get_scale (BlTileGrid *self)
{
  g_return_val_if_fail (BL_IS_TILE_GRID (self), 0);
  return self->scale;
}

guint
bl_tile_grid_get_n_tiles (BlTileGrid *self)
{
  g_return_val_if_fail (BL_IS_TILE_GRID (self), 0);
  return self->n_tiles;
}

void
bl_tile_grid_set_projector_mode (BlTileGrid *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_TILE_GRID (self));
  self->projector_mode = !!projector_mode;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
bl_tile_grid_write_png (BlTileGrid *self, const char *path, int width, int height,
                        GError **error)
{
  g_return_val_if_fail (BL_IS_TILE_GRID (self), FALSE);
  return bl_write_drawing_png (tiles_draw, self, width, height, path, error);
}

enum { PROP_0, PROP_PROJECTOR_MODE };

static void
bl_tile_grid_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    g_value_set_boolean (value, BL_TILE_GRID (object)->projector_mode);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_tile_grid_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    bl_tile_grid_set_projector_mode (BL_TILE_GRID (object), g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_tile_grid_finalize (GObject *object)
{
  BlTileGrid *self = BL_TILE_GRID (object);

  g_free (self->values);
  g_strfreev (self->labels);
  g_free (self->title);
  g_free (self->message);
  G_OBJECT_CLASS (bl_tile_grid_parent_class)->finalize (object);
}

static void
bl_tile_grid_class_init (BlTileGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_tile_grid_get_property;
  object_class->set_property = bl_tile_grid_set_property;
  object_class->finalize = bl_tile_grid_finalize;
  g_object_class_install_property (object_class, PROP_PROJECTOR_MODE,
    g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
  widget_class->snapshot = bl_tile_grid_snapshot;
  widget_class->measure = bl_tile_grid_measure;
  signals[SIGNAL_PIXEL_ACTIVATED] =
    g_signal_new ("pixel-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "tilegrid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_tile_grid_init (BlTileGrid *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
bl_tile_grid_new (void)
{
  return g_object_new (BL_TYPE_TILE_GRID, NULL);
}
