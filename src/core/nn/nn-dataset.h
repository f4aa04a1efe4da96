/* nn-dataset.h: a loaded image set (MNIST, Fashion-MNIST, any IDX set of 28×28 images with
 * labels 0..9), and the batches the trainer takes from it.
 *
 * Images stay as bytes in memory (47 MB for MNIST's training set); a batch is normalised into
 * the caller's float buffer as (x/255 − 0.1307)/0.3081, PyTorch's MNIST constants, kept for
 * every set so results compare with the peer. Shuffling and augmentation are functions of
 * (seed, epoch, image), never of which thread fills the batch.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NN_IMAGE_SIDE 28
#define NN_IMAGE_SIZE (NN_IMAGE_SIDE * NN_IMAGE_SIDE)
/* The largest shift a recipe may ask for: half the image, beyond which a digit is mostly gone. */
#define NN_MAX_SHIFT_PX (NN_IMAGE_SIDE / 2)
#define NN_CLASSES 10
#define NN_MNIST_MEAN 0.1307f
#define NN_MNIST_STD 0.3081f

typedef struct {
  guint   n;
  guint8 *images;   /* (n, 28, 28) */
  guint8 *labels;   /* (n), each < 10 */
} NnSplit;

typedef enum { NN_FILE_TRAIN_IMAGES, NN_FILE_TRAIN_LABELS, NN_FILE_TEST_IMAGES,
               NN_FILE_TEST_LABELS, NN_N_FILES } NnDataFile;

/* Reference-counted (nn_dataset_ref/unref, thread-safe): a training run holds a reference, so
 * whatever its owner does meanwhile (load another set, close the window) cannot free the
 * images under it. Its contents never change after loading. */
typedef struct {
  gatomicrefcount ref;
  NnSplit  train;
  NnSplit  test;
  char    *dir;
  char    *paths[NN_N_FILES];
  char     sha256[NN_N_FILES][65];   /* of the decompressed files */
} NnDataset;

/* The standard names, e.g. "train-images-idx3-ubyte". */
const char *nn_dataset_file_name (NnDataFile file);
/* The path of @file in @dir as the loader picks it: "train-images-idx3-ubyte", then with
 * ".gz", then the dotted "train-images.idx3-ubyte" and its ".gz"; NULL if none. */
char       *nn_dataset_find_file (const char *dir, NnDataFile file);
/* The known SHA-256 of MNIST's decompressed files. */
const char *nn_dataset_mnist_sha256 (NnDataFile file);

/* Finds and reads the four files in @dir (names with '-' or '.', raw or .gz); (transfer full). */
NnDataset  *nn_dataset_load   (const char *dir, GError **error);
NnDataset  *nn_dataset_ref    (NnDataset *set);
void        nn_dataset_unref  (NnDataset *set);
/* TRUE if all four files are MNIST's, byte for byte; else an error naming the first that
 * differs. */
gboolean    nn_dataset_verify_mnist (const NnDataset *set, GError **error);

/* How training images are augmented: image i is turned by a uniform angle in ±rotate_deg
 * and moved by a uniform shift in ±shift_px along each axis, all drawn from (seed, epoch,
 * indices[i]), so a run is the same for any thread count. */
typedef struct {
  double  rotate_deg;   /* 0: not turned */
  double  shift_px;     /* 0: not moved */
  guint64 seed;
  guint64 epoch;
} NnAugment;

/* Normalise images @indices[0..n) of @split into @x (n, 1, 28, 28) and their labels into @y,
 * augmented as @augment says (NULL, or nothing to do: as they are). */
void        nn_split_fill_batch (const NnSplit *split, const guint32 *indices, guint n, float *x,
                                 guint8 *y, const NnAugment *augment);

/* One image turned by @theta radians about its centre, then moved @shift_x pixels right and
 * @shift_y down (bilinear, black outside), normalised into @out (28×28). */
void        nn_warp_image (float *out, const guint8 *img, double theta, double shift_x,
                           double shift_y);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NnDataset, nn_dataset_unref)

G_END_DECLS
