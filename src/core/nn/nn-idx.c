/* nn-idx.c: see nn-idx.h. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "nn-error.h"
#include "nn-idx.h"

static gboolean
read_exactly (GInputStream *in, void *buf, gsize n, gsize *got, GError **error)
{
  return g_input_stream_read_all (in, buf, n, got, NULL, error);
}

gboolean
nn_idx_read (const char *path, guint want_dims, NnIdx *out, GError **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) raw = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GChecksum) sum = NULL;
  g_autofree char *name = NULL;
  guint8 header[4 + 4 * NN_IDX_MAX_DIMS];
  guint8 magic[2];
  gboolean gzip = FALSE;
  guint64 items = 1, file_size;
  gsize got = 0, header_len;
  guint n_dims;

  g_return_val_if_fail (path != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  name = g_filename_display_name (path);

  file = g_file_new_for_path (path);
  raw = g_file_read (file, NULL, &local);
  if (raw == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Cannot open %s: %s"), name, local->message);
      return FALSE;
    }
  info = g_file_input_stream_query_info (raw, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  file_size = info ? (guint64) g_file_info_get_size (info) : 0;

  /* gzip is recognised by its magic bytes, whatever the file is called. */
  if (!read_exactly (G_INPUT_STREAM (raw), magic, 2, &got, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Cannot read %s: %s"), name, local->message);
      return FALSE;
    }
  gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (!g_seekable_seek (G_SEEKABLE (raw), 0, G_SEEK_SET, NULL, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Cannot read %s: %s"), name, local->message);
      return FALSE;
    }
  if (gzip)
    {
      g_autoptr(GZlibDecompressor) dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      in = g_converter_input_stream_new (G_INPUT_STREAM (raw), G_CONVERTER (dec));
    }
  else
    in = G_INPUT_STREAM (g_object_ref (raw));

  /* Magic: two zero bytes, the type (0x08: unsigned byte), the number of dimensions. */
  if (!read_exactly (in, header, 4, &got, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is not a readable %s file: %s"), name,
                   gzip ? "gzip" : "IDX", local->message);
      return FALSE;
    }
  if (got < 4 || header[0] != 0 || header[1] != 0 || header[2] != 0x08)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s is not an IDX file of unsigned bytes (wrong magic number)."), name);
      return FALSE;
    }
  n_dims = header[3];
  if (n_dims != want_dims || n_dims < 1 || n_dims > NN_IDX_MAX_DIMS)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s has %u dimensions where %u are expected (%s)."), name, n_dims, want_dims,
                   want_dims == 1 ? _("a labels file") : _("an images file"));
      return FALSE;
    }
  header_len = 4 + 4 * n_dims;
  if (!read_exactly (in, header + 4, 4 * n_dims, &got, &local) || got < 4 * n_dims)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is truncated inside its header."),
                   name);
      return FALSE;
    }
  for (guint d = 0; d < n_dims; d++)
    {
      const guint8 *b = header + 4 + 4 * d;
      out->dims[d] = (guint32) b[0] << 24 | (guint32) b[1] << 16 | (guint32) b[2] << 8 | b[3];
      items *= out->dims[d];
      if (items > NN_IDX_MAX_BYTES)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("%s claims more than %llu bytes of data; refusing it."),
                       name, (unsigned long long) NN_IDX_MAX_BYTES);
          return FALSE;
        }
    }
  out->n_dims = n_dims;
  /* Raw files announce their length: check it before allocating. */
  if (!gzip && file_size != header_len + items)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   file_size < header_len + items
                   ? _("%s is truncated: its header announces %llu bytes of data, "
                       "the file holds %llu.")
                   : _("%s is longer than its header announces (%llu bytes of "
                       "data, the file holds %llu)."),
                   name, (unsigned long long) items,
                   (unsigned long long) (file_size - MIN (file_size, header_len)));
      return FALSE;
    }

  out->size = items;
  out->data = g_try_malloc (MAX (items, 1));
  if (out->data == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Not enough memory for %s."), name);
      return FALSE;
    }
  if (!read_exactly (in, out->data, items, &got, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s could not be read: %s"), name,
                   local->message);
      nn_idx_clear (out);
      return FALSE;
    }
  if (got < items)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s is truncated: its header announces %llu bytes of data, "
                     "the file holds %llu."), name, (unsigned long long) items,
                   (unsigned long long) got);
      nn_idx_clear (out);
      return FALSE;
    }
  if (gzip)
    {
      guint8 extra;
      if (!read_exactly (in, &extra, 1, &got, &local))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s could not be read: %s"), name,
                       local->message);
          nn_idx_clear (out);
          return FALSE;
        }
      if (got != 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("%s is longer than its header announces."), name);
          nn_idx_clear (out);
          return FALSE;
        }
    }

  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, header, header_len);
  g_checksum_update (sum, out->data, items);
  g_strlcpy (out->sha256, g_checksum_get_string (sum), sizeof out->sha256);
  return TRUE;
}

void
nn_idx_clear (NnIdx *idx)
{
  if (idx == NULL)
    return;
  g_clear_pointer (&idx->data, g_free);
  idx->size = 0;
}
