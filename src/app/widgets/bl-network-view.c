/* bl-network-view.c: the 2-2-2 network of one ledger row, drawn with cairo. Geometry is
 * computed by one function for drawing and for hit-testing, so a click lands on what is drawn. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>

#include "widgets/bl-network-view.h"
#include "widgets/bl-text.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-png.h"

struct _BlNetworkView {
  GtkWidget   parent_instance;

  BlToyParams params;
  BlToyRow    row;
  gboolean    has_state;
  BlToyColumn highlight;
  guint       projector_mode : 1;
};

G_DEFINE_FINAL_TYPE (BlNetworkView, bl_network_view, GTK_TYPE_WIDGET)

enum { SIGNAL_COLUMN_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

typedef enum { NODE_I1, NODE_I2, NODE_H1, NODE_H2, NODE_O1, NODE_O2, NODE_B1, NODE_B2, N_NODES }
  NodeId;

typedef struct {
  double x[N_NODES], y[N_NODES];
  double r;                 /* node radius */
  double font;
} Geometry;

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

static void
compute_geometry (BlNetworkView *self, int width, int height, Geometry *g)
{
  double cols[3] = { width * 0.09, width * 0.42, width * 0.72 };
  double top = height * 0.22, bottom = height * 0.70;

  g->font = CLAMP (MIN (width / 46.0, height / 21.0), 10, 22) * (self->projector_mode ? 1.15 : 1);
  g->r = g->font * 2.3;
  g->x[NODE_I1] = cols[0]; g->y[NODE_I1] = top;
  g->x[NODE_I2] = cols[0]; g->y[NODE_I2] = bottom;
  g->x[NODE_H1] = cols[1]; g->y[NODE_H1] = top;
  g->x[NODE_H2] = cols[1]; g->y[NODE_H2] = bottom;
  g->x[NODE_O1] = cols[2]; g->y[NODE_O1] = top;
  g->x[NODE_O2] = cols[2]; g->y[NODE_O2] = bottom;
  g->x[NODE_B1] = (cols[0] + cols[1]) / 2; g->y[NODE_B1] = height * 0.92;
  g->x[NODE_B2] = (cols[1] + cols[2]) / 2; g->y[NODE_B2] = height * 0.92;
}

