/* test-toy-mistakes.c: predict, then reveal. A table of wrong answers, one per known mistake,
 * each computed here by hand from the maths, must be classified as that mistake; right
 * answers (rounded) as right; a number no mistake gives as unknown. And a lesson's summary. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"
#include "core/bl-toy-mistakes.h"

static double
sig (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

/* The classroom (or with-biases) network's row 0, by hand. */
typedef struct {
  double h[2], ah[2], o[2], ao[2], E[2], dout[2], dh[2], g[8];
} Hand;

static void
hand (const BlToyParams *p, Hand *r)
{
  const double *w = p->w;
  double x[2] = { p->i1, p->i2 }, t[2] = { p->t1, p->t2 };
  double b1 = p->has_biases ? p->b1 : 0, b2 = p->has_biases ? p->b2 : 0;

  for (int j = 0; j < 2; j++)
    {
      r->h[j] = w[2 * j] * x[0] + w[2 * j + 1] * x[1] + b1;
      r->ah[j] = sig (r->h[j]);
    }
  for (int k = 0; k < 2; k++)
    {
      r->o[k] = w[4 + 2 * k] * r->ah[0] + w[5 + 2 * k] * r->ah[1] + b2;
      r->ao[k] = sig (r->o[k]);
      r->E[k] = 0.5 * (t[k] - r->ao[k]) * (t[k] - r->ao[k]);
      r->dout[k] = (r->ao[k] - t[k]) * r->ao[k] * (1 - r->ao[k]);
      r->g[4 + 2 * k] = r->dout[k] * r->ah[0];
      r->g[5 + 2 * k] = r->dout[k] * r->ah[1];
    }
  for (int j = 0; j < 2; j++)
    {
      r->dh[j] = (r->dout[0] * w[4 + j] + r->dout[1] * w[6 + j]) * r->ah[j] * (1 - r->ah[j]);
      r->g[2 * j] = r->dh[j] * x[0];
      r->g[2 * j + 1] = r->dh[j] * x[1];
    }
}

typedef struct {
  const char      *what;
  guint            row;
  BlToyColumn      col;
  double           typed;
  BlToyMistakeKind kind;
  guint            detail;     /* layer, path, or the operand used */
  double           rate;
} Case;

static void
check_case (const BlToyRun *run, const Case *c)
{
  BlToyVerdict v;
  g_autofree char *why = NULL;

  bl_toy_predict_check (run, c->row, c->col, c->typed, NULL, &v);
  why = bl_toy_mistake_describe (&v.mistake, &run->init);
  g_test_message ("%s: %s | %s", c->what, v.explanation, v.wrong_formula ? v.wrong_formula : "");
  if (v.mistake.kind != c->kind)
    g_error ("%s: classified as %s (%s), expected %s", c->what,
             bl_toy_mistake_id (v.mistake.kind), why, bl_toy_mistake_id (c->kind));
  g_assert_true (v.right == (c->kind == BL_TOY_MISTAKE_NONE));
  g_assert_cmpuint (v.row, ==, c->row);
  g_assert_cmpint (v.col, ==, c->col);
  switch (c->kind)
    {
    case BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN:
      g_assert_cmpuint (v.mistake.layer, ==, c->detail);
      break;
    case BL_TOY_MISTAKE_PATH_MISSING:
      g_assert_cmpuint (v.mistake.path, ==, c->detail);
      g_assert_nonnull (strstr (why, c->detail == 1 ? "o1" : "o2"));
      break;
    case BL_TOY_MISTAKE_WRONG_OPERAND:
      g_assert_cmpuint (v.mistake.used, ==, c->detail);
      break;
    case BL_TOY_MISTAKE_WRONG_RATE:
    case BL_TOY_MISTAKE_ETA_TWICE:
      g_assert_cmpfloat_with_epsilon (v.mistake.rate, c->rate, 1e-12);
      break;
    default:
      break;
    }
  if (c->kind != BL_TOY_MISTAKE_NONE && c->kind != BL_TOY_MISTAKE_UNKNOWN)
    {
      /* The mistake's own value is the typed one, and its formula ends in it. */
      g_assert_true (bl_toy_tolerance_accepts (NULL, c->typed, v.mistake.value));
      g_assert_nonnull (v.wrong_formula);
    }
  bl_toy_verdict_clear (&v);
}

