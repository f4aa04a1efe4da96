/* bl-toy-explore.c: steps, update orders, paths, the published example, divergence, ε and the
 * loss landscape; see bl-toy-explore.h. Everything reads the ledger's one description. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy-desc.h"
#include "core/bl-toy-explore.h"

#define C(x) BL_TOY_COL_##x
#define D(x) BL_TOY_SLOT_DELTA (BL_TOY_DELTA_##x)

static gboolean
is_weight (guint slot)
{
  return (slot >= C (W1) && slot <= C (W4)) || (slot >= C (W5) && slot <= C (W8));
}

/* The parameter column a gradient column is of: DW5 → W5. */
static BlToyColumn
gradient_param (BlToyColumn g)
{
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    if (bl_toy_column_is_param (c) && bl_toy_param_gradient (c) == g)
      return c;
  return BL_TOY_N_COLS;
}

/* ------------------------------------------------------------------------------------------
 * 1. Steps
 */

void
bl_toy_step_free (BlToyStep *step)
{
  if (step == NULL)
    return;
  g_free (step->name);
  g_free (step->formula);
  g_free (step->substituted);
  g_free (step);
}

char *
bl_toy_delta_formula (BlToyDelta delta, const BlToyParams *p)
{
  const BlToyDesc *d;
  BlToyPrint pr = { BL_TOY_STYLE_SYMBOL };
  guint slot = BL_TOY_SLOT_DELTA (delta);
  g_autofree char *rhs = NULL;

  g_return_val_if_fail (delta < BL_TOY_N_DELTAS && p != NULL, NULL);
  d = bl_toy_desc_for (p);
  rhs = bl_toy_desc_print_node (d, slot, &pr, NULL);
  return g_strdup_printf ("%s = %s", bl_toy_slot_symbol (slot), rhs);
}

char *
bl_toy_delta_substituted (BlToyDelta delta, const BlToyParams *p, const BlToyRow *row,
                          double lr)
{
  const BlToyDesc *d;
  double s[BL_TOY_N_SLOTS];
  BlToyPrint pr = { BL_TOY_STYLE_NUMBER, s, NULL, lr };
  guint slot = BL_TOY_SLOT_DELTA (delta);
  g_autofree char *rhs = NULL;

  g_return_val_if_fail (delta < BL_TOY_N_DELTAS && p != NULL && row != NULL, NULL);
  d = bl_toy_desc_for (p);
  bl_toy_row_to_slots (row, s);
  rhs = bl_toy_desc_print_node (d, slot, &pr, NULL);
  return bl_toy_pretty_minus (g_strdup_printf ("%s = %s = %.9g", bl_toy_slot_symbol (slot), rhs,
                                               s[slot]));
}

static void
add_edge (BlToyStep *step, guint slot)
{
  if (slot >= D (W5_USED) && slot <= D (W8_USED))
    slot = C (W5) + (slot - D (W5_USED));
  if (!is_weight (slot))
    return;
  for (guint i = 0; i < 2; i++)
    {
      if (step->edges[i] == slot)
        return;
      if (step->edges[i] == BL_TOY_N_COLS)
        {
          step->edges[i] = slot;
          return;
        }
    }
}

/* The ledger column that shows the δ computed at step @i of @d's order: the first column
 * computed after it whose formula uses it (through other δs, not through columns). */
static BlToyColumn
delta_user (const BlToyDesc *d, guint i, gboolean biases)
{
  guint8 known[BL_TOY_N_SLOTS] = { 0 };

  memset (known, 1, BL_TOY_N_COLS);
  for (guint j = i + 1; j < d->n_order; j++)
    {
      guint slot = d->order_slots[j];
      if (slot < BL_TOY_N_COLS && bl_toy_column_visible (slot, biases) &&
          bl_toy_desc_uses (d, slot, d->order_slots[i], known))
        return slot;
    }
  /* An updated output weight that no path uses (that path forgotten): its own column, where
   * the next row shows it. */
  if (d->order_slots[i] >= D (W5_USED) && d->order_slots[i] <= D (W8_USED))
    return C (W5) + (d->order_slots[i] - D (W5_USED));
  return BL_TOY_N_COLS;
}