static void
set_rgba (cairo_t *cr, const GdkRGBA *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
sign_color (double v, GdkRGBA *out)
{
  /* Okabe–Ito blue for positive, vermillion for negative: apart for every colour vision. */
  bl_palette_color (v >= 0 ? 0 : 5, out);
}

static gboolean
highlighted (BlNetworkView *self, BlToyColumn col)
{
  if (self->highlight == col)
    return TRUE;
  /* A gradient column highlights the weight it belongs to. */
  return bl_toy_column_is_gradient (self->highlight) && bl_toy_column_is_param (col) &&
         bl_toy_param_gradient (col) == self->highlight;
}

static void
network_draw (gpointer widget, cairo_t *cr, int width, int height, const GdkRGBA *fg,
              const GdkRGBA *bg)
{
  BlNetworkView *self = widget;
  const double *v = self->row.v;
  double max_w = 1e-12;
  Geometry g;
  char buf[128];
  GdkRGBA accent;
  BlTextPainter tp;

  if (width <= 0 || height <= 0)
    return;
  compute_geometry (self, width, height, &g);
  bl_text_painter_init (&tp, cr);
  if (bg)
    {
      set_rgba (cr, bg, 1);
      cairo_paint (cr);
    }
  if (!self->has_state)
    {
      set_rgba (cr, fg, 0.6);
      bl_text_draw (&tp, g.font * 1, FALSE, _("No network yet"), width / 2.0,
                    height / 2.0, 0.5, 0.5);
      bl_text_painter_clear (&tp);
      return;
    }
  bl_palette_color (1, &accent);

  for (guint k = 0; k < 8; k++)
    max_w = MAX (max_w, fabs (v[edge_col[k]]));

  /* Edges: colour by sign, width by magnitude relative to the largest weight. */
  for (guint k = 0; k < 8; k++)
    {
      double w = v[edge_col[k]];
      double x0 = g.x[edge_from[k]], y0 = g.y[edge_from[k]];
      double x1 = g.x[edge_to[k]], y1 = g.y[edge_to[k]];
      GdkRGBA c;

      sign_color (w, &c);
      if (highlighted (self, edge_col[k]))
        {
          set_rgba (cr, &accent, 0.45);
          cairo_set_line_width (cr, 1.5 + 8.0 * fabs (w) / max_w + 10);
          cairo_move_to (cr, x0, y0);
          cairo_line_to (cr, x1, y1);
          cairo_stroke (cr);
        }
      set_rgba (cr, &c, 0.9);
      cairo_set_line_width (cr, 1.5 + 8.0 * fabs (w) / max_w);
      cairo_move_to (cr, x0, y0);
      cairo_line_to (cr, x1, y1);
      cairo_stroke (cr);
    }
  if (self->params.has_biases)
    {
      static const double dash[] = { 3, 3 };
      const NodeId targets[4] = { NODE_H1, NODE_H2, NODE_O1, NODE_O2 };
      cairo_set_dash (cr, dash, 2, 0);
      cairo_set_line_width (cr, 1.5);
      for (guint k = 0; k < 4; k++)
        {
          NodeId b = k < 2 ? NODE_B1 : NODE_B2;
          GdkRGBA c;
          sign_color (v[k < 2 ? BL_TOY_COL_B1 : BL_TOY_COL_B2], &c);
          set_rgba (cr, &c, 0.7);
          cairo_move_to (cr, g.x[b], g.y[b]);
          cairo_line_to (cr, g.x[targets[k]], g.y[targets[k]]);
          cairo_stroke (cr);
        }
      cairo_set_dash (cr, NULL, 0, 0);
    }

  /* Weight labels, a third of the way along each edge so crossing edges keep apart. */
  for (guint k = 0; k < 8; k++)
    {
      double w = v[edge_col[k]];
      double t = (k == 1 || k == 2 || k == 5 || k == 6) ? 0.30 : 0.55;
      double x = g.x[edge_from[k]] + t * (g.x[edge_to[k]] - g.x[edge_from[k]]);
      double y = g.y[edge_from[k]] + t * (g.y[edge_to[k]] - g.y[edge_from[k]]);
      GdkRGBA c;

      sign_color (w, &c);
      g_snprintf (buf, sizeof buf, "w%u = %.5g", k + 1, w);
      if (bg)
        set_rgba (cr, bg, 0.85);
      else
        cairo_set_source_rgba (cr, 1 - fg->red, 1 - fg->green, 1 - fg->blue, 0.8);
      cairo_rectangle (cr, x - g.font * 4.4, y - g.font * 0.75, g.font * 8.8, g.font * 1.5);
      cairo_fill (cr);
      set_rgba (cr, highlighted (self, edge_col[k]) ? fg : &c, 1);
      bl_text_draw (&tp, g.font * 0.95, highlighted (self, edge_col[k]), buf, x, y, 0.5, 0.5);
    }

  /* Nodes. */
  for (NodeId n = 0; n < N_NODES; n++)
    {
      gboolean is_bias = n == NODE_B1 || n == NODE_B2;
      double r = is_bias ? g.r * 0.6 : g.r;
      if (is_bias && !self->params.has_biases)
        continue;
      if (bg)
        set_rgba (cr, bg, 1);
      else
        cairo_set_source_rgba (cr, 1 - fg->red, 1 - fg->green, 1 - fg->blue, 1);
      cairo_arc (cr, g.x[n], g.y[n], r, 0, 2 * G_PI);
      cairo_fill_preserve (cr);
      if (highlighted (self, node_col[n]) ||
          (n == NODE_H1 && self->highlight == BL_TOY_COL_H1) ||
          (n == NODE_H2 && self->highlight == BL_TOY_COL_H2) ||
          (n == NODE_O1 && (self->highlight == BL_TOY_COL_O1 || self->highlight == BL_TOY_COL_E1)) ||
          (n == NODE_O2 && (self->highlight == BL_TOY_COL_O2 || self->highlight == BL_TOY_COL_E2)))
        {
          set_rgba (cr, &accent, 1);
          cairo_set_line_width (cr, 5);
        }
      else
        {
          set_rgba (cr, fg, 0.8);
          cairo_set_line_width (cr, 2);
        }
      cairo_stroke (cr);
    }

  set_rgba (cr, fg, 1);
  g_snprintf (buf, sizeof buf, "i1\n%.5g", v[BL_TOY_COL_I1]);
  bl_text_draw (&tp, g.font * 1, FALSE, buf, g.x[NODE_I1], g.y[NODE_I1], 0.5, 0.5);
  g_snprintf (buf, sizeof buf, "i2\n%.5g", v[BL_TOY_COL_I2]);
  bl_text_draw (&tp, g.font * 1, FALSE, buf, g.x[NODE_I2], g.y[NODE_I2], 0.5, 0.5);
  for (guint j = 0; j < 2; j++)
    {
      NodeId hn = j == 0 ? NODE_H1 : NODE_H2, on = j == 0 ? NODE_O1 : NODE_O2;
      BlToyColumn h = j == 0 ? BL_TOY_COL_H1 : BL_TOY_COL_H2;
      BlToyColumn ah = j == 0 ? BL_TOY_COL_A_H1 : BL_TOY_COL_A_H2;
      BlToyColumn o = j == 0 ? BL_TOY_COL_O1 : BL_TOY_COL_O2;
      BlToyColumn ao = j == 0 ? BL_TOY_COL_A_O1 : BL_TOY_COL_A_O2;
      BlToyColumn t = j == 0 ? BL_TOY_COL_T1 : BL_TOY_COL_T2;
      BlToyColumn e = j == 0 ? BL_TOY_COL_E1 : BL_TOY_COL_E2;

      g_snprintf (buf, sizeof buf, "h%u\n%.4g", j + 1, v[h]);
      bl_text_draw (&tp, g.font * 0.9, FALSE, buf, g.x[hn], g.y[hn], 0.5, 0.5);
      g_snprintf (buf, sizeof buf, "a_h%u = σ(h%u)\n%.6g", j + 1, j + 1, v[ah]);
      bl_text_draw (&tp, g.font * 0.9, FALSE, buf, g.x[hn], g.y[hn] - g.r - 4, 0.5, 1);
      g_snprintf (buf, sizeof buf, "o%u\n%.4g", j + 1, v[o]);
      bl_text_draw (&tp, g.font * 0.9, FALSE, buf, g.x[on], g.y[on], 0.5, 0.5);
      g_snprintf (buf, sizeof buf, "a_o%u = σ(o%u)\n%.6g", j + 1, j + 1, v[ao]);
      bl_text_draw (&tp, g.font * 0.9, FALSE, buf, g.x[on], g.y[on] - g.r - 4, 0.5, 1);
      g_snprintf (buf, sizeof buf, _("target t%u = %.4g\nE%u = %.6g"), j + 1, v[t], j + 1, v[e]);
      bl_text_draw (&tp, g.font * 0.9, FALSE, buf, g.x[on] + g.r + 8, g.y[on], 0, 0.5);
    }
  if (self->params.has_biases)
    {
      g_snprintf (buf, sizeof buf, "b1\n%.4g", v[BL_TOY_COL_B1]);
      bl_text_draw (&tp, g.font * 0.8, FALSE, buf, g.x[NODE_B1], g.y[NODE_B1], 0.5, 0.5);
      g_snprintf (buf, sizeof buf, "b2\n%.4g", v[BL_TOY_COL_B2]);
      bl_text_draw (&tp, g.font * 0.8, FALSE, buf, g.x[NODE_B2], g.y[NODE_B2], 0.5, 0.5);
    }
  g_snprintf (buf, sizeof buf, "E_total = E1 + E2 = %.9g", v[BL_TOY_COL_E_TOTAL]);
  set_rgba (cr, self->highlight == BL_TOY_COL_E_TOTAL ? &accent : fg, 1);
  bl_text_draw (&tp, g.font * 1.1, TRUE, buf, width - g.font * 0.5,
                g.y[NODE_O2] + g.r + g.font * 0.8, 1, 0);
  bl_text_painter_clear (&tp);
}

static void
bl_network_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  bl_snapshot_drawing (widget, snapshot, network_draw);
}

