/* bl-fetch-http.h (private to fetch/): one HTTP GET, its body handed over in pieces as it
 * arrives. Blocking (libsoup's sync API): call it on a worker thread, with the session made on
 * that thread. */
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
 * _HTTP (status not 2xx), _NETWORK (connection, timeout, dropped), _TRUNCATED (fewer bytes than
 * announced), _FORMAT (over @max_bytes); G_IO_ERROR_CANCELLED. An error from @chunk is passed
 * on unchanged. */
gboolean     bl_http_get (SoupSession *session, const char *url, guint64 max_bytes,
                          BlHttpChunkFunc chunk, BlHttpProgressFunc progress, gpointer user_data,
                          GCancellable *cancellable, GError **error);

G_END_DECLS
