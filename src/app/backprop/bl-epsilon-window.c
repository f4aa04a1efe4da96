/* bl-epsilon-window.c: see bl-epsilon-window.h. The sweep is 111 ε × a few losses in each
 * precision: well under a millisecond, so it runs where it is asked for. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "backprop/bl-epsilon-window.h"
#include "core/bl-toy-explore.h"
#include "widgets/bl-palette.h"

#define PER_DECADE 10

struct _BlEpsilonWindow {
  GtkWindow      parent_instance;

  GtkDropDown   *weight_dropdown;
  GtkLabel      *network_label;
  BlChart       *chart;
  GtkLabel      *explain_label;

  BlToolNetwork  net;
  BlToyColumn    weights[10];     /* the drop-down's items */
  guint          n_weights;
  BlToyColumn    weight;
  double         best_double, best_single;
  guint          syncing : 1;
};

G_DEFINE_FINAL_TYPE (BlEpsilonWindow, bl_epsilon_window, GTK_TYPE_WINDOW)

/* A number for prose: "1e-05", "0.001". */
static char *
short_number (double v)
{
  return g_strdup_printf ("%.2g", v);
}

static void
recompute (BlEpsilonWindow *self)
{
  const BlToyParams *p = &self->net.current;
  g_autoptr(GArray) sweep = NULL;
  g_autofree double *x = NULL, *yd = NULL, *ys = NULL;
  double min_d = INFINITY, min_s = INFINITY, tiny = INFINITY;
  GdkRGBA c_double, c_single;
  guint id, n;
  const char *w = bl_toy_column_label (self->weight);

  sweep = bl_toy_epsilon_sweep (p, self->weight, PER_DECADE, &self->best_double,
                                &self->best_single);
  n = sweep->len;
  x = g_new (double, n);
  yd = g_new (double, n);
  ys = g_new (double, n);
  for (guint i = 0; i < n; i++)
    {
      const BlToyEpsilonPoint *pt = &g_array_index (sweep, BlToyEpsilonPoint, i);
      if (pt->rel_double > 0)
        tiny = MIN (tiny, pt->rel_double);
      if (pt->rel_single > 0)
        tiny = MIN (tiny, pt->rel_single);
    }
  /* The chart wants x ascending: the sweep runs from 1e-1 down. An exact 0 sits at the
   * smallest error drawn (a log axis has no 0). */
  for (guint i = 0; i < n; i++)
    {
      const BlToyEpsilonPoint *pt = &g_array_index (sweep, BlToyEpsilonPoint, n - 1 - i);
      x[i] = pt->eps;
      yd[i] = pt->rel_double > 0 ? pt->rel_double : tiny;
      ys[i] = pt->rel_single > 0 ? pt->rel_single : tiny;
      min_d = MIN (min_d, yd[i]);
      min_s = MIN (min_s, ys[i]);
    }

  bl_chart_clear (self->chart);
  bl_palette_color (0, &c_double);
  bl_palette_color (5, &c_single);
  id = bl_chart_add_series (self->chart, _("double precision (64-bit)"), &c_double,
                            BL_CHART_LINE_POINTS);
  bl_chart_series_set_data (self->chart, id, x, yd, n);
  id = bl_chart_add_series (self->chart, _("single precision (32-bit)"), &c_single,
                            BL_CHART_LINE_POINTS);
  bl_chart_series_set_data (self->chart, id, x, ys, n);
  {
    g_autofree char *a = short_number (self->best_double), *b = short_number (self->best_single);
    g_autofree char *la = g_strdup_printf (_("best: ε = %s"), a);
    g_autofree char *lb = g_strdup_printf (_("best: ε = %s"), b);
    bl_chart_add_marker (self->chart, self->best_double, min_d, la);
    bl_chart_add_marker (self->chart, self->best_single, min_s, lb);
  }
  /* Room under the lowest point for its label; 1 (the error of a difference that rounds to
   * nothing) at the top. */
  bl_chart_set_y_range (self->chart, MIN (min_d, min_s) / 30, 3);
  {
    g_autofree char *title = g_strdup_printf (_("Numerical gradient of %s: relative error "
                                                "against ε"), w);
    bl_chart_set_title (self->chart, title);
  }

  {
    g_autofree char *bd = short_number (self->best_double), *bs = short_number (self->best_single);
    g_autofree char *ed = short_number (min_d), *es = short_number (min_s);
    g_autofree char *text = g_strdup_printf (
      _("The check compares ∂E_total/∂%s from backpropagation with the central difference "
        "(E(%s + ε) − E(%s − ε)) / 2ε. On the right, where ε is large, the difference is off by "
        "its truncation error, which shrinks as ε²: ten times smaller ε, a hundred times "
        "smaller error (the slope of 2 decades per decade). On the left, where ε is small, "
        "E_total is only known to its rounding, about 1e-16 of itself in double precision and "
        "6e-8 in single, and dividing by 2ε magnifies that rounding as 1/ε: the error climbs "
        "again. The bottom of the U is where the two are equal: ε ≈ %s in double (relative "
        "error %s) but ε ≈ %s in single (%s). So a gradient check in double uses ε near "
        "1e-5, and in single precision it cannot do better than about %s."),
      w, w, w, bd, ed, bs, es, es);
    gtk_label_set_text (self->explain_label, text);
  }
}

