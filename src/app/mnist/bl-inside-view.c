/* bl-inside-view.c: see bl-inside-view.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "bl-frame-pacer.h"
#include "mnist/bl-inside-view.h"
#include "nn-inspect.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-digit-strip.h"
#include "widgets/bl-feature-maps.h"

/* The occlusion's square and its stride: 9 × 9 positions, 81 forward passes. */
#define OCCLUSION_PATCH 6
#define OCCLUSION_STRIDE 3
#define OCCLUSION_BATCH 81
/* The gradient check's batch: the first training images, and the central difference's step. */
#define CHECK_BATCH 8
#define CHECK_EPS 1e-3

struct _BlInsideView {
  GtkWidget      parent_instance;

  GtkLabel      *strip_label;
  BlDigitStrip  *strip;
  GtkFlowBox    *layer_box;
  BlFeatureMaps *maps;
  GtkLabel      *explain_label;
  BlFeatureMaps *filters;
  GtkDropDown   *class_choice;   /* 0: the network's answer, 1 + c: class c */
  BlFeatureMaps *saliency_maps;
  BlFeatureMaps *occlusion_maps;
  GtkDropDown   *param_layer;
  GtkSpinButton *param_index;
  GtkCheckButton *param_random;
  GtkLabel      *param_where;
  GtkLabel      *check_label;
  BlChart       *grad_chart;
  BlChart       *ratio_chart;
  BlChart       *hist_chart;
  guint          grad_series[NN_INSPECT_MAX_PARAM_LAYERS];
  guint          ratio_series[NN_INSPECT_MAX_PARAM_LAYERS];
  GArray        *hist_curves;    /* HistCurve: one per network the histograms show */

  NnModel       *model;          /* the network's weights, for taking values apart */
  GBytes        *state;
  char          *source;
  NnDataset     *data;
  guint32        strip_index[NN_INSPECT_STRIP];
  guint          n_strip;
  guint          strip_updates;
  float          digit[NN_IMAGE_SIZE];   /* normalised */
  int            digit_label;
  gboolean       has_digit;
  NnCapture     *cap;
  guint          map;
  int            sel_c, sel_y, sel_x;
  NnParamLayer   params[NN_INSPECT_MAX_PARAM_LAYERS];
  guint          n_param_layers;
  gboolean       projector_mode;

  GCancellable  *capture_job, *strip_job, *check_job;
  gboolean       capture_again;  /* a newer network came while a capture ran */

  /* What the screen does not show yet: each a region of the page's pacer, so the view's
   * changes never share a frame with the rest of the page's (bl-frame-pacer.h). */
  BlFramePacer  *pacer;
  GArray        *unshown_batches;   /* BatchPoint */
  gboolean       strip_unshown;
  float          strip_probs[NN_INSPECT_STRIP * NN_CLASSES];
  guint          strip_epoch, strip_batch, strip_n_batches;   /* of the unshown answers */
  gboolean       network_unshown;   /* the filters and the histogram */
  gboolean       capture_unshown;   /* the maps, the saliency and the occlusion */
  float          saliency[NN_IMAGE_SIZE], occlusion[NN_IMAGE_SIZE];
  guint          capture_class;
};

typedef struct {
  double x;
  guint  n;
  float  grad_norm[NN_INSPECT_MAX_PARAM_LAYERS];
  float  update_ratio[NN_INSPECT_MAX_PARAM_LAYERS];
} BatchPoint;

G_DEFINE_FINAL_TYPE (BlInsideView, bl_inside_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECTOR_MODE, N_PROPS };
static GParamSpec *props[N_PROPS];

static void show_map (BlInsideView *self);
static void start_capture (BlInsideView *self, gboolean replace);
static void show_filters (BlInsideView *self);
static void schedule (BlInsideView *self);

/* ------------------------------------------------------------------------------------------
 * Jobs: each owns copies of what it reads; results are dropped if cancelled meanwhile.
 */

static NnModel *
model_for (GBytes *state, guint max_batch, GError **error)
{
  NnModel *m = nn_model_new (1, max_batch, 1, error);
  if (m && !nn_model_set_state (m, state, error))
    g_clear_pointer (&m, nn_model_free);
  return m;
}

/* As training normalises its images (the same function), so a test digit's maps here are
 * the ones the network computed for it. */
static void
normalise (float *x, const guint8 *pixels)
{
  guint8 label = 0, y;
  guint32 first = 0;
  const NnSplit one = { 1, (guint8 *) pixels, &label };
  nn_split_fill_batch (&one, &first, 1, x, &y, NULL);
}

typedef struct {
  GBytes *state;
  float   x[NN_IMAGE_SIZE];
  int     cls;             /* −1: the predicted class */
} CaptureJob;

typedef struct {
  NnCapture *cap;
  guint      cls;
  float      saliency[NN_IMAGE_SIZE];
  float      occlusion[NN_IMAGE_SIZE];
} CaptureResult;

static void
capture_job_free (CaptureJob *job)
{
  g_bytes_unref (job->state);
  g_free (job);
}

static void
capture_result_free (CaptureResult *r)
{
  nn_capture_free (r->cap);
  g_free (r);
}

static void
capture_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CaptureJob *job = data;
  GError *error = NULL;
  NnModel *m = model_for (job->state, OCCLUSION_BATCH, &error);
  CaptureResult *r;

  if (m == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  r = g_new0 (CaptureResult, 1);
  r->cap = nn_inspect_capture (m, job->x);
  r->cls = job->cls < 0 ? r->cap->predicted : (guint) job->cls;
  nn_inspect_input_gradient (m, r->cap, r->cls, r->saliency);
  if (!g_cancellable_is_cancelled (cancellable))
    nn_inspect_occlusion (m, job->x, r->cls, OCCLUSION_PATCH, OCCLUSION_STRIDE, r->occlusion);
  nn_model_free (m);
  g_task_return_pointer (task, r, (GDestroyNotify) capture_result_free);
}

