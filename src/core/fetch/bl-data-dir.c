/* bl-data-dir.c: see bl-data-dir.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bl-data-dir.h"
#include "bl-digest.h"
#include "bl-fetch-error.h"
#include "core/bl-gzip.h"

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

int
bl_data_open_regular (const char *path, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  struct stat st;
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. */
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0 && errno == ENOENT)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_MISSING, _("%s is missing."), display);
      return -1;
    }
  if (fd < 0)
    {
      io_error (path, errno, error);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      io_error (path, errno, error);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO,
                   _("%s is not a regular file (a folder, FIFO or device); it is not read."),
                   display);
      close (fd);
      return -1;
    }
  /* Reads block again, as for any file. */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

gboolean
bl_data_verify_file (const char *path, NnDataFile file, const BlManifest *manifest,
                     GCancellable *cancellable, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree guint8 *buf = NULL;
  const BlManifestFile *want;
  char hex[65];
  BlDigest d;
  int fd;
  gboolean ok = TRUE;

  g_return_val_if_fail (file < NN_N_FILES, FALSE);

  manifest = manifest ? manifest : bl_manifest_mnist ();
  want = &manifest->files[file];
  if ((fd = bl_data_open_regular (path, error)) < 0)
    return FALSE;
  buf = g_malloc (256 * 1024);
  bl_digest_init (&d);
  bl_digest_set_limit (&d, want->size);
  while (ok)
    {
      gssize n = read (fd, buf, 256 * 1024);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        ok = io_error (path, errno, error);
      else if (n == 0)
        break;
      else if (g_cancellable_set_error_if_cancelled (cancellable, error))
        ok = FALSE;
      else if (!bl_digest_feed (&d, buf, n, error))
        {
          g_prefix_error (error, "%s: ", name);
          ok = FALSE;
        }
    }
  close (fd);
  if (ok && !bl_digest_finish (&d, hex, error))
    {
      g_prefix_error (error, "%s: ", name);
      ok = FALSE;
    }
  if (ok && strcmp (hex, want->sha256) != 0)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_DIGEST,
                   _("%s is not %s's %s: its content's SHA-256 is %.16s…, not %.16s…"),
                   name, manifest->name, nn_dataset_file_name (file), hex, want->sha256);
      ok = FALSE;
    }
  bl_digest_clear (&d);
  return ok;
}

gboolean
bl_data_peek_idx (const char *path, guint *n_dims, guint32 dims[3], GError **error)
{
  g_autoptr(GInputStream) raw = NULL, in = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  guint8 head[4 + 4 * 3];
  gsize n = 0;
  int fd = bl_data_open_regular (path, error);

  if (fd < 0)
    return FALSE;
  raw = g_unix_input_stream_new (fd, TRUE);
  /* Sniff the two gzip bytes, then start again from the top through a decompressor if so. */
  if (!g_input_stream_read_all (raw, head, 2, &n, NULL, error))
    return FALSE;
  if (lseek (fd, 0, SEEK_SET) != 0)
    return io_error (path, errno, error);
  if (bl_gzip_has_magic (head, n))
    {
      g_autoptr(GConverter) gunzip = bl_gunzip_new ();
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
