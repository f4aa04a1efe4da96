/* bl-fetch-http.c: see bl-fetch-http.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-fetch-error.h"
#include "bl-fetch-http.h"

#define CHUNK (64 * 1024)

SoupSession *
bl_http_session_new (guint timeout_s)
{
  SoupSession *s = soup_session_new_with_options ("timeout", timeout_s,
                                                  "idle-timeout", timeout_s,
                                                  "user-agent", "backprop-lab/" PACKAGE_VERSION,
                                                  NULL);
  soup_session_remove_feature_by_type (s, SOUP_TYPE_CONTENT_DECODER);
  return s;
}

/* A failure of the transfer itself, in words that say what to do about it. */
static void
set_network_error (GError **error, const char *url, GError *cause, guint timeout_s)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, cause);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_NETWORK,
                   _("%s: no answer for %u s (timed out)"), url, timeout_s);
      g_error_free (cause);
    }
  else
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_NETWORK, "%s: %s", url, cause->message);
      g_error_free (cause);
    }
}

gboolean
bl_http_get (SoupSession *session, const char *url, guint64 max_bytes, BlHttpChunkFunc chunk,
             BlHttpProgressFunc progress, gpointer user_data, GCancellable *cancellable,
             GError **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autofree guint8 *buf = NULL;
  GError *e = NULL;
  SoupMessageHeaders *headers;
  guint status, timeout_s = soup_session_get_timeout (session);
  guint64 done = 0, total = 0;
  gboolean ok = TRUE;

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                   _("“%s” is not an http or https URL"), url);
      return FALSE;
    }
  in = soup_session_send (session, msg, cancellable, &e);
  if (in == NULL)
    {
      set_network_error (error, url, e, timeout_s);
      return FALSE;
    }
  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      const char *reason = soup_message_get_reason_phrase (msg);
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_HTTP, _("%s: HTTP %u %s"), url, status,
                   reason && *reason ? reason : soup_status_get_phrase (status));
      g_input_stream_close (in, NULL, NULL);
      return FALSE;
    }
  headers = soup_message_get_response_headers (msg);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    total = (guint64) soup_message_headers_get_content_length (headers);
  if (total > max_bytes)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                   _("%s: %llu bytes is far more than expected"), url,
                   (unsigned long long) total);
      g_input_stream_close (in, NULL, NULL);
      return FALSE;
    }
  if (progress)
    progress (0, total, user_data);

  buf = g_malloc (CHUNK);
  while (ok)
    {
      gssize n = g_input_stream_read (in, buf, CHUNK, cancellable, &e);
      if (n < 0)
        {
          set_network_error (error, url, e, timeout_s);
          ok = FALSE;
        }
      else if (n == 0)
        break;
      else if ((done += n) > max_bytes)
        {
          g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                       _("%s: more than %llu bytes, far more than expected"),
                       url, (unsigned long long) max_bytes);
          ok = FALSE;
        }
      else if (!chunk (buf, n, user_data, error))
        ok = FALSE;
      else if (progress)
        progress (done, total, user_data);
    }
  /* Closing a half-read body drops the connection instead of draining it. */
  g_input_stream_close (in, NULL, NULL);
  if (ok && total > 0 && done != total)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED,
                   _("%s: cut short after %llu of %llu bytes"),
                   url, (unsigned long long) done, (unsigned long long) total);
      ok = FALSE;
    }
  return ok;
}
