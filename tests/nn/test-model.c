/* test-model.c: the whole network: its size, its gradient, its determinism. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nn-arch.h"
#include "nn-conv3x3.h"
#include "nn-cpu.h"
#include "nn-dataset.h"
#include "nn-linear.h"
#include "nn-loss.h"
#include "nn-model.h"
#include "nn-reference.h"
#include "nn-rng.h"
#include "nn-sgd.h"

static void
test_parameter_count_and_summary (void)
{
  static const gsize want[] = { 160, 32, 0, 4640, 0, 0, 0, 4624, 32, 0, 4640, 0, 0, 0,
                                3468, 24, 0, 0, 0, 1090, 0, 0, 110 };
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (1, 4, 1, &error);
  g_autofree char *summary = NULL;
  NnLayerInfo info;

  g_assert_no_error (error);
  g_assert_cmpuint (nn_model_n_params (m), ==, 18820);
  g_assert_cmpuint (nn_model_n_layers (m), ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      nn_model_layer_info (m, i, &info);
      g_assert_cmpuint (info.n_params, ==, want[i]);
    }
  nn_model_layer_info (m, 6, &info);    /* the first max-pool */
  g_assert_cmpstr (info.type, ==, "MaxPool2d");
  g_assert_cmpint (info.out_c, ==, 32);
  g_assert_cmpint (info.out_h, ==, 14);
  nn_model_layer_info (m, 18, &info);   /* 7 → 3, floor */
  g_assert_cmpint (info.out_h, ==, 3);
  nn_model_layer_info (m, 19, &info);   /* conv6, no padding: 3 → 1 */
  g_assert_cmpint (info.out_h, ==, 1);
  summary = nn_model_summary (m);
  g_assert_nonnull (strstr (summary, "18,820"));
  g_assert_nonnull (strstr (summary, "4,640"));
  g_test_message ("%s", summary);
  /* Derived from the block table, in the form checkpoints store from version 2 on (where
   * dropout is; its rate is the model's, stored beside it). */
  g_assert_cmpstr (nn_model_spec_string (), ==,
                   "mnist-18820: conv3x3(1,16,p1) bn relu conv3x3(16,32,p1) relu drop maxpool2 "
                   "conv3x3(32,16,p1) bn relu conv3x3(16,32,p1) relu drop maxpool2 "
                   "conv3x3(32,12,p1) bn relu drop maxpool2 conv3x3(12,10,p0) relu gap "
                   "linear(10,10)");

  /* Initialisation as PyTorch's: conv1 within ±1/√9, BN γ = 1, β = 0. */
  {
    const float *p = nn_model_params (m);
    double mean = 0;
    for (int i = 0; i < 144; i++)
      {
        g_assert_cmpfloat (fabsf (p[i]), <=, 1.0f / 3.0f);
        mean += p[i];
      }
    g_assert_cmpfloat (fabs (mean / 144), <, 0.05);
    g_assert_cmpfloat (p[160], ==, 1.0f);
    g_assert_cmpfloat (p[176], ==, 0.0f);
  }
  {
    GArray *tensors = nn_model_tensors (m);
    gsize total = 0;
    for (guint i = 0; i < tensors->len; i++)
      {
        NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
        if (!g_str_has_suffix (v->name, "running_mean") && !g_str_has_suffix (v->name, "running_var"))
          total += v->size;
      }
    g_assert_cmpuint (total, ==, 18820);
    g_assert_cmpstr (g_array_index (tensors, NnTensorView, 0).name, ==, "conv1.weight");
    g_array_unref (tensors);
  }
  nn_model_free (m);

  g_assert_null (nn_model_new (1, 0, 1, &error));
  g_assert_nonnull (error);
}

static void
random_batch (float *x, guint8 *y, guint n, guint64 seed)
{
  for (gsize i = 0; i < (gsize) n * NN_IMAGE_SIZE; i++)
    x[i] = 2.0f * nn_rng_uniform (seed, 7, i) - 0.5f;
  for (guint i = 0; i < n; i++)
    y[i] = (guint8) (nn_rng_u64 (seed, 8, i) % 10);
}

