/* nn-idx.c: see nn-idx.h. */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "core/bl-file.h"
#include "core/bl-gzip.h"
#include "nn-error.h"
#include "nn-idx.h"

/* The largest file read: its data plus the header, or the gzip of that (which never grows
 * data by more than a fraction of a percent; twice is a generous bound). */
#define MAX_FILE_BYTES (2 * NN_IDX_MAX_BYTES)

static gboolean
read_exactly (GInputStream *in, void *buf, gsize n, gsize *got, GError **error)
{
  return g_input_stream_read_all (in, buf, n, got, NULL, error);
}

/* The first buffer for a gzip stream's data (MNIST's largest file: 47 MB). */
#define GZIP_FIRST_BYTES (1 << 20)

/* Reads up to @items bytes into *@data, allocated @first bytes then doubled as needed; *@got
 * says how many came. FALSE with @error set if reading failed, without if memory ran out. */
static gboolean
read_data (GInputStream *in, guint64 items, guint64 first, guint8 **data, gsize *got,
           GError **error)
{
  gsize cap = MAX (first, 1), have = 0;
  guint8 *buf = g_try_malloc (cap);

  for (;;)
    {
      gsize n = 0;

      if (buf == NULL)
        return FALSE;
      if (!read_exactly (in, buf + have, MIN (cap, items) - have, &n, error))
        {
          g_free (buf);
          return FALSE;
        }
      have += n;
      if (have < MIN (cap, items) || have == items)
        break;   /* the end of the stream, or all that was announced */
      cap = MIN (cap * 2, items);
      {
        guint8 *grown = g_try_realloc (buf, cap);
        if (grown == NULL)
          g_free (buf);
        buf = grown;
      }
    }
  *data = buf;
  *got = have;
  return TRUE;
}

/* Reads an IDX file from @raw (@raw_size bytes, gzip-compressed if @gzip). */
static gboolean
read_stream (GInputStream *raw, guint64 raw_size, gboolean gzip, const char *name,
             guint want_dims, NnIdx *out, GError **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(GChecksum) sum = NULL;
  guint8 header[4 + 4 * NN_IDX_MAX_DIMS];
  guint64 items = 1;
  gsize got = 0, header_len;
  guint n_dims;

  /* gzip as the downloader and the data checks read it (core/bl-gzip.h): every member, and
   * nothing after the last. */
  if (gzip)
    {
      g_autoptr(GConverter) gunzip = bl_gunzip_new ();
      in = g_converter_input_stream_new (raw, gunzip);
    }
  else
    in = g_object_ref (raw);

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
  if (!gzip && raw_size != header_len + items)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   raw_size < header_len + items
                   ? _("%s is truncated: its header announces %llu bytes of data, "
                       "the file holds %llu.")
                   : _("%s is longer than its header announces (%llu bytes of "
                       "data, the file holds %llu)."),
                   name, (unsigned long long) items,
                   (unsigned long long) (raw_size - MIN (raw_size, header_len)));
      return FALSE;
    }

  /* A raw file's length was just checked, so its data can be allocated at once. A gzip
   * stream's cannot be known before it is read: the buffer grows with what arrives (doubling,
   * up to the claim), so a small file claiming a gigabyte costs what it holds, not the claim. */
  out->size = items;
  if (!read_data (in, items, gzip ? MIN (items, GZIP_FIRST_BYTES) : items, &out->data, &got,
                  &local))
    {
      if (local)
        g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s could not be read: %s"), name,
                     local->message);
      else
        g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Not enough memory for %s."), name);
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

gboolean
nn_idx_read (const char *path, guint want_dims, NnIdx *out, GError **error)
{
  g_autoptr(GInputStream) raw = NULL;
  g_autoptr(GError) local = NULL;
  g_autofree char *name = NULL;
  guint64 size = 0;
  guint8 magic[2];
  gssize n;
  int fd;

  g_return_val_if_fail (path != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  name = g_filename_display_name (path);

  /* A regular file, its size known before anything is read. */
  fd = bl_file_open_regular (path, MAX_FILE_BYTES, &size, &local);
  if (fd < 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, local->message);
      return FALSE;
    }
  /* gzip is recognised by its magic bytes, whatever the file is called. */
  do
    n = pread (fd, magic, sizeof magic, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Cannot read %s: %s"), name,
                   g_strerror (errno));
      close (fd);
      return FALSE;
    }
  raw = g_unix_input_stream_new (fd, TRUE);
  return read_stream (raw, size, bl_gzip_has_magic (magic, n), name, want_dims, out, error);
}

gboolean
nn_idx_read_data (const guint8 *data, gsize length, const char *name, guint want_dims,
                  NnIdx *out, GError **error)
{
  g_autoptr(GInputStream) raw = NULL;

  g_return_val_if_fail ((data != NULL || length == 0) && name != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  raw = g_memory_input_stream_new_from_data (data, length, NULL);
  return read_stream (raw, length, bl_gzip_has_magic (data, length), name, want_dims, out, error);
}

void
nn_idx_clear (NnIdx *idx)
{
  if (idx == NULL)
    return;
  g_clear_pointer (&idx->data, g_free);
  idx->size = 0;
}

gboolean
nn_idx_read_split (const char *images_path, const char *labels_path, NnSplit *out,
                   char *images_sha256, char *labels_sha256, GError **error)
{
  NnIdx images = { 0 }, labels = { 0 };
  g_autofree char *img_name = NULL, *lab_name = NULL;

  g_return_val_if_fail (images_path != NULL && labels_path != NULL && out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (!nn_idx_read (images_path, 3, &images, error))
    return FALSE;
  if (!nn_idx_read (labels_path, 1, &labels, error))
    {
      nn_idx_clear (&images);
      return FALSE;
    }
  img_name = g_filename_display_basename (images_path);
  lab_name = g_filename_display_basename (labels_path);
  if (images.dims[1] != NN_IMAGE_SIDE || images.dims[2] != NN_IMAGE_SIDE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("%s holds %u×%u images; this network takes 28×28."), img_name,
                   images.dims[1], images.dims[2]);
      goto fail;
    }
  if (images.dims[0] != labels.dims[0])
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("%s holds %u images but %s holds %u labels."), img_name, images.dims[0],
                   lab_name, labels.dims[0]);
      goto fail;
    }
  for (guint i = 0; i < labels.dims[0]; i++)
    if (labels.data[i] >= NN_CLASSES)
      {
        g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                     _("%s: label %u of item %u is not a digit class 0–9."), lab_name,
                     labels.data[i], i);
        goto fail;
      }
  out->n = images.dims[0];
  out->images = images.data;
  out->labels = labels.data;
  if (images_sha256)
    g_strlcpy (images_sha256, images.sha256, 65);
  if (labels_sha256)
    g_strlcpy (labels_sha256, labels.sha256, 65);
  return TRUE;

fail:
  nn_idx_clear (&images);
  nn_idx_clear (&labels);
  return FALSE;
}
