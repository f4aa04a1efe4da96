/* test-inspect.c: the network seen from inside (nn-inspect.h). The captured maps are the
 * engine's activations bit for bit; every explained value adds up to its map's value; the input
 * gradient and the single-parameter check agree with central differences; the strip is fixed
 * by the data set. Every float CPU variant this machine runs. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nn-error.h"
#include "nn-inspect.h"
#include "nn-model-private.h"
#include "nn-rng.h"
#include "nn-sgd.h"
#include "nn-trainer.h"

static NnDataset *mnist;

/* A model twenty steps into training on the fixture, in @variant: weights and running
 * statistics off their initial values, and logits no longer so flat that ReLU kinks and float
 * rounding drown a central difference. */
static NnModel *
trained_model (NnCpuVariant variant, guint max_batch)
{
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (5, MAX (max_batch, 32), 1, &error);
  float *x = g_new (float, 32 * NN_IMAGE_SIZE);
  guint8 y[32];
  guint32 idx[32];

  g_assert_no_error (error);
  g_assert_true (nn_model_set_cpu_variant (m, variant, &error));
  for (guint step = 0; step < 20; step++)
    {
      for (guint i = 0; i < 32; i++)
        idx[i] = (step * 32 + i) % mnist->train.n;
      nn_split_fill_batch (&mnist->train, idx, 32, x, y, NULL);
      g_assert_true (nn_model_train_step (m, x, y, 32, step, NULL, NULL, &error));
      nn_sgd_step (nn_model_params (m), nn_model_grads (m), nn_model_velocity (m),
                   nn_model_n_params (m), 0.05f, 0.9f, 0, FALSE);
    }
  g_free (x);
  return m;
}

static void
test_image (float *x, guint index)
{
  guint8 y;
  guint32 idx = index;
  nn_split_fill_batch (&mnist->test, &idx, 1, x, &y, NULL);
}

static void
test_capture_is_the_engine (gconstpointer data)
{
  NnCpuVariant v = GPOINTER_TO_INT (data);
  NnModel *m;
  float x[NN_IMAGE_SIZE], probs[NN_CLASSES];
  NnCapture *cap;
  guint8 pred;

  if (!nn_cpu_variant_supported (v))
    {
      g_test_skip ("this CPU does not run the variant");
      return;
    }
  m = trained_model (v, 1);
  for (guint img = 0; img < 3; img++)
    {
      test_image (x, img * 7);
      cap = nn_inspect_capture (m, x);
      g_assert_cmpuint (cap->n_maps, ==, nn_model_n_layers (m) + 2);
      nn_model_evaluate (m, x, NULL, 1, NULL, NULL, &pred, probs);
      /* Each block's last map against what the engine wrote as the next block's input. */
      for (guint b = 0; b < N_BLOCKS; b++)
        {
          NnBlock *B = &m->blocks[b];
          guint last = b + 1 < N_BLOCKS ? cap->conv_map[b + 1] - 1 : cap->n_maps - 4;
          const NnMap *map = &cap->maps[last];
          g_assert_cmpint (map->c, ==, B->K);
          g_assert_cmpint (map->h, ==, B->OP);
          for (int k = 0; k < B->K; k++)
            for (int p = 0; p < B->OP; p++)
              {
                const float *engine = _nn_model_block_output (m, b, 0)
                                      + (gsize) k * B->out_Hp * B->out_Wp
                                      + (gsize) (p + B->out_pad) * B->out_Wp + B->out_pad;
                g_assert_cmpmem (map->data + ((gsize) k * B->OP + p) * B->OQ,
                                 sizeof (float) * B->OQ, engine, sizeof (float) * B->OQ);
              }
        }
      g_assert_cmpmem (cap->logits, sizeof cap->logits, m->logits, sizeof cap->logits);
      g_assert_cmpmem (cap->probs, sizeof cap->probs, probs, sizeof probs);
      g_assert_cmpuint (cap->predicted, ==, pred);
      /* The conv maps of the fused blocks agree with their ReLU maps wherever positive. */
      for (guint b = 0; b < N_BLOCKS; b++)
        {
          const NnMap *pre = &cap->maps[cap->conv_map[b] + (m->blocks[b].bn ? 1 : 0)];
          const NnMap *relu = &cap->maps[cap->conv_map[b] + (m->blocks[b].bn ? 2 : 1)];
          g_assert_cmpint (relu->kind, ==, NN_MAP_RELU);
          for (gsize i = 0; i < (gsize) pre->c * pre->h * pre->w; i++)
            g_assert_true (relu->data[i] == (pre->data[i] > 0 ? pre->data[i] : 0.0f));
        }
      nn_capture_free (cap);
    }
  nn_model_free (m);
}

