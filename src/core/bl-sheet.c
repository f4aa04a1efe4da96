/* bl-sheet.c: .xlsx (libzip + GMarkup, streamed and bounded) and .csv read into cells. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "core/bl-file.h"
#include "core/bl-sheet.h"

G_DEFINE_QUARK (bl-sheet-error-quark, bl_sheet_error)

struct _BlSheet {
  char      *name;
  GPtrArray *rows;       /* GArray of BlSheetCell per row, NULL for an empty row */
  guint      n_cols;
};

struct _BlSheetBook {
  GPtrArray    *sheets;
  GStringChunk *strings;
  guint64       cells;   /* held, for the limit */
  gboolean      xlsx;
  char         *name;    /* for messages */
};

static void
row_free (gpointer row)
{
  if (row)
    g_array_unref (row);
}

static BlSheet *
sheet_new (const char *name)
{
  BlSheet *s = g_new0 (BlSheet, 1);
  s->name = g_strdup (name);
  s->rows = g_ptr_array_new_with_free_func (row_free);
  return s;
}

static void
sheet_free (BlSheet *s)
{
  g_free (s->name);
  g_ptr_array_unref (s->rows);
  g_free (s);
}

static BlSheetBook *
book_new (const char *name)
{
  BlSheetBook *b = g_new0 (BlSheetBook, 1);
  b->sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) sheet_free);
  b->strings = g_string_chunk_new (4096);
  b->name = g_strdup (name);
  return b;
}

void
bl_sheet_book_free (BlSheetBook *b)
{
  if (b == NULL)
    return;
  g_ptr_array_unref (b->sheets);
  g_string_chunk_free (b->strings);
  g_free (b->name);
  g_free (b);
}

gboolean
bl_sheet_book_is_xlsx (const BlSheetBook *b)
{
  return b->xlsx;
}

guint
bl_sheet_book_n_sheets (const BlSheetBook *b)
{
  g_return_val_if_fail (b != NULL, 0);
  return b->sheets->len;
}

const BlSheet *
bl_sheet_book_sheet (const BlSheetBook *b, guint i)
{
  g_return_val_if_fail (b != NULL && i < b->sheets->len, NULL);
  return g_ptr_array_index (b->sheets, i);
}

const char *
bl_sheet_name (const BlSheet *s)
{
  return s->name;
}

guint
bl_sheet_n_rows (const BlSheet *s)
{
  return s->rows->len;
}

guint
bl_sheet_n_cols (const BlSheet *s)
{
  return s->n_cols;
}

const BlSheetCell *
bl_sheet_cell (const BlSheet *s, guint row, guint col)
{
  static const BlSheetCell empty = { { 0 }, BL_SHEET_EMPTY, 0, 0 };
  GArray *r;

  if (row >= s->rows->len || (r = g_ptr_array_index (s->rows, row)) == NULL || col >= r->len)
    return &empty;
  return &g_array_index (r, BlSheetCell, col);
}

gboolean
bl_sheet_number (const BlSheet *s, guint row, guint col, double *out)
{
  const BlSheetCell *c = bl_sheet_cell (s, row, col);

  if (c->kind != BL_SHEET_NUMBER && c->kind != BL_SHEET_BOOL)
    return FALSE;
  *out = c->u.number;
  return TRUE;
}

char *
bl_sheet_text (const BlSheet *s, guint row, guint col)
{
  const BlSheetCell *c = bl_sheet_cell (s, row, col);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  switch (c->kind)
    {
    case BL_SHEET_TEXT:
    case BL_SHEET_ERRVAL:
      return g_strdup (c->u.text);
    case BL_SHEET_NUMBER:
    case BL_SHEET_BOOL:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.17g", c->u.number));
    default:
      return NULL;
    }
}

char *
bl_sheet_cell_ref (guint row, guint col)
{
  char letters[8];
  int n = 0;
  guint c = col + 1;

  while (c > 0 && n < 7)
    {
      letters[n++] = 'A' + (c - 1) % 26;
      c = (c - 1) / 26;
    }
  letters[n] = '\0';
  g_strreverse (letters);
  return g_strdup_printf ("%s%u", letters, row + 1);
}

