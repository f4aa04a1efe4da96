/* bl-chart.c: line charts drawn with cairo, one widget for every page.
 *
 * The chart keeps copies of its series and never computes training. Everything is drawn by
 * chart_draw(), from snapshot for the screen and from bl_chart_write_png() for export, so an
 * exported chart looks like the one on screen. Long series are reduced to the minimum and
 * maximum of each pixel column, which draws 10^6 points as fast as a few thousand.
 */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <math.h>

#include <string.h>

#include "bl-format.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-png.h"
#include "widgets/bl-text.h"

typedef struct {
  guint            id;
  char            *label;
  GdkRGBA          color;
  BlChartLineStyle style;
  guint            visible : 1;
  guint            in_legend : 1;
  GArray          *x;        /* double; empty means x = index */
  GArray          *y;        /* double */
} Series;

typedef struct {
  double value;
  double y;
  char  *label;
} Decoration;   /* hline: y; marker: value = x, y */

struct _BlChart {
  GtkWidget  parent_instance;

  GPtrArray *series;         /* Series* */
  guint      next_id;
  guint      next_color;
  char      *title;
  char      *x_label;
  char      *y_label;
  double     cursor_x;       /* NaN: none */
  double     y_fixed_min;
  double     y_fixed_max;
  GArray    *hlines;         /* Decoration */
  GArray    *markers;        /* Decoration */

  double     hover_x;        /* widget coordinates; NaN when the pointer is away */
  double     hover_y;
  double     drag_start_x;
  guint      describe_idle;
  GtkWidget *menu;           /* the context menu: log scale, export */
  double     font_px;        /* the widget's font, in pixels */
  char      *notice;         /* "Saved chart.png", over the chart for a few seconds */
  guint      notice_id;
  double     export_scale;   /* drawing for export: pixels per on-screen pixel */

  guint      log_y : 1;
  guint      log_x : 1;      /* x in decades too (ε from 1e-1 to 1e-12) */
  guint      projector_mode : 1;
  guint      x_whole : 1;    /* the x axis counts (epochs): no tick between two whole numbers */
};

G_DEFINE_FINAL_TYPE (BlChart, bl_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOG_Y,
  PROP_CURSOR_X,
  PROP_PROJECTOR_MODE,
  PROP_TITLE,
  N_PROPS
};

enum {
  SIGNAL_CURSOR_MOVED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------------------------
 * Geometry: the plot rectangle, the data ranges, the ticks and the legend's place, computed by
 * one function for drawing and for pointer handling. Margins are measured from the labels they
 * hold, so no tick label is cut at an edge, whatever the font.
 */

#define MAX_TICKS 48
#define TICK_SCALE 0.9     /* tick labels and the legend, relative to the font */
#define TITLE_SCALE 1.1
/* A legend entry: a short stroke of the curve's colour, then its label. */
#define LEGEND_STROKE_FROM 0.4
#define LEGEND_STROKE_TO 1.6
#define LEGEND_TEXT_AT 2.0
#define LEGEND_GAP 0.6      /* after an entry, in a row */

typedef struct {
  double v;            /* axis units (log10 y on a log axis) */
  double alpha;        /* grid line strength */
  char   label[48];    /* empty: a grid line without a label */
} Tick;

typedef enum { LEGEND_NONE, LEGEND_INSIDE, LEGEND_OUTSIDE, LEGEND_ABOVE } LegendPlace;

typedef struct {
  double left, top, width, height;   /* plot area in pixels */
  double x0, x1, y0, y1;             /* data range; y in log10 units when log, x when log_x */
  gboolean log;
  gboolean log_x;
  gboolean empty;
  double font_size;                  /* pixels: the widget's font */
  double line_scale;                 /* 2 in projector mode */
  Tick   xt[MAX_TICKS], yt[MAX_TICKS];
  guint  n_xt, n_yt;
  LegendPlace legend;
  double lx, ly, lw, lh, row_h;      /* the legend's box and line height */
  double title_size;                 /* the title's font, shrunk to fit the width */
  double tick_gap;                   /* the least distance between two y labels */
} Frame;

void
bl_chart_keep_freed_memory (void)
{
#ifdef M_TRIM_THRESHOLD
  mallopt (M_TRIM_THRESHOLD, 64 << 20);
#endif
}

static void
series_free (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_array_unref (s->x);
  g_array_unref (s->y);
  g_free (s);
}

static void
decoration_clear (gpointer data)
{
  Decoration *d = data;
  g_free (d->label);
}

static inline double
series_x (const Series *s, guint i)
{
  return s->x->len ? g_array_index (s->x, double, i) : (double) i;
}

static inline double
series_y (const Series *s, guint i)
{
  return g_array_index (s->y, double, i);
}

/* A y value in plot units, or NaN where it cannot be drawn (non-finite, or ≤ 0 on a log axis). */
static inline double
to_axis_y (const Frame *f, double y)
{
  if (!isfinite (y))
    return NAN;
  if (f->log)
    return y > 0 ? log10 (y) : NAN;
  return y;
}

/* An x value in plot units: log10 (x) on a log x axis (NaN for x ≤ 0 there). */
static inline double
to_axis_x (const Frame *f, double x)
{
  if (!isfinite (x))
    return NAN;
  if (f->log_x)
    return x > 0 ? log10 (x) : NAN;
  return x;
}

/* The pixel column of data value @x (ticks hold data values too). */
static inline double
px_of (const Frame *f, double x)
{
  return f->left + (to_axis_x (f, x) - f->x0) / (f->x1 - f->x0) * f->width;
}

static inline double
py_of (const Frame *f, double axis_y)
{
  return f->top + (1.0 - (axis_y - f->y0) / (f->y1 - f->y0)) * f->height;
}

/* The data value at pixel column @px, within the plot's range. */
static inline double
x_of_px (const Frame *f, double px)
{
  double ax = CLAMP (f->x0 + (px - f->left) / f->width * (f->x1 - f->x0), f->x0, f->x1);
  return f->log_x ? pow (10, ax) : ax;
}

/* 1, 2 or 5 times a power of ten, near range / target. */
static double
nice_step (double range, int target)
{
  double raw = range / MAX (1, target);
  double mag = pow (10, floor (log10 (raw)));
  double norm = raw / mag;

  if (norm < 1.5)
    return mag;
  if (norm < 3.5)
    return 2 * mag;
  if (norm < 7.5)
    return 5 * mag;
  return 10 * mag;
}

/* "⁻¹²": @n in superscript digits. */
static void
append_superscript (GString *s, int n)
{
  static const char *const digits[] = { "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹" };
  char buf[16];

  if (n < 0)
    g_string_append (s, "⁻");
  g_snprintf (buf, sizeof buf, "%d", ABS (n));
  for (const char *p = buf; *p; p++)
    g_string_append (s, digits[*p - '0']);
}

/* @m · 10^@e as a tick label: "10⁻⁴", "2·10⁻⁴" (@m 1 is left out). */
static void
format_power (char *buf, gsize size, double m, int e)
{
  GString *s = g_string_new (NULL);

  if (m != 1)
    g_string_append_printf (s, "%g·", m);
  g_string_append (s, "10");
  append_superscript (s, e);
  g_strlcpy (buf, s->str, size);
  g_string_free (s, TRUE);
}

/* One style per axis: values spaced by @step all with the decimals the step needs, or (for a
 * step below 10⁻⁴ or values of a million and more) all as a mantissa times a power of ten. A
 * whole number that counts (an iteration, an epoch) is grouped by thousands. */
static void
format_linear_tick (char *buf, gsize size, double v, double step, double max_abs)
{
  if (fabs (v) < step * 1e-9)
    v = 0;
  if (step < 1e-4 || max_abs >= 1e6)
    {
      int e = (int) floor (log10 (step));
      double m = v / pow (10, e);
      GString *s = g_string_new (NULL);
      if (v == 0)
        g_string_append (s, "0");
      else
        {
          g_string_append_printf (s, "%s%g·10", v < 0 ? "−" : "", fabs (round (m * 1e6) / 1e6));
          append_superscript (s, e);
        }
      g_strlcpy (buf, s->str, size);
      g_string_free (s, TRUE);
      return;
    }
  if (step >= 1 && v >= 0 && v == floor (v))
    {
      g_autofree char *count = bl_format_count ((guint64) v);
      g_strlcpy (buf, count, size);
      return;
    }
  {
    int decimals = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);
    char num[G_ASCII_DTOSTR_BUF_SIZE], fmt[16];
    g_snprintf (fmt, sizeof fmt, "%%.%df", CLAMP (decimals, 0, 8));
    g_ascii_formatd (num, sizeof num, fmt, fabs (v));
    g_snprintf (buf, size, "%s%s", v < 0 ? "−" : "", num);
  }
}