static void
capture_done (GObject *source, GAsyncResult *res, gpointer data)
{
  BlInsideView *self;
  g_autoptr(GError) error = NULL;
  CaptureResult *r = g_task_propagate_pointer (G_TASK (res), &error);

  if (r == NULL)
    {
      /* Cancelled: the view moved on, or is gone. Otherwise the state did not fit. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_clear_object (&BL_INSIDE_VIEW (source)->capture_job);
      return;
    }
  self = BL_INSIDE_VIEW (source);
  g_clear_object (&self->capture_job);
  nn_capture_free (self->cap);
  self->cap = g_steal_pointer (&r->cap);
  self->capture_class = r->cls;
  memcpy (self->saliency, r->saliency, sizeof self->saliency);
  memcpy (self->occlusion, r->occlusion, sizeof self->occlusion);
  capture_result_free (r);
  self->capture_unshown = TRUE;
  schedule (self);
  if (self->capture_again)
    start_capture (self, TRUE);
}

/* The capture on screen: its maps, its gradient and occlusion maps. */
static gboolean
capture_pending (gpointer data)
{
  return BL_INSIDE_VIEW (data)->capture_unshown;
}

static void
show_capture (gpointer data)
{
  BlInsideView *self = data;
  char title[160];

  self->capture_unshown = FALSE;
  if (self->cap)
    {
      /* TRANSLATORS: the input-gradient map's title: the class */
      g_snprintf (title, sizeof title, _("Gradient of class %u's score"), self->capture_class);
      bl_feature_maps_set_maps (self->saliency_maps, self->saliency, 1, NN_IMAGE_SIDE,
                                NN_IMAGE_SIDE, title);
      /* TRANSLATORS: the occlusion map's title: the class */
      g_snprintf (title, sizeof title, _("Drop in class %u's probability"),
                  self->capture_class);
      bl_feature_maps_set_maps (self->occlusion_maps, self->occlusion, 1, NN_IMAGE_SIDE,
                                NN_IMAGE_SIDE, title);
    }
  show_map (self);   /* without a capture: why there is none */
}

/* Starts the capture of the current digit with the current network. A new digit or class
 * (@replace) cancels the one running; a new network waits for it (an epoch shorter than a
 * capture would otherwise never show one). */
static void
start_capture (BlInsideView *self, gboolean replace)
{
  g_autoptr(GTask) task = NULL;
  CaptureJob *job;

  if (self->capture_job && !replace)
    {
      self->capture_again = TRUE;
      return;
    }
  self->capture_again = FALSE;
  if (self->capture_job)
    g_cancellable_cancel (self->capture_job);
  g_clear_object (&self->capture_job);
  if (self->state == NULL || !self->has_digit)
    return;
  job = g_new0 (CaptureJob, 1);
  job->state = g_bytes_ref (self->state);
  memcpy (job->x, self->digit, sizeof job->x);
  job->cls = (int) gtk_drop_down_get_selected (self->class_choice) - 1;
  self->capture_job = g_cancellable_new ();
  task = g_task_new (self, self->capture_job, capture_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) capture_job_free);
  g_task_run_in_thread (task, capture_thread);
}

typedef struct {
  NnDataset *data;
  guint32    index[NN_INSPECT_STRIP];
  guint      n;
} StripJob;

static void
strip_job_free (StripJob *job)
{
  nn_dataset_unref (job->data);
  g_free (job);
}

static void
strip_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  StripJob *job = data;
  job->n = nn_inspect_choose_strip (&job->data->test, job->index);
  g_task_return_boolean (task, TRUE);
}

static void
strip_done (GObject *source, GAsyncResult *res, gpointer data)
{
  BlInsideView *self;
  StripJob *job = g_task_get_task_data (G_TASK (res));
  guint8 pixels[NN_INSPECT_STRIP][NN_IMAGE_SIZE], labels[NN_INSPECT_STRIP];

  if (!g_task_propagate_boolean (G_TASK (res), NULL))
    return;
  self = BL_INSIDE_VIEW (source);
  g_clear_object (&self->strip_job);
  self->n_strip = job->n;
  memcpy (self->strip_index, job->index, sizeof job->index);
  for (guint i = 0; i < job->n; i++)
    {
      memcpy (pixels[i], job->data->test.images + (gsize) job->index[i] * NN_IMAGE_SIZE,
              NN_IMAGE_SIZE);
      labels[i] = job->data->test.labels[job->index[i]];
    }
  bl_digit_strip_set_digits (self->strip, &pixels[0][0], labels, job->n);
  if (!self->has_digit && job->n > 0)
    {
      bl_inside_view_show_digit (self, pixels[0], labels[0]);
      bl_digit_strip_set_selected (self->strip, 0);
    }
}

typedef struct {
  GBytes      *state;
  float        x[CHECK_BATCH * NN_IMAGE_SIZE];
  guint8       y[CHECK_BATCH];
  guint        n;
  gsize        param;
  NnGradCheck  result;
} CheckJob;

static void
check_job_free (CheckJob *job)
{
  g_bytes_unref (job->state);
  g_free (job);
}

static void
check_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  CheckJob *job = data;
  GError *error = NULL;
  NnModel *m = model_for (job->state, CHECK_BATCH, &error);

  if (m == NULL || !nn_inspect_check_param (m, job->x, job->y, job->n, 0, job->param, CHECK_EPS,
                                            &job->result, &error))
    {
      nn_model_free (m);
      g_task_return_error (task, error);
      return;
    }
  nn_model_free (m);
  g_task_return_boolean (task, TRUE);
}

/* Where parameter @p is: its layer, and a readable place within it. */
static void
describe_param (BlInsideView *self, gsize p, char *buf, gsize size)
{
  for (guint l = 0; l < self->n_param_layers; l++)
    {
      const NnParamLayer *L = &self->params[l];
      gsize at;
      if (p < L->offset || p >= L->offset + L->size)
        continue;
      at = p - L->offset;
      if (at >= L->n_weights)
        /* TRANSLATORS: a bias of a layer, e.g. "conv2 bias [5]" (BN: β) */
        g_snprintf (buf, size, g_str_equal (L->type, "BatchNorm2d") ? _("%s β [%zu]")
                                                                     : _("%s bias [%zu]"),
                    L->name, at - L->n_weights);
      else if (g_str_equal (L->type, "Conv2d"))
        {
          gsize per_k = L->n_weights / (L->size - L->n_weights);
          /* TRANSLATORS: a conv weight: layer, output channel, input channel, row, column */
          g_snprintf (buf, size, _("%s weight [%zu, %zu, %zu, %zu]"), L->name, at / per_k,
                      at % per_k / 9, at % 9 / 3, at % 3);
        }
      else if (g_str_equal (L->type, "BatchNorm2d"))
        g_snprintf (buf, size, _("%s γ [%zu]"), L->name, at);
      else
        {
          gsize inputs = L->n_weights / NN_CLASSES;   /* the last layer: one row per class */
          /* TRANSLATORS: a linear layer's weight: layer, output, input */
          g_snprintf (buf, size, _("%s weight [%zu, %zu]"), L->name, at / inputs, at % inputs);
        }
      return;
    }
  g_snprintf (buf, size, "#%zu", p);
}