/* Stores @cell at (@row, @col), within the limits. */
static gboolean
put_cell (BlSheetBook *b, BlSheet *s, guint row, guint col, const BlSheetCell *cell,
          GError **error)
{
  GArray *r;

  if (row >= BL_SHEET_MAX_ROWS || col >= BL_SHEET_MAX_COLS)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                   _("“%s”: sheet “%s” has a cell past row %u or column %u, the most a sheet "
                     "has."), b->name, s->name, BL_SHEET_MAX_ROWS, BL_SHEET_MAX_COLS);
      return FALSE;
    }
  if (row >= s->rows->len)
    g_ptr_array_set_size (s->rows, row + 1);
  r = g_ptr_array_index (s->rows, row);
  if (r == NULL)
    {
      r = g_array_new (FALSE, TRUE, sizeof (BlSheetCell));
      g_ptr_array_index (s->rows, row) = r;
    }
  if (col >= r->len)
    {
      b->cells += col + 1 - r->len;
      if (b->cells > BL_SHEET_MAX_CELLS)
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                       _("“%s” has more than %u cells: too large to check (check a shorter "
                         "run, or one sheet of it)."), b->name, BL_SHEET_MAX_CELLS);
          return FALSE;
        }
      g_array_set_size (r, col + 1);
    }
  g_array_index (r, BlSheetCell, col) = *cell;
  s->n_cols = MAX (s->n_cols, col + 1);
  return TRUE;
}

/* Significant digits of a number as written: "0.0275" 3, "-1.5e-05" 2, "100" 3. */
static guint8
count_digits (const char *text)
{
  guint n = 0;
  gboolean started = FALSE;

  for (const char *p = text; *p && *p != 'e' && *p != 'E'; p++)
    {
      if (!g_ascii_isdigit (*p))
        continue;
      if (*p == '0' && !started)
        continue;
      started = TRUE;
      n++;
    }
  return (guint8) MIN (MAX (n, 1), 17);
}

/* A number as a spreadsheet writes it; FALSE for anything else. @comma: a decimal comma. */
static gboolean
parse_number (const char *text, gboolean comma, double *out, guint8 *digits)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;
  double v;

  if (*copy == '\0')
    return FALSE;
  if (comma && strchr (copy, ',') && !strchr (copy, '.'))
    *strchr (copy, ',') = '.';
  if (g_ascii_strcasecmp (copy, "nan") == 0 || g_ascii_strcasecmp (copy, "inf") == 0 ||
      g_ascii_strcasecmp (copy, "-inf") == 0)
    {
      *out = g_ascii_strcasecmp (copy, "nan") == 0 ? NAN : copy[0] == '-' ? -INFINITY : INFINITY;
      *digits = 17;
      return TRUE;
    }
  /* Only decimal numbers: no hex, no "infinity" spelled out. */
  for (const char *p = copy; *p; p++)
    if (!g_ascii_isdigit (*p) && !strchr ("+-.eE", *p))
      return FALSE;
  errno = 0;
  v = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || (errno == ERANGE && v != 0))
    return FALSE;
  *out = v;
  *digits = count_digits (copy);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * .xlsx
 */

/* XML names without their namespace prefix ("x:row" → "row"). */
static const char *
local_name (const char *name)
{
  const char *colon = strrchr (name, ':');
  return colon ? colon + 1 : name;
}

static const char *
attr (const char **names, const char **values, const char *want)
{
  for (guint i = 0; names[i]; i++)
    if (g_str_equal (local_name (names[i]), want))
      return values[i];
  return NULL;
}

