/* bl-file.c: see bl-file.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/bl-file.h"

#define TEMP_SUFFIX ".tmp"
#define TEMP_RANDOM "XXXXXX"

static void
set_errno_error (GError **error, int err, const char *format, const char *path)
{
  g_autofree char *name = g_filename_display_name (path);
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), format, name,
               g_strerror (err));
}

/* What a non-regular file is, for messages. */
static const char *
kind_of (mode_t mode)
{
  if (S_ISDIR (mode))
    return _("a folder");
  if (S_ISFIFO (mode))
    return _("a named pipe (FIFO)");
  if (S_ISCHR (mode))
    return _("a character device");
  if (S_ISBLK (mode))
    return _("a block device");
  if (S_ISSOCK (mode))
    return _("a socket");
  return _("a special file");
}

static void
set_not_regular_error (GError **error, const char *path, mode_t mode, gboolean writing)
{
  g_autofree char *name = g_filename_display_name (path);

  g_set_error (error, G_FILE_ERROR, S_ISDIR (mode) ? G_FILE_ERROR_ISDIR : G_FILE_ERROR_INVAL,
               writing ? _("“%s” is %s, not a regular file: only regular files are written.")
                       : _("“%s” is %s, not a regular file: only regular files are read."),
               name, kind_of (mode));
}

static void
set_too_large_error (GError **error, const char *path, guint64 size, guint64 max_bytes)
{
  g_autofree char *name = g_filename_display_name (path);
  g_autofree char *has = g_format_size (size);
  g_autofree char *max = g_format_size (max_bytes);

  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
               _("“%s” is too large (%s; at most %s is read)."), name, has, max);
}

/* Clears O_NONBLOCK, which was only there so that opening could not wait. */
static void
make_blocking (int fd)
{
  int flags = fcntl (fd, F_GETFL);
  if (flags >= 0)
    fcntl (fd, F_SETFL, flags & ~O_NONBLOCK);
}

int
bl_file_open_regular (const char *path, guint64 max_bytes, guint64 *size_out, GError **error)
{
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  /* Look before opening: opening some devices does something (a tape rewinds). */
  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      set_not_regular_error (error, path, st.st_mode, FALSE);
      return -1;
    }
  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot open “%s”: %s"), path);
      return -1;
    }
  /* What was opened is what counts (the path may have changed since the look). */
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, _("Cannot read “%s”: %s"), path);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_not_regular_error (error, path, st.st_mode, FALSE);
      close (fd);
      return -1;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      set_too_large_error (error, path, st.st_size, max_bytes);
      close (fd);
      return -1;
    }
  make_blocking (fd);
  if (size_out)
    *size_out = st.st_size;
  return fd;
}

gboolean
bl_file_read_regular (const char *path, gsize max_bytes, char **contents, gsize *length,
                      GError **error)
{
  g_autofree char *buf = NULL;
  guint64 size = 0;
  gsize cap, got = 0;
  int fd;

  g_return_val_if_fail (path != NULL && contents != NULL, FALSE);
  g_return_val_if_fail (max_bytes < G_MAXSIZE - 1, FALSE);

  fd = bl_file_open_regular (path, max_bytes, &size, error);
  if (fd < 0)
    return FALSE;
  /* One byte more than announced, to see a file that grew. */
  cap = (gsize) size + 1;
  buf = g_try_malloc (cap + 1);
  if (buf == NULL)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOMEM, _("Not enough memory to read “%s”."),
                   name);
      close (fd);
      return FALSE;
    }
  for (;;)
    {
      gssize n;

      if (got == cap)
        {
          if (cap > max_bytes)
            {
              set_too_large_error (error, path, got, max_bytes);
              close (fd);
              return FALSE;
            }
          cap = MIN (MAX (cap * 2, 4096), max_bytes + 1);
          buf = g_realloc (buf, cap + 1);
        }
      n = read (fd, buf + got, cap - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, _("Cannot read “%s”: %s"), path);
          close (fd);
          return FALSE;
        }
      if (n == 0)
        break;
      got += n;
    }
  close (fd);
  buf[got] = '\0';
  *contents = g_steal_pointer (&buf);
  if (length)
    *length = got;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */

static char *
folder_of (const char *path)
{
  return g_path_get_dirname (path);
}

