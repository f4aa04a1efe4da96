/* test-toy.c: the 2-2-2 network against an independent computation, the published figures of
 * the worked example, numerical gradients, runs and their replay, input validation. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"

/* ------------------------------------------------------------------------------------------
 * An independent reference: the network as matrices, written from the maths, not from bl-toy.c.
 * W1 is 2×2 (hidden × input), W2 is 2×2 (output × hidden).
 */
typedef struct {
  double x[2], t[2], W1[2][2], W2[2][2], b1, b2;
  double net_h[2], a_h[2], net_o[2], a_o[2], E[2], E_total;
  double gW1[2][2], gW2[2][2], gb1, gb2;
} Ref;

static void
ref_init (Ref *r, const BlToyParams *p)
{
  memset (r, 0, sizeof *r);
  r->x[0] = p->i1; r->x[1] = p->i2;
  r->t[0] = p->t1; r->t[1] = p->t2;
  r->W1[0][0] = p->w[0]; r->W1[0][1] = p->w[1];
  r->W1[1][0] = p->w[2]; r->W1[1][1] = p->w[3];
  r->W2[0][0] = p->w[4]; r->W2[0][1] = p->w[5];
  r->W2[1][0] = p->w[6]; r->W2[1][1] = p->w[7];
  r->b1 = p->b1; r->b2 = p->b2;
}

static void
ref_forward_backward (Ref *r)
{
  double delta_o[2], delta_h[2];

  for (int j = 0; j < 2; j++)
    {
      r->net_h[j] = r->b1;
      for (int i = 0; i < 2; i++)
        r->net_h[j] += r->W1[j][i] * r->x[i];
      r->a_h[j] = 1.0 / (1.0 + exp (-r->net_h[j]));
    }
  r->E_total = 0;
  for (int k = 0; k < 2; k++)
    {
      r->net_o[k] = r->b2;
      for (int j = 0; j < 2; j++)
        r->net_o[k] += r->W2[k][j] * r->a_h[j];
      r->a_o[k] = 1.0 / (1.0 + exp (-r->net_o[k]));
      r->E[k] = 0.5 * pow (r->t[k] - r->a_o[k], 2);
      r->E_total += r->E[k];
      delta_o[k] = -(r->t[k] - r->a_o[k]) * r->a_o[k] * (1.0 - r->a_o[k]);
    }
  r->gb2 = 0;
  for (int k = 0; k < 2; k++)
    {
      for (int j = 0; j < 2; j++)
        r->gW2[k][j] = delta_o[k] * r->a_h[j];
      r->gb2 += delta_o[k];
    }
  r->gb1 = 0;
  for (int j = 0; j < 2; j++)
    {
      double back = 0;
      for (int k = 0; k < 2; k++)
        back += r->W2[k][j] * delta_o[k];
      delta_h[j] = back * r->a_h[j] * (1.0 - r->a_h[j]);
      for (int i = 0; i < 2; i++)
        r->gW1[j][i] = delta_h[j] * r->x[i];
      r->gb1 += delta_h[j];
    }
}

static void
ref_step (Ref *r, double lr, gboolean train_biases)
{
  for (int a = 0; a < 2; a++)
    for (int b = 0; b < 2; b++)
      {
        r->W1[a][b] -= lr * r->gW1[a][b];
        r->W2[a][b] -= lr * r->gW2[a][b];
      }
  if (train_biases)
    {
      r->b1 -= lr * r->gb1;
      r->b2 -= lr * r->gb2;
    }
}

static void
assert_close (double got, double want, double rel)
{
  double tol = rel * fmax (1.0, fabs (want));
  if (!(fabs (got - want) <= tol))
    g_error ("got %.17g, want %.17g (|diff| %.3g > %.3g)", got, want, fabs (got - want), tol);
}

