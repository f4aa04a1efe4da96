/* bl-network-view.c: the 2-2-2 network of one ledger row, drawn with cairo.
 *
 * Everything is laid out by one function (compute_layout), for drawing and for hit-testing, so
 * a click lands on what is drawn. Text takes the widget's CSS font (larger in projector mode),
 * made smaller only when the widget is too small to hold the diagram at that size. The weight
 * labels are placed one by one where they overlap nothing already placed (nodes, their texts,
 * other labels), so crossing edges keep their labels apart at any size. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "bl-format.h"
#include "widgets/bl-network-view.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-png.h"
#include "widgets/bl-text.h"

struct _BlNetworkView {
  GtkWidget   parent_instance;

  BlToyParams params;
  BlToyRow    row;
  gboolean    has_state;
  BlToyColumn highlight;
  guint       paths_from;     /* 1: h1, 2: h2, 0: no paths shown */
  gboolean    show_backward;  /* δ at the nodes, ∂E/∂w on the edges */
  BlToyUnit   focus_unit;     /* a step of the walk through: its unit and edges */
  BlToyColumn focus_edges[2];
  gboolean    gradients_focus_only;   /* layout state: see compute_layout */
  GdkRGBA     path_color[2];
  char       *caption;
  double      font_px;        /* the widget's CSS font */
  guint       projector_mode : 1;
};

G_DEFINE_FINAL_TYPE (BlNetworkView, bl_network_view, GTK_TYPE_WIDGET)

enum { SIGNAL_COLUMN_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { PROP_0, PROP_PROJECTOR_MODE, N_PROPS };
static GParamSpec *properties[N_PROPS];

typedef enum { NODE_I1, NODE_I2, NODE_H1, NODE_H2, NODE_O1, NODE_O2, NODE_B1, NODE_B2, N_NODES }
  NodeId;

/* The diagram's size in units of its font f: what it needs to hold everything. */
#define EMS_WIDE 31.0
#define EMS_HIGH 15.5
#define EMS_HIGH_BIASES 18.6
#define EMS_BACKWARD 1.2  /* the δs under the bottom units (without biases) */
#define EMS_BACKWARD_BETWEEN 0.4  /* the δs under the top units, over the bottom ones' texts */
#define EMS_CAPTION 1.6   /* the caption's line, the first thing to go when space is short */
#define LABEL_SCALE 0.9   /* weight labels and the texts around nodes */
#define NODE_SCALE 0.85   /* the texts in the units: the smallest the diagram draws */
/* A label over a text (one beside a unit, another label's): far worse than over the rim of a
 * unit, which hides nothing the class reads; over the text in a unit, worse than anything. */
#define TEXT_COST 1e3
#define UNIT_TEXT_COST 1e6
/* The smallest text shrinks to this share of the widget's CSS font and no further while the
 * widget has the room (the page's panes give it that at 1024×600 and up). Projector mode's 15 pt (about 19.7 px here)
 * gives 14 px, as legible from the back row; the desktop's 10 pt about 9.5 px. */
#define MIN_TEXT_SHARE (BL_TEXT_MIN_SHARE + 0.02)   /* a little over: rounding never goes under */

typedef struct {
  double x, y, w, h;
} Box;

typedef struct {
  double x[N_NODES], y[N_NODES];
  double r;                 /* node radius (the bias units' too) */
  double font;              /* pixels */
  gboolean has_caption;     /* room for the caption's line */
  double overlap;           /* area of the weight labels over one another, the units, texts */
  double line_scale;
  Box    chip[8];           /* the weight labels w1..w8 */
  char   chip_text[8][112];
  Box    unit_text[N_NODES];  /* the texts in the units (name over value) */
  Box    caption, legend, total;
} Layout;

/* Edge k (w1..w8) runs from edge_from[k] to edge_to[k]: h1 = w1·i1 + w2·i2, … */
static const NodeId edge_from[8] = { NODE_I1, NODE_I2, NODE_I1, NODE_I2,
                                     NODE_H1, NODE_H2, NODE_H1, NODE_H2 };
static const NodeId edge_to[8] = { NODE_H1, NODE_H1, NODE_H2, NODE_H2,
                                   NODE_O1, NODE_O1, NODE_O2, NODE_O2 };
static const BlToyColumn edge_col[8] = { BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3,
                                         BL_TOY_COL_W4, BL_TOY_COL_W5, BL_TOY_COL_W6,
                                         BL_TOY_COL_W7, BL_TOY_COL_W8 };
/* What a click on a node selects. */
static const BlToyColumn node_col[N_NODES] = { BL_TOY_COL_I1, BL_TOY_COL_I2, BL_TOY_COL_A_H1,
                                               BL_TOY_COL_A_H2, BL_TOY_COL_A_O1,
                                               BL_TOY_COL_A_O2, BL_TOY_COL_B1, BL_TOY_COL_B2 };

static const char *
number (char *buf, BlToyColumn col, double v)
{
  return bl_format_number (buf, bl_format_column_kind_brief (col), v);
}

/* The text in unit @n: its name over its value ("o2" over "0.7514"). */
static void
unit_text (BlNetworkView *self, NodeId n, char *out, gsize size)
{
  static const char *names[N_NODES] = { "i1", "i2", "h1", "h2", "o1", "o2", "b1", "b2" };
  static const BlToyColumn cols[N_NODES] = { BL_TOY_COL_I1, BL_TOY_COL_I2, BL_TOY_COL_H1,
                                             BL_TOY_COL_H2, BL_TOY_COL_O1, BL_TOY_COL_O2,
                                             BL_TOY_COL_B1, BL_TOY_COL_B2 };
  char v[BL_FORMAT_NUMBER_SIZE];

  g_snprintf (out, size, "%s\n%s", names[n], number (v, cols[n], self->row.v[cols[n]]));
}

static double
overlap (const Box *a, const Box *b)
{
  double w = MIN (a->x + a->w, b->x + b->w) - MAX (a->x, b->x);
  double h = MIN (a->y + a->h, b->y + b->h) - MAX (a->y, b->y);
  return w > 0 && h > 0 ? w * h : 0;
}

/* How much of box @a lies in the circle inscribed in box @c (sampled on a grid). */
static double
circle_overlap (const Box *a, const Box *c)
{
  double cx = c->x + c->w / 2, cy = c->y + c->h / 2, r = c->w / 2, hits = 0;
  const int n = 8;

  double d;

  if (overlap (a, c) == 0)
    return 0;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        double x = a->x + (i + 0.5) * a->w / n, y = a->y + (j + 0.5) * a->h / n;
        hits += hypot (x - cx, y - cy) < r;
      }
  /* A corner that reaches into the circle between the samples counts too, by its depth. */
  d = hypot (CLAMP (cx, a->x, a->x + a->w) - cx, CLAMP (cy, a->y, a->y + a->h) - cy);
  return MAX (hits * a->w * a->h / (n * n), d < r ? (r - d) * MIN (a->w, a->h) : 0);
}

