/* bl-toy-desc.c: the one description of the ledger (see bl-toy-desc.h): the forward network
 * written once, the backward pass derived from it, a tape compiled from both for speed, the
 * generic evaluation, and the printers every formula comes from. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy-desc.h"

#define C(x) BL_TOY_COL_##x
#define D(x) BL_TOY_SLOT_DELTA (BL_TOY_DELTA_##x)

/* One unit: net = w[0]·x[0] + w[1]·x[1] (+ bias), act = f(net). */
typedef struct {
  guint8 net, act, w[2], x[2], bias, layer, unit;
} UnitDef;

static const UnitDef units[4] = {
  { C (H1), C (A_H1), { C (W1), C (W2) }, { C (I1), C (I2) }, C (B1), 1, BL_TOY_UNIT_H1 },
  { C (H2), C (A_H2), { C (W3), C (W4) }, { C (I1), C (I2) }, C (B1), 1, BL_TOY_UNIT_H2 },
  { C (O1), C (A_O1), { C (W5), C (W6) }, { C (A_H1), C (A_H2) }, C (B2), 2, BL_TOY_UNIT_O1 },
  { C (O2), C (A_O2), { C (W7), C (W8) }, { C (A_H1), C (A_H2) }, C (B2), 2, BL_TOY_UNIT_O2 },
};

/* The loss: E_k = ½ (t_k − a_ok)², E_total = E1 + E2. */
static const struct { guint8 err, target, out; } losses[2] = {
  { C (E1), C (T1), C (A_O1) },
  { C (E2), C (T2), C (A_O2) },
};

/* Where reverse mode puts ∂E_total/∂slot: the names of the derived slots. Everything else about
 * them (their terms, what they use) is derived. */
static guint
adjoint_slot (guint slot)
{
  switch (slot)
    {
    case C (A_O1): return D (DA_O1);
    case C (A_O2): return D (DA_O2);
    case C (O1): return D (O1);
    case C (O2): return D (O2);
    case C (A_H1): return D (DA_H1);
    case C (A_H2): return D (DA_H2);
    case C (H1): return D (H1);
    case C (H2): return D (H2);
    case C (B1): return C (DB1);
    case C (B2): return C (DB2);
    default:
      if (slot >= C (W1) && slot <= C (W4))
        return C (DW1) + (slot - C (W1));
      if (slot >= C (W5) && slot <= C (W8))
        return C (DW5) + (slot - C (W5));
      return BL_TOY_NO_SLOT;
    }
}

static const char *const delta_symbols[BL_TOY_N_DELTAS] = {
  "∂E_total/∂a_o1", "∂E_total/∂a_o2", "δo1", "δo2", "∂E_total/∂a_h1", "∂E_total/∂a_h2",
  "δh1", "δh2", "w5⁺", "w6⁺", "w7⁺", "w8⁺",
};

static const char *const gradient_symbols[] = {
  "∂E_total/∂w1", "∂E_total/∂w2", "∂E_total/∂w3", "∂E_total/∂w4",
  "∂E_total/∂w5", "∂E_total/∂w6", "∂E_total/∂w7", "∂E_total/∂w8",
  "∂E_total/∂b1", "∂E_total/∂b2",
};

const char *
bl_toy_slot_symbol (guint slot)
{
  if (slot >= BL_TOY_N_SLOTS)
    return "?";
  if (slot >= BL_TOY_N_COLS)
    return delta_symbols[slot - BL_TOY_N_COLS];
  if (bl_toy_column_is_gradient (slot))
    return gradient_symbols[slot - C (DW1)];
  return bl_toy_column_name (slot);
}

/* ------------------------------------------------------------------------------------------
 * Building
 */

static BlToyTerm *
add_term (BlToyNodeDesc *n)
{
  BlToyTerm *t;

  g_assert (n->n_terms < BL_TOY_MAX_TERMS);
  t = &n->t[n->n_terms++];
  memset (t, 0, sizeof *t);
  t->coef = 1.0;
  return t;
}

static void
add_factor (BlToyTerm *t, guint kind, guint act, guint a, guint b)
{
  g_assert (t->n < BL_TOY_MAX_FACTORS);
  t->f[t->n++] = (BlToyFactor) { (guint8) kind, (guint8) act, (guint8) a, (guint8) b };
}

static void
set_node (BlToyNodeDesc *n, BlToyNodeKind kind, guint layer, guint unit)
{
  memset (n, 0, sizeof *n);
  n->kind = kind;
  n->layer = layer;
  n->unit = unit;
  n->from_unit = BL_TOY_UNIT_NONE;
}

/* Terms of ∂E_total/∂slot collected from the nodes that use it (reverse mode). */
typedef struct {
  BlToyTerm t[BL_TOY_MAX_TERMS];
  guint     n;
  guint8    from[BL_TOY_MAX_TERMS];
} Pending;

#define ADJ_NONE 0xfe
#define ADJ_ONE 0xfd

/* Node @n (whose ∂E_total/∂n is @adj) passes a term to each slot it uses. */
static void
push_adjoints (const BlToyDesc *d, guint n, guint adj, Pending *pending)
{
  const BlToyNodeDesc *node = &d->node[n];

  for (guint ti = 0; ti < node->n_terms; ti++)
    {
      const BlToyTerm *t = &node->t[ti];
      for (guint fi = 0; fi < t->n; fi++)
        {
          const BlToyFactor *f = &t->f[fi];
          guint wrt;
          BlToyTerm local = { .coef = t->coef };

          if (adj != ADJ_ONE)
            add_factor (&local, BL_TOY_F_SLOT, 0, adj, 0);
          switch (f->kind)
            {
            case BL_TOY_F_SLOT:
              /* A product: the derivative by one factor is the product of the others. */
              wrt = f->a;
              for (guint o = 0; o < t->n; o++)
                if (o != fi)
                  local.f[local.n++] = t->f[o];
              break;
            case BL_TOY_F_ACT:
              wrt = f->a;
              add_factor (&local, BL_TOY_F_DACT, f->act, n, f->a);
              break;
            case BL_TOY_F_HALFSQ:
              /* ½ (t − a)² by the output a (the target is given). */
              wrt = f->b;
              add_factor (&local, BL_TOY_F_DLOSS, 0, f->b, f->a);
              break;
            default:
              g_assert_not_reached ();
            }
          if (d->node[wrt].kind == BL_TOY_NODE_GIVEN)
            continue;
          /* The path through an output unit into a hidden activation. */
          if (node->layer == 2 && d->node[wrt].layer == 1)
            local.via = node->unit == BL_TOY_UNIT_O1 ? 1 : 2;
          g_assert (pending[wrt].n < BL_TOY_MAX_TERMS);
          pending[wrt].from[pending[wrt].n] = (guint8) n;
          pending[wrt].t[pending[wrt].n++] = local;
        }
    }
}

