/* nn-digit.c: see nn-digit.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-digit.h"
#include "nn-error.h"

#define BOX NN_DIGIT_BOX
#define SIDE NN_IMAGE_SIDE

static inline float
clamp01 (float v)
{
  /* Written so that NaN fails the first test and becomes background. */
  if (!(v > 0))
    return 0;
  return v > 1 ? 1 : v;
}

/* Box-filters @n_src samples (stride @src_stride) onto @n_dst samples (stride @dst_stride):
 * destination sample i averages the source over [i·s, (i+1)·s), s = n_src / n_dst, each source
 * sample weighted by how much of it lies in that interval. The same formula shrinks and
 * enlarges, and the total is conserved up to the factor n_dst / n_src. */
static void
box_resample (const double *src, guint n_src, gsize src_stride, double *dst, guint n_dst,
              gsize dst_stride)
{
  double s = (double) n_src / n_dst;

  for (guint i = 0; i < n_dst; i++)
    {
      double lo = i * s, hi = (i + 1) * s, sum = 0;
      guint k0 = (guint) floor (lo), k1 = MIN ((guint) ceil (hi), n_src);

      for (guint k = k0; k < k1; k++)
        {
          double w = MIN (hi, k + 1.0) - MAX (lo, (double) k);
          if (w > 0)
            sum += w * src[k * src_stride];
        }
      dst[i * dst_stride] = sum / s;
    }
}

void
nn_digit_resample (const float *src, guint sw, guint sh, float *dst, guint dw, guint dh)
{
  double *in, *rows, *out;

  g_return_if_fail (src != NULL && dst != NULL && sw > 0 && sh > 0 && dw > 0 && dh > 0);
  /* Separably, rows then columns, in doubles so long sums do not drift. */
  in = g_new (double, (gsize) sw * sh);
  rows = g_new (double, (gsize) dw * sh);
  out = g_new (double, (gsize) dw * dh);
  for (gsize i = 0; i < (gsize) sw * sh; i++)
    in[i] = src[i];
  for (guint y = 0; y < sh; y++)
    box_resample (in + (gsize) y * sw, sw, 1, rows + (gsize) y * dw, dw, 1);
  for (guint x = 0; x < dw; x++)
    box_resample (rows + x, sh, dw, out + x, dh, dw);
  for (gsize i = 0; i < (gsize) dw * dh; i++)
    dst[i] = (float) out[i];
  g_free (in);
  g_free (rows);
  g_free (out);
}

/* Stage 2: the crop scaled into the 20×20 box. */
static void
fit_into_box (NnDigitStages *st)
{
  guint cw = st->crop_w, ch = st->crop_h, fw, fh;
  double longest = MAX (cw, ch);
  float *out;

  /* Rounding each side separately keeps the aspect ratio to within half a pixel and lets every
   * output pixel be whole, so no partly covered edge column darkens or fades the digit. */
  fw = MAX (1, (guint) floor (cw * BOX / longest + 0.5));
  fh = MAX (1, (guint) floor (ch * BOX / longest + 0.5));
  out = g_new (float, (gsize) fw * fh);
  nn_digit_resample (st->cropped, cw, ch, out, fw, fh);
  st->fit_w = fw;
  st->fit_h = fh;
  st->fit_x = (BOX - fw) / 2;
  st->fit_y = (BOX - fh) / 2;
  memset (st->fitted, 0, sizeof st->fitted);
  for (guint y = 0; y < fh; y++)
    memcpy (st->fitted + (st->fit_y + y) * BOX + st->fit_x, out + (gsize) y * fw,
            fw * sizeof (float));
  g_free (out);
}

