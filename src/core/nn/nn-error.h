/* nn-error.h: the CNN engine's GError domain. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_ERROR (nn_error_quark ())
GQuark nn_error_quark (void);

typedef enum {
  NN_ERROR_INVALID,     /* an argument or option out of range */
  NN_ERROR_IO,          /* a file could not be read or written */
  NN_ERROR_FORMAT,      /* a file is malformed: magic, dimensions, length, checksum */
  NN_ERROR_MISMATCH,    /* files that do not belong together (counts, shapes, model) */
  NN_ERROR_DIGEST,      /* content differs from the known SHA-256 */
  NN_ERROR_CANCELLED,   /* stopped on request */
  NN_ERROR_DIVERGED,    /* training produced a non-finite loss */
} NnError;

G_END_DECLS
