/* nn-model.c: see nn-model.h. Construction, parameters and state, and the public steps
 * (their phases: nn-model-step.c). */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-error.h"
#include "nn-loss.h"
#include "nn-model-private.h"
#include "nn-rng.h"

/* ------------------------------------------------------------------------------------------
 * The layers, from the architecture (nn-arch.h)
 */

static const char *const type_names[] = {
  "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "MaxPool2d", "AvgPool (global)", "Linear",
};

/* ------------------------------------------------------------------------------------------
 * Construction
 */

static void
add_layer (GArray *layers, NnLayerType type, const char *name, int in_c, int c, int h, int w,
           gsize w_off, gsize b_off, gsize n_params, gsize stat_off)
{
  NnLayer l = { type, name, in_c, c, h, w, w_off, b_off, n_params, stat_off };
  g_array_append_val (layers, l);
}

static gboolean
build (NnModel *m, GError **error)
{
  GArray *layers = g_array_new (FALSE, TRUE, sizeof (NnLayer));
  int c = 1, h = NN_IMAGE_SIDE, w = NN_IMAGE_SIDE;
  gsize params = 0, stats = 0;

  for (guint b = 0; b < N_BLOCKS; b++)
    {
      const NnBlockSpec *spec = &nn_arch_blocks[b];
      NnBlock *B = &m->blocks[b];

      B->C = c; B->K = spec->out; B->H = h; B->W = w; B->pad = spec->pad;
      B->Hp = h + 2 * spec->pad; B->Wp = w + 2 * spec->pad;
      B->P = B->Hp - 2; B->Q = B->Wp - 2;
      if (B->P <= 0 || B->Q <= 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                       _("A 3×3 convolution does not fit a %d×%d×%d input."), c, h, w);
          g_array_free (layers, TRUE);
          return FALSE;
        }
      B->bn = spec->bn != NULL; B->dropout = spec->dropout; B->pool = spec->pool;
      B->in_stride = (gsize) c * B->Hp * B->Wp + NN_CONV3X3_SLACK;
      B->npix = nn_conv3x3_out_pixels (B->P, B->Wp);
      B->w_off = params;
      B->b_off = params + (gsize) B->K * c * 9;
      params = B->b_off + B->K;
      add_layer (layers, NN_LAYER_CONV, spec->conv, c, B->K, B->P, B->Q, B->w_off, B->b_off,
                 params - B->w_off, 0);
      c = B->K; h = B->P; w = B->Q;
      if (B->bn)
        {
          B->g_off = params; B->be_off = params + c; B->stat_off = stats;
          params += 2 * (gsize) c; stats += 2 * (gsize) c;
          add_layer (layers, NN_LAYER_BN, spec->bn, c, c, h, w, B->g_off, B->be_off,
                     2 * (gsize) c, B->stat_off);
        }
      add_layer (layers, NN_LAYER_RELU, NULL, c, c, h, w, 0, 0, 0, 0);
      if (B->dropout)
        add_layer (layers, NN_LAYER_DROPOUT, NULL, c, c, h, w, 0, 0, 0, 0);
      if (B->pool)
        {
          h /= 2; w /= 2;
          if (h == 0 || w == 0)
            {
              g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("Pooling below one pixel."));
              g_array_free (layers, TRUE);
              return FALSE;
            }
          add_layer (layers, NN_LAYER_MAXPOOL, NULL, c, c, h, w, 0, 0, 0, 0);
        }
      B->OP = h; B->OQ = w;
    }
  add_layer (layers, NN_LAYER_GAP, NULL, c, c, 1, 1, 0, 0, 0, 0);
  m->fc_w_off = params;
  m->fc_b_off = params + (gsize) NN_CLASSES * c;
  params = m->fc_b_off + NN_CLASSES;
  add_layer (layers, NN_LAYER_LINEAR, NN_ARCH_FC_NAME, c, NN_CLASSES, 1, 1, m->fc_w_off, m->fc_b_off,
             (gsize) NN_CLASSES * c + NN_CLASSES, 0);
  if (c != NN_CLASSES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("The last convolution must have %d channels."), NN_CLASSES);
      g_array_free (layers, TRUE);
      return FALSE;
    }
  m->n_layers = layers->len;
  m->layers = (NnLayer *) g_array_free (layers, FALSE);
  m->n_params = params;
  m->n_stats = stats;
  return TRUE;
}