static void
test_table_of_mistakes (void)
{
  BlToyParams p;
  BlToyRun *run;
  Hand r;
  /* Not 0.5: 2η would be 1, "η twice" the same number as "η not applied". */
  const double lr = 0.8;
  double w5 = 0.4, dw5;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  hand (&p, &r);
  dw5 = r.g[4];
  run = bl_toy_run_new (&p, lr);
  bl_toy_run_compute (run, 3);
  {
    const double wo6 = p.w[5] - lr * r.g[5], wo8 = p.w[7] - lr * r.g[7];
    const Case cases[] = {
      { "right, four digits", 0, BL_TOY_COL_DW5, 0.07216, BL_TOY_MISTAKE_NONE },
      { "right, exact", 0, BL_TOY_COL_E_TOTAL, r.E[0] + r.E[1], BL_TOY_MISTAKE_NONE },
      { "σ′ forgotten at the output", 0, BL_TOY_COL_DW5, (r.ao[0] - p.t1) * r.ah[0],
        BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN, 2 },
      { "σ′ forgotten at the hidden unit", 0, BL_TOY_COL_DW1,
        (r.dout[0] * p.w[4] + r.dout[1] * p.w[6]) * p.i1, BL_TOY_MISTAKE_DERIVATIVE_FORGOTTEN, 1 },
      { "sign flipped", 0, BL_TOY_COL_DW5, -dw5, BL_TOY_MISTAKE_SIGN_FLIPPED },
      { "the path through o2 missing", 0, BL_TOY_COL_DW1,
        r.dout[0] * p.w[4] * r.ah[0] * (1 - r.ah[0]) * p.i1, BL_TOY_MISTAKE_PATH_MISSING, 2 },
      { "the path through o1 missing", 0, BL_TOY_COL_DW4,
        r.dout[1] * p.w[7] * r.ah[1] * (1 - r.ah[1]) * p.i2, BL_TOY_MISTAKE_PATH_MISSING, 1 },
      { "updated weights", 0, BL_TOY_COL_DW3,
        (r.dout[0] * wo6 + r.dout[1] * wo8) * r.ah[1] * (1 - r.ah[1]) * p.i1,
        BL_TOY_MISTAKE_UPDATED_WEIGHTS },
      { "η not applied", 1, BL_TOY_COL_W5, w5 - dw5, BL_TOY_MISTAKE_ETA_NOT_APPLIED },
      { "η twice", 1, BL_TOY_COL_W5, w5 - 2 * lr * dw5, BL_TOY_MISTAKE_ETA_TWICE, 0, 2 * lr },
      { "a wrong rate", 1, BL_TOY_COL_W5, w5 - 0.1 * dw5, BL_TOY_MISTAKE_WRONG_RATE, 0, 0.1 },
      { "η squared", 1, BL_TOY_COL_W6, p.w[5] - lr * lr * r.g[5], BL_TOY_MISTAKE_WRONG_RATE, 0,
        lr * lr },
      { "not updated", 1, BL_TOY_COL_W5, w5, BL_TOY_MISTAKE_NOT_UPDATED },
      { "update with the sign flipped", 1, BL_TOY_COL_W5, w5 + lr * dw5,
        BL_TOY_MISTAKE_SIGN_FLIPPED },
      { "target and output swapped", 0, BL_TOY_COL_DW5,
        (p.t1 - r.ao[0]) * p.t1 * (1 - p.t1) * r.ah[0], BL_TOY_MISTAKE_TARGET_OUTPUT_SWAPPED },
      { "½ forgotten in E1", 0, BL_TOY_COL_E1, (p.t1 - r.ao[0]) * (p.t1 - r.ao[0]),
        BL_TOY_MISTAKE_HALF_FORGOTTEN },
      { "½ forgotten in a gradient", 0, BL_TOY_COL_DW7, 2 * r.g[6],
        BL_TOY_MISTAKE_HALF_FORGOTTEN },
      { "σ not applied", 0, BL_TOY_COL_A_O2, r.o[1], BL_TOY_MISTAKE_ACTIVATION_FORGOTTEN },
      { "the net input where the activation belongs", 0, BL_TOY_COL_DW8,
        r.dout[1] * r.h[1], BL_TOY_MISTAKE_WRONG_OPERAND, BL_TOY_COL_H2 },
      { "another weight's gradient in the update", 1, BL_TOY_COL_W5, w5 - lr * r.g[6],
        BL_TOY_MISTAKE_WRONG_OPERAND, BL_TOY_COL_DW7 },
      { "a number nothing explains", 0, BL_TOY_COL_DW5, 0.5, BL_TOY_MISTAKE_UNKNOWN },
    };
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      check_case (run, &cases[i]);
  }
  bl_toy_run_free (run);

  /* The spreadsheet's slip, a_h1 where a_h2 belongs in ∂E/∂w3: σ′(h1) and σ′(h2) agree to
   * four digits in the classroom's row 0; with w3 = 2 and w4 = 3 they do not. */
  g_assert_true (bl_toy_params_set_from_string (&p, "w3=2,w4=3", NULL));
  hand (&p, &r);
  run = bl_toy_run_new (&p, lr);
  bl_toy_run_compute (run, 1);
  {
    Case c = { "a_h1 where a_h2 belongs (the spreadsheet's slip)", 0, BL_TOY_COL_DW3,
               (r.dout[0] * p.w[5] + r.dout[1] * p.w[7]) * r.ah[0] * (1 - r.ah[0]) * p.i1,
               BL_TOY_MISTAKE_WRONG_OPERAND, BL_TOY_COL_A_H1 };
    check_case (run, &c);
  }
  bl_toy_run_free (run);

  /* The bias, with the With-biases preset. */
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  hand (&p, &r);
  run = bl_toy_run_new (&p, lr);
  bl_toy_run_compute (run, 1);
  {
    Case c = { "bias forgotten", 0, BL_TOY_COL_H2, p.w[2] * p.i1 + p.w[3] * p.i2,
               BL_TOY_MISTAKE_BIAS_FORGOTTEN };
    check_case (run, &c);
  }
  bl_toy_run_free (run);
}

