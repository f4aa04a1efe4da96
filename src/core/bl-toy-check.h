/* bl-toy-check.h: check my spreadsheet. A teacher's or student's own sheet (.xlsx or .csv,
 * read by bl-sheet.h) is mapped onto the ledger's columns by its headers, recomputed cell by
 * cell from its own first row, and every cell that disagrees is reported with its size and the
 * likely mistake (bl-toy-mistakes.h).
 *
 * Mapping. The header row is the row (among the first 200) whose cells name the most ledger
 * columns; a header block above it, columns in any order and columns the ledger does not have
 * are fine. Names are compared normalised (case, spaces, _ - . ( ) ignored; ∂ → d, δ → delta,
 * η → eta, subscript digits → digits) with aliases: "dE/dw1", "∂E/∂w1", "dEtotal/dw1",
 * "dE_total/dw1", "dw1", "grad_w1" are ∂E/∂w1; "out_h1", "a_h1" a_h1; "net_h1" h1; "E_total",
 * "Etotal", "E", "loss", "error" E_total; "target1", "target_o1" t1; "w1_new", "w1+", "w1'",
 * "new w1" are w1 after this row's update; "lr", "eta", "η", "learning rate" the rate;
 * "iteration", "iter", "step", "epoch" the row's number; "delta_o1", "δo1" … the δs. Headers it
 * cannot place are listed (the window can ask), and an explicit mapping overrides any header.
 *
 * Recomputation. Row by row: each cell is computed from the sheet's own cells of that row
 * (its inputs as the sheet has them, the δs in between recomputed), each parameter from the
 * sheet's row above (w′ − η·∂E/∂w′), so one wrong formula shows in its own cell and not in
 * every cell after it. η comes from an "lr" column, else a labelled cell above the table
 * ("η", "eta", "lr", "learning rate" with a number beside or below it), else the updates
 * themselves (when they agree on one rate). The activations are found from the first row
 * (a_h1 against h1, a_o1 against o1) unless given. A cell disagrees when it differs from its
 * recomputation by more than what the sheet's own rounding explains: 1e-9 relative, plus each
 * input's rounding (half a unit of the last digit written, for numbers written with fewer
 * than 15 digits) carried through the cell's formula. Rows of several runs (an "lr" or
 * "iteration" column that starts again) are checked as separate runs.
 */
#pragma once

#include "core/bl-sheet.h"
#include "core/bl-toy.h"
#include "core/bl-toy-mistakes.h"

G_BEGIN_DECLS

typedef enum {
  BL_TOY_ROLE_NONE,        /* a header not understood (or an empty one) */
  BL_TOY_ROLE_VALUE,       /* a ledger column (or δ): its value in this row */
  BL_TOY_ROLE_NEXT,        /* a parameter after this row's update ("w1_new") */
  BL_TOY_ROLE_LR,
  BL_TOY_ROLE_ITERATION,
  BL_TOY_ROLE_IGNORED,     /* set aside by an explicit mapping */
} BlToySheetRole;

typedef struct {
  guint          sheet_col;
  char          *header;
  BlToySheetRole role;
  guint          slot;      /* VALUE: a BlToyColumn, or BL_TOY_N_COLS + BlToyDelta; NEXT: the
                             * parameter column */
  gboolean       explicit_map;
} BlToyMappedColumn;

/* An explicit mapping, as the mapping dialog or --map gives it: header text → what it is. */
typedef struct _BlToyExplicitMap BlToyExplicitMap;

BlToyExplicitMap *bl_toy_explicit_map_new   (void);
void              bl_toy_explicit_map_free  (BlToyExplicitMap *map);
/* @what: a ledger name ("w1", "dE/dw1", "E_total", "a_h1"), any alias above, "w1_new" (after
 * the update), "lr", "iteration", or "ignore". FALSE (and an error naming what is accepted)
 * for anything else. @header is compared as the sheet writes it, then normalised. */
gboolean          bl_toy_explicit_map_add   (BlToyExplicitMap *map, const char *header,
                                             const char *what, GError **error);
/* "HEADER=WHAT", as the CLI's --map takes it. */
gboolean          bl_toy_explicit_map_parse (BlToyExplicitMap *map, const char *assignment,
                                             GError **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BlToyExplicitMap, bl_toy_explicit_map_free)

/* What a header names, by the rules above (no explicit mapping): FALSE if nothing. */
gboolean          bl_toy_header_role        (const char *header, BlToySheetRole *role,
                                             guint *slot);

typedef enum {
  BL_TOY_LR_NONE,
  BL_TOY_LR_GIVEN,         /* by the caller */
  BL_TOY_LR_COLUMN,        /* an "lr" column */
  BL_TOY_LR_LABEL,         /* a labelled cell above the table */
  BL_TOY_LR_INFERRED,      /* from the updates */
} BlToyLrSource;

