/* bl-digit-pad.c: see bl-digit-pad.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <png.h>
#include <string.h>

#include "nn-digit.h"
#include "widgets/bl-digit-pad.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-text.h"

#define SIDE BL_DIGIT_PAD_SIDE
/* While a stroke is drawn, "changed" at most this often: live feedback without running the
 * network on every motion event. */
#define THROTTLE_MS 150
/* The background grey (0–255): not pure black, so the pad reads as a surface on a projector. */
#define PAPER 22

struct _BlDigitPad {
  GtkWidget parent_instance;
  float    *canvas;             /* SIDE × SIDE, 0 background … 1 ink */
  double    start_x, start_y;   /* where the drag began, in widget pixels */
  double    last_x, last_y;     /* the stroke's last point, in canvas pixels */
  guint     throttle_id;
  int       natural_side;       /* the size it asks for, in widget pixels */
};

G_DEFINE_FINAL_TYPE (BlDigitPad, bl_digit_pad, GTK_TYPE_WIDGET)

enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The square the canvas is shown in: centred, as large as the widget allows. */
static void
canvas_rect (BlDigitPad *self, double *ox, double *oy, double *side)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));

  *side = MAX (1, MIN (w, h));
  *ox = (w - *side) / 2;
  *oy = (h - *side) / 2;
}

static void
widget_to_canvas (BlDigitPad *self, double x, double y, double *cx, double *cy)
{
  double ox, oy, side;

  canvas_rect (self, &ox, &oy, &side);
  *cx = (x - ox) * SIDE / side;
  *cy = (y - oy) * SIDE / side;
}

/* A round brush swept from a to b: each pixel gets the part of it the brush covers (its
 * centre's distance from the segment, a one-pixel ramp at the edge, so strokes are
 * anti-aliased like MNIST's). Overlaps keep the maximum, so going over a stroke again does not
 * make it any darker or wider. */
static void
paint_segment (BlDigitPad *self, double ax, double ay, double bx, double by)
{
  const double r = BL_DIGIT_PAD_BRUSH_RADIUS;
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  int x0 = (int) MAX (0, floor (MIN (ax, bx) - r - 1));
  int x1 = (int) MIN (SIDE - 1, ceil (MAX (ax, bx) + r + 1));
  int y0 = (int) MAX (0, floor (MIN (ay, by) - r - 1));
  int y1 = (int) MIN (SIDE - 1, ceil (MAX (ay, by) + r + 1));

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        double px = x + 0.5, py = y + 0.5, t = 0, ex, ey, cover;
        float *c = &self->canvas[y * SIDE + x];
        if (len2 > 0)
          t = CLAMP (((px - ax) * dx + (py - ay) * dy) / len2, 0, 1);
        ex = ax + t * dx - px;
        ey = ay + t * dy - py;
        cover = CLAMP (r + 0.5 - sqrt (ex * ex + ey * ey), 0, 1);
        if (cover > *c)
          *c = (float) cover;
      }
}

static void
emit_changed (BlDigitPad *self)
{
  g_clear_handle_id (&self->throttle_id, g_source_remove);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static gboolean
throttle_cb (gpointer data)
{
  BlDigitPad *self = data;

  self->throttle_id = 0;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return G_SOURCE_REMOVE;
}

/* Extends the stroke under way to widget point (x, y). */
static void
drag_to (BlDigitPad *self, double x, double y)
{
  double cx, cy;

  widget_to_canvas (self, x, y, &cx, &cy);
  paint_segment (self, self->last_x, self->last_y, cx, cy);
  self->last_x = cx;
  self->last_y = cy;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->throttle_id == 0)
    self->throttle_id = g_timeout_add (THROTTLE_MS, throttle_cb, self);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, BlDigitPad *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->start_x = x;
  self->start_y = y;
  widget_to_canvas (self, x, y, &self->last_x, &self->last_y);
  drag_to (self, x, y);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, BlDigitPad *self)
{
  drag_to (self, self->start_x + dx, self->start_y + dy);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, BlDigitPad *self)
{
  drag_to (self, self->start_x + dx, self->start_y + dy);
  emit_changed (self);
}

