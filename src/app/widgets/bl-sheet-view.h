/* bl-sheet-view.h: a spreadsheet's cells as a grid (row numbers, column letters), some of them
 * marked: the cells of a student's sheet that disagree with the ledger. Draws only the rows and
 * columns in view, so a sheet of 100,000 rows scrolls as fast as one of ten. Put it in a
 * GtkScrolledWindow (it is GtkScrollable). Numbers are shown with 10 significant digits and
 * never cut: a column is as wide as its widest header or number. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-sheet.h"

G_BEGIN_DECLS

#define BL_TYPE_SHEET_VIEW (bl_sheet_view_get_type ())
G_DECLARE_FINAL_TYPE (BlSheetView, bl_sheet_view, BL, SHEET_VIEW, GtkWidget)

GtkWidget *bl_sheet_view_new        (void);
/* @sheet is borrowed: keep it alive until another sheet (or NULL) is set. @header_row (or -1)
 * is drawn in bold. Clears the marks. */
void       bl_sheet_view_set_sheet  (BlSheetView *self, const BlSheet *sheet, int header_row);
/* Marks cells (0-based row and column pairs); @first (or -1) is the one drawn strongest. */
void       bl_sheet_view_set_marks  (BlSheetView *self, const guint *rows, const guint *cols,
                                     guint n, int first);
guint      bl_sheet_view_get_n_marks (BlSheetView *self);
gboolean   bl_sheet_view_is_marked  (BlSheetView *self, guint row, guint col);
/* Scrolls so that the cell is in view (once the view has a size). */
void       bl_sheet_view_scroll_to  (BlSheetView *self, guint row, guint col);
/* The text a cell is drawn with ("" for an empty one); free it. */
char      *bl_sheet_view_cell_text  (BlSheetView *self, guint row, guint col);

G_END_DECLS
