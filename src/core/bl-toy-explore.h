/* bl-toy-explore.h: what the Backprop page shows around the ledger, computed from the same
 * description as the ledger (bl-toy-desc.h), GLib only:
 *
 *  - the steps of one iteration, in order, for the diagram (bl_toy_steps);
 *  - the two update orders side by side (bl_toy_order_compare);
 *  - a hidden unit's gradient as the sum of its two paths (bl_toy_path_split);
 *  - the worked example's published figures beside ours (bl_toy_published_figures);
 *  - where a diverging run went wrong (bl_toy_run_divergence);
 *  - the numerical check's error against ε, in double and single precision
 *    (bl_toy_epsilon_sweep);
 *  - E_total on a grid of two weights, and the runs' paths over it (bl_toy_landscape_new).
 */
#pragma once

#include "core/bl-toy.h"

G_BEGIN_DECLS

/* ------------------------------------------------------------------------------------------
 * 1. The steps of one iteration: the forward sweep node by node, then the backward sweep
 * layer by layer, then the updates. A widget highlights a step's units, edges and ledger
 * column and steps through them with the arrow keys.
 */
typedef enum {
  BL_TOY_PHASE_FORWARD,
  BL_TOY_PHASE_BACKWARD,
  BL_TOY_PHASE_UPDATE,
} BlToyPhase;

typedef struct {
  BlToyPhase  phase;
  guint       layer;          /* 1 hidden, 2 output, 3 the loss */
  BlToyUnit   unit;           /* the unit computed (a weight's gradient: the unit it feeds) */
  BlToyColumn column;         /* the ledger column computed, or BL_TOY_N_COLS for a δ */
  BlToyColumn ledger_column;  /* the ledger cell the step marks: its column, or for a δ (no
                               * column of its own) the first column whose formula uses it */
  int         delta;          /* the BlToyDelta computed, or -1 */
  BlToyColumn edges[2];       /* the weights (diagram edges) the step reads or computes;
                               * BL_TOY_N_COLS where there is none */
  char       *name;           /* "h1", "δo1", "∂E_total/∂a_h1", "∂E_total/∂w5", "w5" */
  char       *formula;        /* "δo1 = (a_o1 − t1) · a_o1 · (1 − a_o1)" */
  char       *substituted;    /* the same with @row's numbers and its value; NULL without row */
} BlToyStep;

/* The steps of the iteration of @p (its switches decide the order and the formulas). With
 * @row (the row computed from @p, e.g. bl_toy_run_get_row), each step has its numbers; the
 * updates give the next row's parameters from @row and @lr. A GPtrArray of BlToyStep, which
 * frees them. */
GPtrArray   *bl_toy_steps             (const BlToyParams *p, const BlToyRow *row, double lr);
void         bl_toy_step_free         (BlToyStep *step);
/* The formula and the substituted numbers of a δ (not a ledger column). */
char        *bl_toy_delta_formula     (BlToyDelta d, const BlToyParams *p);
char        *bl_toy_delta_substituted (BlToyDelta d, const BlToyParams *p, const BlToyRow *row,
                                       double lr);

/* ------------------------------------------------------------------------------------------
 * 4. Two update orders: all gradients from the row's weights (SIMULTANEOUS, correct) against
 * hidden gradients from w5…w8 already updated (OUTPUT_FIRST, the common bug), from the same
 * start at the same rate.
 */
typedef struct {
  BlToyRun *simultaneous;
  BlToyRun *output_first;
  guint     n_rows;                     /* rows both runs have */
  guint     first_row[BL_TOY_N_COLS];   /* the first row where the column differs, G_MAXUINT if
                                         * it never does */
  guint64   n_cells_differ;             /* visible cells that differ, over the n_rows rows */
} BlToyOrderComparison;

BlToyOrderComparison *bl_toy_order_compare     (const BlToyParams *init, double lr,
                                                guint iterations);
void                  bl_toy_order_comparison_free (BlToyOrderComparison *cmp);
/* The columns of row @k that differ between the two orders (@out indexed by BlToyColumn);
 * returns how many. */
guint                 bl_toy_order_row_differs (const BlToyOrderComparison *cmp, guint k,
                                                gboolean out[BL_TOY_N_COLS]);

/* ------------------------------------------------------------------------------------------
 * 5. The sum over paths: ∂E_total/∂a_h (h = 0 for a_h1, 1 for a_h2) is the path through o1
 * plus the path through o2, each δo_k · w (w the weight from h to o_k: w5 and w7 for h1, w6
 * and w8 for h2; in the output-first order, that weight already updated).
 */
typedef struct {
  BlToyUnit   hidden;          /* BL_TOY_UNIT_H1 or _H2 */
  BlToyColumn weight[2];       /* the weight on the path through o1, through o2 */
  double      delta_out[2];    /* δo1, δo2 */
  double      weight_used[2];  /* the weights' values the paths used */
  double      through[2];      /* δo_k · w: each path's number */
  double      total;           /* their sum, ∂E_total/∂a_h (the row's value) */
} BlToyPathSplit;

void         bl_toy_path_split        (const BlToyParams *p, const BlToyRow *row, guint hidden,
                                       BlToyPathSplit *out);
/* The run that forgets one path (@path 1 or 2: the one through o1 or o2) in every hidden
 * gradient: its rows hold the wrong values and its loss curve where they lead. */