/* ∂E_total/∂slot from its collected terms: 1, or a new backward node. */
static guint
finish_adjoint (BlToyDesc *d, guint slot, const Pending *pending)
{
  const Pending *p = &pending[slot];
  guint a;
  BlToyNodeDesc *node;

  if (p->n == 0)
    return ADJ_NONE;
  if (p->n == 1 && p->t[0].n == 0 && p->t[0].coef == 1.0)
    return ADJ_ONE;
  a = adjoint_slot (slot);
  g_assert (a != BL_TOY_NO_SLOT);
  node = &d->node[a];
  set_node (node, BL_TOY_NODE_BACKWARD, d->node[slot].layer, d->node[slot].unit);
  node->wrt = (guint8) slot;
  node->n_terms = p->n;
  /* The users were visited last first: put their terms back in the forward order. */
  for (guint i = 0; i < p->n; i++)
    {
      node->t[i] = p->t[p->n - 1 - i];
      node->from[i] = p->from[p->n - 1 - i];
    }
  return a;
}

static void compile_tape (BlToyDesc *d);

static void
build (BlToyDesc *d)
{
  Pending pending[BL_TOY_N_SLOTS];
  guint8 adj[BL_TOY_N_SLOTS];
  guint8 forward[16];
  guint n_forward = 0;

  for (guint s = 0; s < BL_TOY_N_SLOTS; s++)
    set_node (&d->node[s], BL_TOY_NODE_ABSENT, 0, BL_TOY_UNIT_NONE);

  /* Given values and parameters: their value in row 0, then carried down or updated. */
  {
    static const struct { guint8 col, unit; } given[] = {
      { C (T1), BL_TOY_UNIT_LOSS }, { C (T2), BL_TOY_UNIT_LOSS },
      { C (I1), BL_TOY_UNIT_I1 }, { C (I2), BL_TOY_UNIT_I2 },
    };
    for (guint i = 0; i < G_N_ELEMENTS (given); i++)
      {
        BlToyNodeDesc *n = &d->node[given[i].col];
        set_node (n, BL_TOY_NODE_GIVEN, 0, given[i].unit);
        add_factor (add_term (n), BL_TOY_F_PREV, 0, given[i].col, 0);
      }
  }
  for (guint u = 0; u < G_N_ELEMENTS (units); u++)
    for (guint j = 0; j < 3; j++)
      {
        guint p = j < 2 ? units[u].w[j] : units[u].bias;
        BlToyNodeDesc *n = &d->node[p];
        gboolean bias = j == 2;

        if (bias && !d->has_biases)
          continue;
        set_node (n, BL_TOY_NODE_PARAM, units[u].layer, bias ? (units[u].layer == 1 ?
                  BL_TOY_UNIT_B1 : BL_TOY_UNIT_B2) : units[u].unit);
        /* A weight is the edge from the unit it reads to the unit it feeds. */
        if (!bias)
          n->from_unit = units[u].layer == 1 ? BL_TOY_UNIT_I1 + j : BL_TOY_UNIT_H1 + j;
        if (bias && !d->train_biases)
          add_factor (add_term (n), BL_TOY_F_PREV, 0, p, 0);
        else
          add_factor (add_term (n), BL_TOY_F_PREV_UPD, 0, p, adjoint_slot (p));
      }

  /* The forward network: the only computation written by hand. */
  for (guint u = 0; u < G_N_ELEMENTS (units); u++)
    {
      const UnitDef *ud = &units[u];
      BlToyNodeDesc *net = &d->node[ud->net], *act = &d->node[ud->act];
      BlToyActivation f = ud->layer == 1 ? d->act_hidden : d->act_output;

      set_node (net, BL_TOY_NODE_FORWARD, ud->layer, ud->unit);
      for (guint j = 0; j < 2; j++)
        {
          BlToyTerm *t = add_term (net);
          add_factor (t, BL_TOY_F_SLOT, 0, ud->w[j], 0);
          add_factor (t, BL_TOY_F_SLOT, 0, ud->x[j], 0);
        }
      if (d->has_biases)
        add_factor (add_term (net), BL_TOY_F_SLOT, 0, ud->bias, 0);
      set_node (act, BL_TOY_NODE_FORWARD, ud->layer, ud->unit);
      add_factor (add_term (act), BL_TOY_F_ACT, f, ud->net, 0);
      forward[n_forward++] = ud->net;
      forward[n_forward++] = ud->act;
    }
  for (guint k = 0; k < 2; k++)
    {
      BlToyNodeDesc *e = &d->node[losses[k].err];
      set_node (e, BL_TOY_NODE_FORWARD, 3, BL_TOY_UNIT_LOSS);
      add_factor (add_term (e), BL_TOY_F_HALFSQ, 0, losses[k].target, losses[k].out);
      forward[n_forward++] = losses[k].err;
    }
  set_node (&d->node[C (E_TOTAL)], BL_TOY_NODE_FORWARD, 3, BL_TOY_UNIT_LOSS);
  for (guint k = 0; k < 2; k++)
    add_factor (add_term (&d->node[C (E_TOTAL)]), BL_TOY_F_SLOT, 0, losses[k].err, 0);
  forward[n_forward++] = C (E_TOTAL);

  /* Backward, derived: reverse mode over the forward nodes, from E_total down. */
  memset (pending, 0, sizeof pending);
  memset (adj, ADJ_NONE, sizeof adj);
  adj[C (E_TOTAL)] = ADJ_ONE;
  for (guint i = n_forward; i-- > 0;)
    {
      guint s = forward[i];
      if (s != C (E_TOTAL))
        adj[s] = (guint8) finish_adjoint (d, s, pending);
      if (adj[s] != ADJ_NONE)
        push_adjoints (d, s, adj[s], pending);
    }
  for (guint s = 0; s < BL_TOY_N_COLS; s++)
    if (d->node[s].kind == BL_TOY_NODE_PARAM)
      adj[s] = (guint8) finish_adjoint (d, s, pending);

  /* The weights w5…w8 that the hidden layer's gradients use (the update order). */
  for (guint i = 0; i < 4; i++)
    {
      guint w = C (W5) + i, used = D (W5_USED) + i;
      BlToyNodeDesc *n = &d->node[used];
      set_node (n, BL_TOY_NODE_BACKWARD, 2, d->node[w].unit);
      n->from_unit = d->node[w].from_unit;
      if (d->order == BL_TOY_ORDER_OUTPUT_FIRST)
        add_factor (add_term (n), BL_TOY_F_UPD, 0, w, adjoint_slot (w));
      else
        add_factor (add_term (n), BL_TOY_F_SLOT, 0, w, 0);
    }
  for (guint h = 0; h < 2; h++)
    {
      BlToyNodeDesc *n = &d->node[D (DA_H1) + h];
      guint kept = 0;

      for (guint ti = 0; ti < n->n_terms; ti++)
        {
          for (guint fi = 0; fi < n->t[ti].n; fi++)
            {
              BlToyFactor *f = &n->t[ti].f[fi];
              if (f->kind == BL_TOY_F_SLOT && f->a >= C (W5) && f->a <= C (W8))
                f->a = (guint8) (D (W5_USED) + (f->a - C (W5)));
            }
          /* The "forgotten path" variant leaves one output's term out. */
          if (d->forget_path != 0 && n->t[ti].via == d->forget_path)
            continue;
          n->from[kept] = n->from[ti];
          n->t[kept++] = n->t[ti];
        }
      n->n_terms = kept;
    }

  /* Evaluation order: the forward sweep, then backward layer by layer: each unit's
   * ∂E_total/∂a and δ, then the gradients of the parameters feeding that layer. */
  d->n_order = 0;
  for (guint i = 0; i < n_forward; i++)
    d->order_slots[d->n_order++] = forward[i];
  d->n_forward = d->n_order;
  for (guint layer = 2; layer >= 1; layer--)
    {
      for (guint u = 0; u < G_N_ELEMENTS (units); u++)
        if (units[u].layer == layer)
          {
            d->order_slots[d->n_order++] = (guint8) adjoint_slot (units[u].act);
            d->order_slots[d->n_order++] = (guint8) adjoint_slot (units[u].net);
          }
      for (guint s = 0; s < BL_TOY_N_COLS; s++)
        if (d->node[s].kind == BL_TOY_NODE_PARAM && d->node[s].layer == layer)
          d->order_slots[d->n_order++] = (guint8) adjoint_slot (s);
      if (layer == 2)
        for (guint i = 0; i < 4; i++)
          d->order_slots[d->n_order++] = (guint8) (D (W5_USED) + i);
    }
  compile_tape (d);
}

