/* bl-toy-mistakes.h: predict, then reveal. A student types a cell's value before the ledger
 * shows it; the value is right within a tolerance, or it is wrong and, where a known mistake
 * gives that very number, the mistake is named.
 *
 * Each known mistake is a variant of the ledger's one description (bl-toy-desc.h): the cell
 * is computed again from the row's other cells (the ones the student has seen) with a factor
 * left out, an operand in the wrong place, a path missing, the other update order, … and the
 * student's number is matched against each. The sheet check (bl-toy-check.h) explains a
 * spreadsheet's wrong cells the same way.
 */
#pragma once

#include "core/bl-toy.h"

G_BEGIN_DECLS

/* A typed value is right when |typed − expected| ≤ abs + rel·|expected|. The default, rel
 * 1e-3 and abs 1e-9, accepts any value rounded to four significant digits (and 0 for a value
 * within 10⁻⁹ of it); a mistake's value is matched with the same tolerance. A mistake that
 * moves the value by less than that (the spreadsheet's a_h1 for a_h2 in row 0 of the
 * classroom network, where σ′(h1) and σ′(h2) agree to four digits) is not seen: a stricter
 * tolerance, or a later row, shows it. */
typedef struct {
  double rel;
  double abs;
} BlToyTolerance;

#define BL_TOY_TOLERANCE_DEFAULT_REL 1e-3
#define BL_TOY_TOLERANCE_DEFAULT_ABS 1e-9

gboolean bl_toy_tolerance_accepts (const BlToyTolerance *tol, double typed, double expected);

typedef enum {
  BL_TOY_MISTAKE_NONE,                  /* right */
  BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN,  /* f′ (σ′) left out; .layer: 1 hidden, 2 output, 3 both */
  BL_TOY_MISTAKE_SIGN_FLIPPED,          /* −value; for an update, w + η·∂E/∂w */
  BL_TOY_MISTAKE_PATH_MISSING,          /* a hidden gradient without the path through o.path */
  BL_TOY_MISTAKE_UPDATED_WEIGHTS,       /* hidden gradients from w5…w8 already updated */
  BL_TOY_MISTAKE_WRONG_OPERAND,         /* .used where .belongs belongs (a_h1 for a_h2, …) */
  BL_TOY_MISTAKE_ETA_NOT_APPLIED,       /* w − ∂E/∂w */
  BL_TOY_MISTAKE_ETA_TWICE,             /* w − 2η·∂E/∂w */
  BL_TOY_MISTAKE_WRONG_RATE,            /* w − r·∂E/∂w with another rate .rate (η², a round one) */
  BL_TOY_MISTAKE_NOT_UPDATED,           /* the row above's value copied */
  BL_TOY_MISTAKE_TARGET_OUTPUT_SWAPPED, /* t where a_o belongs and a_o where t belongs */
  BL_TOY_MISTAKE_HALF_FORGOTTEN,        /* the L2 loss without its ½: E doubled, gradients too */
  BL_TOY_MISTAKE_ACTIVATION_FORGOTTEN,  /* a = net: f not applied */
  BL_TOY_MISTAKE_BIAS_FORGOTTEN,        /* the bias left out of a net input */
  BL_TOY_MISTAKE_UNKNOWN,               /* wrong, and no known mistake gives this number */
  BL_TOY_N_MISTAKES
} BlToyMistakeKind;

typedef struct {
  BlToyMistakeKind kind;
  guint  layer;      /* DERIVATIVE_FORGOTTEN: 1 the hidden units', 2 the outputs', 3 both */
  guint  path;       /* PATH_MISSING: the output (1 or 2) whose path was left out */
  guint  used;       /* WRONG_OPERAND: the quantity used (a column, or BL_TOY_N_COLS + δ) … */
  guint  belongs;    /* … where this one belongs */
  double rate;       /* ETA_TWICE, WRONG_RATE: the rate the value amounts to */
  double value;      /* the value the mistake gives */
} BlToyMistake;