/* The network (nn-arch.h) written out plainly with the tests' reference layers (convolution as
 * nested loops, batch norm over the (N, C, HW) tensor, separate ReLU, dropout, max-pool passes,
 * reference/nn-reference.h): the fused,
 * phased model must give the same loss, logits and running statistics, in training and in
 * evaluation. Dropout masks are drawn as the model draws them: element (k, p, q) of a block
 * takes the mask of index k·npix + p·Wp + q on the kernels' padded-width grid. */
static float *
tensor (GArray *tensors, const char *prefix, const char *suffix)
{
  g_autofree char *name = g_strdup_printf ("%s.%s", prefix, suffix);
  for (guint i = 0; i < tensors->len; i++)
    if (g_strcmp0 (g_array_index (tensors, NnTensorView, i).name, name) == 0)
      return g_array_index (tensors, NnTensorView, i).data;
  g_error ("no tensor %s", name);
  return NULL;
}

/* Returns the summed loss; updates the running statistics in @tensors' copies rm/rv. */
static double
reference_forward (GArray *tensors, float **rm, float **rv, const float *x, const guint8 *y,
                   guint n, gboolean training, float dropout_p, guint64 seed, guint64 step,
                   float *logits)
{
  int C = 1, H = 28;
  float *cur = g_memdup2 (x, sizeof (float) * n * 784), *logp = g_new (float, n * 10);
  double loss;

  for (guint b = 0; b < G_N_ELEMENTS (nn_arch_blocks); b++)
    {
      const NnBlockSpec *rb = &nn_arch_blocks[b];
      NnRefConv2dShape s;
      float *z, *w = tensor (tensors, rb->conv, "weight");
      float *bias = tensor (tensors, rb->conv, "bias");
      gsize out;

      g_assert_true (nn_ref_conv2d_shape_init (&s, C, rb->out, H, H, 3, rb->pad, NULL));
      out = (gsize) rb->out * s.P * s.Q;
      z = g_new (float, n * out);
      for (guint i = 0; i < n; i++)
        nn_ref_conv2d_forward (z + i * out, cur + (gsize) i * C * H * H, w, bias, &s);
      if (rb->bn)
        {
          float *mean = g_new (float, rb->out), *rstd = g_new (float, rb->out);
          if (training)
            nn_ref_batchnorm_forward_train (z, mean, rstd, z, tensor (tensors, rb->bn, "weight"),
                                        tensor (tensors, rb->bn, "bias"), rm[b], rv[b], n,
                                        rb->out, s.P * s.Q);
          else
            nn_ref_batchnorm_forward_eval (z, z, tensor (tensors, rb->bn, "weight"),
                                       tensor (tensors, rb->bn, "bias"), rm[b], rv[b], n,
                                       rb->out, s.P * s.Q);
          g_free (mean);
          g_free (rstd);
        }
      for (gsize j = 0; j < n * out; j++)   /* ReLU, in place */
        z[j] = z[j] > 0 ? z[j] : 0.0f;
      if (rb->dropout && training)
        {
          const int Wp = s.Q + 2, npix = (int) nn_conv3x3_out_pixels (s.P, Wp);
          float *ones = g_new (float, (gsize) rb->out * npix);
          for (guint i = 0; i < n; i++)
            {
              for (int j = 0; j < rb->out * npix; j++)
                ones[j] = 1.0f;
              nn_cpu_kernels (NN_CPU_PORTABLE)->dropout_apply (ones, (gsize) rb->out * npix,
                                                               dropout_p, seed,
                                                               NN_RNG_STREAM_DROPOUT + b, step, i);
              for (int k = 0; k < rb->out; k++)
                for (int p = 0; p < s.P; p++)
                  for (int q = 0; q < s.Q; q++)
                    z[i * out + ((gsize) k * s.P + p) * s.Q + q] *= ones[k * npix + p * Wp + q];
            }
          g_free (ones);
        }
      g_free (cur);
      C = rb->out;
      H = s.P;
      if (rb->pool)
        {
          gsize pooled = (gsize) C * (H / 2) * (H / 2);
          guint8 *am = g_new (guint8, pooled);
          cur = g_new (float, n * pooled);
          for (guint i = 0; i < n; i++)
            nn_ref_maxpool_forward (cur + i * pooled, am, z + i * out, C, H, H);
          H /= 2;
          g_free (am);
          g_free (z);
        }
      else
        cur = z;
    }
  for (guint i = 0; i < n; i++)
    {
      float feat[10];
      nn_ref_avgpool_forward (feat, cur + (gsize) i * C * H * H, C, H * H);
      nn_linear_forward (logits + i * 10, feat, tensor (tensors, NN_ARCH_FC_NAME, "weight"),
                         tensor (tensors, NN_ARCH_FC_NAME, "bias"), 10, 10);
    }
  loss = nn_logsoftmax_nll_forward (logp, logits, y, n, 10);
  g_free (cur);
  g_free (logp);
  return loss;
}

