/* nn-digit.h: a hand-drawn digit made to look like an MNIST image, one visible stage at a time,
 * and the network's answer for it.
 *
 * MNIST's recipe (LeCun et al.): the ink is cut out, scaled to fit a 20×20 box keeping its
 * aspect ratio (anti-aliased, hence the grey levels), then placed in a 28×28 image so that its
 * centre of mass sits at the image centre. A network trained on MNIST has only ever seen digits
 * prepared this way; a drawing fed to it raw (small, off-centre, thick) is mostly misread.
 *
 * Images are row-major floats, 0 = background, 1 = full ink. A centre of mass is measured in
 * pixel indices (pixel k sits at k), and MNIST put it at pixel (14, 14), half a pixel right of
 * and below the geometric centre (13.5): over MNIST's test set, every digit's centre of mass
 * lies in [13.5, 14.5) on both axes. We copy that, not the geometry, because the network has
 * learnt MNIST's habits.
 */
#pragma once

#include <glib.h>

#include "nn-dataset.h"
#include "nn-model.h"

G_BEGIN_DECLS

#define NN_DIGIT_BOX 20               /* the side of the box the ink is fitted into */
#define NN_DIGIT_MAX_SIDE 4096        /* the largest canvas side accepted */
#define NN_DIGIT_INK_THRESHOLD 0.05f  /* canvas values above this count as ink */
#define NN_DIGIT_CENTRE 14            /* where the centre of mass goes, in pixel indices */

typedef struct {
  /* 1. The ink's bounding box (pixels above NN_DIGIT_INK_THRESHOLD) cut out of the canvas at
   *    (crop_x, crop_y): crop_w × crop_h values, clamped to [0, 1]. Owned: see
   *    nn_digit_stages_clear(). */
  float  *cropped;
  guint   crop_x, crop_y, crop_w, crop_h;
  /* 2. The crop scaled by area averaging (a box filter, so a stroke thinner than the scale
   *    factor fades to grey instead of vanishing) to fit_w × fit_h, whose longer side is 20,
   *    placed at (fit_x, fit_y) in the 20×20 box. */
  float   fitted[NN_DIGIT_BOX * NN_DIGIT_BOX];
  guint   fit_x, fit_y, fit_w, fit_h;
  /* 3. The 20×20 box placed in 28×28 with its top-left corner at (shift_x, shift_y), the whole
   *    pixel offset that brings the ink's centre of mass nearest to pixel (14, 14); what falls
   *    outside is cut off. (mass_x, mass_y) is the centre of mass that results (in pixel
   *    indices: within half a pixel of 14 unless ink was cut off). */
  float   centred[NN_IMAGE_SIZE];
  int     shift_x, shift_y;
  double  mass_x, mass_y;
  /* 4. What the network gets: (centred − 0.1307) / 0.3081, MNIST's mean and deviation, so the
   *    background is −0.42, not 0. */
  float   normalised[NN_IMAGE_SIZE];
} NnDigitStages;

/* Runs the four stages on @canvas (@width × @height, each 1…NN_DIGIT_MAX_SIDE, values in
 * [0, 1]; outside that range they are clamped, NaN counts as 0). @out is overwritten; after a
 * success free it with nn_digit_stages_clear(), after a failure it holds nothing to free.
 * Fails with NN_ERROR_INVALID for a bad size or a canvas without ink. */
gboolean nn_digit_preprocess   (const float *canvas, guint width, guint height,
                                NnDigitStages *out, GError **error);
/* Resizes @src (@sw × @sh) to @dst (@dw × @dh), all sides ≥ 1, by area averaging: each output
 * pixel is the mean of the source over the rectangle it covers, so thin strokes turn grey
 * rather than vanish when shrunk, and the total ink scales with the area. */
void     nn_digit_resample     (const float *src, guint sw, guint sh, float *dst, guint dw,
                                guint dh);
/* Frees the crop and zeroes @stages (safe to call twice). */
void     nn_digit_stages_clear (NnDigitStages *stages);

/* The model's softmax probabilities for the prepared digit into @probs (10) and the most
 * likely class. Evaluation mode: BN running statistics, no dropout. Like every use of a model,
 * not while another thread trains it. */
guint    nn_digit_predict      (NnModel *model, const NnDigitStages *stages,
                                float probs[NN_CLASSES]);

G_END_DECLS
