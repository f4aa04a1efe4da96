/* bl-tar.h: a minimal reader of tar archives (POSIX ustar and pax, GNU long names and base-256
 * sizes), fed bytes as they arrive, so a tarball can be unpacked while it downloads and never
 * has to sit on the disk or in memory whole.
 *
 * It knows just enough to find regular files by name: links, devices, directories,
 * permissions, owners and times are skipped, and only regular files whose path is relative and
 * stays inside the archive (no leading '/', no ".." component) are reported; the reader itself
 * never writes anything. Every header's checksum is checked; pax records and their lengths are
 * checked byte by byte; a pax "size" record sets the next entry's size as POSIX says. With a
 * limit, a header announcing an entry that would carry the archive past it fails at once, before
 * its content is read: a small gzip'd tarball can announce gigabytes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  /* A regular file @name of @size bytes begins: set *@want to be given its content; FALSE
   * (with @error) stops the reader. */
  gboolean (*begin) (const char *name, guint64 size, gboolean *want, gpointer user_data,
                     GError **error);
  /* A piece of a file's content, in order; FALSE (with @error) stops the reader. */
  gboolean (*data)  (const guint8 *buf, gsize len, gpointer user_data, GError **error);
  /* The file that begin() took has ended. */
  gboolean (*end)   (gpointer user_data, GError **error);
} BlTarHandler;

typedef struct _BlTar BlTar;

BlTar   *bl_tar_new       (const BlTarHandler *handler, gpointer user_data);
void     bl_tar_free      (BlTar *tar);
/* The archive may not be longer than @max_bytes (headers, content and padding): an entry that
 * would end beyond it is refused at its header (BL_FETCH_ERROR_FORMAT). Default: no limit. */
void     bl_tar_set_limit (BlTar *tar, guint64 max_bytes);
gboolean bl_tar_feed      (BlTar *tar, const guint8 *data, gsize len, GError **error);
/* The input has ended: FALSE if that was in the middle of a header or a file. */
gboolean bl_tar_finish    (BlTar *tar, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BlTar, bl_tar_free)

G_END_DECLS
