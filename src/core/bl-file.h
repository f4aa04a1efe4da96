/* bl-file.h: reading and writing files without hanging, clobbering or losing anything; shared
 * by every reader and writer of the core (IDX, checkpoints, run logs, the toy ledger) and the
 * heads' exports (xlsx, PNG).
 *
 * Reading: only regular files are opened. The path is opened with O_NONBLOCK and fstat'ed
 * before a byte is read, so a FIFO, a device (/dev/zero) or a folder is refused at once with
 * its kind named, never waited on or read forever; the size comes from fstat and is checked
 * against the caller's bound before anything is allocated; the bytes are read with plain
 * read(2) (never mapped: a file truncated while being read gives a short read, not SIGBUS).
 *
 * Writing: a destination must be a regular file or not exist yet (a device node or a FIFO is
 * refused, never replaced by a regular file). The content goes to a temporary file beside
 * the target, ".NAME.XXXXXX.tmp", that its writer holds locked (flock) until it is renamed
 * over the target, so a reader never sees half a file and a failed write leaves the old one
 * in place. A writer killed mid-write leaves its temporary file unlocked: the next save of the
 * same target removes it (a live writer's file stays locked, and stays).
 *
 * Errors are G_FILE_ERROR, with messages naming the file.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ---- Reading */

/* Opens @path for reading if it is a regular file of at most @max_bytes; its size into
 * @size_out (nullable). Returns the descriptor (close it), or -1 and an error. */
int       bl_file_open_regular       (const char *path, guint64 max_bytes, guint64 *size_out,
                                      GError **error);
/* The whole of a regular file of at most @max_bytes, NUL-terminated (transfer full; the NUL
 * is not counted in @length). A file that grows past @max_bytes while it is read is refused;
 * one that shrinks gives what was there. */
gboolean  bl_file_read_regular       (const char *path, gsize max_bytes, char **contents,
                                      gsize *length, GError **error);

/* ---- Writing */

/* Whether @path can be written as a whole new file: it is a regular file or absent, its folder
 * exists and a file can be created there, and (with @min_free > 0) the file system has at
 * least @min_free bytes free. For checking a destination BEFORE long work whose result it
 * will hold. Removes stale temporary files of @path on the way. */
gboolean  bl_file_check_destination  (const char *path, guint64 min_free, GError **error);
/* Writes @data to @path atomically (temporary file, fsync, rename). */
gboolean  bl_file_replace_contents   (const char *path, const void *data, gsize length,
                                      GError **error);

/* The steps of bl_file_replace_contents, for writers that stream: checks the destination,
 * removes stale temporary files, creates and locks ".NAME.XXXXXX.tmp" (mode 0666 less the
 * umask, like any file the user saves). Returns its descriptor and its path in @tmp_path, or
 * -1 and an error. */
int       bl_file_open_temp          (const char *path, char **tmp_path, GError **error);
/* fsyncs and closes @fd, then renames @tmp_path over @path; on failure removes @tmp_path. */
gboolean  bl_file_commit_fd          (int fd, const char *tmp_path, const char *path,
                                      GError **error);
/* Closes @fd (if ≥ 0) and removes @tmp_path: the write is abandoned. */
void      bl_file_discard_temp       (int fd, const char *tmp_path);
/* Removes the temporary files of @path (".NAME.XXXXXX.tmp" beside it) that no live writer
 * holds. Returns how many were removed. */
guint     bl_file_remove_stale_temps (const char *path);

/* Opens @path for appending (created if absent): a regular file or nothing (a FIFO or device
 * is refused, never blocked on). Returns the descriptor, or -1 and an error. */
int       bl_file_open_append        (const char *path, GError **error);
/* write(2) until all of @data is written (retrying short writes and EINTR); @path names the
 * file in the error. */
gboolean  bl_file_write_all          (int fd, const void *data, gsize length, const char *path,
                                      GError **error);

/* Writers that hand a file name to a library (libxlsxwriter, cairo) and cannot use a
 * descriptor: a temporary name beside @path, "NAME.tmp-XXXXXXXX" (the downloader's stale-file
 * cleanup knows this form), and the rename over the target, which removes @tmp_path on
 * failure. Check the destination first (bl_file_check_destination). */
char     *bl_file_temp_path          (const char *path);
gboolean  bl_file_commit_temp        (const char *tmp_path, const char *path, GError **error);

G_END_DECLS
