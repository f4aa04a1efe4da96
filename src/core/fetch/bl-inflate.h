/* bl-inflate.h: gzip or not, decided by the bytes, decompressed as they arrive (push-style),
 * so a download can be checked and unpacked while it streams, never held whole in memory.
 *
 * Whether the bytes are gzip is decided by their first two bytes (1f 8b), not by a name: a
 * mirror may serve "x.gz" already decompressed, and IDX files and tar headers never start that
 * way. Raw bytes pass through unchanged. gzip is read by core/bl-gzip.h, as the IDX loader
 * reads it: several members are one stream, bytes after the last member are an error. A gzip
 * stream that stops early is reported as truncated (BL_FETCH_ERROR_TRUNCATED), one that is
 * corrupt or has bytes after its end as malformed (BL_FETCH_ERROR_FORMAT).
 *
 * With a limit, output beyond it fails at once (BL_FETCH_ERROR_FORMAT): a gzip of zeros
 * inflates a thousandfold, and the size of what is expected is known beforehand.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Receives the decompressed bytes, in order; FALSE (with @error) stops the stream. */
typedef gboolean (*BlInflateOutput) (const guint8 *data, gsize len, gpointer user_data,
                                     GError **error);

typedef struct {
  BlInflateOutput output;
  gpointer        user_data;
  GConverter     *gunzip;     /* set once the first bytes said gzip */
  guint8          head[2];    /* the first bytes, held until they can be sniffed */
  guint           n_head;
  gboolean        sniffed;
  GByteArray     *pending;    /* input the decompressor could not take yet (a byte or two) */
  guint64         limit;      /* the most output allowed; G_MAXUINT64: no limit */
  guint64         in_bytes;   /* as fed */
  guint64         out_bytes;  /* as output */
} BlInflate;

void     bl_inflate_init      (BlInflate *z, BlInflateOutput output, gpointer user_data);
void     bl_inflate_clear     (BlInflate *z);
/* Output beyond @max_bytes fails the stream (BL_FETCH_ERROR_FORMAT). */
void     bl_inflate_set_limit (BlInflate *z, guint64 max_bytes);
gboolean bl_inflate_feed      (BlInflate *z, const guint8 *data, gsize len, GError **error);
/* The input has ended: FALSE if a gzip stream had not. */
gboolean bl_inflate_finish    (BlInflate *z, GError **error);
/* After two bytes (or bl_inflate_finish): whether the input is gzip. */
gboolean bl_inflate_is_gzip   (const BlInflate *z);

G_END_DECLS
