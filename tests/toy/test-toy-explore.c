/* test-toy-explore.c: the steps of an iteration, the two update orders, the sum over paths,
 * the published example, divergence, the ε sweep and the loss landscape, each against values
 * the test computes itself from the maths. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"
#include "core/bl-toy-explore.h"

static double
sig (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* The classic sigmoid network, forward and backward, with the hidden gradients taken from
 * @w_out (the output weights they should use: the row's own, or already updated). */
typedef struct {
  double ah[2], ao[2], dout[2], E, g[8];
} Hand;

static void
hand_row (const BlToyParams *p, double lr, gboolean output_first, int forget, Hand *h)
{
  const double *w = p->w;
  double x[2] = { p->i1, p->i2 }, t[2] = { p->t1, p->t2 }, wo[4];

  for (int j = 0; j < 2; j++)
    h->ah[j] = sig (w[2 * j] * x[0] + w[2 * j + 1] * x[1] + (p->has_biases ? p->b1 : 0));
  h->E = 0;
  for (int k = 0; k < 2; k++)
    {
      h->ao[k] = sig (w[4 + 2 * k] * h->ah[0] + w[5 + 2 * k] * h->ah[1] +
                      (p->has_biases ? p->b2 : 0));
      h->E += 0.5 * (t[k] - h->ao[k]) * (t[k] - h->ao[k]);
      h->dout[k] = (h->ao[k] - t[k]) * h->ao[k] * (1 - h->ao[k]);
      h->g[4 + 2 * k] = h->dout[k] * h->ah[0];
      h->g[5 + 2 * k] = h->dout[k] * h->ah[1];
    }
  for (int i = 0; i < 4; i++)
    wo[i] = output_first ? w[4 + i] - lr * h->g[4 + i] : w[4 + i];
  for (int j = 0; j < 2; j++)
    {
      /* Path through o1 uses w5 (h1) or w6 (h2); through o2, w7 or w8. */
      double back = (forget == 1 ? 0 : h->dout[0] * wo[j]) + (forget == 2 ? 0 : h->dout[1] * wo[2 + j]);
      double dh = back * h->ah[j] * (1 - h->ah[j]);
      h->g[2 * j] = dh * x[0];
      h->g[2 * j + 1] = dh * x[1];
    }
}