/* A model in CPU variant @variant. */
static NnModel *
model_new (guint64 seed, guint max_batch, guint threads, NnCpuVariant variant)
{
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (seed, max_batch, threads, &error);

  g_assert_no_error (error);
  g_assert_true (nn_model_set_cpu_variant (m, variant, &error));
  g_assert_no_error (error);
  return m;
}

static void
test_matches_reference_layers (gconstpointer data)
{
  /* Float variants agree to 1e-4; bfloat16 products (2^-9 relative on each input) add about
   * a quarter of their epsilon (measured: loss 2.3e-4 apart). */
  const double slack = nn_cpu_variant_epsilon (GPOINTER_TO_INT (data));
  const double tol = 1e-4 + (slack > 1e-6 ? slack / 4 : 0);
  const guint n = 13;   /* chunks of 1 and 2 images */
  NnModel *m = model_new (21, n, 2, GPOINTER_TO_INT (data));
  GArray *tensors = nn_model_tensors (m);
  float *x = g_new (float, n * NN_IMAGE_SIZE), logits[13 * 10], probs[13 * 10];
  float *rm[NN_ARCH_N_BLOCKS] = { 0 }, *rv[NN_ARCH_N_BLOCKS] = { 0 };
  guint8 y[13];
  double loss, ref;

  random_batch (x, y, n, 31);
  for (guint b = 0; b < G_N_ELEMENTS (nn_arch_blocks); b++)
    if (nn_arch_blocks[b].bn)
      {
        gsize size = nn_arch_blocks[b].out * sizeof (float);
        rm[b] = g_memdup2 (tensor (tensors, nn_arch_blocks[b].bn, "running_mean"), size);
        rv[b] = g_memdup2 (tensor (tensors, nn_arch_blocks[b].bn, "running_var"), size);
      }
  /* Training: batch statistics, dropout; the running statistics move the same way. Dropout at
   * the architecture's rate, at a recipe's own (nn_model_set_dropout) and off. */
  for (guint64 step = 5; step < 8; step++)
    {
      const float p = step == 5 ? NN_DROPOUT_P : step == 6 ? 0.1f : 0.0f;
      nn_model_set_dropout (m, p);
      ref = reference_forward (tensors, rm, rv, x, y, n, TRUE, p, 21, step, logits);
      g_assert_true (nn_model_train_step (m, x, y, n, step, &loss, NULL, NULL));
      g_test_message ("training loss %.7f, reference %.7f", loss, ref);
      g_assert_cmpfloat (fabs (loss - ref), <=, tol * fabs (ref));
    }
  for (guint b = 0; b < G_N_ELEMENTS (nn_arch_blocks); b++)
    if (nn_arch_blocks[b].bn)
      {
        const float *mrm = tensor (tensors, nn_arch_blocks[b].bn, "running_mean");
        const float *mrv = tensor (tensors, nn_arch_blocks[b].bn, "running_var");
        for (int k = 0; k < nn_arch_blocks[b].out; k++)
          {
            g_assert_cmpfloat_with_epsilon (mrm[k], rm[b][k],
                                            (1e-5 + slack) * (1 + fabsf (rm[b][k])));
            g_assert_cmpfloat_with_epsilon (mrv[k], rv[b][k],
                                            (1e-5 + slack) * (1 + fabsf (rv[b][k])));
          }
        g_assert_cmpfloat (mrm[0], !=, 0.0f);   /* they did move */
      }
  /* Evaluation: running statistics, no dropout; probabilities from the same logits. */
  ref = reference_forward (tensors, rm, rv, x, y, n, FALSE, NN_DROPOUT_P, 21, 0, logits);
  nn_model_evaluate (m, x, y, n, &loss, NULL, NULL, probs);
  g_test_message ("evaluation loss %.7f, reference %.7f", loss, ref);
  g_assert_cmpfloat (fabs (loss - ref), <=, tol * fabs (ref));
  for (guint i = 0; i < n; i++)
    {
      double max = -INFINITY, sum = 0;
      for (int k = 0; k < 10; k++)
        max = MAX (max, logits[i * 10 + k]);
      for (int k = 0; k < 10; k++)
        sum += exp (logits[i * 10 + k] - max);
      for (int k = 0; k < 10; k++)
        g_assert_cmpfloat_with_epsilon (probs[i * 10 + k], exp (logits[i * 10 + k] - max) / sum,
                                        1e-5 + slack);
    }
  for (guint b = 0; b < NN_ARCH_N_BLOCKS; b++)
    {
      g_free (rm[b]);
      g_free (rv[b]);
    }
  g_array_unref (tensors);
  g_free (x);
  nn_model_free (m);
}