/* ------------------------------------------------------------------------------------------
 * Evaluation
 */

static inline double
act_value (guint act, double x)
{
  if (G_LIKELY (act == BL_TOY_ACT_SIGMOID))
    return 1.0 / (1.0 + exp (-x));
  if (act == BL_TOY_ACT_TANH)
    return tanh (x);
  /* ReLU; NaN stays NaN (max would hide it). */
  return x > 0 ? x : (x == x ? 0.0 : x);
}

static inline double
dact_value (guint act, double a, double net)
{
  if (G_LIKELY (act == BL_TOY_ACT_SIGMOID))
    return a * (1.0 - a);
  if (act == BL_TOY_ACT_TANH)
    return 1.0 - a * a;
  return net > 0 ? 1.0 : (net == net ? 0.0 : net);
}

double
bl_toy_desc_eval_factor (const BlToyFactor *f, const double *s, const double *prev, double lr)
{
  switch (f->kind)
    {
    case BL_TOY_F_SLOT:
      return s[f->a];
    case BL_TOY_F_ACT:
      return act_value (f->act, s[f->a]);
    case BL_TOY_F_DACT:
      return dact_value (f->act, s[f->a], s[f->b]);
    case BL_TOY_F_DLOSS:
      return s[f->a] - s[f->b];
    case BL_TOY_F_HALFSQ:
      return 0.5 * (s[f->a] - s[f->b]) * (s[f->a] - s[f->b]);
    case BL_TOY_F_UPD:
      return s[f->a] - lr * s[f->b];
    case BL_TOY_F_PREV:
      return prev ? prev[f->a] : NAN;
    case BL_TOY_F_PREV_UPD:
      return prev ? prev[f->a] - lr * prev[f->b] : NAN;
    default:
      g_return_val_if_reached (NAN);
    }
}

static double
eval_term (const BlToyTerm *t, const double *s, const double *prev, double lr)
{
  double v = t->coef;

  /* The first factor alone when the coefficient is 1, so that a copy is exact. */
  for (guint i = 0; i < t->n; i++)
    v = (i == 0 && t->coef == 1.0) ? bl_toy_desc_eval_factor (&t->f[0], s, prev, lr)
                                    : v * bl_toy_desc_eval_factor (&t->f[i], s, prev, lr);
  return v;
}

