/* nn-dataset.c: see nn-dataset.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-dataset.h"
#include "nn-error.h"
#include "nn-idx.h"
#include "nn-rng.h"

static const char *const file_names[NN_N_FILES] = {
  "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte",
};

static const char *const mnist_sha256[NN_N_FILES] = {
  "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
};

const char *
nn_dataset_file_name (NnDataFile file)
{
  g_return_val_if_fail (file < NN_N_FILES, NULL);
  return file_names[file];
}

const char *
nn_dataset_mnist_sha256 (NnDataFile file)
{
  g_return_val_if_fail (file < NN_N_FILES, NULL);
  return mnist_sha256[file];
}

char *
nn_dataset_find_file (const char *dir, NnDataFile file)
{
  g_autofree char *dotted = g_strdup (file_names[file]);
  const char *names[2];
  char *dash = strstr (dotted, "-idx");

  if (dash)
    *dash = '.';
  names[0] = file_names[file];
  names[1] = dotted;
  for (guint i = 0; i < 2; i++)
    for (guint gz = 0; gz < 2; gz++)
      {
        g_autofree char *base = g_strconcat (names[i], gz ? ".gz" : "", NULL);
        char *path = g_build_filename (dir, base, NULL);
        if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
          return path;
        g_free (path);
      }
  return NULL;
}

/* One split through the IDX reader's own split loader (shapes, counts and classes checked
 * there, once), its two digests kept with the set. */
static gboolean
load_split (NnDataset *set, NnSplit *split, NnDataFile images_file, NnDataFile labels_file,
            GError **error)
{
  return nn_idx_read_split (set->paths[images_file], set->paths[labels_file], split,
                            set->sha256[images_file], set->sha256[labels_file], error);
}

NnDataset *
nn_dataset_load (const char *dir, GError **error)
{
  NnDataset *set;

  g_return_val_if_fail (dir != NULL, NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *name = g_filename_display_name (dir);
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("No data folder at %s."), name);
      return NULL;
    }
  set = g_new0 (NnDataset, 1);
  g_atomic_ref_count_init (&set->ref);
  set->dir = g_strdup (dir);
  for (guint f = 0; f < NN_N_FILES; f++)
    if ((set->paths[f] = nn_dataset_find_file (dir, f)) == NULL)
      {
        g_autofree char *name = g_filename_display_name (dir);
        g_set_error (error, NN_ERROR, NN_ERROR_IO, _("%s has no %s (nor .gz)."), name,
                     file_names[f]);
        nn_dataset_unref (set);
        return NULL;
      }
  if (!load_split (set, &set->train, NN_FILE_TRAIN_IMAGES, NN_FILE_TRAIN_LABELS, error) ||
      !load_split (set, &set->test, NN_FILE_TEST_IMAGES, NN_FILE_TEST_LABELS, error))
    {
      nn_dataset_unref (set);
      return NULL;
    }
  return set;
}

NnDataset *
nn_dataset_ref (NnDataset *set)
{
  g_return_val_if_fail (set != NULL, NULL);
  g_atomic_ref_count_inc (&set->ref);
  return set;
}

void
nn_dataset_unref (NnDataset *set)
{
  if (set == NULL || !g_atomic_ref_count_dec (&set->ref))
    return;
  g_free (set->train.images);
  g_free (set->train.labels);
  g_free (set->test.images);
  g_free (set->test.labels);
  for (guint f = 0; f < NN_N_FILES; f++)
    g_free (set->paths[f]);
  g_free (set->dir);
  g_free (set);
}

gboolean
nn_dataset_verify_mnist (const NnDataset *set, GError **error)
{
  for (guint f = 0; f < NN_N_FILES; f++)
    if (strcmp (set->sha256[f], mnist_sha256[f]) != 0)
      {
        g_autofree char *name = g_filename_display_name (set->paths[f]);
        g_set_error (error, NN_ERROR, NN_ERROR_DIGEST,
                     _("%s is not MNIST's %s: its SHA-256 is %s, expected %s."), name,
                     file_names[f], set->sha256[f], mnist_sha256[f]);
        return FALSE;
      }
  return TRUE;
}

static inline float
pixel_or_zero (const guint8 *img, int r, int c)
{
  return (r < 0 || c < 0 || r >= NN_IMAGE_SIDE || c >= NN_IMAGE_SIDE)
         ? 0.0f : img[r * NN_IMAGE_SIDE + c];
}

void
nn_warp_image (float *out, const guint8 *img, double theta, double shift_x, double shift_y)
{
  const float scale = 1.0f / (255.0f * NN_MNIST_STD), shift = NN_MNIST_MEAN / NN_MNIST_STD;
  const float cs = (float) cos (theta), sn = (float) sin (theta);
  const float c0 = (NN_IMAGE_SIDE - 1) / 2.0f, tx = (float) shift_x, ty = (float) shift_y;

  /* Output pixel centre p reads the input at R(−θ)(p − c) + c − t, bilinearly. */
  for (int r = 0; r < NN_IMAGE_SIDE; r++)
    for (int c = 0; c < NN_IMAGE_SIDE; c++)
      {
        float dx = c - c0, dy = r - c0;
        float sx = cs * dx + sn * dy + c0 - tx, sy = -sn * dx + cs * dy + c0 - ty;
        int x0 = (int) floorf (sx), y0 = (int) floorf (sy);
        float fx = sx - x0, fy = sy - y0;
        float v = (1 - fy) * ((1 - fx) * pixel_or_zero (img, y0, x0) +
                              fx * pixel_or_zero (img, y0, x0 + 1)) +
                  fy * ((1 - fx) * pixel_or_zero (img, y0 + 1, x0) +
                        fx * pixel_or_zero (img, y0 + 1, x0 + 1));
        out[r * NN_IMAGE_SIDE + c] = v * scale - shift;
      }
}

/* An image's draws share the augmentation stream, keyed by (epoch << 32 | index): the angle's
 * key as it is, each shift's with a high bit set that no epoch reaches (epochs ≤ 1000). */
#define SHIFT_X_DRAW (G_GUINT64_CONSTANT (1) << 62)
#define SHIFT_Y_DRAW (G_GUINT64_CONSTANT (1) << 61)

/* Uniform in ±@half_width. */
static double
augment_draw (const NnAugment *a, guint64 key, double half_width)
{
  return half_width * (2 * nn_rng_uniform (a->seed, NN_RNG_STREAM_AUGMENT, key) - 1);
}

void
nn_split_fill_batch (const NnSplit *split, const guint32 *indices, guint n, float *x, guint8 *y,
                     const NnAugment *augment)
{
  const float scale = 1.0f / (255.0f * NN_MNIST_STD), shift = NN_MNIST_MEAN / NN_MNIST_STD;
  gboolean warp = augment && (augment->rotate_deg > 0 || augment->shift_px > 0);

  for (guint i = 0; i < n; i++)
    {
      const guint8 *img = split->images + (gsize) indices[i] * NN_IMAGE_SIZE;
      float *out = x + (gsize) i * NN_IMAGE_SIZE;
      guint64 key;

      y[i] = split->labels[indices[i]];
      if (!warp)
        {
          for (guint p = 0; p < NN_IMAGE_SIZE; p++)
            out[p] = img[p] * scale - shift;
          continue;
        }
      key = (augment->epoch << 32) | indices[i];
      nn_warp_image (out, img, augment_draw (augment, key, augment->rotate_deg) * G_PI / 180.0,
                     augment_draw (augment, key | SHIFT_X_DRAW, augment->shift_px),
                     augment_draw (augment, key | SHIFT_Y_DRAW, augment->shift_px));
    }
}