NnModel *
nn_model_new (guint64 seed, guint max_batch, guint n_threads, GError **error)
{
  NnCpuVariant variant;
  NnModel *m;

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

  if (!nn_cpu_variant_select (&variant, error))
    return NULL;
  m = g_new0 (NnModel, 1);
  m->k = nn_cpu_kernels (variant);
  if (!build (m, error))
    {
      nn_model_free (m);
      return NULL;
    }
  m->max_batch = max_batch;
  m->dropout_p = NN_DROPOUT_P;
  m->params = g_new0 (float, m->n_params);
  m->grads = g_new0 (float, m->n_params);
  m->velocity = g_new0 (float, m->n_params);
  m->chunk_grads = g_new0 (float, NN_MODEL_CHUNKS * m->n_params);
  m->stats = g_new0 (float, MAX (m->n_stats, 1));
  m->feat = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  m->logits = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  m->logp = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  m->dlogits = g_new0 (float, (gsize) max_batch * NN_CLASSES);

  {
    gsize max_act = 0, max_dx = 0, max_scratch = 0;
    for (guint b = 0; b < N_BLOCKS; b++)
      {
        NnBlock *B = &m->blocks[b];
        gsize kpq = (gsize) B->K * B->npix;
        int d = 2 - B->pad;

        /* See NnBlock: the previous block's output is its ReLU'd batch norm written straight
         * here (same grid, no dropout, no pooling). */
        if (b > 0)
          {
            const NnBlock *A = &m->blocks[b - 1];
            B->in_from_z = A->bn && !A->dropout && !A->pool && B->pad == 1 && B->Wp == A->Wp;
          }
        B->du_over_z = b == 0 && B->bn && B->C == 1;
        /* Zeroed once: padding borders are never written afterwards. */
        if (!B->in_from_z)
          B->in = g_new0 (float, (gsize) max_batch * B->in_stride);
        if (B->bn)
          {
            B->z = g_new (float, (gsize) max_batch * kpq);
            if (!B->du_over_z)
              B->du = g_new0 (float, (gsize) max_batch * kpq);   /* see post_backward */
          }
        if (B->pool)
          B->argmax = g_new0 (guint8, (gsize) max_batch * B->K * B->OP * B->OQ + 32);
        B->PW = (gsize) B->P * B->Wp;
        B->colmask = g_new0 (float, B->npix);
        for (gsize j = 0; j < B->PW; j++)
          B->colmask[j] = (int) (j % B->Wp) < B->Q ? 1.0f : 0.0f;
        B->wt = g_new (float, (gsize) B->C * 9 * B->K);
        B->wf = g_new (float, (gsize) B->C * 9 * B->K);
        B->bn_a = g_new0 (float, B->K);
        B->bn_b = g_new0 (float, B->K);
        B->mean = g_new0 (float, B->K);
        B->rstd = g_new0 (float, B->K);
        B->sum_du = g_new0 (double, B->K);
        B->sum_du_xhat = g_new0 (double, B->K);
        B->part = g_new0 (double, (gsize) NN_MODEL_CHUNKS * 2 * B->K);
        max_act = MAX (max_act, kpq);
        /* The input gradient lands on the grid of the dz padding: H rows of Q + 2d. */
        max_dx = MAX (max_dx, B->C * nn_conv3x3_out_pixels (B->H, B->Q + 2 * d));
        /* The kernels' scratch, for the block's input and for its padded output gradient. */
        max_scratch = MAX (max_scratch, nn_conv3x3_scratch (B->C, B->Hp, B->Wp));
        max_scratch = MAX (max_scratch, nn_conv3x3_scratch (B->K, B->P + 2 * d, B->Q + 2 * d));
      }
    for (guint b = 0; b < N_BLOCKS; b++)
      {
        NnBlock *B = &m->blocks[b];
        if (b + 1 < N_BLOCKS)
          {
            NnBlock *next = &m->blocks[b + 1];
            B->out = next->in;
            B->out_stride = next->in_stride;
            B->out_Hp = next->Hp; B->out_Wp = next->Wp; B->out_pad = next->pad;
          }
        else
          {
            B->out_stride = (gsize) B->K * B->OP * B->OQ;
            m->head_in = B->out = g_new0 (float, (gsize) max_batch * B->out_stride);
            B->out_Hp = B->OP; B->out_Wp = B->OQ; B->out_pad = 0;
          }
      }
    for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
      {
        NnChunkScratch *s = &m->scratch[c];
        s->act = g_new0 (float, max_act + NN_CONV3X3_SLACK);   /* max-pool reads past rows */
        s->dz = g_new0 (float, max_act);
        s->dx = g_new0 (float, max_dx + NN_CONV3X3_SLACK);   /* max-pool backward writes past rows */
        s->conv_scratch = g_new0 (float, max_scratch);
        for (guint b = 0; b < N_BLOCKS; b++)
          {
            NnBlock *B = &m->blocks[b];
            int d = 2 - B->pad;
            s->dzp[b] = g_new0 (float, (gsize) B->K * (B->P + 2 * d) * (B->Q + 2 * d)
                                       + NN_CONV3X3_SLACK);
            if (B->in_from_z)
              s->in[b] = g_new0 (float, B->in_stride);
          }
      }
  }
  m->pool = nn_thread_pool_new (n_threads);
  nn_model_reset (m, seed);
  return m;
}

