/* bl-sheet.h: a spreadsheet's cells, read from .xlsx (Office Open XML) or .csv, for checking a
 * teacher's or student's own sheet against the ledger (bl-toy-check.h). Knows nothing of the
 * network: sheets, rows, columns and cells.
 *
 * .xlsx: the workbook's sheets in order, with their names; numbers, shared strings, inline
 * strings, booleans and error values; a formula's cached value (the formula itself is only
 * flagged). The archive is read with libzip and each XML part is streamed through GMarkup,
 * which never expands entities a document defines (an entity bomb is refused as malformed);
 * every part's size, the cells and the sheets are bounded (BL_SHEET_MAX_*), so a hostile
 * file is refused with a message, not read without end.
 * .csv: one sheet; the separator (comma, semicolon or tab) found from the first lines, quotes
 * as RFC 4180, a UTF-8 byte-order mark skipped, a decimal comma taken where the separator is
 * not a comma.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BL_SHEET_ERROR (bl_sheet_error_quark ())
GQuark bl_sheet_error_quark (void);

typedef enum {
  BL_SHEET_ERROR_IO,          /* the file cannot be read */
  BL_SHEET_ERROR_FORMAT,      /* not a spreadsheet this reads (an .xls, an .ods, binary) */
  BL_SHEET_ERROR_CORRUPT,     /* a damaged archive, malformed XML, a missing part */
  BL_SHEET_ERROR_TOO_LARGE,   /* past one of the limits below */
} BlSheetError;

#define BL_SHEET_MAX_FILE_BYTES (128u << 20)    /* the file itself */
#define BL_SHEET_MAX_PART_BYTES (256u << 20)    /* one XML part, uncompressed */
#define BL_SHEET_MAX_CELLS      8000000u        /* cells held, empty ones within rows included */
#define BL_SHEET_MAX_SHEETS     256u
#define BL_SHEET_MAX_ROWS       1048576u        /* a sheet's rows and columns, as in Excel */
#define BL_SHEET_MAX_COLS       16384u

typedef enum {
  BL_SHEET_EMPTY,
  BL_SHEET_NUMBER,
  BL_SHEET_TEXT,
  BL_SHEET_BOOL,      /* number is 0 or 1 */
  BL_SHEET_ERRVAL,    /* an error value such as #DIV/0!, in text */
} BlSheetCellKind;

typedef struct {
  union {
    double      number;
    const char *text;     /* owned by the book */
  } u;
  guint8 kind;            /* BlSheetCellKind */
  guint8 digits;          /* a number: significant digits as written (17 when unknown) */
  guint8 formula;         /* the cell holds a formula; this is its cached value */
} BlSheetCell;

typedef struct _BlSheet BlSheet;
typedef struct _BlSheetBook BlSheetBook;

/* The file at @path, .xlsx or .csv by its content (not its name). */
BlSheetBook       *bl_sheet_book_read       (const char *path, GError **error);
/* The same from bytes; @name_hint names it in messages. */
BlSheetBook       *bl_sheet_book_read_bytes (const guint8 *data, gsize len, const char *name_hint,
                                             GError **error);
void               bl_sheet_book_free       (BlSheetBook *book);
gboolean           bl_sheet_book_is_xlsx    (const BlSheetBook *book);
guint              bl_sheet_book_n_sheets   (const BlSheetBook *book);
const BlSheet     *bl_sheet_book_sheet      (const BlSheetBook *book, guint i);

const char        *bl_sheet_name            (const BlSheet *sheet);
/* One past the last row and column that hold anything. */
guint              bl_sheet_n_rows          (const BlSheet *sheet);
guint              bl_sheet_n_cols          (const BlSheet *sheet);
/* The cell at (@row, @col), 0-based; an empty cell outside what the sheet holds. */
const BlSheetCell *bl_sheet_cell            (const BlSheet *sheet, guint row, guint col);
/* A number cell's value (booleans too), or FALSE. */
gboolean           bl_sheet_number          (const BlSheet *sheet, guint row, guint col,
                                             double *out);
/* The cell's text (a number as text), or NULL for an empty cell; free it. */
char              *bl_sheet_text            (const BlSheet *sheet, guint row, guint col);
/* "AB7" for (6, 27). */
char              *bl_sheet_cell_ref        (guint row, guint col);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BlSheetBook, bl_sheet_book_free)

G_END_DECLS