typedef struct {
  guint          sheet_index;
  char          *sheet_name;
  guint          header_row;         /* 0-based sheet rows */
  guint          first_row;
  guint          n_rows;             /* data rows, all runs */
  int            col_of[BL_TOY_N_COLS + BL_TOY_N_DELTAS];   /* sheet column, or -1 */
  int            next_col_of[BL_TOY_N_COLS];                /* a "w1_new" column, or -1 */
  int            lr_col, iteration_col;
  double         label_lr;           /* a labelled η above the table, or NAN */
  char          *label_lr_cell;      /* its cell, "B2" */
  GPtrArray     *columns;            /* BlToyMappedColumn, every header of the row */
  guint          n_matched;          /* columns with a role */
  GPtrArray     *unmatched;          /* char *: headers not understood */
  GArray        *missing;            /* BlToyColumn: ledger columns the sheet lacks */
  gboolean       has_biases;
} BlToySheetMapping;

/* The mapping of @sheet (with @explicit_map, may be NULL). NULL and an error when no row
 * names at least three ledger columns, one of them a weight. */
BlToySheetMapping *bl_toy_sheet_map        (const BlSheet *sheet, guint sheet_index,
                                            const BlToyExplicitMap *explicit_map,
                                            GError **error);
void               bl_toy_sheet_mapping_free (BlToySheetMapping *m);
/* "Mapped 31 columns (t1 → t1, Ableitung w1 → ∂E/∂w1 …); not understood: …; missing: …" */
char              *bl_toy_sheet_mapping_describe (const BlToySheetMapping *m);

typedef struct {
  guint        run;            /* which run of the sheet (0 unless it holds several) */
  guint        iteration;      /* the ledger row: 0 is the run's first row */
  guint        sheet_row, sheet_col;
  char        *cell;           /* "AD7" */
  guint        slot;           /* the column (or δ) */
  gboolean     next;           /* a "w1_new" column */
  gboolean     not_a_number;   /* text or an error value where a number belongs */
  double       sheet_value;    /* NAN when not a number */
  double       expected;
  double       error_abs, error_rel;
  double       tolerance;      /* what the sheet's own rounding explains */
  BlToyMistake mistake;        /* UNKNOWN when no known mistake gives the sheet's value */
} BlToyCheckDiff;

typedef struct {
  BlToySheetMapping *mapping;
  guint          n_runs;
  guint64        n_cells;       /* cells checked */
  guint64        n_diffs;       /* cells that disagree (all of them) */
  GArray        *diffs;         /* BlToyCheckDiff, the first BL_TOY_CHECK_MAX_DIFFS, in sheet
                                 * order (row by row, left to right) */
  BlToyParams    params;        /* the network as found: switches, first run's row 0 */
  double         lr;            /* the first run's η */
  BlToyLrSource  lr_source;
  GPtrArray     *notes;         /* char *: what was assumed or found ("η = 2 from cell B2") */
} BlToySheetReport;

#define BL_TOY_CHECK_MAX_DIFFS 100000

typedef struct {
  char      *path;
  GPtrArray *sheets;            /* BlToySheetReport: every sheet that maps */
  GPtrArray *skipped;           /* char *: sheets that do not map, and why */
} BlToyCheckReport;

typedef struct {
  const BlToyExplicitMap *map;      /* NULL: headers only */
  double          lr;               /* > 0: η, whatever the sheet says */
  int             act_hidden;       /* a BlToyActivation, or -1: found from the sheet */
  int             act_output;
  const BlToyParams *defaults;      /* inputs and targets the sheet lacks; NULL: classroom */
  gboolean        output_first;     /* check against the output-first order */
} BlToyCheckOptions;

#define BL_TOY_CHECK_OPTIONS_INIT { NULL, 0, -1, -1, NULL, FALSE }

/* Reads and checks @path. NULL and an error (BL_SHEET_ERROR reading, BL_TOY_ERROR mapping)
 * when it cannot be read or no sheet maps. */
BlToyCheckReport *bl_toy_check_file        (const char *path, const BlToyCheckOptions *opt,
                                            GError **error);
BlToyCheckReport *bl_toy_check_book        (const BlSheetBook *book, const char *name,
                                            const BlToyCheckOptions *opt, GError **error);
void              bl_toy_check_report_free (BlToyCheckReport *r);
gboolean          bl_toy_check_report_matches (const BlToyCheckReport *r);
/* The first disagreeing cell (the first sheet with one), or NULL. */
const BlToyCheckDiff *bl_toy_check_report_first_diff (const BlToyCheckReport *r,
                                                      const BlToySheetReport **sheet);
/* A paragraph for people: "matches", or the first disagreeing cell with both values and the
 * likely mistake, and how many cells disagree; translated. */
char             *bl_toy_check_report_describe (const BlToyCheckReport *r);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BlToyCheckReport, bl_toy_check_report_free)

G_END_DECLS
