/* nn-idx.h: the IDX format of MNIST and its relatives, raw or gzip-compressed.
 *
 * Only regular files are opened (core/bl-file.h: a FIFO or a device is refused at once, never
 * waited on or read without end). The header is checked (magic, unsigned-byte type, number of
 * dimensions, sizes) and the announced length compared with what the file holds BEFORE
 * anything is allocated, so a malformed, truncated or hostile file fails with a message naming
 * the file, never with a crash or a huge allocation. The SHA-256 of the decompressed content is
 * computed on the way.
 */
#pragma once

#include <glib.h>

#include "nn-dataset.h"

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
gboolean nn_idx_read      (const char *path, guint want_dims, NnIdx *out, GError **error);
/* The same from @length bytes in memory (raw or gzip); @name names them in messages. */
gboolean nn_idx_read_data (const guint8 *data, gsize length, const char *name, guint want_dims,
                           NnIdx *out, GError **error);
void     nn_idx_clear     (NnIdx *idx);

/* One split from its two files: 28×28 images and as many labels, each 0–9. @out's images and
 * labels are allocated (g_free them); @images_sha256 and @labels_sha256 (nullable, 65 bytes)
 * receive the files' digests. For a head that needs only the test split (evaluating a model)
 * and must not fail on training files it never uses. */
gboolean nn_idx_read_split (const char *images_path, const char *labels_path, NnSplit *out,
                            char *images_sha256, char *labels_sha256, GError **error);

G_END_DECLS
