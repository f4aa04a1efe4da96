/* bl-feature-maps.c: see bl-feature-maps.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "widgets/bl-feature-maps.h"
#include "widgets/bl-text.h"

struct _BlFeatureMaps {
  GtkWidget parent_instance;
  float    *data;
  int       c, h, w;
  double    vmax;
  char     *title;
  int       sel_c, sel_y, sel_x;
  int       max_tile;
  gboolean  projector_mode;
  cairo_surface_t *tiles;   /* every channel's colours, one above the other (w × c·h) */
};

G_DEFINE_FINAL_TYPE (BlFeatureMaps, bl_feature_maps, GTK_TYPE_WIDGET)

enum { SIGNAL_PIXEL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  double font, small;   /* title, channel numbers */
  int    cell;          /* pixels per map pixel */
  int    tile_w, tile_h, gap, label_h;
  int    cols, rows;
  int    top;           /* where the tiles start: below the title and the scale */
  gboolean numbers;     /* values printed in their cells */
} Layout;

#define MARGIN 4

static void
layout (BlFeatureMaps *self, int width, Layout *l)
{
  double k = self->projector_mode ? 1.4 : 1.0;
  int side = MAX (self->h, self->w), max_tile = (int) (self->max_tile * k);

  l->font = round (13 * k);
  l->small = round (10 * k);
  l->gap = (int) (10 * k);
  l->label_h = (int) (l->small * 1.5);
  l->cell = MAX (1, max_tile / MAX (side, 1));
  /* Narrow: smaller tiles rather than a single column of large ones. */
  while (l->cell > 1 && self->c > 1
         && (width - 2 * MARGIN + l->gap) / (l->cell * self->w + l->gap) < MIN (self->c, 4))
    l->cell--;
  l->tile_w = l->cell * self->w;
  l->tile_h = l->cell * self->h;
  l->cols = CLAMP ((width - 2 * MARGIN + l->gap) / (l->tile_w + l->gap), 1, MAX (self->c, 1));
  l->rows = (self->c + l->cols - 1) / l->cols;
  l->top = MARGIN + (int) (l->font * 1.5) + (int) (l->small * 1.6) + 14;
  /* "−0.123" is about 3.3 em of digits: print when a cell holds it. */
  l->numbers = l->cell >= 3.6 * l->small;
}

static void
colour_for (double t, double *r, double *g, double *b)
{
  /* Okabe–Ito vermillion above zero, blue below, white at zero. */
  t = CLAMP (t, -1, 1);
  if (t >= 0)
    {
      *r = 1 + t * (213 / 255.0 - 1);
      *g = 1 + t * (94 / 255.0 - 1);
      *b = 1 + t * (0 - 1);
    }
  else
    {
      *r = 1 + -t * (0 - 1);
      *g = 1 + -t * (114 / 255.0 - 1);
      *b = 1 + -t * (178 / 255.0 - 1);
    }
}

static void
format_value (char *buf, gsize size, double v)
{
  /* Three significant digits, a true minus sign. */
  char tmp[32];
  double a = fabs (v);
  g_snprintf (tmp, sizeof tmp, a != 0 && (a < 0.01 || a >= 1000) ? "%.1e" : a >= 100 ? "%.0f"
              : a >= 10 ? "%.1f" : "%.2f", a);
  g_snprintf (buf, size, "%s%s", v < 0 ? "−" : "", tmp);
}