/* Streams one part of the archive through @parser. */
static gboolean
parse_part (BlSheetBook *b, zip_t *za, const char *part, const GMarkupParser *parser,
            gpointer data, gboolean required, GError **error)
{
  zip_int64_t idx = zip_name_locate (za, part, 0);
  zip_file_t *zf;
  g_autoptr(GMarkupParseContext) ctx = NULL;
  char buf[65536];
  guint64 total = 0;
  zip_int64_t n;
  GError *local = NULL;

  if (idx < 0)
    {
      if (!required)
        return TRUE;
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                   _("“%s” is not a complete .xlsx workbook: it has no “%s”."), b->name, part);
      return FALSE;
    }
  zf = zip_fopen_index (za, (zip_uint64_t) idx, 0);
  if (zf == NULL)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                   _("“%s”: its part “%s” cannot be opened: %s."), b->name, part,
                   zip_strerror (za));
      return FALSE;
    }
  ctx = g_markup_parse_context_new (parser, G_MARKUP_PREFIX_ERROR_POSITION, data, NULL);
  while ((n = zip_fread (zf, buf, sizeof buf)) > 0)
    {
      total += (guint64) n;
      if (total > BL_SHEET_MAX_PART_BYTES)
        {
          zip_fclose (zf);
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                       _("“%s”: its part “%s” unpacks to more than %u MiB: refused."), b->name,
                       part, BL_SHEET_MAX_PART_BYTES >> 20);
          return FALSE;
        }
      if (!g_markup_parse_context_parse (ctx, buf, n, &local))
        break;
    }
  if (n < 0 && local == NULL)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                   _("“%s”: its part “%s” cannot be read (the archive is damaged): %s."),
                   b->name, part, zip_error_strerror (zip_file_get_error (zf)));
      zip_fclose (zf);
      return FALSE;
    }
  zip_fclose (zf);
  if (local == NULL)
    g_markup_parse_context_end_parse (ctx, &local);
  if (local)
    {
      if (local->domain == BL_SHEET_ERROR)
        g_propagate_error (error, local);
      else
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                       _("“%s”: its part “%s” is not valid XML: %s"), b->name, part,
                       local->message);
          g_error_free (local);
        }
      return FALSE;
    }
  return TRUE;
}

/* Relationships: Id → target part, and the target of a given type. */
typedef struct {
  const char *base;          /* the folder targets are relative to, "xl/" */
  GHashTable *by_id;         /* Id → part */
  char       *officedoc;     /* the main document (package rels) */
  char       *shared;        /* sharedStrings */
} Rels;

static char *
resolve_target (const char *base, const char *target)
{
  g_auto(GStrv) parts = NULL;
  GPtrArray *out = g_ptr_array_new ();
  g_autofree char *joined = NULL;
  char *result;

  joined = target[0] == '/' ? g_strdup (target + 1) : g_strconcat (base, target, NULL);
  parts = g_strsplit (joined, "/", -1);
  for (guint i = 0; parts[i]; i++)
    {
      if (*parts[i] == '\0' || g_str_equal (parts[i], "."))
        continue;
      if (g_str_equal (parts[i], ".."))
        {
          if (out->len)
            g_ptr_array_remove_index (out, out->len - 1);
          continue;
        }
      g_ptr_array_add (out, parts[i]);
    }
  g_ptr_array_add (out, NULL);
  result = g_strjoinv ("/", (char **) out->pdata);
  g_ptr_array_free (out, TRUE);
  return result;
}

static void
rels_start (GMarkupParseContext *ctx, const char *element, const char **names,
            const char **values, gpointer data, GError **error)
{
  Rels *r = data;
  const char *id, *target, *type, *mode;

  if (!g_str_equal (local_name (element), "Relationship"))
    return;
  id = attr (names, values, "Id");
  target = attr (names, values, "Target");
  type = attr (names, values, "Type");
  mode = attr (names, values, "TargetMode");
  if (!id || !target || (mode && g_str_equal (mode, "External")))
    return;
  if (g_hash_table_size (r->by_id) > 4 * BL_SHEET_MAX_SHEETS)
    return;
  g_hash_table_insert (r->by_id, g_strdup (id), resolve_target (r->base, target));
  if (type && g_str_has_suffix (type, "/officeDocument") && !r->officedoc)
    r->officedoc = resolve_target (r->base, target);
  if (type && g_str_has_suffix (type, "/sharedStrings") && !r->shared)
    r->shared = resolve_target (r->base, target);
}

