/* bl-inflate.c: see bl-inflate.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-fetch-error.h"
#include "bl-inflate.h"
#include "core/bl-gzip.h"

/* Input held for the decompressor never grows past a gzip magic's worth; more would mean a
 * converter that takes nothing and says it wants more, a loop this stops. */
#define MAX_PENDING 64

void
bl_inflate_init (BlInflate *z, BlInflateOutput output, gpointer user_data)
{
  *z = (BlInflate) { 0 };
  z->output = output;
  z->user_data = user_data;
  z->limit = G_MAXUINT64;
}

void
bl_inflate_clear (BlInflate *z)
{
  g_clear_object (&z->gunzip);
  g_clear_pointer (&z->pending, g_byte_array_unref);
}

void
bl_inflate_set_limit (BlInflate *z, guint64 max_bytes)
{
  z->limit = max_bytes;
}

gboolean
bl_inflate_is_gzip (const BlInflate *z)
{
  return z->gunzip != NULL;
}

static gboolean
emit (BlInflate *z, const guint8 *data, gsize len, GError **error)
{
  if (len == 0)
    return TRUE;
  if (len > z->limit - z->out_bytes)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                   _("the content is longer than the expected %llu bytes"),
                   (unsigned long long) z->limit);
      return FALSE;
    }
  z->out_bytes += len;
  return z->output (data, len, z->user_data, error);
}

static gboolean
gzip_error (BlInflate *z, GError *e, GError **error)
{
  if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED,
                 _("the gzip stream stops early, after %llu bytes"),
                 (unsigned long long) z->in_bytes);
  else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    g_set_error_literal (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT, e->message);
  else
    g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                 _("the gzip stream is corrupt (%s)"), e->message);
  g_error_free (e);
  return FALSE;
}

/* Decompresses @len bytes to the output. With @at_end, the stream must end here. */
static gboolean
inflate_bytes (BlInflate *z, const guint8 *data, gsize len, gboolean at_end, GError **error)
{
  guint8 out[64 * 1024];

  for (;;)
    {
      gsize n_read = 0, n_written = 0;
      GError *e = NULL;
      GConverterResult r;

      if (len == 0 && !at_end)
        return TRUE;
      r = g_converter_convert (z->gunzip, data, len, out, sizeof out,
                               at_end ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                               &n_read, &n_written, &e);
      if (r == G_CONVERTER_ERROR)
        {
          /* In the middle of the input, not an error: the decompressor wants more. */
          if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) && !at_end)
            {
              g_error_free (e);
              if (len > MAX_PENDING)
                {
                  g_set_error_literal (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                                       _("the gzip stream makes no progress"));
                  return FALSE;
                }
              if (z->pending == NULL)
                z->pending = g_byte_array_new ();
              g_byte_array_append (z->pending, data, len);
              return TRUE;
            }
          return gzip_error (z, e, error);
        }
      if (!emit (z, out, n_written, error))
        return FALSE;
      data += n_read;
      len -= n_read;
      if (r == G_CONVERTER_FINISHED)
        return TRUE;
      if (n_read == 0 && n_written == 0)
        {
          g_set_error_literal (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                               _("the gzip stream makes no progress"));
          return FALSE;
        }
    }
}

/* Input held back last time goes first. */
static gboolean
absorb (BlInflate *z, const guint8 *data, gsize len, gboolean at_end, GError **error)
{
  g_autoptr(GByteArray) held = NULL;

  if (z->gunzip == NULL)
    return emit (z, data, len, error);
  if (z->pending == NULL || z->pending->len == 0)
    return inflate_bytes (z, data, len, at_end, error);
  held = g_steal_pointer (&z->pending);
  g_byte_array_append (held, data, len);
  return inflate_bytes (z, held->data, held->len, at_end, error);
}

static gboolean
sniff (BlInflate *z, GError **error)
{
  z->sniffed = TRUE;
  if (bl_gzip_has_magic (z->head, z->n_head))
    z->gunzip = bl_gunzip_new ();
  return absorb (z, z->head, z->n_head, FALSE, error);
}

gboolean
bl_inflate_feed (BlInflate *z, const guint8 *data, gsize len, GError **error)
{
  z->in_bytes += len;
  while (!z->sniffed && len > 0)
    {
      z->head[z->n_head++] = *data++;
      len--;
      if (z->n_head == 2 && !sniff (z, error))
        return FALSE;
    }
  return len == 0 || absorb (z, data, len, FALSE, error);
}

gboolean
bl_inflate_finish (BlInflate *z, GError **error)
{
  /* An empty buffer, not NULL: the loop steps its pointer by what was read, and NULL + 0 is
   * undefined behaviour (UBSan says so, from the fuzzer's first gzip seed). */
  static const guint8 none[1];

  if (!z->sniffed && !sniff (z, error))
    return FALSE;
  return absorb (z, none, 0, TRUE, error);
}
