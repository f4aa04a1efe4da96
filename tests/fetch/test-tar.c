/* test-tar.c: the tar reader the downloader unpacks tarballs with (bl-tar.h), on archives
 * written by GNU tar in its three formats, and on archives written by hand the way an attacker
 * would: lying pax records, base-256 sizes, truncated headers, names without a NUL, paths that
 * climb out, links. Fed in pieces of every awkward size; it must never crash, and it must
 * report only regular files inside the archive. */
#include <glib/gstdio.h>
#include <string.h>

#include "bl-fetch-error.h"
#include "bl-inflate.h"
#include "bl-tar.h"
#include "test-server.h"

static char *tmp_root;

typedef struct {
  GPtrArray  *names;     /* every file begin() was told of */
  GPtrArray  *sizes;     /* their sizes, as GUINT_TO_POINTER of the low 32 bits */
  GByteArray *content;   /* of the entries whose name ends in "want" */
  gboolean    in_want;
  guint       n_ends;
} TarSeen;

static gboolean
tar_begin (const char *name, guint64 size, gboolean *want, gpointer data, GError **error)
{
  TarSeen *t = data;
  g_ptr_array_add (t->names, g_strdup (name));
  g_ptr_array_add (t->sizes, GUINT_TO_POINTER ((guint) size));
  t->in_want = *want = g_str_has_suffix (name, "want");
  return TRUE;
}

static gboolean
tar_data (const guint8 *buf, gsize len, gpointer data, GError **error)
{
  TarSeen *t = data;
  g_assert_true (t->in_want);
  g_byte_array_append (t->content, buf, len);
  return TRUE;
}

static gboolean
tar_end (gpointer data, GError **error)
{
  TarSeen *t = data;
  g_assert_true (t->in_want);
  t->in_want = FALSE;
  t->n_ends++;
  return TRUE;
}

static const BlTarHandler handler = { tar_begin, tar_data, tar_end };

static void
seen_init (TarSeen *t)
{
  *t = (TarSeen) { g_ptr_array_new_with_free_func (g_free), g_ptr_array_new (),
                   g_byte_array_new () };
}

static void
seen_clear (TarSeen *t)
{
  g_ptr_array_unref (t->names);
  g_ptr_array_unref (t->sizes);
  g_byte_array_unref (t->content);
}

/* Reads @archive @step bytes at a time (with @limit if not 0): what it saw, and whether it
 * took it all. */
static gboolean
read_tar (const guint8 *archive, gsize size, gsize step, guint64 limit, TarSeen *t,
          GError **error)
{
  g_autoptr(BlTar) tar = bl_tar_new (&handler, t);
  gboolean ok = TRUE;

  if (limit)
    bl_tar_set_limit (tar, limit);
  for (gsize at = 0; ok && at < size; at += step)
    ok = bl_tar_feed (tar, archive + at, MIN (step, size - at), error);
  return ok && bl_tar_finish (tar, error);
}

static const gsize steps[] = { 1, 7, 511, 512, 513, 65536 };