/* The workbook: its sheets' names and relationship ids, in order. */
typedef struct {
  GPtrArray *names, *ids;
} Workbook;

static void
workbook_start (GMarkupParseContext *ctx, const char *element, const char **names,
                const char **values, gpointer data, GError **error)
{
  Workbook *w = data;
  const char *name, *id;

  if (!g_str_equal (local_name (element), "sheet"))
    return;
  name = attr (names, values, "name");
  id = attr (names, values, "id");
  if (!name || !id)
    return;
  if (w->names->len >= BL_SHEET_MAX_SHEETS)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                   _("The workbook has more than %u sheets."), BL_SHEET_MAX_SHEETS);
      return;
    }
  g_ptr_array_add (w->names, g_strdup (name));
  g_ptr_array_add (w->ids, g_strdup (id));
}

/* Shared strings: each <si>'s text runs joined (phonetic runs left out). */
typedef struct {
  GPtrArray *strings;   /* const char *, in the book's string chunk */
  GString   *current;
  gboolean   in_si, in_t, in_rph;
  BlSheetBook *book;
} Shared;

static void
shared_start (GMarkupParseContext *ctx, const char *element, const char **names,
              const char **values, gpointer data, GError **error)
{
  Shared *sh = data;
  const char *e = local_name (element);

  if (g_str_equal (e, "si"))
    {
      sh->in_si = TRUE;
      g_string_truncate (sh->current, 0);
    }
  else if (g_str_equal (e, "rPh"))
    sh->in_rph = TRUE;
  else if (g_str_equal (e, "t") && sh->in_si && !sh->in_rph)
    sh->in_t = TRUE;
}

static void
shared_end (GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
  Shared *sh = data;
  const char *e = local_name (element);

  if (g_str_equal (e, "si") && sh->in_si)
    {
      if (sh->strings->len >= BL_SHEET_MAX_CELLS)
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                       _("The workbook has more than %u shared strings."), BL_SHEET_MAX_CELLS);
          return;
        }
      g_ptr_array_add (sh->strings, g_string_chunk_insert (sh->book->strings, sh->current->str));
      sh->in_si = FALSE;
    }
  else if (g_str_equal (e, "rPh"))
    sh->in_rph = FALSE;
  else if (g_str_equal (e, "t"))
    sh->in_t = FALSE;
}

static void
shared_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data,
             GError **error)
{
  Shared *sh = data;

  if (sh->in_t)
    g_string_append_len (sh->current, text, len);
}

/* A worksheet's cells. */
typedef struct {
  BlSheetBook     *book;
  BlSheet         *sheet;
  const GPtrArray *shared;
  gboolean         in_data;
  guint            row, next_col;
  gboolean         have_row;
  /* the cell being read */
  gboolean         in_cell;
  guint            cell_row, cell_col;
  char             type[12];
  gboolean         has_formula;
  gboolean         in_value, in_inline_t;
  gboolean         has_value;
  GString         *value;
} SheetParse;

