/* bl-landscape-window.c: see bl-landscape-window.h.
 *
 * One job per request on GLib's thread pool: it owns a copy of the network and the two
 * weights, runs each rate, projects the paths, sizes the grid to hold them and computes
 * E_total on it (121 × 121 losses and a run per rate: tens of milliseconds, more than a
 * frame). A newer request supersedes an older one still running. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "backprop/bl-landscape-window.h"
#include "core/bl-toy-explore.h"
#include "widgets/bl-palette.h"

#define GRID 121
#define PATH_POINTS 600
#define MAX_PATH_ROWS 5000     /* rows run per rate: the paths' shape is set long before */
#define MAX_HALF 6.0           /* the grid's half-width at most: a blown-up path is cut off */
#define MAX_RATES (BL_TOOL_MAX_RATES + 1)

/* Rates tried, in order, when none of the page's overshoots. */
static const double overshooting_rates[] = { 5, 10, 20, 50, 100 };

struct _BlLandscapeWindow {
  GtkWindow      parent_instance;

  GtkDropDown   *x_dropdown, *y_dropdown;
  BlContourView *contour_view;
  GtkLabel      *caption_label;

  BlToolNetwork  net;
  BlToyColumn    params[10];
  guint          n_params;
  BlToyColumn    x, y;
  guint          generation;
  guint          n_busy;
  double         rates[MAX_RATES];
  gboolean       overshoots[MAX_RATES];
  guint          n_rates;
  GCancellable  *cancellable;
  guint          syncing : 1;
};

G_DEFINE_FINAL_TYPE (BlLandscapeWindow, bl_landscape_window, GTK_TYPE_WINDOW)

typedef struct {
  BlToolNetwork net;
  BlToyColumn   x, y;
  guint         generation;
} LandscapeJob;

typedef struct {
  BlToyLandscape *landscape;
  guint           n_rates;
  double          rates[MAX_RATES];
  gboolean        added;               /* the last rate was added to overshoot */
  guint           overshoot_row[MAX_RATES];
  GArray         *paths[MAX_RATES];    /* double pairs */
  double          mark[MAX_RATES][2];  /* each path at the page's row */
  GError         *error;
} LandscapeResult;

static void
landscape_result_free (gpointer p)
{
  LandscapeResult *r = p;

  g_clear_pointer (&r->landscape, bl_toy_landscape_free);
  for (guint i = 0; i < r->n_rates; i++)
    g_clear_pointer (&r->paths[i], g_array_unref);
  g_clear_error (&r->error);
  g_free (r);
}

static double
param_value (const BlToyParams *p, BlToyColumn col)
{
  if (col >= BL_TOY_COL_W1 && col <= BL_TOY_COL_W4)
    return p->w[col - BL_TOY_COL_W1];
  if (col >= BL_TOY_COL_W5 && col <= BL_TOY_COL_W8)
    return p->w[4 + col - BL_TOY_COL_W5];
  return col == BL_TOY_COL_B1 ? p->b1 : p->b2;
}

static void
set_param (BlToyParams *p, BlToyColumn col, double v)
{
  /* The core's own setter, by the column's name ("w5"). */
  gboolean ok = bl_toy_params_set (p, bl_toy_column_name (col), v, NULL);
  g_warn_if_fail (ok);
}

/* One rate's path, its overshoot, and where it is at @row. */
static void
run_rate (const LandscapeJob *job, double lr, LandscapeResult *r)
{
  guint i = r->n_rates++;
  BlToyRun *run = bl_toy_run_new (&job->net.init, lr);
  BlToyParams at;

  bl_toy_run_compute (run, MIN (MAX (job->net.iterations, job->net.current_row), MAX_PATH_ROWS));
  r->rates[i] = lr;
  r->paths[i] = bl_toy_landscape_path (run, job->x, job->y, PATH_POINTS);
  r->overshoot_row[i] = bl_toy_run_first_overshoot (run);
  bl_toy_run_get_params (run, MIN (job->net.current_row, run->n_rows - 1), &at);
  r->mark[i][0] = param_value (&at, job->x);
  r->mark[i][1] = param_value (&at, job->y);
  bl_toy_run_free (run);
}

