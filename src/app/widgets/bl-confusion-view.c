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
  guint   (*history)[N][N];   /* each cell's count after each epoch, or NULL */
  guint     n_history;
};

G_DEFINE_FINAL_TYPE (BlConfusionView, bl_confusion_view, GTK_TYPE_WIDGET)

enum { SIGNAL_CELL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* DejaVu Sans, the projector's font, draws a digit 0.636 em wide: text is laid out from it. */
#define DIGIT_EM 0.64

typedef struct {
  double font, small;      /* labels: headings and digits; smaller notes */
  double count_font;       /* the counts in the cells: sized to fit the widest in a cell */
  double least;            /* the smallest legible type (BL_TEXT_MIN_SHARE of the body's) */
  double left, top;        /* the grid's corner */
  double cw, ch;           /* a cell: as wide as its count needs (up to CELL_ASPECT × its
                            * height), never taller than wide */
  double bars_left, bar_width, pct_width;
  double column;           /* the per-class column: bars and percentages, or its heading */
} Layout;

static guint
widest_count_digits (BlConfusionView *self)
{
  guint most = 0, digits = 1;

  for (int t = 0; t < N; t++)
    for (int p = 0; p < N; p++)
      most = MAX (most, self->counts[t][p]);
  while (most >= 10)
    {
      most /= 10;
      digits++;
    }
  return digits;
}

/* The counts' sizes below the labels' small type, largest first; never under the smallest
 * legible type (a smaller count is a smudge from the back row: the colour says it instead). */
static const double count_scales[] = { 0.85, 0.75, 0.55 };

/* How much wider than tall a cell may grow for its count: on a short screen (a 1024×600
 * projector) the height sets the cells, and three or four digits side by side need more
 * width than height. */
#define CELL_ASPECT 1.8

static double
count_size (const Layout *l, guint i)
{
  return MAX (l->least, round (l->small * count_scales[i]));
}

static void
compute_layout (BlConfusionView *self, int width, int height, Layout *l)
{
  /* Whole pixel sizes, and only a few of them: each new size is a font to load and glyphs to
   * render, which costs more than the rest of the drawing together. */
  double digits = self->has_counts ? widest_count_digits (self) : 1;

  l->least = bl_text_least_px (gtk_widget_get_pango_context (GTK_WIDGET (self)));
  l->font = round (CLAMP (MIN (width, height) / 30.0, 10, 18) * (self->projector_mode ? 1.4 : 1));
  l->small = MAX (l->least, round (l->font * 0.85));
  l->font = MAX (l->font, l->small);
  l->top = l->font * 4.6;
  /* Room for "true ↓" above the row digits, and the row digits themselves. */
  l->left = MAX (l->small * 3.6, l->font * 2.2);
  l->pct_width = l->small * DIGIT_EM * 6.5;   /* "100.0%" */
  l->column = l->small * 4 + l->pct_width + 4;   /* its heading wraps to it */
  l->ch = MAX (4, (height - l->top - l->font * 0.5) / N);
  {
    double wanted = l->small * (DIGIT_EM * digits + 0.3) + 4;
    double room = (width - l->left - l->font - l->column) / N;
    l->cw = MAX (4, MIN (room, MAX (l->ch, MIN (wanted, l->ch * CELL_ASPECT))));
    l->ch = MIN (l->ch, l->cw);
  }
  l->bars_left = l->left + N * l->cw + l->font;
  l->bar_width = MAX (10, width - l->bars_left - l->pct_width - 4);
  /* Counts in the labels' small type when the widest fits a cell, else in one smaller size:
   * a font size the drawing has not used yet costs a fontconfig match and new glyphs, tens of
   * milliseconds the first time (a frame's budget), so the sizes are few and all are loaded
   * before any count is drawn (see confusion_draw). */
  {
    /* A digit's ink is about 0.73 em tall: a count fills at most 0.6 of its cell's height. */
    double fits = MIN ((l->cw - 4) / (DIGIT_EM * digits + 0.3), l->ch * 0.8);
    l->count_font = fits >= l->small ? l->small : 0;
    for (guint i = 0; i < G_N_ELEMENTS (count_scales) && l->count_font == 0; i++)
      if (fits >= count_size (l, i))
        l->count_font = count_size (l, i);
  }
}

/* Right answers in blue, mistakes in vermillion (Okabe–Ito: apart for every colour vision),
 * stronger the larger the share of the row; over the theme's own background, so an empty cell
 * is a faint tint of the text colour in light and dark alike. Returns the cell's opacity. */
static double
cell_color (gboolean correct, double frac, const GdkRGBA *fg, GdkRGBA *out)
{
  static const GdkRGBA blue = { 0.0f, 0.447f, 0.698f, 1 }, vermillion = { 0.835f, 0.369f, 0, 1 };

  if (frac <= 0)
    {
      *out = *fg;
      out->alpha = 0.06f;
      return 0;
    }
  *out = correct ? blue : vermillion;
  /* Mistakes are rare: a square root lets a few of them show. */
  out->alpha = (float) CLAMP (correct ? 0.15 + 0.85 * frac : 0.25 + 1.3 * sqrt (frac), 0, 1);
  return out->alpha;
}

static void
draw_cell_history (BlConfusionView *self, cairo_t *cr, int t, int p, double x, double y,
                   double cw, double ch, gboolean on_dark)
{
  guint most = 1;
  double left = x + cw * 0.12, width = cw * 0.76, foot = y + ch * 0.9, height = ch * 0.18;

  for (guint e = 0; e < self->n_history; e++)
    most = MAX (most, self->history[e][t][p]);
  for (guint e = 0; e < self->n_history; e++)
    {
      double px = left + width * e / (self->n_history - 1);
      double py = foot - height * self->history[e][t][p] / most;
      if (e == 0)
        cairo_move_to (cr, px, py);
      else
        cairo_line_to (cr, px, py);
    }
  cairo_set_source_rgba (cr, on_dark ? 1 : 0, on_dark ? 1 : 0, on_dark ? 1 : 0, 0.45);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
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
  compute_layout (self, width, height, &l);
  bl_text_painter_init (&tp, cr);
  if (bg)
    {
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_paint (cr);
    }
  gdk_cairo_set_source_rgba (cr, fg);
  if (self->title)
    bl_text_draw (&tp, l.font, TRUE, self->title, 0, 0, 0, 0);
  bl_text_draw (&tp, l.small, FALSE, _("predicted →"), l.left + N * l.cw / 2, l.font * 1.5,
                0.5, 0);
  bl_text_draw (&tp, l.small, FALSE, _("true ↓"), 0, l.top - 2, 0, 1);
  for (int i = 0; i < N; i++)
    {
      g_snprintf (buf, sizeof buf, "%d", i);
      bl_text_draw (&tp, l.font, TRUE, buf, l.left + (i + 0.5) * l.cw, l.top - 2, 0.5, 1);
      bl_text_draw (&tp, l.font, TRUE, buf, l.left - l.font * 0.6, l.top + (i + 0.5) * l.ch, 1,
                    0.5);
    }
  if (!self->has_counts)
    {
      bl_text_draw (&tp, l.small, FALSE, _("No test results yet"), l.left + N * l.cw / 2,
                    l.top + N * l.ch / 2, 0.5, 0.5);
      /* The counts' fonts, loaded now (invisibly) rather than in the frame of the first
       * epoch's results. */
      cairo_set_source_rgba (cr, 0, 0, 0, 0);
      bl_text_draw (&tp, l.small, FALSE, "0123456789%", 0, 0, 0, 0);
      for (guint i = 0; i < G_N_ELEMENTS (count_scales); i++)
        bl_text_draw (&tp, count_size (&l, i), FALSE, "0123456789", 0, 0, 0, 0);
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
          GdkRGBA c;
          double opacity = cell_color (t == p, frac, fg, &c);

          gdk_cairo_set_source_rgba (cr, &c);
          cairo_rectangle (cr, l.left + p * l.cw + 1, l.top + t * l.ch + 1, l.cw - 2,
                           l.ch - 2);
          cairo_fill (cr);
          /* The cell's count epoch by epoch, as a faint line along its foot: a mistake that
           * grows, fades or comes and goes. */
          if (self->n_history >= 2 && l.ch >= 40)
            draw_cell_history (self, cr, t, p, l.left + p * l.cw, l.top + t * l.ch, l.cw, l.ch,
                               opacity > 0.55);
          /* No room for legible counts: the colour says them instead. */
          if (self->counts[t][p] > 0 && l.count_font > 0)
            {
              g_snprintf (buf, sizeof buf, "%u", self->counts[t][p]);
              if (opacity > 0.55)
                cairo_set_source_rgb (cr, 1, 1, 1);
              else
                gdk_cairo_set_source_rgba (cr, fg);
              bl_text_draw (&tp, l.count_font, FALSE, buf, l.left + (p + 0.5) * l.cw,
                            l.top + (t + 0.5) * l.ch, 0.5, 0.5);
            }
        }
      /* This class's accuracy. */
      acc = total ? (double) self->counts[t][t] / total : 0;
      cairo_set_source_rgb (cr, 0.0, 0.447, 0.698);
      cairo_rectangle (cr, l.bars_left, l.top + t * l.ch + l.ch * 0.2,
                       l.bar_width * acc, l.ch * 0.6);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, fg);
      g_snprintf (buf, sizeof buf, "%.1f%%", 100 * acc);
      bl_text_draw (&tp, l.small, FALSE, buf, l.bars_left + l.bar_width + 4,
                    l.top + (t + 0.5) * l.ch, 0, 0.5);
    }
  gdk_cairo_set_source_rgba (cr, fg);
  {
    g_autofree char *heading = bl_text_wrap (&tp, l.small, FALSE, _("accuracy per class"),
                                             width - l.bars_left);
    bl_text_draw (&tp, l.small, FALSE, heading, l.bars_left, l.top - 2, 0, 1);
  }
  if (l.count_font == 0)
    bl_text_draw (&tp, l.small, FALSE, _("(too small to show the counts: give it more room)"),
                  l.left, l.top + N * l.ch + 2, 0, 0);
  bl_text_painter_clear (&tp);
}

