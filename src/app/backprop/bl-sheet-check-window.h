/* bl-sheet-check-window.h: "Check my spreadsheet". A class's sheets (.xlsx or .csv, chosen or
 * dropped, several at once) are read and checked off the main thread (bl-toy-check.h), each
 * shown as: matches, or the first disagreeing row and column with both values, the size of the
 * error and the likely mistake, over a table of the sheet with every disagreeing cell marked.
 * A sheet whose headers do not map gets a mapping dialog and is checked again. */
#pragma once

#include <gtk/gtk.h>
#include "backprop/bl-tool-window.h"
#include "core/bl-toy-check.h"
#include "widgets/bl-sheet-view.h"

G_BEGIN_DECLS

#define BL_TYPE_SHEET_CHECK_WINDOW (bl_sheet_check_window_get_type ())
G_DECLARE_FINAL_TYPE (BlSheetCheckWindow, bl_sheet_check_window, BL, SHEET_CHECK_WINDOW,
                      GtkWindow)

typedef enum {
  BL_SHEET_FILE_CHECKING,
  BL_SHEET_FILE_MATCHES,
  BL_SHEET_FILE_DISAGREES,
  BL_SHEET_FILE_UNREADABLE,   /* not a spreadsheet, damaged, too large */
  BL_SHEET_FILE_UNMAPPED,     /* read, but no sheet maps onto the ledger: map its columns */
} BlSheetFileState;

/* @net gives the inputs and targets a sheet may lack (copied). */
BlSheetCheckWindow *bl_sheet_check_window_new   (GtkWindow *parent, const BlToolNetwork *net);
void        bl_sheet_check_window_set_network   (BlSheetCheckWindow *self,
                                                 const BlToolNetwork *net);
/* Checks each file in the background; it appears in the list at once, its verdict when ready.
 * A file already in the list is checked again. */
void        bl_sheet_check_window_add_files     (BlSheetCheckWindow *self,
                                                 const char *const *paths, guint n);

/* State, for tests. */
guint       bl_sheet_check_window_get_n_files   (BlSheetCheckWindow *self);
gboolean    bl_sheet_check_window_is_busy       (BlSheetCheckWindow *self);
BlSheetFileState bl_sheet_check_window_get_state (BlSheetCheckWindow *self, guint i);
/* The verdict in a paragraph (or why the file could not be checked). */
const char *bl_sheet_check_window_get_summary   (BlSheetCheckWindow *self, guint i);
const BlToyCheckReport *bl_sheet_check_window_get_report (BlSheetCheckWindow *self, guint i);
void        bl_sheet_check_window_select        (BlSheetCheckWindow *self, guint i);
BlSheetView *bl_sheet_check_window_get_sheet_view (BlSheetCheckWindow *self);
const char *bl_sheet_check_window_get_mistake_text (BlSheetCheckWindow *self);
/* The mapping dialog for file @i, shown (what "Map Columns…" opens). */
GtkWindow  *bl_sheet_check_window_open_mapping  (BlSheetCheckWindow *self, guint i);

G_END_DECLS