/* "B7" → row 6, col 1; FALSE if it is no reference. */
static gboolean
parse_ref (const char *ref, guint *row, guint *col)
{
  guint64 c = 0, r = 0;
  const char *p = ref;

  while (g_ascii_isalpha (*p))
    {
      c = c * 26 + (g_ascii_toupper (*p) - 'A' + 1);
      if (c > BL_SHEET_MAX_COLS)
        return FALSE;
      p++;
    }
  if (c == 0 || !g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    {
      r = r * 10 + (*p - '0');
      if (r > BL_SHEET_MAX_ROWS)
        return FALSE;
      p++;
    }
  if (*p || r == 0)
    return FALSE;
  *row = (guint) r - 1;
  *col = (guint) c - 1;
  return TRUE;
}

static void
sheet_start (GMarkupParseContext *ctx, const char *element, const char **names,
             const char **values, gpointer data, GError **error)
{
  SheetParse *sp = data;
  const char *e = local_name (element);

  if (g_str_equal (e, "sheetData"))
    {
      sp->in_data = TRUE;
      return;
    }
  if (!sp->in_data)
    return;
  if (g_str_equal (e, "row"))
    {
      const char *r = attr (names, values, "r");
      guint64 n;
      if (r)
        {
          if (!g_ascii_string_to_unsigned (r, 10, 1, BL_SHEET_MAX_ROWS, &n, NULL))
            {
              g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                           _("A row number “%s” that no sheet has."), r);
              return;
            }
          sp->row = (guint) n - 1;
        }
      else
        sp->row = sp->have_row ? sp->row + 1 : 0;
      if (sp->row >= BL_SHEET_MAX_ROWS)
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                       _("More than %u rows."), BL_SHEET_MAX_ROWS);
          return;
        }
      sp->have_row = TRUE;
      sp->next_col = 0;
    }
  else if (g_str_equal (e, "c"))
    {
      const char *r = attr (names, values, "r");
      const char *t = attr (names, values, "t");
      sp->in_cell = TRUE;
      sp->has_formula = sp->has_value = FALSE;
      g_string_truncate (sp->value, 0);
      g_strlcpy (sp->type, t ? t : "n", sizeof sp->type);
      sp->cell_row = sp->row;
      sp->cell_col = sp->next_col;
      if (r && !parse_ref (r, &sp->cell_row, &sp->cell_col))
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                       _("A cell reference “%s” that no sheet has."), r);
          return;
        }
      if (sp->cell_col >= BL_SHEET_MAX_COLS)
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                       _("More than %u columns."), BL_SHEET_MAX_COLS);
          return;
        }
      sp->next_col = sp->cell_col + 1;
    }
  else if (sp->in_cell && g_str_equal (e, "v"))
    {
      sp->in_value = TRUE;
      sp->has_value = TRUE;
    }
  else if (sp->in_cell && g_str_equal (e, "f"))
    sp->has_formula = TRUE;
  else if (sp->in_cell && g_str_equal (e, "t"))
    {
      sp->in_inline_t = TRUE;
      sp->has_value = TRUE;
    }
}

static void
sheet_text (GMarkupParseContext *ctx, const char *text, gsize len, gpointer data,
            GError **error)
{
  SheetParse *sp = data;

  if (sp->in_value || sp->in_inline_t)
    {
      if (sp->value->len + len > (1u << 20))
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                       _("A cell holds more than 1 MiB of text."));
          return;
        }
      g_string_append_len (sp->value, text, len);
    }
}

static void
sheet_end (GMarkupParseContext *ctx, const char *element, gpointer data, GError **error)
{
  SheetParse *sp = data;
  const char *e = local_name (element);
  BlSheetCell cell = { { 0 }, BL_SHEET_EMPTY, 0, 0 };

  if (g_str_equal (e, "sheetData"))
    sp->in_data = FALSE;
  else if (g_str_equal (e, "v"))
    sp->in_value = FALSE;
  else if (g_str_equal (e, "t"))
    sp->in_inline_t = FALSE;
  if (!g_str_equal (e, "c") || !sp->in_cell)
    return;
  sp->in_cell = FALSE;
  cell.formula = sp->has_formula;
  if (!sp->has_value)
    {
      if (!sp->has_formula)
        return;   /* a styled empty cell */
    }
  else if (g_str_equal (sp->type, "s"))
    {
      guint64 idx;
      if (!g_ascii_string_to_unsigned (g_strstrip (sp->value->str), 10, 0, G_MAXUINT, &idx,
                                       NULL) || idx >= sp->shared->len)
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                       _("A cell refers to shared string %s, which the workbook does not "
                         "have."), sp->value->str);
          return;
        }
      cell.kind = BL_SHEET_TEXT;
      cell.u.text = g_ptr_array_index (sp->shared, idx);
    }
  else if (g_str_equal (sp->type, "str") || g_str_equal (sp->type, "inlineStr") ||
           g_str_equal (sp->type, "d"))
    {
      cell.kind = BL_SHEET_TEXT;
      cell.u.text = g_string_chunk_insert (sp->book->strings, sp->value->str);
    }
  else if (g_str_equal (sp->type, "b"))
    {
      cell.kind = BL_SHEET_BOOL;
      cell.u.number = g_str_equal (g_strstrip (sp->value->str), "1") ? 1 : 0;
      cell.digits = 1;
    }
  else if (g_str_equal (sp->type, "e"))
    {
      cell.kind = BL_SHEET_ERRVAL;
      cell.u.text = g_string_chunk_insert (sp->book->strings, sp->value->str);
    }
  else
    {
      if (!parse_number (sp->value->str, FALSE, &cell.u.number, &cell.digits))
        {
          g_autofree char *ref = bl_sheet_cell_ref (sp->cell_row, sp->cell_col);
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                       _("Cell %s holds “%.40s”, which is not a number."), ref, sp->value->str);
          return;
        }
      cell.kind = BL_SHEET_NUMBER;
    }
  put_cell (sp->book, sp->sheet, sp->cell_row, sp->cell_col, &cell, error);
}