static void
close_to (double got, double want, double rel)
{
  if (!(fabs (got - want) <= rel * MAX (fabs (want), 1e-300)))
    g_error ("got %.17g, want %.17g", got, want);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_steps (void)
{
  BlToyParams p;
  BlToyRow row;
  g_autoptr(GPtrArray) steps = NULL;
  guint phase = BL_TOY_PHASE_FORWARD, n_forward = 0, n_backward = 0, n_update = 0;
  guint last_layer_back = 3;
  gboolean seen_da_h1 = FALSE;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  bl_toy_compute_row (&p, &row);
  steps = bl_toy_steps (&p, &row, 0.5);
  for (guint i = 0; i < steps->len; i++)
    {
      BlToyStep *s = g_ptr_array_index (steps, i);
      const char *eq;

      /* Phases in order; backward: output layer before hidden. */
      g_assert_cmpint (s->phase, >=, phase);
      phase = s->phase;
      n_forward += s->phase == BL_TOY_PHASE_FORWARD;
      n_backward += s->phase == BL_TOY_PHASE_BACKWARD;
      n_update += s->phase == BL_TOY_PHASE_UPDATE;
      if (s->phase == BL_TOY_PHASE_BACKWARD)
        {
          g_assert_cmpuint (s->layer, <=, last_layer_back);
          last_layer_back = s->layer;
        }
      g_assert_nonnull (s->formula);
      g_assert_nonnull (s->substituted);
      g_assert_true (g_str_has_prefix (s->formula, s->name));
      /* Each step's number is the row's (or, for an update, the next row's parameter). */
      eq = strrchr (s->substituted, '=');
      g_assert_nonnull (eq);
      if (s->phase != BL_TOY_PHASE_UPDATE)
        {
          double want = s->column < BL_TOY_N_COLS ? row.v[s->column] : row.d[s->delta];
          g_autofree char *expect = g_strdup_printf ("%.9g", fabs (want));
          g_assert_nonnull (strstr (eq, expect));
        }
      else
        {
          double want = row.v[s->column] - 0.5 * row.v[bl_toy_param_gradient (s->column)];
          g_autofree char *expect = g_strdup_printf ("= %.9g", want);
          g_assert_true (g_str_has_suffix (s->substituted, expect));
        }
      if (s->delta == BL_TOY_DELTA_DA_H1)
        {
          /* The two paths into h1: the edges w5 and w7. */
          seen_da_h1 = TRUE;
          g_assert_cmpint (s->edges[0], ==, BL_TOY_COL_W5);
          g_assert_cmpint (s->edges[1], ==, BL_TOY_COL_W7);
          g_assert_cmpint (s->unit, ==, BL_TOY_UNIT_H1);
        }
      if (s->column == BL_TOY_COL_H1)
        {
          g_assert_cmpint (s->edges[0], ==, BL_TOY_COL_W1);
          g_assert_cmpint (s->edges[1], ==, BL_TOY_COL_W2);
        }
      if (s->column == BL_TOY_COL_DW6)
        {
          g_assert_cmpint (s->edges[0], ==, BL_TOY_COL_W6);
          g_assert_cmpint (s->unit, ==, BL_TOY_UNIT_O1);
        }
    }
  g_assert_true (seen_da_h1);
  /* h, a_h ×2, o, a_o ×2, E1, E2, E_total; ∂E/∂a_o, δo ×2, ∂E/∂w5…8, ∂E/∂a_h, δh ×2,
   * ∂E/∂w1…4; eight updates. */
  g_assert_cmpuint (n_forward, ==, 11);
  g_assert_cmpuint (n_backward, ==, 16);
  g_assert_cmpuint (n_update, ==, 8);
  g_assert_cmpstr (((BlToyStep *) g_ptr_array_index (steps, 0))->name, ==, "h1");
  g_assert_cmpstr (((BlToyStep *) g_ptr_array_index (steps, 11))->name, ==, "∂E_total/∂a_o1");

  /* Output-first: the four updated output weights are steps of their own, before the hidden
   * layer; trained biases add their gradients and updates. */
  g_clear_pointer (&steps, g_ptr_array_unref);
  p.update_order = BL_TOY_ORDER_OUTPUT_FIRST;
  steps = bl_toy_steps (&p, NULL, 0.5);
  g_assert_cmpuint (steps->len, ==, 35 + 4);
  g_assert_cmpint (((BlToyStep *) g_ptr_array_index (steps, 19))->delta, ==,
                   BL_TOY_DELTA_W5_USED);
  g_assert_null (((BlToyStep *) g_ptr_array_index (steps, 19))->substituted);
  g_clear_pointer (&steps, g_ptr_array_unref);
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  p.train_biases = TRUE;
  steps = bl_toy_steps (&p, NULL, 0.5);
  g_assert_cmpuint (steps->len, ==, 35 + 2 + 2);
}

/* Every step marks a ledger cell that the ledger has: a column's own, and for a δ (no column
 * of its own) the first column whose formula uses it, in every network the page can show. */
static void
test_steps_mark_cells (void)
{
  for (guint preset = 0; preset < 2; preset++)
    for (guint order = 0; order < 2; order++)
      for (guint act = BL_TOY_ACT_SIGMOID; act <= BL_TOY_ACT_RELU; act++)
        for (guint path = 0; path <= 2; path++)
          for (guint train = 0; train < 2; train++)
            {
              BlToyParams p;
              g_autoptr(GPtrArray) steps = NULL;

              bl_toy_params_init_preset (&p, preset ? BL_TOY_PRESET_WITH_BIASES
                                                    : BL_TOY_PRESET_CLASSROOM);
              p.update_order = order ? BL_TOY_ORDER_OUTPUT_FIRST : BL_TOY_ORDER_SIMULTANEOUS;
              p.act_hidden = p.act_output = act;
              p.forget_path = path;
              p.train_biases = train;
              steps = bl_toy_steps (&p, NULL, 0.5);
              for (guint i = 0; i < steps->len; i++)
                {
                  BlToyStep *s = g_ptr_array_index (steps, i);
                  if (s->ledger_column >= BL_TOY_N_COLS)
                    g_error ("preset %u, order %u, activation %u, path %u, train %u: %s marks "
                             "no ledger cell", preset, order, act, path, train, s->name);
                  g_assert_true (bl_toy_column_visible (s->ledger_column, p.has_biases));
                  if (s->column < BL_TOY_N_COLS)
                    g_assert_cmpint (s->ledger_column, ==, s->column);
                  /* δo1 is used first by ∂E/∂w5 (δo1 · a_h1), δo2 by ∂E/∂w7, δh1 by ∂E/∂w1,
                   * δh2 by ∂E/∂w3 (the first of each unit's weights computed). */
                  if (s->delta == BL_TOY_DELTA_O1 || s->delta == BL_TOY_DELTA_DA_O1)
                    g_assert_cmpint (s->ledger_column, ==, BL_TOY_COL_DW5);
                  if (s->delta == BL_TOY_DELTA_O2 || s->delta == BL_TOY_DELTA_DA_O2)
                    g_assert_cmpint (s->ledger_column, ==, BL_TOY_COL_DW7);
                  if (s->delta == BL_TOY_DELTA_H1 || s->delta == BL_TOY_DELTA_DA_H1)
                    g_assert_cmpint (s->ledger_column, ==, BL_TOY_COL_DW1);
                  if (s->delta == BL_TOY_DELTA_H2 || s->delta == BL_TOY_DELTA_DA_H2)
                    g_assert_cmpint (s->ledger_column, ==, BL_TOY_COL_DW3);
                }
            }
}

static void
test_update_orders (void)
{
  BlToyParams p, a, b;
  BlToyOrderComparison *cmp;
  gboolean differs[BL_TOY_N_COLS];
  const double lr = 0.5;
  Hand ha, hb;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  cmp = bl_toy_order_compare (&p, lr, 60);
  g_assert_cmpuint (cmp->n_rows, ==, 61);

  /* Row 0: only the hidden gradients differ. */
  g_assert_cmpuint (bl_toy_order_row_differs (cmp, 0, differs), ==, 4);
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    g_assert_true (differs[c] == (c >= BL_TOY_COL_DW1 && c <= BL_TOY_COL_DW4));
  g_assert_cmpuint (cmp->first_row[BL_TOY_COL_DW1], ==, 0);
  g_assert_cmpuint (cmp->first_row[BL_TOY_COL_W1], ==, 1);
  g_assert_cmpuint (cmp->first_row[BL_TOY_COL_H1], ==, 1);
  /* w5…w8 of row 1 come from row 0's output gradients, the same in both. */
  g_assert_cmpuint (cmp->first_row[BL_TOY_COL_W5], ==, 2);
  g_assert_cmpuint (cmp->first_row[BL_TOY_COL_T1], ==, G_MAXUINT);
  g_assert_cmpuint (cmp->n_cells_differ, >, 27 * 59);

  /* Both runs against the hand computation, every row. */
  a = b = p;
  for (guint k = 0; k < cmp->n_rows; k++)
    {
      BlToyRow ra, rb;
      hand_row (&a, lr, FALSE, 0, &ha);
      hand_row (&b, lr, TRUE, 0, &hb);
      bl_toy_run_get_row (cmp->simultaneous, k, &ra);
      bl_toy_run_get_row (cmp->output_first, k, &rb);
      close_to (ra.v[BL_TOY_COL_E_TOTAL], ha.E, 1e-13);
      close_to (rb.v[BL_TOY_COL_E_TOTAL], hb.E, 1e-13);
      for (int i = 0; i < 8; i++)
        {
          close_to (ra.v[BL_TOY_COL_DW1 + i], ha.g[i], 1e-12);
          close_to (rb.v[BL_TOY_COL_DW1 + i], hb.g[i], 1e-12);
          a.w[i] -= lr * ha.g[i];
          b.w[i] -= lr * hb.g[i];
        }
      /* The row keeps the output weights the hidden layer used. */
      close_to (rb.d[BL_TOY_DELTA_W5_USED], rb.v[BL_TOY_COL_W5] - lr * rb.v[BL_TOY_COL_DW5],
                1e-15);
      g_assert_true (ra.d[BL_TOY_DELTA_W7_USED] == ra.v[BL_TOY_COL_W7]);
    }
  bl_toy_order_comparison_free (cmp);
}

static void
test_paths (void)
{
  BlToyParams p;
  BlToyRow row;
  BlToyPathSplit split;
  BlToyRun *run;
  Hand h;
  const double lr = 0.5;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  bl_toy_compute_row (&p, &row);
  hand_row (&p, lr, FALSE, 0, &h);
  for (guint j = 0; j < 2; j++)
    {
      double via1 = h.dout[0] * p.w[4 + j], via2 = h.dout[1] * p.w[6 + j];
      bl_toy_path_split (&p, &row, j, &split);
      g_assert_cmpint (split.hidden, ==, j == 0 ? BL_TOY_UNIT_H1 : BL_TOY_UNIT_H2);
      g_assert_cmpint (split.weight[0], ==, BL_TOY_COL_W5 + j);
      g_assert_cmpint (split.weight[1], ==, BL_TOY_COL_W7 + j);
      close_to (split.through[0], via1, 1e-14);
      close_to (split.through[1], via2, 1e-14);
      close_to (split.total, via1 + via2, 1e-14);
      g_assert_true (split.total == row.d[BL_TOY_DELTA_DA_H1 + j]);
      /* The path through o2 pulls the other way here. */
      g_assert_cmpfloat (split.through[0] * split.through[1], <, 0);
    }

  /* Forgetting the path through o2: the wrong value, and the run it leads to. */
  for (guint forget = 1; forget <= 2; forget++)
    {
      BlToyParams q = p;
      BlToyRow wrong;
      run = bl_toy_run_forgetting_path (&p, lr, forget, 200);
      bl_toy_run_get_row (run, 0, &wrong);
      for (guint k = 0; k < run->n_rows; k++)
        {
          hand_row (&q, lr, FALSE, forget, &h);
          close_to (run->loss[k], h.E, 1e-13);
          if (k == 0)
            for (int i = 0; i < 4; i++)
              close_to (wrong.v[BL_TOY_COL_DW1 + i], h.g[i], 1e-13);
          for (int i = 0; i < 8; i++)
            q.w[i] -= lr * h.g[i];
        }
      /* The split still shows both paths. */
      bl_toy_path_split (&run->init, &wrong, 0, &split);
      close_to (split.total, row.d[BL_TOY_DELTA_DA_H1], 1e-15);
      bl_toy_run_free (run);
    }
}

static void
test_published (void)
{
  guint n = 0;
  const char *why = NULL;
  const BlToyPublishedFigure *f = bl_toy_published_figures (&n, &why);
  BlToyParams p;
  BlToyRun *run;
  gboolean seen_first = FALSE, seen_10000 = FALSE;

  g_assert_cmpuint (n, >=, 10);
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, "0.291027924"));
  g_assert_nonnull (strstr (bl_toy_published_source (), "mattmazur.com"));
  for (guint i = 0; i < n; i++)
    {
      double unit = pow (10, -(double) f[i].digits);
      if (f[i].row == 1 && f[i].column == BL_TOY_COL_E_TOTAL)
        {
          /* Ours is 0.291027774; the post's 0.291027924 is the output-first order's. */
          seen_first = TRUE;
          g_assert_false (f[i].agrees);
          g_assert_cmpfloat_with_epsilon (f[i].ours, 0.291027774, 5e-10);
          g_assert_cmpfloat (fabs (f[i].output_first - 0.291027924), <=, 0.5 * unit);
          g_assert_nonnull (f[i].note);
        }
      else if (f[i].row == 10000)
        {
          seen_10000 = TRUE;
          g_assert_false (f[i].agrees);
        }
      else
        {
          g_assert_true (f[i].agrees);
          g_assert_cmpfloat (fabs (f[i].ours - f[i].published), <=, 0.5 * unit);
          g_assert_null (f[i].note);
        }
    }
  g_assert_true (seen_first && seen_10000);

  /* The 10,000-update figure is our row 9,999, computed here by hand. */
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 10000);
  {
    BlToyParams q = p;
    Hand h;
    for (guint k = 0; k < 9999; k++)
      {
        hand_row (&q, 0.5, FALSE, 0, &h);
        for (int i = 0; i < 8; i++)
          q.w[i] -= 0.5 * h.g[i];
      }
    hand_row (&q, 0.5, FALSE, 0, &h);
    g_assert_cmpfloat (fabs (h.E - 0.0000351085), <=, 0.5e-10);
    close_to (run->loss[9999], h.E, 1e-10);
  }
  bl_toy_run_free (run);
}

