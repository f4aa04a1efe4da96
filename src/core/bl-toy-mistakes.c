/* bl-toy-mistakes.c: predict, then reveal; the known mistakes as variants of the ledger's
 * description; a lesson's summary. See bl-toy-mistakes.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "core/bl-file.h"
#include "core/bl-toy-desc.h"
#include "core/bl-toy-mistakes.h"

#define C(x) BL_TOY_COL_##x
#define D(x) BL_TOY_SLOT_DELTA (BL_TOY_DELTA_##x)

gboolean
bl_toy_tolerance_accepts (const BlToyTolerance *tol, double typed, double expected)
{
  double rel = tol ? tol->rel : BL_TOY_TOLERANCE_DEFAULT_REL;
  double abs_ = tol ? tol->abs : BL_TOY_TOLERANCE_DEFAULT_ABS;

  if (!isfinite (typed) || !isfinite (expected))
    return FALSE;
  return fabs (typed - expected) <= abs_ + rel * fabs (expected);
}

static const char *const mistake_ids[BL_TOY_N_MISTAKES] = {
  [BL_TOY_MISTAKE_NONE] = "none",
  [BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN] = "derivative-forgotten",
  [BL_TOY_MISTAKE_SIGN_FLIPPED] = "sign-flipped",
  [BL_TOY_MISTAKE_PATH_MISSING] = "path-missing",
  [BL_TOY_MISTAKE_UPDATED_WEIGHTS] = "updated-weights",
  [BL_TOY_MISTAKE_WRONG_OPERAND] = "wrong-operand",
  [BL_TOY_MISTAKE_ETA_NOT_APPLIED] = "eta-not-applied",
  [BL_TOY_MISTAKE_ETA_TWICE] = "eta-twice",
  [BL_TOY_MISTAKE_WRONG_RATE] = "wrong-rate",
  [BL_TOY_MISTAKE_NOT_UPDATED] = "not-updated",
  [BL_TOY_MISTAKE_TARGET_OUTPUT_SWAPPED] = "target-output-swapped",
  [BL_TOY_MISTAKE_HALF_FORGOTTEN] = "half-forgotten",
  [BL_TOY_MISTAKE_ACTIVATION_FORGOTTEN] = "activation-forgotten",
  [BL_TOY_MISTAKE_BIAS_FORGOTTEN] = "bias-forgotten",
  [BL_TOY_MISTAKE_UNKNOWN] = "unknown",
};

const char *
bl_toy_mistake_id (BlToyMistakeKind kind)
{
  g_return_val_if_fail (kind < BL_TOY_N_MISTAKES, NULL);
  return mistake_ids[kind];
}

/* "σ′", "tanh′", "ReLU′" */
static const char *
derivative_name (BlToyActivation act)
{
  switch (act)
    {
    case BL_TOY_ACT_TANH: return "tanh′";
    case BL_TOY_ACT_RELU: return "ReLU′";
    default: return "σ′";
    }
}

static const char *
activation_symbol (BlToyActivation act)
{
  switch (act)
    {
    case BL_TOY_ACT_TANH: return "tanh";
    case BL_TOY_ACT_RELU: return "ReLU";
    default: return "σ";
    }
}