static void
check_done (GObject *source, GAsyncResult *res, gpointer data)
{
  BlInsideView *self;
  CheckJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  char where[96];

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = BL_INSIDE_VIEW (source);
      g_clear_object (&self->check_job);
      gtk_label_set_text (self->check_label, error->message);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "inside.check-gradient", TRUE);
      return;
    }
  self = BL_INSIDE_VIEW (source);
  g_clear_object (&self->check_job);
  describe_param (self, job->param, where, sizeof where);
  text = g_strdup_printf (_("%s on a batch of %u training images (dropout p = %g, its mask "
                            "fixed):\nanalytic (backprop) %.6g · numeric (L(θ+ε) − L(θ−ε)) / 2ε "
                            "%.6g · relative error %.2g · ε = %g · loss %.5f"),
                          where, job->n, (double) job->result.dropout, job->result.analytic,
                          job->result.numeric, job->result.rel_error, job->result.eps,
                          job->result.loss);
  gtk_label_set_text (self->check_label, text);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inside.check-gradient", TRUE);
}

/* The parameters the gradient check picks from for dropdown entry @layer: that layer's, or
 * for "any layer" the whole network's. */
static void
param_range (BlInsideView *self, guint layer, gsize *offset, gsize *count)
{
  const NnParamLayer *last = &self->params[self->n_param_layers - 1];

  if (layer >= self->n_param_layers)
    {
      *offset = 0;
      *count = last->offset + last->size;
    }
  else
    {
      *offset = self->params[layer].offset;
      *count = self->params[layer].size;
    }
}

/* Says which parameter the check will take: the spin button's, or one drawn at random. */
static void
show_param_choice (BlInsideView *self)
{
  gsize offset, count;
  gboolean random = gtk_check_button_get_active (self->param_random);
  char where[96], text[160];

  param_range (self, gtk_drop_down_get_selected (self->param_layer), &offset, &count);
  gtk_widget_set_sensitive (GTK_WIDGET (self->param_index), !random);
  if (random)
    /* TRANSLATORS: the gradient check's choice: how many parameters it draws from */
    g_snprintf (text, sizeof text, _("one of %zu, drawn at each check"), count);
  else
    {
      describe_param (self, offset + (gsize) gtk_spin_button_get_value_as_int (self->param_index),
                      where, sizeof where);
      /* TRANSLATORS: the parameter the gradient check takes, e.g. "conv2 weight [3, 1, 0, 2]" */
      g_snprintf (text, sizeof text, _("checks %s"), where);
    }
  gtk_label_set_text (self->param_where, text);
}

static void
param_index_cb (GtkSpinButton *spin, BlInsideView *self)
{
  show_param_choice (self);
}

static void
param_random_cb (GtkCheckButton *check, BlInsideView *self)
{
  show_param_choice (self);
}

/* Another layer: the spin button counts its parameters. */
static void
update_param_range (BlInsideView *self)
{
  gsize offset, count;

  param_range (self, gtk_drop_down_get_selected (self->param_layer), &offset, &count);
  gtk_spin_button_set_range (self->param_index, 0, (double) count - 1);
  show_param_choice (self);
}

static void
check_gradient_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BlInsideView *self = BL_INSIDE_VIEW (widget);
  g_autoptr(GTask) task = NULL;
  guint layer = gtk_drop_down_get_selected (self->param_layer);
  guint32 idx[CHECK_BATCH];
  CheckJob *job;

  if (self->state == NULL || self->data == NULL || self->data->train.n == 0)
    {
      gtk_label_set_text (self->check_label, _("There is no network to check yet: train first."));
      return;
    }
  job = g_new0 (CheckJob, 1);
  job->state = g_bytes_ref (self->state);
  job->n = MIN (CHECK_BATCH, self->data->train.n);
  for (guint i = 0; i < job->n; i++)
    idx[i] = i;
  nn_split_fill_batch (&self->data->train, idx, job->n, job->x, job->y, NULL);
  {
    gsize offset, count;
    param_range (self, layer, &offset, &count);
    job->param = offset + (gtk_check_button_get_active (self->param_random)
                           ? (gsize) g_random_int_range (0, (gint32) count)
                           : (gsize) gtk_spin_button_get_value_as_int (self->param_index));
  }
  gtk_label_set_text (self->check_label, _("Computing…"));
  gtk_widget_action_set_enabled (widget, "inside.check-gradient", FALSE);
  self->check_job = g_cancellable_new ();
  task = g_task_new (self, self->check_job, check_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) check_job_free);
  g_task_run_in_thread (task, check_thread);
}

/* ------------------------------------------------------------------------------------------
 * Taking a value apart
 */

static const char *
map_name (BlInsideView *self, guint map, char *buf, gsize size)
{
  if (map == 0)
    g_snprintf (buf, size, _("Input"));
  else if (self->cap && map == self->cap->n_maps - 1)
    g_snprintf (buf, size, _("Softmax"));
  else
    {
      NnLayerInfo info;
      nn_model_layer_info (self->model, map - 1, &info);
      g_snprintf (buf, size, "%s", info.type);
    }
  return buf;
}

static void
append_num (GString *s, double v)
{
  g_string_append_printf (s, "%+.6f", v);
}