GPtrArray *
bl_toy_steps (const BlToyParams *p, const BlToyRow *row, double lr)
{
  const BlToyDesc *d;
  GPtrArray *steps = g_ptr_array_new_with_free_func ((GDestroyNotify) bl_toy_step_free);
  double s[BL_TOY_N_SLOTS];

  g_return_val_if_fail (p != NULL, steps);
  d = bl_toy_desc_for (p);
  if (row)
    bl_toy_row_to_slots (row, s);

  for (guint i = 0; i < d->n_order; i++)
    {
      guint slot = d->order_slots[i];
      const BlToyNodeDesc *n = &d->node[slot];
      BlToyStep *step;

      /* In the simultaneous order the weights the hidden layer uses are the row's own: no
       * step of their own. */
      if (slot >= D (W5_USED) && d->order == BL_TOY_ORDER_SIMULTANEOUS)
        continue;
      step = g_new0 (BlToyStep, 1);
      step->phase = i < d->n_forward ? BL_TOY_PHASE_FORWARD : BL_TOY_PHASE_BACKWARD;
      step->layer = n->layer;
      step->unit = n->unit;
      step->column = slot < BL_TOY_N_COLS ? slot : BL_TOY_N_COLS;
      step->delta = slot < BL_TOY_N_COLS ? -1 : (int) (slot - BL_TOY_N_COLS);
      step->edges[0] = step->edges[1] = BL_TOY_N_COLS;
      for (guint t = 0; t < n->n_terms; t++)
        for (guint f = 0; f < n->t[t].n; f++)
          add_edge (step, n->t[t].f[f].a);
      if (bl_toy_column_is_gradient (step->column))
        add_edge (step, gradient_param (step->column));
      step->name = g_strdup (bl_toy_slot_symbol (slot));
      step->ledger_column = step->column < BL_TOY_N_COLS ? step->column
                                                         : delta_user (d, i, p->has_biases);
      if (step->column < BL_TOY_N_COLS)
        {
          step->formula = bl_toy_formula_for (step->column, p);
          if (row)
            step->substituted = bl_toy_formula_substituted (step->column, p, row, NULL, lr);
        }
      else
        {
          step->formula = bl_toy_delta_formula (step->delta, p);
          if (row)
            step->substituted = bl_toy_delta_substituted (step->delta, p, row, lr);
        }
      g_ptr_array_add (steps, step);
    }

  /* Then every parameter moves at once, from this row's gradients. */
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    {
      const BlToyNodeDesc *n = &d->node[c];
      BlToyStep *step;

      if (n->kind != BL_TOY_NODE_PARAM || n->t[0].f[0].kind != BL_TOY_F_PREV_UPD)
        continue;
      step = g_new0 (BlToyStep, 1);
      step->phase = BL_TOY_PHASE_UPDATE;
      step->layer = n->layer;
      step->unit = n->unit;
      step->column = step->ledger_column = c;
      step->delta = -1;
      step->edges[0] = step->edges[1] = BL_TOY_N_COLS;
      add_edge (step, c);
      step->name = g_strdup (bl_toy_column_name (c));
      step->formula = g_strdup_printf ("%s ← %s − η · %s", bl_toy_column_name (c),
                                       bl_toy_column_name (c),
                                       bl_toy_slot_symbol (bl_toy_param_gradient (c)));
      if (row)
        {
          BlToyPrint pr = { BL_TOY_STYLE_NUMBER, s, s, lr };
          g_autofree char *rhs = bl_toy_desc_print_node (d, c, &pr, NULL);
          step->substituted = bl_toy_pretty_minus (
            g_strdup_printf ("%s ← %s = %.9g", bl_toy_column_name (c), rhs,
                             bl_toy_desc_eval_node (d, c, s, s, lr)));
        }
      g_ptr_array_add (steps, step);
    }
  return steps;
}

/* ------------------------------------------------------------------------------------------
 * 4. Update orders
 */

