/* nn-model.c: see nn-model.h.
 *
 * How a step runs. The network is a list of blocks, conv → [BN] → ReLU → [Dropout] →
 * [MaxPool], then global average pooling and the linear layer. Each image goes through as
 * many blocks as it can in one go, in its chunk's scratch (which stays in the core's L2):
 * convolution on the zero-padded input, then the element-wise passes, then the result is
 * written, already padded, as the next block's input. Only batch norm needs the whole batch:
 * at a BN block the chunks stop, leave the convolution's output and per-chunk statistics,
 * and the caller combines the statistics in chunk order before the next phase resumes there.
 * Backward runs the same way in reverse, stopping at each BN block for its two sums.
 *
 * What is kept per image for backward: each block's input (the previous output, padded), the
 * max-pool argmax, and the pre-BN convolution output. ReLU and dropout need nothing more: an
 * output > 0 means the unit was active and kept, so ∂out/∂in is the dropout scale there and 0
 * elsewhere (PyTorch's threshold backward, through the kept mask).
 *
 * Legend: N batch, K out channels, C in channels, P×Q conv output, OP×OQ block output.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-arch.h"
#include "nn-dataset.h"
#include "nn-dropout.h"
#include "nn-error.h"
#include "nn-conv3x3.h"
#include "nn-linear.h"
#include "nn-loss.h"
#include "nn-model.h"
#include "nn-thread-pool.h"
#include "nn-rng.h"

#define N_BLOCKS NN_ARCH_N_BLOCKS

/* ------------------------------------------------------------------------------------------
 * The layers, from the architecture (nn-arch.h)
 */

typedef enum {
  NN_LAYER_CONV,
  NN_LAYER_BN,
  NN_LAYER_RELU,
  NN_LAYER_DROPOUT,
  NN_LAYER_MAXPOOL,
  NN_LAYER_GAP,
  NN_LAYER_LINEAR,
} NnLayerType;

static const char *const type_names[] = {
  "Conv2d", "BatchNorm2d", "ReLU", "Dropout", "MaxPool2d", "AvgPool (global)", "Linear",
};

/* The flat layer list, for the summary and the checkpoint's tensor names. */
typedef struct {
  NnLayerType type;
  const char *name;
  int         in_c, out_c, out_h, out_w;
  gsize       w_off, b_off, n_params, stat_off;
} NnLayer;

typedef struct {
  /* Geometry. Input (C, H, W) padded to (C, Hp, Wp); conv output (K, P, Q); block output
   * (K, OP, OQ). */
  int     C, K, H, W, pad, Hp, Wp, P, Q, OP, OQ;
  gboolean bn, dropout, pool;
  gsize   in_stride;     /* floats per image of @in: C·Hp·Wp + slack */
  gsize   npix;          /* floats per channel of a conv output on the padded grid */
  gsize   PW;            /* P·Wp: the pixels of that grid that are rows, garbage included */
  float  *colmask;       /* (npix) 1 on real outputs (q < Q, inside P·Wp), 0 elsewhere */
  gsize   w_off, b_off;  /* conv weights (K, C, 3, 3) and bias (K) in the parameter arena */
  gsize   g_off, be_off; /* BN γ, β */
  gsize   stat_off;      /* BN running mean (K) then running var (K) */
  /* Where this block writes: the next block's input (padded by its pad) or the head's. */
  float  *out;
  gsize   out_stride;
  int     out_Hp, out_Wp, out_pad;
  /* Kept across phases, (max_batch, …). */
  float  *in;            /* padded input, zero borders and slack */
  float  *z;             /* BN: conv output (K, npix), padded-width */
  float  *du;            /* BN: ∂loss/∂(BN output) (K, npix), padded-width, garbage 0 */
  guint8 *argmax;        /* pool: (K, OP, OQ), 0…3 within the window */
  /* Per step. */
  float  *wt, *wf;       /* packed weights: forward, and flipped for the input gradient */
  float  *bn_a, *bn_b;   /* (K) BN as y = a·z + b for this phase */
  float  *mean, *rstd;   /* (K) batch statistics (training) */
  double *sum_du, *sum_du_xhat;   /* (K) reduced backward sums */
  double *part;          /* (NN_MODEL_CHUNKS, 2, K) per-chunk partial statistics */
} NnBlock;

