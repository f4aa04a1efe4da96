/* nn-model.c: see nn-model.h. Legend: N batch, per-image sizes in floats. */
#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-avgpool.h"
#include "nn-batchnorm.h"
#include "nn-conv2d.h"
#include "nn-dataset.h"
#include "nn-dropout.h"
#include "nn-error.h"
#include "nn-linear.h"
#include "nn-loss.h"
#include "nn-maxpool.h"
#include "nn-model.h"
#include "nn-pool.h"
#include "nn-relu.h"
#include "nn-rng.h"

/* OpenBLAS: our own threads split the batch, so each GEMM runs on one thread. */
extern void openblas_set_num_threads (int n);

typedef enum {
  NN_LAYER_CONV,
  NN_LAYER_BN,
  NN_LAYER_RELU,
  NN_LAYER_DROPOUT,
  NN_LAYER_MAXPOOL,
  NN_LAYER_GAP,
  NN_LAYER_LINEAR,
} NnLayerType;

typedef struct {
  NnLayerType type;
  const char *name;   /* parameter prefix, for checkpoints */
  int         out;    /* channels (conv) or features (linear) */
  int         pad;
} NnLayerSpec;

#define DROPOUT_P 0.25f

static const NnLayerSpec mnist_spec[] = {
  { NN_LAYER_CONV, "conv1", 16, 1 }, { NN_LAYER_BN, "bn1", 0, 0 }, { NN_LAYER_RELU, NULL, 0, 0 },
  { NN_LAYER_CONV, "conv2", 32, 1 }, { NN_LAYER_RELU, NULL, 0, 0 },
  { NN_LAYER_DROPOUT, NULL, 0, 0 }, { NN_LAYER_MAXPOOL, NULL, 0, 0 },
  { NN_LAYER_CONV, "conv3", 16, 1 }, { NN_LAYER_BN, "bn2", 0, 0 }, { NN_LAYER_RELU, NULL, 0, 0 },
  { NN_LAYER_CONV, "conv4", 32, 1 }, { NN_LAYER_RELU, NULL, 0, 0 },
  { NN_LAYER_DROPOUT, NULL, 0, 0 }, { NN_LAYER_MAXPOOL, NULL, 0, 0 },
  { NN_LAYER_CONV, "conv5", 12, 1 }, { NN_LAYER_BN, "bn3", 0, 0 }, { NN_LAYER_RELU, NULL, 0, 0 },
  { NN_LAYER_DROPOUT, NULL, 0, 0 }, { NN_LAYER_MAXPOOL, NULL, 0, 0 },
  { NN_LAYER_CONV, "conv6", 10, 0 }, { NN_LAYER_RELU, NULL, 0, 0 },
  { NN_LAYER_GAP, NULL, 0, 0 }, { NN_LAYER_LINEAR, "fc", 10, 0 },
};

static const char *const type_names[] = {
  "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "MaxPool2d", "AvgPool (global)", "Linear",
};

typedef struct {
  NnLayerType   type;
  const char   *name;
  int           in_c, in_h, in_w, out_c, out_h, out_w;
  gsize         in_size, out_size;      /* per image */
  NnConv2dShape conv;
  gsize         w_off, b_off, n_params; /* into the parameter arena (BN: γ, β) */
  gsize         stat_off;               /* BN: running mean, then running var, in stats */
  float        *act;                    /* (max_batch, out_size) */
  float        *dact;                   /* (max_batch, out_size): ∂loss/∂act */
  guint8       *aux;                    /* max-pool argmax */
  float        *mask;                   /* dropout factors (0 or 1/(1 − p)) */
  float        *mean, *rstd;            /* BN batch statistics, for backward */
} NnLayer;

struct _NnModel {
  NnLayer *layers;
  guint    n_layers;
  gsize    n_params;
  float   *params, *grads, *velocity;
  float   *chunk_grads;                 /* (NN_MODEL_CHUNKS, n_params) */
  float   *stats;                       /* BN running statistics */
  gsize    n_stats;
  float   *logp;                        /* (max_batch, 10) */
  float   *scratch;                     /* (NN_MODEL_CHUNKS, scratch_per_chunk) */
  gsize    scratch_per_chunk;
  guint    max_batch;
  guint64  seed;
  NnPool  *pool;

