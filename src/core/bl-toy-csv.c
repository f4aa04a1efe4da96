/* bl-toy-csv.c: the toy ledger as CSV or JSON, streamed and written atomically, and a CSV
 * reader for round trips. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/bl-file.h"
#include "core/bl-toy-csv.h"

/* %.17g round-trips every double; non-finite values get names other tools read. */
static void
write_number (FILE *out, double v, BlToyFormat format)
{
  if (isfinite (v))
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      fputs (g_ascii_formatd (buf, sizeof buf, "%.17g", v), out);
    }
  else if (format == BL_TOY_FORMAT_JSON)
    fputs ("null", out);
  else
    fputs (isnan (v) ? "nan" : v > 0 ? "inf" : "-inf", out);
}

static gboolean
runs_have_biases (BlToyRun *const *runs, guint n_runs)
{
  for (guint r = 0; r < n_runs; r++)
    if (runs[r]->init.has_biases)
      return TRUE;
  return FALSE;
}

gboolean
bl_toy_ledger_write_stream (FILE *out, BlToyFormat format, BlToyRun *const *runs, guint n_runs,
                            GError **error)
{
  gboolean biases;
  gboolean first_obj = TRUE;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (runs != NULL || n_runs == 0, FALSE);

  biases = runs_have_biases (runs, n_runs);
  if (format == BL_TOY_FORMAT_CSV)
    {
      fputs ("lr,iteration", out);
      for (guint c = 0; c < BL_TOY_N_COLS; c++)
        if (bl_toy_column_visible (c, biases))
          fprintf (out, ",%s", bl_toy_column_name (c));
      fputc ('\n', out);
    }
  else
    fputs ("[\n", out);

  for (guint r = 0; r < n_runs; r++)
    for (guint k = 0; k < runs[r]->n_rows; k++)
      {
        BlToyRow row;

        bl_toy_run_get_row (runs[r], k, &row);
        if (format == BL_TOY_FORMAT_CSV)
          {
            write_number (out, runs[r]->lr, format);
            fprintf (out, ",%u", k);
            for (guint c = 0; c < BL_TOY_N_COLS; c++)
              if (bl_toy_column_visible (c, biases))
                {
                  fputc (',', out);
                  write_number (out, row.v[c], format);
                }
            fputc ('\n', out);
          }
        else
          {
            fputs (first_obj ? "{\"lr\":" : ",\n{\"lr\":", out);
            first_obj = FALSE;
            write_number (out, runs[r]->lr, format);
            fprintf (out, ",\"iteration\":%u", k);
            for (guint c = 0; c < BL_TOY_N_COLS; c++)
              if (bl_toy_column_visible (c, biases))
                {
                  fprintf (out, ",\"%s\":", bl_toy_column_name (c));
                  write_number (out, row.v[c], format);
                }
            fputc ('}', out);
          }
      }
  if (format == BL_TOY_FORMAT_JSON)
    fputs ("\n]\n", out);

  if (ferror (out))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not write the ledger: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
bl_toy_ledger_save (const char *path, BlToyFormat format, BlToyRun *const *runs, guint n_runs,
                    GError **error)
{
  g_autofree char *tmp_path = NULL;
  FILE *out;
  gboolean ok;
  int fd, kept;

  g_return_val_if_fail (path != NULL, FALSE);

  /* A locked temporary file beside the target (core/bl-file.h), renamed over it only when
   * complete; a device node or FIFO as the target is refused. */
  fd = bl_file_open_temp (path, &tmp_path, error);
  if (fd < 0)
    return FALSE;
  out = fdopen (fd, "w");
  if (out == NULL)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      bl_file_discard_temp (fd, tmp_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), name, g_strerror (saved));
      return FALSE;
    }
  ok = bl_toy_ledger_write_stream (out, format, runs, n_runs, error);
  /* Another descriptor keeps the file (and its lock) for the commit once the stream is
   * closed; closing it is where the last buffered write shows whether it failed. */
  kept = dup (fileno (out));
  if ((fflush (out) != 0 || kept < 0) && ok)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), name, g_strerror (saved));
      ok = FALSE;
    }
  if (fclose (out) != 0 && ok)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), name, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    {
      bl_file_discard_temp (kept, tmp_path);
      return FALSE;
    }
  return bl_file_commit_fd (kept, tmp_path, path, error);
}

