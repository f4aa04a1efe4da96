/* test-digit.c: a drawing prepared the MNIST way, against images worked out here by geometry
 * (rectangle overlaps), not by running the resampler a second time; and real MNIST digits (the
 * project's cut of the test set), blown up ×8 on a big canvas, come back as themselves. */
#include <math.h>
#include <string.h>

#include "nn-dataset.h"
#include "nn-digit.h"
#include "nn-error.h"
#include "nn-model.h"

#define BOX NN_DIGIT_BOX
#define SIDE NN_IMAGE_SIDE

/* A shape is a union of disjoint rectangles [x0, x1) × [y0, y1) of constant ink. */
typedef struct {
  double x0, y0, x1, y1, ink;
} Rect;

static float *
paint (guint w, guint h, const Rect *r, guint n)
{
  float *c = g_new0 (float, (gsize) w * h);

  for (guint i = 0; i < n; i++)
    for (guint y = (guint) r[i].y0; y < (guint) r[i].y1; y++)
      for (guint x = (guint) r[i].x0; x < (guint) r[i].x1; x++)
        c[(gsize) y * w + x] = (float) r[i].ink;
  return c;
}

static double
overlap (double a0, double a1, double b0, double b1)
{
  return MAX (0, MIN (a1, b1) - MAX (a0, b0));
}

/* What a box filter must give: each output pixel is the ink area of its preimage (a rectangle
 * on the canvas) divided by the preimage's area. */
static void
expect_fitted (const Rect *r, guint n, double bx, double by, double bw, double bh, guint fw,
               guint fh, float *fitted)
{
  double sx = bw / fw, sy = bh / fh;
  guint ox = (BOX - fw) / 2, oy = (BOX - fh) / 2;

  memset (fitted, 0, BOX * BOX * sizeof (float));
  for (guint j = 0; j < fh; j++)
    for (guint i = 0; i < fw; i++)
      {
        double px0 = bx + i * sx, py0 = by + j * sy, ink = 0;
        for (guint k = 0; k < n; k++)
          ink += r[k].ink * overlap (px0, px0 + sx, r[k].x0, r[k].x1)
                 * overlap (py0, py0 + sy, r[k].y0, r[k].y1);
        fitted[(oy + j) * BOX + ox + i] = (float) (ink / (sx * sy));
      }
}

/* MNIST's placement: the whole-pixel shift that brings the centre of mass (in pixel indices)
 * nearest to pixel (14, 14), clipped to the image. */
static void
expect_centred (const float *fitted, float *centred, int *sx_out, int *sy_out)
{
  double m = 0, mx = 0, my = 0;
  int sx, sy;

  for (int y = 0; y < BOX; y++)
    for (int x = 0; x < BOX; x++)
      {
        m += fitted[y * BOX + x];
        mx += fitted[y * BOX + x] * x;
        my += fitted[y * BOX + x] * y;
      }
  sx = (int) floor (14 - mx / m + 0.5);   /* nearest, halves up */
  sy = (int) floor (14 - my / m + 0.5);
  memset (centred, 0, SIDE * SIDE * sizeof (float));
  for (int y = 0; y < BOX; y++)
    for (int x = 0; x < BOX; x++)
      if (x + sx >= 0 && x + sx < SIDE && y + sy >= 0 && y + sy < SIDE)
        centred[(y + sy) * SIDE + x + sx] = fitted[y * BOX + x];
  *sx_out = sx;
  *sy_out = sy;
}

static void
assert_images_close (const float *got, const float *want, guint n, double tol, const char *what)
{
  for (guint i = 0; i < n; i++)
    if (fabs (got[i] - want[i]) > tol)
      g_error ("%s: pixel %u is %g, expected %g", what, i, got[i], want[i]);
}

static double
sum (const float *v, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += v[i];
  return s;
}

