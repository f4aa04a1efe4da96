/* bl-gzip.h: gzip read the way gzip(1) reads it, in one place for every reader of a .gz (the
 * IDX loader, the downloader, the data checks), so that they all accept and refuse the same
 * files.
 *
 * A gzip file is one or more members back to back (RFC 1952 §2.2: `cat a.gz b.gz > c.gz` is
 * valid and decompresses to both contents). Anything after the last member that is not the
 * start of another member is an error here, not something to ignore: a file with bytes after
 * its gzip data has been damaged or tampered with, and a checksum over the decompressed
 * content would not see them.
 *
 * GLib's own GZlibDecompressor stops at the end of the first member and reports FINISHED, so a
 * GConverterInputStream over it silently drops whatever follows, a second member's content as
 * much as garbage. BlGunzip is a GConverter over it that goes on to the next member:
 *   - G_IO_ERROR_INVALID_DATA: corrupt data, or bytes after the end that are not a member;
 *   - G_IO_ERROR_PARTIAL_INPUT with G_CONVERTER_INPUT_AT_END: the input stops inside a member
 *     (truncated), as zlib's converter reports it.
 * GLib/GIO only: usable from the engine (nncore) and the fetch library alike.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define BL_TYPE_GUNZIP (bl_gunzip_get_type ())
G_DECLARE_FINAL_TYPE (BlGunzip, bl_gunzip, BL, GUNZIP, GObject)

/* A gzip decompressor (transfer full), for g_converter_input_stream_new () (pull) or
 * g_converter_convert () (push). */
GConverter *bl_gunzip_new         (void);
/* How many members have ended so far. */
guint64     bl_gunzip_get_members (BlGunzip *self);

/* TRUE if @data starts as every gzip member does (1f 8b); FALSE for fewer than 2 bytes. */
gboolean    bl_gzip_has_magic     (const guint8 *data, gsize len);

G_END_DECLS