static Box
text_box (BlTextPainter *tp, double size, gboolean bold, const char *text, double x, double y,
          double ax, double ay)
{
  int w, h;
  bl_text_measure (tp, size, bold, text, &w, &h);
  return (Box) { x - ax * w, y - ay * h, w, h };
}

/* The texts around the nodes: each activation over its node, the targets and errors beside
 * the outputs; their boxes and texts, for drawing and for keeping labels clear of them. */
/* Six texts, and with the backward pass four more: each δ under its unit. */
#define N_NODE_TEXTS 10

static void
node_texts (BlNetworkView *self, BlTextPainter *tp, const Layout *l, Box *boxes,
            char texts[N_NODE_TEXTS][128])
{
  char v[BL_FORMAT_NUMBER_SIZE], e[BL_FORMAT_NUMBER_SIZE];
  double fs = l->font * LABEL_SCALE;

  for (guint j = 0; j < 2; j++)
    {
      NodeId hn = j == 0 ? NODE_H1 : NODE_H2, on = j == 0 ? NODE_O1 : NODE_O2;
      BlToyColumn t = j == 0 ? BL_TOY_COL_T1 : BL_TOY_COL_T2;
      BlToyColumn ec = j == 0 ? BL_TOY_COL_E1 : BL_TOY_COL_E2;
      BlToyColumn ah = j == 0 ? BL_TOY_COL_A_H1 : BL_TOY_COL_A_H2;
      BlToyColumn ao = j == 0 ? BL_TOY_COL_A_O1 : BL_TOY_COL_A_O2;
      char *a = texts[3 * j], *b = texts[3 * j + 1], *c = texts[3 * j + 2];

      g_snprintf (a, 128, "a_h%u = %s", j + 1, number (v, ah, self->row.v[ah]));
      boxes[3 * j] = text_box (tp, fs, FALSE, a, l->x[hn], l->y[hn] - l->r - l->font * 0.2,
                               0.5, 1);
      g_snprintf (b, 128, "a_o%u = %s", j + 1, number (v, ao, self->row.v[ao]));
      boxes[3 * j + 1] = text_box (tp, fs, FALSE, b, l->x[on], l->y[on] - l->r - l->font * 0.2,
                                   0.5, 1);
      g_snprintf (c, 128, "t%u = %s\nE%u = %s", j + 1, number (v, t, self->row.v[t]), j + 1,
                  number (e, ec, self->row.v[ec]));
      boxes[3 * j + 2] = text_box (tp, fs, FALSE, c, l->x[on] + l->r + l->font * 0.4, l->y[on],
                                   0, 0.5);
      /* The backward pass: δ under the unit (an empty box without it). */
      for (guint layer = 0; layer < 2; layer++)
        {
          NodeId n = layer == 0 ? hn : on;
          char *d = texts[6 + 2 * j + layer];
          BlToyDelta delta = layer == 0 ? (j == 0 ? BL_TOY_DELTA_H1 : BL_TOY_DELTA_H2)
                                        : (j == 0 ? BL_TOY_DELTA_O1 : BL_TOY_DELTA_O2);
          if (self->show_backward)
            {
              g_snprintf (d, 128, "δ%c%u = %s", layer == 0 ? 'h' : 'o', j + 1,
                          bl_format_number (e, BL_NUMBER_SCIENTIFIC, self->row.d[delta]));
              boxes[6 + 2 * j + layer] = text_box (tp, fs, FALSE, d, l->x[n],
                                                   l->y[n] + l->r + l->font * 0.15, 0.5, 0);
            }
          else
            {
              d[0] = '\0';
              boxes[6 + 2 * j + layer] = (Box) { l->x[n], l->y[n], 0, 0 };
            }
        }
    }
}

/* The diagram's height in units of its font. */
static double
ems_high (BlNetworkView *self, gboolean caption)
{
  double ems = self->params.has_biases ? EMS_HIGH_BIASES : EMS_HIGH;

  if (self->show_backward)
    ems += (self->params.has_biases ? 0 : EMS_BACKWARD) + EMS_BACKWARD_BETWEEN;
  return ems - (caption ? 0 : EMS_CAPTION);
}

/* Weight label @k's text in its form @form, widest first: "w1 = 0.1500", or "w1" over its
 * value; with the gradient (walking through), "w1 = 0.1500" over "∂E/∂w1 = 1.8826e-04", then
 * with "∂E/∂w1 =" and the gradient on lines of their own, then each name over its value (as
 * narrow as a label without the gradient: walking through needs no wider a diagram). A label
 * takes the first form that fits between the units (or a narrower one that finds a clearer
 * place); the narrowest sets how wide the diagram must be (ems_wide). FALSE: no such form. */