static void
assert_row_matches_ref (const BlToyRow *row, const Ref *r, gboolean biases)
{
  const double *v = row->v;
  const double rel = 1e-14;

  assert_close (v[BL_TOY_COL_H1], r->net_h[0], rel);
  assert_close (v[BL_TOY_COL_H2], r->net_h[1], rel);
  assert_close (v[BL_TOY_COL_A_H1], r->a_h[0], rel);
  assert_close (v[BL_TOY_COL_A_H2], r->a_h[1], rel);
  assert_close (v[BL_TOY_COL_O1], r->net_o[0], rel);
  assert_close (v[BL_TOY_COL_O2], r->net_o[1], rel);
  assert_close (v[BL_TOY_COL_A_O1], r->a_o[0], rel);
  assert_close (v[BL_TOY_COL_A_O2], r->a_o[1], rel);
  assert_close (v[BL_TOY_COL_E1], r->E[0], rel);
  assert_close (v[BL_TOY_COL_E2], r->E[1], rel);
  assert_close (v[BL_TOY_COL_E_TOTAL], r->E_total, rel);
  assert_close (v[BL_TOY_COL_DW1], r->gW1[0][0], rel);
  assert_close (v[BL_TOY_COL_DW2], r->gW1[0][1], rel);
  assert_close (v[BL_TOY_COL_DW3], r->gW1[1][0], rel);
  assert_close (v[BL_TOY_COL_DW4], r->gW1[1][1], rel);
  assert_close (v[BL_TOY_COL_DW5], r->gW2[0][0], rel);
  assert_close (v[BL_TOY_COL_DW6], r->gW2[0][1], rel);
  assert_close (v[BL_TOY_COL_DW7], r->gW2[1][0], rel);
  assert_close (v[BL_TOY_COL_DW8], r->gW2[1][1], rel);
  assert_close (v[BL_TOY_COL_W1], r->W1[0][0], rel);
  assert_close (v[BL_TOY_COL_W8], r->W2[1][1], rel);
  if (biases)
    {
      assert_close (v[BL_TOY_COL_DB1], r->gb1, rel);
      assert_close (v[BL_TOY_COL_DB2], r->gb2, rel);
      assert_close (v[BL_TOY_COL_B1], r->b1, rel);
      assert_close (v[BL_TOY_COL_B2], r->b2, rel);
    }
}

/* ------------------------------------------------------------------------------------------ */

static void
test_classroom_row0 (void)
{
  BlToyParams p;
  BlToyRow row;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  g_assert_true (bl_toy_params_validate (&p, NULL));
  g_assert_true (bl_toy_compute_row (&p, &row));
  /* The spreadsheet's first row. */
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_E_TOTAL], 0.2425198573, 5e-11);
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_H1], 0.0275, 1e-15);
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_H2], 0.0425, 1e-15);
  g_assert_cmpfloat (row.v[BL_TOY_COL_B1], ==, 0.0);
}

static void
test_with_biases_figures (void)
{
  BlToyParams p;
  BlToyRow row;
  BlToyRun *run;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  g_assert_true (p.has_biases);
  g_assert_false (p.train_biases);
  g_assert_true (bl_toy_compute_row (&p, &row));
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_E_TOTAL], 0.298371109, 5e-10);
  /* The worked example's intermediate values. */
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_A_H1], 0.593269992, 5e-10);
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_A_O1], 0.75136507, 5e-9);
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_DW5], 0.082167041, 5e-10);

  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 1);
  g_assert_cmpuint (run->n_rows, ==, 2);
  g_assert_cmpfloat_with_epsilon (run->loss[1], 0.291027774, 5e-10);
  bl_toy_run_get_row (run, 1, &row);
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_W5], 0.35891648, 5e-9);
  g_assert_cmpfloat_with_epsilon (row.v[BL_TOY_COL_W1], 0.149780716, 5e-10);
  g_assert_cmpfloat (row.v[BL_TOY_COL_B1], ==, 0.35);   /* frozen */
  bl_toy_run_free (run);
}

/* Many iterations against the reference, for every preset, rate and bias switch. */
static void
test_against_reference (void)
{
  static const double lrs[] = { 0.1, 0.5, 2.0, 7.5 };

  for (int preset = 0; preset < 2; preset++)
    for (int train = 0; train < 2; train++)
      for (guint l = 0; l < G_N_ELEMENTS (lrs); l++)
        {
          BlToyParams p;
          BlToyRun *run;
          Ref r;

          bl_toy_params_init_preset (&p, preset);
          p.train_biases = train && p.has_biases;
          ref_init (&r, &p);
          run = bl_toy_run_new (&p, lrs[l]);
          bl_toy_run_compute (run, 600);
          g_assert_cmpuint (run->n_rows, ==, 601);
          for (guint k = 0; k < run->n_rows; k++)
            {
              BlToyRow row;
              ref_forward_backward (&r);
              bl_toy_run_get_row (run, k, &row);
              assert_row_matches_ref (&row, &r, p.has_biases);
              assert_close (run->loss[k], r.E_total, 1e-14);
              ref_step (&r, lrs[l], p.train_biases);
            }
          bl_toy_run_free (run);
        }
}