static void
clear_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  bl_digit_pad_clear (BL_DIGIT_PAD (widget));
}

static void
bl_digit_pad_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlDigitPad *self = BL_DIGIT_PAD (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  double ox, oy, side;
  cairo_surface_t *surface;
  guint8 *data;
  int stride;
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  canvas_rect (self, &ox, &oy, &side);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, SIDE, SIDE);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        guint32 g = (guint32) lround (PAPER + (255 - PAPER) * self->canvas[y * SIDE + x]);
        *(guint32 *) (data + y * stride + 4 * x) = g << 16 | g << 8 | g;
      }
  cairo_surface_mark_dirty (surface);

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_save (cr);
  cairo_translate (cr, ox, oy);
  cairo_scale (cr, side / SIDE, side / SIDE);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_restore (cr);
  if (bl_digit_pad_is_empty (self))
    {
      BlTextPainter tp;
      bl_text_painter_init (&tp, cr);
      cairo_set_source_rgb (cr, 0.62, 0.62, 0.64);
      bl_text_draw (&tp, round (CLAMP (side / 16, 10, 22)), FALSE, _("Draw a digit here"),
                    ox + side / 2, oy + side / 2, 0.5, 0.5);
      bl_text_painter_clear (&tp);
    }
  if (gtk_widget_has_focus (widget))
    {
      GdkRGBA blue;
      bl_palette_color (4, &blue);   /* sky blue: visible on the dark pad */
      gdk_cairo_set_source_rgba (cr, &blue);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, ox + 1.5, oy + 1.5, side - 3, side - 3);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
bl_digit_pad_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                      int *min_base, int *nat_base)
{
  *min = SIDE / 2;
  *nat = BL_DIGIT_PAD (widget)->natural_side;
}