BlToyOrderComparison *
bl_toy_order_compare (const BlToyParams *init, double lr, guint iterations)
{
  BlToyOrderComparison *cmp;
  BlToyParams a, b;

  g_return_val_if_fail (init != NULL && iterations < G_MAXUINT, NULL);

  cmp = g_new0 (BlToyOrderComparison, 1);
  a = b = *init;
  a.update_order = BL_TOY_ORDER_SIMULTANEOUS;
  b.update_order = BL_TOY_ORDER_OUTPUT_FIRST;
  cmp->simultaneous = bl_toy_run_new (&a, lr);
  cmp->output_first = bl_toy_run_new (&b, lr);
  bl_toy_run_compute (cmp->simultaneous, iterations);
  bl_toy_run_compute (cmp->output_first, iterations);
  cmp->n_rows = MIN (cmp->simultaneous->n_rows, cmp->output_first->n_rows);
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    cmp->first_row[c] = G_MAXUINT;

  /* Both runs again, row by row in step (what the runs did, bit for bit). */
  for (guint k = 0; k < cmp->n_rows; k++)
    {
      BlToyRow ra, rb;

      bl_toy_compute_row_lr (&a, lr, &ra);
      bl_toy_compute_row_lr (&b, lr, &rb);
      for (guint c = 0; c < BL_TOY_N_COLS; c++)
        if (bl_toy_column_visible (c, init->has_biases) && ra.v[c] != rb.v[c] &&
            !(isnan (ra.v[c]) && isnan (rb.v[c])))
          {
            cmp->n_cells_differ++;
            if (cmp->first_row[c] == G_MAXUINT)
              cmp->first_row[c] = k;
          }
      bl_toy_apply_update (&a, &ra, lr);
      bl_toy_apply_update (&b, &rb, lr);
    }
  return cmp;
}

void
bl_toy_order_comparison_free (BlToyOrderComparison *cmp)
{
  if (cmp == NULL)
    return;
  bl_toy_run_free (cmp->simultaneous);
  bl_toy_run_free (cmp->output_first);
  g_free (cmp);
}

guint
bl_toy_order_row_differs (const BlToyOrderComparison *cmp, guint k, gboolean out[BL_TOY_N_COLS])
{
  BlToyRow ra, rb;
  guint n = 0;

  g_return_val_if_fail (cmp != NULL && out != NULL, 0);
  memset (out, 0, sizeof (gboolean) * BL_TOY_N_COLS);
  g_return_val_if_fail (k < cmp->n_rows, 0);

  bl_toy_run_get_row (cmp->simultaneous, k, &ra);
  bl_toy_run_get_row (cmp->output_first, k, &rb);
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    if (bl_toy_column_visible (c, cmp->simultaneous->init.has_biases) && ra.v[c] != rb.v[c] &&
        !(isnan (ra.v[c]) && isnan (rb.v[c])))
      {
        out[c] = TRUE;
        n++;
      }
  return n;
}

/* ------------------------------------------------------------------------------------------
 * 5. Paths
 */

void
bl_toy_path_split (const BlToyParams *p, const BlToyRow *row, guint hidden, BlToyPathSplit *out)
{
  BlToyParams all;
  const BlToyDesc *d;
  const BlToyNodeDesc *n;
  double s[BL_TOY_N_SLOTS];

  g_return_if_fail (p != NULL && row != NULL && out != NULL && hidden < 2);

  /* The description with both paths (even for a run that forgets one): the split is what
   * the sum should be. */
  all = *p;
  all.forget_path = 0;
  d = bl_toy_desc_for (&all);
  n = &d->node[D (DA_H1) + hidden];
  bl_toy_row_to_slots (row, s);
  memset (out, 0, sizeof *out);
  out->hidden = hidden == 0 ? BL_TOY_UNIT_H1 : BL_TOY_UNIT_H2;
  out->total = 0;
  for (guint t = 0; t < n->n_terms; t++)
    {
      const BlToyTerm *term = &n->t[t];
      guint k = term->via - 1;
      g_assert (term->via == 1 || term->via == 2);
      /* δo_k · (the weight from h to o_k, as this order uses it) */
      out->delta_out[k] = s[term->f[0].a];
      out->weight_used[k] = s[term->f[1].a];
      out->weight[k] = C (W5) + (term->f[1].a - D (W5_USED));
      out->through[k] = out->delta_out[k] * out->weight_used[k];
      out->total = t == 0 ? out->through[k] : out->total + out->through[k];
    }
}