typedef struct {
  float *conv_out;       /* (K, npix) */
  /* All (K, npix) on the padded-width grid of the block's input: */
  float *act;            /* after ReLU/dropout (forward); ∂/∂(pre-ReLU), garbage 0 (backward) */
  float *dz;             /* ∂loss/∂(conv output) after BN backward, garbage 0 */
  float *dx;             /* (C, npix of the input grid): ∂loss/∂(block input) */
  float *dzp[N_BLOCKS];  /* (K, P + 2d, Q + 2d) + slack, d = 2 − pad: dz padded for dx */
  float  head[NN_CLASSES];
} NnChunkScratch;

struct _NnModel {
  NnLayer *layers;
  guint    n_layers;
  NnBlock  blocks[N_BLOCKS];
  gsize    fc_w_off, fc_b_off;
  gsize    n_params;
  float   *params, *grads, *velocity;
  float   *chunk_grads;                 /* (NN_MODEL_CHUNKS, n_params) */
  float   *stats;                       /* BN running statistics */
  gsize    n_stats;
  float   *head_in;                     /* last block's output, (max_batch, out_stride) */
  float   *feat;                        /* (max_batch, 10) after global average pooling */
  float   *logits, *logp, *dlogits;     /* (max_batch, 10) */
  NnChunkScratch scratch[NN_MODEL_CHUNKS];
  guint    max_batch;
  guint64  seed;
  NnThreadPool  *pool;

  /* The step being computed, read by the tasks. */
  const float *x_in;
  guint        n;
  gboolean     training;
  guint64      step;
  guint        phase_block;             /* where the current phase starts */
  gboolean     phase_resume;            /* … right after that block's BN barrier */
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

  m = g_new0 (NnModel, 1);
  if (!build (m, error))
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
  m->feat = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  m->logits = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  m->logp = g_new0 (float, (gsize) max_batch * NN_CLASSES);
  m->dlogits = g_new0 (float, (gsize) max_batch * NN_CLASSES);