double
bl_toy_desc_eval_node (const BlToyDesc *d, guint slot, const double *s, const double *prev,
                       double lr)
{
  const BlToyNodeDesc *n = &d->node[slot];
  double v = 0;

  for (guint i = 0; i < n->n_terms; i++)
    v = i == 0 ? eval_term (&n->t[0], s, prev, lr) : v + eval_term (&n->t[i], s, prev, lr);
  return v;
}

/* The forward factors in float arithmetic (each operation rounded to single precision). */
static float
factor_single (const BlToyFactor *f, const double *s)
{
  float a = (float) s[f->a], b = (float) s[f->b];

  switch (f->kind)
    {
    case BL_TOY_F_SLOT:
      return a;
    case BL_TOY_F_ACT:
      if (f->act == BL_TOY_ACT_TANH)
        return tanhf (a);
      if (f->act == BL_TOY_ACT_RELU)
        return a > 0 ? a : 0.0f;
      return 1.0f / (1.0f + expf (-a));
    case BL_TOY_F_HALFSQ:
      return 0.5f * (a - b) * (a - b);
    default:
      g_return_val_if_reached (NAN);
    }
}

double
bl_toy_desc_loss_single (const BlToyDesc *d, double *s)
{
  for (guint i = 0; i < BL_TOY_N_SLOTS; i++)
    s[i] = (float) s[i];
  for (guint i = 0; i < d->n_forward; i++)
    {
      const BlToyNodeDesc *n = &d->node[d->order_slots[i]];
      float sum = 0.0f;
      for (guint t = 0; t < n->n_terms; t++)
        {
          float prod = (float) n->t[t].coef;
          for (guint j = 0; j < n->t[t].n; j++)
            prod = j == 0 && n->t[t].coef == 1.0 ? factor_single (&n->t[t].f[0], s)
                                                 : prod * factor_single (&n->t[t].f[j], s);
          sum = t == 0 ? prod : sum + prod;
        }
      s[d->order_slots[i]] = sum;
    }
  return s[C (E_TOTAL)];
}

double
bl_toy_desc_eval_known (const BlToyDesc *d, guint slot, double *s, guint8 *known,
                        const double *prev, double lr)
{
  const BlToyNodeDesc *n = &d->node[slot];

  if (known[slot])
    return s[slot];
  /* Compute what the node reads first, then the node from them. */
  if (n->kind != BL_TOY_NODE_GIVEN && n->kind != BL_TOY_NODE_PARAM)
    for (guint i = 0; i < n->n_terms; i++)
      for (guint j = 0; j < n->t[i].n; j++)
        {
          const BlToyFactor *f = &n->t[i].f[j];
          bl_toy_desc_eval_known (d, f->a, s, known, prev, lr);
          if (f->kind == BL_TOY_F_DACT || f->kind == BL_TOY_F_DLOSS ||
              f->kind == BL_TOY_F_HALFSQ || f->kind == BL_TOY_F_UPD)
            bl_toy_desc_eval_known (d, f->b, s, known, prev, lr);
        }
  s[slot] = n->kind == BL_TOY_NODE_ABSENT ? 0.0 : bl_toy_desc_eval_node (d, slot, s, prev, lr);
  known[slot] = TRUE;
  return s[slot];
}

gboolean
bl_toy_desc_uses (const BlToyDesc *d, guint slot, guint what, const guint8 *known)
{
  const BlToyNodeDesc *n = &d->node[slot];

  if (n->kind == BL_TOY_NODE_GIVEN || n->kind == BL_TOY_NODE_PARAM)
    {
      /* An update reads the row above, not this row. */
      return FALSE;
    }
  for (guint i = 0; i < n->n_terms; i++)
    for (guint j = 0; j < n->t[i].n; j++)
      {
        const BlToyFactor *f = &n->t[i].f[j];
        guint ops[2] = { f->a, f->b };
        guint n_ops = (f->kind == BL_TOY_F_SLOT || f->kind == BL_TOY_F_ACT) ? 1 : 2;
        for (guint o = 0; o < n_ops; o++)
          {
            if (ops[o] == what)
              return TRUE;
            if ((known == NULL || !known[ops[o]]) && ops[o] != slot &&
                bl_toy_desc_uses (d, ops[o], what, known))
              return TRUE;
          }
      }
  return FALSE;
}

void
bl_toy_desc_substitute (BlToyDesc *d, guint from, guint to, gboolean swap, const guint8 *known)
{
  for (guint s = 0; s < BL_TOY_N_SLOTS; s++)
    {
      BlToyNodeDesc *n = &d->node[s];
      if (known && known[s])
        continue;
      for (guint i = 0; i < n->n_terms; i++)
        for (guint j = 0; j < n->t[i].n; j++)
          {
            BlToyFactor *f = &n->t[i].f[j];
            guint8 *ops[2] = { &f->a, &f->b };
            for (guint o = 0; o < 2; o++)
              if (*ops[o] == from)
                *ops[o] = (guint8) to;
              else if (swap && *ops[o] == to)
                *ops[o] = (guint8) from;
          }
    }
  d->n_tape = 0;   /* no longer the compiled network: evaluate generically */
}

/* The tape: each computed node as one instruction of a small set, found by the node's shape,
 * so a row costs one switch per quantity. A node of any other shape (only in a mistake's
 * description) is evaluated generically. */
