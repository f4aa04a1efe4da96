/* bl-confusion-view.c: see bl-confusion-view.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "widgets/bl-confusion-view.h"
#include "widgets/bl-png.h"
#include "widgets/bl-text.h"

#define N BL_CONFUSION_CLASSES

struct _BlConfusionView {
  GtkWidget parent_instance;
  guint     counts[N][N];
  gboolean  has_counts;
  gboolean  projector_mode;
  char     *title;
};

G_DEFINE_FINAL_TYPE (BlConfusionView, bl_confusion_view, GTK_TYPE_WIDGET)

enum { SIGNAL_CELL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef struct {
  double left, top, cell, bars_left, bar_width, font, small;
} Layout;

static void
compute_layout (int width, int height, gboolean projector_mode, Layout *l)
{
  /* Whole pixel sizes, and only two of them: each new size is a font to load and glyphs to
   * render, which costs more than the rest of the drawing together. */
  l->font = round (CLAMP (MIN (width, height) / 30.0, 10, 18) * (projector_mode ? 1.4 : 1));
  l->small = round (l->font * 0.85);
  l->top = l->font * 4.4;
  l->left = l->font * 3.5;
  l->cell = MAX (4, MIN ((width - l->left - l->font * 9) / N, (height - l->top - l->font) / N));
  l->bars_left = l->left + N * l->cell + l->font;
  l->bar_width = MAX (10, width - l->bars_left - l->font * 4.5);
}

/* A sequential blue scale from near-white to dark (cividis-like, readable for every colour
 * vision); t in [0, 1]. */
static void
heat_color (double t, double *r, double *g, double *b)
{
  t = CLAMP (t, 0, 1);
  *r = 0.97 - 0.97 * t;
  *g = 0.97 - 0.70 * t;
  *b = 0.98 - 0.55 * t;
}

static void
confusion_draw (gpointer widget, cairo_t *cr, int width, int height, const GdkRGBA *fg,
                const GdkRGBA *bg)
{
  BlConfusionView *self = widget;
  Layout l;
  char buf[32];
  BlTextPainter tp;

  if (width <= 0 || height <= 0)
    return;
  compute_layout (width, height, self->projector_mode, &l);
  bl_text_painter_init (&tp, cr);
  if (bg)
    {
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_paint (cr);
    }
  gdk_cairo_set_source_rgba (cr, fg);
  if (self->title)
    bl_text_draw (&tp, l.font, TRUE, self->title, 0, 0, 0, 0);
  bl_text_draw (&tp, l.small, FALSE, _("predicted →"), l.left + N * l.cell / 2, l.font * 1.4, 0.5,
           0);
  for (int i = 0; i < N; i++)
    {
      g_snprintf (buf, sizeof buf, "%d", i);
      bl_text_draw (&tp, l.font, TRUE, buf, l.left + (i + 0.5) * l.cell, l.top - 2, 0.5, 1);
      bl_text_draw (&tp, l.font, TRUE, buf, l.left - l.font * 0.6, l.top + (i + 0.5) * l.cell, 1, 0.5);
    }
  if (!self->has_counts)
    {
      bl_text_draw (&tp, l.small, FALSE, _("No test results yet"), l.left + N * l.cell / 2,
               l.top + N * l.cell / 2, 0.5, 0.5);
      bl_text_painter_clear (&tp);
      return;
    }
  for (int t = 0; t < N; t++)
    {
      guint total = 0;
      double acc;
      for (int p = 0; p < N; p++)
        total += self->counts[t][p];
      for (int p = 0; p < N; p++)
        {
          double frac = total ? (double) self->counts[t][p] / total : 0;
          /* Off-diagonal errors are rare: a square root lets a few of them show. */
          double shade = t == p ? frac : sqrt (frac) * 1.5;
          double r, g, b;
          heat_color (shade, &r, &g, &b);
          cairo_set_source_rgb (cr, r, g, b);
          cairo_rectangle (cr, l.left + p * l.cell + 1, l.top + t * l.cell + 1, l.cell - 2,
                           l.cell - 2);
          cairo_fill (cr);
          if (self->counts[t][p] > 0 && l.cell > l.small * 2.4)
            {
              g_snprintf (buf, sizeof buf, "%u", self->counts[t][p]);
              if (shade > 0.55)
                cairo_set_source_rgb (cr, 1, 1, 1);
              else
                cairo_set_source_rgb (cr, 0.1, 0.1, 0.12);
              bl_text_draw (&tp, l.small, t == p, buf,
                       l.left + (p + 0.5) * l.cell, l.top + (t + 0.5) * l.cell, 0.5, 0.5);
            }
        }
      /* This class's accuracy. */
      acc = total ? (double) self->counts[t][t] / total : 0;
      cairo_set_source_rgb (cr, 0.0, 0.447, 0.698);
      cairo_rectangle (cr, l.bars_left, l.top + t * l.cell + l.cell * 0.2,
                       l.bar_width * acc, l.cell * 0.6);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, fg);
      g_snprintf (buf, sizeof buf, "%.1f%%", 100 * acc);
      bl_text_draw (&tp, l.small, FALSE, buf, l.bars_left + l.bar_width + 4,
               l.top + (t + 0.5) * l.cell, 0, 0.5);
    }
  gdk_cairo_set_source_rgba (cr, fg);
  bl_text_draw (&tp, l.small, FALSE, _("accuracy per class"), l.bars_left, l.top - 2, 0, 1);
  bl_text_painter_clear (&tp);
}