int
bl_feature_maps_render (BlFeatureMaps *self, cairo_t *cr, int width)
{
  BlTextPainter tp;
  Layout l;
  char buf[64], lo[32], hi[32];

  bl_text_painter_init (&tp, cr);
  if (self->data == NULL)
    {
      cairo_set_source_rgb (cr, 0.3, 0.3, 0.32);
      bl_text_draw (&tp, self->projector_mode ? 18 : 13, FALSE,
                    self->title ? self->title : _("Nothing to show yet."), MARGIN, MARGIN, 0, 0);
      bl_text_painter_clear (&tp);
      return 40;
    }
  layout (self, width, &l);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
  if (self->title)
    bl_text_draw (&tp, l.font, TRUE, self->title, MARGIN, MARGIN, 0, 0);

  /* The scale: a bar from −vmax to +vmax, its numbers below. */
  {
    double y = MARGIN + l.font * 1.5, bar_w = MIN (240, width - 2 * MARGIN);
    for (int i = 0; i < (int) bar_w; i++)
      {
        double r, g, b;
        colour_for (2.0 * i / (bar_w - 1) - 1, &r, &g, &b);
        cairo_set_source_rgb (cr, r, g, b);
        cairo_rectangle (cr, MARGIN + i, y, 1, 10);
        cairo_fill (cr);
      }
    cairo_set_source_rgba (cr, 0.4, 0.4, 0.4, 0.8);
    cairo_set_line_width (cr, 1);
    cairo_rectangle (cr, MARGIN + 0.5, y + 0.5, bar_w - 1, 9);
    cairo_stroke (cr);
    format_value (lo, sizeof lo, -self->vmax);
    format_value (hi, sizeof hi, self->vmax);
    cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
    bl_text_draw (&tp, l.small, FALSE, lo, MARGIN, y + 12, 0, 0);
    bl_text_draw (&tp, l.small, FALSE, "0", MARGIN + bar_w / 2, y + 12, 0.5, 0);
    bl_text_draw (&tp, l.small, FALSE, hi, MARGIN + bar_w, y + 12, 1, 0);
  }

  for (int ch = 0; ch < self->c; ch++)
    {
      int x0 = MARGIN + (ch % l.cols) * (l.tile_w + l.gap);
      int y0 = l.top + (ch / l.cols) * (l.tile_h + l.label_h + l.gap);
      const float *plane = self->data + (gsize) ch * self->h * self->w;
      /* One image per channel, scaled without smoothing: a frame of 32 maps of 28×28 is 32
       * paints, not 25,000 rectangles. */
      cairo_save (cr);
      cairo_rectangle (cr, x0, y0, l.tile_w, l.tile_h);
      cairo_clip (cr);
      cairo_translate (cr, x0, y0);
      cairo_scale (cr, l.cell, l.cell);
      cairo_set_source_surface (cr, self->tiles, 0, -ch * self->h);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      if (l.numbers)
        for (int y = 0; y < self->h; y++)
          for (int x = 0; x < self->w; x++)
            {
              format_value (buf, sizeof buf, plane[y * self->w + x]);
              cairo_set_source_rgb (cr, 0.05, 0.05, 0.08);
              bl_text_draw (&tp, l.small, FALSE, buf, x0 + (x + 0.5) * l.cell,
                            y0 + (y + 0.5) * l.cell, 0.5, 0.5);
            }
      cairo_set_source_rgba (cr, 0.45, 0.45, 0.45, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x0 - 0.5, y0 - 0.5, l.tile_w + 1, l.tile_h + 1);
      cairo_stroke (cr);
      if (ch == self->sel_c)
        {
          double sx = x0 + self->sel_x * l.cell, sy = y0 + self->sel_y * l.cell;
          double pad = MAX (2, l.cell / 4.0);
          cairo_set_line_width (cr, 3);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_rectangle (cr, sx - pad, sy - pad, l.cell + 2 * pad, l.cell + 2 * pad);
          cairo_stroke (cr);
          cairo_set_line_width (cr, 2);
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_rectangle (cr, sx - pad, sy - pad, l.cell + 2 * pad, l.cell + 2 * pad);
          cairo_stroke (cr);
        }
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.22);
      /* TRANSLATORS: a channel's number under its heatmap */
      g_snprintf (buf, sizeof buf, _("ch %d"), ch);
      bl_text_draw (&tp, l.small, FALSE, buf, x0, y0 + l.tile_h + 2, 0, 0);
    }
  bl_text_painter_clear (&tp);
  return l.top + l.rows * (l.tile_h + l.label_h + l.gap) + MARGIN;
}

gboolean
bl_feature_maps_cell_at (BlFeatureMaps *self, int width, double x, double y, int *c, int *row,
                         int *col)
{
  Layout l;
  int tx, ty, ch;

  if (self->data == NULL)
    return FALSE;
  layout (self, width, &l);
  if (x < MARGIN || y < l.top)
    return FALSE;
  tx = (int) (x - MARGIN) / (l.tile_w + l.gap);
  ty = (int) (y - l.top) / (l.tile_h + l.label_h + l.gap);
  if (tx >= l.cols)
    return FALSE;
  ch = ty * l.cols + tx;
  x -= MARGIN + tx * (l.tile_w + l.gap);
  y -= l.top + ty * (l.tile_h + l.label_h + l.gap);
  if (ch >= self->c || x >= l.tile_w || y >= l.tile_h)
    return FALSE;
  *c = ch;
  *row = (int) y / l.cell;
  *col = (int) x / l.cell;
  return TRUE;
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlFeatureMaps *self)
{
  int c, row, col;

  if (bl_feature_maps_cell_at (self, gtk_widget_get_width (GTK_WIDGET (self)), x, y, &c, &row,
                               &col))
    g_signal_emit (self, signals[SIGNAL_PIXEL_ACTIVATED], 0, c, row, col);
}

static void
bl_feature_maps_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlFeatureMaps *self = BL_FEATURE_MAPS (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  /* Paper white in light and dark themes alike: the scale's white is zero. */
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  bl_feature_maps_render (self, cr, w);
  cairo_destroy (cr);
}

static GtkSizeRequestMode
bl_feature_maps_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
bl_feature_maps_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                         int *min_base, int *nat_base)
{
  BlFeatureMaps *self = BL_FEATURE_MAPS (widget);
  double k = self->projector_mode ? 1.4 : 1.0;

  if (o == GTK_ORIENTATION_HORIZONTAL)
    {
      /* Room for the scale's numbers; the tiles shrink to fit. */
      *min = (int) (200 * k);
      *nat = self->data ? MAX (*min, MIN (self->c, 8) * ((int) (self->max_tile * k) + 14))
                        : *min;
    }
  else if (self->data == NULL)
    *min = *nat = (int) (40 * k);
  else
    {
      Layout l;
      layout (self, for_size > 0 ? for_size : 8 * (self->max_tile + 14), &l);
      *min = *nat = l.top + l.rows * (l.tile_h + l.label_h + l.gap) + MARGIN;
    }
}