BlToyRun *
bl_toy_run_forgetting_path (const BlToyParams *init, double lr, guint path, guint iterations)
{
  BlToyParams p;
  BlToyRun *run;

  g_return_val_if_fail (init != NULL && (path == 1 || path == 2), NULL);
  p = *init;
  p.forget_path = path;
  run = bl_toy_run_new (&p, lr);
  bl_toy_run_compute (run, iterations);
  return run;
}

/* ------------------------------------------------------------------------------------------
 * 6. The published example
 *
 * Matt Mazur, "A Step by Step Backpropagation Example" (2015): the With-biases preset, one
 * training sample, η = 0.5, biases frozen. Every figure of the post is ours rounded, except
 * the total error after the first update: the post prints 0.291027924, the update gives
 * 0.291027774. The post's figure is what the first version of the author's code computed
 * (github.com/mattm/simple-neural-network, commit 31576f6, 14 March 2015): it updated
 * w5…w8 first and then computed the hidden layer's errors with the updated weights, our
 * OUTPUT_FIRST order, which gives 0.29102792390544 here. The next day's commit (4b6faac,
 * "Update backprop algorithm so that hidden layer weight updates use original weights",
 * with a note to "double check the calculations in the blog post") made the code match the
 * post's text and its new weights (w1 = 0.149780716 is the simultaneous update's; the
 * output-first one would be 0.149817639), but the post's error figure stayed. Its error after
 * 10,000 updates, 0.0000351085, is ours after 9,999 (after 10,000: 0.0000351019).
 */

static const char source[] =
  "Matt Mazur, “A Step by Step Backpropagation Example” (2015), "
  "https://mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example/";

const char *
bl_toy_published_source (void)
{
  return source;
}

typedef struct {
  const char *quantity;
  guint       row;
  BlToyColumn column;
  double      published;
  guint       digits;
} Published;

static const Published published[] = {
  { N_("a_h1 (out_h1) before any update"), 0, C (A_H1), 0.593269992, 9 },
  { N_("a_o1 (out_o1) before any update"), 0, C (A_O1), 0.75136507, 8 },
  { N_("E_total before any update"), 0, C (E_TOTAL), 0.298371109, 9 },
  { N_("∂E_total/∂w5 before any update"), 0, C (DW5), 0.082167041, 9 },
  { N_("w5 after the first update"), 1, C (W5), 0.35891648, 8 },
  { N_("w6 after the first update"), 1, C (W6), 0.408666186, 9 },
  { N_("w7 after the first update"), 1, C (W7), 0.511301270, 9 },
  { N_("w8 after the first update"), 1, C (W8), 0.561370121, 9 },
  { N_("w1 after the first update"), 1, C (W1), 0.149780716, 9 },
  { N_("w2 after the first update"), 1, C (W2), 0.19956143, 8 },
  { N_("w3 after the first update"), 1, C (W3), 0.24975114, 8 },
  { N_("w4 after the first update"), 1, C (W4), 0.29950229, 8 },
  { N_("E_total after the first update"), 1, C (E_TOTAL), 0.291027924, 9 },
  { N_("E_total after 10,000 updates"), 10000, C (E_TOTAL), 0.0000351085, 10 },
};

static BlToyPublishedFigure figures[G_N_ELEMENTS (published)];
static const char *explanation;

static double
value_at (const BlToyRun *run, guint row, BlToyColumn col)
{
  BlToyRow r;
  bl_toy_run_get_row (run, row, &r);
  return r.v[col];
}