static void
landscape_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  LandscapeJob *job = task_data;
  LandscapeResult *r = g_new0 (LandscapeResult, 1);
  BlToyParams center = job->net.current;
  double cx = param_value (&center, job->x), cy = param_value (&center, job->y);
  double x_lo = cx, x_hi = cx, y_lo = cy, y_hi = cy, hx, hy;
  gboolean any_overshoot = FALSE;

  for (guint i = 0; i < job->net.n_rates; i++)
    {
      run_rate (job, job->net.rates[i], r);
      any_overshoot |= r->overshoot_row[i] != G_MAXUINT;
    }
  /* The lesson wants one path that overshoots: the smallest larger rate that does. */
  for (guint k = 0; !any_overshoot && k < G_N_ELEMENTS (overshooting_rates); k++)
    {
      run_rate (job, overshooting_rates[k], r);
      if (r->overshoot_row[r->n_rates - 1] != G_MAXUINT)
        {
          any_overshoot = TRUE;
          r->added = TRUE;
        }
      else
        {
          r->n_rates--;
          g_clear_pointer (&r->paths[r->n_rates], g_array_unref);
        }
    }
  /* Big enough for every path and the current point (and a margin), within MAX_HALF of the
   * point. The slice E(x, y) with the other weights held does not depend on where the grid's
   * centre is, so the grid is centred on the paths' box. */
  for (guint i = 0; i < r->n_rates; i++)
    for (guint k = 0; k < r->paths[i]->len / 2; k++)
      {
        double x = g_array_index (r->paths[i], double, 2 * k);
        double y = g_array_index (r->paths[i], double, 2 * k + 1);
        if (isfinite (x))
          {
            x_lo = MIN (x_lo, MAX (x, cx - MAX_HALF));
            x_hi = MAX (x_hi, MIN (x, cx + MAX_HALF));
          }
        if (isfinite (y))
          {
            y_lo = MIN (y_lo, MAX (y, cy - MAX_HALF));
            y_hi = MAX (y_hi, MIN (y, cy + MAX_HALF));
          }
      }
  hx = MAX ((x_hi - x_lo) / 2 * 1.15, 0.25);
  hy = MAX ((y_hi - y_lo) / 2 * 1.15, 0.25);
  set_param (&center, job->x, (x_lo + x_hi) / 2);
  set_param (&center, job->y, (y_lo + y_hi) / 2);
  r->landscape = bl_toy_landscape_new (&center, job->x, job->y, hx, hy, GRID, GRID, &r->error);
  g_task_return_pointer (task, r, landscape_result_free);
}

