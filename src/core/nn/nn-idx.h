/* nn-idx.h: the IDX format of MNIST and its relatives, raw or gzip-compressed.
 *
 * The header is checked (magic, unsigned-byte type, number of dimensions, sizes) and the
 * announced length compared with what the file holds BEFORE anything is allocated, so a
 * malformed, truncated or hostile file fails with a message naming the file, never with a
 * crash or a huge allocation. The SHA-256 of the decompressed content is computed on the way.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_IDX_MAX_DIMS 3
/* Larger than any set of this shape we know (MNIST's training images are 47 MB). */
#define NN_IDX_MAX_BYTES (G_GUINT64_CONSTANT (1) << 30)

typedef struct {
  guint    n_dims;                 /* 1 for labels, 3 for images */
  guint32  dims[NN_IDX_MAX_DIMS];  /* dims[0] = number of items */
  guint8  *data;                   /* dims[0] × … bytes */
  gsize    size;
  char     sha256[65];             /* of the whole decompressed file, lowercase hex */
} NnIdx;

/* Reads @path; @want_dims (1 or 3) is the number of dimensions the caller needs. */
gboolean nn_idx_read  (const char *path, guint want_dims, NnIdx *out, GError **error);
void     nn_idx_clear (NnIdx *idx);

G_END_DECLS
