/* test-recipe.c: the named recipes (nn-trainer.h) and the checks on a recipe's new levers. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "nn-arch.h"
#include "nn-error.h"
#include "nn-trainer.h"

static void
test_named_recipes (void)
{
  g_autoptr(GError) error = NULL;
  NnRecipe def, quick, plain;
  g_autofree char *text = NULL;

  nn_recipe_init_default (&def);
  nn_recipe_init_quick (&quick);
  nn_recipe_init_plain (&plain);
  g_assert_true (nn_recipe_validate (&def, &error));
  g_assert_true (nn_recipe_validate (&quick, &error));
  g_assert_true (nn_recipe_validate (&plain, &error));
  g_assert_no_error (error);
  /* The default: 20 epochs with the levers chosen on the validation split. */
  g_assert_cmpuint (def.epochs, ==, 20);
  g_assert_cmpuint (def.batch, ==, 128);
  g_assert_cmpfloat (def.label_smoothing, ==, 0.05);
  g_assert_cmpfloat (def.weight_decay, ==, 5e-4);
  g_assert_cmpfloat (def.dropout, ==, NN_DROPOUT_P);
  g_assert_cmpuint (def.upright_last, ==, 1);
  g_assert_true (def.nesterov);
  g_assert_cmpuint (def.recalibrate_bn, ==, 10000);
  /* The quick one is the default over 5 epochs, with its own rate, batch and dropout. */
  g_assert_cmpuint (quick.epochs, ==, 5);
  g_assert_cmpuint (quick.batch, ==, 64);
  g_assert_cmpfloat (quick.lr, ==, 0.1);
  g_assert_cmpfloat (quick.dropout, ==, 0.05);
  g_assert_cmpfloat (quick.label_smoothing, ==, def.label_smoothing);
  g_assert_cmpfloat (quick.weight_decay, ==, def.weight_decay);
  g_assert_cmpuint (quick.upright_last, ==, def.upright_last);
  g_assert_true (quick.nesterov);
  g_assert_cmpuint (quick.recalibrate_bn, ==, def.recalibrate_bn);
  g_assert_cmpint (quick.schedule, ==, def.schedule);
  /* The plain one pulls none of the levers: SGD with momentum at a constant rate. */
  g_assert_cmpfloat (plain.lr, ==, 0.01);
  g_assert_cmpint (plain.schedule, ==, NN_SCHEDULE_CONSTANT);
  g_assert_cmpfloat (plain.momentum, ==, 0.9);
  g_assert_cmpfloat (plain.rotate_deg, ==, 0);
  g_assert_cmpfloat (plain.label_smoothing, ==, 0);
  g_assert_cmpfloat (plain.weight_decay, ==, 0);
  g_assert_cmpfloat (plain.dropout, ==, NN_DROPOUT_P);
  g_assert_cmpuint (plain.upright_last, ==, 0);
  g_assert_false (plain.nesterov);
  g_assert_cmpuint (plain.recalibrate_bn, ==, 0);
  g_assert_cmpuint (plain.epochs, ==, def.epochs);
  g_assert_cmpuint (plain.batch, ==, def.batch);
  text = nn_recipe_to_string (&quick);
  g_assert_nonnull (strstr (text, "label_smoothing=0.05 dropout=0.05 upright_last=1"));
  g_assert_nonnull (strstr (text, "epochs=5 batch=64"));
  g_assert_null (strstr (text, "shift"));
  /* No recipe shifts its images (tried on the validation split for the quick one: a gain
   * within the noise, bench/README.md); a shift is written only when pulled. */
  g_assert_cmpfloat (def.shift_px, ==, 0);
  g_assert_cmpfloat (quick.shift_px, ==, 0);
  g_assert_cmpfloat (plain.shift_px, ==, 0);
  g_free (text);
  quick.shift_px = 1.5;
  text = nn_recipe_to_string (&quick);
  g_assert_nonnull (strstr (text, "dropout=0.05 shift=1.5 upright_last=1"));
}

static void
test_levers_checked (void)
{
  NnRecipe r;
  GError *error = NULL;

  nn_recipe_init_quick (&r);
  r.label_smoothing = 1.0;
  g_assert_false (nn_recipe_validate (&r, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  r.label_smoothing = -0.1;
  g_assert_false (nn_recipe_validate (&r, &error));
  g_clear_error (&error);
  r.label_smoothing = 0.2;
  r.nesterov = TRUE;
  g_assert_true (nn_recipe_validate (&r, &error));
  g_assert_no_error (error);
  {
    g_autofree char *text = nn_recipe_to_string (&r);
    g_assert_nonnull (strstr (text, " nesterov"));
  }
  /* Dropout's rate: a probability below 1, 0 turning it off; said when not the network's. */
  for (guint i = 0; i < 4; i++)
    {
      static const double bad[] = { 1.0, -0.05, NAN, INFINITY };
      r.dropout = bad[i];
      g_assert_false (nn_recipe_validate (&r, &error));
      g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "dropout"));
      g_clear_error (&error);
    }
  r.dropout = 0;
  g_assert_true (nn_recipe_validate (&r, &error));
  {
    g_autofree char *text = nn_recipe_to_string (&r);
    g_assert_nonnull (strstr (text, " dropout=0"));
  }
  nn_recipe_init_plain (&r);
  g_assert_cmpfloat (r.dropout, ==, NN_DROPOUT_P);
  {
    g_autofree char *text = nn_recipe_to_string (&r);
    g_assert_null (strstr (text, "dropout"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/recipe/named", test_named_recipes);
  g_test_add_func ("/nn/recipe/levers-checked", test_levers_checked);
  return g_test_run ();
}