static char *
explain_text (BlInsideView *self, const NnExplain *e)
{
  GString *s = g_string_new (NULL);
  char name[64];
  const NnMap *M = &self->cap->maps[e->map];

  map_name (self, e->map, name, sizeof name);
  /* TRANSLATORS: the value taken apart: layer, channel, row, column, its value */
  g_string_append_printf (s, _("%s%s%s, channel %d, row %d, column %d: value %+.6f\n"), name,
                          M->name ? " · " : "", M->name ? M->name : "", e->c, e->y, e->x,
                          e->value);
  switch (e->kind)
    {
    case NN_MAP_CONV:
      g_string_append_printf (s, _("The 3×3 window of each of the %d input channels times its "
                                   "kernel (pad: outside the image, 0):\n"), e->n_channels);
      for (int c = 0; c < e->n_channels; c++)
        {
          double sum = 0;
          g_string_append_printf (s, _("input channel %d\n"), c);
          for (int i = 0; i < 3; i++)
            {
              g_string_append (s, "  ");
              for (int j = 0; j < 3; j++)
                {
                  int t = c * 9 + i * 3 + j;
                  if (e->padded[t])
                    g_string_append (s, _("      pad"));
                  else
                    g_string_append_printf (s, "%+9.5f", e->in[t]);
                  g_string_append (s, " × ");
                  g_string_append_printf (s, "%+9.5f", e->weight[t]);
                  g_string_append (s, " = ");
                  g_string_append_printf (s, "%+10.6f", e->product[t] + 0.0);   /* no −0 */
                  g_string_append (s, j < 2 ? "  │ " : "\n");
                  sum += e->product[t];
                }
            }
          g_string_append_printf (s, _("  sum of the 9 products: %+.6f\n"), sum);
        }
      g_string_append_printf (s, _("Sum of all %u products %+.6f, plus the bias %+.6f "
                                   "= %+.6f\n"), e->n_terms, e->sum, e->bias, e->result);
      break;
    case NN_MAP_BN:
      g_string_append_printf (s, _("Batch norm with the running statistics (as in testing):\n"
                                   "  z = %+.6f (the convolution's value)\n"
                                   "  running mean μ = %+.6f, running variance σ² = %.6f, "
                                   "ε = %g\n  γ = %+.6f, β = %+.6f\n"
                                   "  γ · (z − μ) / √(σ² + ε) + β = %+.6f\n"),
                              e->in[0], e->running_mean, e->running_var, e->eps, e->gamma,
                              e->beta, e->result);
      break;
    case NN_MAP_RELU:
      g_string_append_printf (s, _("ReLU: max(0, %+.6f) = %+.6f\n"), e->in[0], e->result);
      break;
    case NN_MAP_DROPOUT:
      g_string_append_printf (s, _("Dropout in testing passes every value on: %+.6f\n"),
                              e->result);
      break;
    case NN_MAP_MAXPOOL:
      g_string_append (s, _("Max-pool, the 2×2 window (the winner marked ◀):\n"));
      for (int t = 0; t < 4; t++)
        {
          g_string_append (s, "  ");
          append_num (s, e->in[t]);
          g_string_append (s, t == e->winner ? " ◀" : "  ");
          if (t % 2 == 1)
            g_string_append_c (s, '\n');
        }
      g_string_append_printf (s, _("the largest: %+.6f\n"), e->result);
      break;
    case NN_MAP_GAP:
      g_string_append_printf (s, _("Global average pooling: the mean of the channel's %u "
                                   "values:\n  "), e->n_terms);
      for (guint t = 0; t < e->n_terms; t++)
        {
          append_num (s, e->in[t]);
          g_string_append (s, t + 1 < e->n_terms ? " + " : "");
        }
      g_string_append_printf (s, _("\n  = %+.6f, divided by %u = %+.6f\n"), e->sum, e->n_terms,
                              e->result);
      break;
    case NN_MAP_LINEAR:
      g_string_append (s, _("Linear: each pooled feature times its weight:\n"));
      for (guint t = 0; t < e->n_terms; t++)
        g_string_append_printf (s, "  %+.6f × %+.6f = %+.6f\n", e->in[t], e->weight[t],
                                e->product[t]);
      g_string_append_printf (s, _("Sum %+.6f, plus the bias %+.6f = %+.6f\n"), e->sum, e->bias,
                              e->result);
      break;
    case NN_MAP_SOFTMAX:
      g_string_append_printf (s, _("Softmax: e^(logit − %.6f) for each class, divided by "
                                   "their sum:\n"), e->logit_max);
      for (guint t = 0; t < e->n_terms; t++)
        g_string_append_printf (s, "  %u: e^(%+.6f − %.6f) = %.6f%s\n", t, e->in[t],
                                e->logit_max, e->product[t], (int) t == e->c ? " ◀" : "");
      g_string_append_printf (s, _("Sum %.6f; %.6f / %.6f = %.6f\n"), e->sum, e->product[e->c],
                              e->sum, e->result);
      break;
    case NN_MAP_INPUT:
      break;
    }
  return g_string_free (s, FALSE);
}

static void
show_explanation (BlInsideView *self)
{
  NnExplain *e;
  g_autofree char *text = NULL;

  if (self->cap == NULL || self->map == 0 || self->sel_c < 0)
    {
      gtk_label_set_text (self->explain_label,
                          self->map == 0 ? _("The input: the digit, normalised as in training. "
                                             "Pick a layer, then click a value to take it apart.")
                                         : _("Click a value in the maps to take it apart."));
      return;
    }
  e = g_new (NnExplain, 1);
  if (nn_inspect_explain (self->model, self->cap, self->map, self->sel_c, self->sel_y,
                          self->sel_x, e))
    text = explain_text (self, e);
  g_free (e);
  gtk_label_set_text (self->explain_label, text ? text : "");
}

/* ------------------------------------------------------------------------------------------
 * Showing
 */

static void
show_map (BlInsideView *self)
{
  char title[160], name[64];
  const NnMap *M;

  if (self->cap == NULL)
    {
      bl_feature_maps_set_maps (self->maps, NULL, 0, 0, 0,
                                self->state ? _("Looking inside…")
                                            : _("No network yet: train one, or open a model."));
      show_explanation (self);
      show_filters (self);
      return;
    }
  self->map = MIN (self->map, self->cap->n_maps - 1);
  M = &self->cap->maps[self->map];
  /* TRANSLATORS: a map's title: layer type, its parameters' name, shape, source network */
  g_snprintf (title, sizeof title, _("%s%s%s %d×%d×%d — %s"), map_name (self, self->map, name,
                                                                      sizeof name),
              M->name ? " · " : "", M->name ? M->name : "", M->c, M->h, M->w,
              self->source ? self->source : "");
  bl_feature_maps_set_maps (self->maps, M->data, M->c, M->h, M->w, title);
  if (self->sel_c >= M->c || self->sel_y >= M->h || self->sel_x >= M->w)
    self->sel_c = -1;
  bl_feature_maps_set_selected (self->maps, self->sel_c, self->sel_y, self->sel_x);
  show_explanation (self);
  show_filters (self);
}

