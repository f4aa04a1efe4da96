/* bl-digit-grid.c: see bl-digit-grid.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "widgets/bl-digit-grid.h"
#include "widgets/bl-text.h"

/* A 28×28 digit drawn 84×84 (112×112 in projector mode), its three lines of text below. */
#define SCALE   (self->projector_mode ? 4 : 3)
#define TEXT    (self->projector_mode ? 1.4 : 1.0)
#define CELL_W  cell_width (self)
#define CELL_H  (int) (28 * SCALE + 64 * TEXT)

struct _BlDigitGrid {
  GtkWidget    parent_instance;
  BlDigitItem *items;
  int          selected;      /* −1: none */
  guint        n_items;
  gboolean     projector_mode;
  int          cell_w;        /* 0: to be measured */
};

G_DEFINE_FINAL_TYPE (BlDigitGrid, bl_digit_grid, GTK_TYPE_WIDGET)

/* The three lines under a digit: its answer, the runner-up, its history's note; never under
 * the smallest legible type. */
static void
text_sizes (BlDigitGrid *self, double *answer, double *runner_up_size, double *note)
{
  double least = bl_text_least_px (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  *answer = round (12 * TEXT);
  *runner_up_size = MAX (least, round (10 * TEXT));
  *note = MAX (least, round (9 * TEXT));
}

/* As wide as the digit, or as its widest line of text (a note such as "wrong from the start"
 * in projector type is wider than the digit). */
static int
cell_width (BlDigitGrid *self)
{
  if (self->cell_w == 0)
    {
      BlTextPainter tp;
      double answer, runner, note;
      int w, widest = 28 * SCALE;

      text_sizes (self, &answer, &runner, &note);
      bl_text_painter_init_for_context (&tp, gtk_widget_get_pango_context (GTK_WIDGET (self)));
      bl_text_measure (&tp, runner, FALSE, "0: 100.0% · #10000", &w, NULL);
      widest = MAX (widest, w);
      for (guint i = 0; i < self->n_items; i++)
        {
          bl_text_measure (&tp, note, FALSE, self->items[i].note, &w, NULL);
          widest = MAX (widest, w);
        }
      bl_text_painter_clear (&tp);
      self->cell_w = widest + 24;
    }
  return self->cell_w;
}

static guint
columns_for (BlDigitGrid *self, int width)
{
  return MAX (1, width / CELL_W);
}

static void
runner_up (const float *p, guint *best, guint *second)
{
  *best = 0;
  for (guint c = 1; c < 10; c++)
    if (p[c] > p[*best])
      *best = c;
  *second = *best == 0 ? 1 : 0;
  for (guint c = 0; c < 10; c++)
    if (c != *best && p[c] > p[*second])
      *second = c;
}

int
bl_digit_grid_render (BlDigitGrid *self, cairo_t *cr, int width)
{
  guint cols = columns_for (self, width);
  BlTextPainter tp;
  char buf[64];
  double answer, runner, note;

  text_sizes (self, &answer, &runner, &note);
  bl_text_painter_init (&tp, cr);
  for (guint i = 0; i < self->n_items; i++)
    {
      const BlDigitItem *it = &self->items[i];
      double x = (i % cols) * CELL_W + 8, y = (i / cols) * CELL_H + 4;
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 28, 28);
      guint32 *px = (guint32 *) cairo_image_surface_get_data (img);
      int stride = cairo_image_surface_get_stride (img) / 4;
      guint best, second;

      /* Dark ink on white, as on paper: readable on a projector. */
      cairo_surface_flush (img);
      for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++)
          {
            guint v = 255 - it->pixels[r * 28 + c];
            px[r * stride + c] = (v << 16) | (v << 8) | v;
          }
      cairo_surface_mark_dirty (img);
      cairo_save (cr);
      cairo_translate (cr, x, y);
      cairo_scale (cr, SCALE, SCALE);
      cairo_set_source_surface (cr, img, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_surface_destroy (img);
      cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.6);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x - 0.5, y - 0.5, 28 * SCALE + 1, 28 * SCALE + 1);
      cairo_stroke (cr);

      runner_up (it->probs, &best, &second);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
      /* TRANSLATORS: a test digit's prediction: "7: 93.1%" (class, probability) */
      g_snprintf (buf, sizeof buf, _("%u: %.1f%%"), best, 100 * it->probs[best]);
      bl_text_draw (&tp, answer, TRUE, buf, x, y + 28 * SCALE + 2, 0, 0);
      /* TRANSLATORS: the runner-up class and its probability, then the test image's index */
      g_snprintf (buf, sizeof buf, _("%u: %.1f%% · #%u"), second, 100 * it->probs[second],
                  it->index);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.38);
      bl_text_draw (&tp, runner, FALSE, buf, x, y + 28 * SCALE + 18 * TEXT, 0, 0);
      if (it->note[0])
        {
          /* The network's answer for this digit now: vermillion when wrong, blue when right. */
          if (best != it->label)
            cairo_set_source_rgb (cr, 0.835, 0.369, 0);
          else
            cairo_set_source_rgb (cr, 0, 0.447, 0.698);
          bl_text_draw (&tp, note, FALSE, it->note, x, y + 28 * SCALE + 33 * TEXT, 0, 0);
        }
    }
  bl_text_painter_clear (&tp);
  return (int) ((self->n_items + cols - 1) / cols) * CELL_H;
}