const BlToyPublishedFigure *
bl_toy_published_figures (guint *n_out, const char **explanation_out)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      BlToyParams p, q;
      BlToyRun *ours, *first;

      bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
      q = p;
      q.update_order = BL_TOY_ORDER_OUTPUT_FIRST;
      ours = bl_toy_run_new (&p, 0.5);
      first = bl_toy_run_new (&q, 0.5);
      bl_toy_run_compute (ours, 10000);
      bl_toy_run_compute (first, 10000);
      for (guint i = 0; i < G_N_ELEMENTS (published); i++)
        {
          const Published *pub = &published[i];
          BlToyPublishedFigure *f = &figures[i];
          double half_unit = 0.5 * pow (10, -(double) pub->digits);

          f->quantity = _(pub->quantity);
          f->row = pub->row;
          f->column = pub->column;
          f->published = pub->published;
          f->digits = pub->digits;
          f->ours = value_at (ours, pub->row, pub->column);
          f->output_first = value_at (first, pub->row, pub->column);
          f->agrees = fabs (f->ours - f->published) <= half_unit * (1 + 1e-9);
          if (pub->row == 1 && pub->column == C (E_TOTAL))
            f->note = _("The post's figure is the output-first order's: the first version of "
                        "its author's code updated w5…w8 before computing the hidden layer's "
                        "gradients with them.");
          else if (pub->row == 10000)
            f->note = _("The post's figure is E_total after 9,999 updates: one update fewer.");
        }
      explanation = _("Every figure of the post is the exact value rounded, except the total "
                      "error after the first update: 0.291027924 in the post, 0.291027774 "
                      "exactly. The post's figure is what the first version of its author's "
                      "code printed (github.com/mattm/simple-neural-network, 14 March 2015): "
                      "it updated w5…w8 first and computed the hidden layer's gradients with "
                      "the updated weights, which gives 0.2910279239. The next day the code "
                      "was changed to use the original weights, as the post's text and its "
                      "new weights do (w1 = 0.149780716; with the updated weights it would be "
                      "0.149817639), but the error figure in the post was not recomputed. "
                      "Switch the update order to output-first to reproduce it.");
      bl_toy_run_free (ours);
      bl_toy_run_free (first);
      g_once_init_leave (&done, 1);
    }
  if (n_out)
    *n_out = G_N_ELEMENTS (figures);
  if (explanation_out)
    *explanation_out = explanation;
  return figures;
}

/* ------------------------------------------------------------------------------------------
 * 7. Divergence
 */

static const BlToyColumn param_columns[] = {
  C (W1), C (W2), C (W3), C (W4), C (W5), C (W6), C (W7), C (W8), C (B1), C (B2),
};

static double
param_value (const BlToyParams *p, BlToyColumn c)
{
  if (c == C (B1))
    return p->b1;
  if (c == C (B2))
    return p->b2;
  return p->w[c >= C (W5) ? 4 + c - C (W5) : c - C (W1)];
}

static gboolean
param_moves (const BlToyParams *p, BlToyColumn c)
{
  if (c == C (B1) || c == C (B2))
    return p->has_biases && p->train_biases;
  return TRUE;
}

guint
bl_toy_run_first_overshoot (const BlToyRun *run)
{
  g_return_val_if_fail (run != NULL, G_MAXUINT);
  for (guint k = 0; k + 1 < run->n_rows; k++)
    if (isfinite (run->loss[k]) && run->loss[k + 1] > run->loss[k])
      return k;
  return G_MAXUINT;
}

void
bl_toy_divergence_clear (BlToyDivergence *d)
{
  if (d == NULL)
    return;
  g_clear_pointer (&d->update, g_free);
}

