/* bl-manifest.c: see bl-manifest.h. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "bl-data-dir.h"
#include "bl-fetch-error.h"
#include "bl-manifest.h"

/* MNIST's decompressed sizes: an IDX header (16 bytes for images, 8 for labels) and one byte
 * per pixel or label. Beside the digests, which are the engine's. */
static const guint64 mnist_size[NN_N_FILES] = {
  16 + 60000 * 28 * 28,   /* train-images-idx3-ubyte: 47,040,016 */
  8 + 60000,              /* train-labels-idx1-ubyte */
  16 + 10000 * 28 * 28,   /* t10k-images-idx3-ubyte: 7,840,016 */
  8 + 10000,              /* t10k-labels-idx1-ubyte */
};

/* A manifest file is a few lines; anything bigger is not one. */
#define MAX_MANIFEST_BYTES (64 * 1024)

const BlManifest *
bl_manifest_mnist (void)
{
  static BlManifest mnist;
  static gsize done;

  if (g_once_init_enter (&done))
    {
      g_strlcpy (mnist.name, "MNIST", sizeof mnist.name);
      for (NnDataFile f = 0; f < NN_N_FILES; f++)
        {
          g_strlcpy (mnist.files[f].sha256, nn_dataset_mnist_sha256 (f),
                     sizeof mnist.files[f].sha256);
          mnist.files[f].size = mnist_size[f];
        }
      g_once_init_leave (&done, 1);
    }
  return &mnist;
}

guint64
bl_manifest_total_size (const BlManifest *manifest)
{
  guint64 total = 0;

  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    total += manifest->files[f].size;
  return total;
}

static gboolean
bad_line (GError **error, const char *name, guint line, const char *why)
{
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID, _("%s, line %u: %s"), name, line,
               why);
  return FALSE;
}

static gboolean
is_hex_digest (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

gboolean
bl_manifest_parse (BlManifest *manifest, const char *name, const char *text, gsize len,
                   GError **error)
{
  g_autofree char *copy = g_strndup (text, len);
  g_auto(GStrv) lines = NULL;
  gboolean seen[NN_N_FILES] = { FALSE };
  BlManifest m = { 0 };

  if (strlen (copy) != len || !g_utf8_validate (copy, -1, NULL))
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                   _("%s is not a manifest: it is not UTF-8 text"), name);
      return FALSE;
    }
  g_strlcpy (m.name, name, sizeof m.name);
  lines = g_strsplit (copy, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *hex = NULL;
      char *line = g_strstrip (lines[i]);
      guint64 size;
      guint n = 0;
      NnDataFile f;

      if (line[0] == '\0' || line[0] == '#')
        continue;
      fields = g_strsplit_set (line, " \t", -1);
      /* Runs of blanks split into empty fields: keep the others, in order. */
      for (guint j = 0; fields[j]; j++)
        if (fields[j][0] != '\0')
          {
            char *keep = fields[j];
            fields[j] = fields[n];
            fields[n++] = keep;
          }
      if (n != 3)
        return bad_line (error, name, i + 1,
                         _("expected three fields: SHA-256, size in bytes, file name"));
      if (!is_hex_digest (fields[0]))
        return bad_line (error, name, i + 1, _("the SHA-256 is not 64 hexadecimal digits"));
      if (!g_ascii_string_to_unsigned (fields[1], 10, 1, BL_MANIFEST_MAX_SIZE, &size, NULL))
        return bad_line (error, name, i + 1,
                         _("the size is not a whole number of bytes from 1 to 4 GiB"));
      for (f = 0; f < NN_N_FILES; f++)
        if (g_str_equal (fields[2], nn_dataset_file_name (f)))
          break;
      if (f == NN_N_FILES)
        return bad_line (error, name, i + 1,
                         _("the name is not one of train-images-idx3-ubyte, "
                           "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                           "t10k-labels-idx1-ubyte"));
      if (seen[f])
        return bad_line (error, name, i + 1, _("this file is already listed"));
      seen[f] = TRUE;
      hex = g_ascii_strdown (fields[0], -1);
      g_strlcpy (m.files[f].sha256, hex, sizeof m.files[f].sha256);
      m.files[f].size = size;
    }
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    if (!seen[f])
      {
        g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                     _("%s does not list %s"), name, nn_dataset_file_name (f));
        return FALSE;
      }
  *manifest = m;
  return TRUE;
}

gboolean
bl_manifest_load (BlManifest *manifest, const char *path, GError **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *text = g_malloc (MAX_MANIFEST_BYTES + 1);
  gsize len = 0;
  int fd = bl_data_open_regular (path, error);

  if (fd < 0)
    return FALSE;
  while (len <= MAX_MANIFEST_BYTES)
    {
      gssize n = read (fd, text + len, MAX_MANIFEST_BYTES + 1 - len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (path);
          close (fd);
          g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO, _("Could not read %s: %s"),
                       display, g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        break;
      len += n;
    }
  close (fd);
  if (len > MAX_MANIFEST_BYTES)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                   _("%s is not a manifest: it is larger than %u KiB"), name,
                   MAX_MANIFEST_BYTES / 1024);
      return FALSE;
    }
  return bl_manifest_parse (manifest, name, text, len, error);
}
