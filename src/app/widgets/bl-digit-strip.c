/* bl-digit-strip.c: see bl-digit-strip.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "widgets/bl-digit-strip.h"
#include "widgets/bl-text.h"

struct _BlDigitStrip {
  GtkWidget parent_instance;
  guint8    pixels[BL_DIGIT_STRIP_MAX][28 * 28];
  guint8    labels[BL_DIGIT_STRIP_MAX];
  float     probs[BL_DIGIT_STRIP_MAX][10];
  gboolean  has_probs;
  guint     n;
  int       selected;
  gboolean  projector_mode;
};

G_DEFINE_FINAL_TYPE (BlDigitStrip, bl_digit_strip, GTK_TYPE_WIDGET)

enum { SIGNAL_DIGIT_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* A digit 56 px (78 in projector mode), its answer below. */
#define K       (self->projector_mode ? 1.4 : 1.0)
#define SIDE    ((int) (56 * K))
#define CELL_W  (SIDE + (int) (12 * K))
#define CELL_H  (SIDE + (int) (22 * K) + 8)

static guint
columns (BlDigitStrip *self, int width)
{
  return (guint) CLAMP (width / CELL_W, 1, (int) MAX (self->n, 1));
}

static void
render (BlDigitStrip *self, cairo_t *cr, int width)
{
  guint cols = columns (self, width);
  BlTextPainter tp;
  char buf[64];

  bl_text_painter_init (&tp, cr);
  for (guint i = 0; i < self->n; i++)
    {
      double x = (i % cols) * CELL_W + 4, y = (i / cols) * CELL_H + 4;
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 28, 28);
      guint32 *px = (guint32 *) cairo_image_surface_get_data (img);
      int stride = cairo_image_surface_get_stride (img) / 4;

      cairo_surface_flush (img);
      for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
          {
            guint v = 255 - self->pixels[i][r * 28 + c];
            px[r * stride + c] = (v << 16) | (v << 8) | v;
          }
      cairo_surface_mark_dirty (img);
      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, SIDE / 28.0, SIDE / 28.0);
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (img);
      cairo_set_line_width (cr, (int) i == self->selected ? 3 : 1);
      if ((int) i == self->selected)
        cairo_set_source_rgb (cr, 0, 0, 0);
      else
        cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.6);
      cairo_rectangle (cr, x - 0.5, y - 0.5, SIDE + 1, SIDE + 1);
      cairo_stroke (cr);
      if (self->has_probs)
        {
          guint best = 0;
          for (guint c = 1; c < 10; c++)
            if (self->probs[i][c] > self->probs[i][best])
              best = c;
          if (best == self->labels[i])
            cairo_set_source_rgb (cr, 0, 0.447, 0.698);
          else
            cairo_set_source_rgb (cr, 0.835, 0.369, 0);
          /* TRANSLATORS: a strip digit's answer: mark, class, probability ("✓ 7 93%") */
          g_snprintf (buf, sizeof buf, _("%s %u %.0f%%"), best == self->labels[i] ? "✓" : "✗",
                      best, 100 * self->probs[i][best]);
        }
      else
        {
          cairo_set_source_rgb (cr, 0.4, 0.4, 0.42);
          g_snprintf (buf, sizeof buf, "–");
        }
      bl_text_draw (&tp, round (11 * K), TRUE, buf, x + SIDE / 2.0, y + SIDE + 3, 0.5, 0);
    }
  bl_text_painter_clear (&tp);
}

static void
bl_digit_strip_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlDigitStrip *self = BL_DIGIT_STRIP (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  render (self, cr, w);
  cairo_destroy (cr);
}

static GtkSizeRequestMode
bl_digit_strip_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
bl_digit_strip_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                        int *min_base, int *nat_base)
{
  BlDigitStrip *self = BL_DIGIT_STRIP (widget);

  if (o == GTK_ORIENTATION_HORIZONTAL)
    {
      *min = CELL_W + 8;
      *nat = CELL_W * (int) MAX (self->n, 1) + 8;
    }
  else
    {
      guint cols = columns (self, for_size > 0 ? for_size : CELL_W * (int) MAX (self->n, 1));
      *min = *nat = (int) ((MAX (self->n, 1) + cols - 1) / cols) * CELL_H + 8;
    }
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlDigitStrip *self)
{
  guint cols = columns (self, gtk_widget_get_width (GTK_WIDGET (self)));
  int col = (int) (x - 4) / CELL_W, row = (int) (y - 4) / CELL_H;
  guint i;

  if (x < 4 || y < 4 || col >= (int) cols)
    return;
  i = (guint) row * cols + (guint) col;
  if (i < self->n)
    g_signal_emit (self, signals[SIGNAL_DIGIT_ACTIVATED], 0, i);
}

static void
bl_digit_strip_class_init (BlDigitStripClass *klass)
{
  GtkWidgetClass *wc = GTK_WIDGET_CLASS (klass);

  wc->snapshot = bl_digit_strip_snapshot;
  wc->measure = bl_digit_strip_measure;
  wc->get_request_mode = bl_digit_strip_get_request_mode;
  signals[SIGNAL_DIGIT_ACTIVATED] =
    g_signal_new ("digit-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  gtk_widget_class_set_css_name (wc, "digitstrip");
  gtk_widget_class_set_accessible_role (wc, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_digit_strip_init (BlDigitStrip *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->selected = -1;
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
bl_digit_strip_new (void)
{
  return g_object_new (BL_TYPE_DIGIT_STRIP, NULL);
}

void
bl_digit_strip_set_digits (BlDigitStrip *self, const guint8 *pixels, const guint8 *labels,
                           guint n)
{
  g_return_if_fail (BL_IS_DIGIT_STRIP (self));
  self->n = MIN (n, BL_DIGIT_STRIP_MAX);
  if (self->n)
    {
      memcpy (self->pixels, pixels, (gsize) self->n * 28 * 28);
      memcpy (self->labels, labels, self->n);
    }
  self->has_probs = FALSE;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
bl_digit_strip_set_probs (BlDigitStrip *self, const float *probs, guint n)
{
  g_return_if_fail (BL_IS_DIGIT_STRIP (self));
  self->has_probs = probs != NULL && n == self->n && n > 0;
  if (self->has_probs)
    memcpy (self->probs, probs, sizeof (float) * 10 * n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_digit_strip_set_selected (BlDigitStrip *self, int position)
{
  g_return_if_fail (BL_IS_DIGIT_STRIP (self));
  self->selected = position;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_digit_strip_set_projector_mode (BlDigitStrip *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_DIGIT_STRIP (self));
  self->projector_mode = !!projector_mode;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
bl_digit_strip_get_n_digits (BlDigitStrip *self)
{
  return self->n;
}

guint
bl_digit_strip_get_n_right (BlDigitStrip *self)
{
  guint right = 0;

  if (!self->has_probs)
    return 0;
  for (guint i = 0; i < self->n; i++)
    {
      guint best = 0;
      for (guint c = 1; c < 10; c++)
        if (self->probs[i][c] > self->probs[i][best])
          best = c;
      right += best == self->labels[i];
    }
  return right;
}