/* The kernels of the shown convolution for the chosen output channel (conv1's: all sixteen). */
static void
show_filters (BlInsideView *self)
{
  char title[160];
  guint conv = 0;
  NnLayerInfo info;
  NnTensorView *v = NULL;
  g_autoptr(GArray) tensors = NULL;
  const char *want = "conv1";

  if (self->state == NULL)
    {
      bl_feature_maps_set_maps (self->filters, NULL, 0, 0, 0, _("No network yet."));
      return;
    }
  if (self->cap && self->map > 0 && self->map < self->cap->n_maps - 1
      && self->cap->maps[self->map].kind == NN_MAP_CONV)
    {
      want = self->cap->maps[self->map].name;
      conv = self->map - 1;
    }
  tensors = nn_model_tensors (self->model);
  for (guint i = 0; i < tensors->len; i++)
    {
      NnTensorView *t = &g_array_index (tensors, NnTensorView, i);
      g_autofree char *name = g_strdup_printf ("%s.weight", want);
      if (g_str_equal (t->name, name))
        v = t;
    }
  g_return_if_fail (v != NULL);
  nn_model_layer_info (self->model, conv, &info);
  if (v->dims[1] == 1)
    {
      /* TRANSLATORS: the learned filters' title: layer, count */
      g_snprintf (title, sizeof title, _("%s: its %d kernels, 3×3"), want, v->dims[0]);
      bl_feature_maps_set_maps (self->filters, v->data, v->dims[0], 3, 3, title);
    }
  else
    {
      int k = self->sel_c >= 0 && self->sel_c < v->dims[0] ? self->sel_c : 0;
      /* TRANSLATORS: the kernels of one output channel: layer, channel, count */
      g_snprintf (title, sizeof title, _("%s, output channel %d: its %d kernels, 3×3, one per "
                                         "input channel"), want, k, v->dims[1]);
      bl_feature_maps_set_maps (self->filters, v->data + (gsize) k * v->dims[1] * 9, v->dims[1],
                                3, 3, title);
    }
}

static void
fill_layer_box (BlInsideView *self)
{
  guint n = nn_model_n_layers (self->model);
  char buf[96];

  for (guint map = 0; map < n + 2; map++)
    {
      GtkWidget *label;
      if (map == 0)
        g_snprintf (buf, sizeof buf, _("Input 1×28×28"));
      else if (map == n + 1)
        g_snprintf (buf, sizeof buf, _("Softmax %d"), NN_CLASSES);
      else
        {
          NnLayerInfo info;
          nn_model_layer_info (self->model, map - 1, &info);
          g_snprintf (buf, sizeof buf, "%s %d×%d×%d", info.type, info.out_c, info.out_h,
                      info.out_w);
        }
      label = gtk_label_new (buf);
      gtk_widget_set_margin_start (label, 6);
      gtk_widget_set_margin_end (label, 6);
      gtk_flow_box_append (self->layer_box, label);
    }
}

/* ------------------------------------------------------------------------------------------
 * Callbacks
 */

static void
strip_digit_cb (BlDigitStrip *strip, guint position, BlInsideView *self)
{
  if (position >= self->n_strip || self->data == NULL)
    return;
  bl_inside_view_show_digit (self, self->data->test.images
                                   + (gsize) self->strip_index[position] * NN_IMAGE_SIZE,
                             self->data->test.labels[self->strip_index[position]]);
  bl_digit_strip_set_selected (strip, (int) position);
}

static void
layer_selected_cb (GtkFlowBox *box, BlInsideView *self)
{
  GList *sel = gtk_flow_box_get_selected_children (box);

  if (sel)
    {
      guint map = (guint) gtk_flow_box_child_get_index (sel->data);
      if (map != self->map)
        {
          self->map = map;
          self->sel_c = -1;
          show_map (self);
        }
    }
  g_list_free (sel);
}

static void
pixel_cb (BlFeatureMaps *maps, int c, int y, int x, BlInsideView *self)
{
  bl_inside_view_select_pixel (self, c, y, x);
}

static void
class_changed_cb (GtkDropDown *choice, GParamSpec *pspec, BlInsideView *self)
{
  start_capture (self, TRUE);
}

/* ------------------------------------------------------------------------------------------
 * Is each layer learning?
 */

/* The layer the histograms are of: the gradient check's choice, conv1 for "any layer". */
static guint
histogram_layer (BlInsideView *self)
{
  guint l = gtk_drop_down_get_selected (self->param_layer);
  return l < self->n_param_layers ? l : 0;
}

#define HIST_BINS 40

typedef struct {
  GBytes *state;
  char    label[160];            /* its source */
  double  x[HIST_BINS], y[HIST_BINS];
  guint   id;                    /* the chart's series; G_MAXUINT: not on the chart yet */
  GdkRGBA color;                 /* its own colour */
} HistCurve;

static void
hist_curve_clear (HistCurve *c)
{
  g_bytes_unref (c->state);
}

static void
clear_histograms (BlInsideView *self)
{
  bl_chart_clear (self->hist_chart);
  g_array_set_size (self->hist_curves, 0);
}

/* The weights (not biases) of the chosen layer as a histogram, one curve per network handed
 * in: epoch after epoch the curves spread. Bins over ±the largest |weight| of this network.
 * Kept at once, every network's (a few hundred additions); drawn by show_histograms. */
static void
add_histogram_of (BlInsideView *self, NnModel *model, GBytes *state, const char *source)
{
  const NnParamLayer *L = &self->params[histogram_layer (self)];
  const float *w = nn_model_params (model) + L->offset;
  double vmax = 0;
  HistCurve curve = { 0 };

  for (guint i = 0; i < self->hist_curves->len; i++)
    if (g_bytes_equal (g_array_index (self->hist_curves, HistCurve, i).state, state))
      return;   /* shown before: an epoch replayed */
  for (gsize i = 0; i < L->n_weights; i++)
    vmax = MAX (vmax, fabs (w[i]));
  if (vmax == 0)
    return;
  for (int b = 0; b < HIST_BINS; b++)
    curve.x[b] = -vmax + (b + 0.5) * 2 * vmax / HIST_BINS;
  for (gsize i = 0; i < L->n_weights; i++)
    curve.y[MIN (HIST_BINS - 1, (int) ((w[i] + vmax) / (2 * vmax) * HIST_BINS))]++;
  /* TRANSLATORS: a histogram's legend: the network's source ("this window's run, epoch 3") */
  g_snprintf (curve.label, sizeof curve.label, "%s", source ? source : "");
  curve.state = g_bytes_ref (state);
  curve.id = G_MAXUINT;
  g_array_append_val (self->hist_curves, curve);
}

static void
add_histogram (BlInsideView *self)
{
  add_histogram_of (self, self->model, self->state, self->source);
}

/* The curves not on the chart yet go on it; the shown network's keeps its colour and, when it
 * is not the newest (an epoch replayed), the others fade. */