gboolean
bl_toy_run_divergence (const BlToyRun *run, BlToyDivergence *out)
{
  BlToyParams p, next;
  BlToyRow row;
  double last_loss;

  g_return_val_if_fail (run != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  out->param = BL_TOY_N_COLS;
  out->lr = run->lr;
  out->first_growth_row = bl_toy_run_first_overshoot (run);
  out->last_finite_row = run->n_rows - 1;
  last_loss = run->loss[run->n_rows - 1];

  if (run->stop == BL_TOY_STOP_NONFINITE)
    {
      guint bad = run->stop_row;

      out->kind = BL_TOY_DIVERGE_NONFINITE;
      out->last_finite_row = bad > 0 ? bad - 1 : 0;
      bl_toy_run_get_params (run, bad, &next);
      for (guint i = 0; i < G_N_ELEMENTS (param_columns) && out->param == BL_TOY_N_COLS; i++)
        if (bl_toy_column_visible (param_columns[i], next.has_biases) &&
            !isfinite (param_value (&next, param_columns[i])))
          out->param = param_columns[i];
      if (out->param == BL_TOY_N_COLS)
        {
          /* Every parameter finite: the largest one's products overflowed. */
          double biggest = -1;
          for (guint i = 0; i < G_N_ELEMENTS (param_columns); i++)
            if (bl_toy_column_visible (param_columns[i], next.has_biases) &&
                fabs (param_value (&next, param_columns[i])) > biggest)
              {
                biggest = fabs (param_value (&next, param_columns[i]));
                out->param = param_columns[i];
              }
        }
      if (bad == 0)
        {
          /* Not finite from the start: nothing was updated. */
          out->update_row = 0;
          out->value = out->result = param_value (&next, out->param);
          out->gradient = NAN;
          out->update = g_strdup_printf (_("%s = %.9g from the start: no update made it"),
                                         bl_toy_column_name (out->param), out->value);
          return TRUE;
        }
      out->update_row = bad - 1;
    }
  else if (out->first_growth_row != G_MAXUINT && last_loss > run->loss[0])
    {
      double biggest = -1;

      out->kind = BL_TOY_DIVERGE_GROWING;
      out->update_row = out->first_growth_row;
      bl_toy_run_get_params (run, out->update_row, &p);
      bl_toy_run_get_row (run, out->update_row, &row);
      for (guint i = 0; i < G_N_ELEMENTS (param_columns); i++)
        {
          BlToyColumn c = param_columns[i];
          double step;
          if (!bl_toy_column_visible (c, p.has_biases) || !param_moves (&p, c))
            continue;
          step = fabs (run->lr * row.v[bl_toy_param_gradient (c)]);
          if (step > biggest)
            {
              biggest = step;
              out->param = c;
            }
        }
    }
  else
    return FALSE;

  bl_toy_run_get_params (run, out->update_row, &p);
  bl_toy_run_get_row (run, out->update_row, &row);
  out->value = param_value (&p, out->param);
  out->gradient = row.v[bl_toy_param_gradient (out->param)];
  out->result = out->value - run->lr * out->gradient;
  out->update = bl_toy_pretty_minus (
    g_strdup_printf ("%s ← %s − η · %s = %.9g − %.9g · %.9g = %.9g",
                     bl_toy_column_name (out->param), bl_toy_column_name (out->param),
                     bl_toy_slot_symbol (bl_toy_param_gradient (out->param)), out->value,
                     run->lr, out->gradient, out->result));
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * 8. ε
 */

static double *
param_slot (BlToyParams *p, BlToyColumn c)
{
  if (c == C (B1))
    return &p->b1;
  if (c == C (B2))
    return &p->b2;
  if (is_weight (c))
    return &p->w[c >= C (W5) ? 4 + c - C (W5) : c - C (W1)];
  return NULL;
}

/* E_total in single precision with parameter @col at @value (a float). */
static float
loss_single_at (const BlToyParams *p, BlToyColumn col, float value)
{
  BlToyParams q = *p;
  double s[BL_TOY_N_SLOTS];

  *param_slot (&q, col) = value;
  bl_toy_params_to_slots (&q, s);
  return (float) bl_toy_desc_loss_single (bl_toy_desc_for (&q), s);
}

static double
relative_error (double numeric, double analytic)
{
  double scale = MAX (fabs (numeric), fabs (analytic));
  return scale > 0 ? fabs (numeric - analytic) / scale : 0.0;
}

GArray *
bl_toy_epsilon_sweep (const BlToyParams *p, BlToyColumn param, guint per_decade,
                      double *best_double, double *best_single)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (BlToyEpsilonPoint));
  BlToyParams q;
  BlToyRow row;
  double analytic, bd = INFINITY, bs = INFINITY;

  g_return_val_if_fail (p != NULL && per_decade >= 1 && per_decade <= 100, points);
  g_return_val_if_fail (bl_toy_column_is_param (param) &&
                        bl_toy_column_visible (param, p->has_biases), points);

  q = *p;
  bl_toy_compute_row (&q, &row);
  analytic = row.v[bl_toy_param_gradient (param)];
  for (guint j = 0; j <= 11 * per_decade; j++)
    {
      BlToyEpsilonPoint pt;
      double eps = pow (10.0, -1.0 - (double) j / per_decade);
      float w = (float) *param_slot (&q, param), e = (float) eps;
      float wp = w + e, wm = w - e;
      float numeric_f = (loss_single_at (&q, param, wp) - loss_single_at (&q, param, wm)) /
                        (2.0f * e);

      pt.eps = eps;
      pt.rel_double = relative_error (bl_toy_numeric_gradient (&q, param, eps), analytic);
      /* When w ± ε rounds to w the difference is 0: the error is total. */
      pt.rel_single = relative_error (numeric_f, analytic);
      if (pt.rel_double < bd)
        {
          bd = pt.rel_double;
          if (best_double)
            *best_double = eps;
        }
      if (pt.rel_single < bs)
        {
          bs = pt.rel_single;
          if (best_single)
            *best_single = eps;
        }
      g_array_append_val (points, pt);
    }
  return points;
}

