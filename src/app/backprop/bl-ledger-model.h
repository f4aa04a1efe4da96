/* bl-ledger-model.h: one run's ledger as a GListModel of rows made on demand, so a
 * 100,000-row ledger costs nothing until rows scroll into view.
 *
 * Showing another run (new parameters, another rate) changes values, not rows: the model then
 * announces only the rows added or removed at the end, and the "values-changed" signal, so a
 * view refreshes the cells it has instead of rebuilding every row widget (and a selection keeps
 * its row). A row's values always come from the run shown now. */
#pragma once

#include <gio/gio.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

#define BL_TYPE_LEDGER_ROW (bl_ledger_row_get_type ())
G_DECLARE_FINAL_TYPE (BlLedgerRow, bl_ledger_row, BL, LEDGER_ROW, GObject)

/* The iteration index and the full row of values of the run the model shows (computed when
 * first asked for, again after the run changed; all zeros past its end). */
guint           bl_ledger_row_get_iteration (BlLedgerRow *self);
const BlToyRow *bl_ledger_row_get_values    (BlLedgerRow *self);

#define BL_TYPE_LEDGER_MODEL (bl_ledger_model_get_type ())
G_DECLARE_FINAL_TYPE (BlLedgerModel, bl_ledger_model, BL, LEDGER_MODEL, GObject)

BlLedgerModel *bl_ledger_model_new     (void);
/* Show @run (borrowed: the caller keeps it alive while shown, or sets NULL first). Call again
 * after the run was recomputed: the model announces the rows added or removed at the end, then
 * emits "values-changed" (no arguments): every row's values may differ. */
void           bl_ledger_model_set_run (BlLedgerModel *self, const BlToyRun *run);
/* Shows at most @limit rows of the run (0: all): a view that has not been laid out yet is
 * handed one row, not ten thousand. */
void           bl_ledger_model_set_row_limit (BlLedgerModel *self, guint limit);
/* The rows of @run the page shows: all of them, except that a run stopped by a value that is
 * not finite ends at its last finite row (no NaN cells; its first row if none is finite). */
guint           bl_ledger_shown_rows    (const BlToyRun *run);
/* The run shown (NULL for none). */
const BlToyRun *bl_ledger_model_get_run (BlLedgerModel *self);

G_END_DECLS