static void
show_histograms (BlInsideView *self)
{
  const NnParamLayer *L = &self->params[histogram_layer (self)];
  guint shown = G_MAXUINT, n = self->hist_curves->len;
  char title[160];

  for (guint i = 0; i < n; i++)
    {
      HistCurve *c = &g_array_index (self->hist_curves, HistCurve, i);
      if (c->id == G_MAXUINT)
        {
          c->id = bl_chart_add_series (self->hist_chart, c->label, NULL, BL_CHART_LINE_SOLID);
          bl_chart_series_set_data (self->hist_chart, c->id, c->x, c->y, HIST_BINS);
          bl_chart_get_series_color (self->hist_chart, i, &c->color);
        }
      if (self->state && shown == G_MAXUINT && g_bytes_equal (c->state, self->state))
        shown = i;
    }
  for (guint i = 0; i < n; i++)
    {
      HistCurve *c = &g_array_index (self->hist_curves, HistCurve, i);
      GdkRGBA color = c->color;
      if (shown + 1 < n && i != shown)
        color.alpha = 0.25;
      bl_chart_series_set_color (self->hist_chart, c->id, &color);
    }
  /* TRANSLATORS: the histogram chart's title: the layer */
  g_snprintf (title, sizeof title, _("Weights of %s, one curve per network shown"), L->name);
  bl_chart_set_title (self->hist_chart, title);
}

static void
param_layer_cb (GtkDropDown *drop, GParamSpec *pspec, BlInsideView *self)
{
  update_param_range (self);
  /* Another layer: its histograms start over from the network shown now. */
  clear_histograms (self);
  if (self->state)
    add_histogram (self);
  show_histograms (self);
}

static void
setup_learning_charts (BlInsideView *self)
{
  bl_chart_set_title (self->grad_chart, _("Gradient norm per layer"));
  bl_chart_set_title (self->ratio_chart, _("Update / weight per layer"));
  bl_chart_set_x_label (self->grad_chart, _("batch"));
  bl_chart_set_x_label (self->ratio_chart, _("batch"));
  bl_chart_set_log_y (self->grad_chart, TRUE);
  bl_chart_set_log_y (self->ratio_chart, TRUE);
  bl_chart_set_x_label (self->hist_chart, _("weight"));
  bl_chart_set_y_label (self->hist_chart, _("count"));
  for (guint l = 0; l < self->n_param_layers; l++)
    {
      /* Conv solid, BN dashed, linear with markers: ten layers, eight colours. */
      BlChartLineStyle style = g_str_equal (self->params[l].type, "BatchNorm2d")
                               ? BL_CHART_LINE_DASHED : BL_CHART_LINE_SOLID;
      self->grad_series[l] = bl_chart_add_series (self->grad_chart, self->params[l].name, NULL,
                                                  style);
      self->ratio_series[l] = bl_chart_add_series (self->ratio_chart, self->params[l].name, NULL,
                                                   style);
    }
}

/* ------------------------------------------------------------------------------------------
 * Public
 */

void
bl_inside_view_clear_run (BlInsideView *self)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  for (guint l = 0; l < self->n_param_layers; l++)
    {
      bl_chart_series_set_data (self->grad_chart, self->grad_series[l], NULL, NULL, 0);
      bl_chart_series_set_data (self->ratio_chart, self->ratio_series[l], NULL, NULL, 0);
    }
  clear_histograms (self);
  g_array_set_size (self->unshown_batches, 0);
  self->strip_unshown = FALSE;
  bl_digit_strip_set_probs (self->strip, NULL, 0);
}

void
bl_inside_view_set_dataset (BlInsideView *self, NnDataset *data)
{
  g_autoptr(GTask) task = NULL;
  StripJob *job;

  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  if (data == self->data)
    return;
  if (self->strip_job)
    g_cancellable_cancel (self->strip_job);
  g_clear_object (&self->strip_job);
  g_clear_pointer (&self->data, nn_dataset_unref);
  self->n_strip = 0;
  bl_digit_strip_set_digits (self->strip, NULL, NULL, 0);
  if (data == NULL)
    return;
  self->data = nn_dataset_ref (data);
  job = g_new0 (StripJob, 1);
  job->data = nn_dataset_ref (data);
  self->strip_job = g_cancellable_new ();
  task = g_task_new (self, self->strip_job, strip_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) strip_job_free);
  g_task_run_in_thread (task, strip_thread);
}

void
bl_inside_view_set_network (BlInsideView *self, GBytes *state, const char *source)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  if (state && self->state && g_bytes_equal (state, self->state))
    {
      /* The run's end hands on its last epoch's network again: only the name changes. */
      g_free (self->source);
      self->source = g_strdup (source);
      return;
    }
  if (state && !nn_model_set_state (self->model, state, NULL))
    state = NULL;
  g_clear_pointer (&self->state, g_bytes_unref);
  self->state = state ? g_bytes_ref (state) : NULL;
  g_free (self->source);
  self->source = g_strdup (source);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inside.check-gradient",
                                 state != NULL && self->check_job == NULL);
  if (state == NULL)
    g_clear_pointer (&self->cap, nn_capture_free);
  else
    add_histogram (self);
  start_capture (self, state == NULL);
  /* The filters and the histogram are the new network's in the next paced frame; the maps
   * wait for its capture (drawn now, they would be the old network's maps under the new
   * network's name, and drawn twice). */
  self->network_unshown = TRUE;
  if (self->capture_job == NULL)
    self->capture_unshown = TRUE;
  schedule (self);
}

void
bl_inside_view_keep_history (BlInsideView *self, GBytes *state, const char *source)
{
  NnModel *m;

  g_return_if_fail (BL_IS_INSIDE_VIEW (self) && state != NULL);
  if ((m = model_for (state, 1, NULL)) == NULL)
    return;
  add_histogram_of (self, m, state, source);
  nn_model_free (m);
  self->network_unshown = TRUE;   /* the histograms are redrawn in the next paced frame */
  schedule (self);
}

static gboolean
network_pending (gpointer data)
{
  return BL_INSIDE_VIEW (data)->network_unshown;
}

static void
show_network (gpointer data)
{
  BlInsideView *self = data;

  self->network_unshown = FALSE;
  show_histograms (self);
  show_filters (self);
  if (self->cap == NULL && !self->capture_unshown)
    show_map (self);   /* "Looking inside…" or "No network yet" */
}

void
bl_inside_view_add_batches (BlInsideView *self, const NnBatchReport *reports, guint n)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  for (guint i = 0; i < n; i++)
    {
      BatchPoint p;
      p.x = (double) (reports[i].epoch - 1) * reports[i].n_batches + reports[i].batch;
      p.n = MIN (reports[i].n_param_layers, self->n_param_layers);
      memcpy (p.grad_norm, reports[i].grad_norm, sizeof p.grad_norm);
      memcpy (p.update_ratio, reports[i].update_ratio, sizeof p.update_ratio);
      g_array_append_val (self->unshown_batches, p);
    }
  for (guint i = n; i-- > 0;)
    if (reports[i].n_strip > 0)
      {
        if (reports[i].n_strip != self->n_strip)
          break;   /* another data set's strip */
        memcpy (self->strip_probs, reports[i].strip_probs, sizeof self->strip_probs);
        self->strip_updates++;
        self->strip_epoch = reports[i].epoch;
        self->strip_batch = reports[i].batch;
        self->strip_n_batches = reports[i].n_batches;
        self->strip_unshown = TRUE;
        break;
      }
  schedule (self);
}