static void
test_numeric_gradients_random (void)
{
  GRand *rand = g_rand_new_with_seed (20261124);
  static const BlToyColumn params[] = {
    BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3, BL_TOY_COL_W4,
    BL_TOY_COL_W5, BL_TOY_COL_W6, BL_TOY_COL_W7, BL_TOY_COL_W8,
    BL_TOY_COL_B1, BL_TOY_COL_B2,
  };

  for (int trial = 0; trial < 200; trial++)
    {
      BlToyParams p;
      BlToyRow row;

      bl_toy_params_init_preset (&p, trial % 2 ? BL_TOY_PRESET_WITH_BIASES : BL_TOY_PRESET_CLASSROOM);
      for (int i = 0; i < 8; i++)
        p.w[i] = g_rand_double_range (rand, -3, 3);
      p.i1 = g_rand_double_range (rand, -1, 1);
      p.i2 = g_rand_double_range (rand, -1, 1);
      p.t1 = g_rand_double (rand);
      p.t2 = g_rand_double (rand);
      if (p.has_biases)
        {
          p.b1 = g_rand_double_range (rand, -2, 2);
          p.b2 = g_rand_double_range (rand, -2, 2);
        }
      bl_toy_compute_row (&p, &row);
      for (guint c = 0; c < G_N_ELEMENTS (params); c++)
        {
          BlToyColumn g = bl_toy_param_gradient (params[c]);
          double analytic, numeric, err;
          if (!bl_toy_column_visible (params[c], p.has_biases))
            continue;
          analytic = row.v[g];
          numeric = bl_toy_numeric_gradient (&p, params[c], 1e-6);
          err = fabs (analytic - numeric) / fmax (1e-8, fabs (analytic) + fabs (numeric));
          if (err > 1e-5 && fabs (analytic - numeric) > 1e-10)
            g_error ("trial %d %s: analytic %.12g numeric %.12g", trial,
                     bl_toy_column_name (g), analytic, numeric);
        }
    }
  g_rand_free (rand);
}

/* Rows rebuilt from snapshots are bit-identical to the rows computed in sequence. */
static void
test_replay_bit_identical (void)
{
  BlToyParams p, q;
  BlToyRun *run;
  BlToyRow seq, got;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 0.8);
  bl_toy_run_compute (run, 3 * BL_TOY_CHECKPOINT_EVERY + 17);
  q = p;
  for (guint k = 0; k < run->n_rows; k++)
    {
      bl_toy_compute_row (&q, &seq);
      bl_toy_run_get_row (run, k, &got);
      g_assert_cmpmem (seq.v, sizeof seq.v, got.v, sizeof got.v);
      g_assert_true (run->loss[k] == seq.v[BL_TOY_COL_E_TOTAL]);
      bl_toy_apply_update (&q, &seq, 0.8);
    }
  /* Shrinking and growing again gives the same numbers. */
  bl_toy_run_compute (run, 100);
  g_assert_cmpuint (run->n_rows, ==, 101);
  bl_toy_run_compute (run, 2000);
  g_assert_cmpuint (run->n_rows, ==, 2001);
  q = p;
  for (guint k = 0; k <= 2000; k++)
    {
      bl_toy_compute_row (&q, &seq);
      if (k == 2000 || k == 777 || k == 101)
        {
          bl_toy_run_get_row (run, k, &got);
          g_assert_cmpmem (seq.v, sizeof seq.v, got.v, sizeof got.v);
        }
      bl_toy_apply_update (&q, &seq, 0.8);
    }
  bl_toy_run_free (run);
}