char *
bl_toy_mistake_describe (const BlToyMistake *m, const BlToyParams *p)
{
  BlToyParams classic = { 0 };

  g_return_val_if_fail (m != NULL, NULL);
  if (p == NULL)
    p = &classic;

  switch (m->kind)
    {
    case BL_TOY_MISTAKE_NONE:
      return g_strdup (_("right"));
    case BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN:
      if (m->layer == 1)
        return g_strdup_printf (_("%s is left out at the hidden units"),
                                derivative_name (p->act_hidden));
      if (m->layer == 2)
        return g_strdup_printf (_("%s is left out at the outputs"),
                                derivative_name (p->act_output));
      return g_strdup (_("the activations' derivatives are left out at every unit"));
    case BL_TOY_MISTAKE_SIGN_FLIPPED:
      return g_strdup (_("the sign is flipped"));
    case BL_TOY_MISTAKE_PATH_MISSING:
      return g_strdup_printf (_("the path through o%u is missing from the sum over paths"),
                              m->path);
    case BL_TOY_MISTAKE_UPDATED_WEIGHTS:
      return g_strdup (_("the hidden gradient uses w5…w8 already updated instead of the row's "
                         "own"));
    case BL_TOY_MISTAKE_WRONG_OPERAND:
      return g_strdup_printf (_("%s is used where %s belongs"), bl_toy_slot_symbol (m->used),
                              bl_toy_slot_symbol (m->belongs));
    case BL_TOY_MISTAKE_ETA_NOT_APPLIED:
      return g_strdup (_("the gradient is subtracted without η"));
    case BL_TOY_MISTAKE_ETA_TWICE:
      return g_strdup (_("η is applied twice (w − 2η · ∂E/∂w)"));
    case BL_TOY_MISTAKE_WRONG_RATE:
      return g_strdup_printf (_("the update uses η = %g"), m->rate);
    case BL_TOY_MISTAKE_NOT_UPDATED:
      return g_strdup (_("the row above's value is copied without its update"));
    case BL_TOY_MISTAKE_TARGET_OUTPUT_SWAPPED:
      return g_strdup (_("the target and the output are swapped"));
    case BL_TOY_MISTAKE_HALF_FORGOTTEN:
      return g_strdup (_("the ½ of the L2 loss is forgotten"));
    case BL_TOY_MISTAKE_ACTIVATION_FORGOTTEN:
      return g_strdup_printf (_("the activation %s is not applied (a = net)"),
                              activation_symbol (m->layer == 1 ? p->act_hidden : p->act_output));
    case BL_TOY_MISTAKE_BIAS_FORGOTTEN:
      return g_strdup (_("the bias is left out"));
    case BL_TOY_MISTAKE_UNKNOWN:
    default:
      return g_strdup (_("no known mistake gives this number"));
    }
}

/* ------------------------------------------------------------------------------------------
 * The variants
 */

typedef struct {
  BlToyMistake m;
  /* A network variant: */
  gboolean late;              /* the output-first order */
  guint    forget;            /* a path left out */
  /* Changes to the nodes recomputed: */
  guint    drop_dact;         /* bit 1: the hidden δs' f′, bit 2: the outputs' */
  guint    from, to;          /* substitute slot from → to (BL_TOY_NO_SLOT: none) */
  gboolean swap_target_output;
  gboolean no_act, no_bias, no_half;
  double   scale;             /* the result times this */
  /* An update: prev w − eta_mult · prev g (g possibly another column's). */
  double   eta_mult;
  guint    update_grad, update_param;
} Variant;

static void
variant_init (Variant *v, BlToyMistakeKind kind)
{
  memset (v, 0, sizeof *v);
  v->m.kind = kind;
  v->from = v->to = BL_TOY_NO_SLOT;
  v->scale = 1.0;
  v->update_grad = v->update_param = BL_TOY_NO_SLOT;
}

static void
drop_factor (BlToyTerm *t, guint kind)
{
  guint kept = 0;
  for (guint i = 0; i < t->n; i++)
    if (t->f[i].kind != kind)
      t->f[kept++] = t->f[i];
  t->n = kept;
}

static gboolean
is_bias (guint slot)
{
  return slot == C (B1) || slot == C (B2);
}

