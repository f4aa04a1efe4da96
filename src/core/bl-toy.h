/* bl-toy.h: the 2-2-2 teaching network, computed exactly as the classroom spreadsheet does.
 *
 * Two inputs, two hidden units, two outputs, L2 loss, one training sample, plain gradient
 * descent with all weights updated at once from one iteration's gradients. Double precision
 * everywhere. Optional biases b1 (hidden) and b2 (output), each shared by its layer as in the
 * well-known worked example. The units are sigmoid by default, or tanh or ReLU per layer.
 *
 * One source of truth: each ledger column is described once (bl-toy-desc.c: its operation and
 * its inputs, forward; the backward columns are derived from the forward ones by the chain
 * rule). Its value, formula, substituted numbers, chain rule and spreadsheet formula are all
 * derived from that description, and so are the mistakes bl-toy-mistakes.h recognises.
 *
 * A run is one learning rate from the initial parameters. Row k of its ledger holds every
 * quantity computed with the parameters after k updates; row 0 uses the initial ones.
 * Rows are not stored: a run keeps a parameter snapshot every BL_TOY_CHECKPOINT_EVERY rows
 * and the loss of every row, and recomputes any row bit-identically on demand.
 *
 * Non-goals: other architectures, mini-batches, momentum. This is the lesson, nothing more.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BL_TOY_ERROR (bl_toy_error_quark ())
GQuark bl_toy_error_quark (void);

typedef enum {
  BL_TOY_ERROR_INVALID,    /* a value is not a finite number or out of its range */
  BL_TOY_ERROR_OVERFLOW,   /* values so large that σ saturates or a product overflows */
  BL_TOY_ERROR_PARSE,      /* text that is not a number, an unknown name */
} BlToyError;

typedef enum {
  BL_TOY_PRESET_CLASSROOM,
  BL_TOY_PRESET_WITH_BIASES,
} BlToyPreset;

/* A layer's activation f and its derivative f′, written through the unit's own values:
 * sigmoid a = 1/(1 + e^(−net)), f′ = a·(1 − a); tanh a = tanh(net), f′ = 1 − a²;
 * ReLU a = max(0, net), f′ = step(net) (1 if net > 0, else 0). */
typedef enum {
  BL_TOY_ACT_SIGMOID,
  BL_TOY_ACT_TANH,
  BL_TOY_ACT_RELU,
  BL_TOY_N_ACTS
} BlToyActivation;

/* When the hidden gradients are computed. SIMULTANEOUS is backpropagation: every gradient from
 * the row's weights, then all weights move at once. OUTPUT_FIRST is the common bug (and the
 * first version of the worked example's code): w5…w8 are updated first and the hidden
 * gradients use the updated ones, w ← w − η·∂E/∂w, so the row's ∂E/∂w1…∂E/∂w4 (and ∂E/∂b1)
 * depend on η. */
typedef enum {
  BL_TOY_ORDER_SIMULTANEOUS,
  BL_TOY_ORDER_OUTPUT_FIRST,
} BlToyUpdateOrder;

/* What the teacher sets: the sample, the initial parameters, the switches. */
typedef struct {
  double i1, i2;           /* inputs */
  double t1, t2;           /* targets */
  double w[8];             /* w1..w8: w1..w4 input→hidden, w5..w8 hidden→output */
  double b1, b2;           /* hidden and output bias, shared per layer */
  gboolean has_biases;     /* FALSE: b1, b2 are absent (and must be 0) */
  gboolean train_biases;   /* with biases: also update b1, b2 (frozen by default) */
  /* Zero (what bl_toy_params_init_preset and a memset give) is the classic network. */
  BlToyActivation act_hidden, act_output;   /* sigmoid by default */
  BlToyUpdateOrder update_order;            /* simultaneous by default */
  guint forget_path;       /* 0; 1 or 2: the hidden gradients leave out the path through o1
                            * or o2 (a common mistake, run to show where it leads) */
} BlToyParams;

/* The ledger's columns in display order. The bias columns exist only in runs with biases;
 * use bl_toy_column_visible(). */
typedef enum {
  BL_TOY_COL_T1, BL_TOY_COL_T2, BL_TOY_COL_I1, BL_TOY_COL_I2,
  BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3, BL_TOY_COL_W4,
  BL_TOY_COL_B1,
  BL_TOY_COL_H1, BL_TOY_COL_A_H1, BL_TOY_COL_H2, BL_TOY_COL_A_H2,
  BL_TOY_COL_W5, BL_TOY_COL_W6, BL_TOY_COL_W7, BL_TOY_COL_W8,
  BL_TOY_COL_B2,
  BL_TOY_COL_O1, BL_TOY_COL_A_O1, BL_TOY_COL_O2, BL_TOY_COL_A_O2,
  BL_TOY_COL_E1, BL_TOY_COL_E2, BL_TOY_COL_E_TOTAL,
  BL_TOY_COL_DW1, BL_TOY_COL_DW2, BL_TOY_COL_DW3, BL_TOY_COL_DW4,
  BL_TOY_COL_DW5, BL_TOY_COL_DW6, BL_TOY_COL_DW7, BL_TOY_COL_DW8,
  BL_TOY_COL_DB1, BL_TOY_COL_DB2,
  BL_TOY_N_COLS
} BlToyColumn;