static BlSheetBook *
read_xlsx (const guint8 *data, gsize len, const char *name, GError **error)
{
  zip_error_t zerr;
  zip_source_t *src;
  zip_t *za;
  g_autoptr(BlSheetBook) book = book_new (name);
  Rels pkg = { "", NULL, NULL, NULL }, wbrels = { NULL, NULL, NULL, NULL };
  Workbook wb = { g_ptr_array_new_with_free_func (g_free),
                  g_ptr_array_new_with_free_func (g_free) };
  Shared sh = { g_ptr_array_new (), g_string_new (NULL), FALSE, FALSE, FALSE, NULL };
  static const GMarkupParser rels_parser = { rels_start, NULL, NULL, NULL, NULL };
  static const GMarkupParser wb_parser = { workbook_start, NULL, NULL, NULL, NULL };
  static const GMarkupParser sh_parser = { shared_start, shared_end, shared_text, NULL, NULL };
  static const GMarkupParser sheet_parser = { sheet_start, sheet_end, sheet_text, NULL, NULL };
  g_autofree char *wb_part = NULL, *wb_dir = NULL, *wb_rels = NULL;
  gboolean ok = FALSE;

  book->xlsx = TRUE;
  sh.book = book;
  zip_error_init (&zerr);
  src = zip_source_buffer_create (data, len, 0, &zerr);
  za = src ? zip_open_from_source (src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
  if (za == NULL)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                   _("“%s” looks like an .xlsx file but its archive cannot be read: %s."), name,
                   zip_error_strerror (&zerr));
      if (src)
        zip_source_free (src);
      zip_error_fini (&zerr);
      goto out;
    }
  zip_error_fini (&zerr);

  if (zip_name_locate (za, "mimetype", 0) >= 0 && zip_name_locate (za, "content.xml", 0) >= 0)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_FORMAT,
                   _("“%s” is an OpenDocument spreadsheet (.ods): save it as .xlsx or .csv."),
                   name);
      goto close;
    }
  /* The package's relationships name the workbook (xl/workbook.xml when they are absent). */
  pkg.by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!parse_part (book, za, "_rels/.rels", &rels_parser, &pkg, FALSE, error))
    goto close;
  wb_part = g_strdup (pkg.officedoc ? pkg.officedoc : "xl/workbook.xml");
  wb_dir = g_path_get_dirname (wb_part);
  {
    g_autofree char *base = g_path_get_basename (wb_part);
    wb_rels = g_strdup_printf ("%s/_rels/%s.rels", wb_dir, base);
  }
  if (!parse_part (book, za, wb_part, &wb_parser, &wb, TRUE, error))
    goto close;
  {
    g_autofree char *base = g_strconcat (wb_dir, "/", NULL);
    wbrels.base = base;
    wbrels.by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    if (!parse_part (book, za, wb_rels, &rels_parser, &wbrels, TRUE, error))
      goto close;
    wbrels.base = NULL;
  }
  if (wb.names->len == 0)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                   _("“%s”: the workbook lists no sheets."), name);
      goto close;
    }
  if (wbrels.shared &&
      !parse_part (book, za, wbrels.shared, &sh_parser, &sh, FALSE, error))
    goto close;

  for (guint i = 0; i < wb.names->len; i++)
    {
      const char *part = g_hash_table_lookup (wbrels.by_id, g_ptr_array_index (wb.ids, i));
      BlSheet *sheet = sheet_new (g_ptr_array_index (wb.names, i));
      SheetParse sp = { book, sheet, sh.strings };

      g_ptr_array_add (book->sheets, sheet);
      if (part == NULL)
        {
          g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                       _("“%s”: sheet “%s” has no part in the archive."), name, sheet->name);
          goto close;
        }
      sp.value = g_string_new (NULL);
      ok = parse_part (book, za, part, &sheet_parser, &sp, TRUE, error);
      g_string_free (sp.value, TRUE);
      if (!ok)
        {
          g_prefix_error (error, _("Sheet “%s”: "), sheet->name);
          goto close;
        }
    }
  ok = TRUE;