BlToyRun    *bl_toy_run_forgetting_path (const BlToyParams *init, double lr, guint path,
                                         guint iterations);

/* ------------------------------------------------------------------------------------------
 * 6. Matt Mazur's "A Step by Step Backpropagation Example" (the With-biases preset, η = 0.5,
 * biases frozen as in the post and its code), its figures beside ours.
 */
typedef struct {
  const char *quantity;        /* translated: "E_total before any update" */
  guint       row;             /* the ledger row of ours it is compared with */
  BlToyColumn column;
  double      published;       /* as the post prints it */
  guint       digits;          /* the digits after the point it prints */
  double      ours;            /* exact: all weights updated at once from the same row */
  double      output_first;    /* the same quantity with w5…w8 updated first */
  gboolean    agrees;          /* ours rounds to the published figure */
  const char *note;            /* translated: why it differs, when it does; else NULL */
} BlToyPublishedFigure;

/* The figures (an array of @n_out), and a paragraph explaining the one that differs. */
const BlToyPublishedFigure *bl_toy_published_figures (guint *n_out, const char **explanation);
const char  *bl_toy_published_source  (void);   /* the post's title and address */

/* ------------------------------------------------------------------------------------------
 * 7. When a rate blows up. A run diverges when its values stop being finite (the run stops
 * there) or when its loss ends above where it started. The weight that blew up is, for a
 * non-finite run, the first parameter (w1…w8, b1, b2) that is not finite in the first
 * non-finite row (or, if all are, the largest in magnitude: its products overflowed); for a
 * growing loss, the parameter that moved most in the first update that made the loss grow.
 */
typedef enum {
  BL_TOY_DIVERGE_NONE,
  BL_TOY_DIVERGE_GROWING,      /* the loss ended above row 0's */
  BL_TOY_DIVERGE_NONFINITE,    /* a value became NaN or infinite: the run stopped */
} BlToyDivergeKind;

typedef struct {
  BlToyDivergeKind kind;
  guint       last_finite_row;   /* the last row whose values are all finite */
  guint       first_growth_row;  /* the first row k with E(k + 1) > E(k); G_MAXUINT if none */
  BlToyColumn param;             /* the weight that blew up (BL_TOY_N_COLS with NONE) */
  guint       update_row;        /* the row whose update moved it: param(k + 1) = … */
  double      value, gradient, lr, result;   /* w, ∂E/∂w of update_row, η, w − η·∂E/∂w */
  char       *update;            /* "w5 ← w5 − η · ∂E_total/∂w5 = 0.4 − 50 · 0.08 = −3.6" */
} BlToyDivergence;

/* Fills @out (free with bl_toy_divergence_clear); returns TRUE when the run diverged. */
gboolean     bl_toy_run_divergence    (const BlToyRun *run, BlToyDivergence *out);
void         bl_toy_divergence_clear  (BlToyDivergence *d);

/* ------------------------------------------------------------------------------------------
 * 8. How small is ε? The relative error |numeric − analytic| / max(|numeric|, |analytic|)
 * of the central difference (E(w + ε) − E(w − ε)) / 2ε against the exact gradient, for ε from
 * 1e-1 down to 1e-12, with E computed in double and in single precision (every operation
 * rounded to float): truncation error falls as ε², rounding error grows as 1/ε.
 */
typedef struct {
  double eps;
  double rel_double;           /* 0 is possible (exact): plot as the smallest positive */
  double rel_single;           /* 1 when w ± ε rounds to w itself in single precision */
} BlToyEpsilonPoint;

/* @per_decade points per power of ten (1 to 100), 1e-1 first. A GArray of BlToyEpsilonPoint;
 * @best_double and @best_single (may be NULL) get the ε with the smallest error. */
GArray      *bl_toy_epsilon_sweep     (const BlToyParams *p, BlToyColumn param, guint per_decade,
                                       double *best_double, double *best_single);

/* ------------------------------------------------------------------------------------------
 * 9. The loss landscape: E_total on a grid of two parameters, every other one held at @p's.
 */
typedef struct {
  BlToyColumn x, y;            /* the two parameters (W1…W8, B1, B2) */
  guint       nx, ny;
  double      x_min, x_max, y_min, y_max;
  double     *loss;            /* ny rows of nx values: loss[j·nx + i] at (x_i, y_j) */
  double      loss_min, loss_max;
  double      center_x, center_y;   /* @p's values of x and y */
} BlToyLandscape;

/* The grid spans @p's value ± @half_x and ± @half_y; 2 ≤ nx, ny ≤ 1024. Fails when a
 * parameter is not one or not in the network. */
BlToyLandscape *bl_toy_landscape_new  (const BlToyParams *p, BlToyColumn x, BlToyColumn y,
                                       double half_x, double half_y, guint nx, guint ny,
                                       GError **error);
void            bl_toy_landscape_free (BlToyLandscape *l);
/* A run's path projected on (x, y): a GArray of double pairs (x, y), one per row, at most
 * @max_points (rows evenly skipped, the first and last always kept; 0: every row). */
GArray         *bl_toy_landscape_path (const BlToyRun *run, BlToyColumn x, BlToyColumn y,
                                       guint max_points);
/* The first row k whose step made the loss grow, E(k + 1) > E(k): the step overshot the
 * valley. G_MAXUINT if the loss never rose. */
guint           bl_toy_run_first_overshoot (const BlToyRun *run);

G_END_DECLS
