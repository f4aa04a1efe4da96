/* bl-digest.c: see bl-digest.h. */
#include "bl-digest.h"

static gboolean
to_checksum (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  g_checksum_update (user_data, data, len);
  return TRUE;
}

void
bl_digest_init (BlDigest *d)
{
  d->sha = g_checksum_new (G_CHECKSUM_SHA256);
  bl_inflate_init (&d->z, to_checksum, d->sha);
}

void
bl_digest_clear (BlDigest *d)
{
  bl_inflate_clear (&d->z);
  g_clear_pointer (&d->sha, g_checksum_free);
}

void
bl_digest_set_limit (BlDigest *d, guint64 max_bytes)
{
  bl_inflate_set_limit (&d->z, max_bytes);
}

gboolean
bl_digest_feed (BlDigest *d, const guint8 *data, gsize len, GError **error)
{
  return bl_inflate_feed (&d->z, data, len, error);
}

gboolean
bl_digest_finish (BlDigest *d, char hex[65], GError **error)
{
  if (!bl_inflate_finish (&d->z, error))
    return FALSE;
  g_strlcpy (hex, g_checksum_get_string (d->sha), 65);
  return TRUE;
}