  /* The step being computed, read by the tasks. */
  const float *x_in;
  guint        n;
  guint        layer;
  gboolean     training;
  guint64      step;
};

/* ------------------------------------------------------------------------------------------
 * Construction
 */

static gboolean
build_layers (NnModel *m, GError **error)
{
  int c = 1, h = NN_IMAGE_SIDE, w = NN_IMAGE_SIDE;
  gsize params = 0, stats = 0;

  m->n_layers = G_N_ELEMENTS (mnist_spec);
  m->layers = g_new0 (NnLayer, m->n_layers);
  for (guint i = 0; i < m->n_layers; i++)
    {
      const NnLayerSpec *spec = &mnist_spec[i];
      NnLayer *l = &m->layers[i];

      l->type = spec->type;
      l->name = spec->name;
      l->in_c = c; l->in_h = h; l->in_w = w;
      switch (spec->type)
        {
        case NN_LAYER_CONV:
          if (!nn_conv2d_shape_init (&l->conv, c, spec->out, h, w, 3, spec->pad, error))
            return FALSE;
          c = spec->out; h = l->conv.P; w = l->conv.Q;
          l->w_off = params;
          l->b_off = params + (gsize) l->conv.K * l->conv.C * 9;
          l->n_params = (gsize) l->conv.K * l->conv.C * 9 + l->conv.K;
          break;
        case NN_LAYER_BN:
          l->w_off = params;
          l->b_off = params + c;
          l->n_params = 2 * (gsize) c;
          l->stat_off = stats;
          stats += 2 * (gsize) c;
          break;
        case NN_LAYER_MAXPOOL:
          h /= 2; w /= 2;
          if (h == 0 || w == 0)
            {
              g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("Pooling below one pixel."));
              return FALSE;
            }
          break;
        case NN_LAYER_GAP:
          h = w = 1;
          break;
        case NN_LAYER_LINEAR:
          if (h != 1 || w != 1)
            {
              g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                           _("The linear layer needs a pooled (C, 1, 1) input."));
              return FALSE;
            }
          l->w_off = params;
          l->b_off = params + (gsize) spec->out * c;
          l->n_params = (gsize) spec->out * c + spec->out;
          c = spec->out;
          break;
        case NN_LAYER_RELU:
        case NN_LAYER_DROPOUT:
        default:
          break;
        }
      params += l->n_params;
      l->out_c = c; l->out_h = h; l->out_w = w;
      l->in_size = (gsize) l->in_c * l->in_h * l->in_w;
      l->out_size = (gsize) c * h * w;
    }
  if (c != NN_CLASSES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("The network must end in 10 classes."));
      return FALSE;
    }
  m->n_params = params;
  m->n_stats = stats;
  return TRUE;
}

NnModel *
nn_model_new (guint64 seed, guint max_batch, guint n_threads, GError **error)
{
  NnModel *m;
  gsize scratch = 0;

  if (max_batch == 0 || max_batch > 65536)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("The batch size must be between 1 and 65536, not %u."), max_batch);
      return NULL;
    }
  if (n_threads == 0 || n_threads > 256)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("The thread count must be between 1 and 256, not %u."), n_threads);
      return NULL;
    }

  m = g_new0 (NnModel, 1);
  if (!build_layers (m, error))
    {
      nn_model_free (m);
      return NULL;
    }
  m->max_batch = max_batch;
  m->params = g_new0 (float, m->n_params);
  m->grads = g_new0 (float, m->n_params);
  m->velocity = g_new0 (float, m->n_params);
  m->chunk_grads = g_new0 (float, NN_MODEL_CHUNKS * m->n_params);
  m->stats = g_new0 (float, MAX (m->n_stats, 1));
  m->logp = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  for (guint i = 0; i < m->n_layers; i++)
    {
      NnLayer *l = &m->layers[i];
      l->act = g_new (float, max_batch * l->out_size);
      l->dact = g_new (float, max_batch * l->out_size);
      if (l->type == NN_LAYER_MAXPOOL)
        l->aux = g_new (guint8, max_batch * l->out_size);
      if (l->type == NN_LAYER_DROPOUT)
        l->mask = g_new (float, max_batch * l->out_size);
      if (l->type == NN_LAYER_BN)
        {
          l->mean = g_new (float, l->out_c);
          l->rstd = g_new (float, l->out_c);
        }
      if (l->type == NN_LAYER_CONV)
        scratch = MAX (scratch, nn_conv2d_scratch_size (&l->conv));
    }
  m->scratch_per_chunk = scratch;
  m->scratch = g_new (float, NN_MODEL_CHUNKS * scratch);
  openblas_set_num_threads (1);
  m->pool = nn_pool_new (n_threads);
  nn_model_reset (m, seed);
  return m;
}

