/* fuzz-digit.c: a drawing of any size and content made into an MNIST digit (nn-digit.h), and
 * the resampler on any sizes. The first bytes choose the canvas size (up to 64 × 64, or past
 * NN_DIGIT_MAX_SIDE to be refused); the rest is the canvas, as raw floats (NaN, ±Inf, huge,
 * negative, subnormal) when there are enough bytes, else as grey levels.
 * Accepted: the crop lies inside the canvas; the fitted box has 20 pixels on its longer side
 * and lies inside the 20 × 20 box; every stage is finite and in [0, 1] (normalised: finite).
 * Refused: NN_ERROR_INVALID in text, nothing to free.
 * Resampling conserves the ink: Σ dst · (sw·sh)/(dw·dh) = Σ src (finite inputs). */
#include <math.h>
#include <string.h>

#include "fuzz-common.h"
#include "nn-digit.h"
#include "nn-error.h"

static void
check_stages (const NnDigitStages *st, guint w, guint h)
{
  check (st->cropped != NULL && st->crop_w >= 1 && st->crop_h >= 1);
  check (st->crop_x + st->crop_w <= w && st->crop_y + st->crop_h <= h);
  check (st->fit_w >= 1 && st->fit_h >= 1 && MAX (st->fit_w, st->fit_h) == NN_DIGIT_BOX);
  check (st->fit_x + st->fit_w <= NN_DIGIT_BOX && st->fit_y + st->fit_h <= NN_DIGIT_BOX);
  for (gsize i = 0; i < (gsize) st->crop_w * st->crop_h; i++)
    check (st->cropped[i] >= 0 && st->cropped[i] <= 1);
  for (guint i = 0; i < NN_DIGIT_BOX * NN_DIGIT_BOX; i++)
    check (st->fitted[i] >= 0 && st->fitted[i] <= 1.0f + 1e-5f);
  for (guint i = 0; i < NN_IMAGE_SIZE; i++)
    {
      check (st->centred[i] >= 0 && st->centred[i] <= 1.0f + 1e-5f);
      check (isfinite (st->normalised[i]));
    }
  check (isfinite (st->mass_x) && isfinite (st->mass_y));
}

static void
resample (const uint8_t *data, size_t size)
{
  guint sw = 1 + data[0] % 48, sh = 1 + data[1] % 48, dw = 1 + data[2] % 48, dh = 1 + data[3] % 48;
  float *src = g_new (float, sw * sh), *dst = g_new (float, dw * dh);
  double in = 0, out = 0;

  for (guint i = 0; i < sw * sh; i++)
    in += src[i] = data[4 + i % (size - 4)] / 255.0f;
  nn_digit_resample (src, sw, sh, dst, dw, dh);
  for (guint i = 0; i < dw * dh; i++)
    {
      check (isfinite (dst[i]) && dst[i] >= -1e-6f && dst[i] <= 1 + 1e-5f);
      out += dst[i];
    }
  out *= (double) sw * sh / ((double) dw * dh);
  check (fabs (out - in) <= 1e-4 * MAX (1.0, in));
  g_free (src);
  g_free (dst);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  NnDigitStages st;
  GError *error = NULL;
  guint w, h;
  float *canvas;

  if (size < 5)
    return 0;
  /* 0xff: past the largest side (refused before the canvas is read). */
  w = data[0] == 0xff ? NN_DIGIT_MAX_SIDE + 1 : data[0] == 0xfe ? 0 : 1 + data[0] % 64;
  h = data[1] == 0xff ? NN_DIGIT_MAX_SIDE + 1 : data[1] == 0xfe ? 0 : 1 + data[1] % 64;
  /* A canvas only for the sizes that are read; a refused size never reads it. */
  if (w >= 1 && h >= 1 && w <= 64 && h <= 64)
    {
      gsize n = (gsize) w * h;
      canvas = g_new (float, n);
      if (size - 2 >= 4 * n)
        memcpy (canvas, data + 2, 4 * n);
      else
        for (gsize i = 0; i < n; i++)
          canvas[i] = data[2 + i % (size - 2)] / 255.0f;
    }
  else
    canvas = g_new0 (float, 1);
  if (nn_digit_preprocess (canvas, w, h, &st, &error))
    {
      check (error == NULL);
      check_stages (&st, w, h);
      nn_digit_stages_clear (&st);
    }
  else
    {
      check_refusal (error, NN_ERROR);
      check (error->code == NN_ERROR_INVALID && st.cropped == NULL);
      g_error_free (error);
    }
  g_free (canvas);
  resample (data, size);
  return 0;
}