static void
bl_feature_maps_finalize (GObject *object)
{
  BlFeatureMaps *self = BL_FEATURE_MAPS (object);
  g_clear_pointer (&self->tiles, cairo_surface_destroy);
  g_free (self->data);
  g_free (self->title);
  G_OBJECT_CLASS (bl_feature_maps_parent_class)->finalize (object);
}

static void
bl_feature_maps_class_init (BlFeatureMapsClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

  wc->snapshot = bl_feature_maps_snapshot;
  wc->measure = bl_feature_maps_measure;
  wc->get_request_mode = bl_feature_maps_get_request_mode;
  G_OBJECT_CLASS (klass)->finalize = bl_feature_maps_finalize;
  signals[SIGNAL_PIXEL_ACTIVATED] =
    g_signal_new ("pixel-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);
  gtk_widget_class_set_css_name (wc, "featuremaps");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_feature_maps_init (BlFeatureMaps *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->sel_c = -1;
  self->max_tile = 112;
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
bl_feature_maps_new (void)
{
  return g_object_new (BL_TYPE_FEATURE_MAPS, NULL);
}

/* The colours of every value, once per set_maps. */
static void
paint_tiles (BlFeatureMaps *self)
{
  guint32 *px;
  int stride;

  self->tiles = cairo_image_surface_create (CAIRO_FORMAT_RGB24, self->w, self->c * self->h);
  px = (guint32 *) cairo_image_surface_get_data (self->tiles);
  stride = cairo_image_surface_get_stride (self->tiles) / 4;
  cairo_surface_flush (self->tiles);
  for (int i = 0; i < self->c * self->h; i++)
    for (int x = 0; x < self->w; x++)
      {
        double r, g, b, v = self->data[(gsize) i * self->w + x];
        colour_for (self->vmax > 0 && isfinite (v) ? v / self->vmax : 0, &r, &g, &b);
        px[i * stride + x] = ((guint32) (r * 255 + 0.5) << 16) | ((guint32) (g * 255 + 0.5) << 8)
                             | (guint32) (b * 255 + 0.5);
      }
  cairo_surface_mark_dirty (self->tiles);
}

void
bl_feature_maps_set_maps (BlFeatureMaps *self, const float *data, int c, int h, int w,
                          const char *title)
{
  gboolean same_shape = self->data != NULL && data != NULL && c == self->c && h == self->h &&
                        w == self->w;

  g_return_if_fail (BL_IS_FEATURE_MAPS (self));
  g_clear_pointer (&self->data, g_free);
  g_clear_pointer (&self->tiles, cairo_surface_destroy);
  g_free (self->title);
  self->title = g_strdup (title);
  self->vmax = 0;
  if (data && c > 0 && h > 0 && w > 0)
    {
      gsize n = (gsize) c * h * w;
      self->data = g_memdup2 (data, sizeof (float) * n);
      self->c = c; self->h = h; self->w = w;
      for (gsize i = 0; i < n; i++)
        if (isfinite (data[i]))
          self->vmax = MAX (self->vmax, fabs (data[i]));
      paint_tiles (self);
    }
  if (self->sel_c >= self->c || self->sel_y >= self->h || self->sel_x >= self->w)
    self->sel_c = -1;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title ? title : "", -1);
  /* The size follows the shape alone: new values of the same shape (every epoch's maps) are
   * a redraw, not a relayout of everything around. */
  if (same_shape)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
bl_feature_maps_set_selected (BlFeatureMaps *self, int c, int y, int x)
{
  g_return_if_fail (BL_IS_FEATURE_MAPS (self));
  self->sel_c = c; self->sel_y = y; self->sel_x = x;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_feature_maps_set_max_tile (BlFeatureMaps *self, int side)
{
  g_return_if_fail (BL_IS_FEATURE_MAPS (self) && side > 0);
  self->max_tile = side;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
bl_feature_maps_set_projector_mode (BlFeatureMaps *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_FEATURE_MAPS (self));
  self->projector_mode = !!projector_mode;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

double
bl_feature_maps_get_scale (BlFeatureMaps *self)
{
  return self->vmax;
}

const float *
bl_feature_maps_get_data (BlFeatureMaps *self, int *c, int *h, int *w)
{
  g_return_val_if_fail (BL_IS_FEATURE_MAPS (self), NULL);
  *c = self->data ? self->c : 0;
  *h = self->data ? self->h : 0;
  *w = self->data ? self->w : 0;
  return self->data;
}

const char *
bl_feature_maps_get_title (BlFeatureMaps *self)
{
  g_return_val_if_fail (BL_IS_FEATURE_MAPS (self), NULL);
  return self->title;
}
