/* bl-inflate.c: see bl-inflate.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-inflate.h"
#include "bl-fetch-error.h"

void
bl_inflate_init (BlInflate *z, BlInflateOutput output, gpointer user_data)
{
  *z = (BlInflate) { 0 };
  z->output = output;
  z->user_data = user_data;
}

void
bl_inflate_clear (BlInflate *z)
{
  g_clear_object (&z->gunzip);
}

gboolean
bl_inflate_is_gzip (const BlInflate *z)
{
  return z->gunzip != NULL;
}

/* Decompresses (or passes through) @len bytes to the output. With @at_end, the stream must
 * end here. */
static gboolean
absorb (BlInflate *d, const guint8 *data, gsize len, gboolean at_end, GError **error)
{
  guint8 out[64 * 1024];
  gsize n_read, n_written;

  if (d->gunzip == NULL)
    {
      d->out_bytes += len;
      return len == 0 || d->output (data, len, d->user_data, error);
    }
  do
    {
      GError *e = NULL;
      GConverterResult r;

      if (d->ended)
        {
          if (len == 0)
            return TRUE;
          g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                       _("there are bytes after the end of the gzip stream"));
          return FALSE;
        }
      n_read = n_written = 0;
      r = g_converter_convert (d->gunzip, data, len, out, sizeof out,
                               at_end ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS,
                               &n_read, &n_written, &e);
      if (r == G_CONVERTER_ERROR)
        {
          /* Not an error in the middle of a stream: zlib only wants more input. */
          if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) && !at_end)
            {
              g_error_free (e);
              return TRUE;
            }
          if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
            g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED,
                         _("the gzip stream stops early, after %llu bytes"),
                         (unsigned long long) d->in_bytes);
          else
            g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                         _("the gzip stream is corrupt (%s)"), e->message);
          g_error_free (e);
          return FALSE;
        }
      d->out_bytes += n_written;
      if (n_written > 0 && !d->output (out, n_written, d->user_data, error))
        return FALSE;
      data += n_read;
      len -= n_read;
      if (r == G_CONVERTER_FINISHED)
        d->ended = TRUE;
      else if (n_read == 0 && n_written == 0)
        {
          /* No progress: zlib wants input that has not come (yet). */
          if (!at_end && len == 0)
            return TRUE;
          g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED,
                       _("the gzip stream stops early, after %llu bytes"),
                       (unsigned long long) d->in_bytes);
          return FALSE;
        }
      /* A full output buffer may leave output pending inside zlib: go round again. */
    }
  while (len > 0 || n_written == sizeof out || (at_end && !d->ended));
  return TRUE;
}

static gboolean
sniff (BlInflate *d, GError **error)
{
  d->sniffed = TRUE;
  if (d->n_head == 2 && d->head[0] == 0x1f && d->head[1] == 0x8b)
    d->gunzip = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  return absorb (d, d->head, d->n_head, FALSE, error);
}

gboolean
bl_inflate_feed (BlInflate *d, const guint8 *data, gsize len, GError **error)
{
  d->in_bytes += len;
  while (!d->sniffed && len > 0)
    {
      d->head[d->n_head++] = *data++;
      len--;
      if (d->n_head == 2 && !sniff (d, error))
        return FALSE;
    }
  return len == 0 || absorb (d, data, len, FALSE, error);
}

gboolean
bl_inflate_finish (BlInflate *d, GError **error)
{
  if (!d->sniffed && !sniff (d, error))
    return FALSE;
  return absorb (d, NULL, 0, TRUE, error);
}