static void
test_divergence (void)
{
  BlToyParams p;
  BlToyRun *run;
  BlToyDivergence d;
  BlToyRow row;

  /* A rate that converges: nothing to say. */
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  run = bl_toy_run_new (&p, 2.0);
  bl_toy_run_compute (run, 500);
  g_assert_false (bl_toy_run_divergence (run, &d));
  g_assert_cmpint (d.kind, ==, BL_TOY_DIVERGE_NONE);
  bl_toy_divergence_clear (&d);
  bl_toy_run_free (run);

  /* tanh at η = 50: the loss overshoots at once and ends above where it started. */
  p.act_hidden = p.act_output = BL_TOY_ACT_TANH;
  run = bl_toy_run_new (&p, 50.0);
  bl_toy_run_compute (run, 200);
  g_assert_true (bl_toy_run_divergence (run, &d));
  g_assert_cmpint (d.kind, ==, BL_TOY_DIVERGE_GROWING);
  g_assert_cmpuint (d.last_finite_row, ==, 200);
  {
    /* The first growth and the biggest step in it, found here. */
    guint k = 0;
    double biggest = 0;
    BlToyColumn who = BL_TOY_N_COLS;
    while (!(run->loss[k + 1] > run->loss[k]))
      k++;
    g_assert_cmpuint (d.first_growth_row, ==, k);
    g_assert_cmpuint (d.update_row, ==, k);
    bl_toy_run_get_row (run, k, &row);
    for (guint c = BL_TOY_COL_DW1; c <= BL_TOY_COL_DW8; c++)
      if (fabs (row.v[c]) > biggest)
        {
          biggest = fabs (row.v[c]);
          who = c;
        }
    g_assert_cmpint (bl_toy_param_gradient (d.param), ==, who);
    close_to (d.gradient, row.v[who], 0);
    close_to (d.result, d.value - 50.0 * d.gradient, 1e-15);
    g_assert_true (g_str_has_prefix (d.update, bl_toy_column_name (d.param)));
    g_assert_nonnull (strstr (d.update, " − 50 · "));
  }
  bl_toy_divergence_clear (&d);
  bl_toy_run_free (run);

  /* Values past what validation lets in: the run stops at the first non-finite row. */
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  p.t1 = 1e150;
  run = bl_toy_run_new (&p, 1e160);
  bl_toy_run_compute (run, 50);
  g_assert_true (bl_toy_run_divergence (run, &d));
  g_assert_cmpint (d.kind, ==, BL_TOY_DIVERGE_NONFINITE);
  g_assert_cmpuint (d.last_finite_row, ==, run->stop_row - 1);
  g_assert_cmpuint (d.update_row, ==, run->stop_row - 1);
  {
    /* By hand: the first weight not finite after the update of the last finite row. */
    BlToyParams q;
    BlToyColumn first = BL_TOY_N_COLS;
    bl_toy_run_get_params (run, d.update_row, &q);
    bl_toy_compute_row (&q, &row);
    for (int i = 0; i < 8 && first == BL_TOY_N_COLS; i++)
      if (!isfinite (q.w[i] - 1e160 * row.v[BL_TOY_COL_DW1 + i]))
        first = bl_toy_param_gradient (i < 4 ? BL_TOY_COL_W1 + i : BL_TOY_COL_W5 + i - 4);
    g_assert_cmpint (bl_toy_param_gradient (d.param), ==, first);
    g_assert_true (isfinite (d.value) && isfinite (d.gradient) && !isfinite (d.result));
    g_assert_nonnull (strstr (d.update, "inf"));
  }
  bl_toy_divergence_clear (&d);
  bl_toy_run_free (run);
}