/* The centre of mass of an n_x × n_y image in pixel indices; FALSE if it has no mass. */
static gboolean
centre_of_mass (const float *img, guint n_x, guint n_y, double *cx, double *cy)
{
  double m = 0, mx = 0, my = 0;

  for (guint y = 0; y < n_y; y++)
    for (guint x = 0; x < n_x; x++)
      {
        double v = img[y * n_x + x];
        m += v;
        mx += v * x;
        my += v * y;
      }
  if (!(m > 0))
    return FALSE;
  *cx = mx / m;
  *cy = my / m;
  return TRUE;
}

/* Stage 3: the 20×20 box shifted by whole pixels so its centre of mass lands nearest to pixel
 * (14, 14). */
static void
centre_by_mass (NnDigitStages *st)
{
  double cx = 0, cy = 0;

  centre_of_mass (st->fitted, BOX, BOX, &cx, &cy);
  /* Whole pixels, as MNIST did: a fractional shift would blur the digit. The nearest shift,
   * halves rounded up. */
  st->shift_x = (int) floor (NN_DIGIT_CENTRE - cx + 0.5);
  st->shift_y = (int) floor (NN_DIGIT_CENTRE - cy + 0.5);
  memset (st->centred, 0, sizeof st->centred);
  for (int y = 0; y < BOX; y++)
    for (int x = 0; x < BOX; x++)
      {
        int tx = x + st->shift_x, ty = y + st->shift_y;
        if (tx >= 0 && tx < SIDE && ty >= 0 && ty < SIDE)
          st->centred[ty * SIDE + tx] = st->fitted[y * BOX + x];
      }
  st->mass_x = st->mass_y = NN_DIGIT_CENTRE;
  centre_of_mass (st->centred, SIDE, SIDE, &st->mass_x, &st->mass_y);
}

gboolean
nn_digit_preprocess (const float *canvas, guint width, guint height, NnDigitStages *out,
                     GError **error)
{
  guint x0 = G_MAXUINT, y0 = G_MAXUINT, x1 = 0, y1 = 0;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof *out);
  if (canvas == NULL || width < 1 || height < 1 || width > NN_DIGIT_MAX_SIDE
      || height > NN_DIGIT_MAX_SIDE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("A drawing must be between 1 and %u pixels on each side (got %u × %u)."),
                   NN_DIGIT_MAX_SIDE, width, height);
      return FALSE;
    }

  /* Stage 1: the bounding box of the ink. */
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      if (clamp01 (canvas[(gsize) y * width + x]) > NN_DIGIT_INK_THRESHOLD)
        {
          x0 = MIN (x0, x);
          x1 = MAX (x1, x + 1);
          y0 = MIN (y0, y);
          y1 = MAX (y1, y + 1);
        }
  if (x1 == 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID, _("Draw a digit first."));
      return FALSE;
    }
  out->crop_x = x0;
  out->crop_y = y0;
  out->crop_w = x1 - x0;
  out->crop_h = y1 - y0;
  out->cropped = g_new (float, (gsize) out->crop_w * out->crop_h);
  for (guint y = 0; y < out->crop_h; y++)
    for (guint x = 0; x < out->crop_w; x++)
      out->cropped[(gsize) y * out->crop_w + x] =
        clamp01 (canvas[(gsize) (y0 + y) * width + x0 + x]);

  fit_into_box (out);
  centre_by_mass (out);
  for (guint i = 0; i < NN_IMAGE_SIZE; i++)
    out->normalised[i] = (out->centred[i] - NN_MNIST_MEAN) / NN_MNIST_STD;
  return TRUE;
}

void
nn_digit_stages_clear (NnDigitStages *stages)
{
  g_return_if_fail (stages != NULL);
  g_free (stages->cropped);
  memset (stages, 0, sizeof *stages);
}

guint
nn_digit_predict (NnModel *model, const NnDigitStages *stages, float probs[NN_CLASSES])
{
  guint8 pred = 0;

  g_return_val_if_fail (model != NULL && stages != NULL && probs != NULL, 0);
  nn_model_evaluate (model, stages->normalised, NULL, 1, NULL, NULL, &pred, probs);
  return pred;
}