static void
test_loss_falls_and_reach (void)
{
  BlToyParams p;
  guint n;
  const double *lrs = bl_toy_default_learning_rates (&n);
  gint64 prev_reach = G_MAXINT64;

  g_assert_cmpuint (n, ==, 6);
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  for (guint i = 0; i < n; i++)
    {
      BlToyRun *run = bl_toy_run_new (&p, lrs[i]);
      gint64 reach;
      bl_toy_run_compute (run, 100000);
      g_assert_cmpuint (run->n_rows, ==, 100001);
      g_assert_cmpint (run->stop, ==, BL_TOY_STOP_NONE);
      for (guint k = 1; k < run->n_rows; k++)
        g_assert_cmpfloat (run->loss[k], <=, run->loss[k - 1]);
      reach = bl_toy_run_rows_to_reach (run, 1e-3);
      g_assert_cmpint (reach, >, 0);
      g_assert_cmpfloat (run->loss[reach], <, 1e-3);
      g_assert_cmpfloat (run->loss[reach - 1], >=, 1e-3);
      /* Larger rates get there sooner on this problem. */
      g_assert_cmpint (reach, <, prev_reach);
      prev_reach = reach;
      if (lrs[i] == 2.0)
        g_assert_cmpfloat (run->loss[run->n_rows - 1], <, 1e-6);
      bl_toy_run_free (run);
    }
}

static void
test_nonfinite_stops (void)
{
  BlToyParams p;
  BlToyRun *run;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  p.w[0] = INFINITY;
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 50);
  g_assert_cmpint (run->stop, ==, BL_TOY_STOP_NONFINITE);
  g_assert_cmpuint (run->stop_row, ==, 0);
  g_assert_cmpuint (run->n_rows, ==, 1);
  bl_toy_run_free (run);

  /* A target and a rate so large (past what validation lets in) that an update overflows. */
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  p.t1 = 1e150;
  run = bl_toy_run_new (&p, 1e160);
  bl_toy_run_compute (run, 50);
  g_assert_cmpint (run->stop, ==, BL_TOY_STOP_NONFINITE);
  g_assert_cmpuint (run->stop_row, >=, 1);
  g_assert_cmpuint (run->n_rows, ==, run->stop_row + 1);
  for (guint k = 0; k < run->stop_row; k++)
    {
      BlToyRow row;
      bl_toy_run_get_row (run, k, &row);
      for (guint c = 0; c < BL_TOY_N_COLS; c++)
        g_assert_true (isfinite (row.v[c]));
    }
  bl_toy_run_free (run);
}

