/* bl-toy-desc.h (private to the core): the one description of the 2-2-2 network's ledger.
 *
 * Every quantity of a row is a slot: the ledger's columns (BlToyColumn) then the row's δs
 * (BL_TOY_N_COLS + BlToyDelta). Each slot is described once, as a node: a sum of terms, each
 * a coefficient times a product of factors (a slot, an activation of a slot, a derivative,
 * the loss …). Only the forward nodes are written by hand (bl_toy_desc_build); the backward
 * nodes are derived from them by reverse-mode differentiation (each slot's ∂E_total/∂slot is
 * the sum, over the nodes that use it, of their ∂E_total/∂node times the local derivative).
 *
 * From the nodes, and only from them, come: the fast evaluation of a row (a tape compiled
 * once per network variant), the generic evaluation used by the mistakes and the sheet check
 * (any slot, from any set of known slots), the formula, the numbers substituted, the chain
 * rule, the spreadsheet formula and the order of the steps of an iteration.
 */
#pragma once

#include "core/bl-toy.h"

G_BEGIN_DECLS

#define BL_TOY_N_SLOTS (BL_TOY_N_COLS + BL_TOY_N_DELTAS)
#define BL_TOY_SLOT_DELTA(d) ((guint) BL_TOY_N_COLS + (guint) (d))
#define BL_TOY_NO_SLOT 0xff

typedef enum {
  BL_TOY_F_SLOT,      /* s[a] */
  BL_TOY_F_ACT,       /* f_act(s[a]) */
  BL_TOY_F_DACT,      /* f_act′ through the unit's activation s[a] and net input s[b] */
  BL_TOY_F_DLOSS,     /* s[a] − s[b]: output minus target (∂E_k/∂a_ok) */
  BL_TOY_F_HALFSQ,    /* ½ · (s[a] − s[b])²: target minus output */
  BL_TOY_F_UPD,       /* s[a] − η · s[b]: a weight after this row's update */
  BL_TOY_F_PREV,      /* the row above's s[a]: given values and frozen biases carry down */
  BL_TOY_F_PREV_UPD,  /* the row above's s[a] − η · s[b]: the update that made this row's */
} BlToyFactorKind;

typedef struct {
  guint8 kind;        /* BlToyFactorKind */
  guint8 act;         /* BlToyActivation, for F_ACT and F_DACT */
  guint8 a, b;        /* slots */
} BlToyFactor;

#define BL_TOY_MAX_FACTORS 3
#define BL_TOY_MAX_TERMS 3

typedef struct {
  double      coef;   /* 1, except in a mistake */
  guint8      n;      /* factors in the product, 0 (the constant coef) to BL_TOY_MAX_FACTORS */
  guint8      via;    /* in ∂E_total/∂a_h: the output (1, 2) whose path this term is; else 0 */
  BlToyFactor f[BL_TOY_MAX_FACTORS];
} BlToyTerm;

typedef enum {
  BL_TOY_NODE_ABSENT,     /* not in this network (the biases without biases) */
  BL_TOY_NODE_GIVEN,      /* i1, i2, t1, t2: the parameters' values, carried down */
  BL_TOY_NODE_PARAM,      /* w1…w8, b1, b2: initial value, then the update from the row above */
  BL_TOY_NODE_FORWARD,
  BL_TOY_NODE_BACKWARD,
} BlToyNodeKind;

typedef struct {
  guint8    kind;         /* BlToyNodeKind */
  guint8    layer;        /* 1 hidden, 2 output, 3 the loss; for parameters, their layer */
  guint8    unit;         /* the unit (BlToyUnit) the node belongs to; a weight: the unit it feeds */
  guint8    from_unit;    /* a weight: the unit it reads (its edge runs from_unit → unit) */
  guint8    wrt;          /* a backward node: the slot it is ∂E_total/∂ of */
  guint8    n_terms;
  BlToyTerm t[BL_TOY_MAX_TERMS];
  guint8    from[BL_TOY_MAX_TERMS];   /* a backward node: the node each term's path comes from */
} BlToyNodeDesc;

typedef struct {
  guint8 op, act, d, a, b, c, e, f, g, h, d2;
} BlToyInstr;

typedef struct {
  /* What the network is: the parameters' switches (the values themselves play no part). */
  gboolean          has_biases, train_biases;
  BlToyActivation   act_hidden, act_output;
  BlToyUpdateOrder  order;
  guint             forget_path;

  BlToyNodeDesc     node[BL_TOY_N_SLOTS];
  /* The computed slots in evaluation order: the forward sweep node by node, then the
   * backward sweep layer by layer (the steps of an iteration). */
  guint8            order_slots[BL_TOY_N_SLOTS];
  guint             n_order;
  guint             n_forward;          /* the first n_forward of order_slots */
  BlToyInstr        tape[BL_TOY_N_SLOTS];
  guint             n_tape;
} BlToyDesc;