/* ".NAME." and ".tmp": what every temporary file of @path starts and ends with. */
static char *
temp_prefix (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  return g_strconcat (".", base, ".", NULL);
}

static gboolean
is_temp_name (const char *entry, const char *prefix)
{
  gsize lp = strlen (prefix), le = strlen (entry);

  return le == lp + strlen (TEMP_RANDOM) + strlen (TEMP_SUFFIX)
         && strncmp (entry, prefix, lp) == 0 && g_str_has_suffix (entry, TEMP_SUFFIX);
}

guint
bl_file_remove_stale_temps (const char *path)
{
  g_autofree char *dir = NULL, *prefix = NULL;
  g_autoptr(GDir) d = NULL;
  const char *entry;
  guint removed = 0;

  g_return_val_if_fail (path != NULL, 0);
  dir = folder_of (path);
  prefix = temp_prefix (path);
  d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return 0;
  while ((entry = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *tmp = NULL;
      struct stat st;
      int fd;

      if (!is_temp_name (entry, prefix))
        continue;
      tmp = g_build_filename (dir, entry, NULL);
      fd = g_open (tmp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0);
      if (fd < 0)
        continue;
      /* A live writer holds its file locked; only an abandoned one can be locked here. */
      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && flock (fd, LOCK_EX | LOCK_NB) == 0)
        removed += g_unlink (tmp) == 0;
      close (fd);
    }
  return removed;
}

/* The destination's own checks: a regular file or nothing, in a folder that exists. */
static gboolean
check_destination_kind (const char *path, GError **error)
{
  g_autofree char *dir = NULL;
  struct stat st;

  if (g_stat (path, &st) == 0)
    {
      if (!S_ISREG (st.st_mode))
        {
          set_not_regular_error (error, path, st.st_mode, TRUE);
          return FALSE;
        }
      return TRUE;
    }
  if (errno != ENOENT)
    {
      set_errno_error (error, errno, _("Cannot write “%s”: %s"), path);
      return FALSE;
    }
  dir = folder_of (path);
  if (g_stat (dir, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      g_autofree char *name = g_filename_display_name (dir);
      g_autofree char *file = g_filename_display_name (path);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                   _("Cannot write “%s”: there is no folder “%s”."), file, name);
      return FALSE;
    }
  return TRUE;
}

int
bl_file_open_temp (const char *path, char **tmp_path, GError **error)
{
  g_autofree char *dir = NULL, *prefix = NULL;

  g_return_val_if_fail (path != NULL && tmp_path != NULL, -1);

  if (!check_destination_kind (path, error))
    return -1;
  bl_file_remove_stale_temps (path);
  dir = folder_of (path);
  prefix = temp_prefix (path);
  /* A few tries: a cleaner in another process may take a file between its creation and its
   * lock (it sees it unlocked); we then see it gone and make another. */
  for (int attempt = 0; attempt < 8; attempt++)
    {
      g_autofree char *tmpl = g_strconcat (dir, G_DIR_SEPARATOR_S, prefix, TEMP_RANDOM,
                                           TEMP_SUFFIX, NULL);
      struct stat mine, named;
      /* 0666 less the umask, like any file the user saves (not 0600 as g_mkstemp makes). */
      int fd = g_mkstemp_full (tmpl, O_WRONLY | O_CLOEXEC, 0666);

      if (fd < 0)
        {
          int saved = errno;
          g_autofree char *name = g_filename_display_name (path);
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       _("Could not create a file beside “%s”: %s"), name, g_strerror (saved));
          return -1;
        }
      if (flock (fd, LOCK_EX) == 0 && fstat (fd, &mine) == 0 && g_stat (tmpl, &named) == 0
          && mine.st_ino == named.st_ino && mine.st_dev == named.st_dev)
        {
          *tmp_path = g_steal_pointer (&tmpl);
          return fd;
        }
      close (fd);
    }
  {
    g_autofree char *name = g_filename_display_name (path);
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                 _("Could not create a file beside “%s”: it kept being removed."), name);
  }
  return -1;
}

void
bl_file_discard_temp (int fd, const char *tmp_path)
{
  if (tmp_path)
    g_unlink (tmp_path);
  if (fd >= 0)
    close (fd);
}