static void
add_tick (Tick *ticks, guint *n, double v, double alpha, const char *label)
{
  if (*n >= MAX_TICKS)
    return;
  ticks[*n].v = v;
  ticks[*n].alpha = alpha;
  g_strlcpy (ticks[*n].label, label ? label : "", sizeof ticks[*n].label);
  (*n)++;
}

static void
linear_ticks (Tick *ticks, guint *n, double a, double b, double step)
{
  double max_abs = MAX (fabs (a), fabs (b));
  char buf[48];

  *n = 0;
  for (double v = ceil (a / step) * step; v <= b + step * 1e-9 && *n < MAX_TICKS; v += step)
    {
      format_linear_tick (buf, sizeof buf, v, step, max_abs);
      add_tick (ticks, n, v, 0.12, buf);
    }
}

/* The closest two y ticks come on the plot, in pixels (the plot's height for fewer than two). */
static double
y_tick_gap (const Frame *f)
{
  double gap = f->height;
  for (guint i = 1; i < f->n_yt; i++)
    gap = MIN (gap, fabs (py_of (f, f->yt[i].v) - py_of (f, f->yt[i - 1].v)));
  return gap;
}

static void
y_ticks_for (Frame *f, int target, int decade_step, gboolean minor_allowed)
{
  f->n_yt = 0;
  if (f->log && f->y1 - f->y0 < 0.6)
    {
      /* Less than a factor of four in view: evenly spaced values, placed on the log axis. */
      double lo = pow (10, f->y0), hi = pow (10, f->y1), step = nice_step (hi - lo, target);
      Tick lin[MAX_TICKS];
      guint n = 0;
      linear_ticks (lin, &n, lo, hi, step);
      for (guint i = 0; i < n; i++)
        if (lin[i].v > 0)
          add_tick (f->yt, &f->n_yt, log10 (lin[i].v), 0.12, lin[i].label);
    }
  else if (f->log)
    {
      int d0 = (int) floor (f->y0), d1 = (int) ceil (f->y1);
      int step = MAX (decade_step, (d1 - d0 + 7) / 8);
      /* Less than two decades in view: 2 and 5 of each decade are labelled too. */
      static const double all[] = { 1, 2, 5 }, ones[] = { 1 };
      gboolean minor = minor_allowed && f->y1 - f->y0 < 2;
      const double *mult = minor ? all : ones;
      guint n_mult = minor ? 3 : 1;
      /* Plain decimals while every label is one (0.01 … 1000), powers of ten otherwise. */
      gboolean plain = d0 >= -2 && d1 <= 3;
      for (int d = d0; d <= d1; d += step)
        for (guint k = 0; k < n_mult; k++)
          {
            double v = mult[k] * pow (10, d), ay = log10 (v);
            char buf[48];
            if (ay < f->y0 - 1e-9 || ay > f->y1 + 1e-9)
              continue;
            if (plain)
              g_ascii_formatd (buf, sizeof buf, "%g", v);
            else if (d == 0)
              g_ascii_formatd (buf, sizeof buf, "%g", mult[k]);
            else
              format_power (buf, sizeof buf, mult[k], d);
            add_tick (f->yt, &f->n_yt, ay, k == 0 ? 0.12 : 0.07, buf);
          }
    }
  else
    linear_ticks (f->yt, &f->n_yt, f->y0, f->y1, nice_step (f->y1 - f->y0, target));
}

/* Up to five labelled values on the y axis, fewer when the plot is short: two labels never
 * come closer than @min_gap pixels (a label's height and a little air), so a short plot in
 * projector mode gets 0, 50, 100 rather than seven labels on top of each other. */
static void
y_ticks (Frame *f, double min_gap)
{
  for (int target = 5; target >= 2; target--)
    {
      y_ticks_for (f, target, 1, TRUE);
      if (y_tick_gap (f) >= min_gap)
        return;
    }
  if (f->log)
    for (int decade_step = 1; decade_step <= 8; decade_step *= 2)
      {
        y_ticks_for (f, 2, decade_step, FALSE);
        if (y_tick_gap (f) >= min_gap)
          return;
      }
  /* Still too close (a plot a label or two high): the ends only. */
  if (f->n_yt > 2)
    {
      f->yt[1] = f->yt[f->n_yt - 1];
      f->n_yt = 2;
      if (y_tick_gap (f) < min_gap)
        f->n_yt = 1;
    }
}

static void
x_ticks (BlChart *self, Frame *f)
{
  int target = MAX (2, (int) (f->width / (f->font_size * 7)));
  double step = nice_step (f->x1 - f->x0, target);

  if (f->log_x)
    {
      /* A grid line a decade, labelled as far apart as the labels need (values, as px_of
       * takes them). */
      int d0 = (int) ceil (f->x0 - 1e-9), d1 = (int) floor (f->x1 + 1e-9);
      int every = MAX (1, (d1 - d0 + target) / MAX (1, target));
      gboolean plain = d0 >= -2 && d1 <= 3;
      f->n_xt = 0;
      for (int d = d0; d <= d1; d++)
        {
          char buf[48] = "";
          if ((d - d0) % every == 0)
            {
              if (plain)
                g_ascii_formatd (buf, sizeof buf, "%g", pow (10, d));
              else
                format_power (buf, sizeof buf, 1, d);
            }
          add_tick (f->xt, &f->n_xt, pow (10, d), 0.12, buf);
        }
      return;
    }

  if (step < 1 && self->x_whole)
    step = 1;
  else if (step < 1 && self->series->len > 0)
    {
      /* Index axes count whole iterations or batches. */
      gboolean integral = TRUE;
      for (guint i = 0; i < self->series->len && integral; i++)
        integral = ((Series *) g_ptr_array_index (self->series, i))->x->len == 0;
      if (integral)
        step = 1;
    }
  linear_ticks (f->xt, &f->n_xt, f->x0, f->x1, step);
}

/* The data ranges of the visible series and the decorations. */
static void
data_ranges (BlChart *self, Frame *f)
{
  double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;

  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      if (!s->visible)
        continue;
      for (guint k = 0; k < s->y->len; k++)
        {
          double y = to_axis_y (f, series_y (s, k));
          double x = to_axis_x (f, series_x (s, k));
          if (isnan (y) || !isfinite (x))
            continue;
          xmin = MIN (xmin, x);
          xmax = MAX (xmax, x);
          ymin = MIN (ymin, y);
          ymax = MAX (ymax, y);
        }
    }
  for (guint i = 0; i < self->hlines->len; i++)
    {
      double y = to_axis_y (f, g_array_index (self->hlines, Decoration, i).y);
      if (!isnan (y))
        {
          ymin = MIN (ymin, y);
          ymax = MAX (ymax, y);
        }
    }

  f->empty = !(xmin <= xmax);
  if (f->empty)
    {
      xmin = 0;
      xmax = 1;
      ymin = f->log ? -3 : 0;
      ymax = f->log ? 0 : 1;
    }
  if (!isnan (self->y_fixed_min) && !isnan (self->y_fixed_max))
    {
      double a = to_axis_y (f, self->y_fixed_min), b = to_axis_y (f, self->y_fixed_max);
      if (!isnan (a) && !isnan (b) && a < b)
        {
          ymin = a;
          ymax = b;
        }
    }
  /* A flat series or a single point still gets a range to draw in. */
  if (xmax - xmin <= 0)
    {
      xmin -= 0.5;
      xmax += 0.5;
    }
  else if (f->log_x)
    {
      xmin = floor (xmin * 4) / 4;
      xmax = ceil (xmax * 4) / 4;
    }
  if (ymax - ymin <= 0)
    {
      double pad = f->log ? 0.5 : MAX (fabs (ymin) * 0.1, 1e-9);
      ymin -= pad;
      ymax += pad;
    }
  else if (!f->log)
    {
      double pad = (ymax - ymin) * 0.05;
      ymax += pad;
      if (ymin < 0 || ymin - pad >= 0)
        ymin -= pad;
      else
        ymin = 0;
    }
  else
    {
      ymin = floor (ymin * 4) / 4;
      ymax = ceil (ymax * 4) / 4;
    }
  f->x0 = xmin;
  f->x1 = xmax;
  f->y0 = ymin;
  f->y1 = ymax;
}