static void
update_network_label (BlEpsilonWindow *self)
{
  g_autofree char *describe = bl_toy_params_describe (&self->net.current);
  g_autofree char *text = NULL;

  if (describe)
    text = g_strdup_printf (_("The page's network at iteration %u of the first rate (%s)."),
                            self->net.current_row, describe);
  else
    text = g_strdup_printf (_("The page's network at iteration %u of the first rate."),
                            self->net.current_row);
  gtk_label_set_text (self->network_label, text);
}

static void
fill_weights (BlEpsilonWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint pick = 0;

  self->n_weights = 0;
  for (BlToyColumn c = BL_TOY_COL_W1; c < BL_TOY_N_COLS; c++)
    if (bl_toy_column_is_param (c) && bl_toy_column_visible (c, self->net.current.has_biases))
      {
        if (c == self->weight)
          pick = self->n_weights;
        self->weights[self->n_weights++] = c;
        gtk_string_list_append (names, bl_toy_column_label (c));
      }
  if (self->weights[pick] != self->weight)
    self->weight = self->weights[0];
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->weight_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->weight_dropdown, pick);
  self->syncing = FALSE;
}

static void
weight_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlEpsilonWindow *self)
{
  guint k = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || k >= self->n_weights)
    return;
  self->weight = self->weights[k];
  recompute (self);
}

static void
projector_changed (GtkWindow *window)
{
  BlEpsilonWindow *self = BL_EPSILON_WINDOW (window);
  bl_chart_set_projector_mode (self->chart, bl_tool_window_is_projector (window));
}

static void
bl_epsilon_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_EPSILON_WINDOW);
  G_OBJECT_CLASS (bl_epsilon_window_parent_class)->dispose (object);
}

static void
bl_epsilon_window_class_init (BlEpsilonWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_epsilon_window_dispose;
  g_type_ensure (BL_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-epsilon-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BlEpsilonWindow, weight_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlEpsilonWindow, network_label);
  gtk_widget_class_bind_template_child (widget_class, BlEpsilonWindow, chart);
  gtk_widget_class_bind_template_child (widget_class, BlEpsilonWindow, explain_label);
  gtk_widget_class_bind_template_callback (widget_class, weight_changed_cb);
}

static void
bl_epsilon_window_init (BlEpsilonWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  bl_chart_set_log_x (self->chart, TRUE);
  bl_chart_set_log_y (self->chart, TRUE);
  bl_chart_set_x_label (self->chart, "ε");
  bl_chart_set_y_label (self->chart, _("relative error"));
  self->weight = BL_TOY_COL_W5;
}

BlEpsilonWindow *
bl_epsilon_window_new (GtkWindow *parent, const BlToolNetwork *net)
{
  BlEpsilonWindow *self = g_object_new (BL_TYPE_EPSILON_WINDOW, "transient-for", parent, NULL);
  BlToolNetwork fallback;

  if (net == NULL)
    {
      bl_tool_network_default (&fallback);
      net = &fallback;
    }
  bl_tool_window_follow_projector (GTK_WINDOW (self), parent, projector_changed);
  bl_epsilon_window_set_network (self, net);
  return self;
}

void
bl_epsilon_window_set_network (BlEpsilonWindow *self, const BlToolNetwork *net)
{
  g_return_if_fail (BL_IS_EPSILON_WINDOW (self));
  self->net = *net;
  fill_weights (self);
  update_network_label (self);
  recompute (self);
}

gboolean
bl_epsilon_window_set_weight (BlEpsilonWindow *self, BlToyColumn col)
{
  g_return_val_if_fail (BL_IS_EPSILON_WINDOW (self), FALSE);
  for (guint k = 0; k < self->n_weights; k++)
    if (self->weights[k] == col)
      {
        gtk_drop_down_set_selected (self->weight_dropdown, k);
        return TRUE;
      }
  return FALSE;
}

BlChart *
bl_epsilon_window_get_chart (BlEpsilonWindow *self)
{
  return self->chart;
}

const char *
bl_epsilon_window_get_explanation (BlEpsilonWindow *self)
{
  return gtk_label_get_text (self->explain_label);
}

void
bl_epsilon_window_get_best (BlEpsilonWindow *self, double *eps_double, double *eps_single)
{
  *eps_double = self->best_double;
  *eps_single = self->best_single;
}
