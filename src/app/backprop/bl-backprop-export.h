/* bl-backprop-export.h: the Backprop page's exports, written on a worker thread.
 *
 * A job owns copies of everything it writes from: the starting parameters, the rates and the
 * row count (it recomputes the runs itself, bit-identically), or the chart already drawn into
 * an image. It never sees a widget; how far it has come reaches the main context, coalesced,
 * for a target object held weakly, so the page may go on (or go away) meanwhile. */
#pragma once

#include <gio/gio.h>
#include <cairo.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

typedef enum {
  BL_BACKPROP_EXPORT_CSV,     /* every row of every rate, full precision */
  BL_BACKPROP_EXPORT_XLSX,    /* the live-formula workbook */
} BlBackpropExportKind;

/* On the main context: @fraction in [0, 1], or < 0 while it cannot be told. */
typedef void (*BlBackpropExportProgress) (GObject *target, double fraction);

/* Writes the ledger of every rate in @lrs, @iterations updates each from @params, to @path
 * (atomically). @done runs on the caller's main context; @target (may be NULL) is only
 * referenced weakly, for @progress. */
void     bl_backprop_export_ledger_async (BlBackpropExportKind kind, const char *path,
                                          const BlToyParams *params, const double *lrs,
                                          guint n_lrs, guint iterations,
                                          GCancellable *cancellable,
                                          BlBackpropExportProgress progress, GObject *target,
                                          GAsyncReadyCallback done, gpointer done_data);
/* Writes @surface (a reference is taken) as a PNG to @path (atomically). */
void     bl_backprop_export_png_async    (cairo_surface_t *surface, const char *path,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback done, gpointer done_data);
/* The bytes written, or 0 and @error. */
guint64  bl_backprop_export_finish       (GAsyncResult *result, GError **error);

G_END_DECLS
