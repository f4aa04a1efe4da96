/* bl-toy-xlsx.h: the toy ledger as an .xlsx workbook with live formulas (libxlsxwriter).
 * One sheet per learning rate with the ledger's columns; row 0 holds the inputs, targets
 * and initial parameters as plain values (cells a student may edit) and every later row is
 * computed from the row above by formulas, so the workbook recalculates like the classroom
 * spreadsheet. Each cell also carries the value the app computed, so clients that do not
 * recalculate still show numbers. A "Loss" sheet charts E_total per learning rate. */
#pragma once

#include <gio/gio.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

/* Written atomically. Fails with a clear message if a run has more rows than a sheet holds. */
gboolean bl_toy_xlsx_save (const char *path, BlToyRun *const *runs, guint n_runs,
                           GError **error);

/* How far bl_toy_xlsx_save_full has come, from 0 to 1 (on the writing thread, every few
 * hundred rows and once the file is complete). */
typedef void (*BlToyXlsxProgress) (double fraction, gpointer data);

/* The same, telling @progress (may be NULL) how far it is, and giving up between rows when
 * @cancellable (may be NULL) is cancelled (G_IO_ERROR_CANCELLED; nothing is left behind). */
gboolean bl_toy_xlsx_save_full (const char *path, BlToyRun *const *runs, guint n_runs,
                                BlToyXlsxProgress progress, gpointer progress_data,
                                GCancellable *cancellable, GError **error);

G_END_DECLS