enum {
  OP_GENERIC,
  OP_DOT2,        /* d = a·b + c·e */
  OP_DOT2_ADD,    /* d = a·b + c·e + f */
  OP_ADD2,        /* d = a + b */
  OP_COPY,        /* d = a */
  OP_MUL,         /* d = a·b */
  OP_SIGMOID,     /* d = σ(a) */
  OP_TANH,
  OP_RELU,
  OP_HALFSQ,      /* d = ½ (a − b)² */
  OP_SUB,         /* d = a − b */
  OP_MUL_DSIG,    /* d = a · b(1 − b) */
  OP_MUL_DTANH,   /* d = a · (1 − b²) */
  OP_MUL_DRELU,   /* d = a · step(c) */
  OP_UPD,         /* d = a − η·b */
  /* Two instructions in one, where the second reads what the first wrote (compile_tape). */
  OP_DOT2_ACT,        /* d = a·b + c·e; f = act(d)          a unit's net input, then f */
  OP_DOT2_ADD_ACT,    /* d = a·b + c·e + f; e2 = act(d)     the same with its bias */
  OP_SUB_MUL_DACT,    /* d = a − b; f = d · f′(c, e)        ∂E/∂a_o, then δo */
  OP_DOT2_MUL_DACT,   /* d = a·b + c·e; f = d · f′(g, h)    ∂E/∂a_h (two paths), then δh */
  OP_MUL2,            /* d = a·b; c = a·e                    two gradients of one δ */
  OP_COPY4,           /* d…d+3 = a…a+3 */
  OP_LOSS2,           /* d = ½(a − b)²; d2 = ½(c − e)²; f = d + d2   E1, E2, E_total */
};

static gboolean
is_slot_product (const BlToyTerm *t, guint n)
{
  if (t->coef != 1.0 || t->n != n)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (t->f[i].kind != BL_TOY_F_SLOT)
      return FALSE;
  return TRUE;
}

static BlToyInstr
compile_node (const BlToyDesc *d, guint slot)
{
  const BlToyNodeDesc *n = &d->node[slot];
  const BlToyTerm *t = n->t;
  BlToyInstr in = { .op = OP_GENERIC, .d = (guint8) slot };

  if (n->n_terms >= 2 && is_slot_product (&t[0], 2) && is_slot_product (&t[1], 2))
    {
      in.a = t[0].f[0].a; in.b = t[0].f[1].a; in.c = t[1].f[0].a; in.e = t[1].f[1].a;
      if (n->n_terms == 2)
        in.op = OP_DOT2;
      else if (n->n_terms == 3 && is_slot_product (&t[2], 1))
        {
          in.op = OP_DOT2_ADD;
          in.f = t[2].f[0].a;
        }
    }
  else if (n->n_terms == 2 && is_slot_product (&t[0], 1) && is_slot_product (&t[1], 1))
    {
      in.op = OP_ADD2;
      in.a = t[0].f[0].a;
      in.b = t[1].f[0].a;
    }
  else if (n->n_terms == 1 && t->coef == 1.0)
    {
      const BlToyFactor *f = t->f;
      if (is_slot_product (t, 1))
        { in.op = OP_COPY; in.a = f->a; }
      else if (is_slot_product (t, 2))
        { in.op = OP_MUL; in.a = f[0].a; in.b = f[1].a; }
      else if (t->n == 1 && f->kind == BL_TOY_F_ACT)
        {
          in.op = f->act == BL_TOY_ACT_TANH ? OP_TANH : f->act == BL_TOY_ACT_RELU ? OP_RELU
                                                                                 : OP_SIGMOID;
          in.a = f->a;
        }
      else if (t->n == 1 && f->kind == BL_TOY_F_HALFSQ)
        { in.op = OP_HALFSQ; in.a = f->a; in.b = f->b; }
      else if (t->n == 1 && f->kind == BL_TOY_F_DLOSS)
        { in.op = OP_SUB; in.a = f->a; in.b = f->b; }
      else if (t->n == 1 && f->kind == BL_TOY_F_UPD)
        { in.op = OP_UPD; in.a = f->a; in.b = f->b; }
      else if (t->n == 2 && f[0].kind == BL_TOY_F_SLOT && f[1].kind == BL_TOY_F_DACT)
        {
          in.op = f[1].act == BL_TOY_ACT_TANH ? OP_MUL_DTANH :
                  f[1].act == BL_TOY_ACT_RELU ? OP_MUL_DRELU : OP_MUL_DSIG;
          in.a = f[0].a; in.b = f[1].a; in.c = f[1].b;
        }
    }
  in.d = (guint8) slot;
  return in;
}

static gboolean
op_act (guint op, guint *act)
{
  switch (op)
    {
    case OP_SIGMOID: case OP_MUL_DSIG: *act = BL_TOY_ACT_SIGMOID; return TRUE;
    case OP_TANH: case OP_MUL_DTANH: *act = BL_TOY_ACT_TANH; return TRUE;
    case OP_RELU: case OP_MUL_DRELU: *act = BL_TOY_ACT_RELU; return TRUE;
    default: return FALSE;
    }
}

static gboolean
is_mul_dact (guint op)
{
  return op == OP_MUL_DSIG || op == OP_MUL_DTANH || op == OP_MUL_DRELU;
}

/* One instruction per node, then neighbours fused where the second reads what the first just
 * wrote (or shares its δ): half as many dispatches per row, the same arithmetic. */