/* A reference line's label goes under the line when above it would leave the plot. */
static gboolean
hline_label_under (const Frame *f, double py)
{
  return py - f->font_size * TICK_SCALE * 1.3 < f->top;
}

/* How much of what is drawn a box at (x, y, w, h) would cover: curve points (sampled), and far
 * more for a marker or a reference line's label, which must stay readable. */
static double
coverage (BlChart *self, const Frame *f, double x, double y, double w, double h)
{
  double covered = 0, pad = f->font_size * 0.3;

  x -= pad;
  y -= pad;
  w += 2 * pad;
  h += 2 * pad;
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      guint stride = MAX (1, s->y->len / 1500);
      if (!s->visible)
        continue;
      for (guint k = 0; k < s->y->len; k += (k + stride < s->y->len || k == s->y->len - 1)
                                               ? stride : s->y->len - 1 - k)
        {
          double ay = to_axis_y (f, series_y (s, k)), px, py;
          if (isnan (ay))
            continue;
          px = px_of (f, series_x (s, k));
          py = py_of (f, ay);
          if (isnan (px))
            continue;
          if (px >= x && px <= x + w && py >= y && py <= y + h)
            covered += 1;
          if (k == s->y->len - 1)
            break;
        }
    }
  for (guint i = 0; i < self->markers->len; i++)
    {
      const Decoration *d = &g_array_index (self->markers, Decoration, i);
      double ay = to_axis_y (f, d->y), px, py;
      if (isnan (ay))
        continue;
      px = px_of (f, d->value);
      py = py_of (f, ay);
      /* The marker and the label under it. */
      if (px + f->font_size * 3 >= x && px - f->font_size * 3 <= x + w &&
          py + f->font_size * 2.5 >= y && py - f->font_size * 0.6 <= y + h)
        covered += 1000;
    }
  for (guint i = 0; i < self->hlines->len; i++)
    {
      double ay = to_axis_y (f, g_array_index (self->hlines, Decoration, i).y), py;
      if (isnan (ay))
        continue;
      py = py_of (f, ay);
      /* Its label sits at the left, just above the line (or under it). */
      if (hline_label_under (f, py))
        py += f->font_size * 1.4;
      if (x <= f->left + f->font_size * 8 && py >= y && py - f->font_size * 1.4 <= y + h)
        covered += 1000;
    }
  return covered;
}

/* The legend above the plot, its entries in rows as wide as the plot: how tall it is. */
static double
legend_above_height (BlChart *self, BlTextPainter *tp, const Frame *f)
{
  double x = 0, rows = 1, fs = f->font_size;

  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      int w;
      if (!s->in_legend || !s->label)
        continue;
      bl_text_measure (tp, fs * TICK_SCALE, FALSE, s->label, &w, NULL);
      if (x > 0 && x + w + fs * LEGEND_TEXT_AT > f->width)
        {
          rows++;
          x = 0;
        }
      x += w + fs * (LEGEND_TEXT_AT + LEGEND_GAP);
    }
  return rows * f->row_h + fs * 0.3;
}

/* Of the plot's corners (xs × ys), the one where the legend covers least, top right first
 * (where a falling curve rarely is): its coverage, the corner in *x, *y (untouched if none
 * is measured). */
static double
least_covered_corner (BlChart *self, const Frame *f, const double xs[2], const double ys[2],
                      double *x, double *y)
{
  static const int order[4][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 } };
  double best = INFINITY;

  for (guint i = 0; i < 4 && best > 0; i++)
    {
      double c = coverage (self, f, xs[order[i][0]], ys[order[i][1]], f->lw, f->lh);
      if (c < best)
        {
          best = c;
          *x = xs[order[i][0]];
          *y = ys[order[i][1]];
        }
    }
  return best;
}

/* The legend right of the plot, which gives up that width. */
static void
legend_beside (BlChart *self, Frame *f, int width, double fs)
{
  f->legend = LEGEND_OUTSIDE;
  f->width = MAX (1, width - f->left - f->lw - fs * 1.6);
  x_ticks (self, f);
  f->lx = f->left + f->width + fs * 0.8;
  f->ly = f->top;
}

/* The legend in rows @above high over the plot, which gives up that height. */
static void
legend_above (Frame *f, double above, double fs)
{
  f->legend = LEGEND_ABOVE;
  f->lx = f->left;
  f->ly = f->top - fs * 0.3;
  f->lh = above;
  f->top += above;
  f->height = MAX (1, f->height - above);
}

static void
compute_frame (BlChart *self, BlTextPainter *tp, int width, int height, Frame *f)
{
  double fs, tick = TICK_SCALE, y_label_w = 0, right, bottom_margin;
  guint n_legend = 0;
  int w, h;

  memset (f, 0, sizeof *f);
  fs = f->font_size = self->font_px;
  f->line_scale = self->projector_mode ? 2.0 : 1.0;
  f->log = self->log_y;
  f->log_x = self->log_x;
  data_ranges (self, f);

  /* The title, shrunk (down to 70 %) to the width it has. */
  f->title_size = fs * TITLE_SCALE;
  if (self->title)
    {
      bl_text_measure (tp, f->title_size, TRUE, self->title, &w, NULL);
      if (w > width - fs)
        f->title_size *= MAX (0.7, (width - fs) / (double) w);
    }

  f->top = self->title ? f->title_size * 1.4 + fs * 0.9 : fs * 0.9;
  bl_text_measure (tp, fs * tick, FALSE, "0", NULL, &h);
  f->tick_gap = h * 1.15;
  bottom_margin = fs * 0.4 + h + fs * 0.3 + fs * 1.35 + fs * 0.3;
  f->height = MAX (1, height - f->top - bottom_margin);

  /* Left: the rotated axis label, then the widest tick label. */
  y_ticks (f, f->tick_gap);
  for (guint i = 0; i < f->n_yt; i++)
    {
      bl_text_measure (tp, fs * tick, FALSE, f->yt[i].label, &w, NULL);
      y_label_w = MAX (y_label_w, w);
    }
  f->left = fs * 0.3 + fs * 1.3 + y_label_w + fs * 0.6;

  /* The legend's box. */
  f->row_h = fs * 1.45;
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      if (!s->in_legend || !s->label)
        continue;
      bl_text_measure (tp, fs * tick, FALSE, s->label, &w, NULL);
      f->lw = MAX (f->lw, w + fs * (LEGEND_TEXT_AT + 0.5));
      n_legend++;
    }
  f->lh = n_legend * f->row_h + fs * 0.6;

  /* Right: room for half the last x label, centred on its tick at the plot's edge. */
  right = fs * 1.0;
  for (int pass = 0; pass < 2; pass++)
    {
      f->width = MAX (1, width - f->left - right);
      x_ticks (self, f);
      if (f->n_xt > 0)
        {
          bl_text_measure (tp, fs * tick, FALSE, f->xt[f->n_xt - 1].label, &w, NULL);
          right = MAX (right, w / 2.0 + fs * 0.3 - (f->width - (px_of (f, f->xt[f->n_xt - 1].v)
                                                                - f->left)));
        }
    }

  /* The legend goes in the corner of the plot where it covers nothing; else beside the plot
   * if the plot keeps most of the width, or above it in rows if the plot keeps most of the
   * height; else in the corner where it covers least. */
  f->legend = LEGEND_NONE;
  if (n_legend > 0)
    {
      double m = fs * 0.6, best = INFINITY, bx = 0, by = 0, above;
      double xs[2] = { f->left + f->width - f->lw - m, f->left + m };
      double ys[2] = { f->top + m, f->top + f->height - f->lh - m };
      /* A corner only if the legend fits in the plot with room around it: a legend taller
       * than the plot would run over the title or off the chart. */
      gboolean fits_inside = f->lw + 2 * m <= f->width && f->lh + 2 * m <= f->height;
      if (fits_inside)
        best = least_covered_corner (self, f, xs, ys, &bx, &by);
      above = legend_above_height (self, tp, f);
      gboolean fits_beside = f->top + f->lh <= height;
      if (best > 0 && fits_beside && width - f->left - f->lw - fs * 1.6 >= 0.55 * width)
        {
          legend_beside (self, f, width, fs);
        }
      else if (best > 0 && f->height - above >= 0.6 * f->height)
        {
          legend_above (f, above, fs);
        }
      else if (fits_inside)
        {
          f->legend = LEGEND_INSIDE;
          f->lx = bx;
          f->ly = by;
        }
      else
        {
          /* Nowhere it is comfortable (a small chart in large type): beside the plot if that
           * leaves the plot a third of the width, else above it; the plot shrinks, the legend
           * is never cut nor laid over the curves. */
          if (fits_beside && width - f->left - f->lw - fs * 1.6 >= width / 3.0)
            {
              legend_beside (self, f, width, fs);
            }
          else if (f->height - above < 3 * f->tick_gap && f->lh + 2 * m > f->height)
            {
              /* No place leaves a plot to read (a chart a few lines high in large type):
               * no legend; the curves keep their colours, and hovering names them. */
              f->legend = LEGEND_NONE;
            }
          else if (f->height - above >= 3 * f->tick_gap)
            {
              legend_above (f, above, fs);
            }
          else
            {
              /* Above would leave a plot too short to read: in the plot after all, in the
               * corner where it covers least (it fits there: see fits_inside's height). */
              f->legend = LEGEND_INSIDE;
              f->lx = f->left + f->width - f->lw - fs * 0.6;
              f->ly = f->top + fs * 0.6;
              least_covered_corner (self, f, xs, ys, &f->lx, &f->ly);
            }
        }
      if (f->legend == LEGEND_ABOVE)
        y_ticks (f, f->tick_gap);   /* a shorter plot: perhaps fewer labels */
    }
}

