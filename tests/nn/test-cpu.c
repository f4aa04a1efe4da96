/* test-cpu.c: one binary for every CPU (nn-cpu.h). The variants' names and how one is chosen
 * (BL_CPU, forcing), and one training step run by every variant this machine supports,
 * compared with the portable one; within each variant, 1 and 2 threads give the same bits. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nn-cpu.h"
#include "nn-dataset.h"
#include "nn-error.h"
#include "nn-model.h"
#include "nn-rng.h"
#include "nn-sgd.h"

static void
test_names_and_choice (void)
{
  g_autoptr(GError) error = NULL;
  NnCpuVariant v;

  for (int i = 0; i < NN_CPU_N_VARIANTS; i++)
    {
      g_assert_true (nn_cpu_variant_from_string (nn_cpu_variant_to_string (i), &v, NULL));
      g_assert_cmpint (v, ==, i);
      g_assert_true (!nn_cpu_variant_supported (i) || (int) nn_cpu_kernels (i)->variant == i);
    }
  g_assert_false (nn_cpu_variant_from_string ("sse9", &v, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (nn_cpu_variant_supported (NN_CPU_PORTABLE));
  g_assert_true (nn_cpu_variant_supported (nn_cpu_variant_best ()));
  /* The best float variant is the best; mixed precision is only ever asked for. */
  for (int i = nn_cpu_variant_best () + 1; i <= NN_CPU_AVX512; i++)
    g_assert_false (nn_cpu_variant_supported (i));
  g_assert_cmpint (nn_cpu_variant_best (), !=, NN_CPU_AVX512_BF16);
  g_test_message ("this CPU runs up to %s", nn_cpu_variant_to_string (nn_cpu_variant_best ()));

  /* BL_CPU chooses; a wrong one is an error a model reports, not a crash. */
  g_assert_null (g_getenv ("BL_CPU"));
  g_assert_true (nn_cpu_variant_select (&v, NULL));
  g_assert_cmpint (v, ==, nn_cpu_variant_best ());
  g_assert_cmpstr (nn_cpu_variant_name (), ==, nn_cpu_variant_to_string (v));
  g_setenv ("BL_CPU", "portable", TRUE);
  g_assert_true (nn_cpu_variant_select (&v, NULL));
  g_assert_cmpint (v, ==, NN_CPU_PORTABLE);
  g_assert_cmpstr (nn_cpu_variant_name (), ==, "portable");
  {
    NnModel *m = nn_model_new (1, 4, 1, &error);
    g_assert_no_error (error);
    g_assert_cmpint (nn_model_get_cpu_variant (m), ==, NN_CPU_PORTABLE);
    nn_model_free (m);
  }
  g_setenv ("BL_CPU", "sse9", TRUE);
  g_assert_null (nn_model_new (1, 4, 1, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "BL_CPU"));
  g_assert_nonnull (strstr (nn_cpu_variant_name (), "sse9"));
  g_clear_error (&error);
  g_unsetenv ("BL_CPU");
}

/* The same seed, batch and step in @variant, with @threads: the loss, the gradient and the
 * weights after one SGD step. */
typedef struct {
  double loss;
  float *grads, *params;
} StepResult;

static StepResult
one_step (NnCpuVariant variant, guint threads)
{
  const guint n = 24;
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (7, n, threads, &error);
  gsize np = nn_model_n_params (m);
  float *x = g_new (float, n * NN_IMAGE_SIZE);
  guint8 y[24];
  StepResult r;

  g_assert_no_error (error);
  g_assert_true (nn_model_set_cpu_variant (m, variant, &error));
  g_assert_no_error (error);
  /* Pixels drawn from a continuum, so no two tie: with MNIST's flat background, a max-pool
   * window of equal values decided by rounding would route a gradient elsewhere in one variant
   * than in another, a difference far above rounding that is no fault. */
  for (gsize i = 0; i < (gsize) n * NN_IMAGE_SIZE; i++)
    x[i] = 2.8f * nn_rng_uniform (3, 2, i) - 0.4242f;
  for (guint i = 0; i < n; i++)
    y[i] = (guint8) (nn_rng_u64 (3, 3, i) % NN_CLASSES);
  g_assert_true (nn_model_train_step (m, x, y, n, 11, &r.loss, NULL, &error));
  g_assert_no_error (error);
  r.grads = g_memdup2 (nn_model_grads (m), np * sizeof (float));
  nn_sgd_step (nn_model_params (m), nn_model_grads (m), nn_model_velocity (m), np, 0.05f, 0.9f,
               0.0f, FALSE);
  r.params = g_memdup2 (nn_model_params (m), np * sizeof (float));
  g_free (x);
  nn_model_free (m);
  return r;
}

static void
step_result_clear (StepResult *r)
{
  g_free (r->grads);
  g_free (r->params);
}