static void
landscape_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BlLandscapeWindow *self = BL_LANDSCAPE_WINDOW (source);
  GTask *task = G_TASK (result);
  LandscapeJob *job = g_task_get_task_data (task);
  LandscapeResult *r = g_task_propagate_pointer (task, NULL);
  const BlToyLandscape *l;
  g_autoptr(GString) caption = g_string_new (NULL);
  guint slots[MAX_RATES];
  gboolean any_overshoot = FALSE;

  self->n_busy--;
  if (g_cancellable_is_cancelled (self->cancellable) || job->generation != self->generation ||
      r == NULL)
    {
      if (r)
        landscape_result_free (r);
      return;
    }
  if (r->landscape == NULL)
    {
      bl_contour_view_set_grid (self->contour_view, NULL, 0, 0, 0, 1, 0, 1, NULL, NULL, NULL);
      bl_contour_view_set_message (self->contour_view, r->error ? r->error->message : "");
      landscape_result_free (r);
      return;
    }
  l = r->landscape;
  bl_contour_view_set_message (self->contour_view, NULL);
  bl_contour_view_set_grid (self->contour_view, l->loss, l->nx, l->ny, l->x_min, l->x_max,
                            l->y_min, l->y_max, bl_toy_column_label (job->x),
                            bl_toy_column_label (job->y), "E_total");
  bl_contour_view_clear_paths (self->contour_view);
  /* The page's rates in the page's colours; an added rate takes the next free slot. */
  bl_palette_slots_for_rates (r->rates, r->added ? r->n_rates - 1 : r->n_rates, slots);
  if (r->added)
    slots[r->n_rates - 1] = r->n_rates - 1;
  self->n_rates = r->n_rates;
  for (guint i = 0; i < r->n_rates; i++)
    {
      GdkRGBA c;
      g_autofree char *label = NULL;
      gboolean over = r->overshoot_row[i] != G_MAXUINT;
      any_overshoot |= over;
      bl_palette_color (slots[i], &c);
      if (over)
        /* Translators: a learning rate, and the iteration where its loss first rose. */
        label = g_strdup_printf (_("η = %g%s\novershoots at %u"), r->rates[i],
                                 r->added && i == r->n_rates - 1 ? _(" (added)") : "",
                                 r->overshoot_row[i]);
      else
        label = g_strdup_printf ("η = %g", r->rates[i]);
      bl_contour_view_add_path (self->contour_view, (double *) r->paths[i]->data,
                                r->paths[i]->len / 2, &c, label, r->mark[i]);
      self->rates[i] = r->rates[i];
      self->overshoots[i] = over;
    }
  g_string_append_printf (caption,
                          _("E_total over %s and %s, every other weight at iteration %u of "
                            "η = %g; the heavier the shading, the lower. Each line is one "
                            "rate's gradient descent from the common start (the plain ring), "
                            "projected on these two weights, to iteration %u; a ring of its "
                            "colour marks iteration %u."),
                          bl_toy_column_label (job->x), bl_toy_column_label (job->y),
                          job->net.current_row, job->net.n_rates ? job->net.rates[0] : 0.0,
                          MIN (MAX (job->net.iterations, job->net.current_row), MAX_PATH_ROWS),
                          job->net.current_row);
  if (r->added)
    g_string_append_printf (caption, _(" None of the page's rates overshoots here, so η = %g, "
                                       "the smallest of 5, 10, 20, 50, 100 that does, is "
                                       "added: its loss rises at a step, where the path jumps "
                                       "across the valley."), r->rates[r->n_rates - 1]);
  else if (any_overshoot)
    g_string_append (caption, _(" A rate that overshoots jumps across the valley: its loss "
                                "rises at that step."));
  else
    g_string_append (caption, _(" No rate overshoots this network, not even η = 100: the "
                                "sigmoid flattens as it saturates and shortens every step. "
                                "With tanh units a large rate does."));
  gtk_label_set_text (self->caption_label, caption->str);
  landscape_result_free (r);
}

static void
start_job (BlLandscapeWindow *self)
{
  LandscapeJob *job = g_new0 (LandscapeJob, 1);
  g_autoptr(GTask) task = NULL;

  job->net = self->net;
  job->x = self->x;
  job->y = self->y;
  job->generation = ++self->generation;
  task = g_task_new (self, NULL, landscape_done, NULL);
  g_task_set_task_data (task, job, g_free);
  self->n_busy++;
  bl_contour_view_set_message (self->contour_view, _("Computing…"));
  g_task_run_in_thread (task, landscape_thread);
}

static void
fill_params (BlLandscapeWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint ix = 0, iy = 0;

  self->n_params = 0;
  for (BlToyColumn c = BL_TOY_COL_W1; c < BL_TOY_N_COLS; c++)
    if (bl_toy_column_is_param (c) && bl_toy_column_visible (c, self->net.init.has_biases))
      {
        if (c == self->x)
          ix = self->n_params;
        if (c == self->y)
          iy = self->n_params;
        self->params[self->n_params++] = c;
        gtk_string_list_append (names, bl_toy_column_label (c));
      }
  if (self->params[ix] != self->x || self->params[iy] != self->y || ix == iy)
    {
      ix = 4;   /* w5 and w7: the output weights move most in the first iterations, and
                 * each feeds its own output, so the map has a valley rather than a slope */
      iy = 6;
      self->x = self->params[ix];
      self->y = self->params[iy];
    }
  self->syncing = TRUE;
  gtk_drop_down_set_model (self->x_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_model (self->y_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->x_dropdown, ix);
  gtk_drop_down_set_selected (self->y_dropdown, iy);
  self->syncing = FALSE;
}

static void
axis_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlLandscapeWindow *self)
{
  guint ix = gtk_drop_down_get_selected (self->x_dropdown);
  guint iy = gtk_drop_down_get_selected (self->y_dropdown);

  if (self->syncing || ix >= self->n_params || iy >= self->n_params)
    return;
  if (ix == iy)
    {
      /* The same weight twice is no map: the other drop-down moves on by one. */
      self->syncing = TRUE;
      if (dropdown == self->x_dropdown)
        gtk_drop_down_set_selected (self->y_dropdown, iy = (iy + 1) % self->n_params);
      else
        gtk_drop_down_set_selected (self->x_dropdown, ix = (ix + 1) % self->n_params);
      self->syncing = FALSE;
    }
  self->x = self->params[ix];
  self->y = self->params[iy];
  start_job (self);
}