/* The description of @v for @cell: a private copy, altered in the nodes not known. */
static BlToyDesc *
variant_desc (const BlToyCell *cell, const Variant *v, guint8 *known)
{
  BlToyParams q = *cell->p;
  BlToyDesc *d;

  if (v->late)
    q.update_order = BL_TOY_ORDER_OUTPUT_FIRST;
  if (v->forget)
    q.forget_path = v->forget;
  d = bl_toy_desc_copy (bl_toy_desc_for (&q));
  if (v->no_half)
    {
      /* E1 and E2 are recomputed too: the ½ is theirs. */
      known[C (E1)] = known[C (E2)] = FALSE;
    }
  for (guint s = 0; s < BL_TOY_N_SLOTS; s++)
    {
      BlToyNodeDesc *n = &d->node[s];
      if (known[s] || n->kind == BL_TOY_NODE_GIVEN || n->kind == BL_TOY_NODE_PARAM)
        continue;
      if (v->no_bias && n->kind == BL_TOY_NODE_FORWARD)
        {
          guint kept = 0;
          for (guint i = 0; i < n->n_terms; i++)
            if (!(n->t[i].n == 1 && n->t[i].f[0].kind == BL_TOY_F_SLOT && is_bias (n->t[i].f[0].a)))
              n->t[kept++] = n->t[i];
          n->n_terms = kept;
        }
      for (guint i = 0; i < n->n_terms; i++)
        {
          BlToyTerm *t = &n->t[i];
          if (v->drop_dact && (s == D (H1) || s == D (H2)) && (v->drop_dact & 1))
            drop_factor (t, BL_TOY_F_DACT);
          if (v->drop_dact && (s == D (O1) || s == D (O2)) && (v->drop_dact & 2))
            drop_factor (t, BL_TOY_F_DACT);
          for (guint j = 0; j < t->n; j++)
            {
              BlToyFactor *f = &t->f[j];
              if (v->no_act && f->kind == BL_TOY_F_ACT)
                f->kind = BL_TOY_F_SLOT;
              if (v->no_half && (f->kind == BL_TOY_F_HALFSQ || f->kind == BL_TOY_F_DLOSS))
                t->coef *= 2;
            }
        }
    }
  if (v->from != BL_TOY_NO_SLOT)
    bl_toy_desc_substitute (d, v->from, v->to, FALSE, known);
  if (v->swap_target_output)
    {
      bl_toy_desc_substitute (d, C (A_O1), C (T1), TRUE, known);
      bl_toy_desc_substitute (d, C (A_O2), C (T2), TRUE, known);
    }
  d->n_tape = 0;
  return d;
}

static gboolean
is_update_cell (const BlToyCell *cell)
{
  const BlToyNodeDesc *n = &bl_toy_desc_for (cell->p)->node[cell->col];
  return cell->prev != NULL && n->kind == BL_TOY_NODE_PARAM &&
         n->t[0].f[0].kind == BL_TOY_F_PREV_UPD;
}

/* The value @v gives; with @slots (N_SLOTS) the row as the variant computed it, for printing. */
static double
variant_value (const BlToyCell *cell, const Variant *v, double *slots)
{
  double s[BL_TOY_N_SLOTS];
  guint8 known[BL_TOY_N_SLOTS];
  BlToyDesc *d;
  double value;

  if (is_update_cell (cell))
    {
      guint g = v->update_grad != BL_TOY_NO_SLOT ? v->update_grad
                                                 : bl_toy_param_gradient (cell->col);
      guint w = v->update_param != BL_TOY_NO_SLOT ? v->update_param : cell->col;
      return cell->prev[w] - v->eta_mult * cell->prev[g];
    }
  memcpy (s, cell->s, sizeof s);
  memcpy (known, cell->known, sizeof known);
  known[cell->col] = FALSE;
  d = variant_desc (cell, v, known);
  value = v->scale * bl_toy_desc_eval_known (d, cell->col, s, known, cell->prev, cell->lr);
  if (slots)
    memcpy (slots, s, sizeof s);
  g_free (d);
  return value;
}

double
bl_toy_cell_expected (const BlToyCell *cell)
{
  Variant v;

  g_return_val_if_fail (cell != NULL && cell->col < BL_TOY_N_COLS, NAN);
  variant_init (&v, BL_TOY_MISTAKE_NONE);
  v.eta_mult = cell->lr;
  return variant_value (cell, &v, NULL);
}

