/* test-data.c: the IDX reader on good and bad files, the real MNIST, batches. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "nn-dataset.h"
#include "nn-error.h"
#include "nn-idx.h"
#include "nn-rng.h"

static char *tmpdir;

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* An IDX file of @n_dims dims; @extra bytes more (or fewer, if negative) than announced. */
static char *
write_idx (const char *name, guint8 type, guint n_dims, const guint32 *dims, int extra,
           gboolean gzip)
{
  GByteArray *b = g_byte_array_new ();
  guint8 head[16] = { 0, 0, type, (guint8) n_dims };
  gsize items = 1;
  char *path = g_build_filename (tmpdir, name, NULL);

  for (guint d = 0; d < n_dims; d++)
    {
      put_be32 (head + 4 + 4 * d, dims[d]);
      items *= dims[d];
    }
  g_byte_array_append (b, head, 4 + 4 * n_dims);
  for (gssize i = 0; i < (gssize) items + extra; i++)
    {
      guint8 v = (guint8) (i % 10);
      g_byte_array_append (b, &v, 1);
    }
  if (gzip)
    {
      g_autoptr(GZlibCompressor) comp = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
      g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
      g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (comp));
      g_assert_true (g_output_stream_write_all (out, b->data, b->len, NULL, NULL, NULL));
      g_assert_true (g_output_stream_close (out, NULL, NULL));
      g_assert_true (g_file_set_contents (path,
        g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (mem)),
        g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (mem)), NULL));
    }
  else
    g_assert_true (g_file_set_contents (path, (char *) b->data, b->len, NULL));
  g_byte_array_unref (b);
  return path;
}

static void
expect_failure (const char *path, guint dims, int code, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  NnIdx idx;

  g_assert_false (nn_idx_read (path, dims, &idx, &error));
  g_assert_error (error, NN_ERROR, code);
  if (fragment && strstr (error->message, fragment) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, fragment);
  g_assert_null (idx.data);
}