static void
bl_confusion_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  bl_snapshot_drawing (widget, snapshot, confusion_draw);
}

static void
bl_confusion_view_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min,
                           int *nat, int *min_base, int *nat_base)
{
  *min = 220;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 520 : 380;
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlConfusionView *self)
{
  Layout l;
  int t, p;

  compute_layout (gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), self->projector_mode, &l);
  p = (int) floor ((x - l.left) / l.cell);
  t = (int) floor ((y - l.top) / l.cell);
  if (self->has_counts && p >= 0 && p < N && t >= 0 && t < N)
    g_signal_emit (self, signals[SIGNAL_CELL_ACTIVATED], 0, t, p);
}

static void
bl_confusion_view_finalize (GObject *object)
{
  g_free (BL_CONFUSION_VIEW (object)->title);
  G_OBJECT_CLASS (bl_confusion_view_parent_class)->finalize (object);
}

enum { PROP_0, PROP_PROJECTOR_MODE };

static void
bl_confusion_view_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    g_value_set_boolean (value, BL_CONFUSION_VIEW (object)->projector_mode);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_confusion_view_set_property (GObject *object, guint id, const GValue *value,
                                GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    {
      BL_CONFUSION_VIEW (object)->projector_mode = g_value_get_boolean (value);
      gtk_widget_queue_draw (GTK_WIDGET (object));
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_confusion_view_class_init (BlConfusionViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->get_property = bl_confusion_view_get_property;
  G_OBJECT_CLASS (klass)->set_property = bl_confusion_view_set_property;
  /* "projector-mode": larger type, like the charts. */
  g_object_class_install_property (G_OBJECT_CLASS (klass), PROP_PROJECTOR_MODE,
    g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  G_OBJECT_CLASS (klass)->finalize = bl_confusion_view_finalize;
  widget_class->snapshot = bl_confusion_view_snapshot;
  widget_class->measure = bl_confusion_view_measure;
  signals[SIGNAL_CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  gtk_widget_class_set_css_name (widget_class, "confusionview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_confusion_view_init (BlConfusionView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
bl_confusion_view_new (void)
{
  return g_object_new (BL_TYPE_CONFUSION_VIEW, NULL);
}

void
bl_confusion_view_set_counts (BlConfusionView *self, const guint counts[N][N])
{
  g_autoptr(GString) desc = g_string_new (NULL);

  g_return_if_fail (BL_IS_CONFUSION_VIEW (self));
  self->has_counts = counts != NULL;
  if (counts)
    memcpy (self->counts, counts, sizeof self->counts);
  /* For screen readers: the per-class accuracy and the most frequent confusion. */
  if (counts)
    {
      guint worst = 0, wt = 0, wp = 0;
      for (int t = 0; t < N; t++)
        for (int p = 0; p < N; p++)
          if (t != p && counts[t][p] > worst)
            {
              worst = counts[t][p];
              wt = t;
              wp = p;
            }
      g_string_printf (desc, _("Most frequent mistake: %u images of %u taken for %u."), worst,
                       wt, wp);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Confusion matrix"), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  desc->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_confusion_view_set_title (BlConfusionView *self, const char *title)
{
  g_return_if_fail (BL_IS_CONFUSION_VIEW (self));
  g_free (self->title);
  self->title = g_strdup (title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}


gboolean
bl_confusion_view_write_png (BlConfusionView *self, const char *path, int width, int height,
                             GError **error)
{
  g_return_val_if_fail (BL_IS_CONFUSION_VIEW (self), FALSE);
  return bl_write_drawing_png (confusion_draw, self, width, height, path, error);
}