/* The data index of @s nearest to @x, or -1 for an empty series. */
static gint64
nearest_index (const Series *s, double x)
{
  guint n = s->y->len;

  if (n == 0)
    return -1;
  if (s->x->len == 0)
    return CLAMP ((gint64) llround (x), 0, (gint64) n - 1);
  /* x is expected ascending: binary search, then pick the closer neighbour. */
  {
    guint lo = 0, hi = n - 1;
    while (lo < hi)
      {
        guint mid = lo + (hi - lo) / 2;
        if (series_x (s, mid) < x)
          lo = mid + 1;
        else
          hi = mid;
      }
    if (lo > 0 && fabs (series_x (s, lo - 1) - x) <= fabs (series_x (s, lo) - x))
      lo--;
    return lo;
  }
}

/* The data x nearest to @x among the visible series (for snapping). */
static double
snap_x (BlChart *self, double x)
{
  double best = x, best_d = INFINITY;

  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      gint64 k;
      if (!s->visible || (k = nearest_index (s, x)) < 0)
        continue;
      if (fabs (series_x (s, k) - x) < best_d)
        {
          best_d = fabs (series_x (s, k) - x);
          best = series_x (s, k);
        }
    }
  return best;
}

/* The frame for the widget as it is on screen (pointer handling). */
static void
screen_frame (BlChart *self, Frame *f)
{
  BlTextPainter tp;

  bl_text_painter_init_for_context (&tp, gtk_widget_get_pango_context (GTK_WIDGET (self)));
  compute_frame (self, &tp, gtk_widget_get_width (GTK_WIDGET (self)),
                 gtk_widget_get_height (GTK_WIDGET (self)), f);
  bl_text_painter_clear (&tp);
}

/* ------------------------------------------------------------------------------------------
 * Drawing
 */

static void
set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
draw_series_path (cairo_t *cr, const Frame *f, const Series *s)
{
  gboolean pen_down = FALSE;
  gint64 col = G_MININT64;
  double first = 0, last = 0, lo = 0, hi = 0;
  guint n = s->y->len;

  /* Per pixel column: enter at the first value, span min..max, leave at the last. */
  for (guint i = 0; i <= n; i++)
    {
      double x = 0, ay = NAN;
      gint64 c = G_MAXINT64;

      if (i < n)
        {
          x = series_x (s, i);
          ay = to_axis_y (f, series_y (s, i));
          if (isnan (to_axis_x (f, x)))
            x = NAN;   /* x ≤ 0 on a log axis: a gap, as a non-finite value is */
          c = isfinite (x) ? (gint64) floor (px_of (f, x)) : G_MAXINT64;
        }
      if (col != G_MININT64 && (c != col || isnan (ay)))
        {
          double px = col + 0.5;
          double py_first = py_of (f, first), py_last = py_of (f, last);
          double span = fabs (py_of (f, hi) - py_of (f, lo));
          if (!pen_down)
            cairo_move_to (cr, px, py_first);
          else if (span >= 1.0)
            cairo_line_to (cr, px, py_first);
          /* Within a pixel the column is one point; only a real spread becomes a bar. */
          if (span >= 1.0)
            {
              cairo_line_to (cr, px, py_of (f, lo));
              cairo_line_to (cr, px, py_of (f, hi));
            }
          cairo_line_to (cr, px, py_last);
          pen_down = TRUE;
          col = G_MININT64;
        }
      if (i == n)
        break;
      if (isnan (ay) || !isfinite (x))
        {
          pen_down = FALSE;   /* a gap: the line ends here */
          continue;
        }
      if (col == G_MININT64)
        {
          col = c;
          first = lo = hi = last = ay;
        }
      else
        {
          lo = MIN (lo, ay);
          hi = MAX (hi, ay);
          last = ay;
        }
    }
}