#define N_CHIP_FORMS 3

static gboolean
format_chip (char *out, gsize size, guint k, guint form, const char *value,
             const char *gradient)
{
  switch (gradient ? form : form + N_CHIP_FORMS)
    {
    case 0:
      g_snprintf (out, size, "w%u = %s\n∂E/∂w%u = %s", k + 1, value, k + 1, gradient);
      return TRUE;
    case 1:
      g_snprintf (out, size, "w%u = %s\n∂E/∂w%u =\n%s", k + 1, value, k + 1, gradient);
      return TRUE;
    case 2:
      g_snprintf (out, size, "w%u\n%s\n∂E/∂w%u\n%s", k + 1, value, k + 1, gradient);
      return TRUE;
    case N_CHIP_FORMS:
      g_snprintf (out, size, "w%u = %s", k + 1, value);
      return TRUE;
    case N_CHIP_FORMS + 1:
      g_snprintf (out, size, "w%u\n%s", k + 1, value);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean highlighted (BlNetworkView *self, BlToyColumn col);

/* Walking through, weight label @k carries its gradient too: every one while they all find a
 * place, else only those of the step shown (the ledger has them all). */
static gboolean
shows_gradient (BlNetworkView *self, guint k)
{
  return self->show_backward && (!self->gradients_focus_only || highlighted (self, edge_col[k]));
}

/* Weight label @k's form @form with the row's numbers (format_chip). */
static gboolean
chip_text (BlNetworkView *self, guint k, guint form, char *out, gsize size)
{
  char v[BL_FORMAT_NUMBER_SIZE], e[BL_FORMAT_NUMBER_SIZE];

  number (v, edge_col[k], self->row.v[edge_col[k]]);
  if (shows_gradient (self, k))
    bl_format_number (e, BL_NUMBER_SCIENTIFIC, self->row.v[bl_toy_param_gradient (edge_col[k])]);
  return format_chip (out, size, k, form, v, shows_gradient (self, k) ? e : NULL);
}

/* The diagram's width in units of its font: two gaps between the columns of units wide
 * enough for the widest weight label in its narrowest form (format_chip), the targets and
 * errors right of the outputs; measured in the widget's font. */
static double
ems_wide (BlNetworkView *self, BlTextPainter *tp)
{
  double f = self->font_px, chip = 0, wide;
  char buf[112], v[BL_FORMAT_NUMBER_SIZE], e[BL_FORMAT_NUMBER_SIZE];
  guint form = N_CHIP_FORMS;
  int w;

  /* The widest numbers the formats write (not the ones shown: the size stays put as they
   * change). */
  while (!format_chip (buf, sizeof buf, 7, --form,
                       bl_format_widest (bl_format_column_kind_brief (BL_TOY_COL_W8)),
                       self->show_backward ? bl_format_widest (BL_NUMBER_SCIENTIFIC) : NULL))
    ;
  bl_text_measure (tp, f * LABEL_SCALE, TRUE, buf, &w, NULL);
  chip = w / f;
  g_snprintf (v, sizeof v, "E1 = %s", bl_format_number (e, BL_NUMBER_SCIENTIFIC, -0.12345));
  bl_text_measure (tp, f * LABEL_SCALE, FALSE, v, &w, NULL);
  /* margin, input, gap, hidden, gap, output, its texts, margin */
  wide = 0.5 + 1.8 + 2 * (1.8 + chip + 0.8 + 1.8) + 1.8 + 0.4 + w / f + 0.5;
  return MAX (EMS_WIDE, wide);
}

/* The font unit below which the smallest text would be less than MIN_TEXT_SHARE of the CSS
 * font. */
static double
floor_font (BlNetworkView *self)
{
  return self->font_px * MIN_TEXT_SHARE / NODE_SCALE;
}

static void
compute_layout_at (BlNetworkView *self, BlTextPainter *tp, int width, int height, double f,
                   gboolean caption, double wide, Layout *l)
{
  gboolean biases = self->params.has_biases;
  double margin, x_in, x_out, y_top, y_bot, bottom;
  Box taken[48];
  guint n_taken = 0, n_nodes, n_unit_texts;
  char v[BL_FORMAT_NUMBER_SIZE], e[BL_FORMAT_NUMBER_SIZE];
  int tw;

  l->font = f;
  l->has_caption = caption;
  l->overlap = 0;
  l->line_scale = self->projector_mode ? 1.6 : 1.0;
  l->r = f * 1.8;
  margin = f * 0.5;

  /* Rows: the caption (when there is room), the texts over the top nodes, the nodes, then the
   * bias nodes and the legend line at the bottom. */
  l->caption = (Box) { margin, margin, width - 2 * margin, caption ? f * 1.4 : 0 };
  bottom = height - margin - f * 1.5;                       /* the legend line */
  l->legend = (Box) { margin, bottom, width / 2.0, f * 1.5 };
  y_top = margin + (caption ? f * EMS_CAPTION : 0) + f * 1.4 + l->r;
  y_bot = bottom - (biases ? f * 3.8 : f * 0.6) - l->r;
  if (self->show_backward && !biases)
    y_bot -= f * EMS_BACKWARD;   /* the δs under the bottom units */
  y_bot = MAX (y_bot, y_top + 2 * l->r + f * 1.6);

  /* Columns: inputs at the left, outputs leaving room for their targets and errors. */
  g_snprintf (v, sizeof v, "E1 = %s", bl_format_number (e, BL_NUMBER_SCIENTIFIC, -0.12345));
  bl_text_measure (tp, f * LABEL_SCALE, FALSE, v, &tw, NULL);
  x_in = margin + l->r;
  /* As wide as the widest label needs (ems_wide), wider when there is room. */
  x_out = MAX (x_in + (wide - 0.5 - 1.8 - 1.8 - 0.4 - 0.5) * f - tw,
               width - margin - tw - f * 0.4 - l->r);
  l->x[NODE_I1] = l->x[NODE_I2] = x_in;
  l->x[NODE_H1] = l->x[NODE_H2] = (x_in + x_out) / 2;
  l->x[NODE_O1] = l->x[NODE_O2] = x_out;
  l->y[NODE_I1] = l->y[NODE_H1] = l->y[NODE_O1] = y_top;
  l->y[NODE_I2] = l->y[NODE_H2] = l->y[NODE_O2] = y_bot;
  l->x[NODE_B1] = (x_in + l->x[NODE_H1]) / 2;
  l->x[NODE_B2] = (l->x[NODE_H1] + x_out) / 2;
  l->y[NODE_B1] = l->y[NODE_B2] = y_bot + l->r + f * 1.7;

  {
    char buf[96];
    g_snprintf (buf, sizeof buf, "E_total = %s",
                bl_format_number (v, BL_NUMBER_SCIENTIFIC, self->row.v[BL_TOY_COL_E_TOTAL]));
    l->total = text_box (tp, f, TRUE, buf, width - margin, bottom + f * 0.75, 1, 0.5);
  }

  /* What the weight labels must keep clear of: the nodes (the first n_nodes boxes, circles
   * in fact), the texts around them, the loss. */
  for (NodeId n = 0; n < N_NODES; n++)
    if (n < NODE_B1 || biases)
      taken[n_taken++] = (Box) { l->x[n] - l->r, l->y[n] - l->r, 2 * l->r, 2 * l->r };
  n_nodes = n_taken;
  /* The texts in the units: no label may cover them, whatever else it must overlap. */
  for (NodeId n = 0; n < N_NODES; n++)
    {
      char text[64];
      unit_text (self, n, text, sizeof text);
      l->unit_text[n] = text_box (tp, f * NODE_SCALE, FALSE, text, l->x[n], l->y[n], 0.5, 0.5);
      if (n < NODE_B1 || biases)
        taken[n_taken++] = l->unit_text[n];
    }
  n_unit_texts = n_taken;
  {
    char texts[N_NODE_TEXTS][128];
    node_texts (self, tp, l, taken + n_taken, texts);
    n_taken += N_NODE_TEXTS;
  }
  taken[n_taken++] = l->total;
  taken[n_taken++] = l->legend;
  if (caption)
    taken[n_taken++] = (Box) { l->caption.x, l->caption.y, width / 2.0, l->caption.h };

  /* Horizontal edges first (their labels sit on the line, between the nodes), then the
   * crossing ones, each at the first place along its edge that overlaps nothing placed. A label
   * too wide for the gap between two nodes takes a narrower form (format_chip). */
  {
    static const guint order[8] = { 0, 3, 4, 7, 1, 2, 5, 6 };
    static const double ts[] = { 0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72, 0.22, 0.78,
                                 0.16, 0.84 };
    double gap = l->x[NODE_H1] - x_in - 2 * l->r - f * 0.3;
    for (guint o = 0; o < 8; o++)
      {
        guint k = order[o];
        double x0 = l->x[edge_from[k]], y0 = l->y[edge_from[k]];
        double x1 = l->x[edge_to[k]], y1 = l->y[edge_to[k]];
        double best = INFINITY;
        char text[112], next[112];

        /* The widest form that fits between the units; a narrower one where it does not, or
         * where the narrower label finds a clearer place; the narrowest in any case. */
        for (guint form = 0; form < N_CHIP_FORMS && best >= 1; form++)
          {
            gboolean narrowest;
            int bw, bh;

            if (!chip_text (self, k, form, text, sizeof text))
              break;
            narrowest = !chip_text (self, k, form + 1, next, sizeof next);
            bl_text_measure (tp, f * LABEL_SCALE, TRUE, text, &bw, &bh);
            if (!narrowest && bw + f * 0.6 > gap)
              continue;
            bw += f * 0.6;
            bh += f * 0.2;
            for (guint i = 0; i < G_N_ELEMENTS (ts); i++)
              for (int side = 0; side < 3; side++)
                {
                  /* On the line, or just above or below it (a horizontal edge), or moved to
                   * its left or right with the line still through it (a crossing one). */
                  double sign = side == 0 ? 0 : (side == 1 ? -1 : 1);
                  double dy = y0 == y1 ? sign * (bh / 2 + l->line_scale * 3) : 0;
                  double dx = y0 == y1 ? 0 : sign * bw * 0.3;
                  Box b;
                  double cost = 0;
                  b = (Box) { x0 + ts[i] * (x1 - x0) + dx - bw / 2,
                              y0 + ts[i] * (y1 - y0) + dy - bh / 2, bw, bh };
                  for (guint t = 0; t < n_taken; t++)
                    cost += t < n_nodes ? circle_overlap (&b, &taken[t])
                            : overlap (&b, &taken[t]) * (t < n_unit_texts ? UNIT_TEXT_COST
                                                                          : TEXT_COST);
                  if (b.x < 0 || b.x + b.w > width || b.y < 0 || b.y + b.h > height)
                    cost += bw * bh;
                  /* ties: the middle, on the line, on one line */
                  cost += 1e-3 * i + 1e-4 * side + 1e-2 * form;
                  if (cost < best)
                    {
                      best = cost;
                      l->chip[k] = b;
                      g_strlcpy (l->chip_text[k], text, sizeof l->chip_text[k]);
                    }
                }
          }
        if (best >= 1)
          l->overlap += best;
        if (n_taken < G_N_ELEMENTS (taken))
          taken[n_taken++] = l->chip[k];
      }
  }
}

/* The layout at the largest font unit that fits the widget, up to the CSS font: with the
 * caption's line while that costs little, without it when the height is short. Then smaller,
 * step by step, while any weight label cannot find a place clear of the units, their texts
 * and the other labels, down to the floor (floor_font: the page's panes make room
 * for it); below the floor only when the widget is given less (a narrow pane, a small PNG). */
static void
compute_layout (BlNetworkView *self, BlTextPainter *tp, int width, int height, Layout *l)
{
  double wide = ems_wide (self, tp);
  double with = MIN (self->font_px, MIN (width / wide, height / ems_high (self, TRUE)));
  double without = MIN (self->font_px, MIN (width / wide, height / ems_high (self, FALSE)));
  /* The caption's line while it costs little, and never the text's legibility. */
  gboolean caption = self->caption && with >= 0.92 * without &&
                     (with >= floor_font (self) || with >= without);
  double f0 = MAX (4.0, caption ? with : without), f = f0;
  double floor = MIN (f, floor_font (self));

  self->gradients_focus_only = FALSE;
  for (;;)
    {
      compute_layout_at (self, tp, width, height, f, caption, wide, l);
      if (l->overlap == 0)
        break;
      if (f <= floor)
        {
          /* Walking through, with every label in two lines and no place left for them at
           * the legible floor (a 1024×600 or 1280×720 projector): the gradients on the step's
           * own edges only, the text back at full size. */
          if (!self->show_backward || self->gradients_focus_only)
            break;
          self->gradients_focus_only = TRUE;
          f = f0;
          continue;
        }
      f = MAX (floor, f * 0.95);
    }
}

static void
set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

/* Okabe–Ito: blue for positive, vermillion for negative, apart for every colour vision; on a
 * dark background the sky blue, which keeps its contrast there. */
static void
sign_color (double v, const GdkRGBA *fg, GdkRGBA *out)
{
  gboolean dark = fg->red + fg->green + fg->blue > 1.5;
  bl_palette_color (v >= 0 ? (dark ? 4 : 0) : 5, out);
}

static gboolean
highlighted (BlNetworkView *self, BlToyColumn col)
{
  if (self->highlight == col)
    return TRUE;
  if (col != BL_TOY_N_COLS && (self->focus_edges[0] == col || self->focus_edges[1] == col))
    return TRUE;
  /* A gradient column highlights the weight it belongs to. */
  return bl_toy_column_is_gradient (self->highlight) && bl_toy_column_is_param (col) &&
         bl_toy_param_gradient (col) == self->highlight;
}

static gboolean
node_highlighted (BlNetworkView *self, NodeId n)
{
  static const BlToyUnit unit_of[N_NODES] = { BL_TOY_UNIT_I1, BL_TOY_UNIT_I2, BL_TOY_UNIT_H1,
                                              BL_TOY_UNIT_H2, BL_TOY_UNIT_O1, BL_TOY_UNIT_O2,
                                              BL_TOY_UNIT_B1, BL_TOY_UNIT_B2 };

  if (self->focus_unit != BL_TOY_UNIT_NONE && unit_of[n] == self->focus_unit)
    return TRUE;
  return highlighted (self, node_col[n]) ||
         (n == NODE_H1 && self->highlight == BL_TOY_COL_H1) ||
         (n == NODE_H2 && self->highlight == BL_TOY_COL_H2) ||
         (n == NODE_O1 && (self->highlight == BL_TOY_COL_O1 || self->highlight == BL_TOY_COL_E1 ||
                           self->highlight == BL_TOY_COL_T1)) ||
         (n == NODE_O2 && (self->highlight == BL_TOY_COL_O2 || self->highlight == BL_TOY_COL_E2 ||
                           self->highlight == BL_TOY_COL_T2));
}

static void
paint_background (cairo_t *cr, const GdkRGBA *fg, const GdkRGBA *bg, double alpha)
{
  if (bg)
    set_rgba (cr, bg, alpha);
  else
    cairo_set_source_rgba (cr, 1 - fg->red, 1 - fg->green, 1 - fg->blue, alpha);
}

static void
network_draw (gpointer widget, cairo_t *cr, int width, int height, const GdkRGBA *fg,
              const GdkRGBA *bg)
{
  BlNetworkView *self = widget;
  const double *v = self->row.v;
  double max_w = 1e-12, f, ls;
  Layout l;
  char buf[160], n1[BL_FORMAT_NUMBER_SIZE];
  BlTextPainter tp;
  GdkRGBA pos, neg;

  if (width <= 0 || height <= 0)
    return;
  bl_text_painter_init (&tp, cr);
  if (bg)
    {
      set_rgba (cr, bg, 1);
      cairo_paint (cr);
    }
  if (!self->has_state)
    {
      set_rgba (cr, fg, 0.7);
      bl_text_draw (&tp, MIN (self->font_px, width / 20.0), FALSE, _("No network yet"),
                    width / 2.0, height / 2.0, 0.5, 0.5);
      bl_text_painter_clear (&tp);
      return;
    }
  compute_layout (self, &tp, width, height, &l);
  f = l.font;
  ls = l.line_scale;
  sign_color (1, fg, &pos);
  sign_color (-1, fg, &neg);

  for (guint k = 0; k < 8; k++)
    max_w = MAX (max_w, fabs (v[edge_col[k]]));

  /* Edges: colour by sign, width by magnitude relative to the largest weight; a halo under
   * the one explained. */
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint k = 0; k < 8; k++)
    {
      double w = v[edge_col[k]], lw = ls * (1.5 + f * 0.55 * fabs (w) / max_w);
      GdkRGBA c;

      sign_color (w, fg, &c);
      cairo_move_to (cr, l.x[edge_from[k]], l.y[edge_from[k]]);
      cairo_line_to (cr, l.x[edge_to[k]], l.y[edge_to[k]]);
      /* A path from the hidden unit explained: a band in its colour under the edge. */
      if (self->paths_from &&
          edge_from[k] == (self->paths_from == 1 ? NODE_H1 : NODE_H2) &&
          (edge_to[k] == NODE_O1 || edge_to[k] == NODE_O2))
        {
          set_rgba (cr, &self->path_color[edge_to[k] == NODE_O1 ? 0 : 1], 0.55);
          cairo_set_line_width (cr, lw + f * 1.1);
          cairo_stroke_preserve (cr);
        }
      if (highlighted (self, edge_col[k]))
        {
          set_rgba (cr, fg, 0.3);
          cairo_set_line_width (cr, lw + f * 0.8);
          cairo_stroke_preserve (cr);
        }
      set_rgba (cr, &c, 1);
      cairo_set_line_width (cr, lw);
      cairo_stroke (cr);
    }
  if (self->params.has_biases)
    {
      double dash[] = { 4 * ls, 4 * ls };
      const NodeId targets[4] = { NODE_H1, NODE_H2, NODE_O1, NODE_O2 };
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, 1.5 * ls);
      for (guint k = 0; k < 4; k++)
        {
          NodeId b = k < 2 ? NODE_B1 : NODE_B2;
          GdkRGBA c;
          sign_color (v[k < 2 ? BL_TOY_COL_B1 : BL_TOY_COL_B2], fg, &c);
          set_rgba (cr, &c, 1);
          cairo_move_to (cr, l.x[b], l.y[b]);
          cairo_line_to (cr, l.x[targets[k]], l.y[targets[k]]);
          cairo_stroke (cr);
        }
      cairo_set_dash (cr, NULL, 0, 0);
    }

  /* Nodes. */
  for (NodeId n = 0; n < N_NODES; n++)
    {
      gboolean is_bias = n == NODE_B1 || n == NODE_B2;
      double r = l.r;
      if (is_bias && !self->params.has_biases)
        continue;
      paint_background (cr, fg, bg, 1);
      cairo_arc (cr, l.x[n], l.y[n], r, 0, 2 * G_PI);
      cairo_fill_preserve (cr);
      set_rgba (cr, fg, 1);
      cairo_set_line_width (cr, (node_highlighted (self, n) ? 4.5 : 1.5) * ls);
      cairo_stroke (cr);
    }

  /* Texts in and around the nodes, in the full foreground colour. */
  set_rgba (cr, fg, 1);
  for (NodeId n = 0; n < N_NODES; n++)
    if (n < NODE_B1 || self->params.has_biases)
      {
        unit_text (self, n, buf, sizeof buf);
        bl_text_draw (&tp, f * NODE_SCALE, FALSE, buf, l.x[n], l.y[n], 0.5, 0.5);   /* unit_text */
      }
  {
    Box boxes[N_NODE_TEXTS];
    char texts[N_NODE_TEXTS][128];
    node_texts (self, &tp, &l, boxes, texts);
    for (guint i = 0; i < N_NODE_TEXTS; i++)
      {
        if (texts[i][0] == '\0')
          continue;
        /* On the background, so an edge passing under it does not strike it through. */
        paint_background (cr, fg, bg, 0.85);
        cairo_rectangle (cr, boxes[i].x - 2, boxes[i].y, boxes[i].w + 4, boxes[i].h);
        cairo_fill (cr);
        set_rgba (cr, fg, 1);
        bl_text_draw (&tp, f * LABEL_SCALE, FALSE, texts[i], boxes[i].x, boxes[i].y, 0, 0);
      }
  }

  /* Weight labels: full-contrast text on the background, framed in the edge's colour. */
  for (guint k = 0; k < 8; k++)
    {
      const Box *b = &l.chip[k];
      gboolean hl = highlighted (self, edge_col[k]);
      GdkRGBA c;

      double rad = MIN (b->h / 2, f * 0.45);

      sign_color (v[edge_col[k]], fg, &c);
      paint_background (cr, fg, bg, 0.92);
      /* A pill: the background hides the edges under the label. */
      cairo_new_sub_path (cr);
      cairo_arc (cr, b->x + b->w - rad, b->y + rad, rad, -G_PI / 2, 0);
      cairo_arc (cr, b->x + b->w - rad, b->y + b->h - rad, rad, 0, G_PI / 2);
      cairo_arc (cr, b->x + rad, b->y + b->h - rad, rad, G_PI / 2, G_PI);
      cairo_arc (cr, b->x + rad, b->y + rad, rad, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      cairo_fill_preserve (cr);
      set_rgba (cr, hl ? fg : &c, 1);
      cairo_set_line_width (cr, (hl ? 3 : 1.5) * ls);
      cairo_stroke (cr);
      set_rgba (cr, fg, 1);
      bl_text_draw (&tp, f * LABEL_SCALE, TRUE, l.chip_text[k], b->x + b->w / 2,
                    b->y + b->h / 2, 0.5, 0.5);
    }

  /* The caption (which iteration this is), the loss, and what the colours mean. */
  if (self->caption && l.has_caption)
    bl_text_draw (&tp, f, TRUE, self->caption, l.caption.x, l.caption.y, 0, 0);
  g_snprintf (buf, sizeof buf, "E_total = %s",
              bl_format_number (n1, BL_NUMBER_SCIENTIFIC, v[BL_TOY_COL_E_TOTAL]));
  if (self->highlight == BL_TOY_COL_E_TOTAL)
    {
      set_rgba (cr, fg, 0.2);
      cairo_rectangle (cr, l.total.x - f * 0.2, l.total.y - f * 0.1, l.total.w + f * 0.4,
                       l.total.h + f * 0.2);
      cairo_fill (cr);
    }
  set_rgba (cr, fg, 1);
  bl_text_draw (&tp, f, TRUE, buf, l.total.x, l.total.y, 0, 0);
  {
    double x = l.legend.x, y = l.legend.y + l.legend.h / 2, seg = f * 1.6;
    const char *words[2] = { _("positive"), _("negative") };
    const GdkRGBA *colors[2] = { &pos, &neg };
    for (guint i = 0; i < 2; i++)
      {
        set_rgba (cr, colors[i], 1);
        cairo_set_line_width (cr, 3 * ls);
        cairo_move_to (cr, x, y);
        cairo_line_to (cr, x + seg, y);
        cairo_stroke (cr);
        set_rgba (cr, fg, 1);
        x += seg + f * 0.3;
        x += bl_text_draw (&tp, f * LABEL_SCALE, FALSE, words[i], x, y, 0, 0.5) + f * 0.8;
      }
    /* Only if it fits beside the loss. */
    {
      int w;
      const char *width_word = _("thicker: larger |w|");
      bl_text_measure (&tp, f * LABEL_SCALE, FALSE, width_word, &w, NULL);
      if (x + w < l.total.x - f * 0.5)
        bl_text_draw (&tp, f * LABEL_SCALE, FALSE, width_word, x, y, 0, 0.5);
    }
  }
  bl_text_painter_clear (&tp);
}

static void
update_font (BlNetworkView *self)
{
  self->font_px = bl_text_font_px (gtk_widget_get_pango_context (GTK_WIDGET (self)));
}

static void
bl_network_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  bl_snapshot_drawing (widget, snapshot, network_draw);
}