/* Preprocesses the shape @r on a @w × @h canvas and checks every stage against geometry. */
static void
check_shape (guint w, guint h, const Rect *r, guint n, NnDigitStages *st)
{
  g_autofree float *canvas = paint (w, h, r, n);
  g_autoptr(GError) error = NULL;
  double bx0 = G_MAXDOUBLE, by0 = G_MAXDOUBLE, bx1 = 0, by1 = 0, longest, crop_ink = 0;
  guint fw, fh;
  float fitted[BOX * BOX], centred[SIDE * SIDE];
  int sx, sy;

  for (guint i = 0; i < n; i++)
    {
      bx0 = MIN (bx0, r[i].x0);
      by0 = MIN (by0, r[i].y0);
      bx1 = MAX (bx1, r[i].x1);
      by1 = MAX (by1, r[i].y1);
      crop_ink += r[i].ink * (r[i].x1 - r[i].x0) * (r[i].y1 - r[i].y0);
    }
  g_assert_true (nn_digit_preprocess (canvas, w, h, st, &error));
  g_assert_no_error (error);

  /* 1: the crop is the bounding box. */
  g_assert_cmpuint (st->crop_x, ==, (guint) bx0);
  g_assert_cmpuint (st->crop_y, ==, (guint) by0);
  g_assert_cmpuint (st->crop_w, ==, (guint) (bx1 - bx0));
  g_assert_cmpuint (st->crop_h, ==, (guint) (by1 - by0));
  g_assert_cmpfloat_with_epsilon (sum (st->cropped, (gsize) st->crop_w * st->crop_h), crop_ink,
                                  1e-3);

  /* 2: the longer side becomes 20, the other keeps the aspect ratio (rounded). */
  longest = MAX (bx1 - bx0, by1 - by0);
  fw = MAX (1, (guint) lround ((bx1 - bx0) * 20 / longest));
  fh = MAX (1, (guint) lround ((by1 - by0) * 20 / longest));
  g_assert_cmpuint (st->fit_w, ==, fw);
  g_assert_cmpuint (st->fit_h, ==, fh);
  expect_fitted (r, n, bx0, by0, bx1 - bx0, by1 - by0, fw, fh, fitted);
  assert_images_close (st->fitted, fitted, BOX * BOX, 1e-5, "fitted");
  /* Area averaging conserves ink up to the change of area. */
  g_assert_cmpfloat_with_epsilon (sum (st->fitted, BOX * BOX),
                                  crop_ink * fw * fh / ((bx1 - bx0) * (by1 - by0)), 1e-3);

  /* 3 and 4. */
  expect_centred (fitted, centred, &sx, &sy);
  g_assert_cmpint (st->shift_x, ==, sx);
  g_assert_cmpint (st->shift_y, ==, sy);
  assert_images_close (st->centred, centred, SIDE * SIDE, 1e-5, "centred");
  for (guint i = 0; i < SIDE * SIDE; i++)
    g_assert_cmpfloat_with_epsilon (st->normalised[i], (centred[i] - 0.1307) / 0.3081, 1e-4);
}