/* Sibling quantities a student may take one for the other. */
static const guint8 operand_pairs[][2] = {
  { C (A_H1), C (A_H2) }, { C (I1), C (I2) }, { C (T1), C (T2) }, { C (H1), C (H2) },
  { C (O1), C (O2) }, { C (A_O1), C (A_O2) },
  { C (W1), C (W2) }, { C (W3), C (W4) }, { C (W1), C (W3) }, { C (W2), C (W4) },
  { C (W5), C (W6) }, { C (W7), C (W8) }, { C (W5), C (W7) }, { C (W6), C (W8) },
};

/* A net input where its activation belongs. */
static const guint8 net_for_act[][2] = {
  { C (H1), C (A_H1) }, { C (H2), C (A_H2) }, { C (O1), C (A_O1) }, { C (O2), C (A_O2) },
};

static void
add_operand (GArray *vs, const BlToyCell *cell, const BlToyDesc *d, guint used, guint belongs)
{
  Variant v;
  guint8 known[BL_TOY_N_SLOTS];

  memcpy (known, cell->known, sizeof known);
  known[cell->col] = FALSE;
  if (!bl_toy_desc_uses (d, cell->col, belongs, known))
    return;
  variant_init (&v, BL_TOY_MISTAKE_WRONG_OPERAND);
  v.m.used = used;
  v.m.belongs = belongs;
  v.from = belongs;
  v.to = used;
  g_array_append_val (vs, v);
}