static gboolean
batches_pending (gpointer data)
{
  return BL_INSIDE_VIEW (data)->unshown_batches->len > 0;
}

static void
show_batches (gpointer data)
{
  BlInsideView *self = data;

  for (guint i = 0; i < self->unshown_batches->len; i++)
    {
      const BatchPoint *p = &g_array_index (self->unshown_batches, BatchPoint, i);
      for (guint l = 0; l < p->n; l++)
        {
          bl_chart_series_append (self->grad_chart, self->grad_series[l], p->x, p->grad_norm[l]);
          bl_chart_series_append (self->ratio_chart, self->ratio_series[l], p->x,
                                  p->update_ratio[l]);
        }
    }
  g_array_set_size (self->unshown_batches, 0);
}

static gboolean
strip_pending (gpointer data)
{
  return BL_INSIDE_VIEW (data)->strip_unshown;
}

static void
show_strip (gpointer data)
{
  BlInsideView *self = data;

  char text[256];

  self->strip_unshown = FALSE;
  bl_digit_strip_set_probs (self->strip, self->strip_probs, self->n_strip);
  /* TRANSLATORS: the strip's caption: right answers, total, epoch, batch, batches */
  g_snprintf (text, sizeof text, _("Twenty test digits, one typical and one hard per class: %u "
                                   "of %u right after epoch %u, batch %u of %u. Click one to "
                                   "look inside."),
              bl_digit_strip_get_n_right (self->strip), self->n_strip, self->strip_epoch,
              self->strip_batch, self->strip_n_batches);
  gtk_label_set_text (self->strip_label, text);
}

/* Through the page's pacer while the view is on screen; off screen (another tab) or without
 * a pacer, at once: drawing nothing costs nothing, and the pacer's frames go to what is seen. */
static void
schedule (BlInsideView *self)
{
  if (self->pacer && gtk_widget_get_mapped (GTK_WIDGET (self)))
    bl_frame_pacer_schedule (self->pacer);
  else
    while (strip_pending (self) || batches_pending (self) || network_pending (self) ||
           capture_pending (self))
      {
        if (strip_pending (self))
          show_strip (self);
        if (batches_pending (self))
          show_batches (self);
        if (network_pending (self))
          show_network (self);
        if (capture_pending (self))
          show_capture (self);
      }
}

void
bl_inside_view_set_pacer (BlInsideView *self, BlFramePacer *pacer)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  g_return_if_fail (self->pacer == NULL);
  self->pacer = g_object_ref (pacer);
  bl_frame_pacer_add_region (pacer, 60, strip_pending, show_strip, self);
  bl_frame_pacer_add_region (pacer, 70, batches_pending, show_batches, self);
  bl_frame_pacer_add_region (pacer, 80, network_pending, show_network, self);
  bl_frame_pacer_add_region (pacer, 90, capture_pending, show_capture, self);
}

void
bl_inside_view_show_digit (BlInsideView *self, const guint8 *pixels, int label)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self) && pixels != NULL);
  normalise (self->digit, pixels);
  self->digit_label = label;
  self->has_digit = TRUE;
  bl_digit_strip_set_selected (self->strip, -1);   /* the strip's caller marks its own */
  start_capture (self, TRUE);
}

void
bl_inside_view_show_input (BlInsideView *self, const float *x)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self) && x != NULL);
  memcpy (self->digit, x, sizeof self->digit);
  self->digit_label = -1;
  self->has_digit = TRUE;
  bl_digit_strip_set_selected (self->strip, -1);
  start_capture (self, TRUE);
}

void
bl_inside_view_select_map (BlInsideView *self, guint map)
{
  GtkFlowBoxChild *child;

  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  child = gtk_flow_box_get_child_at_index (self->layer_box, (int) map);
  if (child)
    gtk_flow_box_select_child (self->layer_box, child);
}

void
bl_inside_view_select_pixel (BlInsideView *self, int c, int y, int x)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  self->sel_c = c; self->sel_y = y; self->sel_x = x;
  bl_feature_maps_set_selected (self->maps, c, y, x);
  show_explanation (self);
  show_filters (self);
}

void
bl_inside_view_set_projector_mode (BlInsideView *self, gboolean projector_mode)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  if (self->projector_mode == !!projector_mode)
    return;
  self->projector_mode = !!projector_mode;
  bl_digit_strip_set_projector_mode (self->strip, projector_mode);
  bl_feature_maps_set_projector_mode (self->maps, projector_mode);
  bl_feature_maps_set_projector_mode (self->filters, projector_mode);
  bl_feature_maps_set_projector_mode (self->saliency_maps, projector_mode);
  bl_feature_maps_set_projector_mode (self->occlusion_maps, projector_mode);
  bl_chart_set_projector_mode (self->grad_chart, projector_mode);
  bl_chart_set_projector_mode (self->ratio_chart, projector_mode);
  bl_chart_set_projector_mode (self->hist_chart, projector_mode);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PROJECTOR_MODE]);
}

void
bl_inside_view_set_settings (BlInsideView *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  if (settings)
    g_settings_bind (settings, "projector-mode", self, "projector-mode", G_SETTINGS_BIND_GET);
}

void
bl_inside_view_choose_param (BlInsideView *self, guint layer, int index)
{
  g_return_if_fail (BL_IS_INSIDE_VIEW (self));
  gtk_drop_down_set_selected (self->param_layer, MIN (layer, self->n_param_layers));
  if (index >= 0)
    gtk_spin_button_set_value (self->param_index, index);
  gtk_check_button_set_active (self->param_random, index < 0);
}

gboolean
bl_inside_view_is_idle (BlInsideView *self)
{
  /* and all of it on screen */
  return self->capture_job == NULL && self->strip_job == NULL && self->check_job == NULL &&
         !self->strip_unshown && self->unshown_batches->len == 0 && !self->network_unshown &&
         !self->capture_unshown;
}

const NnCapture *
bl_inside_view_get_capture (BlInsideView *self)
{
  return self->cap;
}

const char *
bl_inside_view_get_explanation (BlInsideView *self)
{
  return gtk_label_get_text (self->explain_label);
}