static void
test_vertical_bar (void)
{
  /* 10 × 120 of solid ink: fitted 20 tall and round(10·20/120) = 2 wide, at columns 9–10 of
   * the box; its centre of mass, pixel (9.5, 9.5), needs the shift (5, 5) (14 − 9.5 rounded
   * up), so columns 14–15, rows 5–24 of the 28×28 are ink and nothing else is. */
  const Rect bar[] = { { 95, 40, 105, 160, 1 } };
  NnDigitStages st;

  check_shape (200, 200, bar, 1, &st);
  g_assert_cmpuint (st.fit_x, ==, 9);
  g_assert_cmpuint (st.fit_y, ==, 0);
  g_assert_cmpint (st.shift_x, ==, 5);
  g_assert_cmpint (st.shift_y, ==, 5);
  for (int y = 0; y < SIDE; y++)
    for (int x = 0; x < SIDE; x++)
      {
        float want = (x == 14 || x == 15) && y >= 5 && y < 25 ? 1.0f : 0.0f;
        g_assert_cmpfloat (st.centred[y * SIDE + x], ==, want);
        g_assert_cmpfloat_with_epsilon (st.normalised[y * SIDE + x],
                                        (want - 0.1307) / 0.3081, 1e-5);
      }
  g_assert_cmpfloat_with_epsilon (st.mass_x, 14.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (st.mass_y, 14.5, 1e-9);
  nn_digit_stages_clear (&st);
  g_assert_null (st.cropped);
  nn_digit_stages_clear (&st);
}

static void
test_l_shape (void)
{
  /* An L in the top-left corner: bounding box 40 × 80 at (20, 10), so the scale is exactly
   * 1/4 and the fit 10 × 20 at (5, 0). Box pixel (7, 17) sees canvas [28, 32) × [78, 82):
   * 2×2 of the upright and 4×2 of the foot, 12 of 16 → 0.75; box pixel (10, 17) sees 4×2 of
   * the foot → 0.5. Ink 700 + 400 = 1100 becomes 1100 / 16 = 68.75. */
  const Rect l[] = { { 20, 10, 30, 80, 1 }, { 20, 80, 60, 90, 1 } };
  NnDigitStages st;

  check_shape (200, 200, l, 2, &st);
  g_assert_cmpuint (st.fit_x, ==, 5);
  g_assert_cmpfloat_with_epsilon (st.fitted[17 * BOX + 7], 0.75, 1e-6);
  g_assert_cmpfloat_with_epsilon (st.fitted[17 * BOX + 10], 0.5, 1e-6);
  g_assert_cmpfloat_with_epsilon (sum (st.fitted, BOX * BOX), 68.75, 1e-4);
  /* Nothing is cut off, so the centre of mass is within half a pixel of the centre. */
  g_assert_cmpfloat_with_epsilon (sum (st.centred, SIDE * SIDE), 68.75, 1e-4);
  g_assert_cmpfloat (fabs (st.mass_x - 14), <=, 0.5);
  g_assert_cmpfloat (fabs (st.mass_y - 14), <=, 0.5);
  nn_digit_stages_clear (&st);
}

static void
test_aspect_kept (void)
{
  /* A tall thin "1" (6 × 150) stays a 1-pixel column, 20 tall, holding all 900·20/900 = 20 of
   * ink; it is not stretched into a 20×20 block. The same bar lying down becomes a row. */
  const Rect one[] = { { 100, 20, 106, 170, 1 } };
  const Rect dash[] = { { 20, 100, 170, 106, 1 } };
  NnDigitStages st;
  guint cols = 0, rows = 0;

  check_shape (200, 200, one, 1, &st);
  g_assert_cmpuint (st.fit_w, ==, 1);
  g_assert_cmpuint (st.fit_h, ==, 20);
  for (int x = 0; x < SIDE; x++)
    cols += st.centred[14 * SIDE + x] > 0;
  for (int y = 0; y < SIDE; y++)
    rows += st.centred[y * SIDE + st.shift_x + st.fit_x] > 0;
  g_assert_cmpuint (cols, ==, 1);
  g_assert_cmpuint (rows, ==, 20);
  g_assert_cmpfloat_with_epsilon (sum (st.centred, SIDE * SIDE), 20, 1e-4);
  nn_digit_stages_clear (&st);

  check_shape (200, 200, dash, 1, &st);
  g_assert_cmpuint (st.fit_w, ==, 20);
  g_assert_cmpuint (st.fit_h, ==, 1);
  nn_digit_stages_clear (&st);
}

static void
test_grey_and_uneven (void)
{
  /* Grey ink, odd sizes and a scale that is not a whole number: 37 × 53 → 14 × 20
   * (37·20/53 = 13.96), so the preimages straddle canvas pixels. */
  const Rect r[] = { { 11, 7, 30, 31, 0.6 }, { 30, 7, 48, 20, 1 }, { 11, 31, 20, 60, 0.3 } };
  NnDigitStages st;

  check_shape (64, 64, r, 3, &st);
  g_assert_cmpuint (st.fit_w, ==, 14);
  nn_digit_stages_clear (&st);
}

static void
test_clipped (void)
{
  /* A heavy block at the left with a faint hair running far to the right: the box is 100
   * wide, the block lands in the first 4 columns, its mass pulls the shift to ~11 and the
   * hair's far end falls off the 28×28, as it would have in MNIST. */
  const Rect r[] = { { 0, 0, 20, 20, 1 }, { 20, 0, 100, 1, 0.1 } };
  NnDigitStages st;

  check_shape (100, 100, r, 2, &st);
  g_assert_cmpint (st.shift_x + BOX, >, SIDE);
  g_assert_cmpfloat (sum (st.centred, SIDE * SIDE), <, sum (st.fitted, BOX * BOX));
  nn_digit_stages_clear (&st);
}

static void
test_tiny_dot (void)
{
  /* One pixel at the edge of the largest canvas is enlarged to the whole box. */
  float *canvas = g_new0 (float, NN_DIGIT_MAX_SIDE);
  g_autoptr(GError) error = NULL;
  NnDigitStages st;

  canvas[NN_DIGIT_MAX_SIDE - 1] = 0.8f;
  g_assert_true (nn_digit_preprocess (canvas, NN_DIGIT_MAX_SIDE, 1, &st, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (st.crop_x, ==, NN_DIGIT_MAX_SIDE - 1);
  g_assert_cmpuint (st.fit_w, ==, 20);
  g_assert_cmpuint (st.fit_h, ==, 20);
  g_assert_cmpfloat_with_epsilon (sum (st.fitted, BOX * BOX), 0.8 * 400, 1e-3);
  g_assert_cmpint (st.shift_x, ==, 5);   /* centre of mass 9.5 → 14.5 */
  nn_digit_stages_clear (&st);
  g_free (canvas);
}

static void
expect_refused (const float *canvas, guint w, guint h, const char *fragment)
{
  g_autoptr(GError) error = NULL;
  NnDigitStages st;

  g_assert_false (nn_digit_preprocess (canvas, w, h, &st, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  if (strstr (error->message, fragment) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, fragment);
  g_assert_null (st.cropped);
  nn_digit_stages_clear (&st);
}

static void
test_refused (void)
{
  float *canvas = g_new0 (float, 200 * 200);

  expect_refused (canvas, 200, 200, "Draw a digit first");
  /* Faint smudges, negative values and NaN are not ink. */
  for (guint i = 0; i < 200 * 200; i++)
    canvas[i] = i % 3 == 0 ? 0.04f : i % 3 == 1 ? -5.0f : NAN;
  expect_refused (canvas, 200, 200, "Draw a digit first");
  canvas[0] = 2.0f;   /* clamped to 1, so ink */
  expect_refused (canvas, 0, 200, "between 1 and 4096");
  expect_refused (canvas, 200, NN_DIGIT_MAX_SIDE + 1, "between 1 and 4096");
  expect_refused (NULL, 200, 200, "between 1 and 4096");
  g_free (canvas);
}

static double
correlation (const float *a, const float *b, guint n)
{
  double ma = sum (a, n) / n, mb = sum (b, n) / n, ab = 0, aa = 0, bb = 0;

  for (guint i = 0; i < n; i++)
    {
      ab += (a[i] - ma) * (b[i] - mb);
      aa += (a[i] - ma) * (a[i] - ma);
      bb += (b[i] - mb) * (b[i] - mb);
    }
  return ab / sqrt (aa * bb);
}

static void
test_mnist_roundtrip (void)
{
  const char *dir = g_getenv ("BL_TEST_MNIST_FIXTURE");
  g_autoptr(GError) error = NULL;
  const guint w = 400, h = 300, n_images = 500;
  float *canvas = g_new (float, w * h), original[SIDE * SIDE];
  NnDataset *set;
  double total = 0, worst = 1;

  /* The project's cut of MNIST, set by tests/meson.build; its absence is a failure. */
  g_assert_nonnull (dir);
  set = nn_dataset_load (dir, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < n_images; k++)
    {
      const guint8 *img = set->test.images + (gsize) k * SIDE * SIDE;
      guint ox = 13 + 7 * (k % 20), oy = 5 + 3 * (k % 23);   /* anywhere on the canvas */
      NnDigitStages st;
      double r;

      /* Each MNIST pixel becomes an 8×8 block: a digit drawn big, somewhere off-centre. */
      memset (canvas, 0, w * h * sizeof (float));
      for (guint y = 0; y < SIDE * 8; y++)
        for (guint x = 0; x < SIDE * 8; x++)
          canvas[(oy + y) * w + ox + x] = img[(y / 8) * SIDE + x / 8] / 255.0f;
      for (guint i = 0; i < SIDE * SIDE; i++)
        original[i] = img[i] / 255.0f;
      g_assert_true (nn_digit_preprocess (canvas, w, h, &st, &error));
      r = correlation (st.centred, original, SIDE * SIDE);
      total += r;
      worst = MIN (worst, r);
      nn_digit_stages_clear (&st);
    }
  g_test_message ("correlation with the original over %u test images: mean %.4f, worst %.4f",
                  n_images, total / n_images, worst);
  /* Every MNIST digit's ink spans exactly 20 pixels on its longer side, so ×8 then fitted to
   * 20 is exact and the digits come back as they were (measured: mean 1.0000, worst 0.9999).
   * Centring on the geometric centre (13.5, 13.5) instead of pixel (14, 14) would shift half
   * of them by a pixel: mean 0.78. */
  g_assert_cmpfloat (total / n_images, >, 0.99);
  g_assert_cmpfloat (worst, >, 0.95);
  nn_dataset_unref (set);
  g_free (canvas);
}

static void
test_predict (void)
{
  const Rect l[] = { { 20, 10, 30, 80, 1 }, { 20, 80, 60, 90, 1 } };
  g_autofree float *canvas = paint (200, 200, l, 2);
  g_autoptr(GError) error = NULL;
  NnModel *model = nn_model_new (7, 1, 1, &error);
  float probs[NN_CLASSES], direct[NN_CLASSES];
  NnDigitStages st;
  guint8 pred;
  guint best;
  double total = 0;

  g_assert_no_error (error);
  g_assert_true (nn_digit_preprocess (canvas, 200, 200, &st, &error));
  best = nn_digit_predict (model, &st, probs);
  nn_model_evaluate (model, st.normalised, NULL, 1, NULL, NULL, &pred, direct);
  g_assert_cmpuint (best, ==, pred);
  for (guint c = 0; c < NN_CLASSES; c++)
    {
      g_assert_cmpfloat (probs[c], >=, 0);
      g_assert_cmpfloat (probs[c], <=, probs[best]);
      g_assert_cmpfloat (probs[c], ==, direct[c]);
      total += probs[c];
    }
  g_assert_cmpfloat_with_epsilon (total, 1, 1e-5);
  nn_digit_stages_clear (&st);
  nn_model_free (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/digit/vertical-bar", test_vertical_bar);
  g_test_add_func ("/nn/digit/l-shape", test_l_shape);
  g_test_add_func ("/nn/digit/aspect-kept", test_aspect_kept);
  g_test_add_func ("/nn/digit/grey-and-uneven", test_grey_and_uneven);
  g_test_add_func ("/nn/digit/clipped", test_clipped);
  g_test_add_func ("/nn/digit/tiny-dot", test_tiny_dot);
  g_test_add_func ("/nn/digit/refused", test_refused);
  g_test_add_func ("/nn/digit/mnist-roundtrip", test_mnist_roundtrip);
  g_test_add_func ("/nn/digit/predict", test_predict);
  return g_test_run ();
}
