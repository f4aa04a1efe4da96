/* fuzz-gzip.c: gzip as the project reads it (core/bl-gzip.h), both ways at once on any bytes:
 * pushed through the downloader's digest (bl-digest.h, in pieces whose sizes come from the
 * input) and pulled through a GConverterInputStream as the IDX loader reads a file. Besides
 * crashes and sanitizer reports, the two must agree, aborting when they do not: both accept
 * (with the same content) or both refuse, a truncated stream being truncated for both. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bl-digest.h"
#include "bl-fetch-error.h"
#include "core/bl-gzip.h"

/* Output beyond this is not followed: a fuzzer's bomb costs milliseconds, not minutes. */
#define LIMIT (4 << 20)

static void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

typedef enum { OK, TRUNCATED, BAD, TOO_LONG } Outcome;

static Outcome
push (const uint8_t *data, size_t size, char hex[65])
{
  GError *e = NULL;
  BlDigest d;
  gboolean ok = TRUE;
  Outcome o = OK;
  gsize at = 0;

  bl_digest_init (&d);
  bl_digest_set_limit (&d, LIMIT);
  while (ok && at < size)
    {
      gsize n = MIN (size - at, 1 + (data[(at * 31) % size] * 13 + at) % 4000);
      ok = bl_digest_feed (&d, data + at, n, &e);
      at += n;
    }
  ok = ok && bl_digest_finish (&d, hex, &e);
  if (!ok)
    {
      check (e->domain == BL_FETCH_ERROR);
      if (e->code == BL_FETCH_ERROR_TRUNCATED)
        o = TRUNCATED;
      else if (strstr (e->message, "longer than"))
        o = TOO_LONG;
      else
        o = BAD;
    }
  check (ok || bl_digest_size (&d) <= LIMIT);
  g_clear_error (&e);
  bl_digest_clear (&d);
  return o;
}

static Outcome
pull (const uint8_t *data, size_t size, char hex[65])
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GInputStream) mem = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(GConverter) gunzip = bl_gunzip_new ();
  g_autoptr(GInputStream) in = g_converter_input_stream_new (mem, gunzip);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buf[5000];
  guint64 total = 0;
  GError *e = NULL;

  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, &e);
      if (n < 0)
        {
          Outcome o = g_error_matches (e, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT) ? TRUNCATED : BAD;
          check (e->domain == G_IO_ERROR);
          g_error_free (e);
          return o;
        }
      if (n == 0)
        break;
      if ((total += n) > LIMIT)
        return TOO_LONG;
      g_checksum_update (sum, buf, n);
    }
  g_strlcpy (hex, g_checksum_get_string (sum), 65);
  return OK;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char h1[65] = "", h2[65] = "";
  Outcome o1 = push (data, size, h1);

  /* Raw bytes pass the digest through; only gzip is compared. */
  if (!bl_gzip_has_magic (data, size))
    return 0;
  {
    Outcome o2 = pull (data, size, h2);
    /* Past the limit the two stop at different places: nothing to compare. */
    if (o1 == TOO_LONG || o2 == TOO_LONG)
      return 0;
    check (o1 == o2);
    if (o1 == OK)
      check (strcmp (h1, h2) == 0);
  }
  return 0;
}