/* The model's gradient along a direction d against (L(w + εd) − L(w − εd)) / 2ε,
 * one parameter tensor at a time (kann's directional check), with the dropout masks fixed by
 * the step number. Per tensor, few ReLU or max-pool switches fall inside ±ε. Dropout at a rate
 * other than the architecture's, so backward's scale is seen to follow the model's rate. */
static void
test_whole_model_gradient (gconstpointer data)
{
  const guint n = 6;
  NnModel *m = model_new (3, n, 1, GPOINTER_TO_INT (data));
  gsize np = nn_model_n_params (m);
  float *x = g_new (float, n * NN_IMAGE_SIZE), *w0 = g_new (float, np), *g = g_new (float, np);
  GArray *tensors = nn_model_tensors (m);
  guint8 y[6];
  double loss;
  guint checked = 0;

  random_batch (x, y, n, 5);
  nn_model_set_dropout (m, 0.1f);
  g_assert_true (nn_model_train_step (m, x, y, n, 42, &loss, NULL, NULL));
  memcpy (g, nn_model_grads (m), np * sizeof (float));
  memcpy (w0, nn_model_params (m), np * sizeof (float));
  for (guint t = 0; t < tensors->len; t++)
    {
      NnTensorView *v = &g_array_index (tensors, NnTensorView, t);
      static const float eps[] = { 3e-5f, 1e-4f, 3e-4f };
      gsize off;
      double analytic = 0, numeric = 0, lp, lm;
      gboolean ok = FALSE;
      float gmax, *dir;

      if (g_str_has_suffix (v->name, "running_mean") || g_str_has_suffix (v->name, "running_var"))
        continue;
      dir = g_new (float, v->size);
      off = v->data - nn_model_params (m);
      /* Along d = g/max|g| + noise: a random direction alone sums terms of both signs that can
       * cancel to a value far below their scale, and then a few kinks decide the test. */
      gmax = 0;
      for (gsize i = 0; i < v->size; i++)
        gmax = MAX (gmax, fabsf (g[off + i]));
      for (gsize i = 0; i < v->size; i++)
        {
          dir[i] = (gmax > 0 ? g[off + i] / gmax : 0) + 0.5f * (2 * nn_rng_uniform (9, t, i) - 1);
          analytic += g[off + i] * (double) dir[i];
        }
      /* A ReLU or max-pool switch inside ±ε bends one difference quotient; a wrong gradient
       * misses at every step size, so one of three has to agree. */
      for (guint e = 0; e < G_N_ELEMENTS (eps) && !ok; e++)
        {
          for (gsize i = 0; i < v->size; i++)
            v->data[i] = w0[off + i] + eps[e] * dir[i];
          g_assert_true (nn_model_train_step (m, x, y, n, 42, &lp, NULL, NULL));
          for (gsize i = 0; i < v->size; i++)
            v->data[i] = w0[off + i] - eps[e] * dir[i];
          g_assert_true (nn_model_train_step (m, x, y, n, 42, &lm, NULL, NULL));
          memcpy (v->data, w0 + off, v->size * sizeof (float));
          numeric = (lp - lm) / n / (2 * eps[e]);
          g_test_message ("%-16s analytic %+.6f numeric %+.6f (ε %g)", v->name, analytic,
                          numeric, eps[e]);
          ok = fabs (analytic - numeric) <= 0.05 * fabs (analytic) + 4e-3;
        }
      if (!ok)
        g_error ("%s: analytic %.6g, numeric %.6g", v->name, analytic, numeric);
      g_free (dir);
      checked++;
    }
  g_assert_cmpuint (checked, ==, 20);
  g_array_unref (tensors);
  g_free (x); g_free (w0); g_free (g);
  nn_model_free (m);
}