/* E_total of the classic network in float arithmetic, written here. */
static float
loss_float (const BlToyParams *p, int which, float w)
{
  float ws[8], ah[2], E = 0;
  for (int i = 0; i < 8; i++)
    ws[i] = (float) p->w[i];
  ws[which] = w;
  for (int j = 0; j < 2; j++)
    ah[j] = 1.0f / (1.0f + expf (-(ws[2 * j] * (float) p->i1 + ws[2 * j + 1] * (float) p->i2)));
  for (int k = 0; k < 2; k++)
    {
      float ao = 1.0f / (1.0f + expf (-(ws[4 + 2 * k] * ah[0] + ws[5 + 2 * k] * ah[1])));
      float t = k == 0 ? (float) p->t1 : (float) p->t2;
      E += 0.5f * (t - ao) * (t - ao);
    }
  return E;
}

static void
test_epsilon (void)
{
  BlToyParams p;
  BlToyRow row;
  double best_d = 0, best_s = 0;
  g_autoptr(GArray) pts = NULL;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  bl_toy_compute_row (&p, &row);
  pts = bl_toy_epsilon_sweep (&p, BL_TOY_COL_W1, 2, &best_d, &best_s);
  g_assert_cmpuint (pts->len, ==, 23);
  for (guint i = 0; i < pts->len; i++)
    {
      BlToyEpsilonPoint *pt = &g_array_index (pts, BlToyEpsilonPoint, i);
      double eps = pow (10, -1 - i / 2.0), analytic = row.v[BL_TOY_COL_DW1];
      double up[8], dn[8], numeric, rel;
      float wf = (float) p.w[0], e = (float) eps;
      float nf = (loss_float (&p, 0, wf + e) - loss_float (&p, 0, wf - e)) / (2.0f * e);

      close_to (pt->eps, eps, 1e-15);
      /* The central difference in double, by hand. */
      memcpy (up, p.w, sizeof up);
      memcpy (dn, p.w, sizeof dn);
      {
        BlToyParams a = p, b = p;
        BlToyRow ra, rb;
        a.w[0] = p.w[0] + eps;
        b.w[0] = p.w[0] - eps;
        bl_toy_compute_row (&a, &ra);
        bl_toy_compute_row (&b, &rb);
        numeric = (ra.v[BL_TOY_COL_E_TOTAL] - rb.v[BL_TOY_COL_E_TOTAL]) / (2 * eps);
      }
      rel = fabs (numeric - analytic) / MAX (fabs (numeric), fabs (analytic));
      g_assert_cmpfloat (pt->rel_double, ==, rel);
      /* Single precision: the same within float's own noise. */
      rel = fabs (nf - analytic) / MAX (fabs (nf), fabs (analytic));
      if (eps >= 1e-3)
        close_to (pt->rel_single, rel, 0.05);
      if (eps <= 1e-9)
        g_assert_cmpfloat (pt->rel_single, ==, 1.0);   /* w ± ε is w in float */
    }
  /* The U: truncation at large ε, rounding at small ε, the bottom between. */
  g_assert_cmpfloat (g_array_index (pts, BlToyEpsilonPoint, 0).rel_double, >,
                     g_array_index (pts, BlToyEpsilonPoint, 6).rel_double);
  g_assert_cmpfloat (g_array_index (pts, BlToyEpsilonPoint, 22).rel_double, >,
                     g_array_index (pts, BlToyEpsilonPoint, 6).rel_double);
  g_assert_cmpfloat (best_d, <=, 1e-3);
  g_assert_cmpfloat (best_d, >=, 1e-8);
  g_assert_cmpfloat (best_s, >, best_d);
  g_assert_cmpfloat (best_s, >=, 1e-3);
}