static void
test_verdict_details (void)
{
  BlToyParams p;
  BlToyRun *run;
  BlToyVerdict v;
  Hand r;
  BlToyTolerance strict = { 1e-9, 0 };

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  hand (&p, &r);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 1);

  /* The spreadsheet's slip: invisible to four digits, named with a strict tolerance, with
   * its formula and numbers. */
  g_assert_true (bl_toy_predict_check (run, 0, BL_TOY_COL_DW4,
                                       (r.dout[0] * p.w[5] + r.dout[1] * p.w[7]) *
                                       r.ah[0] * (1 - r.ah[0]) * p.i2, NULL, &v));
  bl_toy_verdict_clear (&v);
  g_assert_false (bl_toy_predict_check (run, 0, BL_TOY_COL_DW4,
                                        (r.dout[0] * p.w[5] + r.dout[1] * p.w[7]) *
                                        r.ah[0] * (1 - r.ah[0]) * p.i2, &strict, &v));
  g_assert_nonnull (strstr (v.explanation, "a_h1 is used where a_h2 belongs"));
  g_assert_nonnull (strstr (v.wrong_formula, "a_h1 · (1 − a_h1) · i2"));
  bl_toy_verdict_clear (&v);

  /* Four digits are right by default, not with a strict tolerance. */
  g_assert_true (bl_toy_predict_check (run, 0, BL_TOY_COL_A_H1, 0.5069, NULL, &v));
  g_assert_cmpint (v.mistake.kind, ==, BL_TOY_MISTAKE_NONE);
  g_assert_nonnull (strstr (v.explanation, "Right"));
  bl_toy_verdict_clear (&v);
  g_assert_false (bl_toy_predict_check (run, 0, BL_TOY_COL_A_H1, 0.5069, &strict, &v));
  g_assert_cmpfloat (v.error_abs, >, 0);
  bl_toy_verdict_clear (&v);

  /* Columns not in the network, rows not in the run. */
  g_assert_false (bl_toy_predict_check (run, 0, BL_TOY_COL_B1, 0.35, NULL, &v));
  g_assert_null (v.explanation);
  g_assert_false (bl_toy_predict_check (run, 5, BL_TOY_COL_H1, 0.35, NULL, &v));
  g_assert_null (v.explanation);
  bl_toy_run_free (run);

  g_assert_true (bl_toy_tolerance_accepts (NULL, 1.0004, 1.0));
  g_assert_false (bl_toy_tolerance_accepts (NULL, 1.002, 1.0));
  g_assert_true (bl_toy_tolerance_accepts (NULL, 5e-10, 0.0));
  g_assert_false (bl_toy_tolerance_accepts (NULL, 5e-7, 0.0));
  g_assert_false (bl_toy_tolerance_accepts (NULL, NAN, 0.0));
}

