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

/* ------------------------------------------------------------------------------------------ */
/* The watchdog: a thread that wakes at the end of each window and cancels the request's own
 * cancellable if too little came in it. A thread, because the sync API blocks in the socket
 * and iterates no main context where a timeout source could fire. */

typedef struct {
  GMutex        lock;
  GCond         cond;
  GCancellable *request;       /* cancelled by the watchdog or by the caller's cancellable */
  gint64        window_us;
  gint64        window_end;    /* monotonic */
  guint64       window_bytes;  /* received since the window began */
  guint64       min_bytes;
  gboolean      done;
  gboolean      expired;       /* the watchdog cancelled the request */
} Watchdog;

static gpointer
watchdog_thread (gpointer data)
{
  Watchdog *w = data;
  gboolean expire = FALSE;

  g_mutex_lock (&w->lock);
  while (!w->done && !expire)
    {
      if (g_get_monotonic_time () < w->window_end)
        g_cond_wait_until (&w->cond, &w->lock, w->window_end);   /* woken early: loop */
      else if (w->window_bytes < w->min_bytes)
        expire = w->expired = TRUE;
      else
        {
          w->window_bytes = 0;
          w->window_end += w->window_us;
        }
    }
  g_mutex_unlock (&w->lock);
  if (expire)
    g_cancellable_cancel (w->request);
  return NULL;
}

static void
watchdog_count (Watchdog *w, gsize n)
{
  g_mutex_lock (&w->lock);
  w->window_bytes += n;
  g_mutex_unlock (&w->lock);
}

static gboolean
watchdog_expired (Watchdog *w)
{
  gboolean expired;

  g_mutex_lock (&w->lock);
  expired = w->expired;
  g_mutex_unlock (&w->lock);
  return expired;
}

static void
cancel_request (GCancellable *caller, gpointer request)
{
  g_cancellable_cancel (request);
}

/* ------------------------------------------------------------------------------------------ */

/* A failure of the transfer itself, in words that say what to do about it. */
static void
set_network_error (GError **error, const char *url, GError *cause, Watchdog *w, guint timeout_s)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED) && watchdog_expired (w))
    {
      g_autofree char *min = g_format_size_full (w->min_bytes, G_FORMAT_SIZE_IEC_UNITS);
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_NETWORK,
                   _("%s: less than %s arrived in %u s (too slow; timed out)"), url, min,
                   timeout_s);
      g_error_free (cause);
    }
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
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

static gboolean
receive (SoupSession *session, SoupMessage *msg, const char *url, guint64 max_bytes,
         BlHttpChunkFunc chunk, BlHttpProgressFunc progress, gpointer user_data, Watchdog *w,
         guint timeout_s, GError **error)
{
  g_autoptr(GInputStream) in = NULL;
  g_autofree guint8 *buf = NULL;
  GError *e = NULL;
  SoupMessageHeaders *headers;
  guint status;
  guint64 done = 0, total = 0;
  gboolean ok = TRUE;

  in = soup_session_send (session, msg, w->request, &e);
  if (in == NULL)
    {
      set_network_error (error, url, e, w, timeout_s);
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
      gssize n = g_input_stream_read (in, buf, CHUNK, w->request, &e);
      if (n < 0)
        {
          set_network_error (error, url, e, w, timeout_s);
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
      else
        {
          watchdog_count (w, n);
          if (!chunk (buf, n, user_data, error))
            ok = FALSE;
          else if (progress)
            progress (done, total, user_data);
        }
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

gboolean
bl_http_get (SoupSession *session, const char *url, guint64 max_bytes, guint64 min_progress,
             BlHttpChunkFunc chunk, BlHttpProgressFunc progress, gpointer user_data,
             GCancellable *cancellable, GError **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  guint timeout_s = soup_session_get_timeout (session);
  Watchdog w = { 0 };
  GThread *thread;
  gulong handler = 0;
  gboolean ok;

  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                   _("“%s” is not an http or https URL"), url);
      return FALSE;
    }
  g_mutex_init (&w.lock);
  g_cond_init (&w.cond);
  w.request = g_cancellable_new ();
  w.window_us = (gint64) MAX (timeout_s, 1) * G_USEC_PER_SEC;
  w.window_end = g_get_monotonic_time () + w.window_us;
  w.min_bytes = min_progress;
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_request), w.request, NULL);
  thread = g_thread_new ("bl-http-watchdog", watchdog_thread, &w);

  ok = receive (session, msg, url, max_bytes, chunk, progress, user_data, &w, timeout_s, error);

  g_mutex_lock (&w.lock);
  w.done = TRUE;
  g_cond_signal (&w.cond);
  g_mutex_unlock (&w.lock);
  g_thread_join (thread);
  if (cancellable)
    g_cancellable_disconnect (cancellable, handler);
  g_object_unref (w.request);
  g_cond_clear (&w.cond);
  g_mutex_clear (&w.lock);
  return ok;
}
