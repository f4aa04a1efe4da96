/* test-pdf.c: the lesson's worksheet as PDF, read back with poppler's pdfinfo and pdftotext
 * (tools/deps.sh test installs poppler-utils; without them the test fails, it does not skip):
 * the page size of A4 and Letter, the key on a page of its own holding the first iteration's
 * numbers (computed here from the maths), the worksheet's pages holding none of them. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"
#include "export/bl-toy-pdf.h"

static char *
run (const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *program = g_find_program_in_path (argv[0]);
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_assert_nonnull (program);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return g_steal_pointer (&out);
}

static char *
pages_text (const char *pdf, guint first, guint last)
{
  g_autofree char *f = g_strdup_printf ("%u", first), *l = g_strdup_printf ("%u", last);
  const char *argv[] = { "pdftotext", "-f", f, "-l", l, pdf, "-", NULL };
  return run (argv);
}

static double
sig (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

static void
check_case (BlToyPreset preset, BlToyPaper paper, const char *paper_line)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-pdf-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "lesson.pdf", NULL);
  g_autofree char *info = NULL, *sheet = NULL, *key = NULL;
  g_autoptr(GError) error = NULL;
  BlToyParams p;
  guint pages = 0, key_page = 0;
  const double lr = 0.5;
  double b1, b2, ah1, ah2, ao1, ao2, E, d1, w5;
  g_autofree char *e_text = NULL, *w5_text = NULL, *ah1_text = NULL;

  bl_toy_params_init_preset (&p, preset);
  g_assert_true (bl_toy_worksheet_save_pdf (pdf, &p, lr, paper, &pages, &key_page, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (key_page, >=, 2);
  g_assert_cmpuint (pages, >=, key_page);

  {
    const char *argv[] = { "pdfinfo", pdf, NULL };
    g_autofree char *want = g_strdup_printf ("Pages:           %u\n", pages);
    info = run (argv);
    g_test_message ("%s", info);
    g_assert_nonnull (strstr (info, want));
    g_assert_nonnull (strstr (info, paper_line));
    g_assert_nonnull (strstr (info, "Backpropagation by hand"));
  }

  /* The first iteration by hand. */
  b1 = p.has_biases ? p.b1 : 0;
  b2 = p.has_biases ? p.b2 : 0;
  ah1 = sig (p.w[0] * p.i1 + p.w[1] * p.i2 + b1);
  ah2 = sig (p.w[2] * p.i1 + p.w[3] * p.i2 + b1);
  ao1 = sig (p.w[4] * ah1 + p.w[5] * ah2 + b2);
  ao2 = sig (p.w[6] * ah1 + p.w[7] * ah2 + b2);
  E = 0.5 * (p.t1 - ao1) * (p.t1 - ao1) + 0.5 * (p.t2 - ao2) * (p.t2 - ao2);
  d1 = (ao1 - p.t1) * ao1 * (1 - ao1);
  w5 = p.w[4] - lr * d1 * ah1;
  e_text = g_strdup_printf ("= %.9g", E);
  w5_text = g_strdup_printf ("= %.9g", w5);
  ah1_text = g_strdup_printf ("%.9g", ah1);

  key = pages_text (pdf, key_page, pages);
  g_assert_nonnull (strstr (key, "Answer key"));
  if (!strstr (key, e_text) || !strstr (key, w5_text) || !strstr (key, ah1_text))
    g_error ("the key lacks %s, %s or %s:\n%s", e_text, w5_text, ah1_text, key);
  sheet = pages_text (pdf, 1, key_page - 1);
  g_assert_null (strstr (sheet, "Answer key"));
  g_assert_null (strstr (sheet, ah1_text));
  g_assert_null (strstr (sheet, w5_text));
  /* The worksheet: the starting values, and every step's formula. */
  g_assert_nonnull (strstr (sheet, "w5 = 0.4"));
  g_assert_nonnull (strstr (sheet, "t2 = 0.99"));
  g_assert_nonnull (strstr (sheet, "δh1 = (δo1 · w5 + δo2 · w7) · a_h1 · (1 − a_h1)"));
  g_assert_nonnull (strstr (sheet, "w8 ← w8 − η · ∂E_total/∂w8"));
  g_assert_true ((strstr (sheet, "b1 = 0.35") != NULL) == p.has_biases);

  g_unlink (pdf);
  g_rmdir (dir);
}

static void
test_a4_classroom (void)
{
  check_case (BL_TOY_PRESET_CLASSROOM, BL_TOY_PAPER_A4, "595.276 x 841.89 pts (A4)");
}

static void
test_letter_with_biases (void)
{
  check_case (BL_TOY_PRESET_WITH_BIASES, BL_TOY_PAPER_LETTER, "612 x 792 pts (letter)");
}

static void
test_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-pdf-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "x.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "no", "such", "x.pdf", NULL);
  g_autoptr(GError) error = NULL;
  BlToyParams p;
  BlToyPaper paper;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  g_assert_false (bl_toy_worksheet_save_pdf (pdf, &p, 0.0, BL_TOY_PAPER_A4, NULL, NULL, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_assert_false (bl_toy_worksheet_save_pdf (missing, &p, 0.5, BL_TOY_PAPER_A4, NULL, NULL,
                                             &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (bl_toy_paper_from_name ("Letter", &paper, NULL));
  g_assert_cmpint (paper, ==, BL_TOY_PAPER_LETTER);
  g_assert_false (bl_toy_paper_from_name ("a3", &paper, &error));
  g_assert_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pdf/a4-classroom", test_a4_classroom);
  g_test_add_func ("/pdf/letter-with-biases", test_letter_with_biases);
  g_test_add_func ("/pdf/refused", test_refused);
  return g_test_run ();
}
