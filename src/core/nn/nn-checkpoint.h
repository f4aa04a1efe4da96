/* nn-checkpoint.h: a model's tensors in a versioned, checksummed binary file.
 *
 * Layout (little-endian):
 *   "BLCKPT\r\n" (8 bytes) · u32 version (2) · u32 spec length · spec (the architecture line,
 *   nn_model_spec_string) · f32 dropout rate (the model's, nn_model_get_dropout)
 *   · u32 metadata length · metadata ("key=value" lines) · u32 tensor count
 *   · per tensor: u16 name length · name · u8 dims · u32 × dims · f32 data
 *   · SHA-256 of everything before it (32 bytes).
 * Version 1 (read, no longer written) has no rate: its spec line names dropout's as "drop0.25",
 * and its models load with that rate, the only one there was when they were written.
 * Written atomically (core/bl-file.h: a temporary file beside it, then a rename; a device node
 * or FIFO is refused as a destination). Every value must be finite, and every BN running
 * variance ≥ 0, both to be saved (a diverged model never replaces a good file) and to be
 * loaded. Loading opens regular files only, checks the size before reading, then magic,
 * version, checksum, architecture, every tensor's name, shape and values before touching the
 * model.
 */
#pragma once

#include <glib.h>

#include "nn-model.h"

G_BEGIN_DECLS

/* The version written; every version from 1 to it is read. */
#define NN_CHECKPOINT_VERSION 2
#define NN_CHECKPOINT_MAX_BYTES (64 * 1024 * 1024)

/* @metadata: key=value lines (may be NULL; UTF-8), e.g. the recipe and the accuracy. Fails
 * with NN_ERROR_INVALID, writing nothing, if the model holds a non-finite value. */
gboolean nn_checkpoint_save      (NnModel *model, const char *path, const char *metadata,
                                  GError **error);
/* Loads into @model, its tensors and its dropout rate; @metadata_out (nullable) receives the
 * metadata (transfer full). */
gboolean nn_checkpoint_load      (NnModel *model, const char *path, char **metadata_out,
                                  GError **error);
/* The same from @length bytes in memory; @name names them in messages. */
gboolean nn_checkpoint_load_data (NnModel *model, const guint8 *data, gsize length,
                                  const char *name, char **metadata_out, GError **error);
/* FALSE and NN_ERROR_INVALID naming the first tensor and index holding a value a model cannot
 * hold (NaN, ±Inf, a negative running variance). */
gboolean nn_checkpoint_check_values (NnModel *model, GError **error);

G_END_DECLS
