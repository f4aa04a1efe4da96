/* fuzz-common.h: what every fuzz target checks besides crashes and sanitizer reports: a
 * broken promise aborts (libFuzzer and the replay test both see an abort). */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static inline void
check (gboolean ok)
{
  if (!ok)
    abort ();
}

/* A refusal is a GError of @domain whose message is text a window can show. */
static inline void
check_refusal (GError *error, GQuark domain)
{
  check (error != NULL);
  check (error->domain == domain);
  check (error->message != NULL && g_utf8_validate (error->message, -1, NULL));
}