static void
bl_confusion_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  bl_snapshot_drawing (widget, snapshot, confusion_draw);
}

/* Given a height, the matrix asks for the width that makes its cells square with room for the
 * per-class column, so a page can give it what its height allows. */
static void
bl_confusion_view_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min,
                           int *nat, int *min_base, int *nat_base)
{
  BlConfusionView *self = BL_CONFUSION_VIEW (widget);

  *min = 220;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 520 : 380;
  if (o == GTK_ORIENTATION_HORIZONTAL && for_size > 0)
    {
      /* The layout at a generous width, then the width its square cells need. */
      Layout l;
      compute_layout (self, 4 * for_size, for_size, &l);
      *nat = MAX (*min, (int) ceil (l.left + N * l.cw + l.font + l.column));
    }
}

static GtkSizeRequestMode
bl_confusion_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_WIDTH_FOR_HEIGHT;
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlConfusionView *self)
{
  Layout l;
  int t, p;

  compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &l);
  p = (int) floor ((x - l.left) / l.cw);
  t = (int) floor ((y - l.top) / l.ch);
  if (self->has_counts && p >= 0 && p < N && t >= 0 && t < N)
    g_signal_emit (self, signals[SIGNAL_CELL_ACTIVATED], 0, t, p);
}

static void
bl_confusion_view_finalize (GObject *object)
{
  g_free (BL_CONFUSION_VIEW (object)->history);
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
      gtk_widget_queue_resize (GTK_WIDGET (object));   /* it asks for another width */
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
  widget_class->get_request_mode = bl_confusion_view_get_request_mode;
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
  /* Unchanged: no repaint (the matrix can be most of a projector's screen). */
  if (counts == NULL ? !self->has_counts
                     : self->has_counts && memcmp (self->counts, counts, sizeof self->counts) == 0)
    return;
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
  if (g_strcmp0 (self->title, title) == 0)
    return;
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

double
bl_confusion_view_get_count_size (BlConfusionView *self, int width, int height)
{
  Layout l;

  g_return_val_if_fail (BL_IS_CONFUSION_VIEW (self), 0);
  compute_layout (self, width, height, &l);
  return l.count_font;
}

void
bl_confusion_view_get_cell_size (BlConfusionView *self, int width, int height,
                                 double *cell_width, double *cell_height)
{
  Layout l;

  g_return_if_fail (BL_IS_CONFUSION_VIEW (self));
  compute_layout (self, width, height, &l);
  *cell_width = l.cw;
  *cell_height = l.ch;
}

void
bl_confusion_view_set_history (BlConfusionView *self, const guint (*counts)[N][N], guint n)
{
  g_return_if_fail (BL_IS_CONFUSION_VIEW (self));
  if (n == self->n_history &&
      (n == 0 || memcmp (self->history, counts, sizeof (guint) * N * N * n) == 0))
    return;
  g_clear_pointer (&self->history, g_free);
  self->n_history = n;
  if (n)
    self->history = g_memdup2 (counts, sizeof (guint) * N * N * n);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
