/* bl-data-dir.h: where the MNIST files live on this machine, and whether they are MNIST's (or
 * another set's, as its manifest describes it).
 *
 * A folder holds a set when it has the four IDX files under their standard names, raw or .gz
 * (see nn-dataset.h). The checks stream each file through a SHA-256 of its decompressed
 * content, so verifying the 47 MB training images costs a read, not an allocation, and stop as
 * soon as the content is longer than the manifest says. Only regular files are ever opened:
 * a FIFO or a device under a data file's name would block a reader or never end.
 */
#pragma once

#include <gio/gio.h>

#include "bl-manifest.h"
#include "nn-dataset.h"

G_BEGIN_DECLS

/* Where downloads go: $XDG_DATA_HOME/backprop-lab/mnist (transfer full). */
char    *bl_data_user_dir    (void);
/* Every folder looked in, in order: the user's, then for each system data folder
 * ($XDG_DATA_DIRS, by default /usr/local/share and /usr/share) its datasets/mnist and
 * datasets/fashion-mnist, where Debian's dataset packages put them (transfer full). */
GStrv    bl_data_search_dirs (void);

/* The file nn_dataset_load() would read for @file in @dir, or NULL (transfer full). */
char    *bl_data_find_file   (const char *dir, NnDataFile file);
/* TRUE if @path holds @file as @manifest (NULL: MNIST's) describes it, raw or gzip; else an
 * error naming the file: missing (MISSING), unreadable or not a regular file (IO), broken gzip
 * (TRUNCATED, FORMAT), longer than it should be (FORMAT), other content (DIGEST). */
gboolean bl_data_verify_file (const char *path, NnDataFile file, const BlManifest *manifest,
                              GCancellable *cancellable, GError **error);
/* The IDX header of @path (raw or gzip): the number of dimensions and the sizes, e.g.
 * 3 and {60000, 28, 28}. Reads a few bytes only. */
gboolean bl_data_peek_idx    (const char *path, guint *n_dims, guint32 dims[3], GError **error);

/* A descriptor open for reading on @path if it is a regular file, or -1 with an error:
 * BL_FETCH_ERROR_MISSING (no such file), _IO (unreadable, or a FIFO, a device, a folder…).
 * Opening does not block on a FIFO, and nothing but a regular file is ever read. */
int      bl_data_open_regular (const char *path, GError **error);

G_END_DECLS