static void
check_explained (NnModel *m, const NnCapture *cap, guint map, int c, int y, int x,
                 double *worst)
{
  NnExplain e;
  double scale, err;

  g_assert_true (nn_inspect_explain (m, cap, map, c, y, x, &e));
  scale = fabs (e.bias) + fabs (e.value) + 1e-6;
  for (guint t = 0; t < e.n_terms; t++)
    scale += fabs (e.product[t]) + (e.kind == NN_MAP_GAP ? fabs (e.in[t]) / e.n_terms : 0);
  err = fabs (e.result - e.value) / scale;
  *worst = MAX (*worst, err);
  if (err > 1e-5)
    g_error ("map %u (%d) at (%d, %d, %d): value %.9g, recomputed %.9g", map, e.kind, c, y, x,
             e.value, e.result);
  if (e.kind == NN_MAP_CONV)
    for (guint t = 0; t < e.n_terms; t++)
      if (e.padded[t])
        g_assert_true (e.in[t] == 0);
}

static void
test_explain_adds_up (void)
{
  NnModel *m = trained_model (NN_CPU_PORTABLE, 1);
  float x[NN_IMAGE_SIZE];
  NnCapture *cap;
  double worst = 0;
  guint padded_seen = 0;
  NnExplain e;

  test_image (x, 3);
  cap = nn_inspect_capture (m, x);
  g_assert_false (nn_inspect_explain (m, cap, 0, 0, 0, 0, &e));
  g_assert_false (nn_inspect_explain (m, cap, 1, 99, 0, 0, &e));
  g_assert_false (nn_inspect_explain (m, cap, cap->n_maps, 0, 0, 0, &e));
  for (guint map = 1; map < cap->n_maps; map++)
    {
      const NnMap *M = &cap->maps[map];
      /* The corners and edges (padding), then random pixels. */
      int corners[][2] = { { 0, 0 }, { 0, M->w - 1 }, { M->h - 1, 0 }, { M->h - 1, M->w - 1 },
                           { 0, M->w / 2 }, { M->h / 2, 0 } };
      for (int c = 0; c < M->c; c++)
        {
          for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
            check_explained (m, cap, map, c, corners[i][0], corners[i][1], &worst);
          for (guint i = 0; i < 4; i++)
            {
              int y = (int) (nn_rng_u64 (map, c, 2 * i) % M->h);
              int xx = (int) (nn_rng_u64 (map, c, 2 * i + 1) % M->w);
              check_explained (m, cap, map, c, y, xx, &worst);
            }
        }
      if (M->kind == NN_MAP_CONV)
        {
          g_assert_true (nn_inspect_explain (m, cap, map, 0, 0, 0, &e));
          for (guint t = 0; t < e.n_terms; t++)
            padded_seen += e.padded[t];
        }
    }
  /* Five padded convolutions: their corner windows reach into the padding. */
  g_assert_cmpuint (padded_seen, >, 0);
  /* BN in evaluation with the running statistics, shown. */
  g_assert_true (nn_inspect_explain (m, cap, cap->conv_map[0] + 1, 3, 10, 10, &e));
  g_assert_cmpint (e.kind, ==, NN_MAP_BN);
  g_assert_true (e.running_var != 1.0f && e.running_mean != 0.0f);
  g_test_message ("worst relative difference %.3g", worst);
  nn_capture_free (cap);
  nn_model_free (m);
}