static void
bl_digit_grid_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlDigitGrid *self = BL_DIGIT_GRID (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (w <= 0 || h <= 0)
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (self->n_items == 0)
    {
      BlTextPainter tp;
      bl_text_painter_init (&tp, cr);
      cairo_set_source_rgb (cr, 0.4, 0.4, 0.4);
      bl_text_draw (&tp, 14, FALSE, _("No test digits here."), w / 2.0, 20, 0.5, 0);
      bl_text_painter_clear (&tp);
    }
  else
    bl_digit_grid_render (self, cr, w);
  if (self->selected >= 0 && (guint) self->selected < self->n_items)
    {
      /* The selected digit framed in the theme's blue, as the strip marks its own. */
      guint cols = columns_for (self, w);
      cairo_set_source_rgb (cr, 0, 0.447, 0.698);
      cairo_set_line_width (cr, 3);
      cairo_rectangle (cr, (self->selected % cols) * CELL_W + 2.5,
                       (self->selected / cols) * CELL_H + 1.5, CELL_W - 5, CELL_H - 3);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
}

enum { PROP_0, PROP_SELECTED, N_PROPS };
static GParamSpec *props[N_PROPS];
enum { SIGNAL_DIGIT_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The item under (@x, @y) of the widget, or −1. */
static int
item_at (BlDigitGrid *self, double x, double y)
{
  guint cols = columns_for (self, gtk_widget_get_width (GTK_WIDGET (self)));
  guint col, row, i;

  if (x < 0 || y < 0)
    return -1;
  col = (guint) (x / CELL_W);
  row = (guint) (y / CELL_H);
  i = row * cols + col;
  return col < cols && i < self->n_items ? (int) i : -1;
}

/* The arrows move the selection, Enter looks inside the selected digit. */
static gboolean
key_cb (GtkEventControllerKey *keys, guint keyval, guint keycode, GdkModifierType state,
        BlDigitGrid *self)
{
  int cols = (int) columns_for (self, gtk_widget_get_width (GTK_WIDGET (self)));
  int at = self->selected, step;

  switch (keyval)
    {
    case GDK_KEY_Left:  step = -1; break;
    case GDK_KEY_Right: step = 1; break;
    case GDK_KEY_Up:    step = -cols; break;
    case GDK_KEY_Down:  step = cols; break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      if (at >= 0)
        bl_digit_grid_activate (self, (guint) at);
      return at >= 0;
    default:
      return FALSE;
    }
  if (self->n_items == 0)
    return FALSE;
  at = at < 0 ? 0 : CLAMP (at + step, 0, (int) self->n_items - 1);
  bl_digit_grid_set_selected (self, at);
  return TRUE;
}

/* A click selects a digit, a double click looks inside it. */
static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlDigitGrid *self)
{
  int i = item_at (self, x, y);

  if (i < 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self));
  bl_digit_grid_set_selected (self, i);
  if (n_press == 2)
    bl_digit_grid_activate (self, (guint) i);
}

static GtkSizeRequestMode
bl_digit_grid_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
bl_digit_grid_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                       int *min_base, int *nat_base)
{
  BlDigitGrid *self = BL_DIGIT_GRID (widget);

  if (o == GTK_ORIENTATION_HORIZONTAL)
    {
      *min = CELL_W;
      *nat = CELL_W * MIN (MAX (self->n_items, 1), 8);
    }
  else
    {
      guint cols = columns_for (self, for_size > 0 ? for_size : CELL_W * 8);
      *min = *nat = MAX (60, (int) ((self->n_items + cols - 1) / cols) * CELL_H);
    }
}

