/* test-digit-pad.c: the drawing pad puts ink where a stroke goes, clears from the keyboard's
 * action, loads PNGs of either polarity; the stages widget shows a drawing's preprocessing and
 * a fresh model's probabilities, off screen and in a window (PNGs in the build dir, to look
 * at). */
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "nn-error.h"
#include "test-utils.h"
#include "widgets/bl-digit-pad.h"
#include "widgets/bl-digit-stages.h"
#include "widgets/bl-palette.h"

#define SIDE BL_DIGIT_PAD_SIDE

static char *
out_path (const char *name)
{
  /* Kept in the build dir so a person can look at them after the run. */
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                           name, NULL);
}

static float
at (BlDigitPad *pad, int x, int y)
{
  return bl_digit_pad_get_canvas (pad, NULL, NULL)[y * SIDE + x];
}

static BlDigitPad *
new_pad (guint *changed)
{
  BlDigitPad *pad = BL_DIGIT_PAD (g_object_ref_sink (bl_digit_pad_new ()));

  g_signal_connect_swapped (pad, "changed", G_CALLBACK (g_atomic_int_inc), changed);
  return pad;
}

static void
test_stroke (void)
{
  guint changed = 0, w, h, wide = 0, grey = 0;
  BlDigitPad *pad = new_pad (&changed);
  const double bar[] = { 140, 50, 140, 140, 140, 230 };
  const double dot[] = { 60, 60 };
  const double slant[] = { 200, 40, 250, 120 };
  const float *canvas;
  double disc = 0;

  canvas = bl_digit_pad_get_canvas (pad, &w, &h);
  g_assert_cmpuint (w, ==, SIDE);
  g_assert_cmpuint (h, ==, SIDE);
  g_assert_true (bl_digit_pad_is_empty (pad));

  /* A vertical stroke at x = 140 with a brush of radius 11: pixel centres 129.5 … 150.5 lie
   * within 11 of it (fully covered), 128.5 and 151.5 exactly 11.5 away (not at all). */
  bl_digit_pad_stroke (pad, bar, 3);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_false (bl_digit_pad_is_empty (pad));
  for (int x = 0; x < SIDE; x++)
    wide += at (pad, x, 140) > 0.5f;
  g_assert_cmpuint (wide, ==, 22);
  g_assert_cmpfloat (at (pad, 129, 140), ==, 1.0f);
  g_assert_cmpfloat (at (pad, 128, 140), ==, 0.0f);
  g_assert_cmpfloat (at (pad, 140, 45), ==, 1.0f);   /* the round cap */
  g_assert_cmpfloat (at (pad, 40, 40), ==, 0.0f);

  /* A dot is a disc of area π r², its rim anti-aliased; a slanted stroke has grey edges. */
  bl_digit_pad_stroke (pad, dot, 1);
  for (int y = 30; y < 90; y++)
    for (int x = 30; x < 90; x++)
      disc += at (pad, x, y);
  g_assert_cmpfloat (fabs (disc - G_PI * 11 * 11) / (G_PI * 11 * 11), <, 0.03);
  bl_digit_pad_stroke (pad, slant, 2);
  for (guint i = 0; i < SIDE * SIDE; i++)
    grey += canvas[i] > 0.05f && canvas[i] < 0.95f;
  g_assert_cmpuint (grey, >, 100);
  g_assert_cmpuint (changed, ==, 3);

  /* Delete and BackSpace are bound to this action. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (pad), "digit-pad.clear", NULL));
  g_assert_true (bl_digit_pad_is_empty (pad));
  g_assert_cmpuint (changed, ==, 4);
  g_assert_finalize_object (pad);
}

/* Writes a @w × @h PNG: @paper everywhere, @ink in [x0, x1) × [y0, y1); grey levels 0…1. */
static char *
write_test_png (const char *name, int w, int h, double paper, double paper_alpha, double ink,
                int x0, int y0, int x1, int y1)
{
  char *path = out_path (name);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (s);

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, paper, paper, paper, paper_alpha);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, ink, ink, ink);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
  return path;
}

static void
check_loaded_bar (BlDigitPad *pad)
{
  /* A 100 × 60 image scaled by 2.8 to 280 × 168, 56 pixels down: the bar [40, 60) × [10, 50)
   * lands on [112, 168) × [84, 196). */
  g_assert_cmpfloat_with_epsilon (at (pad, 140, 140), 1, 1e-4);
  g_assert_cmpfloat_with_epsilon (at (pad, 113, 85), 1, 1e-4);
  g_assert_cmpfloat_with_epsilon (at (pad, 110, 140), 0, 1e-4);
  g_assert_cmpfloat_with_epsilon (at (pad, 140, 60), 0, 1e-4);
  g_assert_cmpfloat_with_epsilon (at (pad, 5, 5), 0, 1e-4);
}