static double
logit_at (NnModel *m, const float *x, guint cls)
{
  NnCapture *c = nn_inspect_capture (m, x);
  double v = c->logits[cls];
  nn_capture_free (c);
  return v;
}

/* The map is checked where it matters: along itself (the directional derivative along the
 * gradient is its norm, a large signal) and pixel by pixel at its largest entries,
 * where a central difference rises above the float forward pass's rounding. */
static void
test_input_gradient (void)
{
  NnModel *m = trained_model (NN_CPU_PORTABLE, 1);
  float x[NN_IMAGE_SIZE], xp[NN_IMAGE_SIZE], grad[NN_IMAGE_SIZE];
  const float eps = 2e-2f;
  guint checked = 0, agree = 0;

  test_image (x, 11);
  for (guint cls = 0; cls < NN_CLASSES; cls += 3)
    {
      NnCapture *cap = nn_inspect_capture (m, x);
      double norm2 = 0, numeric, gmax = 0;
      nn_inspect_input_gradient (m, cap, cls, grad);
      nn_capture_free (cap);
      for (int i = 0; i < NN_IMAGE_SIZE; i++)
        {
          norm2 += (double) grad[i] * grad[i];
          gmax = MAX (gmax, fabs (grad[i]));
        }
      g_assert_cmpfloat (norm2, >, 0);
      /* Along the unit vector of the gradient: the derivative is its norm. */
      {
        double lp, lm, n = sqrt (norm2);
        for (int i = 0; i < NN_IMAGE_SIZE; i++)
          xp[i] = x[i] + eps * grad[i] / n;
        lp = logit_at (m, xp, cls);
        for (int i = 0; i < NN_IMAGE_SIZE; i++)
          xp[i] = x[i] - eps * grad[i] / n;
        lm = logit_at (m, xp, cls);
        numeric = (lp - lm) / (2.0 * eps);
        g_test_message ("class %u: |grad| %.5g, along it %.5g; largest pixel %.3g", cls, n,
                        numeric, gmax);
        g_assert_cmpfloat (fabs (numeric - n), <, 0.03 * n);
      }
      /* The six largest pixels, one at a time. */
      for (guint s = 0; s < 6; s++)
        {
          int i = -1;
          double lp, lm;
          float saved;
          for (int j = 0; j < NN_IMAGE_SIZE; j++)
            if (grad[j] != 0 && (i < 0 || fabs (grad[j]) > fabs (grad[i])))
              i = j;
          saved = x[i];
          x[i] = saved + eps;
          lp = logit_at (m, x, cls);
          x[i] = saved - eps;
          lm = logit_at (m, x, cls);
          x[i] = saved;
          numeric = (lp - lm) / (2.0 * eps);
          checked++;
          if (fabs (numeric - grad[i]) <= 0.1 * fabs (grad[i]))
            agree++;
          g_test_message ("class %u pixel %d: analytic %.6g numeric %.6g", cls, i, grad[i],
                          numeric);
          grad[i] = 0;   /* the next largest */
        }
    }
  g_test_message ("%u of %u pixels agree to 10 %%", agree, checked);
  g_assert_cmpuint (agree, >=, checked - 1);
  nn_model_free (m);
}