static void
compile_tape (BlToyDesc *d)
{
  BlToyInstr plain[BL_TOY_N_SLOTS];
  guint n = 0;

  for (guint i = 0; i < d->n_order; i++)
    plain[n++] = compile_node (d, d->order_slots[i]);
  d->n_tape = 0;
  for (guint i = 0; i < n; i++)
    {
      BlToyInstr x = plain[i];
      const BlToyInstr *y = i + 1 < n ? &plain[i + 1] : NULL;
      guint act = BL_TOY_ACT_SIGMOID;

      if (y && (x.op == OP_DOT2 || x.op == OP_DOT2_ADD) && !is_mul_dact (y->op) &&
          op_act (y->op, &act) && y->a == x.d)
        {
          x.op = x.op == OP_DOT2 ? OP_DOT2_ACT : OP_DOT2_ADD_ACT;
          x.act = (guint8) act;
          x.d2 = y->d;
          i++;
        }
      else if (y && x.op == OP_SUB && is_mul_dact (y->op) && y->a == x.d)
        {
          op_act (y->op, &act);
          x.op = OP_SUB_MUL_DACT;
          x.act = (guint8) act;
          x.c = y->b;
          x.e = y->c;
          x.d2 = y->d;
          i++;
        }
      else if (y && x.op == OP_DOT2 && is_mul_dact (y->op) && y->a == x.d)
        {
          op_act (y->op, &act);
          x.op = OP_DOT2_MUL_DACT;
          x.act = (guint8) act;
          x.g = y->b;
          x.h = y->c;
          x.d2 = y->d;
          i++;
        }
      else if (y && x.op == OP_MUL && y->op == OP_MUL && y->a == x.a)
        {
          x.op = OP_MUL2;
          x.c = y->b;
          x.d2 = y->d;
          i++;
        }
      else if (x.op == OP_HALFSQ && i + 2 < n && plain[i + 1].op == OP_HALFSQ &&
               plain[i + 2].op == OP_ADD2 && plain[i + 2].a == x.d &&
               plain[i + 2].b == plain[i + 1].d)
        {
          x.op = OP_LOSS2;
          x.c = plain[i + 1].a;
          x.e = plain[i + 1].b;
          x.d2 = plain[i + 1].d;
          x.f = plain[i + 2].d;
          i += 2;
        }
      else if (x.op == OP_COPY && i + 3 < n)
        {
          gboolean run = TRUE;
          for (guint k = 1; k < 4; k++)
            run &= plain[i + k].op == OP_COPY && plain[i + k].d == x.d + k &&
                   plain[i + k].a == x.a + k;
          if (run)
            {
              x.op = OP_COPY4;
              i += 3;
            }
        }
      d->tape[d->n_tape++] = x;
    }
}

void
bl_toy_desc_eval_row (const BlToyDesc *d, double *s, double lr)
{
  if (d->n_tape == 0)
    {
      for (guint i = 0; i < d->n_order; i++)
        s[d->order_slots[i]] = bl_toy_desc_eval_node (d, d->order_slots[i], s, NULL, lr);
      return;
    }
  for (const BlToyInstr *in = d->tape, *end = d->tape + d->n_tape; in < end; in++)
    switch (in->op)
      {
      case OP_DOT2:
        s[in->d] = s[in->a] * s[in->b] + s[in->c] * s[in->e];
        break;
      case OP_DOT2_ADD:
        s[in->d] = s[in->a] * s[in->b] + s[in->c] * s[in->e] + s[in->f];
        break;
      case OP_ADD2:
        s[in->d] = s[in->a] + s[in->b];
        break;
      case OP_COPY:
        s[in->d] = s[in->a];
        break;
      case OP_MUL:
        s[in->d] = s[in->a] * s[in->b];
        break;
      case OP_SIGMOID:
        s[in->d] = 1.0 / (1.0 + exp (-s[in->a]));
        break;
      case OP_TANH:
        s[in->d] = tanh (s[in->a]);
        break;
      case OP_RELU:
        s[in->d] = act_value (BL_TOY_ACT_RELU, s[in->a]);
        break;
      case OP_HALFSQ:
        s[in->d] = 0.5 * (s[in->a] - s[in->b]) * (s[in->a] - s[in->b]);
        break;
      case OP_SUB:
        s[in->d] = s[in->a] - s[in->b];
        break;
      case OP_MUL_DSIG:
        s[in->d] = s[in->a] * (s[in->b] * (1.0 - s[in->b]));
        break;
      case OP_MUL_DTANH:
        s[in->d] = s[in->a] * (1.0 - s[in->b] * s[in->b]);
        break;
      case OP_MUL_DRELU:
        s[in->d] = s[in->a] * dact_value (BL_TOY_ACT_RELU, s[in->b], s[in->c]);
        break;
      case OP_UPD:
        s[in->d] = s[in->a] - lr * s[in->b];
        break;
      case OP_DOT2_ACT:
        s[in->d] = s[in->a] * s[in->b] + s[in->c] * s[in->e];
        s[in->d2] = act_value (in->act, s[in->d]);
        break;
      case OP_DOT2_ADD_ACT:
        s[in->d] = s[in->a] * s[in->b] + s[in->c] * s[in->e] + s[in->f];
        s[in->d2] = act_value (in->act, s[in->d]);
        break;
      case OP_SUB_MUL_DACT:
        s[in->d] = s[in->a] - s[in->b];
        s[in->d2] = s[in->d] * dact_value (in->act, s[in->c], s[in->e]);
        break;
      case OP_DOT2_MUL_DACT:
        s[in->d] = s[in->a] * s[in->b] + s[in->c] * s[in->e];
        s[in->d2] = s[in->d] * dact_value (in->act, s[in->g], s[in->h]);
        break;
      case OP_MUL2:
        s[in->d] = s[in->a] * s[in->b];
        s[in->d2] = s[in->a] * s[in->c];
        break;
      case OP_COPY4:
        for (guint k = 0; k < 4; k++)
          s[in->d + k] = s[in->a + k];
        break;
      case OP_LOSS2:
        s[in->d] = 0.5 * (s[in->a] - s[in->b]) * (s[in->a] - s[in->b]);
        s[in->d2] = 0.5 * (s[in->c] - s[in->e]) * (s[in->c] - s[in->e]);
        s[in->f] = s[in->d] + s[in->d2];
        break;
      default:
        s[in->d] = bl_toy_desc_eval_node (d, in->d, s, NULL, lr);
        break;
      }
}

/* ------------------------------------------------------------------------------------------
 * One description per network variant, built once
 */

#define N_VARIANTS (2 * 2 * BL_TOY_N_ACTS * BL_TOY_N_ACTS * 2 * 3)