static void
bl_digit_grid_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bl_digit_grid_parent_class)->css_changed (widget, change);
  BL_DIGIT_GRID (widget)->cell_w = 0;   /* the type may have changed */
  gtk_widget_queue_resize (widget);
}

static void
bl_digit_grid_finalize (GObject *object)
{
  g_free (BL_DIGIT_GRID (object)->items);
  G_OBJECT_CLASS (bl_digit_grid_parent_class)->finalize (object);
}

static void
bl_digit_grid_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_SELECTED)
    g_value_set_int (value, BL_DIGIT_GRID (object)->selected);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_digit_grid_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  if (id == PROP_SELECTED)
    bl_digit_grid_set_selected (BL_DIGIT_GRID (object), g_value_get_int (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_digit_grid_class_init (BlDigitGridClass *klass)
{
  G_OBJECT_CLASS (klass)->get_property = bl_digit_grid_get_property;
  G_OBJECT_CLASS (klass)->set_property = bl_digit_grid_set_property;
  props[PROP_SELECTED] = g_param_spec_int ("selected", NULL, NULL, -1, BL_DIGIT_GRID_MAX - 1, -1,
                                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                           G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  signals[SIGNAL_DIGIT_ACTIVATED] =
    g_signal_new ("digit-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  GTK_WIDGET_CLASS (klass)->snapshot = bl_digit_grid_snapshot;
  GTK_WIDGET_CLASS (klass)->measure = bl_digit_grid_measure;
  GTK_WIDGET_CLASS (klass)->css_changed = bl_digit_grid_css_changed;
  GTK_WIDGET_CLASS (klass)->get_request_mode = bl_digit_grid_get_request_mode;
  G_OBJECT_CLASS (klass)->finalize = bl_digit_grid_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "digitgrid");
  gtk_widget_class_set_accessible_role (GTK_WIDGET_CLASS (klass), GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_digit_grid_init (BlDigitGrid *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->selected = -1;
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
}

GtkWidget *
bl_digit_grid_new (void)
{
  return g_object_new (BL_TYPE_DIGIT_GRID, NULL);
}

void
bl_digit_grid_set_items (BlDigitGrid *self, const BlDigitItem *items, guint n)
{
  g_autofree char *summary = NULL;

  g_return_if_fail (BL_IS_DIGIT_GRID (self));
  n = MIN (n, BL_DIGIT_GRID_MAX);
  g_free (self->items);
  self->items = n ? g_memdup2 (items, sizeof *items * n) : NULL;
  self->n_items = n;
  self->cell_w = 0;
  summary = g_strdup_printf (ngettext ("%u test digit", "%u test digits", n), n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, summary,
                                  -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  bl_digit_grid_set_selected (self, -1);
}

guint
bl_digit_grid_get_n_items (BlDigitGrid *self)
{
  return self->n_items;
}

void
bl_digit_grid_set_projector_mode (BlDigitGrid *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_DIGIT_GRID (self));
  self->projector_mode = !!projector_mode;
  self->cell_w = 0;
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

void
bl_digit_grid_set_selected (BlDigitGrid *self, int position)
{
  g_return_if_fail (BL_IS_DIGIT_GRID (self));
  if (position >= (int) self->n_items)
    position = -1;
  if (position == self->selected)
    return;
  self->selected = MAX (position, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SELECTED]);
}

int
bl_digit_grid_get_selected (BlDigitGrid *self)
{
  g_return_val_if_fail (BL_IS_DIGIT_GRID (self), -1);
  return self->selected;
}

const BlDigitItem *
bl_digit_grid_get_item (BlDigitGrid *self, guint position)
{
  g_return_val_if_fail (BL_IS_DIGIT_GRID (self), NULL);
  return position < self->n_items ? &self->items[position] : NULL;
}

void
bl_digit_grid_activate (BlDigitGrid *self, guint position)
{
  g_return_if_fail (BL_IS_DIGIT_GRID (self));
  if (position < self->n_items)
    g_signal_emit (self, signals[SIGNAL_DIGIT_ACTIVATED], 0, position);
}