/* A few SGD steps from the same seed: identical weights every time, with 1 or 2 threads. */
static float *
train_a_little (guint threads, guint64 seed)
{
  const guint n = 32;
  NnModel *m = nn_model_new (seed, n, threads, NULL);
  gsize np = nn_model_n_params (m);
  float *x = g_new (float, n * NN_IMAGE_SIZE), *out;
  guint8 y[32];

  for (guint step = 0; step < 4; step++)
    {
      double loss;
      random_batch (x, y, n, 100 + step);
      g_assert_true (nn_model_train_step (m, x, y, n, step, &loss, NULL, NULL));
      nn_sgd_step (nn_model_params (m), nn_model_grads (m), nn_model_velocity (m), np, 0.05f,
                   0.9f, 0.0f, FALSE);
    }
  out = g_memdup2 (nn_model_params (m), np * sizeof (float));
  g_free (x);
  nn_model_free (m);
  return out;
}

static void
test_deterministic_across_threads (void)
{
  float *a = train_a_little (1, 11), *b = train_a_little (2, 11), *c = train_a_little (1, 11);
  float *other = train_a_little (2, 12);

  g_assert_cmpmem (a, 18820 * sizeof (float), b, 18820 * sizeof (float));
  g_assert_cmpmem (a, 18820 * sizeof (float), c, 18820 * sizeof (float));
  g_assert_true (memcmp (a, other, 18820 * sizeof (float)) != 0);
  g_free (a); g_free (b); g_free (c); g_free (other);
}

static void
test_evaluate (void)
{
  const guint n = 5;
  NnModel *m = nn_model_new (2, n, 2, NULL);
  float x[5 * NN_IMAGE_SIZE], probs[50];
  guint8 y[5], pred[5];
  double loss;
  guint correct;

  random_batch (x, y, n, 77);
  nn_model_evaluate (m, x, y, n, &loss, &correct, pred, probs);
  g_assert_true (isfinite (loss));
  g_assert_cmpuint (correct, <=, n);
  for (guint i = 0; i < n; i++)
    {
      double s = 0;
      for (int k = 0; k < 10; k++)
        {
          s += probs[i * 10 + k];
          g_assert_cmpfloat (probs[i * 10 + k], <=, probs[i * 10 + pred[i]]);
        }
      g_assert_cmpfloat_with_epsilon (s, 1.0, 1e-5);
    }
  nn_model_free (m);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/model/parameter-count-and-summary", test_parameter_count_and_summary);
  /* Every CPU variant this machine runs, each on its own (nn-cpu.h). */
  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    if (nn_cpu_variant_supported (v))
      {
        g_autofree char *ref = g_strdup_printf ("/nn/model/%s/matches-reference-layers",
                                                nn_cpu_variant_to_string (v));
        g_autofree char *grad = g_strdup_printf ("/nn/model/%s/whole-model-gradient",
                                                 nn_cpu_variant_to_string (v));
        g_test_add_data_func (ref, GINT_TO_POINTER (v), test_matches_reference_layers);
        /* Central differences need the loss smooth at the scale of ε = 3e-5; rounded to
         * bfloat16 it is not: that variant's kernels are held to their bound in test-layers. */
        if (v != NN_CPU_AVX512_BF16)
          g_test_add_data_func (grad, GINT_TO_POINTER (v), test_whole_model_gradient);
      }
  g_test_add_func ("/nn/model/deterministic-across-threads", test_deterministic_across_threads);
  g_test_add_func ("/nn/model/evaluate", test_evaluate);
  return g_test_run ();
}
