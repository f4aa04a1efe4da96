/* test-file.c: core/bl-file: only regular files are read (a FIFO or a device is refused at
 * once, a file too large before it is read), destinations that are not regular files are
 * refused and left as they were, and a writer killed mid-write leaves a temporary file that the
 * next save removes, while a live writer's stays. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bl-file.h"

static char *tmpdir;

static char *
path_in_tmp (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static char *
make_fifo (const char *name)
{
  char *path = path_in_tmp (name);
  g_unlink (path);
  g_assert_cmpint (mkfifo (path, 0600), ==, 0);
  return path;
}

/* The temporary files of @target beside it (".NAME.XXXXXX.tmp"). */
static guint
count_temps (const char *target)
{
  g_autofree char *base = g_path_get_basename (target);
  g_autofree char *prefix = g_strconcat (".", base, ".", NULL);
  g_autoptr(GDir) d = g_dir_open (tmpdir, 0, NULL);
  const char *entry;
  guint n = 0;

  while ((entry = g_dir_read_name (d)) != NULL)
    n += g_str_has_prefix (entry, prefix) && g_str_has_suffix (entry, ".tmp");
  return n;
}

static void
test_read_regular_only (void)
{
  g_autofree char *fifo = make_fifo ("fifo");
  g_autofree char *file = path_in_tmp ("small");
  g_autofree char *big = path_in_tmp ("big");
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  int fd;

  g_assert_true (g_file_set_contents (file, "hello", 5, NULL));
  g_assert_true (bl_file_read_regular (file, 100, &contents, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, 5);
  g_assert_cmpstr (contents, ==, "hello");
  g_clear_pointer (&contents, g_free);

  /* A FIFO with no writer would block a plain open/read for ever: refused at once. */
  g_assert_false (bl_file_read_regular (fifo, 100, &contents, &len, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  /* /dev/zero never ends. */
  g_assert_false (bl_file_read_regular ("/dev/zero", 100, &contents, &len, &error));
  g_assert_nonnull (strstr (error->message, "character device"));
  g_clear_error (&error);
  g_assert_false (bl_file_read_regular (tmpdir, 100, &contents, &len, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_clear_error (&error);
  g_assert_false (bl_file_read_regular ("/nonexistent/x", 100, &contents, &len, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  /* A 1 GiB file (sparse: no disk used) against a 64 MiB bound: refused from its size. */
  fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t) 1 << 30), ==, 0);
  close (fd);
  g_assert_false (bl_file_read_regular (big, 64 << 20, &contents, &len, &error));
  g_assert_nonnull (strstr (error->message, "too large"));
  g_assert_null (contents);
  g_clear_error (&error);
  g_assert_cmpint (bl_file_open_regular (big, 64 << 20, NULL, &error), ==, -1);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);
  g_unlink (big);
  g_unlink (file);
  g_unlink (fifo);
}

static void
test_destinations (void)
{
  g_autofree char *fifo = make_fifo ("dest-fifo");
  g_autofree char *file = path_in_tmp ("dest");
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-folder", "f", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  struct stat st;

  /* Absent, then regular: fine; the check leaves nothing behind. */
  g_assert_true (bl_file_check_destination (file, 0, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_temps (file), ==, 0);
  g_assert_true (bl_file_replace_contents (file, "one", 3, &error));
  g_assert_no_error (error);
  g_assert_true (bl_file_check_destination (file, 0, &error));

  /* Neither a FIFO nor a device is replaced by a regular file, nor written into. */
  g_assert_false (bl_file_check_destination (fifo, 0, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_false (bl_file_replace_contents (fifo, "x", 1, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_assert_false (bl_file_check_destination ("/dev/null", 0, &error));
  g_assert_nonnull (strstr (error->message, "character device"));
  g_clear_error (&error);
  g_assert_cmpint (bl_file_open_append ("/dev/null", &error), ==, -1);
  g_assert_nonnull (strstr (error->message, "character device"));
  g_clear_error (&error);
  /* A FIFO to append to: refused without waiting for a reader. */
  g_assert_cmpint (bl_file_open_append (fifo, &error), ==, -1);
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_false (bl_file_check_destination (tmpdir, 0, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR);
  g_clear_error (&error);
  g_assert_false (bl_file_check_destination (missing, 0, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_clear_error (&error);
  /* More room than any disk has. */
  g_assert_false (bl_file_check_destination (file, G_MAXUINT64, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_clear_error (&error);
  g_assert_cmpuint (count_temps (file), ==, 0);

  g_assert_true (g_file_get_contents (file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "one");   /* none of the refusals touched it */
  g_unlink (file);
  g_unlink (fifo);
}

static void
test_write_errors_reported (void)
{
  g_autoptr(GError) error = NULL;
  int fd = g_open ("/dev/full", O_WRONLY, 0);

  /* /dev/full: every write fails as on a full disk. */
  g_assert_cmpint (fd, >=, 0);
  g_assert_false (bl_file_write_all (fd, "abc", 3, "/dev/full", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_nonnull (strstr (error->message, "/dev/full"));
  close (fd);
}

static void
test_umask_respected (void)
{
  g_autofree char *file = path_in_tmp ("mode");
  mode_t old = umask (022);
  struct stat st;

  g_assert_true (bl_file_replace_contents (file, "m", 1, NULL));
  umask (old);
  g_assert_cmpint (g_stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);   /* not mkstemp's 0600 */
  g_unlink (file);
}

static void
test_stale_temps_removed (void)
{
  g_autofree char *target = path_in_tmp ("model.ckpt");
  g_autofree char *stale = path_in_tmp (".model.ckpt.AbC123.tmp");
  g_autofree char *live = path_in_tmp (".model.ckpt.LiVe99.tmp");
  g_autofree char *other = path_in_tmp (".other.ckpt.AbC123.tmp");
  g_autofree char *lookalike = path_in_tmp (".model.ckpt.AbC123.tmp.keep");
  g_autoptr(GError) error = NULL;
  int held;

  g_assert_true (g_file_set_contents (stale, "left by a killed writer", -1, NULL));
  g_assert_true (g_file_set_contents (live, "being written", -1, NULL));
  g_assert_true (g_file_set_contents (other, "another file's", -1, NULL));
  g_assert_true (g_file_set_contents (lookalike, "not a temporary file", -1, NULL));
  /* A writer at work holds its file locked. */
  held = g_open (live, O_RDONLY, 0);
  g_assert_cmpint (flock (held, LOCK_EX), ==, 0);

  g_assert_true (bl_file_replace_contents (target, "new", 3, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (live, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (lookalike, G_FILE_TEST_EXISTS));
  close (held);
  /* Its writer gone (the lock with it), the next save removes it too. */
  g_assert_cmpuint (bl_file_remove_stale_temps (target), ==, 1);
  g_assert_false (g_file_test (live, G_FILE_TEST_EXISTS));
  g_unlink (target);
  g_unlink (other);
  g_unlink (lookalike);
}

static void
test_killed_writer (void)
{
  g_autofree char *target = path_in_tmp ("killed.ckpt");
  g_autofree char *contents = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *tmp = NULL;
      int fd = bl_file_open_temp (target, &tmp, NULL);
      g_assert_cmpint (fd, >=, 0);
      g_assert_true (bl_file_write_all (fd, "half a mod", 10, target, NULL));
      raise (SIGKILL);   /* kill -9 in the middle of a save */
      return;
    }
  g_assert_true (g_file_set_contents (target, "the good model", -1, NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  /* The kill left its temporary file beside the target, which is untouched. */
  g_assert_cmpuint (count_temps (target), ==, 1);
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "the good model");
  /* The next save finds and removes it. */
  g_assert_true (bl_file_replace_contents (target, "a newer model", 13, NULL));
  g_assert_cmpuint (count_temps (target), ==, 0);
  g_unlink (target);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* A subprocess (the killed writer) works in its parent's folder. */
  if (g_getenv ("BL_TEST_FILE_DIR"))
    tmpdir = g_strdup (g_getenv ("BL_TEST_FILE_DIR"));
  else
    {
      tmpdir = g_dir_make_tmp ("bl-file-XXXXXX", NULL);
      g_setenv ("BL_TEST_FILE_DIR", tmpdir, TRUE);
    }
  g_test_add_func ("/file/read-regular-only", test_read_regular_only);
  g_test_add_func ("/file/destinations", test_destinations);
  g_test_add_func ("/file/write-errors-reported", test_write_errors_reported);
  g_test_add_func ("/file/umask-respected", test_umask_respected);
  g_test_add_func ("/file/stale-temps-removed", test_stale_temps_removed);
  g_test_add_func ("/file/killed-writer", test_killed_writer);
  status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
