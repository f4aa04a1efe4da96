/* fuzz-sheet.c: a teacher's spreadsheet as the sheet check reads it (core/bl-sheet.h): any bytes
 * as .xlsx (libzip, GMarkup) or .csv, then, when they read as a sheet, mapped and checked
 * against the ledger (core/bl-toy-check.h). Besides crashes and sanitizer reports it aborts
 * when a refusal has no message in the reader's or the toy's domain, or when what was read
 * breaks the reader's promises: every cell of every sheet readable, text cells valid UTF-8,
 * numbers only in number cells, the limits kept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/bl-sheet.h"
#include "core/bl-toy-check.h"

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  BlSheetBook *book = bl_sheet_book_read_bytes (data, size, "fuzz", &error);
  BlToyCheckReport *report;
  guint64 cells = 0;

  if (book == NULL)
    {
      check (error != NULL && error->domain == BL_SHEET_ERROR && error->message[0] != '\0');
      g_error_free (error);
      return 0;
    }
  check (error == NULL);
  check (bl_sheet_book_n_sheets (book) >= 1 &&
         bl_sheet_book_n_sheets (book) <= BL_SHEET_MAX_SHEETS);
  for (guint i = 0; i < bl_sheet_book_n_sheets (book); i++)
    {
      const BlSheet *s = bl_sheet_book_sheet (book, i);
      check (bl_sheet_name (s) != NULL);
      check (bl_sheet_n_rows (s) <= BL_SHEET_MAX_ROWS && bl_sheet_n_cols (s) <= BL_SHEET_MAX_COLS);
      for (guint r = 0; r < MIN (bl_sheet_n_rows (s), 200); r++)
        for (guint c = 0; c < MIN (bl_sheet_n_cols (s), 64); c++)
          {
            const BlSheetCell *cell = bl_sheet_cell (s, r, c);
            double v;
            check (cell->kind <= BL_SHEET_ERRVAL);
            if (cell->kind == BL_SHEET_TEXT || cell->kind == BL_SHEET_ERRVAL)
              check (cell->u.text != NULL && g_utf8_validate (cell->u.text, -1, NULL));
            check (bl_sheet_number (s, r, c, &v) ==
                   (cell->kind == BL_SHEET_NUMBER || cell->kind == BL_SHEET_BOOL));
            cells++;
          }
    }
  check (cells <= BL_SHEET_MAX_CELLS);

  report = bl_toy_check_book (book, "fuzz", NULL, &error);
  if (report == NULL)
    {
      check (error != NULL && error->domain == BL_TOY_ERROR && error->message[0] != '\0');
      g_error_free (error);
    }
  else
    {
      char *text = bl_toy_check_report_describe (report);
      check (text != NULL && g_utf8_validate (text, -1, NULL));
      check (bl_toy_check_report_matches (report) ==
             (bl_toy_check_report_first_diff (report, NULL) == NULL));
      g_free (text);
      bl_toy_check_report_free (report);
    }
  bl_sheet_book_free (book);
  return 0;
}