static void
test_validation (void)
{
  BlToyParams p;
  GError *error = NULL;
  double v = 0;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  g_assert_false (bl_toy_parse_double ("abc", &v, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_false (bl_toy_parse_double ("0.5x", &v, &error));
  g_clear_error (&error);
  g_assert_false (bl_toy_parse_double ("", &v, &error));
  g_clear_error (&error);
  g_assert_false (bl_toy_parse_double ("1e400", &v, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_OVERFLOW);
  g_clear_error (&error);
  g_assert_false (bl_toy_parse_double ("nan", &v, &error));
  g_clear_error (&error);
  g_assert_true (bl_toy_parse_double (" 0.25 ", &v, NULL));
  g_assert_cmpfloat (v, ==, 0.25);

  g_assert_false (bl_toy_lr_validate (0.0, &error));
  g_clear_error (&error);
  g_assert_false (bl_toy_lr_validate (-1.0, &error));
  g_clear_error (&error);
  g_assert_false (bl_toy_lr_validate (NAN, &error));
  g_clear_error (&error);
  g_assert_true (bl_toy_lr_validate (2.0, NULL));

  /* w1 · i1 beyond what σ can take. */
  p.i1 = 1000;
  p.w[0] = 1000;
  g_assert_false (bl_toy_params_validate (&p, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_OVERFLOW);
  g_assert_nonnull (strstr (error->message, "h1"));
  g_clear_error (&error);

  /* Setting from a string is all or nothing. */
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  g_assert_true (bl_toy_params_set_from_string (&p, "w1=0.5, i2=0.3", NULL));
  g_assert_cmpfloat (p.w[0], ==, 0.5);
  g_assert_cmpfloat (p.i2, ==, 0.3);
  g_assert_false (bl_toy_params_set_from_string (&p, "w2=0.7,w9=1", &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_cmpfloat (p.w[1], ==, 0.20);
  g_assert_false (bl_toy_params_set_from_string (&p, "w1=1e400", &error));
  g_clear_error (&error);
  g_assert_false (bl_toy_params_set_from_string (&p, "w1", &error));
  g_clear_error (&error);
  g_assert_true (bl_toy_params_set_from_string (&p, "b1=0.35,b2=0.6", NULL));
  g_assert_true (p.has_biases);
}

static void
test_columns_and_formulas (void)
{
  BlToyParams p;
  BlToyRow row, prev;
  BlToyRun *run;
  guint visible = 0;

  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    {
      BlToyColumn back;
      g_assert_true (bl_toy_column_from_name (bl_toy_column_name (c), &back));
      g_assert_cmpint (back, ==, c);
      visible += bl_toy_column_visible (c, FALSE);
    }
  /* t1, t2, i1, i2, w1..w4, h1, a_h1, h2, a_h2, w5..w8, o1, a_o1, o2, a_o2, E1, E2, E_total,
   * ∂E/∂w1..∂E/∂w8: the spreadsheet's 31 columns. */
  g_assert_cmpuint (visible, ==, 31);
  g_assert_cmpstr (bl_toy_column_name (BL_TOY_COL_DW3), ==, "dE/dw3");
  g_assert_cmpint (bl_toy_param_gradient (BL_TOY_COL_W7), ==, BL_TOY_COL_DW7);

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 1);
  bl_toy_run_get_row (run, 0, &prev);
  bl_toy_run_get_row (run, 1, &row);
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    {
      g_autofree char *f = bl_toy_formula (c, TRUE);
      g_autofree char *s = bl_toy_formula_substituted (c, &p, &row, &prev, 0.5);
      g_autofree char *chain = bl_toy_chain_rule (c, &p, &row);
      g_assert_nonnull (f);
      g_assert_nonnull (s);
      g_assert_nonnull (strstr (s, bl_toy_column_name (c)) ? s : f);
      g_assert_true ((chain != NULL) == bl_toy_column_is_gradient (c));
    }
  {
    g_autofree char *s = bl_toy_formula_substituted (BL_TOY_COL_W5, &p, &row, &prev, 0.5);
    g_assert_nonnull (strstr (s, "0.4 − 0.5 · 0.0821670406"));
    g_assert_nonnull (strstr (s, "= 0.35891648"));
  }
  {
    g_autofree char *s = bl_toy_formula_substituted (BL_TOY_COL_A_H1, &p, &prev, NULL, 0.5);
    g_assert_cmpstr (s, ==, "a_h1 = 1 / (1 + e^(−0.3775)) = 0.593269992");
  }
  {
    /* Negative numbers are parenthesised inside a formula, plain after "=". */
    g_autofree char *s = bl_toy_formula_substituted (BL_TOY_COL_W7, &p, &row, &prev, 0.5);
    g_assert_cmpstr (s, ==, "w7 = 0.5 − 0.5 · (−0.0226025405) = 0.51130127");
    g_autofree char *g = bl_toy_formula_substituted (BL_TOY_COL_DW7, &p, &prev, NULL, 0.5);
    g_assert_nonnull (strstr (g, "= −0.0226025405"));
  }
  {
    g_autofree char *chain = bl_toy_chain_rule (BL_TOY_COL_DW1, &p, &prev);
    g_assert_nonnull (strstr (chain, "∂h1/∂w1 = i1 = 0.05"));
    g_assert_nonnull (strstr (chain, "= 0.000438567734"));
  }
  bl_toy_run_free (run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy/classroom-row0", test_classroom_row0);
  g_test_add_func ("/toy/with-biases-figures", test_with_biases_figures);
  g_test_add_func ("/toy/against-reference", test_against_reference);
  g_test_add_func ("/toy/numeric-gradients-random", test_numeric_gradients_random);
  g_test_add_func ("/toy/replay-bit-identical", test_replay_bit_identical);
  g_test_add_func ("/toy/loss-falls-and-reach", test_loss_falls_and_reach);
  g_test_add_func ("/toy/nonfinite-stops", test_nonfinite_stops);
  g_test_add_func ("/toy/validation", test_validation);
  g_test_add_func ("/toy/columns-and-formulas", test_columns_and_formulas);
  return g_test_run ();
}