static void
draw_points (cairo_t *cr, const Frame *f, const Series *s, double r)
{
  /* Markers only where they stay apart; dense series are lines. */
  if (s->y->len == 0 || s->y->len > f->width / (3 * r))
    return;
  for (guint i = 0; i < s->y->len; i++)
    {
      double ay = to_axis_y (f, series_y (s, i));
      if (isnan (ay) || isnan (to_axis_x (f, series_x (s, i))))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px_of (f, series_x (s, i)), py_of (f, ay), r, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

/* A box behind text: the background (or the inverse of @fg) nearly opaque, a thin border. */
static void
draw_box (cairo_t *cr, const GdkRGBA *fg, const GdkRGBA *bg, double x, double y, double w,
          double h, double alpha)
{
  if (bg)
    set_rgba (cr, bg, alpha);
  else
    cairo_set_source_rgba (cr, 1 - fg->red, 1 - fg->green, 1 - fg->blue, alpha);
  cairo_rectangle (cr, x, y, w, h);
  cairo_fill_preserve (cr);
  set_rgba (cr, fg, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static void
chart_draw (BlChart *self, cairo_t *cr, int width, int height, const GdkRGBA *fg,
            const GdkRGBA *bg)
{
  Frame f;
  BlTextPainter tp;
  double fs, ts, ls;
  char buf[64];

  if (width <= 0 || height <= 0)
    return;
  bl_text_painter_init (&tp, cr);
  compute_frame (self, &tp, width, height, &f);
  fs = f.font_size;
  ts = fs * TICK_SCALE;
  ls = f.line_scale;

  if (bg)
    {
      set_rgba (cr, bg, 1);
      cairo_paint (cr);
    }

  if (self->title)
    {
      int tw;
      bl_text_measure (&tp, f.title_size, TRUE, self->title, &tw, NULL);
      set_rgba (cr, fg, 1);
      /* Over the plot; moved left as far as it must to stay whole. */
      bl_text_draw (&tp, f.title_size, TRUE, self->title,
                    MAX (fs * 0.5, MIN (f.left, width - tw - fs * 0.5)), fs * 0.5, 0, 0);
    }

  /* Grid and tick labels. */
  cairo_set_line_width (cr, 1);
  for (guint i = 0; i < f.n_yt; i++)
    {
      double py = floor (py_of (&f, f.yt[i].v)) + 0.5;
      set_rgba (cr, fg, f.yt[i].alpha);
      cairo_move_to (cr, f.left, py);
      cairo_line_to (cr, f.left + f.width, py);
      cairo_stroke (cr);
      set_rgba (cr, fg, 0.85);
      bl_text_draw (&tp, ts, FALSE, f.yt[i].label, f.left - fs * 0.5, py, 1, 0.5);
    }
  for (guint i = 0; i < f.n_xt; i++)
    {
      double px = floor (px_of (&f, f.xt[i].v)) + 0.5;
      set_rgba (cr, fg, f.xt[i].alpha);
      cairo_move_to (cr, px, f.top);
      cairo_line_to (cr, px, f.top + f.height);
      cairo_stroke (cr);
      set_rgba (cr, fg, 0.85);
      bl_text_draw (&tp, ts, FALSE, f.xt[i].label, px, f.top + f.height + fs * 0.4, 0.5, 0);
    }

  /* Frame and axis labels. */
  set_rgba (cr, fg, 0.6);
  cairo_set_line_width (cr, ls);
  cairo_rectangle (cr, floor (f.left) + 0.5, floor (f.top) + 0.5, floor (f.width),
                   floor (f.height));
  cairo_stroke (cr);
  set_rgba (cr, fg, 1);
  if (self->x_label)
    bl_text_draw (&tp, fs, FALSE, self->x_label, f.left + f.width / 2, height - fs * 0.3, 0.5, 1);
  if (self->y_label)
    {
      g_autofree char *label = g_strdup_printf ("%s%s", self->y_label,
                                                f.log ? _(" (log scale)") : "");
      cairo_save (cr);
      cairo_translate (cr, fs * 0.3, f.top + f.height / 2);
      cairo_rotate (cr, -G_PI / 2);
      bl_text_draw (&tp, fs, FALSE, label, 0, 0, 0.5, 0);
      cairo_restore (cr);
    }

  if (f.empty)
    {
      set_rgba (cr, fg, 0.7);
      bl_text_draw (&tp, fs, FALSE, _("No data yet"), f.left + f.width / 2, f.top + f.height / 2,
                    0.5, 0.5);
    }

  cairo_save (cr);
  cairo_rectangle (cr, f.left, f.top, f.width, f.height);
  cairo_clip (cr);

  /* Horizontal reference lines (e.g. the accuracy target). */
  for (guint i = 0; i < self->hlines->len; i++)
    {
      const Decoration *d = &g_array_index (self->hlines, Decoration, i);
      double ay = to_axis_y (&f, d->y);
      double dash[] = { 4 * ls, 4 * ls };
      if (isnan (ay))
        continue;
      set_rgba (cr, fg, 0.75);
      cairo_set_line_width (cr, 1.5 * ls);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, f.left, floor (py_of (&f, ay)) + 0.5);
      cairo_line_to (cr, f.left + f.width, floor (py_of (&f, ay)) + 0.5);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (d->label)
        {
          /* Above the line, or under it when the line runs along the plot's top. */
          gboolean under = hline_label_under (&f, py_of (&f, ay));
          bl_text_draw (&tp, ts, FALSE, d->label, f.left + fs * 0.5,
                        py_of (&f, ay) + (under ? 3 : -2), 0, under ? 0 : 1);
        }
    }

  /* Series: faint ones first so the solid curves stay on top. */
  /* Bevel joins: round ones cost an arc per vertex, and a dense curve has thousands. */
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->series->len; i++)
      {
        const Series *s = g_ptr_array_index (self->series, i);
        double dash[] = { 7 * ls, 4 * ls };
        if (!s->visible || (pass == 0) != (s->style == BL_CHART_LINE_FAINT))
          continue;
        cairo_new_path (cr);
        draw_series_path (cr, &f, s);
        switch (s->style)
          {
          case BL_CHART_LINE_FAINT:
            set_rgba (cr, &s->color, 0.35);
            cairo_set_line_width (cr, 1 * ls);
            break;
          case BL_CHART_LINE_DASHED:
            set_rgba (cr, &s->color, 1);
            cairo_set_line_width (cr, 2 * ls);
            cairo_set_dash (cr, dash, 2, 0);
            break;
          case BL_CHART_LINE_SOLID:
          case BL_CHART_LINE_POINTS:
          default:
            set_rgba (cr, &s->color, 1);
            cairo_set_line_width (cr, 2 * ls);
            break;
          }
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        if (s->style == BL_CHART_LINE_POINTS)
          {
            set_rgba (cr, &s->color, 1);
            draw_points (cr, &f, s, 3 * ls);
          }
      }

  /* The shared cursor: one vertical line, a dot on each curve. */
  if (isfinite (to_axis_x (&f, self->cursor_x)) && to_axis_x (&f, self->cursor_x) >= f.x0 &&
      to_axis_x (&f, self->cursor_x) <= f.x1)
    {
      double px = floor (px_of (&f, self->cursor_x)) + 0.5;
      set_rgba (cr, fg, 0.75);
      cairo_set_line_width (cr, 1.5 * ls);
      cairo_move_to (cr, px, f.top);
      cairo_line_to (cr, px, f.top + f.height);
      cairo_stroke (cr);
      for (guint i = 0; i < self->series->len; i++)
        {
          const Series *s = g_ptr_array_index (self->series, i);
          gint64 k;
          double ay;
          if (!s->visible || s->style == BL_CHART_LINE_FAINT ||
              (k = nearest_index (s, self->cursor_x)) < 0)
            continue;
          ay = to_axis_y (&f, series_y (s, k));
          if (isnan (ay) || isnan (to_axis_x (&f, series_x (s, k))))
            continue;
          set_rgba (cr, &s->color, 1);
          cairo_arc (cr, px_of (&f, series_x (s, k)), py_of (&f, ay), 4 * ls, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  cairo_restore (cr);

  /* Markers (e.g. the best epoch), their labels kept inside the plot: under the point, or
   * over it at the bottom. */
  for (guint i = 0; i < self->markers->len; i++)
    {
      const Decoration *d = &g_array_index (self->markers, Decoration, i);
      double ay = to_axis_y (&f, d->y), px, py;
      if (isnan (ay) || isnan (to_axis_x (&f, d->value)))
        continue;
      px = px_of (&f, d->value);
      py = py_of (&f, ay);
      set_rgba (cr, fg, 1);
      cairo_set_line_width (cr, 2 * ls);
      cairo_arc (cr, px, py, 6 * ls, 0, 2 * G_PI);
      cairo_stroke (cr);
      if (d->label)
        {
          int w, h;
          double lx, ly;
          bl_text_measure (&tp, ts, TRUE, d->label, &w, &h);
          lx = CLAMP (px - w / 2.0, f.left + 2, f.left + f.width - w - 2);
          ly = py + 8 * ls;
          if (ly + h > f.top + f.height - 2)
            ly = py - 8 * ls - h;
          bl_text_draw (&tp, ts, TRUE, d->label, lx, ly, 0, 0);
        }
    }

  /* Legend: a column in its box, or rows above the plot. */
  if (f.legend != LEGEND_NONE)
    {
      double x = f.lx, y = f.ly;
      if (f.legend == LEGEND_INSIDE)
        draw_box (cr, fg, bg, x, y, f.lw, f.lh, 0.88);
      if (f.legend != LEGEND_ABOVE)
        y += fs * 0.3;
      for (guint i = 0; i < self->series->len; i++)
        {
          const Series *s = g_ptr_array_index (self->series, i);
          int w;
          if (!s->in_legend || !s->label)
            continue;
          bl_text_measure (&tp, ts, FALSE, s->label, &w, NULL);
          if (f.legend == LEGEND_ABOVE && x > f.lx && x + w + fs * LEGEND_TEXT_AT > f.lx + f.width)
            {
              x = f.lx;
              y += f.row_h;
            }
          set_rgba (cr, &s->color, s->visible ? 1 : 0.3);
          cairo_set_line_width (cr, 3 * ls);
          cairo_move_to (cr, x + fs * LEGEND_STROKE_FROM, y + f.row_h / 2);
          cairo_line_to (cr, x + fs * LEGEND_STROKE_TO, y + f.row_h / 2);
          cairo_stroke (cr);
          set_rgba (cr, fg, s->visible ? 1 : 0.5);
          bl_text_draw (&tp, ts, FALSE, s->label, x + fs * LEGEND_TEXT_AT, y + f.row_h / 2, 0,
                        0.5);
          if (f.legend == LEGEND_ABOVE)
            x += w + fs * (LEGEND_TEXT_AT + LEGEND_GAP);
          else
            y += f.row_h;
        }
    }

  /* Hover readout: the x under the pointer and each curve's value there. */
  if (isfinite (self->hover_x) && !f.empty && self->hover_x >= f.left &&
      self->hover_x <= f.left + f.width && self->hover_y >= f.top &&
      self->hover_y <= f.top + f.height)
    {
      double x = snap_x (self, x_of_px (&f, self->hover_x));
      GString *text = g_string_new (NULL);
      int w, h;
      double bx, by;

      if (x >= 0 && x == floor (x) && x < 1e15)
        {
          g_autofree char *count = bl_format_count ((guint64) x);
          g_string_append_printf (text, "%s %s", self->x_label ? self->x_label : "x", count);
        }
      else
        g_string_append_printf (text, "%s %s", self->x_label ? self->x_label : "x",
                                g_ascii_formatd (buf, sizeof buf, "%.6g", x));
      for (guint i = 0; i < self->series->len; i++)
        {
          const Series *s = g_ptr_array_index (self->series, i);
          gint64 k;
          if (!s->visible || !s->in_legend || (k = nearest_index (s, x)) < 0)
            continue;
          g_string_append_printf (text, "\n%s: %s", s->label ? s->label : "",
                                  g_ascii_formatd (buf, sizeof buf, "%.6g", series_y (s, k)));
        }
      bl_text_measure (&tp, ts, FALSE, text->str, &w, &h);
      bx = self->hover_x + 12;
      by = self->hover_y + 12;
      if (bx + w + 12 > width)
        bx = self->hover_x - w - 20;
      if (by + h + 8 > height)
        by = self->hover_y - h - 16;
      bx = MAX (bx, 0);
      by = MAX (by, 0);
      draw_box (cr, fg, NULL, bx, by, w + 12, h + 8, 0.94);
      set_rgba (cr, fg, 1);
      bl_text_draw (&tp, ts, FALSE, text->str, bx + 6, by + 4, 0, 0);
      g_string_free (text, TRUE);
    }

  /* What the chart's menu just did (on screen only). */
  if (self->notice && bg == NULL)
    {
      int w, h;
      bl_text_measure (&tp, ts, TRUE, self->notice, &w, &h);
      draw_box (cr, fg, NULL, fs * 0.3, height - h - fs * 0.8, w + fs * 0.8, h + fs * 0.5, 0.95);
      set_rgba (cr, fg, 1);
      bl_text_draw (&tp, ts, TRUE, self->notice, fs * 0.7, height - fs * 0.55, 0, 1);
    }

  bl_text_painter_clear (&tp);
}

/* The widget's font: the theme's, larger in projector mode (window.projector in style.css). */
static void
update_font (BlChart *self)
{
  self->font_px = bl_text_font_px (gtk_widget_get_pango_context (GTK_WIDGET (self)));
}

static void
widget_colors (BlChart *self, GdkRGBA *fg)
{
  /* GTK 4.8 has no gtk_widget_get_color (4.10): read the CSS colour via the style context. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
bl_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlChart *self = BL_CHART (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  widget_colors (self, &fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  chart_draw (self, cr, width, height, &fg, NULL);
  cairo_destroy (cr);
}

static void
bl_chart_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bl_chart_parent_class)->css_changed (widget, change);
  update_font (BL_CHART (widget));
}

/* A few lines of text high and a few labels wide at least, in the widget's font: nine lines
 * (180 px in projector mode's 20 px) let the MNIST page's stacked charts fit 1024x600. */
static void
bl_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                  int *natural, int *minimum_baseline, int *natural_baseline)
{
  BlChart *self = BL_CHART (widget);

  update_font (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) ceil (self->font_px * 16);
      *natural = (int) ceil (self->font_px * 40);
    }
  else
    {
      *minimum = (int) ceil (self->font_px * 9);
      *natural = (int) ceil (self->font_px * 24);
    }
}

/* ------------------------------------------------------------------------------------------
 * Accessibility
 */

char *
bl_chart_describe (BlChart *self)
{
  GString *s;
  guint described = 0;

  g_return_val_if_fail (BL_IS_CHART (self), NULL);

  s = g_string_new (self->title ? self->title : _("Chart"));
  g_string_append (s, ". ");
  for (guint i = 0; i < self->series->len; i++)
    {
      const Series *ser = g_ptr_array_index (self->series, i);
      gint64 first = -1, last = -1;
      double a, b;

      if (!ser->visible || !ser->in_legend)
        continue;
      for (guint k = 0; k < ser->y->len; k++)
        if (isfinite (series_y (ser, k)))
          {
            if (first < 0)
              first = k;
            last = k;
          }
      if (first < 0)
        continue;
      a = series_y (ser, first);
      b = series_y (ser, last);
      /* Translators: "E_total falls from 0.243 to 0.0085 over 68 epoch at η = 2" */
      g_string_append_printf (s, _("%s %s from %.3g to %.3g over %.6g %s at %s. "),
                              self->y_label ? self->y_label : _("The value"),
                              b < a ? _("falls") : b > a ? _("rises") : _("stays"),
                              a, b, series_x (ser, last) - series_x (ser, first),
                              self->x_label ? self->x_label : "x",
                              ser->label ? ser->label : "");
      described++;
    }
  if (described == 0)
    g_string_append (s, _("No data yet."));
  if (isfinite (self->cursor_x))
    g_string_append_printf (s, _("Cursor at %s %.6g."), self->x_label ? self->x_label : "x",
                            self->cursor_x);
  return g_string_free (s, FALSE);
}

static gboolean
update_accessible_cb (gpointer data)
{
  BlChart *self = data;
  g_autofree char *desc = bl_chart_describe (self);

  self->describe_idle = 0;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  self->title ? self->title : _("Chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc,
                                  -1);
  return G_SOURCE_REMOVE;
}

/* Data changed: redraw now, refresh the accessible text soon (coalesced). */
static void
data_changed (BlChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (self->describe_idle == 0)
    self->describe_idle = g_timeout_add_full (G_PRIORITY_LOW, 250, update_accessible_cb, self,
                                              NULL);
}

/* ------------------------------------------------------------------------------------------
 * Input: click or drag moves the cursor, arrows step it, motion shows the readout.
 */

static void
move_cursor_to_px (BlChart *self, double px)
{
  Frame f;
  double x;

  screen_frame (self, &f);
  if (f.empty)
    return;
  x = snap_x (self, x_of_px (&f, px));
  bl_chart_set_cursor_x (self, x);
  g_signal_emit (self, signals[SIGNAL_CURSOR_MOVED], 0, x);
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlChart *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  move_cursor_to_px (self, x);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, BlChart *self)
{
  self->drag_start_x = x;
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, BlChart *self)
{
  move_cursor_to_px (self, self->drag_start_x + dx);
}

static void
motion_cb (GtkEventControllerMotion *motion, double x, double y, BlChart *self)
{
  self->hover_x = x;
  self->hover_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion, BlChart *self)
{
  self->hover_x = NAN;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
key_pressed_cb (GtkEventControllerKey *key, guint keyval, guint keycode, GdkModifierType state,
                BlChart *self)
{
  int dir = 0;
  double x = self->cursor_x;
  const Series *ref = NULL;
  gint64 k;

  if (keyval == GDK_KEY_Left || keyval == GDK_KEY_KP_Left)
    dir = -1;
  else if (keyval == GDK_KEY_Right || keyval == GDK_KEY_KP_Right)
    dir = 1;
  else
    return FALSE;

  for (guint i = 0; i < self->series->len && ref == NULL; i++)
    {
      const Series *s = g_ptr_array_index (self->series, i);
      if (s->visible && s->y->len > 0)
        ref = s;
    }
  if (ref == NULL)
    return FALSE;
  if (!isfinite (x))
    x = series_x (ref, 0);
  k = nearest_index (ref, x) + dir;
  k = CLAMP (k, 0, (gint64) ref->y->len - 1);
  x = series_x (ref, k);
  bl_chart_set_cursor_x (self, x);
  g_signal_emit (self, signals[SIGNAL_CURSOR_MOVED], 0, x);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * Context menu: the scale and export, on every chart (right click, Menu key or Shift+F10)
 */

static void
popup_menu_at (BlChart *self, double x, double y)
{
  if (self->menu == NULL)
    {
      g_autoptr(GMenu) model = g_menu_new ();
      g_menu_append (model, _("_Logarithmic Scale"), "chart.log-y");
      g_menu_append (model, _("_Export as PNG…"), "chart.export-png");
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (model));
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
secondary_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlChart *self)
{
  popup_menu_at (self, x, y);
}

static void
action_menu (GtkWidget *widget, const char *name, GVariant *param)
{
  popup_menu_at (BL_CHART (widget), gtk_widget_get_width (widget) / 2.0,
                 gtk_widget_get_height (widget) / 2.0);
}

static cairo_surface_t *render_image (BlChart *self, int width, int height, double scale);

/* The PNG is drawn on the main thread (the chart's own data, a few milliseconds) and encoded
 * and written by a worker that owns the image and the path, never the chart. */
typedef struct {
  cairo_surface_t *surface;
  char            *path;
} PngJob;

static void
png_job_free (gpointer data)
{
  PngJob *job = data;
  cairo_surface_destroy (job->surface);
  g_free (job->path);
  g_free (job);
}

static void
png_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PngJob *job = data;
  GError *error = NULL;

  if (bl_write_png (job->surface, job->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
hide_notice_cb (gpointer data)
{
  BlChart *self = data;

  self->notice_id = 0;
  g_clear_pointer (&self->notice, g_free);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

/* A line drawn over the chart for a few seconds: what its menu just did. */
static void
show_notice (BlChart *self, const char *text)
{
  g_clear_handle_id (&self->notice_id, g_source_remove);
  g_free (self->notice);
  self->notice = g_strdup (text);
  self->notice_id = g_timeout_add_seconds (6, hide_notice_cb, self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
png_written_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GWeakRef *ref = data;
  g_autoptr(BlChart) self = g_weak_ref_get (ref);
  PngJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_filename_display_basename (job->path);

  g_weak_ref_clear (ref);
  g_free (ref);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self)
        {
          g_autofree char *text = g_strdup_printf (_("Saved “%s”"), name);
          show_notice (self, text);
        }
      return;
    }
  {
    GtkRoot *root = self ? gtk_widget_get_root (GTK_WIDGET (self)) : NULL;
    GtkWidget *msg = gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                             GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                             GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
                                             _("The chart could not be saved"));
    gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (msg), "%s", error->message);
    g_signal_connect (msg, "response", G_CALLBACK (gtk_window_destroy), NULL);
    gtk_window_present (GTK_WINDOW (msg));
  }
}

static void
export_response_cb (GtkNativeDialog *dialog, int response, BlChart *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (file);
      int w = MAX (gtk_widget_get_width (GTK_WIDGET (self)), 400);
      int h = MAX (gtk_widget_get_height (GTK_WIDGET (self)), 300);

      if (path)
        {
          GWeakRef *ref = g_new0 (GWeakRef, 1);
          g_autoptr(GTask) task = NULL;
          PngJob *job = g_new0 (PngJob, 1);

          g_weak_ref_init (ref, self);
          task = g_task_new (NULL, NULL, png_written_cb, ref);
          /* Twice the size on screen: sharp on a slide or a handout. */
          job->surface = render_image (self, 2 * w, 2 * h, 2.0);
          job->path = g_steal_pointer (&path);
          g_task_set_task_data (task, job, png_job_free);
          g_task_run_in_thread (task, png_thread);
        }
    }
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
action_export_png (GtkWidget *widget, const char *name, GVariant *param)
{
  BlChart *self = BL_CHART (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autofree char *file_name = NULL;

  chooser = gtk_file_chooser_native_new (_("Export the chart as PNG"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  file_name = g_strdup_printf ("%s.png", self->title ? self->title : "chart");
  g_strdelimit (file_name, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), file_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ------------------------------------------------------------------------------------------
 * GObject
 */

static void
bl_chart_dispose (GObject *object)
{
  BlChart *self = BL_CHART (object);

  g_clear_handle_id (&self->describe_idle, g_source_remove);
  g_clear_handle_id (&self->notice_id, g_source_remove);
  g_clear_pointer (&self->notice, g_free);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (bl_chart_parent_class)->dispose (object);
}

static void
bl_chart_finalize (GObject *object)
{
  BlChart *self = BL_CHART (object);

  g_ptr_array_unref (self->series);
  g_array_unref (self->hlines);
  g_array_unref (self->markers);
  g_free (self->title);
  g_free (self->x_label);
  g_free (self->y_label);
  G_OBJECT_CLASS (bl_chart_parent_class)->finalize (object);
}

static void
bl_chart_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BlChart *self = BL_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_Y:
      g_value_set_boolean (value, self->log_y);
      break;
    case PROP_CURSOR_X:
      g_value_set_double (value, self->cursor_x);
      break;
    case PROP_PROJECTOR_MODE:
      g_value_set_boolean (value, self->projector_mode);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bl_chart_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BlChart *self = BL_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_Y:
      bl_chart_set_log_y (self, g_value_get_boolean (value));
      break;
    case PROP_CURSOR_X:
      bl_chart_set_cursor_x (self, g_value_get_double (value));
      break;
    case PROP_PROJECTOR_MODE:
      bl_chart_set_projector_mode (self, g_value_get_boolean (value));
      break;
    case PROP_TITLE:
      bl_chart_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bl_chart_class_init (BlChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_chart_dispose;
  object_class->finalize = bl_chart_finalize;
  object_class->get_property = bl_chart_get_property;
  object_class->set_property = bl_chart_set_property;
  widget_class->snapshot = bl_chart_snapshot;
  widget_class->measure = bl_chart_measure;
  widget_class->css_changed = bl_chart_css_changed;

  properties[PROP_LOG_Y] =
    g_param_spec_boolean ("log-y", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURSOR_X] =
    g_param_spec_double ("cursor-x", NULL, NULL, -INFINITY, INFINITY, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROJECTOR_MODE] =
    g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CURSOR_MOVED] =
    g_signal_new ("cursor-moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);

  gtk_widget_class_install_property_action (widget_class, "chart.log-y", "log-y");
  gtk_widget_class_install_action (widget_class, "chart.export-png", NULL, action_export_png);
  gtk_widget_class_install_action (widget_class, "chart.menu", NULL, action_menu);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "chart.menu",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "chart.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, 0, "chart.log-y", NULL);
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_chart_init (BlChart *self)
{
  GtkGesture *click, *drag;
  GtkEventController *motion, *key;

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->hlines = g_array_new (FALSE, FALSE, sizeof (Decoration));
  self->markers = g_array_new (FALSE, FALSE, sizeof (Decoration));
  g_array_set_clear_func (self->hlines, decoration_clear);
  g_array_set_clear_func (self->markers, decoration_clear);
  self->next_id = 1;
  self->cursor_x = NAN;
  self->hover_x = self->hover_y = NAN;
  self->y_fixed_min = self->y_fixed_max = NAN;
  self->font_px = 14;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (secondary_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}

/* ------------------------------------------------------------------------------------------
 * Public API
 */

GtkWidget *
bl_chart_new (void)
{
  return g_object_new (BL_TYPE_CHART, NULL);
}

static void
replace_string (char **field, const char *value)
{
  g_free (*field);
  *field = g_strdup (value);
}

void
bl_chart_set_title (BlChart *self, const char *title)
{
  g_return_if_fail (BL_IS_CHART (self));
  if (g_strcmp0 (self->title, title) == 0)
    return;
  replace_string (&self->title, title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  data_changed (self);
}

void
bl_chart_set_x_label (BlChart *self, const char *label)
{
  g_return_if_fail (BL_IS_CHART (self));
  replace_string (&self->x_label, label);
  data_changed (self);
}

void
bl_chart_set_x_whole_numbers (BlChart *self, gboolean whole)
{
  g_return_if_fail (BL_IS_CHART (self));
  self->x_whole = !!whole;
  data_changed (self);
}

void
bl_chart_set_y_label (BlChart *self, const char *label)
{
  g_return_if_fail (BL_IS_CHART (self));
  replace_string (&self->y_label, label);
  data_changed (self);
}

void
bl_chart_set_log_y (BlChart *self, gboolean log_y)
{
  g_return_if_fail (BL_IS_CHART (self));
  log_y = !!log_y;
  if (self->log_y == (guint) log_y)
    return;
  self->log_y = log_y;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_Y]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
bl_chart_get_log_y (BlChart *self)
{
  g_return_val_if_fail (BL_IS_CHART (self), FALSE);
  return self->log_y;
}

void
bl_chart_set_log_x (BlChart *self, gboolean log_x)
{
  g_return_if_fail (BL_IS_CHART (self));
  if (self->log_x == (guint) !!log_x)
    return;
  self->log_x = !!log_x;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
bl_chart_get_log_x (BlChart *self)
{
  g_return_val_if_fail (BL_IS_CHART (self), FALSE);
  return self->log_x;
}

void
bl_chart_set_projector_mode (BlChart *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_CHART (self));
  projector_mode = !!projector_mode;
  if (self->projector_mode == (guint) projector_mode)
    return;
  self->projector_mode = projector_mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECTOR_MODE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_chart_set_cursor_x (BlChart *self, double x)
{
  g_return_if_fail (BL_IS_CHART (self));
  if (self->cursor_x == x || (isnan (self->cursor_x) && isnan (x)))
    return;
  self->cursor_x = x;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR_X]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
bl_chart_get_cursor_x (BlChart *self)
{
  g_return_val_if_fail (BL_IS_CHART (self), NAN);
  return self->cursor_x;
}

void
bl_chart_set_y_range (BlChart *self, double min, double max)
{
  g_return_if_fail (BL_IS_CHART (self));
  self->y_fixed_min = min;
  self->y_fixed_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static Series *
find_series (BlChart *self, guint id)
{
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      if (s->id == id)
        return s;
    }
  return NULL;
}

guint
bl_chart_add_series (BlChart *self, const char *label, const GdkRGBA *color,
                     BlChartLineStyle style)
{
  Series *s;

  g_return_val_if_fail (BL_IS_CHART (self), 0);

  s = g_new0 (Series, 1);
  s->id = self->next_id++;
  s->label = g_strdup (label);
  if (color)
    s->color = *color;
  else
    bl_palette_color (self->next_color++, &s->color);
  s->style = style;
  s->visible = TRUE;
  s->in_legend = TRUE;
  s->x = g_array_new (FALSE, FALSE, sizeof (double));
  s->y = g_array_new (FALSE, FALSE, sizeof (double));
  g_ptr_array_add (self->series, s);
  data_changed (self);
  return s->id;
}

void
bl_chart_remove_series (BlChart *self, guint id)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self));
  if ((s = find_series (self, id)) != NULL)
    {
      g_ptr_array_remove (self->series, s);
      data_changed (self);
    }
}

void
bl_chart_clear (BlChart *self)
{
  g_return_if_fail (BL_IS_CHART (self));
  g_ptr_array_set_size (self->series, 0);
  self->next_color = 0;
  bl_chart_clear_decorations (self);
  data_changed (self);
}

void
bl_chart_series_set_data (BlChart *self, guint id, const double *x, const double *y, guint n)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self));
  g_return_if_fail (y != NULL || n == 0);
  if ((s = find_series (self, id)) == NULL)
    {
      g_critical ("%s: no series %u", G_STRFUNC, id);
      return;
    }
  g_array_set_size (s->x, 0);
  g_array_set_size (s->y, 0);
  if (x)
    g_array_append_vals (s->x, x, n);
  g_array_append_vals (s->y, y, n);
  data_changed (self);
}

void
bl_chart_series_append (BlChart *self, guint id, double x, double y)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self));
  if ((s = find_series (self, id)) == NULL)
    {
      g_critical ("%s: no series %u", G_STRFUNC, id);
      return;
    }
  /* x stays implicit (the index) while it continues the index; otherwise it is stored. */
  if (s->x->len == 0 && x != (double) s->y->len)
    for (guint i = 0; i < s->y->len; i++)
      {
        double xi = i;
        g_array_append_val (s->x, xi);
      }
  if (s->x->len > 0 || x != (double) s->y->len)
    g_array_append_val (s->x, x);
  g_array_append_val (s->y, y);
  data_changed (self);
}

void
bl_chart_series_set_visible (BlChart *self, guint id, gboolean visible)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self));
  if ((s = find_series (self, id)) != NULL && s->visible != (guint) !!visible)
    {
      s->visible = !!visible;
      data_changed (self);
    }
}

void
bl_chart_series_set_label (BlChart *self, guint id, const char *label)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self));
  if ((s = find_series (self, id)) != NULL)
    {
      replace_string (&s->label, label);
      data_changed (self);
    }
}