/* ‖a − b‖ / ‖b‖ over each parameter tensor (whole tensors: single entries of a gradient can
 * cancel to nearly 0, where any rounding is a large relative error). A convolution's bias
 * before a batch norm has a zero gradient in exact arithmetic (the batch norm subtracts the
 * mean), so what is computed for it is rounding noise: a tensor's size counts as at least
 * 10^-3 of the whole vector's. */
static double
worst_tensor_error (const float *a, const float *b, GArray *tensors, const float *base)
{
  double worst = 0, total = 0;

  for (gsize i = 0; i < 18820; i++)
    total += (double) b[i] * b[i];
  for (guint t = 0; t < tensors->len; t++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, t);
      gsize off;
      double d = 0, n = 0;
      if (g_str_has_prefix (strrchr (v->name, '.'), ".running"))
        continue;
      off = v->data - base;
      for (gsize i = 0; i < v->size; i++)
        {
          d += ((double) a[off + i] - b[off + i]) * ((double) a[off + i] - b[off + i]);
          n += (double) b[off + i] * b[off + i];
        }
      worst = MAX (worst, sqrt (d / MAX (n, 1e-6 * total)));
    }
  return worst;
}

/* a·b / (‖a‖·‖b‖) over the whole parameter vector. */
static double
cosine (const float *a, const float *b)
{
  double ab = 0, aa = 0, bb = 0;

  for (gsize i = 0; i < 18820; i++)
    {
      ab += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
  return ab / sqrt (aa * bb);
}

static void
test_every_variant_one_step (void)
{
  StepResult portable = one_step (NN_CPU_PORTABLE, 1);
  NnModel *layout = nn_model_new (7, 1, 1, NULL);
  GArray *tensors = nn_model_tensors (layout);
  const float *base = nn_model_params (layout);
  guint compared = 0;

  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    {
      StepResult r, r2;
      double loss_error, grad_error, param_error;
      if (!nn_cpu_variant_supported (v))
        continue;
      r = one_step (v, 1);
      /* Within a variant: the same bits for any thread count. */
      r2 = one_step (v, 2);
      g_assert_cmpfloat (r.loss, ==, r2.loss);
      g_assert_cmpmem (r.params, 18820 * sizeof (float), r2.params, 18820 * sizeof (float));
      step_result_clear (&r2);
      /* Between variants: the same step up to rounding. They differ only in how floats are
       * rounded: a fused multiply-add rounds once where separate ones round twice, and the
       * vector width changes the order of partial sums; each is a relative change of about
       * 2^-24 (6e-8) per operation. The loss is a smooth function of those: measured 4e-9
       * apart, asserted within 1e-6. The gradient is not: a ReLU input or a max-pool window
       * within rounding of its threshold may go the other way in another variant, and then a
       * pixel's whole gradient takes another path (measured: one such flip in 3·10^5 decisions
       * moved bn2.bias by 1.4e-2 of its size; without one, tensors agree to 5e-5). So the
       * gradient and the updated weights are asserted within 5e-2, which a wrong kernel
       * misses by far; each variant's kernels are also checked on their own against the
       * reference layers and central differences (test-layers, test-model). */
      loss_error = fabs (r.loss - portable.loss) / fabs (portable.loss);
      grad_error = worst_tensor_error (r.grads, portable.grads, tensors, base);
      param_error = worst_tensor_error (r.params, portable.params, tensors, base);
      g_test_message ("%-11s loss %.9g (rel. diff %.2g), gradient rel. diff %.2g (cosine "
                      "%.4f), weights %.2g", nn_cpu_variant_to_string (v), r.loss, loss_error,
                      grad_error, cosine (r.grads, portable.grads), param_error);
      if (v != NN_CPU_AVX512_BF16)
        {
          g_assert_cmpfloat (loss_error, <=, 1e-6);
          g_assert_cmpfloat (grad_error, <=, 5e-2);
          g_assert_cmpfloat (param_error, <=, 5e-2);
        }
      else
        {
          /* Mixed precision rounds every product's inputs to 8 significant bits (2^-9
           * relative): the loss moves by about 10^-4 (measured 7e-5, asserted 1e-3), and
           * decisions near their thresholds flip about 10^4 times as often as in float, so
           * gradient tensors move by tens of percent (measured up to 0.43 on the noise-level
           * biases, 0.25 on the convolutions' weights) while the gradient keeps its direction
           * (cosine with float's measured 0.97, asserted 0.9). Its kernels are held to
           * bfloat16's rounding bound in test-layers, and training with them tracks float. */
          g_assert_cmpfloat (loss_error, <=, 1e-3);
          g_assert_cmpfloat (cosine (r.grads, portable.grads), >=, 0.9);
        }
      step_result_clear (&r);
      compared++;
    }
  g_assert_cmpuint (compared, >=, 1);
  g_array_unref (tensors);
  nn_model_free (layout);
  step_result_clear (&portable);
}

int
main (int argc, char **argv)
{
  g_unsetenv ("BL_CPU");   /* the test chooses */
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/cpu/names-and-choice", test_names_and_choice);
  g_test_add_func ("/nn/cpu/every-variant-one-step", test_every_variant_one_step);
  return g_test_run ();
}