static void
focus_changed_cb (GtkEventControllerFocus *focus, BlDigitPad *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
bl_digit_pad_dispose (GObject *object)
{
  g_clear_handle_id (&BL_DIGIT_PAD (object)->throttle_id, g_source_remove);
  G_OBJECT_CLASS (bl_digit_pad_parent_class)->dispose (object);
}

static void
bl_digit_pad_finalize (GObject *object)
{
  g_free (BL_DIGIT_PAD (object)->canvas);
  G_OBJECT_CLASS (bl_digit_pad_parent_class)->finalize (object);
}

static void
bl_digit_pad_class_init (BlDigitPadClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_digit_pad_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_digit_pad_finalize;
  widget_class->snapshot = bl_digit_pad_snapshot;
  widget_class->measure = bl_digit_pad_measure;
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  gtk_widget_class_install_action (widget_class, "digit-pad.clear", NULL, clear_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "digit-pad.clear", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "digit-pad.clear",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "digit-pad.clear",
                                       NULL);
  gtk_widget_class_set_css_name (widget_class, "digitpad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_digit_pad_init (BlDigitPad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->canvas = g_new0 (float, SIDE * SIDE);
  self->natural_side = SIDE;
  /* Mouse, pen and touch alike. */
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (focus, "enter", G_CALLBACK (focus_changed_cb), self);
  g_signal_connect (focus, "leave", G_CALLBACK (focus_changed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Digit drawing pad"),
    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
    _("Draw a digit with the mouse, a pen or a finger. Delete or Backspace clears it."), -1);
}

GtkWidget *
bl_digit_pad_new (void)
{
  return g_object_new (BL_TYPE_DIGIT_PAD, NULL);
}

void
bl_digit_pad_clear (BlDigitPad *self)
{
  g_return_if_fail (BL_IS_DIGIT_PAD (self));
  memset (self->canvas, 0, SIDE * SIDE * sizeof (float));
  emit_changed (self);
}

const float *
bl_digit_pad_get_canvas (BlDigitPad *self, guint *width, guint *height)
{
  g_return_val_if_fail (BL_IS_DIGIT_PAD (self), NULL);
  if (width)
    *width = SIDE;
  if (height)
    *height = SIDE;
  return self->canvas;
}

gboolean
bl_digit_pad_is_empty (BlDigitPad *self)
{
  g_return_val_if_fail (BL_IS_DIGIT_PAD (self), TRUE);
  for (guint i = 0; i < SIDE * SIDE; i++)
    if (self->canvas[i] > NN_DIGIT_INK_THRESHOLD)
      return FALSE;
  return TRUE;
}

void
bl_digit_pad_stroke (BlDigitPad *self, const double *xy, guint n_points)
{
  g_return_if_fail (BL_IS_DIGIT_PAD (self));
  g_return_if_fail (xy != NULL || n_points == 0);
  for (guint i = 0; i < n_points; i++)
    {
      guint p = i == 0 ? 0 : i - 1;
      paint_segment (self, xy[2 * p], xy[2 * p + 1], xy[2 * i], xy[2 * i + 1]);
    }
  emit_changed (self);
}

/* Light paper with dark ink becomes dark with light ink; then the paper goes to 0 and the
 * strongest ink to 1. @img is w × h, 0 black … 1 white. */
static void
make_ink_high (float *img, guint w, guint h)
{
  double border = 0, paper, top = 0;
  guint n_border = 0;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
        {
          border += img[(gsize) y * w + x];
          n_border++;
        }
  border /= n_border;
  paper = border > 0.5 ? 1 - border : border;
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      if (border > 0.5)
        img[i] = 1 - img[i];
      top = MAX (top, img[i]);
    }
  for (gsize i = 0; i < (gsize) w * h; i++)
    img[i] = top - paper > 1e-3 ? CLAMP ((img[i] - paper) / (top - paper), 0, 1) : 0;
}

gboolean
bl_digit_pad_load_png (BlDigitPad *self, const char *path, GError **error)
{
  g_autofree char *name = NULL;
  png_image image;
  guint8 *buffer;
  float *img, *fitted;
  guint w, h, fw, fh;

  g_return_val_if_fail (BL_IS_DIGIT_PAD (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  name = g_filename_display_name (path);
  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file (&image, path))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not read “%s”: %s"), name,
                   image.message);
      png_image_free (&image);
      return FALSE;
    }
  if (image.width > NN_DIGIT_MAX_SIDE || image.height > NN_DIGIT_MAX_SIDE)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("“%s” is %u × %u pixels; at most %u a side can be loaded."), name,
                   image.width, image.height, NN_DIGIT_MAX_SIDE);
      png_image_free (&image);
      return FALSE;
    }
  /* Grey and alpha, 8 bits, not premultiplied: libpng converts every colour type to this. */
  image.format = PNG_FORMAT_GA;
  buffer = g_malloc (PNG_IMAGE_SIZE (image));
  if (!png_image_finish_read (&image, NULL, buffer, 0, NULL))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not read “%s”: %s"), name,
                   image.message);
      png_image_free (&image);
      g_free (buffer);
      return FALSE;
    }
  w = image.width;
  h = image.height;
  img = g_new (float, (gsize) w * h);
  for (gsize i = 0; i < (gsize) w * h; i++)
    {
      float grey = buffer[2 * i] / 255.0f, alpha = buffer[2 * i + 1] / 255.0f;
      img[i] = grey * alpha + (1 - alpha);   /* on white paper */
    }
  g_free (buffer);
  make_ink_high (img, w, h);

  /* Fitted into the canvas keeping the aspect ratio; where it lands does not matter, the
   * preprocessing crops to the ink. */
  fw = MAX (1, (guint) lround ((double) w * SIDE / MAX (w, h)));
  fh = MAX (1, (guint) lround ((double) h * SIDE / MAX (w, h)));
  fitted = g_new (float, (gsize) fw * fh);
  nn_digit_resample (img, w, h, fitted, fw, fh);
  memset (self->canvas, 0, SIDE * SIDE * sizeof (float));
  for (guint y = 0; y < fh; y++)
    memcpy (self->canvas + ((SIDE - fh) / 2 + y) * SIDE + (SIDE - fw) / 2, fitted + y * fw,
            fw * sizeof (float));
  g_free (fitted);
  g_free (img);
  emit_changed (self);
  return TRUE;
}

void
bl_digit_pad_set_natural_side (BlDigitPad *self, int side)
{
  g_return_if_fail (BL_IS_DIGIT_PAD (self));
  self->natural_side = MAX (SIDE / 2, side);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}