static void
test_lesson (void)
{
  BlToyParams p;
  BlToyRun *run;
  g_autoptr(BlToyLesson) lesson = bl_toy_lesson_new ();
  BlToyVerdict v;
  Hand r;
  g_autofree char *csv = NULL, *dir = g_dir_make_tmp ("bl-lesson-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "lesson.csv", NULL);
  g_autofree char *back = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  hand (&p, &r);
  run = bl_toy_run_new (&p, 0.5);
  bl_toy_run_compute (run, 1);
  /* h1 right at once; ∂E/∂w5 wrong (σ′ forgotten), then right; E1 wrong twice. */
  bl_toy_predict_check (run, 0, BL_TOY_COL_H1, 0.0275, NULL, &v);
  bl_toy_lesson_record (lesson, &v);
  bl_toy_verdict_clear (&v);
  bl_toy_predict_check (run, 0, BL_TOY_COL_DW5, (r.ao[0] - p.t1) * r.ah[0], NULL, &v);
  bl_toy_lesson_record (lesson, &v);
  bl_toy_verdict_clear (&v);
  bl_toy_predict_check (run, 0, BL_TOY_COL_DW5, r.g[4], NULL, &v);
  bl_toy_lesson_record (lesson, &v);
  bl_toy_verdict_clear (&v);
  for (int i = 0; i < 2; i++)
    {
      bl_toy_predict_check (run, 0, BL_TOY_COL_E1, 0.3 + i, NULL, &v);
      bl_toy_lesson_record (lesson, &v);
      bl_toy_verdict_clear (&v);
    }
  g_assert_cmpuint (bl_toy_lesson_n_cells (lesson), ==, 3);
  g_assert_cmpuint (bl_toy_lesson_n_right_first (lesson), ==, 1);

  g_assert_true (bl_toy_lesson_save_csv (lesson, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &back, NULL, NULL));
  csv = bl_toy_lesson_to_csv (lesson);
  g_assert_cmpstr (back, ==, csv);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "iteration,column,attempts,right_first_time,first_answer,"
                                 "expected,first_mistake,answers");
  g_assert_cmpstr (lines[1], ==, "0,h1,1,1,0.0275,0.027500000000000004,none,0.0275");
  g_assert_true (g_str_has_prefix (lines[2], "0,dE/dw5,2,0,"));
  g_assert_nonnull (strstr (lines[2], ",derivative-forgotten,"));
  g_assert_true (g_str_has_prefix (lines[3], "0,E1,2,0,0.29999999999999999,"));
  g_assert_true (g_str_has_suffix (lines[3], ",unknown,0.29999999999999999 1.3"));
  g_assert_cmpstr (lines[4], ==, "");
  bl_toy_run_free (run);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy-mistakes/table", test_table_of_mistakes);
  g_test_add_func ("/toy-mistakes/verdict", test_verdict_details);
  g_test_add_func ("/toy-mistakes/lesson", test_lesson);
  return g_test_run ();
}