static void
bl_network_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                         int *minimum, int *natural, int *minimum_baseline,
                         int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 420 : 260;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 340;
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
  Geometry g;
  BlToyColumn hit = BL_TOY_N_COLS;
  double best = INFINITY;

  if (!self->has_state)
    return;
  compute_geometry (self, gtk_widget_get_width (GTK_WIDGET (self)),
                    gtk_widget_get_height (GTK_WIDGET (self)), &g);
  for (NodeId n = 0; n < N_NODES; n++)
    {
      if ((n == NODE_B1 || n == NODE_B2) && !self->params.has_biases)
        continue;
      if (hypot (x - g.x[n], y - g.y[n]) <= g.r)
        hit = node_col[n];
    }
  if (hit == BL_TOY_N_COLS)
    for (guint k = 0; k < 8; k++)
      {
        double d = segment_distance (x, y, g.x[edge_from[k]], g.y[edge_from[k]],
                                     g.x[edge_to[k]], g.y[edge_to[k]]);
        if (d < 10 && d < best)
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

enum { PROP_0, PROP_PROJECTOR_MODE, N_PROPS };

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
      self->projector_mode = g_value_get_boolean (value);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_network_view_class_init (BlNetworkViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = bl_network_view_get_property;
  object_class->set_property = bl_network_view_set_property;
  /* "projector-mode": larger type on the diagram, like the charts. */
  g_object_class_install_property (object_class, PROP_PROJECTOR_MODE,
    g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));

  widget_class->snapshot = bl_network_view_snapshot;
  widget_class->measure = bl_network_view_measure;
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

  g_return_if_fail (BL_IS_NETWORK_VIEW (self));
  g_return_if_fail (p != NULL && row != NULL);

  self->params = *p;
  self->row = *row;
  self->has_state = TRUE;
  desc = g_strdup_printf (_("Network: a_o1 = %.4g (target %.4g), a_o2 = %.4g (target %.4g), "
                            "E_total = %.6g"),
                          row->v[BL_TOY_COL_A_O1], row->v[BL_TOY_COL_T1],
                          row->v[BL_TOY_COL_A_O2], row->v[BL_TOY_COL_T2],
                          row->v[BL_TOY_COL_E_TOTAL]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Network diagram"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, desc, -1);
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

gboolean
bl_network_view_write_png (BlNetworkView *self, const char *path, int width, int height,
                           GError **error)
{
  g_return_val_if_fail (BL_IS_NETWORK_VIEW (self), FALSE);
  return bl_write_drawing_png (network_draw, self, width, height, path, error);
}