const BlToyDesc *
bl_toy_desc_for (const BlToyParams *p)
{
  static BlToyDesc *variants[N_VARIANTS];
  gboolean biases = p->has_biases != 0;
  gboolean train = biases && p->train_biases;
  guint ah = (guint) p->act_hidden < BL_TOY_N_ACTS ? (guint) p->act_hidden : 0;
  guint ao = (guint) p->act_output < BL_TOY_N_ACTS ? (guint) p->act_output : 0;
  guint order = p->update_order == BL_TOY_ORDER_OUTPUT_FIRST;
  guint forget = p->forget_path <= 2 ? p->forget_path : 0;
  guint i = ((((biases * 2 + train) * BL_TOY_N_ACTS + ah) * BL_TOY_N_ACTS + ao) * 2 + order) * 3
            + forget;

  if (g_once_init_enter (&variants[i]))
    {
      BlToyDesc *d = g_new0 (BlToyDesc, 1);
      d->has_biases = biases;
      d->train_biases = train;
      d->act_hidden = ah;
      d->act_output = ao;
      d->order = order;
      d->forget_path = forget;
      build (d);
      g_once_init_leave (&variants[i], d);
    }
  return variants[i];
}

BlToyDesc *
bl_toy_desc_copy (const BlToyDesc *d)
{
  return g_memdup2 (d, sizeof *d);
}

/* ------------------------------------------------------------------------------------------
 * Printing
 */

typedef struct {
  const BlToyDesc  *d;
  const BlToyPrint *pr;
  guint             whole;      /* the δ written out in full (the column's own unit's) */
  GPtrArray        *named;      /* δs named, for the "where" list (SYMBOL) */
} Printer;

static void print_terms (Printer *p, GString *out, guint slot, gboolean in_product);

static void
print_number (Printer *p, GString *out, double v)
{
  if (p->pr->style == BL_TOY_STYLE_SHEET)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (buf, sizeof buf, "%.17g", v);
      g_string_append (out, buf);
    }
  else
    g_string_append_printf (out, "%.9g", v);
}

static const char *
op_times (const Printer *p)
{
  return p->pr->style == BL_TOY_STYLE_SHEET ? "*" : " · ";
}

static const char *
op_minus (const Printer *p)
{
  return p->pr->style == BL_TOY_STYLE_SHEET ? "-" : " − ";
}

static const char *
op_plus (const Printer *p)
{
  return p->pr->style == BL_TOY_STYLE_SHEET ? "+" : " + ";
}

/* A quantity that is not a column: written out, or named (and listed for "where"). */
static gboolean
write_out (const Printer *p, guint slot)
{
  if (slot < BL_TOY_N_COLS)
    return FALSE;
  if (p->pr->style == BL_TOY_STYLE_SHEET)
    return TRUE;
  switch (slot - BL_TOY_N_COLS)
    {
    case BL_TOY_DELTA_O1: case BL_TOY_DELTA_O2: case BL_TOY_DELTA_H1: case BL_TOY_DELTA_H2:
      return slot == p->whole;
    default:
      return TRUE;
    }
}

static void
print_operand (Printer *p, GString *out, guint slot, gboolean prev, gboolean in_product)
{
  const BlToyPrint *pr = p->pr;

  if (!prev && write_out (p, slot))
    {
      print_terms (p, out, slot, in_product);
      return;
    }
  switch (pr->style)
    {
    case BL_TOY_STYLE_SYMBOL:
      g_string_append (out, bl_toy_slot_symbol (slot));
      if (prev)
        g_string_append (out, "′");
      if (slot >= BL_TOY_N_COLS && p->named && !g_ptr_array_find (p->named,
                                                                   GUINT_TO_POINTER (slot), NULL))
        g_ptr_array_add (p->named, GUINT_TO_POINTER (slot));
      break;
    case BL_TOY_STYLE_NUMBER:
      print_number (p, out, prev ? (pr->prev ? pr->prev[slot] : NAN) : pr->s[slot]);
      break;
    case BL_TOY_STYLE_SHEET:
      g_string_append (out, pr->ref (slot, prev, pr->ref_data));
      break;
    }
}

static void
print_eta (Printer *p, GString *out)
{
  if (p->pr->style == BL_TOY_STYLE_SHEET)
    g_string_append (out, p->pr->eta_ref);
  else if (p->pr->style == BL_TOY_STYLE_NUMBER)
    print_number (p, out, p->pr->lr);
  else
    g_string_append (out, "η");
}