const char *
bl_inside_view_get_source (BlInsideView *self)
{
  return self->source;
}

BlFeatureMaps *
bl_inside_view_get_filters (BlInsideView *self)
{
  return self->filters;
}

BlChart *
bl_inside_view_get_histograms (BlInsideView *self)
{
  return self->hist_chart;
}

const char *
bl_inside_view_get_check_text (BlInsideView *self)
{
  return gtk_label_get_text (self->check_label);
}

guint
bl_inside_view_get_strip_updates (BlInsideView *self)
{
  return self->strip_updates;
}

GtkWidget *
bl_inside_view_new (void)
{
  return g_object_new (BL_TYPE_INSIDE_VIEW, NULL);
}

/* ------------------------------------------------------------------------------------------
 * GObject
 */

static void
bl_inside_view_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    g_value_set_boolean (value, BL_INSIDE_VIEW (object)->projector_mode);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_inside_view_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    bl_inside_view_set_projector_mode (BL_INSIDE_VIEW (object), g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_inside_view_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (bl_inside_view_parent_class)->unmap (widget);
  schedule (BL_INSIDE_VIEW (widget));   /* what was pending, at once */
}

static void
bl_inside_view_dispose (GObject *object)
{
  BlInsideView *self = BL_INSIDE_VIEW (object);

  /* The tasks keep their jobs (and a reference on us) until they end; cancelled, their
   * results are dropped. */
  if (self->capture_job)
    g_cancellable_cancel (self->capture_job);
  if (self->strip_job)
    g_cancellable_cancel (self->strip_job);
  if (self->check_job)
    g_cancellable_cancel (self->check_job);
  g_clear_object (&self->capture_job);
  g_clear_object (&self->strip_job);
  g_clear_object (&self->check_job);
  if (self->pacer)
    bl_frame_pacer_remove_regions (self->pacer, self);
  g_clear_object (&self->pacer);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_INSIDE_VIEW);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_inside_view_parent_class)->dispose (object);
}

static void
bl_inside_view_finalize (GObject *object)
{
  BlInsideView *self = BL_INSIDE_VIEW (object);

  nn_capture_free (self->cap);
  nn_model_free (self->model);
  g_clear_pointer (&self->state, g_bytes_unref);
  g_clear_pointer (&self->data, nn_dataset_unref);
  g_free (self->source);
  g_array_unref (self->hist_curves);
  g_array_unref (self->unshown_batches);
  G_OBJECT_CLASS (bl_inside_view_parent_class)->finalize (object);
}

static void
bl_inside_view_class_init (BlInsideViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_inside_view_get_property;
  object_class->set_property = bl_inside_view_set_property;
  object_class->dispose = bl_inside_view_dispose;
  object_class->finalize = bl_inside_view_finalize;
  widget_class->unmap = bl_inside_view_unmap;
  props[PROP_PROJECTOR_MODE] = g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                                                     G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                                                     | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  g_type_ensure (BL_TYPE_DIGIT_STRIP);
  g_type_ensure (BL_TYPE_FEATURE_MAPS);
  g_type_ensure (BL_TYPE_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-inside-view.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlInsideView, name)
  CHILD (strip_label);
  CHILD (strip);
  CHILD (layer_box);
  CHILD (maps);
  CHILD (explain_label);
  CHILD (filters);
  CHILD (class_choice);
  gtk_widget_class_bind_template_child_full (widget_class, "saliency", FALSE,
                                             G_STRUCT_OFFSET (BlInsideView, saliency_maps));
  gtk_widget_class_bind_template_child_full (widget_class, "occlusion", FALSE,
                                             G_STRUCT_OFFSET (BlInsideView, occlusion_maps));
  CHILD (param_layer);
  CHILD (param_index);
  CHILD (param_random);
  CHILD (param_where);
  CHILD (check_label);
  CHILD (grad_chart);
  CHILD (ratio_chart);
  CHILD (hist_chart);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, strip_digit_cb);
  gtk_widget_class_bind_template_callback (widget_class, layer_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, pixel_cb);
  gtk_widget_class_bind_template_callback (widget_class, class_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, param_index_cb);
  gtk_widget_class_bind_template_callback (widget_class, param_random_cb);
  gtk_widget_class_install_action (widget_class, "inside.check-gradient", NULL,
                                   check_gradient_action);
  gtk_widget_class_set_css_name (widget_class, "insideview");
}

static void
bl_inside_view_init (BlInsideView *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  {
    /* A selectable label (the breakdown) takes the focus: the page must not jump to it. */
    GtkWidget *scrolled = gtk_widget_get_first_child (GTK_WIDGET (self));
    GtkWidget *viewport = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
    if (GTK_IS_VIEWPORT (viewport))
      gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (viewport), FALSE);
  }
  self->model = nn_model_new (1, 1, 1, NULL);
  g_assert (self->model != NULL);
  self->hist_curves = g_array_new (FALSE, FALSE, sizeof (HistCurve));
  self->unshown_batches = g_array_new (FALSE, FALSE, sizeof (BatchPoint));
  g_array_set_clear_func (self->hist_curves, (GDestroyNotify) hist_curve_clear);
  self->sel_c = -1;
  self->digit_label = -1;
  self->n_param_layers = nn_inspect_param_layers (self->model, self->params,
                                                  G_N_ELEMENTS (self->params));
  for (guint l = 0; l < self->n_param_layers; l++)
    {
      g_autofree char *item = g_strdup_printf ("%s (%s)", self->params[l].name,
                                               self->params[l].type);
      gtk_string_list_append (names, item);
    }
  gtk_string_list_append (names, _("any layer"));
  gtk_drop_down_set_model (self->param_layer, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->param_layer, self->n_param_layers);
  {
    g_autoptr(GtkStringList) classes = gtk_string_list_new (NULL);
    gtk_string_list_append (classes, _("its answer"));
    for (int c = 0; c < NN_CLASSES; c++)
      {
        char digit[4];
        g_snprintf (digit, sizeof digit, "%d", c);
        gtk_string_list_append (classes, digit);
      }
    gtk_drop_down_set_model (self->class_choice, G_LIST_MODEL (classes));
  }
  fill_layer_box (self);
  setup_learning_charts (self);
  g_signal_connect (self->param_layer, "notify::selected", G_CALLBACK (param_layer_cb), self);
  update_param_range (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "inside.check-gradient", FALSE);
  bl_feature_maps_set_max_tile (self->saliency_maps, 168);
  bl_feature_maps_set_max_tile (self->occlusion_maps, 168);
  bl_feature_maps_set_max_tile (self->filters, 96);
  show_map (self);
}