void
nn_model_free (NnModel *m)
{
  if (m == NULL)
    return;
  for (guint b = 0; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      g_free (B->in); g_free (B->colmask); g_free (B->z); g_free (B->du); g_free (B->argmax);
      g_free (B->wt); g_free (B->wf); g_free (B->bn_a); g_free (B->bn_b);
      g_free (B->mean); g_free (B->rstd); g_free (B->sum_du); g_free (B->sum_du_xhat);
      g_free (B->part);
    }
  for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
    {
      NnChunkScratch *s = &m->scratch[c];
      g_free (s->act); g_free (s->dz); g_free (s->dx);
      g_free (s->conv_scratch);
      for (guint b = 0; b < N_BLOCKS; b++)
        {
          g_free (s->dzp[b]);
          g_free (s->in[b]);
        }
    }
  g_free (m->layers);
  g_free (m->params);
  g_free (m->grads);
  g_free (m->velocity);
  g_free (m->chunk_grads);
  g_free (m->stats);
  g_free (m->head_in);
  g_free (m->feat);
  g_free (m->logits);
  g_free (m->logp);
  g_free (m->dlogits);
  nn_thread_pool_free (m->pool);
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
            int fan_in = l->type == NN_LAYER_CONV ? l->in_c * 9 : l->in_c;
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
nn_model_set_label_smoothing (NnModel *m, float epsilon)
{
  g_return_if_fail (epsilon >= 0 && epsilon < 1);
  m->label_smoothing = epsilon;
}

void
nn_model_set_dropout (NnModel *m, float p)
{
  g_return_if_fail (p >= 0 && p < 1);
  m->dropout_p = p;
}

float
nn_model_get_dropout (NnModel *m)
{
  return m->dropout_p;
}

void
nn_model_run_tasks (NnModel *m, NnThreadTaskFunc func, gpointer ctx, guint n_tasks)
{
  nn_thread_pool_run (m->pool, func, ctx, n_tasks);
}

guint
nn_model_n_threads (NnModel *m)
{
  return nn_thread_pool_get_n_threads (m->pool);
}

NnCpuVariant
nn_model_get_cpu_variant (NnModel *m)
{
  return m->k->variant;
}

gboolean
nn_model_set_cpu_variant (NnModel *m, NnCpuVariant variant, GError **error)
{
  const NnKernels *k;

  g_return_val_if_fail (variant < NN_CPU_N_VARIANTS, FALSE);
  k = nn_cpu_kernels (variant);
  if (k == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("This CPU cannot run the %s kernels."),
                   nn_cpu_variant_to_string (variant));
      return FALSE;
    }
  m->k = k;
  return TRUE;
}

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

/* Derived from the block table: "mnist-18820: conv3x3(1,16,p1) bn relu conv3x3(16,32,p1) relu
 * drop maxpool2 … conv3x3(12,10,p0) relu gap linear(10,10)". Checkpoints compare it, so its
 * form is fixed (test-model checks it). Where dropout is, not its rate: that is the model's
 * (nn_model_get_dropout), a checkpoint stores it beside this line. (Version 1 checkpoints'
 * line, from before the rate was a lever, read "drop0.25": nn-checkpoint.c.) */