static void
print_factor (Printer *pp, GString *out, const BlToyFactor *f, gboolean in_product)
{
  const BlToyPrint *pr = pp->pr;
  Printer p = *pp;
  gboolean sheet = pr->style == BL_TOY_STYLE_SHEET;
  gboolean sym = pr->style == BL_TOY_STYLE_SYMBOL;

  switch (f->kind)
    {
    case BL_TOY_F_SLOT:
      print_operand (&p, out, f->a, FALSE, in_product);
      break;
    case BL_TOY_F_ACT:
      if (f->act == BL_TOY_ACT_TANH)
        g_string_append (out, sheet ? "TANH(" : "tanh(");
      else if (f->act == BL_TOY_ACT_RELU)
        g_string_append (out, sheet ? "MAX(0," : "max(0, ");
      else
        g_string_append (out, sheet ? "1/(1+EXP(-" : sym ? "σ(" : "1 / (1 + e^(−");
      print_operand (&p, out, f->a, FALSE, FALSE);
      g_string_append (out, f->act == BL_TOY_ACT_SIGMOID && !sym ? "))" : ")");
      break;
    case BL_TOY_F_DACT:
      if (f->act == BL_TOY_ACT_TANH)
        {
          g_string_append (out, sheet ? "(1-" : "(1 − ");
          print_operand (&p, out, f->a, FALSE, TRUE);
          g_string_append (out, sheet ? "^2)" : "²)");
        }
      else if (f->act == BL_TOY_ACT_RELU)
        {
          g_string_append (out, sheet ? "IF(" : "step(");
          print_operand (&p, out, f->b, FALSE, FALSE);
          g_string_append (out, sheet ? ">0,1,0)" : ")");
        }
      else
        {
          print_operand (&p, out, f->a, FALSE, TRUE);
          g_string_append (out, sheet ? "*(1-" : " · (1 − ");
          print_operand (&p, out, f->a, FALSE, TRUE);
          g_string_append (out, ")");
        }
      break;
    case BL_TOY_F_DLOSS:
      if (in_product)
        g_string_append_c (out, '(');
      print_operand (&p, out, f->a, FALSE, FALSE);
      g_string_append (out, op_minus (&p));
      print_operand (&p, out, f->b, FALSE, TRUE);
      if (in_product)
        g_string_append_c (out, ')');
      break;
    case BL_TOY_F_HALFSQ:
      g_string_append (out, sheet ? "0.5*(" : "½ · (");
      print_operand (&p, out, f->a, FALSE, FALSE);
      g_string_append (out, op_minus (&p));
      print_operand (&p, out, f->b, FALSE, TRUE);
      g_string_append (out, sheet ? ")^2" : ")²");
      break;
    case BL_TOY_F_UPD:
    case BL_TOY_F_PREV_UPD:
      {
        gboolean prev = f->kind == BL_TOY_F_PREV_UPD;
        if (in_product)
          g_string_append_c (out, '(');
        print_operand (&p, out, f->a, prev, FALSE);
        g_string_append (out, op_minus (&p));
        /* In the workbook a bias's update is multiplied by the "train biases" cell (1 or 0). */
        if (sheet && prev && pr->train_ref && (f->a == C (B1) || f->a == C (B2)))
          g_string_append_printf (out, "%s*", pr->train_ref);
        print_eta (&p, out);
        g_string_append (out, op_times (&p));
        print_operand (&p, out, f->b, prev, TRUE);
        if (in_product)
          g_string_append_c (out, ')');
      }
      break;
    case BL_TOY_F_PREV:
      print_operand (&p, out, f->a, TRUE, in_product);
      break;
    default:
      g_return_if_reached ();
    }
}

void
bl_toy_desc_print_factor (const BlToyDesc *d, GString *out, const BlToyFactor *f,
                          const BlToyPrint *pr, gboolean in_product)
{
  Printer p = { d, pr, BL_TOY_NO_SLOT, NULL };
  print_factor (&p, out, f, in_product);
}

static void
print_term (Printer *p, GString *out, const BlToyTerm *t, gboolean in_product)
{
  gboolean product = t->n > 1 || t->coef != 1.0 || in_product;

  if (t->coef != 1.0 || t->n == 0)
    {
      if (t->coef < 0 && p->pr->style != BL_TOY_STYLE_SHEET)
        g_string_append (out, "−");
      else if (t->coef < 0)
        g_string_append_c (out, '-');
      print_number (p, out, fabs (t->coef));
      if (t->n > 0)
        g_string_append (out, op_times (p));
    }
  for (guint i = 0; i < t->n; i++)
    {
      if (i > 0)
        g_string_append (out, op_times (p));
      print_factor (p, out, &t->f[i], product);
    }
}

static void
print_terms (Printer *p, GString *out, guint slot, gboolean in_product)
{
  const BlToyNodeDesc *n = &p->d->node[slot];
  /* A lone difference puts its own parentheses (print_factor). */
  gboolean parens = in_product && (n->n_terms > 1 || (n->n_terms == 1 && n->t[0].coef < 0));

  if (n->n_terms == 0)
    {
      g_string_append_c (out, '0');
      return;
    }
  if (parens)
    g_string_append_c (out, '(');
  for (guint i = 0; i < n->n_terms; i++)
    {
      if (i > 0)
        g_string_append (out, op_plus (p));
      print_term (p, out, &n->t[i], in_product && n->n_terms == 1);
    }
  if (parens)
    g_string_append_c (out, ')');
}

char *
bl_toy_desc_print_node (const BlToyDesc *d, guint slot, const BlToyPrint *pr, GString *where)
{
  GString *out = g_string_new (NULL);
  const BlToyNodeDesc *n = &d->node[slot];
  Printer p = { d, pr, BL_TOY_NO_SLOT, NULL };

  /* A parameter's gradient δ · x writes its own unit's δ out in full. */
  if (n->n_terms == 1 && n->t[0].n >= 1 && n->t[0].f[0].kind == BL_TOY_F_SLOT &&
      n->t[0].f[0].a >= BL_TOY_N_COLS)
    p.whole = n->t[0].f[0].a;
  if (pr->style == BL_TOY_STYLE_SYMBOL && where)
    p.named = g_ptr_array_new ();
  print_terms (&p, out, slot, FALSE);
  if (p.named)
    {
      /* The named δs, each defined once, in the order they first appear. */
      for (guint i = 0; i < p.named->len; i++)
        {
          guint s = GPOINTER_TO_UINT (g_ptr_array_index (p.named, i));
          Printer q = { d, pr, BL_TOY_NO_SLOT, p.named };
          g_string_append_printf (where, ",   %s = ", bl_toy_slot_symbol (s));
          print_terms (&q, where, s, FALSE);
        }
      g_ptr_array_free (p.named, TRUE);
    }
  return g_string_free (out, FALSE);
}

/* printf writes negative numbers as "-0.02"; in a formula they read "(−0.02)", and after "="
 * plainly "−0.02". The operators in our templates are U+2212, so every ASCII '-' left is a
 * number's sign or an exponent's. */
char *
bl_toy_pretty_minus (char *text)
{
  g_autoptr(GRegex) after_eq = g_regex_new ("= -", 0, 0, NULL);
  g_autoptr(GRegex) operand = g_regex_new ("(^|[^0-9eE.,])-([0-9]+(?:[.,][0-9]+)?"
                                           "(?:e[-+][0-9]+)?)", 0, 0, NULL);
  char *a = g_regex_replace_literal (after_eq, text, -1, 0, "= −", 0, NULL);
  char *b = g_regex_replace (operand, a, -1, 0, "\\1(−\\2)", 0, NULL);

  g_free (text);
  g_free (a);
  return b;
}
