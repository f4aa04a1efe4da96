/* test-layers.c: the tests' reference layers (reference/nn-reference.h) against central
 * differences and hand-checked values; the engine's own layers (3×3 convolution kernels,
 * dropout, linear, loss) against the reference or by hand (the optimiser: test-sgd.c).
 *
 * Each check uses L = Σ dy ⊙ f(x) for a random dy, so ∂L/∂x is exactly what backward returns
 * for that dy; the layers compute in float, the sums here in double. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nn-arch.h"
#include "nn-cpu.h"
#include "nn-linear.h"
#include "nn-loss.h"
#include "nn-reference.h"
#include "nn-rng.h"

static void
fill_random (float *v, gsize n, guint64 seed, float scale)
{
  for (gsize i = 0; i < n; i++)
    v[i] = (2 * nn_rng_uniform (seed, 99, i) - 1) * scale;
}

static double
dot (const float *a, const float *b, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += (double) a[i] * b[i];
  return s;
}

/* Compares @analytic (n) with central differences of @loss over @param (n), for up to
 * @max_checks entries spread over the tensor. */
typedef double (*LossFunc) (gpointer ctx);

static void
check_gradient (const char *what, float *param, const float *analytic, gsize n, LossFunc loss,
                gpointer ctx, float eps, double tol)
{
  gsize stride = MAX (1, n / 64);
  double worst = 0;

  for (gsize i = 0; i < n; i += stride)
    {
      float saved = param[i];
      double lp, lm, numeric, err;
      param[i] = saved + eps;
      lp = loss (ctx);
      param[i] = saved - eps;
      lm = loss (ctx);
      param[i] = saved;
      numeric = (lp - lm) / (2.0 * eps);
      err = fabs (numeric - analytic[i]) / MAX (1e-2, fabs (numeric) + fabs (analytic[i]));
      worst = MAX (worst, err);
      if (err > tol)
        g_error ("%s[%" G_GSIZE_FORMAT "]: analytic %.6g, numeric %.6g (rel. error %.3g)", what, i,
                 analytic[i], numeric, err);
    }
  g_test_message ("%s: worst relative error %.3g", what, worst);
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
  NnRefConv2dShape s;
  float *x, *w, *b, *y, *dy;
} ConvCtx;

static double
conv_loss (gpointer data)
{
  ConvCtx *c = data;
  nn_ref_conv2d_forward (c->y, c->x, c->w, c->b, &c->s);
  return dot (c->y, c->dy, (gsize) c->s.K * c->s.P * c->s.Q);
}

static void
test_conv2d_gradients (void)
{
  static const int cases[][6] = { /* C K H W R pad */
    { 1, 4, 6, 6, 3, 1 }, { 3, 2, 5, 7, 3, 0 }, { 4, 5, 3, 3, 3, 0 },
  };

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      ConvCtx c;
      gsize xn, wn, yn;
      float *dx, *dw, *db;

      g_assert_true (nn_ref_conv2d_shape_init (&c.s, cases[t][0], cases[t][1], cases[t][2],
                                           cases[t][3], cases[t][4], cases[t][5], NULL));
      xn = (gsize) c.s.C * c.s.H * c.s.W;
      wn = (gsize) c.s.K * c.s.C * c.s.R * c.s.R;
      yn = (gsize) c.s.K * c.s.P * c.s.Q;
      c.x = g_new (float, xn); c.w = g_new (float, wn); c.b = g_new (float, c.s.K);
      c.y = g_new (float, yn); c.dy = g_new (float, yn);
      dx = g_new (float, xn); dw = g_new0 (float, wn); db = g_new0 (float, c.s.K);
      fill_random (c.x, xn, 1 + t, 1);
      fill_random (c.w, wn, 2 + t, 0.5f);
      fill_random (c.b, c.s.K, 3 + t, 0.5f);
      fill_random (c.dy, yn, 4 + t, 1);

      nn_ref_conv2d_backward (dx, dw, db, c.dy, c.x, c.w, &c.s);
      check_gradient ("conv dx", c.x, dx, xn, conv_loss, &c, 1e-2f, 2e-3);
      check_gradient ("conv dw", c.w, dw, wn, conv_loss, &c, 1e-2f, 2e-3);
      check_gradient ("conv db", c.b, db, c.s.K, conv_loss, &c, 1e-2f, 2e-3);

      /* Backward accumulates into dw and db. */
      {
        float *dw2 = g_memdup2 (dw, wn * sizeof (float));
        nn_ref_conv2d_backward (NULL, dw, db, c.dy, c.x, c.w, &c.s);
        for (gsize i = 0; i < wn; i++)
          g_assert_cmpfloat_with_epsilon (dw[i], 2 * dw2[i], 1e-4 * (1 + fabsf (dw2[i])));
        g_free (dw2);
      }
      g_free (c.x); g_free (c.w); g_free (c.b); g_free (c.y); g_free (c.dy);
      g_free (dx); g_free (dw); g_free (db);
    }
}