static void
bl_network_view_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (bl_network_view_parent_class)->css_changed (widget, change);
  update_font (BL_NETWORK_VIEW (widget));
}

/* Small enough for any pane at any classroom size (a larger minimum widened the window past a
 * 1280-pixel projector with the sidebar shown); comfortable at the CSS font with the caption.
 * The page's panes give it the room for its floor at 1024×600 and up. */
static void
bl_network_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline,
                         int *natural_baseline)
{
  BlNetworkView *self = BL_NETWORK_VIEW (widget);

  update_font (self);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      BlTextPainter tp;
      double wide;
      bl_text_painter_init_for_context (&tp, gtk_widget_get_pango_context (widget));
      wide = ems_wide (self, &tp);
      bl_text_painter_clear (&tp);
      *minimum = (int) ceil (wide * 8);
      *natural = (int) ceil (wide * self->font_px);
    }
  else
    {
      *minimum = (int) ceil (ems_high (self, FALSE) * 8);
      *natural = (int) ceil (ems_high (self, TRUE) * self->font_px);
    }
}

static double
segment_distance (double px, double py, double x0, double y0, double x1, double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double t = ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy);

  t = CLAMP (t, 0, 1);
  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlNetworkView *self)
{
  Layout l;
  BlToyColumn hit = BL_TOY_N_COLS;
  double best = INFINITY;
  BlTextPainter tp;

  if (!self->has_state)
    return;
  bl_text_painter_init_for_context (&tp, gtk_widget_get_pango_context (GTK_WIDGET (self)));
  compute_layout (self, &tp, gtk_widget_get_width (GTK_WIDGET (self)),
                  gtk_widget_get_height (GTK_WIDGET (self)), &l);
  bl_text_painter_clear (&tp);
  /* A weight's label, then a node, then the nearest edge. */
  for (guint k = 0; k < 8 && hit == BL_TOY_N_COLS; k++)
    if (x >= l.chip[k].x && x <= l.chip[k].x + l.chip[k].w && y >= l.chip[k].y &&
        y <= l.chip[k].y + l.chip[k].h)
      hit = edge_col[k];
  for (NodeId n = 0; n < N_NODES && hit == BL_TOY_N_COLS; n++)
    {
      if ((n == NODE_B1 || n == NODE_B2) && !self->params.has_biases)
        continue;
      if (hypot (x - l.x[n], y - l.y[n]) <= l.r)
        hit = node_col[n];
    }
  if (hit == BL_TOY_N_COLS && x >= l.total.x && y >= l.total.y && y <= l.total.y + l.total.h)
    hit = BL_TOY_COL_E_TOTAL;
  if (hit == BL_TOY_N_COLS)
    for (guint k = 0; k < 8; k++)
      {
        double d = segment_distance (x, y, l.x[edge_from[k]], l.y[edge_from[k]],
                                     l.x[edge_to[k]], l.y[edge_to[k]]);
        if (d < l.font * 0.8 && d < best)
          {
            best = d;
            hit = edge_col[k];
          }
      }
  if (hit != BL_TOY_N_COLS)
    {
      bl_network_view_set_highlight (self, hit);
      g_signal_emit (self, signals[SIGNAL_COLUMN_ACTIVATED], 0, (int) hit);
    }
}