static void
test_check_param (void)
{
  g_autoptr(GError) error = NULL;
  NnModel *m = trained_model (NN_CPU_PORTABLE, 8);
  NnParamLayer layers[NN_INSPECT_MAX_PARAM_LAYERS];
  guint n_layers = nn_inspect_param_layers (m, layers, G_N_ELEMENTS (layers));
  float x[8 * NN_IMAGE_SIZE];
  guint8 y[8];
  guint32 idx[8];
  g_autofree float *params = g_memdup2 (nn_model_params (m), sizeof (float) * nn_model_n_params (m));
  GBytes *state = nn_model_get_state (m);
  gboolean seen_type[3] = { FALSE }, strong_type[3] = { FALSE };
  guint checked = 0, agree = 0;
  NnGradCheck chk;

  g_assert_cmpuint (n_layers, ==, 10);
  for (guint i = 0; i < 8; i++)
    idx[i] = 100 + i;
  nn_split_fill_batch (&mnist->train, idx, 8, x, y, NULL);
  g_assert_false (nn_inspect_check_param (m, x, y, 8, 3, nn_model_n_params (m), 1e-3, &chk,
                                          &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  for (guint l = 0; l < n_layers; l++)
    {
      seen_type[g_str_equal (layers[l].type, "Conv2d") ? 0
                : g_str_equal (layers[l].type, "BatchNorm2d") ? 1 : 2] = TRUE;
      /* A weight and a bias of every layer, and two more. */
      for (guint s = 0; s < 4; s++)
        {
          gsize p = layers[l].offset
                    + (s == 0 ? 0 : s == 1 ? layers[l].n_weights
                       : nn_rng_u64 (l, 5, s) % layers[l].size);
          g_assert_true (nn_inspect_check_param (m, x, y, 8, 3, p, 1e-3, &chk, &error));
          g_assert_no_error (error);
          checked++;
          /* The float forward pass's rounding, over 2ε, is about 5e-5: below it a gradient
           * (a bias before batch norm has none at all) is noise either way. */
          if (chk.rel_error < 5e-2 || fabs (chk.analytic - chk.numeric) < 5e-5)
            agree++;
          if (chk.rel_error < 2e-2 && fabs (chk.analytic) > 1e-3)
            strong_type[g_str_equal (layers[l].type, "Conv2d") ? 0
                        : g_str_equal (layers[l].type, "BatchNorm2d") ? 1 : 2] = TRUE;
          g_test_message ("%s[%zu]: analytic %.6g numeric %.6g rel. error %.2g", layers[l].name,
                          p - layers[l].offset, chk.analytic, chk.numeric, chk.rel_error);
        }
    }
  g_assert_true (seen_type[0] && seen_type[1] && seen_type[2]);
  g_assert_true (strong_type[0] && strong_type[1] && strong_type[2]);
  g_test_message ("%u of %u agree", agree, checked);
  /* A step may cross a ReLU's kink or change a max-pool's winner: nine in ten. */
  g_assert_cmpuint (agree * 10, >=, checked * 9);
  /* Nothing moved: weights and running statistics. */
  g_assert_cmpmem (nn_model_params (m), sizeof (float) * nn_model_n_params (m), params,
                   sizeof (float) * nn_model_n_params (m));
  {
    GBytes *after = nn_model_get_state (m);
    g_assert_true (g_bytes_equal (state, after));
    g_bytes_unref (after);
  }
  g_bytes_unref (state);
  nn_model_free (m);
}

static void
test_strip (void)
{
  guint32 a[NN_INSPECT_STRIP], b[NN_INSPECT_STRIP];
  guint n = nn_inspect_choose_strip (&mnist->test, a);
  gboolean seen[NN_CLASSES] = { FALSE };

  g_assert_cmpuint (n, ==, NN_INSPECT_STRIP);
  g_assert_cmpuint (nn_inspect_choose_strip (&mnist->test, b), ==, n);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (a[i], <, mnist->test.n);
      seen[mnist->test.labels[a[i]]] = TRUE;
      for (guint j = 0; j < i; j++)
        g_assert_cmpuint (a[i], !=, a[j]);
    }
  for (int c = 0; c < NN_CLASSES; c++)
    g_assert_true (seen[c]);
}

static void
test_occlusion_and_dropout (void)
{
  NnModel *m = trained_model (NN_CPU_PORTABLE, 32);
  float x[NN_IMAGE_SIZE], drop[NN_IMAGE_SIZE], probs[5 * NN_CLASSES], again[5 * NN_CLASSES];
  NnCapture *cap;
  double diff = 0;

  test_image (x, 0);
  cap = nn_inspect_capture (m, x);
  nn_inspect_occlusion (m, x, cap->predicted, 6, 2, drop);
  /* Blacking out a corner of empty background changes nothing. */
  g_assert_cmpfloat (fabs (drop[0]), <, 1e-6);
  nn_inspect_dropout_passes (m, x, 5, probs);
  nn_inspect_dropout_passes (m, x, 5, again);
  g_assert_cmpmem (probs, sizeof probs, again, sizeof again);
  for (int c = 0; c < NN_CLASSES; c++)
    diff += fabs (probs[c] - probs[NN_CLASSES + c]);
  g_assert_cmpfloat (diff, >, 0);   /* two passes, two masks */
  nn_capture_free (cap);
  /* Own statistics differ from the running ones, and are the image's. */
  {
    NnCapture *own = nn_inspect_capture_own_stats (m, x);
    const NnMap *bn = &own->maps[own->conv_map[0] + 1];
    double mean = 0;
    for (int i = 0; i < bn->h * bn->w; i++)
      mean += bn->data[i];
    mean /= bn->h * bn->w;
    /* Normalised by its own mean: the map's mean is β (0 at initialisation, small now). */
    g_assert_cmpfloat (fabs (mean - nn_model_params (m)[m->blocks[0].be_off]), <, 1e-3);
    nn_capture_free (own);
  }
  nn_model_free (m);
}

/* The tools that run a trained network with dropout on (Try It's passes, the gradient check)
 * get a copy of its state in a model of their own: the copy drops at the rate the network
 * trained with, not the architecture's. Its passes and its gradient check are those of the
 * original at 0.05, bit for bit, and those differ from 0.25's. */
static void
test_dropout_rate_in_state (void)
{
  g_autoptr(GError) error = NULL;
  NnModel *m = trained_model (NN_CPU_PORTABLE, 8), *copy;
  float x[NN_IMAGE_SIZE], at25[5 * NN_CLASSES], at05[5 * NN_CLASSES], got[5 * NN_CLASSES];
  float batch[8 * NN_IMAGE_SIZE];
  guint8 y[8];
  guint32 idx[8];
  GBytes *state;
  NnGradCheck ref25, ref05, chk;
  const gsize param = 5;   /* a conv1 weight: upstream of every dropout layer */

  test_image (x, 0);
  for (guint i = 0; i < 8; i++)
    idx[i] = 200 + i;
  nn_split_fill_batch (&mnist->train, idx, 8, batch, y, NULL);
  nn_model_set_dropout (m, 0.25f);
  nn_inspect_dropout_passes (m, x, 5, at25);
  g_assert_true (nn_inspect_check_param (m, batch, y, 8, 0, param, 1e-3, &ref25, &error));
  nn_model_set_dropout (m, 0.05f);
  nn_inspect_dropout_passes (m, x, 5, at05);
  g_assert_true (nn_inspect_check_param (m, batch, y, 8, 0, param, 1e-3, &ref05, &error));
  g_assert_no_error (error);
  g_assert_true (memcmp (at05, at25, sizeof at05) != 0);
  g_assert_cmpfloat (ref05.analytic, !=, ref25.analytic);

  state = nn_model_get_state (m);
  copy = nn_model_new (5, 8, 1, &error);   /* trained_model's seed: the same masks */
  g_assert_no_error (error);
  g_assert_true (nn_model_set_cpu_variant (copy, NN_CPU_PORTABLE, &error));
  g_assert_true (nn_model_set_state (copy, state, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_model_get_dropout (copy), ==, 0.05f);
  nn_inspect_dropout_passes (copy, x, 5, got);
  g_assert_cmpmem (got, sizeof got, at05, sizeof at05);
  g_assert_true (nn_inspect_check_param (copy, batch, y, 8, 0, param, 1e-3, &chk, &error));
  g_assert_cmpfloat (chk.analytic, ==, ref05.analytic);
  g_assert_cmpfloat (chk.numeric, ==, ref05.numeric);
  g_assert_cmpfloat (chk.loss, ==, ref05.loss);
  g_assert_cmpfloat (chk.dropout, ==, 0.05f);
  g_assert_cmpfloat (ref25.dropout, ==, 0.25f);

  /* And the copy of a copy: the rate is part of what a state is. */
  {
    GBytes *again = nn_model_get_state (copy);
    g_assert_true (g_bytes_equal (state, again));
    g_bytes_unref (again);
  }
  g_bytes_unref (state);
  nn_model_free (copy);
  nn_model_free (m);
}

typedef struct {
  guint batches, strips, n_layers;
  float first_norm[NN_INSPECT_MAX_PARAM_LAYERS];
} Reports;

static void
on_batch (const NnBatchReport *r, gpointer data)
{
  Reports *s = data;
  s->n_layers = r->n_param_layers;
  for (guint l = 0; l < r->n_param_layers; l++)
    {
      g_assert_true (isfinite (r->grad_norm[l]) && r->grad_norm[l] > 0);
      g_assert_true (isfinite (r->update_ratio[l]) && r->update_ratio[l] > 0
                     && r->update_ratio[l] < 1);
      if (s->batches == 0)
        s->first_norm[l] = r->grad_norm[l];
    }
  if (r->n_strip)
    {
      g_assert_cmpuint (r->n_strip, ==, NN_INSPECT_STRIP);
      for (guint i = 0; i < r->n_strip; i++)
        {
          double sum = 0;
          for (int c = 0; c < NN_CLASSES; c++)
            sum += r->strip_probs[i * NN_CLASSES + c];
          g_assert_cmpfloat (fabs (sum - 1), <, 1e-4);
        }
      s->strips++;
    }
  s->batches++;
}

/* Two epochs of 20 batches with the strip 3 times an epoch, and without: the reports carry
 * the per-layer sizes and the strip, and the weights come out the same bit for bit. */
static void
test_trainer_reports (void)
{
  g_autoptr(GError) error = NULL;
  NnRecipe r;
  GBytes *states[2];

  nn_recipe_init_plain (&r);
  r.epochs = 2;
  r.batch = 16;   /* the strip in two pieces */
  r.train_subset = 320;
  r.test_subset = 100;
  r.threads = 2;
  for (guint with = 0; with < 2; with++)
    {
      NnTrainer *t = nn_trainer_new (&r, mnist, &error);
      Reports seen = { 0 };
      g_assert_no_error (error);
      if (with)
        nn_trainer_set_strip (t, 3);
      g_assert_true (nn_trainer_run (t, on_batch, NULL, &seen, NULL, &error));
      g_assert_cmpuint (seen.batches, ==, 40);
      g_assert_cmpuint (seen.n_layers, ==, 10);
      g_assert_cmpuint (seen.strips, ==, with ? 6 : 0);
      states[with] = nn_model_get_state (nn_trainer_get_model (t));
      nn_trainer_free (t);
    }
  g_assert_true (g_bytes_equal (states[0], states[1]));
  g_bytes_unref (states[0]);
  g_bytes_unref (states[1]);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("BL_TEST_MNIST_FIXTURE"));
  mnist = nn_dataset_load (g_getenv ("BL_TEST_MNIST_FIXTURE"), &error);
  g_assert_no_error (error);
  for (NnCpuVariant v = 0; v < NN_CPU_AVX512_BF16; v++)
    {
      g_autofree char *name = g_strdup_printf ("/nn/inspect/%s/capture-is-the-engine",
                                               nn_cpu_variant_to_string (v));
      g_test_add_data_func (name, GINT_TO_POINTER (v), test_capture_is_the_engine);
    }
  g_test_add_func ("/nn/inspect/explain-adds-up", test_explain_adds_up);
  g_test_add_func ("/nn/inspect/input-gradient", test_input_gradient);
  g_test_add_func ("/nn/inspect/check-param", test_check_param);
  g_test_add_func ("/nn/inspect/strip", test_strip);
  g_test_add_func ("/nn/inspect/occlusion-and-dropout", test_occlusion_and_dropout);
  g_test_add_func ("/nn/inspect/dropout-rate-in-state", test_dropout_rate_in_state);
  g_test_add_func ("/nn/inspect/trainer-reports", test_trainer_reports);
  status = g_test_run ();
  nn_dataset_unref (mnist);
  return status;
}