/* The network's units, as the diagram draws them (a weight is the edge between two). */
typedef enum {
  BL_TOY_UNIT_I1, BL_TOY_UNIT_I2,
  BL_TOY_UNIT_H1, BL_TOY_UNIT_H2,
  BL_TOY_UNIT_O1, BL_TOY_UNIT_O2,
  BL_TOY_UNIT_B1, BL_TOY_UNIT_B2,        /* the biases, drawn as units feeding their layer */
  BL_TOY_UNIT_LOSS,                      /* E1, E2, E_total at the outputs */
  BL_TOY_UNIT_NONE
} BlToyUnit;

/* The backward pass's intermediate values, which are not ledger columns: the row keeps them
 * so that formulas, chain rules and the diagram never derive them again. */
typedef enum {
  BL_TOY_DELTA_DA_O1,      /* ∂E_total/∂a_o1 = a_o1 − t1 */
  BL_TOY_DELTA_DA_O2,
  BL_TOY_DELTA_O1,         /* δo1 = ∂E_total/∂o1 = ∂E_total/∂a_o1 · f′ */
  BL_TOY_DELTA_O2,
  BL_TOY_DELTA_DA_H1,      /* ∂E_total/∂a_h1 = δo1 · w5 + δo2 · w7: the sum of its two paths */
  BL_TOY_DELTA_DA_H2,      /* ∂E_total/∂a_h2 = δo1 · w6 + δo2 · w8 */
  BL_TOY_DELTA_H1,         /* δh1 = ∂E_total/∂h1 = ∂E_total/∂a_h1 · f′ */
  BL_TOY_DELTA_H2,
  /* The w5…w8 the hidden gradients used: the row's own in the SIMULTANEOUS order,
   * w − η·∂E/∂w in the OUTPUT_FIRST order. */
  BL_TOY_DELTA_W5_USED, BL_TOY_DELTA_W6_USED, BL_TOY_DELTA_W7_USED, BL_TOY_DELTA_W8_USED,
  BL_TOY_N_DELTAS
} BlToyDelta;

/* One ledger row: every quantity of one iteration, indexed by BlToyColumn, and its δs. */
typedef struct {
  double v[BL_TOY_N_COLS];
  double d[BL_TOY_N_DELTAS];
} BlToyRow;

typedef enum {
  BL_TOY_STOP_NONE,        /* ran all requested iterations */
  BL_TOY_STOP_NONFINITE,   /* a value became NaN or infinite at row stop_row */
} BlToyStop;

#define BL_TOY_CHECKPOINT_EVERY 256
/* The most updates a run is computed for (the CLI's --iterations; the window's too). A run
 * keeps every row's loss (8 bytes) and its ledger is ~650 bytes of CSV a row, so the bound is
 * 0.8 MB of memory and ~66 MB of CSV per rate; the lesson's rates settle within a few
 * thousand. */
#define BL_TOY_MAX_ITERATIONS 100000

/* One learning rate's run. Fields are read-only outside bl-toy.c. */
typedef struct {
  BlToyParams init;        /* the parameters of row 0 */
  double      lr;          /* learning rate η > 0 */
  guint       n_rows;      /* rows computed: iterations + 1, or fewer if stopped */
  BlToyStop   stop;        /* why the run ended early, if it did */
  guint       stop_row;    /* with BL_TOY_STOP_NONFINITE: the first row holding a non-finite value */
  double     *loss;        /* (n_rows) E_total of every row, for the chart */
  BlToyParams *snapshots;  /* parameters of rows 0, K, 2K, … (K = BL_TOY_CHECKPOINT_EVERY) */
  guint       n_rows_alloc;
  BlToyParams last_params; /* the parameters of row n_rows − 1 and that row: where to go on */
  BlToyRow    last_row;
} BlToyRun;

/* Presets and parameters */
void         bl_toy_params_init_preset (BlToyParams *p, BlToyPreset preset);
gboolean     bl_toy_params_validate    (const BlToyParams *p, GError **error);
gboolean     bl_toy_params_set         (BlToyParams *p, const char *name, double value, GError **error);
gboolean     bl_toy_params_set_from_string (BlToyParams *p, const char *assignments, GError **error);
gboolean     bl_toy_lr_validate        (double lr, GError **error);
/* What sets @p's network apart from the classic one, in a phrase for titles and captions
 * ("hidden units tanh, outputs sigmoid; hidden gradients from the updated w5…w8"), or NULL
 * for the classic network (sigmoid units, simultaneous update, every path). */
char        *bl_toy_params_describe    (const BlToyParams *p);
/* A list of learning rates as a person types it: numbers separated by commas, semicolons or
 * spaces, each valid for bl_toy_lr_validate, between 1 and @max_count of them. Returns a
 * GArray of double, or NULL and an error naming the first bad entry. */