/* The description of @p's network (its switches), built once and shared: never free it. */
const BlToyDesc *bl_toy_desc_for      (const BlToyParams *p);
/* A private copy to alter (a mistake): free with g_free. */
BlToyDesc       *bl_toy_desc_copy     (const BlToyDesc *d);

/* Rows and parameters as slots (bl-toy.c). */
void     bl_toy_row_to_slots          (const BlToyRow *row, double *s);
void     bl_toy_slots_to_row          (const double *s, BlToyRow *row);
/* The given and parameter slots of @p (and 0 for the bias gradients). */
void     bl_toy_params_to_slots       (const BlToyParams *p, double *s);

/* Every computed slot of a row, from its given and parameter slots (already in @s). */
void     bl_toy_desc_eval_row         (const BlToyDesc *d, double *s, double lr);
/* One node or factor from the values in @s (@prev: the row above, for parameter updates). */
double   bl_toy_desc_eval_node        (const BlToyDesc *d, guint slot, const double *s,
                                       const double *prev, double lr);
double   bl_toy_desc_eval_factor      (const BlToyFactor *f, const double *s, const double *prev,
                                       double lr);

/* E_total of the row whose given and parameter slots are in @s, in single precision: every
 * forward operation in float arithmetic (the forward nodes' slots of @s are overwritten). */
double   bl_toy_desc_loss_single      (const BlToyDesc *d, double *s);

/* Evaluation from what is known: slots with @known[slot] set are taken from @s as they are,
 * the others are computed from their nodes (recursively, and stored in @s with @known set).
 * The sheet check and the mistakes use it to recompute one cell from a row's other cells. */
double   bl_toy_desc_eval_known       (const BlToyDesc *d, guint slot, double *s, guint8 *known,
                                       const double *prev, double lr);

/* Does @slot's node use slot @what (directly, or through slots that are not @known)? */
gboolean bl_toy_desc_uses             (const BlToyDesc *d, guint slot, guint what,
                                       const guint8 *known);

/* Replace slot @from by @to in every factor of the nodes not @known (NULL: all nodes); with
 * @swap, @to by @from as well, at once. */
void     bl_toy_desc_substitute       (BlToyDesc *d, guint from, guint to, gboolean swap,
                                       const guint8 *known);

/* Printing -------------------------------------------------------------------------------- */

typedef enum {
  BL_TOY_STYLE_SYMBOL,   /* "(a_o1 − t1) · a_o1 · (1 − a_o1) · a_h1" */
  BL_TOY_STYLE_NUMBER,   /* the same with the row's numbers */
  BL_TOY_STYLE_SHEET,    /* a spreadsheet formula, without the leading "=" */
} BlToyStyle;

/* SHEET style: the cell reference of column @col in this row or the row above. */
typedef const char *(*BlToyRefFunc) (BlToyColumn col, gboolean prev, gpointer data);

typedef struct {
  BlToyStyle    style;
  const double *s;          /* NUMBER: the row's slots */
  const double *prev;       /* NUMBER: the row above's slots (parameter updates) */
  double        lr;         /* NUMBER: η */
  BlToyRefFunc  ref;        /* SHEET */
  gpointer      ref_data;
  const char   *eta_ref;    /* SHEET: η's cell */
  const char   *train_ref;  /* SHEET: the "train biases" cell (1 or 0), or NULL */
} BlToyPrint;

/* The right-hand side of @slot's node, without "name =": δs of other units are named (their
 * definitions appended to @where if not NULL, for SYMBOL), except in SHEET style where every
 * quantity that is not a column is written out. */
char    *bl_toy_desc_print_node       (const BlToyDesc *d, guint slot, const BlToyPrint *pr,
                                       GString *where);
/* One factor, e.g. a local derivative of the chain rule ("a_o1 · (1 − a_o1)"). */
void     bl_toy_desc_print_factor     (const BlToyDesc *d, GString *out, const BlToyFactor *f,
                                       const BlToyPrint *pr, gboolean in_product);
/* The name of a slot in formulas: "a_h1", "∂E_total/∂w5", "δo1", "∂E_total/∂a_h1". */
const char *bl_toy_slot_symbol        (guint slot);
/* printf's "-0.02" as "(−0.02)" inside a formula and "−0.02" after "=" (takes @text). */
char    *bl_toy_pretty_minus          (char *text);

G_END_DECLS