static void
test_landscape (void)
{
  BlToyParams p;
  g_autoptr(GError) error = NULL;
  BlToyLandscape *l;
  BlToyRun *slow, *over;
  g_autoptr(GArray) path = NULL;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  p.act_hidden = p.act_output = BL_TOY_ACT_TANH;
  l = bl_toy_landscape_new (&p, BL_TOY_COL_W5, BL_TOY_COL_W7, 2.0, 3.0, 21, 31, &error);
  g_assert_no_error (error);
  close_to (l->x_min, 0.4 - 2.0, 1e-15);
  close_to (l->y_max, 0.5 + 3.0, 1e-15);
  for (guint j = 0; j < l->ny; j += 5)
    for (guint i = 0; i < l->nx; i += 4)
      {
        /* E_total by hand at the grid point (tanh units). */
        double w5 = l->x_min + (l->x_max - l->x_min) * i / (l->nx - 1);
        double w7 = l->y_min + (l->y_max - l->y_min) * j / (l->ny - 1);
        double ah1 = tanh (0.15 * 0.05 + 0.2 * 0.1), ah2 = tanh (0.25 * 0.05 + 0.3 * 0.1);
        double ao1 = tanh (w5 * ah1 + 0.45 * ah2), ao2 = tanh (w7 * ah1 + 0.55 * ah2);
        double E = 0.5 * (0.01 - ao1) * (0.01 - ao1) + 0.5 * (0.99 - ao2) * (0.99 - ao2);
        close_to (l->loss[j * l->nx + i], E, 1e-13);
        g_assert_cmpfloat (l->loss_min, <=, E);
        g_assert_cmpfloat (l->loss_max, >=, E);
      }
  bl_toy_landscape_free (l);

  g_assert_null (bl_toy_landscape_new (&p, BL_TOY_COL_W5, BL_TOY_COL_W5, 1, 1, 10, 10, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (bl_toy_landscape_new (&p, BL_TOY_COL_W5, BL_TOY_COL_B1, 1, 1, 10, 10, &error));
  g_clear_error (&error);
  g_assert_null (bl_toy_landscape_new (&p, BL_TOY_COL_W5, BL_TOY_COL_W6, 1, 1, 1, 10, &error));
  g_clear_error (&error);
  g_assert_null (bl_toy_landscape_new (&p, BL_TOY_COL_W5, BL_TOY_COL_W6, NAN, 1, 10, 10, &error));
  g_clear_error (&error);

  /* Paths: a gentle rate goes down all the way; η = 20 overshoots (E rises at a step). */
  slow = bl_toy_run_new (&p, 0.5);
  over = bl_toy_run_new (&p, 20.0);
  bl_toy_run_compute (slow, 100);
  bl_toy_run_compute (over, 100);
  g_assert_cmpuint (bl_toy_run_first_overshoot (slow), ==, G_MAXUINT);
  g_assert_cmpuint (bl_toy_run_first_overshoot (over), <, 100);
  path = bl_toy_landscape_path (over, BL_TOY_COL_W5, BL_TOY_COL_W7, 0);
  g_assert_cmpuint (path->len, ==, 2 * 101);
  for (guint k = 0; k <= 100; k += 10)
    {
      BlToyParams q;
      bl_toy_run_get_params (over, k, &q);
      g_assert_true (g_array_index (path, double, 2 * k) == q.w[4]);
      g_assert_true (g_array_index (path, double, 2 * k + 1) == q.w[6]);
    }
  g_clear_pointer (&path, g_array_unref);
  path = bl_toy_landscape_path (over, BL_TOY_COL_W5, BL_TOY_COL_W7, 11);
  g_assert_cmpuint (path->len, ==, 2 * 11);
  bl_toy_run_free (slow);
  bl_toy_run_free (over);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy-explore/steps", test_steps);
  g_test_add_func ("/toy-explore/steps-mark-cells", test_steps_mark_cells);
  g_test_add_func ("/toy-explore/update-orders", test_update_orders);
  g_test_add_func ("/toy-explore/paths", test_paths);
  g_test_add_func ("/toy-explore/published", test_published);
  g_test_add_func ("/toy-explore/divergence", test_divergence);
  g_test_add_func ("/toy-explore/epsilon", test_epsilon);
  g_test_add_func ("/toy-explore/landscape", test_landscape);
  return g_test_run ();
}
