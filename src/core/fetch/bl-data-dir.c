/* bl-data-dir.c: see bl-data-dir.h. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "bl-data-dir.h"
#include "bl-digest.h"
#include "bl-fetch-error.h"

char *
bl_data_user_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "backprop-lab", "mnist", NULL);
}

GStrv
bl_data_search_dirs (void)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
  g_autofree char *user = bl_data_user_dir ();

  const char *const *system = g_get_system_data_dirs ();

  g_strv_builder_add (b, user);
  /* Debian's dataset packages install under /usr/share/datasets; reading the system data
   * folders ($XDG_DATA_DIRS) rather than that path lets a test (or a user) choose them. */
  for (guint i = 0; system[i]; i++)
    {
      g_autofree char *mnist = g_build_filename (system[i], "datasets", "mnist", NULL);
      g_autofree char *fashion = g_build_filename (system[i], "datasets", "fashion-mnist", NULL);
      g_strv_builder_add (b, mnist);
      g_strv_builder_add (b, fashion);
    }
  return g_strv_builder_end (b);
}

/* The file the loader would pick: checking that one is what makes "verified" mean something. */
char *
bl_data_find_file (const char *dir, NnDataFile file)
{
  return nn_dataset_find_file (dir, file);
}

static gboolean
io_error (const char *path, int saved, GError **error)
{
  g_autofree char *name = g_filename_display_name (path);
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO, _("Could not read %s: %s"), name,
               g_strerror (saved));
  return FALSE;
}

gboolean
bl_data_verify_file (const char *path, NnDataFile file, GCancellable *cancellable,
                     GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree guint8 *buf = g_malloc (256 * 1024);
  char hex[65];
  BlDigest d;
  FILE *f;
  gboolean ok = TRUE;

  g_return_val_if_fail (file < NN_N_FILES, FALSE);

  if ((f = g_fopen (path, "rb")) == NULL)
    {
      if (errno == ENOENT)
        {
          g_autofree char *display = g_filename_display_name (path);
          g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_MISSING, _("%s is missing."),
                       display);
          return FALSE;
        }
      return io_error (path, errno, error);
    }
  bl_digest_init (&d);
  while (ok)
    {
      size_t n = fread (buf, 1, 256 * 1024, f);
      if (n == 0)
        {
          if (ferror (f))
            ok = io_error (path, errno, error);
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else if (!bl_digest_feed (&d, buf, n, error))
        {
          g_prefix_error (error, "%s: ", name);
          ok = FALSE;
        }
    }
  fclose (f);
  if (ok && !bl_digest_finish (&d, hex, error))
    {
      g_prefix_error (error, "%s: ", name);
      ok = FALSE;
    }
  if (ok && strcmp (hex, nn_dataset_mnist_sha256 (file)) != 0)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_DIGEST,
                   _("%s is not MNIST's %s: its content's SHA-256 is %.16s…, not %.16s…"),
                   name, nn_dataset_file_name (file), hex, nn_dataset_mnist_sha256 (file));
      ok = FALSE;
    }
  bl_digest_clear (&d);
  return ok;
}

gboolean
bl_data_peek_idx (const char *path, guint *n_dims, guint32 dims[3], GError **error)
{
  g_autoptr(GFile) gfile = g_file_new_for_path (path);
  g_autoptr(GInputStream) raw = NULL, in = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  guint8 head[4 + 4 * 3];
  gsize n = 0;

  raw = G_INPUT_STREAM (g_file_read (gfile, NULL, error));
  if (raw == NULL)
    return FALSE;
  /* Sniff the two gzip bytes, then start again from the top through a decompressor if so. */
  if (!g_input_stream_read_all (raw, head, 2, &n, NULL, error))
    return FALSE;
  if (!g_seekable_seek (G_SEEKABLE (raw), 0, G_SEEK_SET, NULL, error))
    return FALSE;
  if (n == 2 && head[0] == 0x1f && head[1] == 0x8b)
    {
      g_autoptr(GConverter) gunzip =
        G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
      in = g_converter_input_stream_new (raw, gunzip);
    }
  else
    in = g_object_ref (raw);
  if (!g_input_stream_read_all (in, head, 4, &n, NULL, error))
    {
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  /* Magic: two zero bytes, 0x08 (unsigned bytes), then the number of dimensions. */
  if (n < 4 || head[0] != 0 || head[1] != 0 || head[2] != 0x08 || head[3] < 1 || head[3] > 3)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                   _("%s is not an IDX file of unsigned bytes with 1 to 3 dimensions."), name);
      return FALSE;
    }
  *n_dims = head[3];
  if (!g_input_stream_read_all (in, head + 4, 4 * *n_dims, &n, NULL, error))
    {
      g_prefix_error (error, "%s: ", name);
      return FALSE;
    }
  if (n < 4 * *n_dims)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED,
                   _("%s ends inside its header."), name);
      return FALSE;
    }
  for (guint i = 0; i < 3; i++)
    {
      guint32 be = 0;
      if (i < *n_dims)
        memcpy (&be, head + 4 + 4 * i, 4);
      dims[i] = GUINT32_FROM_BE (be);
    }
  return TRUE;
}