static gboolean
has_name (TarSeen *t, const char *name)
{
  for (guint i = 0; i < t->names->len; i++)
    if (g_str_equal (t->names->pdata[i], name))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------------------------ */

/* Archives written by GNU tar in three formats, including a name over 100 characters (a GNU
 * long-name entry, a pax record, a ustar prefix), read in pieces of every awkward size. */
static void
test_gnu_tar_formats (void)
{
  static const char *const formats[] = { "gnu", "pax", "ustar" };
  g_autofree char *dir = g_build_filename (tmp_root, "tar", NULL);
  g_autofree char *deep = g_build_filename (dir, "src", "a-folder-with-a-rather-long-name",
                                            "and-another-one-inside-it-that-is-long-too",
                                            NULL);
  g_autofree char *want = g_build_filename (dir, "src", "want", NULL);
  g_autofree char *other = g_build_filename (deep, "a-file-whose-path-is-over-a-hundred-bytes",
                                             NULL);
  g_autofree char *link = g_build_filename (dir, "src", "link-to-want", NULL);
  g_autoptr(GError) error = NULL;
  guint8 content[1500];

  for (guint i = 0; i < sizeof content; i++)
    content[i] = (guint8) (i * 7 + 3);
  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_file_set_contents (other, "x", 1, &error);
  g_assert_no_error (error);
  g_file_set_contents (want, (const char *) content, sizeof content, &error);
  g_assert_no_error (error);
  g_assert_cmpint (symlink ("want", link), ==, 0);
  g_assert_cmpuint (strlen (other) - strlen (dir), >, 100);

  for (guint fmt = 0; fmt < G_N_ELEMENTS (formats); fmt++)
    {
      g_autofree char *tarfile = g_strdup_printf ("%s/%s.tar", dir, formats[fmt]);
      g_autofree char *format = g_strdup_printf ("--format=%s", formats[fmt]);
      const char *argv[] = { "tar", "-C", dir, format, "-cf", tarfile, "src", NULL };
      g_autofree char *archive = NULL;
      gsize size;
      int status;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_file_get_contents (tarfile, &archive, &size, &error);
      g_assert_no_error (error);

      for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
        {
          TarSeen t;

          seen_init (&t);
          g_assert_true (read_tar ((const guint8 *) archive, size, steps[s], 0, &t, &error));
          g_assert_no_error (error);
          g_assert_cmpmem (t.content->data, t.content->len, content, sizeof content);
          g_assert_cmpuint (t.n_ends, ==, 1);
          g_assert_true (has_name (&t, other + strlen (dir) + 1));
          /* The symbolic link is no file: never reported. */
          g_assert_false (has_name (&t, "src/link-to-want"));
          seen_clear (&t);
        }
      /* Cut in the middle of an entry; a header with a wrong checksum. */
      {
        TarSeen t;
        const char *inside = memmem (archive, size, content, 64);

        seen_init (&t);
        g_assert_nonnull (inside);
        /* Up to the middle of "want"'s content (the archive's tail is zero padding). */
        g_assert_false (read_tar ((const guint8 *) archive, inside - archive + 100, 4096, 0, &t,
                                  &error));
        g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED);
        g_clear_error (&error);
        archive[100] ^= 0x01;   /* the mode field of the first header */
        g_assert_false (read_tar ((const guint8 *) archive, size, 4096, 0, &t, &error));
        g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
        g_clear_error (&error);
        seen_clear (&t);
      }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Archives by hand. */

/* The header block at @offset of @tar, with its checksum made right again. */
static void
fix_checksum (GByteArray *tar, gsize offset)
{
  guint8 *h = tar->data + offset;
  guint sum = 0;

  memset (h + 148, ' ', 8);
  for (guint i = 0; i < 512; i++)
    sum += h[i];
  g_snprintf ((char *) h + 148, 8, "%06o", sum);
}

/* GNU base-256: 0x80, then the value big-endian in the remaining 11 bytes. */
static void
set_size_base256 (GByteArray *tar, gsize offset, guint64 size, gboolean negative)
{
  guint8 *f = tar->data + offset + 124;

  memset (f, negative ? 0xff : 0, 12);
  f[0] = negative ? 0xff : 0x80;
  for (int i = 11; i >= 4; i--, size >>= 8)
    f[i] = (guint8) (negative ? ~size : size);
  fix_checksum (tar, offset);
}

static GByteArray *
one_file (const char *name, const void *content, gsize len)
{
  GByteArray *tar = g_byte_array_new ();
  test_tar_append (tar, name, '0', NULL, len, content, len);
  test_tar_end (tar);
  return tar;
}

static gboolean
feed_tar (const guint8 *data, gsize len, gpointer tar, GError **error)
{
  return bl_tar_feed (tar, data, len, error);
}

/* Regression (a crash): a pax header whose records start with a newline ("\n1 path=abc\n")
 * made pax_path() let strtoull skip the newline, take a record of length 1, and g_strndup a
 * negative length: abort. A malformed archive now, gzip'd as the 137-byte .tgz was, and raw. */
static void
test_pax_newline (void)
{
  static const char records[] = "\n1 path=abc\n";
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GBytes) raw = NULL, gz = NULL;
  g_autoptr(GError) error = NULL;
  TarSeen t;

  test_tar_append (tar, "PaxHeaders/x", 'x', NULL, sizeof records - 1, records,
                   sizeof records - 1);
  test_tar_append (tar, "x", '0', NULL, 1, "x", 1);
  test_tar_end (tar);
  raw = g_bytes_new (tar->data, tar->len);
  gz = test_gzip (raw, 9);
  g_test_message ("the archive: %u bytes, gzip'd %" G_GSIZE_FORMAT, tar->len,
                  g_bytes_get_size (gz));
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      seen_init (&t);
      g_assert_false (read_tar (tar->data, tar->len, steps[s], 0, &t, &error));
      g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
      g_assert_cmpuint (t.names->len, ==, 0);
      g_clear_error (&error);
      seen_clear (&t);
    }
  /* The same through the downloader's inflate, as it arrives from a mirror. */
  {
    g_autoptr(BlTar) reader = NULL;
    BlInflate z;
    gsize size;
    const guint8 *data = g_bytes_get_data (gz, &size);

    seen_init (&t);
    reader = bl_tar_new (&handler, &t);
    bl_inflate_init (&z, feed_tar, reader);
    g_assert_false (bl_inflate_feed (&z, data, size, &error) && bl_inflate_finish (&z, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
    g_clear_error (&error);
    bl_inflate_clear (&z);
    seen_clear (&t);
  }
}

/* Every way a pax record's length or layout can lie: each a malformed archive, none a crash. */
static void
test_pax_records (void)
{
  static const char *const bad[] = {
    "\n1 path=abc\n",           /* a newline before the length */
    " 12 path=abc\n",           /* a space before it */
    "0 path=abc\n",             /* zero */
    "3 p\n",                    /* shorter than its own digits, a space, "k=" and a newline */
    "99 path=abc\n",            /* longer than what is there */
    "12 path=abc ",             /* not ending in a newline */
    "11 pathabc\n",             /* no '=' */
    "7 =abc\n",                 /* no key */
    "12path=abcd\n",            /* no space after the length */
    "99999999999999999999999 path=a\n",   /* a length that overflows */
    "8 path=\n",                /* an empty path */
    "12 size=1x2\n",            /* a size that is no number */
    "x",                        /* no length at all */
  };
  static const char path_with_nul[] = "12 path=a\0c\n";

  for (guint i = 0; i <= G_N_ELEMENTS (bad); i++)
    {
      const char *records = i < G_N_ELEMENTS (bad) ? bad[i] : path_with_nul;
      gsize len = i < G_N_ELEMENTS (bad) ? strlen (bad[i]) : sizeof path_with_nul - 1;
      g_autoptr(GByteArray) tar = g_byte_array_new ();
      g_autoptr(GError) error = NULL;
      TarSeen t;

      test_tar_append (tar, "PaxHeaders/want", 'x', NULL, len, records, len);
      test_tar_append (tar, "want", '0', NULL, 3, "abc", 3);
      test_tar_end (tar);
      seen_init (&t);
      g_test_message ("record %u", i);
      g_assert_false (read_tar (tar->data, tar->len, 1, 0, &t, &error));
      g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
      g_assert_cmpuint (t.names->len, ==, 0);
      seen_clear (&t);
    }
}

/* Records that are right: a path over 100 bytes, a size that overrides the header's (how pax
 * writes files of 8 GiB and more), keys we skip. */
static void
test_pax_good (void)
{
  g_autofree char *long_name = g_strnfill (150, 'd');
  g_autofree char *path = g_strconcat (long_name, "/want", NULL);
  g_autofree char *rec_path = NULL, *records = NULL;
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TarSeen t;
  gsize n;

  /* "LEN path=…\n" where LEN counts itself: 3 digits here. */
  n = strlen (" path=\n") + strlen (path) + 3;
  rec_path = g_strdup_printf ("%zu path=%s\n", n, path);
  g_assert_cmpuint (strlen (rec_path), ==, n);
  records = g_strconcat ("30 mtime=1700000000.123456789\n", rec_path, "9 size=5\n",
                         "21 comment=über a=b\n", NULL);
  test_tar_append (tar, "PaxHeaders/x", 'x', NULL, strlen (records), records, strlen (records));
  /* The header says 0 bytes; the pax size says 5, and 5 follow. */
  test_tar_append (tar, "short-name", '0', NULL, 0, "hello", 5);
  test_tar_append (tar, "after", '0', NULL, 2, "ok", 2);
  test_tar_end (tar);
  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      seen_init (&t);
      g_assert_true (read_tar (tar->data, tar->len, steps[s], 0, &t, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (t.names->len, ==, 2);
      g_assert_cmpstr (t.names->pdata[0], ==, path);
      g_assert_cmpstr (t.names->pdata[1], ==, "after");   /* the pax path was for one entry */
      g_assert_cmpmem (t.content->data, t.content->len, "hello", 5);
      seen_clear (&t);
    }
}

/* Sizes in GNU's base-256: read as what they say; a negative one, or one past the limit, is
 * refused at the header, before a byte of content. */
static void
test_base256_sizes (void)
{
  g_autoptr(GError) error = NULL;
  TarSeen t;

  {
    g_autoptr(GByteArray) tar = one_file ("want", "0123456789", 10);
    set_size_base256 (tar, 0, 10, FALSE);
    seen_init (&t);
    g_assert_true (read_tar (tar->data, tar->len, 5, 0, &t, &error));
    g_assert_no_error (error);
    g_assert_cmpmem (t.content->data, t.content->len, "0123456789", 10);
    seen_clear (&t);
  }
  {
    g_autoptr(GByteArray) tar = one_file ("want", "0123456789", 10);
    set_size_base256 (tar, 0, 10, TRUE);
    seen_init (&t);
    g_assert_false (read_tar (tar->data, tar->len, 5, 0, &t, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
    g_assert_cmpuint (t.names->len, ==, 0);
    g_clear_error (&error);
    seen_clear (&t);
  }
  {
    /* 1 TiB announced by a 1.5 KiB archive: refused at once with a limit. */
    g_autoptr(GByteArray) tar = one_file ("want", "0123456789", 10);
    set_size_base256 (tar, 0, G_GUINT64_CONSTANT (1) << 40, FALSE);
    seen_init (&t);
    g_assert_false (read_tar (tar->data, tar->len, 512, 1 << 20, &t, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "1099511627776"));
    g_assert_cmpuint (t.names->len, ==, 0);
    g_clear_error (&error);
    seen_clear (&t);
  }
  {
    /* All twelve bytes used: more than 64 bits. */
    g_autoptr(GByteArray) tar = one_file ("want", "0123456789", 10);
    memset (tar->data + 124, 0x7f, 12);
    tar->data[124] = 0x80 | 0x3f;
    fix_checksum (tar, 0);
    seen_init (&t);
    g_assert_false (read_tar (tar->data, tar->len, 512, 0, &t, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
    g_clear_error (&error);
    seen_clear (&t);
  }
}

/* With a limit, any entry (a file, a link, a pax header) that would end past it is refused at
 * its header; one that fits is read. */
static void
test_limit (void)
{
  g_autoptr(GError) error = NULL;
  TarSeen t;
  const char types[] = { '0', '5', '2', 'x', 'g', 'L', 'S' };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_autoptr(GByteArray) tar = g_byte_array_new ();
      test_tar_append (tar, "big-want", types[i], NULL, 1 << 20, NULL, 0);
      seen_init (&t);
      g_assert_false (read_tar (tar->data, tar->len, 512, 64 * 1024, &t, &error));
      g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
      g_assert_cmpuint (t.names->len, ==, 0);
      g_clear_error (&error);
      seen_clear (&t);
    }
  {
    g_autoptr(GByteArray) tar = one_file ("want", "0123456789", 10);
    seen_init (&t);
    g_assert_true (read_tar (tar->data, tar->len, 512, 4096, &t, &error));
    g_assert_no_error (error);
    seen_clear (&t);
  }
}

/* Only regular files inside the archive are reported: "./" is dropped, anything absolute or
 * with a ".." component, links, folders, devices and FIFOs are not. */
static void
test_paths_and_types (void)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *exact = g_strnfill (100, 'n');   /* a name field without a NUL */
  TarSeen t;

  test_tar_append (tar, "../want", '0', NULL, 3, "bad", 3);
  test_tar_append (tar, "/etc/want", '0', NULL, 3, "bad", 3);
  test_tar_append (tar, "a/../../want", '0', NULL, 3, "bad", 3);
  test_tar_append (tar, "a/..", '0', NULL, 3, "bad", 3);
  test_tar_append (tar, "link-want", '2', "/etc/passwd", 0, NULL, 0);
  test_tar_append (tar, "hard-want", '1', "want", 0, NULL, 0);
  test_tar_append (tar, "dir-want/", '5', NULL, 0, NULL, 0);
  test_tar_append (tar, "fifo-want", '6', NULL, 0, NULL, 0);
  test_tar_append (tar, "dev-want", '3', NULL, 0, NULL, 0);
  test_tar_append (tar, "./want", '0', NULL, 3, "abc", 3);
  test_tar_append (tar, "a/./b..c/want", '0', NULL, 3, "def", 3);
  test_tar_append (tar, "placeholder", '0', NULL, 1, "x", 1);
  /* A 100-byte name fills its field: no NUL after it. */
  memcpy (tar->data + tar->len - 1024, exact, 100);
  fix_checksum (tar, tar->len - 1024);
  test_tar_end (tar);

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      seen_init (&t);
      g_assert_true (read_tar (tar->data, tar->len, steps[s], 0, &t, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (t.names->len, ==, 3);
      g_assert_cmpstr (t.names->pdata[0], ==, "want");
      g_assert_cmpstr (t.names->pdata[1], ==, "a/./b..c/want");
      g_assert_cmpstr (t.names->pdata[2], ==, exact);
      g_assert_cmpmem (t.content->data, t.content->len, "abcdef", 6);
      seen_clear (&t);
    }
}

/* A GNU long name ('L') names the next entry only, even when that entry is a link. */
static void
test_long_names (void)
{
  g_autofree char *l200 = g_strnfill (200, 'l');
  g_autofree char *long_name = g_strconcat (l200, "/want", NULL);
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  TarSeen t;

  test_tar_append (tar, "././@LongLink", 'L', NULL, strlen (long_name) + 1, long_name,
                   strlen (long_name) + 1);
  test_tar_append (tar, "short", '2', "target", 0, NULL, 0);
  test_tar_append (tar, "plain-want", '0', NULL, 2, "ab", 2);
  test_tar_append (tar, "././@LongLink", 'L', NULL, strlen (long_name) + 1, long_name,
                   strlen (long_name) + 1);
  test_tar_append (tar, "short", '0', NULL, 2, "cd", 2);
  /* A long name of more than 64 KiB is refused. */
  test_tar_append (tar, "././@LongLink", 'L', NULL, 65 * 1024, NULL, 0);
  seen_init (&t);
  g_assert_false (read_tar (tar->data, tar->len, 100, 0, &t, &error));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
  g_assert_cmpuint (t.names->len, ==, 2);
  g_assert_cmpstr (t.names->pdata[0], ==, "plain-want");
  g_assert_cmpstr (t.names->pdata[1], ==, long_name);
  g_assert_cmpmem (t.content->data, t.content->len, "abcd", 4);
  seen_clear (&t);
}

/* Headers cut short, at every length: truncated, never a crash or a success. */
static void
test_truncated_headers (void)
{
  g_autoptr(GByteArray) tar = one_file ("want", "0123456789", 10);

  for (gsize cut = 1; cut < 512 + 10; cut += 37)
    {
      g_autoptr(GError) error = NULL;
      TarSeen t;
      seen_init (&t);
      g_assert_false (read_tar (tar->data, cut, 64, 0, &t, &error));
      g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED);
      seen_clear (&t);
    }
}

/* Numbers that are not octal, in the size and the checksum: malformed. */
static void
test_bad_numbers (void)
{
  /* The last: 0x80 (octal 200), then digits: a base-256 marker in front of octal. */
  static const char *const sizes[] = { "0000000001x", "-0000000001", "\2000000000001" };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GByteArray) tar = one_file ("want", "0", 1);
      g_autoptr(GError) error = NULL;
      TarSeen t;

      memcpy (tar->data + 124, sizes[i], strlen (sizes[i]));
      if (i < 2)
        fix_checksum (tar, 0);
      else
        {
          /* A base-256 checksum is not a thing. */
          memset (tar->data + 148, 0, 8);
          tar->data[148] = 0x80;
        }
      seen_init (&t);
      g_assert_false (read_tar (tar->data, tar->len, 512, 0, &t, &error));
      g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
      seen_clear (&t);
    }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_root = g_dir_make_tmp ("bl-test-tar-XXXXXX", &error);
  g_assert_no_error (error);
  g_test_add_func ("/tar/gnu-tar-formats", test_gnu_tar_formats);
  g_test_add_func ("/tar/pax-newline", test_pax_newline);
  g_test_add_func ("/tar/pax-records", test_pax_records);
  g_test_add_func ("/tar/pax-good", test_pax_good);
  g_test_add_func ("/tar/base256-sizes", test_base256_sizes);
  g_test_add_func ("/tar/limit", test_limit);
  g_test_add_func ("/tar/paths-and-types", test_paths_and_types);
  g_test_add_func ("/tar/long-names", test_long_names);
  g_test_add_func ("/tar/truncated-headers", test_truncated_headers);
  g_test_add_func ("/tar/bad-numbers", test_bad_numbers);
  status = g_test_run ();
  test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
