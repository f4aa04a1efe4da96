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

  g_return_val_if_fail (path != NULL, FALSE);

  /* A temporary file beside the target, renamed over it only when complete; created with the
   * user's umask like any file they save, not private as a mkstemp file would be. */
  tmp_path = bl_file_temp_path (path);
  out = g_fopen (tmp_path, "wx");
  if (out == NULL)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create a file beside “%s”: %s"), path, g_strerror (saved));
      return FALSE;
    }
  ok = bl_toy_ledger_write_stream (out, format, runs, n_runs, error);
  if (fflush (out) != 0 || fsync (fileno (out)) != 0)
    {
      int saved = errno;
      if (ok)
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                     _("Could not write “%s”: %s"), path, g_strerror (saved));
      ok = FALSE;
    }
  if (fclose (out) != 0 && ok)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), path, g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (tmp_path);
      return FALSE;
    }
  return bl_file_commit_temp (tmp_path, path, error);
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

BlToyTable *
bl_toy_table_read_csv (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GArray) values = NULL;
  g_auto(GStrv) lines = NULL;
  BlToyTable *table;
  guint n_lines;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  lines = g_strsplit (contents, "\n", -1);
  n_lines = g_strv_length (lines);
  while (n_lines > 0 && *g_strstrip (lines[n_lines - 1]) == '\0')
    n_lines--;
  if (n_lines == 0)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE, _("“%s” is empty."), path);
      return NULL;
    }

  table = g_new0 (BlToyTable, 1);
  table->names = g_strsplit (g_strstrip (lines[0]), ",", -1);
  table->n_cols = g_strv_length (table->names);
  values = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 1; i < n_lines; i++)
    {
      g_auto(GStrv) cells = g_strsplit (g_strstrip (lines[i]), ",", -1);
      if (g_strv_length (cells) != table->n_cols)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                       _("%s:%u: %u cells where the header has %u."), path, i + 1,
                       g_strv_length (cells), table->n_cols);
          bl_toy_table_free (table);
          return NULL;
        }
      for (guint c = 0; c < table->n_cols; c++)
        {
          double v;
          if (!parse_cell (cells[c], &v))
            {
              g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                           _("%s:%u: “%s” is not a number."), path, i + 1, cells[c]);
              bl_toy_table_free (table);
              return NULL;
            }
          g_array_append_val (values, v);
        }
      table->n_rows++;
    }
  table->values = (double *) (void *) g_array_free (g_steal_pointer (&values), FALSE);
  return table;
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