const char *
nn_model_spec_string (void)
{
  static gsize once;
  static char *spec;

  if (g_once_init_enter (&once))
    {
      GString *s = g_string_new (NULL);
      gsize params = 0;
      int c = 1;

      for (guint b = 0; b < N_BLOCKS; b++)
        {
          const NnBlockSpec *bs = &nn_arch_blocks[b];
          g_string_append_printf (s, " conv3x3(%d,%d,p%d)%s relu%s%s", c, bs->out, bs->pad,
                                  bs->bn ? " bn" : "", bs->dropout ? " drop" : "",
                                  bs->pool ? " maxpool2" : "");
          params += (gsize) bs->out * (c * 9 + 1) + (bs->bn ? 2 * (gsize) bs->out : 0);
          c = bs->out;
        }
      params += (gsize) NN_CLASSES * c + NN_CLASSES;
      g_string_append_printf (s, " gap linear(%d,%d)", c, NN_CLASSES);
      spec = g_strdup_printf ("mnist-%" G_GSIZE_FORMAT ":%s", params, s->str);
      g_string_free (s, TRUE);
      g_once_init_leave (&once, 1);
    }
  return spec;
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
              v.dims[0] = l->out_c; v.dims[1] = l->in_c; v.dims[2] = 3; v.dims[3] = 3;
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
 * The public steps
 */

static double
loss_and_accuracy (NnModel *m, const guint8 *labels, guint n, guint *correct, guint8 *pred)
{
  double loss = nn_logsoftmax_nll_forward (m->logp, m->logits, labels, n, NN_CLASSES);
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
  for (guint i = 0; i < n; i++)
    if (labels[i] >= NN_CLASSES)
      {
        g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                     _("Label %u of image %u is not a class (0 to %d)."), labels[i], i,
                     NN_CLASSES - 1);
        return FALSE;
      }

  _nn_model_forward (m, x, n, TRUE, TRUE, NN_BN_MOMENTUM, step);
  loss = loss_and_accuracy (m, labels, n, correct, NULL);
  if (loss_sum)
    *loss_sum = loss;
  if (!isfinite (loss))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_DIVERGED,
                   _("The loss is no longer a finite number at step %llu: training diverged "
                     "(try a smaller learning rate)."), (unsigned long long) step);
      return FALSE;
    }

  memset (m->grads, 0, sizeof (float) * m->n_params);
  memset (m->chunk_grads, 0, sizeof (float) * NN_MODEL_CHUNKS * m->n_params);
  nn_logsoftmax_nll_backward (m->dlogits, m->logp, labels, n, NN_CLASSES, 1.0f / n,
                              m->label_smoothing);
  _nn_model_backward (m);
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
nn_model_recalibrate_batchnorm (NnModel *m, const float *x, guint n, guint batch_index)
{
  g_return_if_fail (m != NULL && x != NULL && n > 0 && n <= m->max_batch);
  _nn_model_forward (m, x, n, TRUE, FALSE, 1.0 / (batch_index + 1.0), 0);
}

void
nn_model_evaluate (NnModel *m, const float *x, const guint8 *labels, guint n, double *loss_sum,
                   guint *correct, guint8 *pred, float *probs)
{
  double loss;

  g_return_if_fail (m != NULL && x != NULL && n <= m->max_batch);
  for (guint i = 0; labels && i < n; i++)
    g_return_if_fail (labels[i] < NN_CLASSES);
  if (n == 0)
    {
      if (loss_sum)
        *loss_sum = 0;
      if (correct)
        *correct = 0;
      return;
    }

  _nn_model_forward (m, x, n, FALSE, FALSE, 0, 0);
  loss = loss_and_accuracy (m, labels, n, correct, pred);
  if (loss_sum)
    *loss_sum = labels ? loss : 0;
  if (probs)
    for (gsize i = 0; i < (gsize) n * NN_CLASSES; i++)
      probs[i] = expf (m->logp[i]);
}

/* The state's floats: every tensor's, then the rate. */
static gsize
state_floats (GArray *tensors)
{
  gsize total = 1;

  for (guint i = 0; i < tensors->len; i++)
    total += g_array_index (tensors, NnTensorView, i).size;
  return total;
}

GBytes *
nn_model_get_state (NnModel *m)
{
  g_autoptr(GArray) tensors = nn_model_tensors (m);
  gsize total = state_floats (tensors), at = 0;
  float *blob = g_new (float, total);

  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      memcpy (blob + at, v->data, v->size * sizeof (float));
      at += v->size;
    }
  blob[at] = m->dropout_p;
  return g_bytes_new_take (blob, total * sizeof (float));
}

gboolean
nn_model_set_state (NnModel *m, GBytes *state, GError **error)
{
  g_autoptr(GArray) tensors = nn_model_tensors (m);
  gsize total = state_floats (tensors), at = 0, size;
  const float *blob = g_bytes_get_data (state, &size);
  float rate;

  if (size != total * sizeof (float))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("The model state has %zu bytes; this network needs %zu."), size,
                   total * sizeof (float));
      return FALSE;
    }
  /* Checked before anything changes (nn_model_set_dropout's range). */
  memcpy (&rate, blob + total - 1, sizeof rate);
  if (!(rate >= 0 && rate < 1))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("The model state's dropout rate is %g, not a probability below 1."),
                   (double) rate);
      return FALSE;
    }
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      memcpy (v->data, blob + at, v->size * sizeof (float));
      at += v->size;
    }
  m->dropout_p = rate;
  return TRUE;
}