static void
test_idx_good_and_bad (void)
{
  const guint32 img[3] = { 5, 28, 28 }, lab[1] = { 5 };
  g_autofree char *good = write_idx ("good", 0x08, 3, img, 0, FALSE);
  g_autofree char *goodgz = write_idx ("good.gz", 0x08, 3, img, 0, TRUE);
  g_autofree char *trunc = write_idx ("trunc", 0x08, 3, img, -100, FALSE);
  g_autofree char *truncgz = write_idx ("trunc.gz", 0x08, 3, img, -100, TRUE);
  g_autofree char *over = write_idx ("over", 0x08, 3, img, 7, FALSE);
  g_autofree char *overgz = write_idx ("over.gz", 0x08, 3, img, 7, TRUE);
  g_autofree char *type = write_idx ("type", 0x0D, 3, img, 0, FALSE);
  g_autofree char *labels = write_idx ("labels", 0x08, 1, lab, 0, FALSE);
  g_autofree char *empty = g_build_filename (tmpdir, "empty", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing", NULL);
  NnIdx a, b;

  g_assert_true (nn_idx_read (good, 3, &a, NULL));
  g_assert_true (nn_idx_read (goodgz, 3, &b, NULL));
  g_assert_cmpuint (a.dims[0], ==, 5);
  g_assert_cmpuint (a.size, ==, 5 * 784);
  g_assert_cmpmem (a.data, a.size, b.data, b.size);
  g_assert_cmpstr (a.sha256, ==, b.sha256);   /* the digest is of the decompressed bytes */
  nn_idx_clear (&a);
  nn_idx_clear (&b);

  expect_failure (trunc, 3, NN_ERROR_FORMAT, "truncated");
  expect_failure (truncgz, 3, NN_ERROR_FORMAT, "truncated");
  expect_failure (over, 3, NN_ERROR_FORMAT, "longer");
  expect_failure (overgz, 3, NN_ERROR_FORMAT, "longer");
  expect_failure (type, 3, NN_ERROR_FORMAT, "magic");
  expect_failure (labels, 3, NN_ERROR_FORMAT, "dimensions");
  expect_failure (missing, 3, NN_ERROR_IO, NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  expect_failure (empty, 3, NN_ERROR_FORMAT, NULL);
}

static void
test_idx_huge_claim (void)
{
  /* A 16-byte header claiming 4 × 10^9 images of 28×28: refused before any allocation. */
  g_autofree char *path = g_build_filename (tmpdir, "huge", NULL);
  guint8 head[16] = { 0, 0, 8, 3 };

  put_be32 (head + 4, 4000000000u);
  put_be32 (head + 8, 28);
  put_be32 (head + 12, 28);
  g_assert_true (g_file_set_contents (path, (char *) head, sizeof head, NULL));
  expect_failure (path, 3, NN_ERROR_FORMAT, "refusing");
}

static void
test_dataset_mismatch (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "set", NULL);
  const guint32 img[3] = { 4, 28, 28 }, lab[1] = { 3 }, img2[3] = { 2, 28, 28 },
                lab2[1] = { 2 };
  g_autoptr(GError) error = NULL;
  char *saved = tmpdir;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  tmpdir = dir;
  g_free (write_idx ("train-images-idx3-ubyte", 8, 3, img, 0, FALSE));
  g_free (write_idx ("train-labels.idx1-ubyte.gz", 8, 1, lab, 0, TRUE));   /* dotted, gzip */
  g_free (write_idx ("t10k-images-idx3-ubyte", 8, 3, img2, 0, FALSE));
  g_free (write_idx ("t10k-labels-idx1-ubyte", 8, 1, lab2, 0, FALSE));
  tmpdir = saved;
  g_assert_null (nn_dataset_load (dir, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "4 images but"));
  g_clear_error (&error);
  g_assert_null (nn_dataset_load ("/nonexistent/folder", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
}

static void
test_real_mnist (void)
{
  const char *dir = g_getenv ("BL_MNIST_DIR");
  g_autoptr(GError) error = NULL;
  NnDataset *set;
  guint counts[10] = { 0 };

  /* CI has ../shared/mnist beside the checkout; its absence is a failure, not a skip. */
  g_assert_nonnull (dir);
  set = nn_dataset_load (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->train.n, ==, 60000);
  g_assert_cmpuint (set->test.n, ==, 10000);
  g_assert_true (nn_dataset_verify_mnist (set, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < set->test.n; i++)
    counts[set->test.labels[i]]++;
  g_assert_cmpuint (counts[1], ==, 1135);   /* MNIST's test set: 1,135 ones, 892 fives */
  g_assert_cmpuint (counts[5], ==, 892);
  /* A corrupted digest is reported with the file's name. */
  set->sha256[NN_FILE_TEST_LABELS][0] ^= 1;
  g_assert_false (nn_dataset_verify_mnist (set, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_DIGEST);
  g_assert_nonnull (strstr (error->message, "t10k-labels"));
  nn_dataset_unref (set);
}

static void
test_batches (void)
{
  NnSplit split = { 3, g_new0 (guint8, 3 * NN_IMAGE_SIZE), g_new0 (guint8, 3) };
  guint32 idx[3] = { 2, 0, 1 }, perm[1000], perm2[1000];
  float x[3 * NN_IMAGE_SIZE];
  guint8 y[3];
  gboolean seen[1000] = { FALSE };

  split.labels[0] = 7; split.labels[1] = 1; split.labels[2] = 4;
  split.images[0] = 255;                          /* image 0, pixel (0,0) */
  split.images[2 * NN_IMAGE_SIZE + 14 * 28 + 20] = 255;   /* image 2, pixel (14,20) */
  nn_split_fill_batch (&split, idx, 3, x, y, 0, 1, 0);
  g_assert_cmpuint (y[0], ==, 4);
  g_assert_cmpuint (y[1], ==, 7);
  g_assert_cmpfloat_with_epsilon (x[NN_IMAGE_SIZE], (1 - 0.1307) / 0.3081, 1e-5);
  g_assert_cmpfloat_with_epsilon (x[NN_IMAGE_SIZE + 1], -0.1307 / 0.3081, 1e-5);

  /* Rotating by ±90° moves pixel (row 14, col 20) a quarter turn about (13.5, 13.5). */
  {
    float r[NN_IMAGE_SIZE];
    const guint8 *img2 = split.images + 2 * NN_IMAGE_SIZE;
    int at_plus = -1, at_minus = -1;
    float bg = -0.1307f / 0.3081f;
    nn_rotate_image (r, img2, G_PI / 2);
    for (int p = 0; p < NN_IMAGE_SIZE; p++)
      if (r[p] > bg + 1)
        at_plus = p;
    nn_rotate_image (r, img2, -G_PI / 2);
    for (int p = 0; p < NN_IMAGE_SIZE; p++)
      if (r[p] > bg + 1)
        at_minus = p;
    g_assert_cmpint (at_plus, ==, 20 * 28 + 13);   /* (14,20) → (20,13) */
    g_assert_cmpint (at_minus, ==, 7 * 28 + 14);   /* (14,20) → (7,14) */
  }
  /* Rotation by 0° is the identity. */
  {
    float x0[NN_IMAGE_SIZE], x1[NN_IMAGE_SIZE];
    guint32 one[1] = { 2 };
    nn_split_fill_batch (&split, one, 1, x0, y, 0, 5, 3);
    nn_split_fill_batch (&split, one, 1, x1, y, 1e-9, 5, 3);
    for (int p = 0; p < NN_IMAGE_SIZE; p++)
      g_assert_cmpfloat_with_epsilon (x0[p], x1[p], 1e-4);
  }

  /* Shuffling: a permutation, the same for the same seed and epoch. */
  nn_rng_permutation (perm, 1000, 1, NN_RNG_STREAM_SHUFFLE, 0);
  nn_rng_permutation (perm2, 1000, 1, NN_RNG_STREAM_SHUFFLE, 0);
  g_assert_cmpmem (perm, sizeof perm, perm2, sizeof perm2);
  for (int i = 0; i < 1000; i++)
    {
      g_assert_cmpuint (perm[i], <, 1000);
      g_assert_false (seen[perm[i]]);
      seen[perm[i]] = TRUE;
    }
  nn_rng_permutation (perm2, 1000, 1, NN_RNG_STREAM_SHUFFLE, 1);
  g_assert_true (memcmp (perm, perm2, sizeof perm) != 0);
  g_free (split.images);
  g_free (split.labels);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("bl-nn-data-XXXXXX", NULL);
  g_test_add_func ("/nn/idx/good-and-bad", test_idx_good_and_bad);
  g_test_add_func ("/nn/idx/huge-claim", test_idx_huge_claim);
  g_test_add_func ("/nn/dataset/mismatch", test_dataset_mismatch);
  g_test_add_func ("/nn/dataset/real-mnist", test_real_mnist);
  g_test_add_func ("/nn/dataset/batches", test_batches);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_warning ("could not remove %s", tmpdir);
  }
  g_free (tmpdir);
  return status;
}
