/* bl-fetch-http.h (private to fetch/): one HTTP GET, its body handed over in pieces as it
 * arrives. Blocking (libsoup's sync API): call it on a worker thread, with the session made on
 * that thread.
 *
 * Two clocks bound a request. libsoup's timeout fails a connect or a read that waits longer
 * than the session's timeout in silence. That alone never stops a server that sends a byte now
 * and then; so a watchdog also divides the request into windows of the same length from the
 * moment it is sent, and fails it when a window ends with fewer than @min_progress bytes of
 * body received in it (the head and the first bytes must come within the first window).
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* A piece of the body; FALSE (with @error) stops the download. */
typedef gboolean (*BlHttpChunkFunc)    (const guint8 *data, gsize len, gpointer user_data,
                                        GError **error);
/* @total is 0 when the server did not announce a length. */
typedef void     (*BlHttpProgressFunc) (guint64 done, guint64 total, gpointer user_data);

/* A session whose reads and connects fail after @timeout_s seconds without progress, with no
 * transparent decompression (bytes counted are bytes sent, and gzip is ours to undo). */
SoupSession *bl_http_session_new (guint timeout_s);

/* GETs @url and feeds its body to @chunk. Errors name the URL: BL_FETCH_ERROR_INVALID,
 * _HTTP (status not 2xx), _NETWORK (connection, silence or fewer than @min_progress bytes in a
 * timeout's length, dropped), _TRUNCATED (fewer bytes than announced), _FORMAT (over
 * @max_bytes, announced or sent); G_IO_ERROR_CANCELLED. An error from @chunk is passed on
 * unchanged. */
gboolean     bl_http_get (SoupSession *session, const char *url, guint64 max_bytes,
                          guint64 min_progress, BlHttpChunkFunc chunk,
                          BlHttpProgressFunc progress, gpointer user_data,
                          GCancellable *cancellable, GError **error);

G_END_DECLS