static void
bl_network_view_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    g_value_set_boolean (value, BL_NETWORK_VIEW (object)->projector_mode);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_network_view_set_property (GObject *object, guint id, const GValue *value,
                              GParamSpec *pspec)
{
  BlNetworkView *self = BL_NETWORK_VIEW (object);

  if (id == PROP_PROJECTOR_MODE)
    {
      gboolean on = g_value_get_boolean (value);
      if (self->projector_mode == (guint) on)
        return;
      self->projector_mode = on;
      g_object_notify_by_pspec (object, pspec);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_network_view_finalize (GObject *object)
{
  g_free (BL_NETWORK_VIEW (object)->caption);
  G_OBJECT_CLASS (bl_network_view_parent_class)->finalize (object);
}

static void
bl_network_view_class_init (BlNetworkViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = bl_network_view_get_property;
  object_class->set_property = bl_network_view_set_property;
  object_class->finalize = bl_network_view_finalize;
  /* "projector-mode": thicker lines; the text follows the CSS font, as on the charts. */
  properties[PROP_PROJECTOR_MODE] =
    g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->snapshot = bl_network_view_snapshot;
  widget_class->measure = bl_network_view_measure;
  widget_class->css_changed = bl_network_view_css_changed;
  signals[SIGNAL_COLUMN_ACTIVATED] =
    g_signal_new ("column-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  gtk_widget_class_set_css_name (widget_class, "networkview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_network_view_init (BlNetworkView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  self->highlight = BL_TOY_N_COLS;
  self->focus_unit = BL_TOY_UNIT_NONE;
  self->focus_edges[0] = self->focus_edges[1] = BL_TOY_N_COLS;
  self->font_px = 14;
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
bl_network_view_new (void)
{
  return g_object_new (BL_TYPE_NETWORK_VIEW, NULL);
}

void
bl_network_view_set_state (BlNetworkView *self, const BlToyParams *p, const BlToyRow *row)
{
  g_autofree char *desc = NULL;
  char a1[BL_FORMAT_NUMBER_SIZE], a2[BL_FORMAT_NUMBER_SIZE], t1[BL_FORMAT_NUMBER_SIZE],
       t2[BL_FORMAT_NUMBER_SIZE], e[BL_FORMAT_NUMBER_SIZE];
  gboolean biases_changed;

  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  g_return_if_fail (p != NULL && row != NULL);

  biases_changed = self->params.has_biases != p->has_biases;
  self->params = *p;
  self->row = *row;
  self->has_state = TRUE;
  desc = g_strdup_printf (_("Network: a_o1 = %s (target %s), a_o2 = %s (target %s), "
                            "E_total = %s"),
                          number (a1, BL_TOY_COL_A_O1, row->v[BL_TOY_COL_A_O1]),
                          number (t1, BL_TOY_COL_T1, row->v[BL_TOY_COL_T1]),
                          number (a2, BL_TOY_COL_A_O2, row->v[BL_TOY_COL_A_O2]),
                          number (t2, BL_TOY_COL_T2, row->v[BL_TOY_COL_T2]),
                          bl_format_number (e, BL_NUMBER_SCIENTIFIC,
                                            row->v[BL_TOY_COL_E_TOTAL]));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Network diagram"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
  if (biases_changed)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_network_view_set_highlight (BlNetworkView *self, BlToyColumn col)
{
  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  if (self->highlight == col)
    return;
  self->highlight = col;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_network_view_set_show_backward (BlNetworkView *self, gboolean show)
{
  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  if (self->show_backward == !!show)
    return;
  self->show_backward = !!show;
  gtk_widget_queue_resize (GTK_WIDGET (self));   /* the δs take a line */
}

gboolean
bl_network_view_get_show_backward (BlNetworkView *self)
{
  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), FALSE);
  return self->show_backward;
}

void
bl_network_view_set_focus (BlNetworkView *self, BlToyUnit unit, BlToyColumn edge0,
                           BlToyColumn edge1)
{
  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  self->focus_unit = unit;
  self->focus_edges[0] = edge0;
  self->focus_edges[1] = edge1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

BlToyUnit
bl_network_view_get_focus (BlNetworkView *self)
{
  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), BL_TOY_UNIT_NONE);
  return self->focus_unit;
}

void
bl_network_view_set_paths (BlNetworkView *self, guint hidden, const GdkRGBA colors[2])
{
  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  g_return_if_fail (hidden <= 2);
  self->paths_from = hidden;
  if (hidden)
    {
      self->path_color[0] = colors[0];
      self->path_color[1] = colors[1];
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
bl_network_view_get_paths (BlNetworkView *self)
{
  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), 0);
  return self->paths_from;
}

void
bl_network_view_set_caption (BlNetworkView *self, const char *caption)
{
  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  if (g_strcmp0 (self->caption, caption) == 0)
    return;
  g_free (self->caption);
  self->caption = g_strdup (caption);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
bl_network_view_write_png (BlNetworkView *self, const char *path, int width, int height,
                           GError **error)
{
  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), FALSE);
  update_font (self);
  return bl_write_drawing_png (network_draw, self, width, height, path, error);
}

double
bl_network_view_get_layout (BlNetworkView *self, int width, int height,
                            graphene_rect_t labels[8], graphene_rect_t units[N_NODES],
                            graphene_rect_t unit_texts[N_NODES], guint *n_units,
                            gboolean *has_caption)
{
  Layout l;
  BlTextPainter tp;
  guint n = 0;

  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), 0);
  update_font (self);
  bl_text_painter_init_for_context (&tp, gtk_widget_get_pango_context (GTK_WIDGET (self)));
  compute_layout (self, &tp, width, height, &l);
  bl_text_painter_clear (&tp);
  for (guint k = 0; k < 8; k++)
    graphene_rect_init (&labels[k], l.chip[k].x, l.chip[k].y, l.chip[k].w, l.chip[k].h);
  for (NodeId u = 0; u < N_NODES; u++)
    if (u < NODE_B1 || self->params.has_biases)
      {
        graphene_rect_init (&units[n], l.x[u] - l.r, l.y[u] - l.r, 2 * l.r, 2 * l.r);
        graphene_rect_init (&unit_texts[n++], l.unit_text[u].x, l.unit_text[u].y,
                            l.unit_text[u].w, l.unit_text[u].h);
      }
  *n_units = n;
  if (has_caption)
    *has_caption = l.has_caption;
  return l.font * NODE_SCALE;
}

int
bl_network_view_get_floor_height (BlNetworkView *self)
{
  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), 0);
  update_font (self);
  return (int) ceil (ems_high (self, FALSE) * floor_font (self));
}

int
bl_network_view_get_floor_width (BlNetworkView *self)
{
  BlTextPainter tp;
  double wide;

  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), 0);
  update_font (self);
  bl_text_painter_init_for_context (&tp, gtk_widget_get_pango_context (GTK_WIDGET (self)));
  wide = ems_wide (self, &tp);
  bl_text_painter_clear (&tp);
  return (int) ceil (wide * floor_font (self));
}