close:
  zip_discard (za);
out:
  g_clear_pointer (&pkg.by_id, g_hash_table_unref);
  g_clear_pointer (&wbrels.by_id, g_hash_table_unref);
  g_free (pkg.officedoc);
  g_free (pkg.shared);
  g_free (wbrels.officedoc);
  g_free (wbrels.shared);
  g_ptr_array_unref (wb.names);
  g_ptr_array_unref (wb.ids);
  g_ptr_array_unref (sh.strings);
  g_string_free (sh.current, TRUE);
  return ok ? g_steal_pointer (&book) : NULL;
}

/* ------------------------------------------------------------------------------------------
 * .csv
 */

/* The separator that splits the first lines (outside quotes) most consistently. */
static char
guess_separator (const char *text, gsize len)
{
  static const char seps[] = { ',', ';', '\t' };
  guint best_score = 0;
  char best = ',';

  for (guint s = 0; s < G_N_ELEMENTS (seps); s++)
    {
      guint lines = 0, min = G_MAXUINT, count = 0;
      gboolean quoted = FALSE, blank = TRUE;
      /* A separator splits every line that is not blank: its fewest fields count. */
      for (gsize i = 0; i < len && lines < 20; i++)
        {
          char ch = text[i];
          if (ch == '"')
            quoted = !quoted;
          if (!quoted && ch == seps[s])
            count++;
          if (!quoted && ch == '\n')
            {
              if (!blank)
                min = MIN (min, count);
              lines++;
              count = 0;
              blank = TRUE;
            }
          else if (ch != '\r' && ch != ' ')
            blank = FALSE;
        }
      if (!blank)
        min = MIN (min, count);
      if (min != G_MAXUINT && min > best_score)
        {
          best_score = min;
          best = seps[s];
        }
    }
  return best;
}

