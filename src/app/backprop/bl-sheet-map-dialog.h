/* bl-sheet-map-dialog.h: which of a sheet's columns holds each of the ledger's. One drop-down
 * per ledger column (and η), listing the header row's cells; what the headers already say is
 * chosen to begin with. "Check Again" hands back header → ledger name pairs, the explicit map
 * bl_toy_explicit_map_add takes. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-sheet.h"

G_BEGIN_DECLS

#define BL_TYPE_SHEET_MAP_DIALOG (bl_sheet_map_dialog_get_type ())
G_DECLARE_FINAL_TYPE (BlSheetMapDialog, bl_sheet_map_dialog, BL, SHEET_MAP_DIALOG, GtkWindow)

/* @pairs: header, ledger name, header, ledger name … (char *); the array is the callee's. */
typedef void (*BlSheetMapApplied) (GPtrArray *pairs, gpointer data);

/* Reads the header row @header_row of @sheet at once (the dialog keeps copies). @previous
 * (may be NULL): the pairs chosen last time. @applied runs when the user checks again; @data
 * is a GObject kept alive until the dialog goes. */
BlSheetMapDialog *bl_sheet_map_dialog_new   (GtkWindow *parent, const BlSheet *sheet,
                                             guint header_row, const GPtrArray *previous,
                                             BlSheetMapApplied applied, GObject *data);
/* For tests: choose the sheet column headed @header for ledger name @what ("w1", "E_total",
 * "lr"); NULL: not in the sheet. FALSE if either is unknown. */
gboolean          bl_sheet_map_dialog_choose (BlSheetMapDialog *self, const char *what,
                                              const char *header);
/* "Check Again": hands the pairs to @applied and closes. */
void              bl_sheet_map_dialog_apply  (BlSheetMapDialog *self);

/* The header row to offer for a sheet that did not map: among the first 200 rows of every
 * sheet, the one with the most text cells (the first such). */
gboolean          bl_sheet_guess_header_row  (const BlSheetBook *book, guint *sheet_index,
                                              guint *row);

G_END_DECLS