void
bl_chart_series_set_color (BlChart *self, guint id, const GdkRGBA *color)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self) && color != NULL);
  if ((s = find_series (self, id)) != NULL)
    {
      s->color = *color;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

void
bl_chart_series_move (BlChart *self, guint id, guint position)
{
  Series *s;
  guint at;

  g_return_if_fail (BL_IS_CHART (self));
  if ((s = find_series (self, id)) == NULL || !g_ptr_array_find (self->series, s, &at))
    return;
  g_ptr_array_steal_index (self->series, at);
  g_ptr_array_insert (self->series, MIN (position, self->series->len), s);
  data_changed (self);
}

void
bl_chart_series_set_in_legend (BlChart *self, guint id, gboolean in_legend)
{
  Series *s;

  g_return_if_fail (BL_IS_CHART (self));
  if ((s = find_series (self, id)) != NULL)
    {
      s->in_legend = !!in_legend;
      data_changed (self);
    }
}

void
bl_chart_add_hline (BlChart *self, double y, const char *label)
{
  Decoration d = { 0, y, g_strdup (label) };

  g_return_if_fail (BL_IS_CHART (self));
  g_array_append_val (self->hlines, d);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_chart_add_marker (BlChart *self, double x, double y, const char *label)
{
  Decoration d = { x, y, g_strdup (label) };

  g_return_if_fail (BL_IS_CHART (self));
  g_array_append_val (self->markers, d);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_chart_clear_decorations (BlChart *self)
{
  g_return_if_fail (BL_IS_CHART (self));
  g_array_set_size (self->hlines, 0);
  g_array_set_size (self->markers, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Exports are dark on white, whatever the theme. */
static const GdkRGBA export_fg = { 0.1f, 0.1f, 0.12f, 1 }, export_bg = { 1, 1, 1, 1 };

void
bl_chart_render (BlChart *self, cairo_t *cr, int width, int height)
{
  g_return_if_fail (BL_IS_CHART (self));
  update_font (self);
  chart_draw (self, cr, width, height, &export_fg, &export_bg);
}

/* The on-screen look of an 800 × 500 chart, scaled up to fill a larger picture, so the text
 * keeps its proportion on a slide or a handout. */
static double
export_scale_for (int width, int height)
{
  return MAX (1.0, MIN (width / 800.0, height / 500.0));
}

/* Without the pointer readout, at @scale pixels per on-screen pixel. */
static cairo_surface_t *
render_image (BlChart *self, int width, int height, double scale)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  double saved_hover = self->hover_x;

  self->hover_x = NAN;
  update_font (self);
  cairo_scale (cr, scale, scale);
  chart_draw (self, cr, (int) floor (width / scale), (int) floor (height / scale), &export_fg,
              &export_bg);
  self->hover_x = saved_hover;
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

cairo_surface_t *
bl_chart_render_image (BlChart *self, int width, int height)
{
  g_return_val_if_fail (BL_IS_CHART (self), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  return render_image (self, width, height, export_scale_for (width, height));
}

static gboolean
write_png_scaled (BlChart *self, const char *path, int width, int height, double scale,
                  GError **error)
{
  cairo_surface_t *surface;
  gboolean ok;

  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("An image must be between 1 and 16384 pixels wide and high."));
      return FALSE;
    }
  surface = render_image (self, width, height, scale);
  ok = bl_write_png (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

gboolean
bl_chart_write_png (BlChart *self, const char *path, int width, int height, GError **error)
{
  g_return_val_if_fail (BL_IS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  return write_png_scaled (self, path, width, height, export_scale_for (width, height), error);
}

guint
bl_chart_get_n_series (BlChart *self)
{
  g_return_val_if_fail (BL_IS_CHART (self), 0);
  return self->series->len;
}

gboolean
bl_chart_get_series_color (BlChart *self, guint index, GdkRGBA *color)
{
  const Series *s;

  g_return_val_if_fail (BL_IS_CHART (self), FALSE);
  g_return_val_if_fail (index < self->series->len, FALSE);
  s = g_ptr_array_index (self->series, index);
  if (color)
    *color = s->color;
  return s->visible && s->y->len > 0;
}