  {
    gsize max_act = 0, max_dx = 0;
    for (guint b = 0; b < N_BLOCKS; b++)
      {
        NnBlock *B = &m->blocks[b];
        gsize kpq = (gsize) B->K * B->npix;
        int d = 2 - B->pad;

        /* Zeroed once: padding borders are never written afterwards. */
        B->in = g_new0 (float, (gsize) max_batch * B->in_stride);
        if (B->bn)
          {
            B->z = g_new (float, (gsize) max_batch * kpq);
            B->du = g_new (float, (gsize) max_batch * kpq);
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
        s->conv_out = g_new0 (float, max_act);
        s->act = g_new0 (float, max_act + NN_CONV3X3_SLACK);   /* pool_row reads past rows */
        s->dz = g_new0 (float, max_act);
        s->dx = g_new0 (float, max_dx + NN_CONV3X3_SLACK);   /* unpool_row reads past rows */
        for (guint b = 0; b < N_BLOCKS; b++)
          {
            NnBlock *B = &m->blocks[b];
            int d = 2 - B->pad;
            s->dzp[b] = g_new0 (float, (gsize) B->K * (B->P + 2 * d) * (B->Q + 2 * d)
                                       + NN_CONV3X3_SLACK);
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
      g_free (s->conv_out); g_free (s->act); g_free (s->dz); g_free (s->dx);
      for (guint b = 0; b < N_BLOCKS; b++)
        {
          g_free (s->dzp[b]);
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
 * drop0.25 maxpool2 … conv3x3(12,10,p0) relu gap linear(10,10)". Checkpoints compare it, so
 * its form is fixed (test-model checks it). */
const char *
nn_model_spec_string (void)
{
  static gsize once;
  static char *spec;

  if (g_once_init_enter (&once))
    {
      GString *s = g_string_new (NULL);
      char drop[G_ASCII_DTOSTR_BUF_SIZE];
      gsize params = 0;
      int c = 1;

      g_ascii_formatd (drop, sizeof drop, "%g", NN_DROPOUT_P);
      for (guint b = 0; b < N_BLOCKS; b++)
        {
          const NnBlockSpec *bs = &nn_arch_blocks[b];
          g_string_append_printf (s, " conv3x3(%d,%d,p%d)%s relu%s%s%s", c, bs->out, bs->pad,
                                  bs->bn ? " bn" : "", bs->dropout ? " drop" : "",
                                  bs->dropout ? drop : "", bs->pool ? " maxpool2" : "");
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
 * Forward, one image at a time within a chunk. Every per-image buffer is on the padded-width
 * grid of the block's input (see nn-conv3x3.h): a channel is P rows of Wp floats (the last
 * Wp − Q of each row garbage) rounded up to npix, so element-wise passes run over whole
 * channels and the garbage is masked to 0 wherever it could leak.
 */

static void
chunk_range (NnModel *m, guint chunk, guint *begin, guint *end)
{
  *begin = (guint) ((guint64) m->n * chunk / NN_MODEL_CHUNKS);
  *end = (guint) ((guint64) m->n * (chunk + 1) / NN_MODEL_CHUNKS);
}

static inline float *
block_out (NnBlock *B, guint n)
{
  return B->out + n * B->out_stride + (gsize) B->out_pad * B->out_Wp + B->out_pad;
}

/* The block's output grid is its conv grid shifted by one row and column (no pool, and the
 * next convolution pads by 1): then a channel is one contiguous copy, garbage onto borders. */
static inline gboolean
same_grid (const NnBlock *B)
{
  return !B->pool && B->out_pad == 1 && B->out_Wp == B->Wp;
}

typedef float v8f __attribute__ ((vector_size (32)));
typedef gint32 v8i __attribute__ ((vector_size (32)));
typedef float v8fu __attribute__ ((vector_size (32), aligned (4)));

/* Lane shuffles with constant indices: __builtin_shufflevector is both GCC's (≥ 12) and
 * clang's. The even and odd lanes of a 16-float pair; two 8-float vectors interleaved. */
#define EVEN8(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define ODD8(a, b) __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define INTERLEAVE_LO8(a, b) __builtin_shufflevector (a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define INTERLEAVE_HI8(a, b) __builtin_shufflevector (a, b, 4, 12, 5, 13, 6, 14, 7, 15)

static inline v8f
select8 (v8i m, v8f a, v8f b)
{
  return (v8f) (((v8i) a & m) | ((v8i) b & ~m));
}

/* One row of 2×2 max-pooling: y[q] = max of r0[2q], r0[2q+1], r1[2q], r1[2q+1] and a[q] its
 * position 0…3; ties go to the first maximum, as in PyTorch. Eight outputs at a time with
 * selects, not branches: the winner is a coin toss a branch predictor would lose. The last
 * group reads up to 16 floats past the row (the scratch has slack) and stores only OQ. */
static void
pool_row (float *restrict y, guint8 *restrict a, const float *r0, const float *r1, int OQ)
{
  for (int q = 0; q < OQ; q += 8)
    {
      v8f t0 = *(const v8fu *) (r0 + 2 * q), t1 = *(const v8fu *) (r0 + 2 * q + 8);
      v8f b0 = *(const v8fu *) (r1 + 2 * q), b1 = *(const v8fu *) (r1 + 2 * q + 8);
      v8f best = EVEN8 (t0, t1), v;
      v8i at = { 0 }, m;
      v = ODD8 (t0, t1);
      m = v > best; best = select8 (m, v, best); at = (m & 1) | (at & ~m);
      v = EVEN8 (b0, b1);
      m = v > best; best = select8 (m, v, best); at = (m & 2) | (at & ~m);
      v = ODD8 (b0, b1);
      m = v > best; best = select8 (m, v, best); at = (m & 3) | (at & ~m);
      if (q + 8 <= OQ)
        {
          *(v8fu *) (y + q) = best;
          for (int l = 0; l < 8; l++)
            a[q + l] = (guint8) at[l];
        }
      else
        for (int l = 0; l < OQ - q; l++)
          {
            y[q + l] = best[l];
            a[q + l] = (guint8) at[l];
          }
    }
}

/* The block's element-wise passes on one image: src (K, cs) holds the conv output z on the
 * padded-width grid; [BN as a·z + b] → ReLU → [dropout] → [max-pool, argmax] → written, padded,
 * as the next block's input. */
static void
post_forward (NnModel *m, guint b, guint n, const float *src, gsize cs, float *act)
{
  NnBlock *B = &m->blocks[b];
  const int K = B->K;
  const gsize PW = B->PW, npix = B->npix, ocs = (gsize) B->out_Hp * B->out_Wp;
  const gboolean drop = B->dropout && m->training, direct = same_grid (B) && !drop;
  float *dst = block_out (B, n);

  for (int k = 0; k < K; k++)
    {
      const float a = B->bn ? B->bn_a[k] : 1.0f, c = B->bn ? B->bn_b[k] : 0.0f;
      const float *restrict z = src + k * cs, *restrict mask = B->colmask;
      /* Straight into the next input when nothing else follows: row p lands at p + 1, col 1. */
      float *restrict y = direct ? dst + k * ocs : act + k * npix;
      for (gsize j = 0; j < PW; j++)
        {
          float v = a * z[j] + c;
          y[j] = (v > 0.0f ? v : 0.0f) * mask[j];
        }
    }
  if (direct)
    return;
  if (drop)
    nn_dropout_apply (act, K * npix, NN_DROPOUT_P, m->seed, NN_RNG_STREAM_DROPOUT + b, m->step, n);
  if (B->pool)
    {
      guint8 *am = B->argmax + (gsize) n * K * B->OP * B->OQ;
      for (int k = 0; k < K; k++)
        for (int p = 0; p < B->OP; p++)
          {
            const float *r0 = act + k * npix + (gsize) (2 * p) * B->Wp;
            pool_row (dst + k * ocs + (gsize) p * B->out_Wp, am + ((gsize) k * B->OP + p) * B->OQ,
                      r0, r0 + B->Wp, B->OQ);
          }
    }
  else if (same_grid (B))
    for (int k = 0; k < K; k++)
      memcpy (dst + k * ocs, act + k * npix, sizeof (float) * (PW - 2));
  else
    for (int k = 0; k < K; k++)
      for (int p = 0; p < B->P; p++)
        memcpy (dst + k * ocs + (gsize) p * B->out_Wp, act + k * npix + (gsize) p * B->Wp,
                sizeof (float) * B->Q);
}

static inline double
lanes_sum (v8f v)
{
  return ((double) v[0] + v[4] + v[1] + v[5]) + ((double) v[2] + v[6] + v[3] + v[7]);
}

/* Σ v[i]·mask[i] and Σ ((v[i] − c)·mask[i])² over n floats (n a multiple of 8), in 8 lanes:
 * vectorised, one fixed order. */
static void
masked_sums (const float *v, const float *mask, float c, gsize n, double *sum, double *sum2)
{
  v8f a = { 0 }, b = { 0 }, cc = { c, c, c, c, c, c, c, c };

  for (gsize i = 0; i < n; i += 8)
    {
      v8f x = *(const v8fu *) (v + i), m = *(const v8fu *) (mask + i), t = (x - cc) * m;
      a += x * m;
      b += t * t;
    }
  *sum = lanes_sum (a);
  *sum2 = lanes_sum (b);
}

/* Σ du[i] and Σ du[i]·(z[i] − mean)·rstd over n floats (n a multiple of 8), in 8 lanes. */
static void
grad_sums (const float *du, const float *z, float mean, float rstd, gsize n, double *sum,
           double *sum2)
{
  v8f a = { 0 }, b = { 0 };
  v8f mm = { mean, mean, mean, mean, mean, mean, mean, mean };
  v8f rr = { rstd, rstd, rstd, rstd, rstd, rstd, rstd, rstd };

  for (gsize i = 0; i < n; i += 8)
    {
      v8f d = *(const v8fu *) (du + i), x = *(const v8fu *) (z + i);
      a += d;
      b += d * ((x - mm) * rr);
    }
  *sum = lanes_sum (a);
  *sum2 = lanes_sum (b);
}

/* Chan's parallel update of (count, mean, M2) with another group's. */
static inline void
combine_stats (double *count, double *mean, double *m2, double n_b, double mean_b, double m2_b)
{
  double n = *count + n_b, d = mean_b - *mean;

  if (n_b == 0)
    return;
  *mean += d * n_b / n;
  *m2 += m2_b + d * d * *count * n_b / n;
  *count = n;
}

static void
forward_image (NnModel *m, guint chunk, guint n, guint begin)
{
  NnChunkScratch *s = &m->scratch[chunk];
  guint b = m->phase_block;

  if (m->phase_resume)
    {
      NnBlock *B = &m->blocks[b];
      post_forward (m, b, n, B->z + n * B->K * B->npix, B->npix, s->act);
      b++;
    }
  else if (b == 0)
    {
      /* The image into the first block's padded input. */
      NnBlock *B = &m->blocks[0];
      for (int h = 0; h < B->H; h++)
        memcpy (B->in + n * B->in_stride + (gsize) (h + B->pad) * B->Wp + B->pad,
                m->x_in + (gsize) n * NN_IMAGE_SIZE + h * B->W, sizeof (float) * B->W);
    }
  for (; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      if (B->bn && m->training)
        {
          /* Keep z and fold this image's statistics into the chunk's: the barrier. */
          const double PQ = (double) B->P * B->Q;
          float *z = B->z + n * B->K * B->npix;
          double *part = B->part + (gsize) chunk * 2 * B->K;
          nn_conv3x3_forward (z, B->npix, B->in + n * B->in_stride, B->C, B->Hp, B->Wp,
                                   B->P, B->wt, m->params + B->b_off, B->K);
          for (int k = 0; k < B->K; k++)
            {
              const float *z_k = z + k * B->npix;
              double sum, m2, mean, count = (double) (n - begin) * PQ;
              /* Centred on the first value (a shift, for float accuracy), then exact. */
              masked_sums (z_k, B->colmask, z_k[0], B->npix, &sum, &m2);
              mean = sum / PQ;
              m2 = MAX (0.0, m2 - PQ * (mean - z_k[0]) * (mean - z_k[0]));
              if (n == begin)
                {
                  part[k] = mean;
                  part[B->K + k] = m2;
                }
              else
                combine_stats (&count, &part[k], &part[B->K + k], PQ, mean, m2);
            }
          return;
        }
      nn_conv3x3_forward (s->conv_out, B->npix, B->in + n * B->in_stride, B->C, B->Hp,
                               B->Wp, B->P, B->wt, m->params + B->b_off, B->K);
      post_forward (m, b, n, s->conv_out, B->npix, s->act);
    }

  /* The head: global average pooling, then the linear layer. */
  {
    NnBlock *B = &m->blocks[N_BLOCKS - 1];
    const int HW = B->OP * B->OQ;
    const float *in = B->out + n * B->out_stride;
    float *f = m->feat + (gsize) n * NN_CLASSES;
    for (int k = 0; k < B->K; k++)
      {
        float acc = 0;
        for (int i = 0; i < HW; i++)
          acc += in[k * HW + i];
        f[k] = acc / HW;
      }
    nn_linear_forward (m->logits + (gsize) n * NN_CLASSES, f, m->params + m->fc_w_off,
                       m->params + m->fc_b_off, B->K, NN_CLASSES);
  }
}

static void
forward_task (gpointer ctx, guint chunk)
{
  NnModel *m = ctx;
  guint begin, end;

  chunk_range (m, chunk, &begin, &end);
  for (guint n = begin; n < end; n++)
    forward_image (m, chunk, n, begin);
}

/* The batch statistics of BN block b from the chunks' partials, in chunk order. */
static void
reduce_bn_forward (NnModel *m, guint b)
{
  NnBlock *B = &m->blocks[b];
  const double PQ = (double) B->P * B->Q;
  float *gamma = m->params + B->g_off, *beta = m->params + B->be_off;
  float *rm = m->stats + B->stat_off, *rv = rm + B->K;

  for (int k = 0; k < B->K; k++)
    {
      double count = 0, mean = 0, m2 = 0, var;
      for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
        {
          guint begin, end;
          const double *part = B->part + (gsize) c * 2 * B->K;
          chunk_range (m, c, &begin, &end);
          if (end > begin)
            combine_stats (&count, &mean, &m2, (end - begin) * PQ, part[k], part[B->K + k]);
        }
      var = m2 / count;
      B->mean[k] = (float) mean;
      B->rstd[k] = (float) (1.0 / sqrt (var + NN_BN_EPS));
      B->bn_a[k] = gamma[k] * B->rstd[k];
      B->bn_b[k] = beta[k] - B->bn_a[k] * B->mean[k];
      rm[k] = (float) ((1 - NN_BN_MOMENTUM) * rm[k] + NN_BN_MOMENTUM * mean);
      rv[k] = (float) ((1 - NN_BN_MOMENTUM) * rv[k]
                       + NN_BN_MOMENTUM * (count > 1 ? m2 / (count - 1) : var));
    }
}

static void
forward (NnModel *m, const float *x, guint n, gboolean training, guint64 step)
{
  m->x_in = x;
  m->n = n;
  m->training = training;
  m->step = step;
  for (guint b = 0; b < N_BLOCKS; b++)
    {
      NnBlock *B = &m->blocks[b];
      nn_conv3x3_pack_weights (B->wt, m->params + B->w_off, B->K, B->C);
      if (B->bn && !training)
        {
          const float *gamma = m->params + B->g_off, *beta = m->params + B->be_off;
          const float *rm = m->stats + B->stat_off, *rv = rm + B->K;
          for (int k = 0; k < B->K; k++)
            {
              B->bn_a[k] = gamma[k] / sqrtf (rv[k] + (float) NN_BN_EPS);
              B->bn_b[k] = beta[k] - B->bn_a[k] * rm[k];
            }
        }
    }
  m->phase_block = 0;
  m->phase_resume = FALSE;
  for (;;)
    {
      guint stop = N_BLOCKS;
      nn_thread_pool_run (m->pool, forward_task, m, NN_MODEL_CHUNKS);
      if (training)
        for (guint b = m->phase_block + (m->phase_resume ? 1 : 0); b < N_BLOCKS; b++)
          if (m->blocks[b].bn)
            {
              stop = b;
              break;
            }
      if (stop == N_BLOCKS)
        break;
      reduce_bn_forward (m, stop);
      m->phase_block = stop;
      m->phase_resume = TRUE;
    }
}

/* ------------------------------------------------------------------------------------------
 * Backward
 */

/* The adjoint of pool_row after ReLU and dropout: g = d·factor where the pooled output y > 0,
 * put back at its argmax in rows r0 and r1, 0 at the other three. Eight outputs (sixteen
 * inputs per row) at a time; the last group writes zeros up to 16 floats past the row, onto
 * garbage columns and rows not written yet (callers go in increasing order) or slack. */
static void
unpool_row (float *r0, float *r1, const float *y, const float *d, const guint8 *a,
            float factor, int OQ)
{
  const v8i lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const v8f zero = { 0 };

  /* Row r0 entirely before r1: r0's last group spills onto the start of r1. */
  for (int row = 0; row < 2; row++)
    for (int q = 0; q < OQ; q += 8)
      {
        v8f yv = *(const v8fu *) (y + q), dv = *(const v8fu *) (d + q);
        v8i at = { a[q], a[q + 1], a[q + 2], a[q + 3], a[q + 4], a[q + 5], a[q + 6], a[q + 7] };
        v8i live = (yv > zero) & (lane < OQ - q);
        v8f g = select8 (live, dv * factor, zero);
        v8f e = select8 (at == 2 * row, g, zero), o = select8 (at == 2 * row + 1, g, zero);
        float *r = row ? r1 : r0;
        *(v8fu *) (r + 2 * q) = INTERLEAVE_LO8 (e, o);
        *(v8fu *) (r + 2 * q + 8) = INTERLEAVE_HI8 (e, o);
      }
}

/* ∂loss/∂(block b's pre-ReLU value) into act (K, npix), garbage 0, from ∂loss/∂(its output)
 * dout (K channels of OP rows at strides dcs, drs): through max-pool (argmax), dropout and
 * ReLU, which together pass the dropout scale wherever the output is > 0. */
static void
post_backward (NnModel *m, guint b, guint n, const float *dout, gsize dcs, gsize drs,
               float *act)
{
  NnBlock *B = &m->blocks[b];
  const int K = B->K;
  const gsize npix = B->npix, ocs = (gsize) B->out_Hp * B->out_Wp;
  const float factor = B->dropout ? 1.0f / (1.0f - NN_DROPOUT_P) : 1.0f;
  const float *out = block_out (B, n);

  if (B->pool)
    {
      const guint8 *am = B->argmax + (gsize) n * K * B->OP * B->OQ;
      memset (act, 0, sizeof (float) * K * npix);
      for (int k = 0; k < K; k++)
        for (int p = 0; p < B->OP; p++)
          {
            const float *y = out + k * ocs + (gsize) p * B->out_Wp;
            const float *d = dout + k * dcs + p * drs;
            const guint8 *a = am + ((gsize) k * B->OP + p) * B->OQ;
            float *r0 = act + k * npix + (gsize) (2 * p) * B->Wp;
            unpool_row (r0, r0 + B->Wp, y, d, a, factor, B->OQ);
          }
    }
  else if (same_grid (B) && drs == (gsize) B->Wp)
    for (int k = 0; k < K; k++)
      {
        /* The output's borders are 0, so the garbage columns come out 0. */
        const float *restrict y = out + k * ocs;
        const float *restrict d = dout + k * dcs;
        float *restrict g = act + k * npix;
        for (gsize j = 0; j < B->PW; j++)
          g[j] = d[j] * (y[j] > 0.0f ? factor : 0.0f);
        memset (g + B->PW, 0, sizeof (float) * (npix - B->PW));
      }
  else
    {
      memset (act, 0, sizeof (float) * K * npix);
      for (int k = 0; k < K; k++)
        for (int p = 0; p < B->P; p++)
          {
            const float *y = out + k * ocs + (gsize) p * B->out_Wp;
            const float *d = dout + k * dcs + p * drs;
            float *g = act + k * npix + (gsize) p * B->Wp;
            for (int q = 0; q < B->Q; q++)
              g[q] = d[q] * (y[q] > 0.0f ? factor : 0.0f);
          }
    }
}

/* The convolution's gradients from dz (K, npix, garbage 0): weights and bias into the chunk's
 * arena and, unless b is the first block, ∂loss/∂input into s->dx (C channels of H rows of
 * Q + 2d). */
static void
conv_backward (NnModel *m, guint b, guint n, NnChunkScratch *s, float *g, const float *dz)
{
  NnBlock *B = &m->blocks[b];
  const int K = B->K, P = B->P, Q = B->Q, d = 2 - B->pad;
  const int dWp = Q + 2 * d, dHp = P + 2 * d;
  const gsize dcs = (gsize) dHp * dWp;
  float *dzp = s->dzp[b];

  nn_conv3x3_weight_grad (g + B->w_off, g + B->b_off, dz, B->npix,
                               B->in + n * B->in_stride, B->C, B->Hp, B->Wp, P, K);
  if (b == 0)
    return;
  if (dWp == B->Wp)
    for (int k = 0; k < K; k++)   /* garbage (0) lands on the borders */
      memcpy (dzp + k * dcs + (gsize) d * dWp + d, dz + k * B->npix, sizeof (float) * (B->PW - 2));
  else
    for (int k = 0; k < K; k++)
      for (int p = 0; p < P; p++)
        memcpy (dzp + k * dcs + (gsize) (p + d) * dWp + d, dz + k * B->npix + (gsize) p * B->Wp,
                sizeof (float) * Q);
  nn_conv3x3_forward (s->dx, nn_conv3x3_out_pixels (B->H, dWp), dzp, K, dHp, dWp, B->H,
                           B->wf, NULL, B->C);
}

/* BN backward for one image: dz = γ·rstd·(du − Σdu/M − x̂·Σdu·x̂/M), garbage 0. */
static void
bn_backward_image (NnModel *m, guint b, guint n, float *dz)
{
  NnBlock *B = &m->blocks[b];
  const gsize npix = B->npix;
  const double M = (double) m->n * B->P * B->Q;
  const float *gamma = m->params + B->g_off;

  for (int k = 0; k < B->K; k++)
    {
      const float *restrict z = B->z + (n * B->K + k) * npix;
      const float *restrict du = B->du + (n * B->K + k) * npix;
      const float *restrict mask = B->colmask;
      float *restrict out = dz + k * npix;
      const float mean = B->mean[k], rstd = B->rstd[k], c = gamma[k] * rstd;
      const float m_du = (float) (B->sum_du[k] / M), m_dux = (float) (B->sum_du_xhat[k] / M);
      for (gsize i = 0; i < npix; i++)
        out[i] = c * (du[i] - m_du - (z[i] - mean) * rstd * m_dux) * mask[i];
    }
}

static void
backward_image (NnModel *m, guint chunk, guint n, guint begin)
{
  NnChunkScratch *s = &m->scratch[chunk];
  float *g = m->chunk_grads + chunk * m->n_params;
  const float *dout;
  gsize dcs, drs;
  int b;

  if (m->phase_resume)
    {
      b = (int) m->phase_block;
      bn_backward_image (m, b, n, s->dz);
      conv_backward (m, b, n, s, g, s->dz);
      if (b == 0)
        return;
      {
        NnBlock *B = &m->blocks[b];
        dout = s->dx;
        drs = B->Q + 2 * (2 - B->pad);
        dcs = nn_conv3x3_out_pixels (B->H, (int) drs);
      }
      b--;
    }
  else
    {
      /* The head: linear, then global average pooling spread evenly. */
      NnBlock *B = &m->blocks[N_BLOCKS - 1];
      const int HW = B->OP * B->OQ;
      float dfeat[NN_CLASSES];
      nn_linear_backward (dfeat, g + m->fc_w_off, g + m->fc_b_off,
                          m->dlogits + (gsize) n * NN_CLASSES, m->feat + (gsize) n * NN_CLASSES,
                          m->params + m->fc_w_off, B->K, NN_CLASSES);
      for (int k = 0; k < B->K; k++)
        for (int i = 0; i < HW; i++)
          s->head[k * HW + i] = dfeat[k] / HW;
      dout = s->head;
      dcs = HW;
      drs = B->OQ;
      b = N_BLOCKS - 1;
    }

  for (;; b--)
    {
      NnBlock *B = &m->blocks[b];
      if (B->bn)
        {
          /* Keep ∂loss/∂(BN output) and add this image's two sums to the chunk's. */
          double *part = B->part + (gsize) chunk * 2 * B->K;
          float *du = B->du + n * B->K * B->npix;
          const float *z = B->z + n * B->K * B->npix;
          post_backward (m, b, n, dout, dcs, drs, du);
          for (int k = 0; k < B->K; k++)
            {
              double sum, sum_x;
              grad_sums (du + k * B->npix, z + k * B->npix, B->mean[k], B->rstd[k], B->npix,
                         &sum, &sum_x);
              if (n == begin)
                {
                  part[k] = 0;
                  part[B->K + k] = 0;
                }
              part[k] += sum;
              part[B->K + k] += sum_x;
            }
          return;
        }
      post_backward (m, b, n, dout, dcs, drs, s->act);
      conv_backward (m, b, n, s, g, s->act);
      if (b == 0)
        return;
      dout = s->dx;
      drs = B->Q + 2 * (2 - B->pad);
      dcs = nn_conv3x3_out_pixels (B->H, (int) drs);
    }
}

static void
backward_task (gpointer ctx, guint chunk)
{
  NnModel *m = ctx;
  guint begin, end;

  chunk_range (m, chunk, &begin, &end);
  for (guint n = begin; n < end; n++)
    backward_image (m, chunk, n, begin);
}

static void
reduce_bn_backward (NnModel *m, guint b)
{
  NnBlock *B = &m->blocks[b];

  for (int k = 0; k < B->K; k++)
    {
      double sum = 0, sum_x = 0;
      for (guint c = 0; c < NN_MODEL_CHUNKS; c++)
        {
          guint begin, end;
          const double *part = B->part + (gsize) c * 2 * B->K;
          chunk_range (m, c, &begin, &end);
          if (end > begin)
            {
              sum += part[k];
              sum_x += part[B->K + k];
            }
        }
      B->sum_du[k] = sum;
      B->sum_du_xhat[k] = sum_x;
      m->grads[B->g_off + k] += (float) sum_x;   /* ∂loss/∂γ = Σ du·x̂ */
      m->grads[B->be_off + k] += (float) sum;    /* ∂loss/∂β = Σ du */
    }
}

static void
backward (NnModel *m)
{
  for (guint b = 1; b < N_BLOCKS; b++)
    nn_conv3x3_pack_flipped (m->blocks[b].wf, m->params + m->blocks[b].w_off, m->blocks[b].K,
                          m->blocks[b].C);
  m->phase_block = N_BLOCKS;
  m->phase_resume = FALSE;
  for (;;)
    {
      int stop = -1;
      nn_thread_pool_run (m->pool, backward_task, m, NN_MODEL_CHUNKS);
      for (int b = (int) m->phase_block - 1; b >= 0; b--)
        if (m->blocks[b].bn)
          {
            stop = b;
            break;
          }
      if (stop < 0)
        break;
      reduce_bn_backward (m, (guint) stop);
      m->phase_block = (guint) stop;
      m->phase_resume = TRUE;
    }
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

  forward (m, x, n, TRUE, step);
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
  nn_logsoftmax_nll_backward (m->dlogits, m->logp, labels, n, NN_CLASSES, 1.0f / n);
  backward (m);
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

  forward (m, x, n, FALSE, 0);
  loss = loss_and_accuracy (m, labels, n, correct, pred);
  if (loss_sum)
    *loss_sum = labels ? loss : 0;
  if (probs)
    for (gsize i = 0; i < (gsize) n * NN_CLASSES; i++)
      probs[i] = expf (m->logp[i]);
}

GBytes *
nn_model_get_state (NnModel *m)
{
  g_autoptr(GArray) tensors = nn_model_tensors (m);
  gsize total = 0, at = 0;
  float *blob;

  for (guint i = 0; i < tensors->len; i++)
    total += g_array_index (tensors, NnTensorView, i).size;
  blob = g_new (float, total);
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      memcpy (blob + at, v->data, v->size * sizeof (float));
      at += v->size;
    }
  return g_bytes_new_take (blob, total * sizeof (float));
}

gboolean
nn_model_set_state (NnModel *m, GBytes *state, GError **error)
{
  g_autoptr(GArray) tensors = nn_model_tensors (m);
  gsize total = 0, at = 0, size;
  const float *blob = g_bytes_get_data (state, &size);

  for (guint i = 0; i < tensors->len; i++)
    total += g_array_index (tensors, NnTensorView, i).size;
  if (size != total * sizeof (float))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("The model state has %zu bytes; this network needs %zu."), size,
                   total * sizeof (float));
      return FALSE;
    }
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      memcpy (v->data, blob + at, v->size * sizeof (float));
      at += v->size;
    }
  return TRUE;
}