/* The engine's kernels (implicit GEMM on padded images), in every CPU variant this machine
 * runs, against the reference convolution: forward, the weight and bias gradients, and the
 * input gradient as the flipped convolution. */
static void
check_conv3x3 (const NnKernels *kern)
{
  /* Each sum of n products agrees with the reference (in double) within the classic bound for
   * rounding to nearest, (eps + (n + 2)·2^-24)·Σ|terms|: eps the variant's rounding of its
   * products (nn_cpu_variant_epsilon; 2^-24 for float, 2^-8 for bfloat16 inputs), the rest the
   * float sums in whatever order. Σ|terms| is the reference run on the absolute values. */
  const double eps = nn_cpu_variant_epsilon (kern->variant), ulp = 1.0 / 16777216;
  /* The network's shapes, and others that reach every remainder tile (K = 15: 8 + 4 + 2 + 1)
   * and both weight-gradient paths (C a multiple of the vector width or not). */
  static const int cases[][4] = { /* C K H pad */
    { 1, 16, 28, 1 }, { 16, 32, 28, 1 }, { 32, 16, 14, 1 }, { 16, 32, 14, 1 }, { 32, 12, 7, 1 },
    { 12, 10, 3, 0 }, { 3, 5, 5, 0 }, { 16, 15, 6, 1 }, { 8, 7, 9, 0 },
  };

  for (guint t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      const int C = cases[t][0], K = cases[t][1], H = cases[t][2], pad = cases[t][3];
      const int Hp = H + 2 * pad, Wp = Hp, P = Hp - 2, d = 2 - pad, dWp = P + 2 * d;
      const gsize xn = (gsize) C * H * H, wn = (gsize) K * C * 9, yn = (gsize) K * P * P;
      const gsize npix = nn_conv3x3_out_pixels (P, Wp), dxpix = nn_conv3x3_out_pixels (H, dWp);
      NnRefConv2dShape s;
      float *x = g_new (float, xn), *w = g_new (float, wn), *b = g_new (float, K);
      float *y = g_new (float, yn), *dy = g_new (float, yn), *dx = g_new (float, xn);
      float *dw = g_new0 (float, wn), *db = g_new0 (float, K);
      float *xp = g_new0 (float, (gsize) C * Hp * Wp + NN_CONV3X3_SLACK);
      float *yp = g_new0 (float, K * npix), *wt = g_new (float, wn), *wf = g_new (float, wn);
      float *dyw = g_new0 (float, K * npix);
      float *dyp = g_new0 (float, (gsize) K * dWp * dWp + NN_CONV3X3_SLACK);
      float *dxp = g_new0 (float, C * dxpix), *dw2 = g_new0 (float, wn), *db2 = g_new0 (float, K);
      float *scratch = g_new (float, MAX (nn_conv3x3_scratch (C, Hp, Wp),
                                          nn_conv3x3_scratch (K, dWp, dWp)));
      float *ax = g_new (float, xn), *aw = g_new (float, wn), *ab = g_new (float, K);
      float *ady = g_new (float, yn), *ay = g_new (float, yn), *adx = g_new (float, xn);
      float *adw = g_new0 (float, wn), *adb = g_new0 (float, K);

      g_assert_true (nn_ref_conv2d_shape_init (&s, C, K, H, H, 3, pad, NULL));
      fill_random (x, xn, 10 + t, 1);
      fill_random (w, wn, 20 + t, 0.5f);
      fill_random (b, K, 30 + t, 0.5f);
      fill_random (dy, yn, 40 + t, 1);
      for (int c = 0; c < C; c++)
        for (int h = 0; h < H; h++)
          memcpy (xp + (gsize) c * Hp * Wp + (h + pad) * Wp + pad, x + ((gsize) c * H + h) * H,
                  sizeof (float) * H);
      for (int k = 0; k < K; k++)
        for (int p = 0; p < P; p++)
          {
            memcpy (dyw + k * npix + p * Wp, dy + ((gsize) k * P + p) * P, sizeof (float) * P);
            memcpy (dyp + (gsize) k * dWp * dWp + (p + d) * dWp + d, dy + ((gsize) k * P + p) * P,
                    sizeof (float) * P);
          }

      nn_ref_conv2d_forward (y, x, w, b, &s);
      nn_ref_conv2d_backward (dx, dw, db, dy, x, w, &s);
      for (gsize i = 0; i < xn; i++)
        ax[i] = fabsf (x[i]);
      for (gsize i = 0; i < wn; i++)
        aw[i] = fabsf (w[i]);
      for (int k = 0; k < K; k++)
        ab[k] = fabsf (b[k]);
      for (gsize i = 0; i < yn; i++)
        ady[i] = fabsf (dy[i]);
      nn_ref_conv2d_forward (ay, ax, aw, ab, &s);
      nn_ref_conv2d_backward (adx, adw, adb, ady, ax, aw, &s);
      kern->conv3x3_pack_weights (wt, w, K, C);
      kern->conv3x3_pack_flipped (wf, w, K, C);
      kern->conv3x3_forward (yp, npix, xp, C, Hp, Wp, P, wt, b, K, NULL, scratch);
      kern->conv3x3_weight_grad (dw2, db2, dyw, npix, xp, C, Hp, Wp, P, K, scratch);
      kern->conv3x3_forward (dxp, dxpix, dyp, K, dWp, dWp, H, wf, NULL, C, NULL, scratch);

      for (int k = 0; k < K; k++)
        for (int p = 0; p < P; p++)
          for (int q = 0; q < P; q++)
            {
              gsize at = ((gsize) k * P + p) * P + q;
              g_assert_cmpfloat_with_epsilon (yp[k * npix + p * Wp + q], y[at],
                                              (eps + (C * 9 + 2) * ulp) * ay[at]);
            }
      for (gsize i = 0; i < wn; i++)
        g_assert_cmpfloat_with_epsilon (dw2[i], dw[i], (eps + (P * P + 2) * ulp) * adw[i]);
      for (int k = 0; k < K; k++)   /* the bias gradient sums dy alone, in float */
        g_assert_cmpfloat_with_epsilon (db2[k], db[k], (P * P + 2) * ulp * adb[k]);
      for (int c = 0; c < C; c++)
        for (int h = 0; h < H; h++)
          for (int q = 0; q < H; q++)
            {
              gsize at = ((gsize) c * H + h) * H + q;
              g_assert_cmpfloat_with_epsilon (dxp[c * dxpix + h * dWp + q], dx[at],
                                              (eps + (K * 9 + 2) * ulp) * adx[at]);
            }
      g_free (x); g_free (w); g_free (b); g_free (y); g_free (dy); g_free (dx); g_free (dw);
      g_free (db); g_free (xp); g_free (yp); g_free (wt); g_free (wf); g_free (dyw);
      g_free (dyp); g_free (dxp); g_free (dw2); g_free (db2); g_free (scratch);
      g_free (ax); g_free (aw); g_free (ab); g_free (ady); g_free (ay); g_free (adx);
      g_free (adw); g_free (adb);
    }
}

