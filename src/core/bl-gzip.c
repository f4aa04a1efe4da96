/* bl-gzip.c: see bl-gzip.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-gzip.h"

struct _BlGunzip {
  GObject     parent_instance;
  GConverter *member;    /* zlib's decompressor, for the member being read */
  gboolean    between;   /* a member has ended: what follows must be another, or nothing */
  guint64     n_members;
};

static void bl_gunzip_converter_init (GConverterIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BlGunzip, bl_gunzip, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_CONVERTER,
                                                      bl_gunzip_converter_init))

gboolean
bl_gzip_has_magic (const guint8 *data, gsize len)
{
  return len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
}

static GConverterResult
need_input (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT, _("Need more input"));
  return G_CONVERTER_ERROR;
}

static GConverterResult
bl_gunzip_convert (GConverter *converter, const void *inbuf, gsize inbuf_size, void *outbuf,
                   gsize outbuf_size, GConverterFlags flags, gsize *bytes_read,
                   gsize *bytes_written, GError **error)
{
  BlGunzip *self = BL_GUNZIP (converter);
  const guint8 *in = inbuf;
  GError *e = NULL;
  GConverterResult r;

  *bytes_read = *bytes_written = 0;
  if (self->between)
    {
      if (inbuf_size == 0)
        {
          if (flags & G_CONVERTER_INPUT_AT_END)
            return G_CONVERTER_FINISHED;
          if (flags & G_CONVERTER_FLUSH)
            return G_CONVERTER_FLUSHED;
          return need_input (error);
        }
      if (in[0] != 0x1f || (inbuf_size >= 2 && in[1] != 0x8b))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _("there are bytes after the end of the gzip stream"));
          return G_CONVERTER_ERROR;
        }
      if (inbuf_size < 2)
        return need_input (error);   /* at the end too: a member cut after one byte */
      g_converter_reset (self->member);
      self->between = FALSE;
    }
  r = g_converter_convert (self->member, inbuf, inbuf_size, outbuf, outbuf_size, flags,
                           bytes_read, bytes_written, &e);
  if (r == G_CONVERTER_ERROR && e->code == G_IO_ERROR_INVALID_DATA)
    {
      /* zlib's words ("invalid distance too far back") need saying what they are about. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("the gzip stream is corrupt (%s)"),
                   e->message);
      g_error_free (e);
      return r;
    }
  if (r == G_CONVERTER_ERROR)
    {
      g_propagate_error (error, e);
      return r;
    }
  if (r != G_CONVERTER_FINISHED)
    return r;
  /* One member is complete. The stream is only finished when nothing follows it; otherwise
   * the caller comes back with the rest (or with nothing and INPUT_AT_END). */
  self->between = TRUE;
  self->n_members++;
  if (*bytes_read == inbuf_size && (flags & G_CONVERTER_INPUT_AT_END))
    return G_CONVERTER_FINISHED;
  if (*bytes_read == 0 && *bytes_written == 0)
    return need_input (error);   /* never: a member's end consumes its trailer */
  return G_CONVERTER_CONVERTED;
}

static void
bl_gunzip_reset (GConverter *converter)
{
  BlGunzip *self = BL_GUNZIP (converter);

  g_converter_reset (self->member);
  self->between = FALSE;
  self->n_members = 0;
}

static void
bl_gunzip_converter_init (GConverterIface *iface)
{
  iface->convert = bl_gunzip_convert;
  iface->reset = bl_gunzip_reset;
}

static void
bl_gunzip_finalize (GObject *object)
{
  BlGunzip *self = BL_GUNZIP (object);

  g_clear_object (&self->member);
  G_OBJECT_CLASS (bl_gunzip_parent_class)->finalize (object);
}

static void
bl_gunzip_class_init (BlGunzipClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bl_gunzip_finalize;
}

static void
bl_gunzip_init (BlGunzip *self)
{
  self->member = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
}

GConverter *
bl_gunzip_new (void)
{
  return G_CONVERTER (g_object_new (BL_TYPE_GUNZIP, NULL));
}

guint64
bl_gunzip_get_members (BlGunzip *self)
{
  g_return_val_if_fail (BL_IS_GUNZIP (self), 0);
  return self->n_members;
}
