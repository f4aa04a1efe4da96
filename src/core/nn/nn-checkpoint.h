/* nn-checkpoint.h: a model's tensors in a versioned, checksummed binary file.
 *
 * Layout (little-endian):
 *   "BLCKPT\r\n" (8 bytes) · u32 version (1) · u32 spec length · spec (the architecture line)
 *   · u32 metadata length · metadata ("key=value" lines) · u32 tensor count
 *   · per tensor: u16 name length · name · u8 dims · u32 × dims · f32 data
 *   · SHA-256 of everything before it (32 bytes).
 * Written atomically (temporary file, then rename). Loading checks magic, version, checksum,
 * architecture and every tensor's name and shape before touching the model.
 */
#pragma once

#include <glib.h>

#include "nn-model.h"

G_BEGIN_DECLS

#define NN_CHECKPOINT_VERSION 1
#define NN_CHECKPOINT_MAX_BYTES (64 * 1024 * 1024)

/* @metadata: key=value lines (may be NULL), e.g. the recipe and the accuracy. */
gboolean nn_checkpoint_save (NnModel *model, const char *path, const char *metadata,
                             GError **error);
/* Loads into @model; @metadata_out (nullable) receives the metadata (transfer full). */
gboolean nn_checkpoint_load (NnModel *model, const char *path, char **metadata_out,
                             GError **error);

G_END_DECLS
