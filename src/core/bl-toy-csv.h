/* bl-toy-csv.h: the toy ledger as text, for other tools: CSV and JSON with full double
 * precision (%.17g), every visible column plus "lr" and "iteration". Files are written
 * atomically (a temporary file beside the target, then a rename) and streamed, so a
 * 6 × 100,000-row ledger never sits in memory as one string. */
#pragma once

#include <stdio.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

typedef enum {
  BL_TOY_FORMAT_CSV,
  BL_TOY_FORMAT_JSON,
} BlToyFormat;

/* Write all rows of all @runs (in order) to @out. Columns: lr, iteration, then the ledger's
 * columns (bias columns only when the runs have biases). */
gboolean bl_toy_ledger_write_stream (FILE *out, BlToyFormat format, BlToyRun *const *runs,
                                     guint n_runs, GError **error);
/* The same into @path, atomically. */
gboolean bl_toy_ledger_save         (const char *path, BlToyFormat format, BlToyRun *const *runs,
                                     guint n_runs, GError **error);

/* A CSV ledger read back (for round trips and checks): @n_rows rows, each row's values in
 * file column order; @names the header (valid UTF-8). */
typedef struct {
  guint    n_cols;
  guint    n_rows;
  char   **names;      /* (n_cols), NULL-terminated */
  double  *values;     /* (n_rows × n_cols), row-major */
} BlToyTable;

/* The largest CSV read back: 100,000 rows per rate for a few rates. */
#define BL_TOY_TABLE_MAX_BYTES (256 * 1024 * 1024)

/* Reads a regular file of at most BL_TOY_TABLE_MAX_BYTES. */
BlToyTable *bl_toy_table_read_csv   (const char *path, GError **error);
/* The same from @length bytes of text; @name names it in messages. Blank lines are skipped. */
BlToyTable *bl_toy_table_parse_csv  (const char *text, gsize length, const char *name,
                                     GError **error);
void        bl_toy_table_free       (BlToyTable *table);
/* Column index of @name, or -1. */
int         bl_toy_table_column     (const BlToyTable *table, const char *name);

G_END_DECLS