/* ------------------------------------------------------------------------------------------ */

static gboolean
parse_cell (const char *text, double *out)
{
  char *end;

  if (g_str_equal (text, "nan")) { *out = NAN; return TRUE; }
  if (g_str_equal (text, "inf")) { *out = INFINITY; return TRUE; }
  if (g_str_equal (text, "-inf")) { *out = -INFINITY; return TRUE; }
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* One line's cells, split on ',' with the whole line's surrounding white space dropped (as the
 * writer never puts any, a round trip is exact). */
static GPtrArray *
split_cells (const char *line, gsize len)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func (g_free);
  const char *p = line, *end = line + len;

  while (p < end && g_ascii_isspace (*p))
    p++;
  while (end > p && g_ascii_isspace (end[-1]))
    end--;
  for (;;)
    {
      const char *comma = memchr (p, ',', end - p);
      g_ptr_array_add (cells, g_strndup (p, (comma ? comma : end) - p));
      if (comma == NULL)
        break;
      p = comma + 1;
    }
  return cells;
}

static gboolean
is_blank (const char *line, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (line[i]))
      return FALSE;
  return TRUE;
}

BlToyTable *
bl_toy_table_parse_csv (const char *text, gsize length, const char *name, GError **error)
{
  g_autoptr(GArray) values = NULL;
  const char *p = text, *end = text + length;
  BlToyTable *table = NULL;
  guint line_no = 0;

  g_return_val_if_fail ((text != NULL || length == 0) && name != NULL, NULL);

  values = g_array_new (FALSE, FALSE, sizeof (double));
  /* Line by line where the text lies; blank lines are skipped. */
  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      gsize len = (eol ? eol : end) - p;
      g_autoptr(GPtrArray) cells = NULL;
      const char *line = p;

      line_no++;
      p = eol ? eol + 1 : end;
      if (is_blank (line, len))
        continue;
      if (memchr (line, '\0', len) != NULL)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                       _("%s:%u: a NUL byte, which is not text."), name, line_no);
          bl_toy_table_free (table);
          return NULL;
        }
      cells = split_cells (line, len);
      if (table == NULL)
        {
          table = g_new0 (BlToyTable, 1);
          table->n_cols = cells->len;
          table->names = g_new0 (char *, cells->len + 1);
          /* Names are text a caller may show: valid UTF-8 whatever the bytes were. */
          for (guint c = 0; c < cells->len; c++)
            table->names[c] = g_utf8_make_valid (g_ptr_array_index (cells, c), -1);
          continue;
        }
      if (cells->len != table->n_cols)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                       _("%s:%u: %u cells where the header has %u."), name, line_no, cells->len,
                       table->n_cols);
          bl_toy_table_free (table);
          return NULL;
        }
      for (guint c = 0; c < table->n_cols; c++)
        {
          const char *cell = g_ptr_array_index (cells, c);
          double v;
          if (!parse_cell (cell, &v))
            {
              g_autofree char *shown = g_utf8_make_valid (cell, MIN (strlen (cell), 80));
              g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                           _("%s:%u: “%s” is not a number."), name, line_no, shown);
              bl_toy_table_free (table);
              return NULL;
            }
          g_array_append_val (values, v);
        }
      table->n_rows++;
    }
  if (table == NULL)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE, _("“%s” is empty."), name);
      return NULL;
    }
  table->values = (double *) (void *) g_array_free (g_steal_pointer (&values), FALSE);
  return table;
}

BlToyTable *
bl_toy_table_read_csv (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  /* A regular file of bounded size, read with plain reads (core/bl-file.h). */
  if (!bl_file_read_regular (path, BL_TOY_TABLE_MAX_BYTES, &contents, &length, &local))
    {
      g_set_error_literal (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE, local->message);
      return NULL;
    }
  name = g_filename_display_name (path);
  return bl_toy_table_parse_csv (contents, length, name, error);
}

void
bl_toy_table_free (BlToyTable *table)
{
  if (table == NULL)
    return;
  g_strfreev (table->names);
  g_free (table->values);
  g_free (table);
}

int
bl_toy_table_column (const BlToyTable *table, const char *name)
{
  for (guint c = 0; c < table->n_cols; c++)
    if (g_str_equal (table->names[c], name))
      return (int) c;
  return -1;
}