/* "derivative-forgotten", "wrong-operand", … (stable: CSV files and the CLI use them). */
const char *bl_toy_mistake_id        (BlToyMistakeKind kind);
/* The mistake in a sentence, translated: "σ′ was left out at the hidden unit",
 * "a_h1 was used where a_h2 belongs", "the path through o2 is missing". */
char       *bl_toy_mistake_describe  (const BlToyMistake *m, const BlToyParams *p);

/* Where a cell is, and what is known around it: the row's values (@s, slots as in
 * bl-toy-desc.h, i.e. the columns then the δs) of which @known are taken as they are, the row
 * above's (for an update; NULL in row 0), η, and the network's switches. */
typedef struct {
  const BlToyParams *p;
  const double      *s;
  const guint8      *known;
  const double      *prev;
  double             lr;
  BlToyColumn        col;
} BlToyCell;

/* The value of the cell computed from what is known (the right one, unless what is known is
 * itself wrong). */
double      bl_toy_cell_expected     (const BlToyCell *cell);
/* Every known mistake that gives @value within @tol (NULL: the default), most likely first;
 * the first goes to @best (kind UNKNOWN if none). Returns how many (at most @max_all are
 * stored in @all, which may be NULL). */
guint       bl_toy_cell_explain      (const BlToyCell *cell, double value,
                                      const BlToyTolerance *tol, BlToyMistake *best,
                                      BlToyMistake *all, guint max_all);
/* The formula a mistake amounts to, with its numbers: "∂E_total/∂w3 = (… ) · a_h1 · (1 − a_h1)
 * · i1 = …"; NULL for the mistakes that are no formula (UNKNOWN, NONE). */
char       *bl_toy_cell_mistake_formula (const BlToyCell *cell, const BlToyMistake *m);

/* ------------------------------------------------------------------------------------------
 * Predict, then reveal
 */
typedef struct {
  gboolean     right;
  BlToyColumn  col;
  guint        row;
  double       typed;
  double       expected;
  double       error_abs;      /* |typed − expected| */
  double       error_rel;      /* that over |expected| (infinite when expected is 0) */
  BlToyMistake mistake;        /* NONE when right; UNKNOWN when nothing known gives it */
  guint        n_also;         /* other known mistakes giving the same number */
  BlToyMistake also[4];
  char        *explanation;    /* translated: what was right or wrong, with the numbers */
  char        *wrong_formula;  /* the mistake's formula with its numbers, or NULL */
} BlToyVerdict;

/* The student typed @typed for column @col of row @k of @run, having seen the row's other
 * cells. @tol NULL: the default. Fills @out (free with bl_toy_verdict_clear) and returns
 * @out->right; FALSE and nothing filled for a column that is not in the run's network. */
gboolean    bl_toy_predict_check     (const BlToyRun *run, guint k, BlToyColumn col,
                                      double typed, const BlToyTolerance *tol,
                                      BlToyVerdict *out);
void        bl_toy_verdict_clear     (BlToyVerdict *v);

/* A lesson's answers: which cells were right the first time, for the teacher. */
typedef struct _BlToyLesson BlToyLesson;

BlToyLesson *bl_toy_lesson_new       (void);
void         bl_toy_lesson_free      (BlToyLesson *lesson);
/* Records an answer and its verdict; the first answer to a cell (row, column) decides
 * whether it was right the first time. */
void         bl_toy_lesson_record    (BlToyLesson *lesson, const BlToyVerdict *v);
guint        bl_toy_lesson_n_cells   (const BlToyLesson *lesson);
guint        bl_toy_lesson_n_right_first (const BlToyLesson *lesson);
/* One line per cell in the order first answered: iteration, column, attempts,
 * right_first_time (1/0), first_answer, expected, first_mistake (its id), answers (each
 * answer, separated by spaces). Numbers with %.17g. */
char        *bl_toy_lesson_to_csv    (const BlToyLesson *lesson);
gboolean     bl_toy_lesson_save_csv  (const BlToyLesson *lesson, const char *path,
                                      GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BlToyLesson, bl_toy_lesson_free)

G_END_DECLS