static void
test_load_png (void)
{
  guint changed = 0;
  BlDigitPad *pad = new_pad (&changed);
  g_autoptr(GError) error = NULL;
  g_autofree char *dark_on_light = write_test_png ("pad-dark-on-light.png", 100, 60, 1, 1, 0,
                                                   40, 10, 60, 50);
  g_autofree char *light_on_dark = write_test_png ("pad-light-on-dark.png", 100, 60, 0, 1, 1,
                                                   40, 10, 60, 50);
  g_autofree char *pencil = write_test_png ("pad-pencil.png", 100, 60, 0.8, 1, 0.3,
                                            40, 10, 60, 50);
  g_autofree char *transparent = write_test_png ("pad-transparent.png", 100, 60, 0, 0, 0,
                                                 40, 10, 60, 50);
  g_autofree char *garbage = out_path ("pad-garbage.png");

  /* Ink comes out high whichever way round the picture is, and grey paper becomes 0. */
  g_assert_true (bl_digit_pad_load_png (pad, dark_on_light, &error));
  g_assert_no_error (error);
  check_loaded_bar (pad);
  g_assert_true (bl_digit_pad_load_png (pad, light_on_dark, &error));
  check_loaded_bar (pad);
  g_assert_true (bl_digit_pad_load_png (pad, pencil, &error));
  check_loaded_bar (pad);
  g_assert_true (bl_digit_pad_load_png (pad, transparent, &error));
  g_assert_no_error (error);
  check_loaded_bar (pad);
  g_assert_cmpuint (changed, ==, 4);

  g_assert_true (g_file_set_contents (garbage, "not a PNG at all", -1, NULL));
  g_assert_false (bl_digit_pad_load_png (pad, garbage, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (bl_digit_pad_load_png (pad, "/nonexistent/digit.png", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED);
  g_assert_cmpuint (changed, ==, 4);
  check_loaded_bar (pad);   /* a failed load leaves the drawing alone */
  g_assert_finalize_object (pad);
}

/* A hand-drawn-looking 7: a top bar, then a long diagonal down to the left. */
static void
draw_seven (BlDigitPad *pad)
{
  const double seven[] = { 80, 60, 140, 58, 200, 62, 185, 110, 160, 170, 140, 230 };

  bl_digit_pad_stroke (pad, seven, G_N_ELEMENTS (seven) / 2);
}

/* What Try It does: prepare the canvas, hand the stages to the widget, ask the model, hand
 * the widget the answer. FALSE (and the prompt shown) for a canvas without ink. */
static gboolean
show_canvas (BlDigitStages *widget, const float *canvas, guint w, guint h, NnModel *model,
             NnDigitStages *st, GError **error)
{
  float probs[NN_CLASSES];

  if (!nn_digit_preprocess (canvas, w, h, st, error))
    {
      bl_digit_stages_set_prompt (widget, error && *error ? (*error)->message : "");
      return FALSE;
    }
  bl_digit_stages_set_stages (widget, canvas, w, h, st);
  if (model)
    {
      nn_digit_predict (model, st, probs);
      bl_digit_stages_set_probabilities (widget, probs);
    }
  return TRUE;
}

static void
test_stages_png (void)
{
  guint changed = 0, w, h;
  BlDigitPad *pad = new_pad (&changed);
  BlDigitStages *stages = BL_DIGIT_STAGES (g_object_ref_sink (bl_digit_stages_new ()));
  g_autoptr(GError) error = NULL;
  g_autofree char *png = out_path ("digit-stages.png");
  g_autofree char *empty_png = out_path ("digit-stages-empty.png");
  NnModel *model = nn_model_new (1, 1, 1, &error);
  NnDigitStages st_storage = { 0 }, *st = &st_storage;
  const float *canvas;
  GdkRGBA red, orange, blue;

  g_assert_no_error (error);
  /* An empty pad: the prompt, no stages, nothing to predict. */
  canvas = bl_digit_pad_get_canvas (pad, &w, &h);
  g_assert_false (show_canvas (stages, canvas, w, h, model, st, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (bl_digit_stages_get_prediction (stages), ==, -1);
  g_assert_true (bl_digit_stages_write_png (stages, empty_png, 1000, 460, &error));
  g_assert_no_error (error);

  draw_seven (pad);
  canvas = bl_digit_pad_get_canvas (pad, &w, &h);
  g_assert_true (show_canvas (stages, canvas, w, h, NULL, st, &error));
  g_assert_no_error (error);
  g_assert_cmpint (bl_digit_stages_get_prediction (stages), ==, -1);
  /* The 7's ink spans x 69…211 and y 47…241: taller than wide, so 20 tall. */
  g_assert_cmpuint (st->fit_h, ==, 20);
  g_assert_cmpuint (st->fit_w, <, 20);
  g_assert_cmpfloat (fabs (st->mass_x - 14), <=, 0.5);
  g_assert_true (show_canvas (stages, canvas, w, h, model, st, &error));
  g_assert_cmpint (bl_digit_stages_get_prediction (stages), >=, 0);
  g_assert_cmpint (bl_digit_stages_get_prediction (stages), <, 10);
  g_assert_true (bl_digit_stages_write_png (stages, png, 1000, 460, &error));
  g_assert_no_error (error);
  g_test_message ("stages drawn to %s", png);

  /* The argmax bar (vermillion), the other bars (blue), the crop outline (orange). */
  bl_palette_color (5, &red);
  bl_palette_color (0, &blue);
  bl_palette_color (1, &orange);
  g_assert_cmpuint (bl_test_count_color (png, &red), >, 200);
  g_assert_cmpuint (bl_test_count_color (png, &blue), >, 1000);
  g_assert_cmpuint (bl_test_count_color (png, &orange), >, 200);

  /* Probabilities given from elsewhere. */
  {
    float probs[10] = { 0.01f, 0.02f, 0.01f, 0.05f, 0.01f, 0.01f, 0.01f, 0.85f, 0.02f, 0.01f };
    bl_digit_stages_set_probabilities (stages, probs);
    g_assert_cmpint (bl_digit_stages_get_prediction (stages), ==, 7);
    bl_digit_stages_set_probabilities (stages, NULL);
    g_assert_cmpint (bl_digit_stages_get_prediction (stages), ==, -1);
  }
  g_assert_false (bl_digit_stages_write_png (stages, png, 0, 10, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  nn_model_free (model);
  nn_digit_stages_clear (st);
  g_assert_finalize_object (stages);
  g_assert_finalize_object (pad);
}

static void
pad_changed_cb (BlDigitPad *pad, BlDigitStages *stages)
{
  NnModel *model = g_object_get_data (G_OBJECT (stages), "model");
  guint w, h;
  const float *canvas = bl_digit_pad_get_canvas (pad, &w, &h);

  NnDigitStages st = { 0 };

  show_canvas (stages, canvas, w, h, model, &st, NULL);
  nn_digit_stages_clear (&st);
}

static void
test_in_window (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *pad = bl_digit_pad_new (), *stages = bl_digit_stages_new ();
  g_autofree char *png = out_path ("digit-pad-window.png");
  g_autoptr(GError) error = NULL;
  NnModel *model = nn_model_new (3, 1, 1, &error);

  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (stages), "model", model);
  g_signal_connect (pad, "changed", G_CALLBACK (pad_changed_cb), stages);
  gtk_widget_set_size_request (pad, SIDE, SIDE);
  gtk_widget_set_valign (pad, GTK_ALIGN_START);
  gtk_widget_set_hexpand (stages, TRUE);
  gtk_box_append (GTK_BOX (box), pad);
  gtk_box_append (GTK_BOX (box), stages);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 460);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (bl_test_wait_for_draw (pad));

  draw_seven (BL_DIGIT_PAD (pad));
  g_assert_cmpint (bl_digit_stages_get_prediction (BL_DIGIT_STAGES (stages)), >=, 0);
  gtk_widget_grab_focus (pad);
  g_assert_true (bl_test_wait_for_draw (stages));
  g_assert_true (bl_test_save_window_png (window, png));
  g_test_message ("window drawn to %s", png);
  g_assert_cmpuint (bl_test_ink_pixels (png), >, 20000);

  gtk_window_destroy (GTK_WINDOW (window));
  nn_model_free (model);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/widgets/digit-pad/stroke", test_stroke);
  g_test_add_func ("/widgets/digit-pad/load-png", test_load_png);
  g_test_add_func ("/widgets/digit-stages/png", test_stages_png);
  g_test_add_func ("/widgets/digit-stages/in-window", test_in_window);
  return g_test_run ();
}
