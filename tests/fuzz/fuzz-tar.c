/* fuzz-tar.c: the downloader's tarball path (bl-tar.h, through bl-inflate.h as a .tgz from a
 * mirror arrives) on any bytes. Besides crashes and sanitizer reports, it checks the reader's
 * promises, aborting when one breaks:
 *   - a file is reported only with a relative path that never climbs out (no leading '/',
 *     no ".." component), never empty;
 *   - a file's content, begin to end, is exactly the size its header announced;
 *   - with a limit, no file is announced that would end past it.
 * The input is read twice: in one piece, and in pieces whose sizes come from its own bytes
 * (a reader must not depend on where the network cuts); both must agree. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bl-inflate.h"
#include "bl-tar.h"

/* What the reader may hold: as the fetcher allows the whole set and a little more, scaled
 * down so that a fuzzer's bomb costs milliseconds. */
#define LIMIT (1 << 20)

typedef struct {
  guint64  n_files;
  guint64  want;        /* bytes the current file still owes */
  gboolean in_file;
  guint64  total;       /* content bytes seen, all files */
  GChecksum *sum;       /* of every name and content, in order */
} Seen;

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

static gboolean
on_begin (const char *name, guint64 size, gboolean *want, gpointer data, GError **error)
{
  Seen *s = data;
  g_auto(GStrv) parts = g_strsplit (name, "/", -1);

  check (!s->in_file);
  check (name[0] != '\0' && name[0] != '/');
  for (guint i = 0; parts[i]; i++)
    check (!g_str_equal (parts[i], ".."));
  check (size <= LIMIT);
  g_checksum_update (s->sum, (const guchar *) name, strlen (name) + 1);
  s->n_files++;
  s->want = size;
  s->in_file = TRUE;
  *want = TRUE;
  return TRUE;
}

static gboolean
on_data (const guint8 *buf, gsize len, gpointer data, GError **error)
{
  Seen *s = data;

  check (s->in_file && len > 0 && len <= s->want);
  s->want -= len;
  s->total += len;
  g_checksum_update (s->sum, buf, len);
  return TRUE;
}

static gboolean
on_end (gpointer data, GError **error)
{
  Seen *s = data;

  check (s->in_file && s->want == 0);
  s->in_file = FALSE;
  return TRUE;
}

static gboolean
to_tar (const guint8 *data, gsize len, gpointer tar, GError **error)
{
  return bl_tar_feed (tar, data, len, error);
}

/* Reads @data, @step_seed deciding the pieces (0: one piece). */
static gboolean
read_once (const uint8_t *data, size_t size, guint step_seed, char hex[65], GError **error)
{
  static const BlTarHandler handler = { on_begin, on_data, on_end };
  Seen s = { 0 };
  BlTar *tar;
  BlInflate z;
  gboolean ok = TRUE;
  gsize at = 0;

  s.sum = g_checksum_new (G_CHECKSUM_SHA256);
  tar = bl_tar_new (&handler, &s);
  bl_tar_set_limit (tar, LIMIT);
  bl_inflate_init (&z, to_tar, tar);
  bl_inflate_set_limit (&z, LIMIT);
  while (ok && at < size)
    {
      gsize n = step_seed ? 1 + (data[(at + step_seed) % size] * 7 + at) % 1500 : size;
      n = MIN (n, size - at);
      ok = bl_inflate_feed (&z, data + at, n, error);
      at += n;
    }
  ok = ok && bl_inflate_finish (&z, error) && bl_tar_finish (tar, error);
  check (!ok || !s.in_file);
  g_strlcpy (hex, g_checksum_get_string (s.sum), 65);
  bl_inflate_clear (&z);
  bl_tar_free (tar);
  g_checksum_free (s.sum);
  return ok;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *e1 = NULL, *e2 = NULL;
  char h1[65], h2[65];
  gboolean ok1 = read_once (data, size, 0, h1, &e1);
  gboolean ok2 = read_once (data, size, 1 + (size ? data[0] : 0), h2, &e2);

  /* Wherever the input is cut, the same outcome: the same files and bytes, or an error of
   * the same kind. */
  check (ok1 == ok2);
  if (ok1)
    check (strcmp (h1, h2) == 0);
  else
    check (e1->domain == e2->domain && e1->code == e2->code);
  g_clear_error (&e1);
  g_clear_error (&e2);
  return 0;
}
