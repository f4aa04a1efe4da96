/* test-checkpoint.c: checkpoints written and read back; damage, other networks, non-finite
 * values and files that are not regular files refused, the model untouched. */
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nn-arch.h"
#include "nn-checkpoint.h"
#include "nn-error.h"

static char *tmpdir;

static float *
tensor (NnModel *m, const char *name)
{
  g_autoptr(GArray) tensors = nn_model_tensors (m);
  for (guint i = 0; i < tensors->len; i++)
    if (g_str_equal (g_array_index (tensors, NnTensorView, i).name, name))
      return g_array_index (tensors, NnTensorView, i).data;
  g_error ("no tensor %s", name);
  return NULL;
}

/* Rewrites the SHA-256 at the end of a checkpoint's bytes: a well-formed file of what the
 * bytes now say. */
static void
reseal (char *contents, gsize len)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize dl = 32;

  g_checksum_update (sum, (guint8 *) contents, len - 32);
  g_checksum_get_digest (sum, (guint8 *) contents + len - 32, &dl);
  g_checksum_free (sum);
}

static void
test_round_trip_and_damage (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "m.ckpt", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "bad.ckpt", NULL);
  g_autofree char *meta = NULL, *contents = NULL;
  g_autoptr(GError) error = NULL;
  NnModel *a = nn_model_new (1, 2, 1, NULL), *b = nn_model_new (2, 2, 1, NULL);
  gsize len;

  g_assert_true (memcmp (nn_model_params (a), nn_model_params (b), 18820 * 4) != 0);
  g_assert_true (nn_checkpoint_save (a, path, "epoch=3\n", &error));
  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_load (b, path, &meta, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (meta, ==, "epoch=3\n");
  g_assert_cmpmem (nn_model_params (a), 18820 * 4, nn_model_params (b), 18820 * 4);

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* A flipped bit anywhere: the checksum catches it, the model is untouched. */
  {
    float before = nn_model_params (b)[100];
    contents[len / 2] ^= 0x10;
    g_assert_true (g_file_set_contents (bad, contents, len, NULL));
    g_assert_false (nn_checkpoint_load (b, bad, NULL, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "checksum"));
    g_clear_error (&error);
    g_assert_cmpfloat (nn_model_params (b)[100], ==, before);
    contents[len / 2] ^= 0x10;
  }
  /* Truncated. */
  g_assert_true (g_file_set_contents (bad, contents, len - 100, NULL));
  g_assert_false (nn_checkpoint_load (b, bad, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_clear_error (&error);
  /* Not a model at all. */
  g_assert_true (g_file_set_contents (bad, "hello, world, this is not a model file at all....",
                                      -1, NULL));
  g_assert_false (nn_checkpoint_load (b, bad, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_clear_error (&error);
  /* A well-formed file of another network (spec changed, checksum recomputed). */
  contents[16] ^= 0x01;   /* first byte of the spec */
  reseal (contents, len);
  g_assert_true (g_file_set_contents (bad, contents, len, NULL));
  g_assert_false (nn_checkpoint_load (b, bad, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (nn_checkpoint_load (b, "/nonexistent/m.ckpt", NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  nn_model_free (a);
  nn_model_free (b);
  g_unlink (path);
  g_unlink (bad);
}

/* A checkpoint remembers the dropout rate its network trained with (a loaded model's Try It
 * with dropout on drops at that rate): whatever rate the loading model had, it ends with the
 * file's. */
static void
test_dropout_rate_round_trip (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "rate.ckpt", NULL);
  g_autoptr(GError) error = NULL;
  NnModel *a = nn_model_new (1, 2, 1, NULL), *b = nn_model_new (2, 2, 1, NULL);

  nn_model_set_dropout (a, 0.05f);
  g_assert_true (nn_checkpoint_save (a, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_model_get_dropout (b), ==, NN_DROPOUT_P);
  g_assert_true (nn_checkpoint_load (b, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_model_get_dropout (b), ==, 0.05f);
  /* Back: a file of 0.3 loaded into a model at 0.05. */
  nn_model_set_dropout (a, 0.3f);
  g_assert_true (nn_checkpoint_save (a, path, NULL, &error));
  g_assert_true (nn_checkpoint_load (b, path, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_model_get_dropout (b), ==, 0.3f);
  nn_model_free (a);
  nn_model_free (b);
  g_unlink (path);
}

/* A file written before checkpoints stored the rate (the bundled model, version 1) loads, with
 * the 0.25 every network of that time trained with, whatever the loading model's rate was. */
static void
test_old_file_loads_with_quarter (void)
{
  g_autofree char *bundled = g_test_build_filename (G_TEST_DIST, "..", "data", "model",
                                                    "mnist-default.blckpt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (1, 2, 1, NULL);
  gsize len;
  guint32 version;

  g_assert_true (g_file_get_contents (bundled, &contents, &len, NULL));
  memcpy (&version, contents + 8, 4);
  g_assert_cmpuint (GUINT32_FROM_LE (version), ==, 1);
  nn_model_set_dropout (m, 0.05f);
  g_assert_true (nn_checkpoint_load (m, bundled, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_model_get_dropout (m), ==, 0.25f);
  nn_model_free (m);
}

static guint32
u32_at (const char *bytes, gsize at)
{
  guint32 v;
  memcpy (&v, bytes + at, 4);
  return GUINT32_FROM_LE (v);
}

/* @v2 (a version-2 file's bytes, @len of them) as version 1 wrote the same model: version 1,
 * the spec line with its rate ("drop0.25"), no rate field; resealed. */
static GByteArray *
as_version_1 (const char *v2, gsize len)
{
  GByteArray *b = g_byte_array_new ();
  gsize after_rate = 16 + u32_at (v2, 12) + 4;
  g_autoptr(GString) spec = g_string_new_len (v2 + 16, u32_at (v2, 12));
  guint32 le;

  g_assert_cmpuint (g_string_replace (spec, " drop ", " drop0.25 ", 0), ==, 3);
  g_byte_array_append (b, (const guint8 *) v2, 8);
  le = GUINT32_TO_LE (1);
  g_byte_array_append (b, (const guint8 *) &le, 4);
  le = GUINT32_TO_LE (spec->len);
  g_byte_array_append (b, (const guint8 *) &le, 4);
  g_byte_array_append (b, (const guint8 *) spec->str, spec->len);
  /* The metadata and the tensors, then room for the digest. */
  g_byte_array_append (b, (const guint8 *) v2 + after_rate, len - after_rate);
  reseal ((char *) b->data, b->len);
  return b;
}

/* Version 1 read as it was written: the weights, and 0.25 as the rate. Its spec line in a
 * version-2 file, or today's in a version-1 file, is another network; a version-2 rate that
 * is no probability below 1 is refused, the model untouched. */
static void
test_versions_and_rates (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "v.ckpt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GByteArray) v1 = NULL;
  g_autoptr(GError) error = NULL;
  NnModel *a = nn_model_new (1, 2, 1, NULL), *b = nn_model_new (2, 2, 1, NULL);
  gsize len, rate_at;
  const float bad[] = { 1.0f, -0.25f, NAN, INFINITY, 2.0f };

  nn_model_set_dropout (a, 0.1f);
  g_assert_true (nn_checkpoint_save (a, path, "k=v\n", &error));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (u32_at (contents, 8), ==, NN_CHECKPOINT_VERSION);
  g_assert_cmpuint (NN_CHECKPOINT_VERSION, ==, 2);
  rate_at = 16 + u32_at (contents, 12);
  {
    float stored;
    memcpy (&stored, contents + rate_at, 4);
    g_assert_cmpfloat (stored, ==, 0.1f);
  }

  v1 = as_version_1 (contents, len);
  nn_model_set_dropout (b, 0.05f);
  g_assert_true (nn_checkpoint_load_data (b, v1->data, v1->len, "v1", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (nn_model_get_dropout (b), ==, 0.25f);
  g_assert_cmpmem (nn_model_params (a), 18820 * 4, nn_model_params (b), 18820 * 4);

  /* The versions' spec lines swapped: each is another network to the other version. */
  {
    g_autofree char *copy = g_memdup2 (v1->data, v1->len);
    guint32 two = GUINT32_TO_LE (2);
    memcpy (copy + 8, &two, 4);
    reseal (copy, v1->len);
    g_assert_false (nn_checkpoint_load_data (b, (guint8 *) copy, v1->len, "v", NULL, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_MISMATCH);
    g_clear_error (&error);
  }
  {
    g_autofree char *copy = g_memdup2 (contents, len);
    guint32 one = GUINT32_TO_LE (1);
    memcpy (copy + 8, &one, 4);
    reseal (copy, len);
    g_assert_false (nn_checkpoint_load_data (b, (guint8 *) copy, len, "v", NULL, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_MISMATCH);
    g_clear_error (&error);
  }
  /* Versions 0 and 3 are not read. */
  for (guint32 v = 0; v <= 3; v += 3)
    {
      g_autofree char *copy = g_memdup2 (contents, len);
      guint32 le = GUINT32_TO_LE (v);
      memcpy (copy + 8, &le, 4);
      reseal (copy, len);
      g_assert_false (nn_checkpoint_load_data (b, (guint8 *) copy, len, "v", NULL, &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "version"));
      g_clear_error (&error);
    }

  /* A rate that is no probability below 1, in a well-formed file: refused, b untouched. */
  nn_model_set_dropout (b, 0.05f);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *copy = g_memdup2 (contents, len);
      g_autoptr(GBytes) before = nn_model_get_state (b), after = NULL;
      memcpy (copy + rate_at, &bad[i], 4);
      reseal (copy, len);
      g_assert_false (nn_checkpoint_load_data (b, (guint8 *) copy, len, "r", NULL, &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
      g_assert_nonnull (strstr (error->message, "dropout"));
      g_clear_error (&error);
      after = nn_model_get_state (b);
      g_assert_true (g_bytes_equal (before, after));
    }
  g_assert_cmpfloat (nn_model_get_dropout (b), ==, 0.05f);
  nn_model_free (a);
  nn_model_free (b);
  g_unlink (path);
}

/* A diverged model never replaces a good file: saving refuses it and writes nothing. */
static void
test_non_finite_not_saved (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "good.ckpt", NULL);
  g_autofree char *before = NULL, *after = NULL;
  NnModel *m = nn_model_new (1, 2, 1, NULL);
  struct { const char *tensor; guint index; float value; const char *says; } cases[] = {
    { "conv3.weight", 17, NAN, "NaN" },
    { "fc.bias", 0, -INFINITY, "-Inf" },
    /* A run can end with status 0 while a BN running variance has overflowed. */
    { "bn2.running_var", 3, INFINITY, "+Inf" },
    { "bn1.running_var", 0, -1.0f, "negative variance" },
  };
  gsize len_before = 0, len_after = 0;

  g_assert_true (nn_checkpoint_save (m, path, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &before, &len_before, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      float *t = tensor (m, cases[i].tensor), saved = t[cases[i].index];

      t[cases[i].index] = cases[i].value;
      g_assert_false (nn_checkpoint_check_values (m, NULL));
      g_assert_false (nn_checkpoint_save (m, path, "x=1\n", &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
      if (!strstr (error->message, cases[i].says) || !strstr (error->message, cases[i].tensor))
        g_error ("case %u: “%s” does not name %s and %s", i, error->message, cases[i].tensor,
                 cases[i].says);
      t[cases[i].index] = saved;
    }
  g_assert_true (g_file_get_contents (path, &after, &len_after, NULL));
  g_assert_cmpmem (before, len_before, after, len_after);
  nn_model_free (m);
  g_unlink (path);
}

/* A file of NaN weights with a valid checksum is refused, not evaluated to nonsense. */
static void
test_non_finite_not_loaded (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "nan.ckpt", NULL);
  g_autofree char *contents = NULL;
  NnModel *m = nn_model_new (1, 2, 1, NULL), *target = nn_model_new (5, 2, 1, NULL);
  float *w = tensor (m, "conv1.weight");
  gsize len;

  for (guint k = 0; k < 16 * 9; k++)
    w[k] = 12345.0f;   /* a marker found in the file below, then made NaN */
  g_assert_true (nn_checkpoint_save (m, path, NULL, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (gsize at = 0; at + 4 <= len - 32; at++)
    {
      float f;
      memcpy (&f, contents + at, 4);
      if (f == 12345.0f)
        {
          f = NAN;
          memcpy (contents + at, &f, 4);
          at += 3;
        }
    }
  reseal (contents, len);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  {
    g_autoptr(GError) error = NULL;
    float first = nn_model_params (target)[0];
    g_assert_false (nn_checkpoint_load (target, path, NULL, &error));
    g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "NaN"));
    g_assert_nonnull (strstr (error->message, "conv1.weight"));
    g_assert_cmpfloat (nn_model_params (target)[0], ==, first);   /* untouched */
  }
  nn_model_free (m);
  nn_model_free (target);
  g_unlink (path);
}

/* Description bytes that are not text (the window shows them) are refused. */
static void
test_description_must_be_text (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "meta.ckpt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (1, 2, 1, NULL);
  char *at;
  gsize len;

  g_assert_false (nn_checkpoint_save (m, path, "bad=\xff\n", &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (nn_checkpoint_save (m, path, "key=value\n", NULL));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  at = memmem (contents, len, "key=value", 9);
  g_assert_nonnull (at);
  at[4] = '\xff';
  reseal (contents, len);
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  g_assert_false (nn_checkpoint_load (m, path, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "UTF-8"));
  nn_model_free (m);
  g_unlink (path);
}

/* --model a FIFO blocked for ever, /dev/zero grew without bound, a 1 GiB file was read whole
 * before the 64 MiB check: only regular files are opened, their size checked first. */
static void
test_only_regular_files (void)
{
  g_autofree char *fifo = g_build_filename (tmpdir, "fifo.ckpt", NULL);
  g_autofree char *big = g_build_filename (tmpdir, "big.ckpt", NULL);
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (1, 2, 1, NULL);
  int fd;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (nn_checkpoint_load (m, fifo, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "named pipe"));
  g_clear_error (&error);
  g_assert_false (nn_checkpoint_load (m, "/dev/zero", NULL, &error));
  g_assert_nonnull (strstr (error->message, "character device"));
  g_clear_error (&error);
  fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (ftruncate (fd, (off_t) 1 << 30), ==, 0);   /* sparse */
  close (fd);
  g_assert_false (nn_checkpoint_load (m, big, NULL, &error));
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);
  /* Nor is a FIFO replaced by a regular file when saving. */
  g_assert_false (nn_checkpoint_save (m, fifo, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_IO);
  g_assert_true (g_file_test (fifo, G_FILE_TEST_EXISTS) && !g_file_test (fifo, G_FILE_TEST_IS_REGULAR));
  nn_model_free (m);
  g_unlink (fifo);
  g_unlink (big);
}

/* Damage of every kind and place is refused and leaves the model as it was: a bit flipped at
 * 100 places spread over the file (the checksum), the file cut at those 100 lengths, and, with
 * the checksum made right again, the counts and lengths of the header made wrong. */
static void
test_every_corruption_refused (void)
{
  g_autofree char *path = g_build_filename (tmpdir, "c.ckpt", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) before = NULL;
  NnModel *a = nn_model_new (1, 2, 1, NULL), *b = nn_model_new (2, 2, 1, NULL);
  gsize len;
  guint refused = 0;

  g_assert_true (nn_checkpoint_save (a, path, "k=v\n", NULL));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  before = nn_model_get_state (b);
  for (guint k = 0; k < 100; k++)
    {
      gsize at = (gsize) k * (len - 1) / 99;
      for (guint cut = 0; cut < 2; cut++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(GBytes) after = NULL;
          if (!cut)
            contents[at] ^= 0x04;
          g_assert_false (nn_checkpoint_load_data (b, (guint8 *) contents, cut ? at : len, "c",
                                                   NULL, &error));
          g_assert_true (error != NULL && error->domain == NN_ERROR);
          after = nn_model_get_state (b);
          g_assert_true (g_bytes_equal (before, after));
          if (!cut)
            contents[at] ^= 0x04;
          refused++;
        }
    }
  /* Well-formed files that lie about their own lengths: each u32 of the header set to 0, 1, a
   * byte too many and 0xffffffff. */
  for (gsize at = 8; at < 32; at += 4)
    for (guint v = 0; v < 4; v++)
      {
        g_autofree char *copy = g_memdup2 (contents, len);
        g_autoptr(GError) error = NULL;
        guint32 orig, value;
        memcpy (&orig, copy + at, 4);
        value = v == 0 ? 0 : v == 1 ? 1 : v == 2 ? GUINT32_FROM_LE (orig) + 1 : G_MAXUINT32;
        value = GUINT32_TO_LE (value);
        if (value == orig)
          continue;
        memcpy (copy + at, &value, 4);
        reseal (copy, len);
        g_assert_false (nn_checkpoint_load_data (b, (guint8 *) copy, len, "c", NULL, &error));
        g_assert_true (error != NULL && error->domain == NN_ERROR);
        refused++;
      }
  g_test_message ("%u damaged checkpoints refused", refused);
  g_assert_cmpuint (refused, >=, 200);
  nn_model_free (a);
  nn_model_free (b);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("bl-ckpt-XXXXXX", NULL);
  g_test_add_func ("/nn/checkpoint/round-trip-and-damage", test_round_trip_and_damage);
  g_test_add_func ("/nn/checkpoint/dropout-rate-round-trip", test_dropout_rate_round_trip);
  g_test_add_func ("/nn/checkpoint/old-file-loads-with-quarter", test_old_file_loads_with_quarter);
  g_test_add_func ("/nn/checkpoint/versions-and-rates", test_versions_and_rates);
  g_test_add_func ("/nn/checkpoint/non-finite-not-saved", test_non_finite_not_saved);
  g_test_add_func ("/nn/checkpoint/non-finite-not-loaded", test_non_finite_not_loaded);
  g_test_add_func ("/nn/checkpoint/description-must-be-text", test_description_must_be_text);
  g_test_add_func ("/nn/checkpoint/only-regular-files", test_only_regular_files);
  g_test_add_func ("/nn/checkpoint/every-corruption-refused", test_every_corruption_refused);
  status = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