void
nn_model_free (NnModel *m)
{
  if (m == NULL)
    return;
  for (guint i = 0; m->layers && i < m->n_layers; i++)
    {
      g_free (m->layers[i].act);
      g_free (m->layers[i].dact);
      g_free (m->layers[i].aux);
      g_free (m->layers[i].mask);
      g_free (m->layers[i].mean);
      g_free (m->layers[i].rstd);
    }
  g_free (m->layers);
  g_free (m->params);
  g_free (m->grads);
  g_free (m->velocity);
  g_free (m->chunk_grads);
  g_free (m->stats);
  g_free (m->logp);
  g_free (m->scratch);
  nn_pool_free (m->pool);
  g_free (m);
}

void
nn_model_reset (NnModel *m, guint64 seed)
{
  guint64 counter = 0;

  m->seed = seed;
  memset (m->velocity, 0, sizeof (float) * m->n_params);
  for (guint i = 0; i < m->n_layers; i++)
    {
      NnLayer *l = &m->layers[i];
      switch (l->type)
        {
        case NN_LAYER_CONV:
        case NN_LAYER_LINEAR:
          {
            /* PyTorch's default: weights and biases U(−1/√fan_in, 1/√fan_in). */
            int fan_in = l->type == NN_LAYER_CONV ? l->conv.C * 9 : l->in_c;
            float bound = 1.0f / sqrtf ((float) fan_in);
            for (gsize k = 0; k < l->n_params; k++)
              m->params[l->w_off + k] =
                (2.0f * nn_rng_uniform (seed, NN_RNG_STREAM_INIT, counter++) - 1.0f) * bound;
          }
          break;
        case NN_LAYER_BN:
          for (int c = 0; c < l->out_c; c++)
            {
              m->params[l->w_off + c] = 1.0f;   /* γ */
              m->params[l->b_off + c] = 0.0f;   /* β */
              m->stats[l->stat_off + c] = 0.0f;             /* running mean */
              m->stats[l->stat_off + l->out_c + c] = 1.0f;  /* running var */
            }
          break;
        default:
          break;
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * Introspection
 */

gsize nn_model_n_params (NnModel *m) { return m->n_params; }
guint nn_model_n_layers (NnModel *m) { return m->n_layers; }
float *nn_model_params (NnModel *m) { return m->params; }
float *nn_model_grads (NnModel *m) { return m->grads; }
float *nn_model_velocity (NnModel *m) { return m->velocity; }

void
nn_model_layer_info (NnModel *m, guint layer, NnLayerInfo *out)
{
  const NnLayer *l;

  g_return_if_fail (layer < m->n_layers);
  l = &m->layers[layer];
  out->type = type_names[l->type];
  out->out_c = l->out_c;
  out->out_h = l->out_h;
  out->out_w = l->out_w;
  out->n_params = l->n_params;
}

const char *
nn_model_spec_string (void)
{
  return "mnist-18820: conv3x3(1,16,p1) bn relu conv3x3(16,32,p1) relu drop0.25 maxpool2 "
         "conv3x3(32,16,p1) bn relu conv3x3(16,32,p1) relu drop0.25 maxpool2 "
         "conv3x3(32,12,p1) bn relu drop0.25 maxpool2 conv3x3(12,10,p0) relu gap linear(10,10)";
}

static void
group_thousands (char *buf, gsize size, gsize v)
{
  char digits[32];
  int n = g_snprintf (digits, sizeof digits, "%" G_GSIZE_FORMAT, v), o = 0;

  for (int i = 0; i < n && o < (int) size - 1; i++)
    {
      if (i > 0 && (n - i) % 3 == 0 && o < (int) size - 2)
        buf[o++] = ',';
      buf[o++] = digits[i];
    }
  buf[o] = '\0';
}

char *
nn_model_summary (NnModel *m)
{
  GString *s = g_string_new (NULL);
  char total[32];

  g_string_append_printf (s, "%-18s %-14s %10s\n", _("Layer"), _("Output shape"),
                          _("Parameters"));
  for (guint i = 0; i < m->n_layers; i++)
    {
      const NnLayer *l = &m->layers[i];
      char shape[32], params[32];
      g_snprintf (shape, sizeof shape, "%d×%d×%d", l->out_c, l->out_h, l->out_w);
      group_thousands (params, sizeof params, l->n_params);
      /* printf pads by bytes; "×" is two, so pad by characters. */
      g_string_append_printf (s, "%-18s %s%*s %10s\n", type_names[l->type], shape,
                              (int) (14 - g_utf8_strlen (shape, -1)), "",
                              l->n_params ? params : "-");
    }
  group_thousands (total, sizeof total, m->n_params);
  g_string_append_printf (s, "%-18s %-14s %10s\n", _("Total"), "", total);
  return g_string_free (s, FALSE);
}

GArray *
nn_model_tensors (NnModel *m)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (NnTensorView));
  static const char *const suffix[][4] = {
    [NN_LAYER_CONV] = { "weight", "bias", NULL, NULL },
    [NN_LAYER_BN] = { "weight", "bias", "running_mean", "running_var" },
    [NN_LAYER_LINEAR] = { "weight", "bias", NULL, NULL },
  };
  /* Names live as long as the model: interned. */
  for (guint i = 0; i < m->n_layers; i++)
    {
      const NnLayer *l = &m->layers[i];
      if (l->n_params == 0)
        continue;
      for (guint t = 0; t < 4 && suffix[l->type][t]; t++)
        {
          NnTensorView v = { 0 };
          g_autofree char *name = g_strdup_printf ("%s.%s", l->name, suffix[l->type][t]);
          v.name = g_intern_string (name);
          if (l->type == NN_LAYER_CONV && t == 0)
            {
              v.n_dims = 4;
              v.dims[0] = l->conv.K; v.dims[1] = l->conv.C; v.dims[2] = 3; v.dims[3] = 3;
              v.data = m->params + l->w_off;
            }
          else if (l->type == NN_LAYER_LINEAR && t == 0)
            {
              v.n_dims = 2;
              v.dims[0] = l->out_c; v.dims[1] = l->in_c;
              v.data = m->params + l->w_off;
            }
          else
            {
              v.n_dims = 1;
              v.dims[0] = l->out_c;
              v.data = t == 0 ? m->params + l->w_off
                     : t == 1 ? m->params + l->b_off
                     : m->stats + l->stat_off + (t == 3 ? l->out_c : 0);
            }
          v.size = 1;
          for (int d = 0; d < v.n_dims; d++)
            v.size *= v.dims[d];
          g_array_append_val (out, v);
        }
    }
  return out;
}

/* ------------------------------------------------------------------------------------------
 * Forward and backward: per-image layers run as chunk tasks on the pool, BN on the caller.
 */

static inline const float *
layer_input (NnModel *m, guint i)
{
  return i == 0 ? m->x_in : m->layers[i - 1].act;
}

static void
chunk_range (NnModel *m, guint chunk, guint *begin, guint *end)
{
  *begin = (guint) ((guint64) m->n * chunk / NN_MODEL_CHUNKS);
  *end = (guint) ((guint64) m->n * (chunk + 1) / NN_MODEL_CHUNKS);
}

static void
forward_task (gpointer ctx, guint chunk)
{
  NnModel *m = ctx;
  NnLayer *l = &m->layers[m->layer];
  const float *in = layer_input (m, m->layer);
  float *scratch = m->scratch + chunk * m->scratch_per_chunk;
  guint begin, end;

  chunk_range (m, chunk, &begin, &end);
  for (guint n = begin; n < end; n++)
    {
      const float *x = in + n * l->in_size;
      float *y = l->act + n * l->out_size;
      switch (l->type)
        {
        case NN_LAYER_CONV:
          nn_conv2d_forward (y, x, m->params + l->w_off, m->params + l->b_off, &l->conv, scratch);
          break;
        case NN_LAYER_RELU:
          nn_relu_forward (y, x, l->out_size);
          break;
        case NN_LAYER_DROPOUT:
          if (m->training)
            nn_dropout_forward_train (y, l->mask + n * l->out_size, x, l->out_size, DROPOUT_P,
                                      m->seed, NN_RNG_STREAM_DROPOUT + m->layer, m->step, n);
          else
            memcpy (y, x, sizeof (float) * l->out_size);
          break;
        case NN_LAYER_MAXPOOL:
          nn_maxpool_forward (y, l->aux + n * l->out_size, x, l->in_c, l->in_h, l->in_w);
          break;
        case NN_LAYER_GAP:
          nn_avgpool_forward (y, x, l->in_c, l->in_h * l->in_w);
          break;
        case NN_LAYER_LINEAR:
          nn_linear_forward (y, x, m->params + l->w_off, m->params + l->b_off, l->in_c, l->out_c);
          break;
        case NN_LAYER_BN:
        default:
          g_assert_not_reached ();
        }
    }
}

static void
backward_task (gpointer ctx, guint chunk)
{
  NnModel *m = ctx;
  guint i = m->layer;
  NnLayer *l = &m->layers[i];
  const float *in = layer_input (m, i);
  float *dprev = i > 0 ? m->layers[i - 1].dact : NULL;
  float *g = m->chunk_grads + chunk * m->n_params;
  float *scratch = m->scratch + chunk * m->scratch_per_chunk;
  guint begin, end;

  chunk_range (m, chunk, &begin, &end);
  for (guint n = begin; n < end; n++)
    {
      const float *x = in + n * l->in_size;
      const float *dy = l->dact + n * l->out_size;
      float *dx = dprev ? dprev + n * l->in_size : NULL;
      switch (l->type)
        {
        case NN_LAYER_CONV:
          nn_conv2d_backward (dx, g + l->w_off, g + l->b_off, dy, x, m->params + l->w_off,
                              &l->conv, scratch);
          break;
        case NN_LAYER_RELU:
          nn_relu_backward (dx, dy, l->act + n * l->out_size, l->out_size);
          break;
        case NN_LAYER_DROPOUT:
          nn_dropout_backward (dx, dy, l->mask + n * l->out_size, l->out_size);
          break;
        case NN_LAYER_MAXPOOL:
          nn_maxpool_backward (dx, dy, l->aux + n * l->out_size, l->in_c, l->in_h, l->in_w);
          break;
        case NN_LAYER_GAP:
          nn_avgpool_backward (dx, dy, l->in_c, l->in_h * l->in_w);
          break;
        case NN_LAYER_LINEAR:
          nn_linear_backward (dx, g + l->w_off, g + l->b_off, dy, x, m->params + l->w_off,
                              l->in_c, l->out_c);
          break;
        case NN_LAYER_BN:
        default:
          g_assert_not_reached ();
        }
    }
}

/* Batch norm spans the whole batch, so it is split by channel instead of by image: each
 * channel's statistics are still summed in one fixed order. */
static void
bn_forward_task (gpointer ctx, guint c)
{
  NnModel *m = ctx;
  NnLayer *l = &m->layers[m->layer];
  const float *in = layer_input (m, m->layer);
  float *rm = m->stats + l->stat_off, *rv = rm + l->out_c;
  int HW = l->out_h * l->out_w;

  /* One channel of an (N, C, HW) tensor is a (N, 1, HW) slice with stride C·HW. */
  if (m->training)
    nn_batchnorm_forward_train_channel (l->act, l->mean, l->rstd, in, m->params + l->w_off,
                                        m->params + l->b_off, rm, rv, m->n, l->out_c, HW, c);
  else
    nn_batchnorm_forward_eval_channel (l->act, in, m->params + l->w_off, m->params + l->b_off,
                                       rm, rv, m->n, l->out_c, HW, c);
}

static void
bn_backward_task (gpointer ctx, guint c)
{
  NnModel *m = ctx;
  guint i = m->layer;
  NnLayer *l = &m->layers[i];

  nn_batchnorm_backward_channel (m->layers[i - 1].dact, m->grads + l->w_off, m->grads + l->b_off,
                                 l->dact, layer_input (m, i), l->mean, l->rstd,
                                 m->params + l->w_off, m->n, l->out_c, l->out_h * l->out_w, c);
}

static void
forward (NnModel *m, const float *x, guint n, gboolean training, guint64 step)
{
  m->x_in = x;
  m->n = n;
  m->training = training;
  m->step = step;
  for (guint i = 0; i < m->n_layers; i++)
    {
      NnLayer *l = &m->layers[i];
      m->layer = i;
      if (l->type == NN_LAYER_BN)
        nn_pool_run (m->pool, bn_forward_task, m, l->out_c);
      else
        nn_pool_run (m->pool, forward_task, m, NN_MODEL_CHUNKS);
    }
}

static double
loss_and_accuracy (NnModel *m, const guint8 *labels, guint n, guint *correct, guint8 *pred)
{
  const float *z = m->layers[m->n_layers - 1].act;
  double loss = nn_logsoftmax_nll_forward (m->logp, z, labels, n, NN_CLASSES);
  guint ok = 0;

  for (guint i = 0; i < n; i++)
    {
      const float *p = m->logp + i * NN_CLASSES;
      guint8 best = 0;
      for (guint8 k = 1; k < NN_CLASSES; k++)
        if (p[k] > p[best])
          best = k;
      if (pred)
        pred[i] = best;
      if (labels && best == labels[i])
        ok++;
    }
  if (correct)
    *correct = ok;
  return loss;
}

gboolean
nn_model_train_step (NnModel *m, const float *x, const guint8 *labels, guint n, guint64 step,
                     double *loss_sum, guint *correct, GError **error)
{
  double loss;

  g_return_val_if_fail (m != NULL && x != NULL && labels != NULL, FALSE);
  if (n == 0 || n > m->max_batch)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("A batch of %u images does not fit this model (1 to %u)."), n,
                   m->max_batch);
      return FALSE;
    }

  forward (m, x, n, TRUE, step);
  loss = loss_and_accuracy (m, labels, n, correct, NULL);
  if (loss_sum)
    *loss_sum = loss;
  if (!isfinite (loss))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DIVERGED,
                   _("The loss is no longer a finite number at step %" G_GUINT64_FORMAT
                     ": training diverged (try a smaller learning rate)."), step);
      return FALSE;
    }

  memset (m->grads, 0, sizeof (float) * m->n_params);
  memset (m->chunk_grads, 0, sizeof (float) * NN_MODEL_CHUNKS * m->n_params);
  nn_logsoftmax_nll_backward (m->layers[m->n_layers - 1].dact, m->logp, labels, n, NN_CLASSES,
                              1.0f / n);
  for (guint i = m->n_layers; i-- > 0;)
    {
      NnLayer *l = &m->layers[i];
      m->layer = i;
      if (l->type == NN_LAYER_BN)
        nn_pool_run (m->pool, bn_backward_task, m, l->out_c);
      else
        nn_pool_run (m->pool, backward_task, m, NN_MODEL_CHUNKS);
    }
  /* The chunks' gradients, summed in chunk order: the same bits for any thread count. */
  for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
    {
      const float *g = m->chunk_grads + c * m->n_params;
      for (gsize k = 0; k < m->n_params; k++)
        m->grads[k] += g[k];
    }
  return TRUE;
}

void
nn_model_evaluate (NnModel *m, const float *x, const guint8 *labels, guint n, double *loss_sum,
                   guint *correct, guint8 *pred, float *probs)
{
  double loss;

  g_return_if_fail (m != NULL && x != NULL && n <= m->max_batch);

  forward (m, x, n, FALSE, 0);
  loss = loss_and_accuracy (m, labels, n, correct, pred);
  if (loss_sum)
    *loss_sum = labels ? loss : 0;
  if (probs)
    for (gsize i = 0; i < (gsize) n * NN_CLASSES; i++)
      probs[i] = expf (m->logp[i]);
}