gboolean
bl_file_commit_fd (int fd, const char *tmp_path, const char *path, GError **error)
{
  g_return_val_if_fail (fd >= 0 && tmp_path != NULL && path != NULL, FALSE);

  /* Written data can still fail to reach the disk (a full disk shows here on some file
   * systems): only what fsync accepted is renamed over the old file. */
  if (fsync (fd) != 0)
    {
      set_errno_error (error, errno, _("Could not write “%s”: %s"), path);
      bl_file_discard_temp (fd, tmp_path);
      return FALSE;
    }
  /* Renamed while still locked, so no cleaner takes it in between. */
  if (g_rename (tmp_path, path) != 0)
    {
      set_errno_error (error, errno, _("Could not replace “%s”: %s"), path);
      bl_file_discard_temp (fd, tmp_path);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      set_errno_error (error, errno, _("Could not write “%s”: %s"), path);
      return FALSE;
    }
  return TRUE;
}

gboolean
bl_file_write_all (int fd, const void *data, gsize length, const char *path, GError **error)
{
  const char *p = data;

  while (length > 0)
    {
      gssize n = write (fd, p, MIN (length, (gsize) G_MAXSSIZE));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          set_errno_error (error, n < 0 ? errno : EIO, _("Could not write “%s”: %s"), path);
          return FALSE;
        }
      p += n;
      length -= n;
    }
  return TRUE;
}

gboolean
bl_file_replace_contents (const char *path, const void *data, gsize length, GError **error)
{
  g_autofree char *tmp_path = NULL;
  int fd;

  g_return_val_if_fail (path != NULL && (data != NULL || length == 0), FALSE);

  fd = bl_file_open_temp (path, &tmp_path, error);
  if (fd < 0)
    return FALSE;
  if (!bl_file_write_all (fd, data, length, path, error))
    {
      bl_file_discard_temp (fd, tmp_path);
      return FALSE;
    }
  return bl_file_commit_fd (fd, tmp_path, path, error);
}

gboolean
bl_file_check_destination (const char *path, guint64 min_free, GError **error)
{
  g_autofree char *tmp_path = NULL;
  struct statvfs vfs;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  /* Creating (and removing) the temporary file the save will make is the one honest test
   * that the folder takes files: permissions, read-only mounts, quotas, full inode tables. */
  fd = bl_file_open_temp (path, &tmp_path, error);
  if (fd < 0)
    return FALSE;
  if (min_free > 0 && fstatvfs (fd, &vfs) == 0
      && (guint64) vfs.f_bavail * vfs.f_frsize < min_free)
    {
      g_autofree char *name = g_filename_display_name (path);
      g_autofree char *has = g_format_size ((guint64) vfs.f_bavail * vfs.f_frsize);
      g_autofree char *needs = g_format_size (min_free);
      bl_file_discard_temp (fd, tmp_path);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                   _("Cannot write “%s”: its disk has %s free, and %s is needed."), name, has,
                   needs);
      return FALSE;
    }
  bl_file_discard_temp (fd, tmp_path);
  return TRUE;
}

int
bl_file_open_append (const char *path, GError **error)
{
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  if (g_stat (path, &st) == 0 && !S_ISREG (st.st_mode))
    {
      set_not_regular_error (error, path, st.st_mode, TRUE);
      return -1;
    }
  /* O_NONBLOCK: a FIFO that appeared since the look fails at once (no reader) or is opened
   * and refused below, instead of waiting for a reader. */
  fd = g_open (path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      set_errno_error (error, errno, _("Cannot write “%s”: %s"), path);
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      set_errno_error (error, errno, _("Cannot write “%s”: %s"), path);
      close (fd);
      return -1;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_not_regular_error (error, path, st.st_mode, TRUE);
      close (fd);
      return -1;
    }
  make_blocking (fd);
  return fd;
}

char *
bl_file_temp_path (const char *path)
{
  return g_strdup_printf ("%s.tmp-%08x", path, g_random_int ());
}

gboolean
bl_file_commit_temp (const char *tmp_path, const char *path, GError **error)
{
  if (g_rename (tmp_path, path) != 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (path);
      g_unlink (tmp_path);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not replace “%s”: %s"), name, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