static void
test_conv3x3_matches_reference (void)
{
  guint checked = 0;

  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    if (nn_cpu_variant_supported (v))
      {
        g_test_message ("variant %s", nn_cpu_variant_to_string (v));
        check_conv3x3 (nn_cpu_kernels (v));
        checked++;
      }
  g_assert_cmpuint (checked, >=, 1);
}

static void
test_conv2d_known_values (void)
{
  /* A 3×3 input, one 3×3 kernel of ones, pad 1: each output is the sum of its neighbourhood. */
  NnRefConv2dShape s;
  float x[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, w[9], b = 0.5f, y[9];
  const float want[9] = { 12, 21, 16, 27, 45, 33, 24, 39, 28 };

  for (int i = 0; i < 9; i++)
    w[i] = 1;
  g_assert_true (nn_ref_conv2d_shape_init (&s, 1, 1, 3, 3, 3, 1, NULL));
  nn_ref_conv2d_forward (y, x, w, &b, &s);
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat (y[i], ==, want[i] + 0.5f);
  g_assert_false (nn_ref_conv2d_shape_init (&s, 1, 1, 2, 2, 3, 0, NULL));
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
  int N, C, HW;
  float *x, *gamma, *beta, *y, *dy, *mean, *rstd, *rm, *rv;
} BnCtx;

static double
bn_loss (gpointer data)
{
  BnCtx *c = data;
  float rm[8], rv[8];   /* the running statistics must not drift during the check */
  memcpy (rm, c->rm, sizeof (float) * c->C);
  memcpy (rv, c->rv, sizeof (float) * c->C);
  nn_ref_batchnorm_forward_train (c->y, c->mean, c->rstd, c->x, c->gamma, c->beta, rm, rv, c->N,
                              c->C, c->HW);
  return dot (c->y, c->dy, (gsize) c->N * c->C * c->HW);
}

static void
test_batchnorm (void)
{
  BnCtx c = { 4, 3, 5 };
  gsize n = (gsize) c.N * c.C * c.HW;
  float dx[60], dgamma[3] = { 0 }, dbeta[3] = { 0 };
  float x[60], y[60], dy[60], gamma[3] = { 1.5f, 0.5f, -1 }, beta[3] = { 0.1f, 0, 2 };
  float mean[3], rstd[3], rm[3] = { 0, 0, 0 }, rv[3] = { 1, 1, 1 };

  c.x = x; c.y = y; c.dy = dy; c.gamma = gamma; c.beta = beta; c.mean = mean; c.rstd = rstd;
  c.rm = rm; c.rv = rv;
  fill_random (x, n, 11, 2);
  fill_random (dy, n, 12, 1);
  bn_loss (&c);
  nn_ref_batchnorm_backward (dx, dgamma, dbeta, dy, x, mean, rstd, gamma, c.N, c.C, c.HW);
  check_gradient ("bn dx", x, dx, n, bn_loss, &c, 1e-2f, 5e-3);
  check_gradient ("bn dgamma", gamma, dgamma, 3, bn_loss, &c, 1e-2f, 2e-3);
  check_gradient ("bn dbeta", beta, dbeta, 3, bn_loss, &c, 1e-2f, 2e-3);

  /* Hand values: one channel, batch {1, 2, 3, 4}: mean 2.5, biased var 1.25, unbiased 5/3. */
  {
    float xs[4] = { 1, 2, 3, 4 }, ys[4], g = 1, b = 0, m, r, rmean = 0, rvar = 1;
    nn_ref_batchnorm_forward_train (ys, &m, &r, xs, &g, &b, &rmean, &rvar, 4, 1, 1);
    g_assert_cmpfloat_with_epsilon (m, 2.5, 1e-6);
    g_assert_cmpfloat_with_epsilon (r, 1 / sqrt (1.25 + NN_BN_EPS), 1e-6);
    g_assert_cmpfloat_with_epsilon (ys[0], -1.5 / sqrt (1.25 + NN_BN_EPS), 1e-5);
    g_assert_cmpfloat_with_epsilon (rmean, NN_BN_MOMENTUM * 2.5, 1e-6);   /* from 0 */
    g_assert_cmpfloat_with_epsilon (rvar, 1 - NN_BN_MOMENTUM + NN_BN_MOMENTUM * 5.0 / 3.0,
                                    1e-6);   /* from 1, with the unbiased variance */
    /* Evaluation uses the running statistics. */
    nn_ref_batchnorm_forward_eval (ys, xs, &g, &b, &rmean, &rvar, 4, 1, 1);
    g_assert_cmpfloat_with_epsilon (ys[3], (4 - rmean) / sqrt (rvar + NN_BN_EPS), 1e-5);
  }
}

/* ------------------------------------------------------------------------------------------ */

static void
test_relu_pool_linear_gap (void)
{
  /* ReLU */
  {
    float x[4] = { -1, 0, 2, -3 }, y[4], dy[4] = { 1, 1, 1, 1 }, dx[4];
    nn_ref_relu_forward (y, x, 4);
    nn_ref_relu_backward (dx, dy, y, 4);
    g_assert_cmpfloat (y[0], ==, 0);
    g_assert_cmpfloat (y[2], ==, 2);
    g_assert_cmpfloat (dx[0], ==, 0);
    g_assert_cmpfloat (dx[1], ==, 0);
    g_assert_cmpfloat (dx[2], ==, 1);
  }
  /* Max pool 2×2 on a 5×5 input (floor: the last row and column are dropped). */
  {
    float x[25], y[4], dy[4] = { 1, 2, 3, 4 }, dx[25];
    guint8 arg[4];
    for (int i = 0; i < 25; i++)
      x[i] = (float) ((i * 7) % 11);
    nn_ref_maxpool_forward (y, arg, x, 1, 5, 5);
    /* window (0,0): x0=0 x1=7 x5=2 x6=9 → 9 at position 3 */
    g_assert_cmpfloat (y[0], ==, 9);
    g_assert_cmpuint (arg[0], ==, 3);
    nn_ref_maxpool_backward (dx, dy, arg, 1, 5, 5);
    g_assert_cmpfloat (dx[6], ==, 1);
    g_assert_cmpfloat (dx[0], ==, 0);
    {
      double s = 0;
      for (int i = 0; i < 25; i++)
        s += dx[i];
      g_assert_cmpfloat (s, ==, 10);
    }
  }
  /* Global average pool. */
  {
    float x[6] = { 1, 2, 3, 10, 20, 30 }, y[2], dy[2] = { 3, 6 }, dx[6];
    nn_ref_avgpool_forward (y, x, 2, 3);
    g_assert_cmpfloat (y[0], ==, 2);
    g_assert_cmpfloat (y[1], ==, 20);
    nn_ref_avgpool_backward (dx, dy, 2, 3);
    g_assert_cmpfloat (dx[0], ==, 1);
    g_assert_cmpfloat (dx[5], ==, 2);
  }
  /* Linear, numerically. */
  {
    float x[5], w[15], b[3], dy[3], dx[5], dw[15] = { 0 }, db[3] = { 0 }, y[3];
    fill_random (x, 5, 21, 1);
    fill_random (w, 15, 22, 1);
    fill_random (b, 3, 23, 1);
    fill_random (dy, 3, 24, 1);
    nn_linear_forward (y, x, w, b, 5, 3);
    {
      double want = b[1];
      for (int i = 0; i < 5; i++)
        want += w[5 + i] * x[i];
      g_assert_cmpfloat_with_epsilon (y[1], want, 1e-6);
    }
    nn_linear_backward (dx, dw, db, dy, x, w, 5, 3);
    for (int o = 0; o < 3; o++)
      {
        g_assert_cmpfloat_with_epsilon (db[o], dy[o], 1e-7);
        for (int i = 0; i < 5; i++)
          g_assert_cmpfloat_with_epsilon (dw[o * 5 + i], dy[o] * x[i], 1e-6);
      }
    for (int i = 0; i < 5; i++)
      {
        double s = 0;
        for (int o = 0; o < 3; o++)
          s += w[o * 5 + i] * dy[o];
        g_assert_cmpfloat_with_epsilon (dx[i], s, 1e-6);
      }
  }
}

static void
test_dropout (void)
{
  NnDropoutApplyFunc *dropout_apply = nn_cpu_kernels (NN_CPU_PORTABLE)->dropout_apply;
  const gsize n = 100001;   /* odd: the last element takes the single-element path */
  const float scale = 1.0f / (1.0f - NN_DROPOUT_P);
  float *y = g_new (float, n), *y2 = g_new (float, n);
  gsize kept = 0;

  for (gsize i = 0; i < n; i++)
    y[i] = 2.0f;
  dropout_apply (y, n, NN_DROPOUT_P, 7, 16, 3, 5);
  for (gsize i = 0; i < n; i++)
    {
      /* Kept units are scaled by 1/(1 − p), dropped ones are 0. */
      g_assert_true (y[i] == 0.0f || y[i] == 2.0f * scale);
      kept += y[i] != 0.0f;
    }
  g_assert_cmpfloat (fabs ((double) kept / n - (1 - NN_DROPOUT_P)), <, 0.01);
  /* Neighbours are independent: P(both kept) ≈ (1 − p)². */
  {
    gsize both = 0;
    for (gsize i = 0; i + 1 < n; i += 2)
      both += y[i] != 0 && y[i + 1] != 0;
    g_assert_cmpfloat (fabs ((double) both / (n / 2) - (1 - NN_DROPOUT_P) * (1 - NN_DROPOUT_P)),
                       <, 0.01);
  }
  /* The same key gives the same mask; another step or image a different one. */
  for (guint key = 0; key < 3; key++)
    {
      for (gsize i = 0; i < n; i++)
        y2[i] = 2.0f;
      dropout_apply (y2, n, NN_DROPOUT_P, 7, 16, key == 1 ? 4 : 3, key == 2 ? 6 : 5);
      if (key == 0)
        g_assert_cmpmem (y, n * sizeof (float), y2, n * sizeof (float));
      else
        g_assert_true (memcmp (y, y2, n * sizeof (float)) != 0);
    }
  /* Every CPU variant draws the same masks (integer hashing: no rounding to differ in). */
  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    if (nn_cpu_variant_supported (v))
      {
        for (gsize i = 0; i < n; i++)
          y2[i] = 2.0f;
        nn_cpu_kernels (v)->dropout_apply (y2, n, NN_DROPOUT_P, 7, 16, 3, 5);
        g_assert_cmpmem (y, n * sizeof (float), y2, n * sizeof (float));
      }
  g_free (y); g_free (y2);
}

/* The engine's max pooling in every variant against the reference, on the model's widths
 * (28, 14, 7 → 14, 7, 3 outputs a row) and on rows wider than one AVX-512 step (16, 19):
 * outputs, argmax (values on a coarse grid, so ties occur and go to the first), and nothing
 * written past a row's OQ outputs or the last argmax. */
static void
test_maxpool_matches_reference (void)
{
  static const int sides[][2] = { { 28, 28 }, { 14, 14 }, { 7, 7 }, { 5, 5 }, { 32, 33 },
                                  { 38, 39 } };

  for (guint t = 0; t < G_N_ELEMENTS (sides); t++)
    {
      const int H = sides[t][0], W = sides[t][1], OP = H / 2, OQ = W / 2;
      const gsize x_rs = (gsize) W + 2, y_rs = (gsize) OQ + 3;
      float *dense = g_new (float, (gsize) H * W), *ref = g_new (float, (gsize) OP * OQ);
      float *x = g_new0 (float, (gsize) H * x_rs + 16), *y = g_new (float, OP * y_rs);
      guint8 *ref_arg = g_new (guint8, (gsize) OP * OQ), *arg = g_new (guint8, OP * OQ + 16);

      for (int i = 0; i < H * W; i++)
        dense[i] = (float) (int) (nn_rng_uniform (5, 77, (guint64) t * 10000 + i) * 7) - 3;
      for (int h = 0; h < H; h++)
        memcpy (x + h * x_rs, dense + (gsize) h * W, sizeof (float) * W);
      nn_ref_maxpool_forward (ref, ref_arg, dense, 1, H, W);
      for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
        if (nn_cpu_variant_supported (v))
          {
            for (gsize i = 0; i < OP * y_rs; i++)
              y[i] = 1234.5f;
            memset (arg, 0xAB, OP * OQ + 16);
            nn_cpu_kernels (v)->maxpool_forward (y, y_rs, arg, x, x_rs, OP, OQ);
            for (int p = 0; p < OP; p++)
              {
                g_assert_cmpmem (y + p * y_rs, sizeof (float) * OQ, ref + (gsize) p * OQ,
                                 sizeof (float) * OQ);
                for (gsize q = OQ; q < y_rs; q++)
                  g_assert_cmpfloat (y[p * y_rs + q], ==, 1234.5f);
              }
            g_assert_cmpmem (arg, OP * OQ, ref_arg, OP * OQ);
            for (int i = 0; i < 16; i++)
              g_assert_cmpuint (arg[OP * OQ + i], ==, 0xAB);
          }
      g_free (dense); g_free (ref); g_free (x); g_free (y); g_free (ref_arg); g_free (arg);
    }
}

static void
test_loss (void)
{
  /* z = (0, ln 3) → softmax (1/4, 3/4); label 1: loss −ln(3/4). */
  float z[4] = { 0, logf (3), 2, 2 }, logp[4], dz[4];
  guint8 labels[2] = { 1, 0 };
  double sum = nn_logsoftmax_nll_forward (logp, z, labels, 2, 2);

  g_assert_cmpfloat_with_epsilon (sum, -log (0.75) - log (0.5), 1e-6);
  g_assert_cmpfloat_with_epsilon (logp[0], log (0.25), 1e-6);
  nn_logsoftmax_nll_backward (dz, logp, labels, 2, 2, 0.5f, 0);
  g_assert_cmpfloat_with_epsilon (dz[0], 0.5 * 0.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (dz[1], 0.5 * (0.75 - 1), 1e-6);
  g_assert_cmpfloat_with_epsilon (dz[2], 0.5 * (0.5 - 1), 1e-6);
  /* Label smoothing 0.2 over 2 classes: targets 0.9 and 0.1; PyTorch's
   * cross_entropy (z, labels, label_smoothing=0.2).backward() gives these. */
  nn_logsoftmax_nll_backward (dz, logp, labels, 2, 2, 0.5f, 0.2f);
  g_assert_cmpfloat_with_epsilon (dz[0], 0.07500000298023224, 1e-6);
  g_assert_cmpfloat_with_epsilon (dz[1], -0.07500001788139343, 1e-6);
  g_assert_cmpfloat_with_epsilon (dz[2], -0.20000001788139343, 1e-6);
  g_assert_cmpfloat_with_epsilon (dz[3], 0.20000000298023224, 1e-6);
  /* Large logits do not overflow (max-shifted). */
  {
    float big[2] = { 1000, 990 }, lp[2];
    guint8 l = 0;
    double s = nn_logsoftmax_nll_forward (lp, big, &l, 1, 2);
    g_assert_true (isfinite (s));
    g_assert_cmpfloat_with_epsilon (s, log1p (exp (-10)), 1e-6);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/reference/conv2d-gradients", test_conv2d_gradients);
  g_test_add_func ("/nn/reference/conv2d-known-values", test_conv2d_known_values);
  g_test_add_func ("/nn/conv3x3/matches-reference", test_conv3x3_matches_reference);
  g_test_add_func ("/nn/reference/batchnorm", test_batchnorm);
  g_test_add_func ("/nn/reference/relu-pool-gap-and-linear", test_relu_pool_linear_gap);
  g_test_add_func ("/nn/maxpool/matches-reference", test_maxpool_matches_reference);
  g_test_add_func ("/nn/dropout", test_dropout);
  g_test_add_func ("/nn/loss", test_loss);
  return g_test_run ();
}