static BlSheetBook *
read_csv (const guint8 *data, gsize len, const char *name, GError **error)
{
  g_autoptr(BlSheetBook) book = book_new (name);
  const char *text = (const char *) data;
  GString *field = g_string_new (NULL);
  BlSheet *sheet;
  guint row = 0, col = 0;
  gboolean quoted = FALSE, was_quoted = FALSE, ok = TRUE;
  char sep;

  if (len >= 3 && memcmp (text, "\xEF\xBB\xBF", 3) == 0)
    {
      text += 3;
      len -= 3;
    }
  if (!g_utf8_validate_len (text, len, NULL) || memchr (text, '\0', len))
    {
      g_string_free (field, TRUE);
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_FORMAT,
                   _("“%s” is neither an .xlsx workbook nor a CSV text file."), name);
      return NULL;
    }
  sep = guess_separator (text, len);
  sheet = sheet_new ("CSV");
  g_ptr_array_add (book->sheets, sheet);

  for (gsize i = 0; i <= len && ok; i++)
    {
      char ch = i < len ? text[i] : '\n';
      gboolean end_field, end_row = FALSE;

      if (quoted)
        {
          if (ch == '"' && i + 1 < len && text[i + 1] == '"')
            {
              g_string_append_c (field, '"');
              i++;
            }
          else if (ch == '"')
            quoted = FALSE;
          else if (i == len)
            {
              g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                           _("“%s”: a quoted field opened on line %u is never closed."), name,
                           row + 1);
              ok = FALSE;
            }
          else
            g_string_append_c (field, ch);
          if (field->len > (1u << 20))
            {
              g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                           _("“%s”: a field of more than 1 MiB."), name);
              ok = FALSE;
            }
          continue;
        }
      end_field = ch == sep;
      if (ch == '\n' || (ch == '\r' && (i + 1 >= len || text[i + 1] == '\n')))
        {
          end_field = end_row = TRUE;
          if (ch == '\r')
            i++;
        }
      if (!end_field)
        {
          if (ch == '"' && field->len == 0)
            quoted = was_quoted = TRUE;
          else if (ch != '\r')
            g_string_append_c (field, ch);
          if (field->len > (1u << 20))
            {
              g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                           _("“%s”: a field of more than 1 MiB."), name);
              ok = FALSE;
            }
          continue;
        }
      if (field->len > 0 || was_quoted)
        {
          BlSheetCell cell = { { 0 }, BL_SHEET_TEXT, 0, 0 };
          if (!was_quoted && parse_number (field->str, sep != ',', &cell.u.number, &cell.digits))
            cell.kind = BL_SHEET_NUMBER;
          else
            cell.u.text = g_string_chunk_insert (book->strings, field->str);
          ok = put_cell (book, sheet, row, col, &cell, error);
        }
      g_string_truncate (field, 0);
      was_quoted = FALSE;
      col++;
      if (end_row)
        {
          row++;
          col = 0;
        }
    }
  g_string_free (field, TRUE);
  return ok ? g_steal_pointer (&book) : NULL;
}

/* ------------------------------------------------------------------------------------------ */

BlSheetBook *
bl_sheet_book_read_bytes (const guint8 *data, gsize len, const char *name_hint, GError **error)
{
  const char *name = name_hint ? name_hint : _("the sheet");

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > BL_SHEET_MAX_FILE_BYTES)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is larger than %u MiB: too large to check."), name,
                   BL_SHEET_MAX_FILE_BYTES >> 20);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_FORMAT, _("“%s” is empty."), name);
      return NULL;
    }
  if (len >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    return read_xlsx (data, len, name, error);
  if (len >= 4 && memcmp (data, "PK", 2) == 0)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_CORRUPT,
                   _("“%s” is a zip archive with no file in it, or a damaged one."), name);
      return NULL;
    }
  if (len >= 8 && memcmp (data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_FORMAT,
                   _("“%s” is an Excel 97–2003 workbook (.xls): save it as .xlsx or .csv."),
                   name);
      return NULL;
    }
  return read_csv (data, len, name, error);
}

BlSheetBook *
bl_sheet_book_read (const char *path, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  guint64 size = 0;
  GError *local = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  name = g_filename_display_name (path);
  /* A regular file only (core/bl-file.h), its size known before a byte is read. */
  fd = bl_file_open_regular (path, G_MAXUINT64, &size, &local);
  if (fd >= 0)
    close (fd);
  if (fd >= 0 && size > BL_SHEET_MAX_FILE_BYTES)
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_TOO_LARGE,
                   _("“%s” is larger than %u MiB: too large to check."), name,
                   BL_SHEET_MAX_FILE_BYTES >> 20);
      return NULL;
    }
  if (fd < 0 || !bl_file_read_regular (path, BL_SHEET_MAX_FILE_BYTES, &data, &len, &local))
    {
      g_set_error (error, BL_SHEET_ERROR, BL_SHEET_ERROR_IO, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  return bl_sheet_book_read_bytes ((const guint8 *) data, len, name, error);
}