/* Every variant that applies to @cell, most likely first. */
static GArray *
variants_for (const BlToyCell *cell)
{
  GArray *vs = g_array_new (FALSE, FALSE, sizeof (Variant));
  const BlToyDesc *d = bl_toy_desc_for (cell->p);
  const BlToyNodeDesc *n = &d->node[cell->col];
  guint8 known[BL_TOY_N_SLOTS];
  Variant v;

  memcpy (known, cell->known, sizeof known);
  known[cell->col] = FALSE;

  if (is_update_cell (cell))
    {
      guint g = bl_toy_param_gradient (cell->col);
      static const struct { BlToyMistakeKind kind; double mult; } rates[] = {
        { BL_TOY_MISTAKE_SIGN_FLIPPED, -1 }, { BL_TOY_MISTAKE_ETA_NOT_APPLIED, 0 },
        { BL_TOY_MISTAKE_ETA_TWICE, 2 }, { BL_TOY_MISTAKE_WRONG_RATE, 0 },
        { BL_TOY_MISTAKE_NOT_UPDATED, 0 },
      };
      for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
        {
          variant_init (&v, rates[i].kind);
          switch (rates[i].kind)
            {
            case BL_TOY_MISTAKE_SIGN_FLIPPED: v.eta_mult = -cell->lr; break;
            case BL_TOY_MISTAKE_ETA_NOT_APPLIED: v.eta_mult = 1.0; break;
            case BL_TOY_MISTAKE_ETA_TWICE: v.eta_mult = v.m.rate = 2 * cell->lr; break;
            case BL_TOY_MISTAKE_WRONG_RATE: v.eta_mult = v.m.rate = cell->lr * cell->lr; break;
            default: v.eta_mult = 0; break;
            }
          g_array_append_val (vs, v);
        }
      /* Another weight's gradient, or another weight updated. */
      for (guint i = 0; i < G_N_ELEMENTS (operand_pairs); i++)
        for (guint side = 0; side < 2; side++)
          {
            guint a = operand_pairs[i][side], b = operand_pairs[i][1 - side];
            if (b != cell->col || !bl_toy_column_is_param (a))
              continue;
            variant_init (&v, BL_TOY_MISTAKE_WRONG_OPERAND);
            v.eta_mult = cell->lr;
            v.update_grad = bl_toy_param_gradient (a);
            v.m.used = v.update_grad;
            v.m.belongs = g;
            g_array_append_val (vs, v);
            variant_init (&v, BL_TOY_MISTAKE_WRONG_OPERAND);
            v.eta_mult = cell->lr;
            v.update_param = a;
            v.m.used = a;
            v.m.belongs = b;
            g_array_append_val (vs, v);
          }
      return vs;
    }
  if (n->kind == BL_TOY_NODE_GIVEN || n->kind == BL_TOY_NODE_PARAM ||
      n->kind == BL_TOY_NODE_ABSENT)
    return vs;

  for (guint layer = 1; layer <= 3; layer++)
    {
      variant_init (&v, BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN);
      v.m.layer = layer;
      v.drop_dact = layer;
      g_array_append_val (vs, v);
    }
  variant_init (&v, BL_TOY_MISTAKE_SIGN_FLIPPED);
  v.scale = -1;
  g_array_append_val (vs, v);
  if (d->forget_path == 0 && (bl_toy_desc_uses (d, cell->col, D (DA_H1), known) ||
                              bl_toy_desc_uses (d, cell->col, D (DA_H2), known)))
    for (guint path = 1; path <= 2; path++)
      {
        variant_init (&v, BL_TOY_MISTAKE_PATH_MISSING);
        v.m.path = path;
        v.forget = path;
        g_array_append_val (vs, v);
      }
  if (d->order == BL_TOY_ORDER_SIMULTANEOUS)
    {
      variant_init (&v, BL_TOY_MISTAKE_UPDATED_WEIGHTS);
      v.late = TRUE;
      g_array_append_val (vs, v);
    }
  add_operand (vs, cell, d, C (A_H1), C (A_H2));
  add_operand (vs, cell, d, C (A_H2), C (A_H1));
  variant_init (&v, BL_TOY_MISTAKE_TARGET_OUTPUT_SWAPPED);
  v.swap_target_output = TRUE;
  g_array_append_val (vs, v);
  variant_init (&v, BL_TOY_MISTAKE_HALF_FORGOTTEN);
  v.no_half = TRUE;
  g_array_append_val (vs, v);
  variant_init (&v, BL_TOY_MISTAKE_ACTIVATION_FORGOTTEN);
  v.no_act = TRUE;
  v.m.layer = n->layer;
  g_array_append_val (vs, v);
  if (d->has_biases)
    {
      variant_init (&v, BL_TOY_MISTAKE_BIAS_FORGOTTEN);
      v.no_bias = TRUE;
      g_array_append_val (vs, v);
    }
  for (guint i = 1; i < G_N_ELEMENTS (operand_pairs); i++)
    {
      add_operand (vs, cell, d, operand_pairs[i][0], operand_pairs[i][1]);
      add_operand (vs, cell, d, operand_pairs[i][1], operand_pairs[i][0]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (net_for_act); i++)
    add_operand (vs, cell, d, net_for_act[i][0], net_for_act[i][1]);
  return vs;
}

/* A round rate (two significant digits) that gives @value, for an update; 0 if none. */
static double
implied_rate (const BlToyCell *cell, double value, const BlToyTolerance *tol)
{
  double g = cell->prev[bl_toy_param_gradient (cell->col)];
  double w = cell->prev[cell->col], r, mag, round_r;

  if (!isfinite (g) || fabs (g) < 1e-300)
    return 0;
  r = (w - value) / g;
  if (!isfinite (r) || r <= 0)
    return 0;
  mag = pow (10, floor (log10 (r)) - 1);
  round_r = round (r / mag) * mag;
  if (!bl_toy_tolerance_accepts (tol, value, w - round_r * g))
    return 0;
  return round_r;
}

guint
bl_toy_cell_explain (const BlToyCell *cell, double value, const BlToyTolerance *tol,
                     BlToyMistake *best, BlToyMistake *all, guint max_all)
{
  g_autoptr(GArray) vs = NULL;
  double expected;
  guint n = 0;

  g_return_val_if_fail (cell != NULL && cell->col < BL_TOY_N_COLS, 0);

  if (best)
    {
      memset (best, 0, sizeof *best);
      best->kind = BL_TOY_MISTAKE_UNKNOWN;
      best->value = NAN;
    }
  expected = bl_toy_cell_expected (cell);
  vs = variants_for (cell);
  for (guint i = 0; i < vs->len; i++)
    {
      Variant *v = &g_array_index (vs, Variant, i);
      double mv = variant_value (cell, v, NULL);

      /* A mistake that changes nothing here is no explanation. */
      if (!isfinite (mv) || bl_toy_tolerance_accepts (tol, mv, expected) ||
          !bl_toy_tolerance_accepts (tol, value, mv))
        continue;
      v->m.value = mv;
      if (n == 0 && best)
        *best = v->m;
      if (all && n < max_all)
        all[n] = v->m;
      n++;
    }
  if (n == 0 && is_update_cell (cell) && !bl_toy_tolerance_accepts (tol, value, expected))
    {
      double r = implied_rate (cell, value, tol);
      if (r > 0)
        {
          BlToyMistake m = { BL_TOY_MISTAKE_WRONG_RATE, .rate = r };
          m.value = cell->prev[cell->col] - r * cell->prev[bl_toy_param_gradient (cell->col)];
          if (best)
            *best = m;
          if (all && max_all > 0)
            all[0] = m;
          n = 1;
        }
    }
  return n;
}

char *
bl_toy_cell_mistake_formula (const BlToyCell *cell, const BlToyMistake *m)
{
  g_autoptr(GArray) vs = NULL;
  double slots[BL_TOY_N_SLOTS];

  g_return_val_if_fail (cell != NULL && m != NULL, NULL);
  if (m->kind == BL_TOY_MISTAKE_NONE || m->kind == BL_TOY_MISTAKE_UNKNOWN)
    return NULL;

  if (is_update_cell (cell))
    {
      guint g = bl_toy_param_gradient (cell->col), w = cell->col;
      double mult;
      switch (m->kind)
        {
        case BL_TOY_MISTAKE_SIGN_FLIPPED:
          return bl_toy_pretty_minus (g_strdup_printf ("%s = %.9g + %.9g · %.9g = %.9g",
                                                       bl_toy_column_name (w), cell->prev[w],
                                                       cell->lr, cell->prev[g], m->value));
        case BL_TOY_MISTAKE_NOT_UPDATED:
          return bl_toy_pretty_minus (g_strdup_printf ("%s = %s′ = %.9g", bl_toy_column_name (w),
                                                       bl_toy_column_name (w), m->value));
        case BL_TOY_MISTAKE_ETA_NOT_APPLIED:
          return bl_toy_pretty_minus (g_strdup_printf ("%s = %.9g − %.9g = %.9g",
                                                       bl_toy_column_name (w), cell->prev[w],
                                                       cell->prev[g], m->value));
        case BL_TOY_MISTAKE_WRONG_OPERAND:
          if (bl_toy_column_is_gradient (m->used))
            g = m->used;
          else
            w = m->used;
          mult = cell->lr;
          break;
        default:
          mult = m->rate;
          break;
        }
      return bl_toy_pretty_minus (g_strdup_printf ("%s = %.9g − %.9g · %.9g = %.9g",
                                                   bl_toy_column_name (cell->col), cell->prev[w],
                                                   mult, cell->prev[g], m->value));
    }

  /* Find the variant again and print its description's node with its numbers. */
  vs = variants_for (cell);
  for (guint i = 0; i < vs->len; i++)
    {
      Variant *v = &g_array_index (vs, Variant, i);
      if (v->m.kind != m->kind || v->m.layer != m->layer || v->m.path != m->path ||
          v->m.used != m->used || v->m.belongs != m->belongs)
        continue;
      {
        guint8 known[BL_TOY_N_SLOTS];
        BlToyDesc *d;
        BlToyPrint sym = { BL_TOY_STYLE_SYMBOL };
        BlToyPrint num = { BL_TOY_STYLE_NUMBER, slots, cell->prev, cell->lr };
        g_autofree char *a = NULL, *b = NULL;
        char *text;

        double value = variant_value (cell, v, slots);
        memcpy (known, cell->known, sizeof known);
        known[cell->col] = FALSE;
        d = variant_desc (cell, v, known);
        a = bl_toy_desc_print_node (d, cell->col, &sym, NULL);
        b = bl_toy_desc_print_node (d, cell->col, &num, NULL);
        if (v->scale < 0)
          text = g_strdup_printf ("%s = −(%s) = −(%s) = %.9g", bl_toy_slot_symbol (cell->col),
                                  a, b, value);
        else
          text = g_strdup_printf ("%s = %s = %s = %.9g", bl_toy_slot_symbol (cell->col), a, b,
                                  value);
        g_free (d);
        return bl_toy_pretty_minus (text);
      }
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Predict, then reveal
 */

void
bl_toy_verdict_clear (BlToyVerdict *v)
{
  if (v == NULL)
    return;
  g_clear_pointer (&v->explanation, g_free);
  g_clear_pointer (&v->wrong_formula, g_free);
}

gboolean
bl_toy_predict_check (const BlToyRun *run, guint k, BlToyColumn col, double typed,
                      const BlToyTolerance *tol, BlToyVerdict *out)
{
  BlToyParams p;
  BlToyRow row, prev;
  double s[BL_TOY_N_SLOTS], ps[BL_TOY_N_SLOTS];
  guint8 known[BL_TOY_N_SLOTS] = { 0 };
  BlToyCell cell;
  BlToyMistake all[5];
  guint n;

  g_return_val_if_fail (run != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (col >= BL_TOY_N_COLS || !bl_toy_column_visible (col, run->init.has_biases) ||
      k >= run->n_rows)
    return FALSE;

  bl_toy_run_get_params (run, k, &p);
  bl_toy_run_get_row (run, k, &row);
  bl_toy_row_to_slots (&row, s);
  if (k > 0)
    {
      bl_toy_run_get_row (run, k - 1, &prev);
      bl_toy_row_to_slots (&prev, ps);
    }
  /* The student has seen the row's other cells. */
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    known[c] = c != col;
  cell = (BlToyCell) { &p, s, known, k > 0 ? ps : NULL, run->lr, col };

  out->col = col;
  out->row = k;
  out->typed = typed;
  out->expected = row.v[col];
  out->error_abs = fabs (typed - out->expected);
  out->error_rel = out->expected != 0 ? out->error_abs / fabs (out->expected) : INFINITY;
  out->right = bl_toy_tolerance_accepts (tol, typed, out->expected);
  if (out->right)
    {
      out->mistake.kind = BL_TOY_MISTAKE_NONE;
      out->mistake.value = out->expected;
      out->explanation = g_strdup_printf (_("Right: %s = %.9g (you typed %.9g)."),
                                          bl_toy_column_label (col), out->expected, typed);
      return TRUE;
    }
  n = bl_toy_cell_explain (&cell, typed, tol, &out->mistake, all, G_N_ELEMENTS (all));
  out->n_also = n > 1 ? MIN (n - 1, G_N_ELEMENTS (out->also)) : 0;
  for (guint i = 0; i < out->n_also; i++)
    out->also[i] = all[i + 1];
  if (out->mistake.kind == BL_TOY_MISTAKE_UNKNOWN)
    out->explanation = g_strdup_printf (_("Not quite: %s = %.9g; you typed %.9g (off by %.3g). "
                                          "No known mistake gives that number: check each "
                                          "factor."), bl_toy_column_label (col),
                                        out->expected, typed, typed - out->expected);
  else
    {
      g_autofree char *why = bl_toy_mistake_describe (&out->mistake, &p);
      out->explanation = g_strdup_printf (_("Not quite: %s = %.9g; you typed %.9g. That is "
                                            "what you get when %s."),
                                          bl_toy_column_label (col), out->expected, typed, why);
      out->wrong_formula = bl_toy_cell_mistake_formula (&cell, &out->mistake);
    }
  out->explanation = bl_toy_pretty_minus (out->explanation);
  return FALSE;
}

/* ------------------------------------------------------------------------------------------
 * A lesson
 */

typedef struct {
  guint            row;
  BlToyColumn      col;
  guint            attempts;
  gboolean         right_first;
  double           first_answer;
  double           expected;
  BlToyMistakeKind first_mistake;
  GString         *answers;
} LessonCell;

struct _BlToyLesson {
  GArray     *cells;      /* LessonCell, in the order first answered */
  GHashTable *index;      /* (row << 8 | col) + 1 → position + 1 */
};

BlToyLesson *
bl_toy_lesson_new (void)
{
  BlToyLesson *l = g_new0 (BlToyLesson, 1);
  l->cells = g_array_new (FALSE, FALSE, sizeof (LessonCell));
  l->index = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  return l;
}

void
bl_toy_lesson_free (BlToyLesson *l)
{
  if (l == NULL)
    return;
  for (guint i = 0; i < l->cells->len; i++)
    g_string_free (g_array_index (l->cells, LessonCell, i).answers, TRUE);
  g_array_free (l->cells, TRUE);
  g_hash_table_destroy (l->index);
  g_free (l);
}

void
bl_toy_lesson_record (BlToyLesson *l, const BlToyVerdict *v)
{
  gint64 key;
  gpointer pos;
  LessonCell *cell;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (l != NULL && v != NULL && v->col < BL_TOY_N_COLS);

  key = ((gint64) v->row << 8) | v->col;
  pos = g_hash_table_lookup (l->index, &key);
  if (pos == NULL)
    {
      LessonCell c = { v->row, v->col, 0, v->right, v->typed, v->expected, v->mistake.kind,
                       g_string_new (NULL) };
      gint64 *k = g_new (gint64, 1);
      *k = key;
      g_array_append_val (l->cells, c);
      g_hash_table_insert (l->index, k, GUINT_TO_POINTER (l->cells->len));
      pos = GUINT_TO_POINTER (l->cells->len);
    }
  cell = &g_array_index (l->cells, LessonCell, GPOINTER_TO_UINT (pos) - 1);
  cell->attempts++;
  if (cell->answers->len)
    g_string_append_c (cell->answers, ' ');
  g_string_append (cell->answers, g_ascii_formatd (buf, sizeof buf, "%.17g", v->typed));
}

guint
bl_toy_lesson_n_cells (const BlToyLesson *l)
{
  g_return_val_if_fail (l != NULL, 0);
  return l->cells->len;
}

guint
bl_toy_lesson_n_right_first (const BlToyLesson *l)
{
  guint n = 0;

  g_return_val_if_fail (l != NULL, 0);
  for (guint i = 0; i < l->cells->len; i++)
    n += g_array_index (l->cells, LessonCell, i).right_first;
  return n;
}

char *
bl_toy_lesson_to_csv (const BlToyLesson *l)
{
  GString *out = g_string_new ("iteration,column,attempts,right_first_time,first_answer,"
                               "expected,first_mistake,answers\n");
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (l != NULL, g_string_free (out, FALSE));
  for (guint i = 0; i < l->cells->len; i++)
    {
      const LessonCell *c = &g_array_index (l->cells, LessonCell, i);
      g_string_append_printf (out, "%u,%s,%u,%d,%s,%s,%s,%s\n", c->row,
                              bl_toy_column_name (c->col), c->attempts, c->right_first ? 1 : 0,
                              g_ascii_formatd (a, sizeof a, "%.17g", c->first_answer),
                              g_ascii_formatd (b, sizeof b, "%.17g", c->expected),
                              bl_toy_mistake_id (c->first_mistake), c->answers->str);
    }
  return g_string_free (out, FALSE);
}

gboolean
bl_toy_lesson_save_csv (const BlToyLesson *l, const char *path, GError **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (l != NULL && path != NULL, FALSE);
  text = bl_toy_lesson_to_csv (l);
  return bl_file_replace_contents (path, text, strlen (text), error);
}
