/* bl-digest.h: the SHA-256 of a file's decompressed content (see bl-inflate.h), computed as
 * its bytes stream by, from a socket, a tarball or the disk. The known MNIST digests are those
 * of the decompressed files, so the same check holds whichever form a mirror serves. */
#pragma once

#include "bl-inflate.h"

G_BEGIN_DECLS

typedef struct {
  BlInflate  z;
  GChecksum *sha;
} BlDigest;

void     bl_digest_init    (BlDigest *d);
void     bl_digest_clear   (BlDigest *d);
/* Content beyond @max_bytes (decompressed) fails the feed at once (BL_FETCH_ERROR_FORMAT). */
void     bl_digest_set_limit (BlDigest *d, guint64 max_bytes);
gboolean bl_digest_feed    (BlDigest *d, const guint8 *data, gsize len, GError **error);
/* Ends the stream and writes the lowercase hex digest into @hex. */
gboolean bl_digest_finish  (BlDigest *d, char hex[65], GError **error);

/* Decompressed bytes so far. */
static inline guint64
bl_digest_size (const BlDigest *d)
{
  return d->z.out_bytes;
}

static inline gboolean
bl_digest_is_gzip (const BlDigest *d)
{
  return bl_inflate_is_gzip (&d->z);
}

G_END_DECLS