/* ------------------------------------------------------------------------------------------
 * 9. The loss landscape
 */

BlToyLandscape *
bl_toy_landscape_new (const BlToyParams *p, BlToyColumn x, BlToyColumn y, double half_x,
                      double half_y, guint nx, guint ny, GError **error)
{
  BlToyLandscape *l;
  BlToyParams q;

  g_return_val_if_fail (p != NULL, NULL);

  if (x >= BL_TOY_N_COLS || y >= BL_TOY_N_COLS || !bl_toy_column_is_param (x) ||
      !bl_toy_column_is_param (y) || !bl_toy_column_visible (x, p->has_biases) ||
      !bl_toy_column_visible (y, p->has_biases) || x == y)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("The landscape needs two different parameters of the network (w1…w8, "
                     "and b1, b2 with biases)."));
      return NULL;
    }
  if (nx < 2 || ny < 2 || nx > 1024 || ny > 1024)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("The landscape's grid takes 2 to 1024 points a side."));
      return NULL;
    }
  if (!isfinite (half_x) || !isfinite (half_y) || half_x <= 0 || half_y <= 0 ||
      half_x > 1e6 || half_y > 1e6)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("The landscape's half-widths must be numbers above 0 and at most 10⁶."));
      return NULL;
    }

  q = *p;
  l = g_new0 (BlToyLandscape, 1);
  l->x = x;
  l->y = y;
  l->nx = nx;
  l->ny = ny;
  l->center_x = *param_slot (&q, x);
  l->center_y = *param_slot (&q, y);
  l->x_min = l->center_x - half_x;
  l->x_max = l->center_x + half_x;
  l->y_min = l->center_y - half_y;
  l->y_max = l->center_y + half_y;
  l->loss = g_new (double, (gsize) nx * ny);
  l->loss_min = INFINITY;
  l->loss_max = -INFINITY;
  for (guint j = 0; j < ny; j++)
    for (guint i = 0; i < nx; i++)
      {
        BlToyRow row;
        double e;
        *param_slot (&q, x) = l->x_min + (l->x_max - l->x_min) * i / (nx - 1);
        *param_slot (&q, y) = l->y_min + (l->y_max - l->y_min) * j / (ny - 1);
        bl_toy_compute_row (&q, &row);
        e = row.v[C (E_TOTAL)];
        l->loss[(gsize) j * nx + i] = e;
        if (isfinite (e))
          {
            l->loss_min = MIN (l->loss_min, e);
            l->loss_max = MAX (l->loss_max, e);
          }
      }
  return l;
}

void
bl_toy_landscape_free (BlToyLandscape *l)
{
  if (l == NULL)
    return;
  g_free (l->loss);
  g_free (l);
}

GArray *
bl_toy_landscape_path (const BlToyRun *run, BlToyColumn x, BlToyColumn y, guint max_points)
{
  GArray *path = g_array_new (FALSE, FALSE, sizeof (double));
  BlToyParams p;
  guint every;

  g_return_val_if_fail (run != NULL, path);
  g_return_val_if_fail (bl_toy_column_is_param (x) && bl_toy_column_is_param (y), path);

  every = max_points >= 2 && run->n_rows > max_points ? (run->n_rows - 1) / (max_points - 1) + 1
                                                      : 1;
  /* The run again, row by row (bit for bit what it computed). */
  p = run->init;
  for (guint k = 0; k < run->n_rows; k++)
    {
      BlToyRow row;
      if (k % every == 0 || k == run->n_rows - 1)
        {
          double xy[2] = { *param_slot (&p, x), *param_slot (&p, y) };
          g_array_append_vals (path, xy, 2);
        }
      if (k + 1 < run->n_rows)
        {
          bl_toy_compute_row_lr (&p, run->lr, &row);
          bl_toy_apply_update (&p, &row, run->lr);
        }
    }
  return path;
}
