/* bl-fetch-error.h: the GError domain of getting a data set onto the disk. Cancellation is
 * reported as G_IO_ERROR_CANCELLED, as GIO and libsoup report it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BL_FETCH_ERROR (bl_fetch_error_quark ())
GQuark bl_fetch_error_quark (void);

typedef enum {
  BL_FETCH_ERROR_INVALID,    /* a bad argument: a mirror that is not an http(s) URL */
  BL_FETCH_ERROR_MISSING,    /* a file is not in the folder (or not in a tarball) */
  BL_FETCH_ERROR_HTTP,       /* the server answered with a status other than 2xx */
  BL_FETCH_ERROR_NETWORK,    /* no connection, a timeout, a dropped connection */
  BL_FETCH_ERROR_TRUNCATED,  /* fewer bytes than announced, or a gzip stream cut short */
  BL_FETCH_ERROR_FORMAT,     /* not gzip nor raw as it should be, a broken tarball, too big */
  BL_FETCH_ERROR_DIGEST,     /* the content is not MNIST's (SHA-256 of the decompressed file) */
  BL_FETCH_ERROR_IO,         /* a local file could not be read or written */
} BlFetchError;

G_END_DECLS