GArray      *bl_toy_parse_learning_rates (const char *text, guint max_count, GError **error);
gboolean     bl_toy_parse_double       (const char *text, double *out, GError **error);
/* A number of iterations as typed: a whole number from 0 to BL_TOY_MAX_ITERATIONS. */
gboolean     bl_toy_parse_iterations   (const char *text, guint *out, GError **error);
const double *bl_toy_default_learning_rates (guint *n_out);

/* One iteration: fill every column and δ of @row from @p (forward and backward). Returns FALSE
 * if a value is not finite; the row is filled all the same. @lr matters only to the
 * OUTPUT_FIRST order (the hidden gradients use w5…w8 − η·∂E/∂w5…8); bl_toy_compute_row is
 * bl_toy_compute_row_lr at η = 0, where both orders agree: for a run's row use
 * bl_toy_run_get_row. */
gboolean     bl_toy_compute_row        (const BlToyParams *p, BlToyRow *row);
gboolean     bl_toy_compute_row_lr     (const BlToyParams *p, double lr, BlToyRow *row);
/* The gradient step, w ← w − η·∂E/∂w, from a computed row. */
void         bl_toy_apply_update       (BlToyParams *p, const BlToyRow *row, double lr);
double       bl_toy_loss               (const BlToyParams *p);
/* Central difference of E_total with respect to parameter @col (W1..W8, B1, B2). */
double       bl_toy_numeric_gradient   (const BlToyParams *p, BlToyColumn col, double h);

/* Runs */
BlToyRun    *bl_toy_run_new            (const BlToyParams *init, double lr);
void         bl_toy_run_free           (BlToyRun *run);
/* Extend the run to @iterations updates (n_rows = iterations + 1), or shrink it. */
void         bl_toy_run_compute        (BlToyRun *run, guint iterations);
/* Parameters used by row @k (k < n_rows), and that row in full. */
void         bl_toy_run_get_params     (const BlToyRun *run, guint k, BlToyParams *out);
void         bl_toy_run_get_row        (const BlToyRun *run, guint k, BlToyRow *out);
/* First row whose E_total < eps, or -1 if none. */
gint64       bl_toy_run_rows_to_reach  (const BlToyRun *run, double eps);

/* Columns: names and formulas, for the ledger header, CSV and the formula panel. */
gboolean     bl_toy_column_visible     (BlToyColumn col, gboolean has_biases);
const char  *bl_toy_column_name        (BlToyColumn col);   /* "E_total", "dE/dw1", "a_h1" */
const char  *bl_toy_column_label       (BlToyColumn col);   /* pretty: "∂E/∂w1", "a_h1" */
const char  *bl_toy_delta_name         (BlToyDelta d);      /* "δo1", "∂E_total/∂a_h1" */
gboolean     bl_toy_column_from_name   (const char *name, BlToyColumn *out);
gboolean     bl_toy_column_is_gradient (BlToyColumn col);
gboolean     bl_toy_column_is_param    (BlToyColumn col);   /* W1..W8, B1, B2 */
BlToyColumn  bl_toy_param_gradient     (BlToyColumn param); /* W3 → DW3 */
/* Activations by name: "sigmoid", "tanh", "relu" (and back; FALSE for an unknown name). */
const char  *bl_toy_activation_name    (BlToyActivation act);
gboolean     bl_toy_activation_from_name (const char *name, BlToyActivation *out);
/* "tanh" (both layers), "tanh,sigmoid" (hidden, output) or "hidden=tanh,output=relu" into
 * @p's act_hidden and act_output; an error naming what is accepted otherwise. */
gboolean     bl_toy_parse_activations  (const char *text, BlToyParams *p, GError **error);
/* "simultaneous" or "output-first". */
gboolean     bl_toy_parse_update_order (const char *text, BlToyUpdateOrder *out, GError **error);
const char  *bl_toy_update_order_name  (BlToyUpdateOrder order);
/* "a_h1 = σ(h1) = 1 / (1 + e^(−h1))" for the classic network; bl_toy_formula_for follows @p's
 * activations, update order and forgotten path. */
char        *bl_toy_formula            (BlToyColumn col, gboolean has_biases);
char        *bl_toy_formula_for        (BlToyColumn col, const BlToyParams *p);
/* The same with the numbers of @row substituted, ending in "= value". @p holds the row's
 * parameters and switches; for a parameter column of a row k > 0, @prev is row k − 1 and @lr the
 * run's rate (the update that produced it); @prev NULL means row 0 (the initial value). */
char        *bl_toy_formula_substituted (BlToyColumn col, const BlToyParams *p, const BlToyRow *row,
                                         const BlToyRow *prev, double lr);
/* For a gradient column: the chain-rule path from E_total down to the parameter, one factor
 * per line with its value; NULL for other columns. */
char        *bl_toy_chain_rule         (BlToyColumn col, const BlToyParams *p, const BlToyRow *row);

G_END_DECLS