static void
projector_changed (GtkWindow *window)
{
  BlLandscapeWindow *self = BL_LANDSCAPE_WINDOW (window);
  bl_contour_view_set_projector_mode (self->contour_view, bl_tool_window_is_projector (window));
}

static void
bl_landscape_window_dispose (GObject *object)
{
  BlLandscapeWindow *self = BL_LANDSCAPE_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_LANDSCAPE_WINDOW);
  G_OBJECT_CLASS (bl_landscape_window_parent_class)->dispose (object);
}

static void
bl_landscape_window_finalize (GObject *object)
{
  g_object_unref (BL_LANDSCAPE_WINDOW (object)->cancellable);
  G_OBJECT_CLASS (bl_landscape_window_parent_class)->finalize (object);
}

static void
bl_landscape_window_class_init (BlLandscapeWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_landscape_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_landscape_window_finalize;
  g_type_ensure (BL_TYPE_CONTOUR_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-landscape-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BlLandscapeWindow, x_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlLandscapeWindow, y_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlLandscapeWindow, contour_view);
  gtk_widget_class_bind_template_child (widget_class, BlLandscapeWindow, caption_label);
  gtk_widget_class_bind_template_callback (widget_class, axis_changed_cb);
}

static void
bl_landscape_window_init (BlLandscapeWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->x = BL_TOY_COL_W5;
  self->y = BL_TOY_COL_W7;
}

BlLandscapeWindow *
bl_landscape_window_new (GtkWindow *parent, const BlToolNetwork *net)
{
  BlLandscapeWindow *self = g_object_new (BL_TYPE_LANDSCAPE_WINDOW, "transient-for", parent,
                                          NULL);
  BlToolNetwork fallback;

  if (net == NULL)
    {
      bl_tool_network_default (&fallback);
      net = &fallback;
    }
  bl_tool_window_follow_projector (GTK_WINDOW (self), parent, projector_changed);
  bl_landscape_window_set_network (self, net);
  return self;
}

void
bl_landscape_window_set_network (BlLandscapeWindow *self, const BlToolNetwork *net)
{
  g_return_if_fail (BL_IS_LANDSCAPE_WINDOW (self));
  self->net = *net;
  fill_params (self);
  start_job (self);
}

gboolean
bl_landscape_window_set_weights (BlLandscapeWindow *self, BlToyColumn x, BlToyColumn y)
{
  int ix = -1, iy = -1;

  g_return_val_if_fail (BL_IS_LANDSCAPE_WINDOW (self), FALSE);
  for (guint k = 0; k < self->n_params; k++)
    {
      if (self->params[k] == x)
        ix = (int) k;
      if (self->params[k] == y)
        iy = (int) k;
    }
  if (ix < 0 || iy < 0 || ix == iy)
    return FALSE;
  self->syncing = TRUE;
  gtk_drop_down_set_selected (self->x_dropdown, ix);
  gtk_drop_down_set_selected (self->y_dropdown, iy);
  self->syncing = FALSE;
  self->x = x;
  self->y = y;
  start_job (self);
  return TRUE;
}

gboolean
bl_landscape_window_is_busy (BlLandscapeWindow *self)
{
  return self->n_busy > 0;
}

BlContourView *
bl_landscape_window_get_view (BlLandscapeWindow *self)
{
  return self->contour_view;
}

const char *
bl_landscape_window_get_caption (BlLandscapeWindow *self)
{
  return gtk_label_get_text (self->caption_label);
}

guint
bl_landscape_window_get_rates (BlLandscapeWindow *self, const double **rates,
                               const gboolean **overshoots)
{
  *rates = self->rates;
  *overshoots = self->overshoots;
  return self->n_rates;
}
