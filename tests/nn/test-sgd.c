/* test-sgd.c: the optimiser step and the learning-rate schedules against hand values and
 * against values printed by PyTorch 1.13 (torch.optim.SGD, lr_scheduler.OneCycleLR). */
#include <glib.h>
#include <math.h>

#include "nn-error.h"
#include "nn-sgd.h"

static void
test_sgd_by_hand (void)
{
  /* PyTorch's form: v ← μv + g + λw; w ← w − ηv. Two steps by hand. */
  float w[2] = { 1, -2 }, g[2] = { 0.5f, 0.25f }, v[2] = { 0, 0 };

  nn_sgd_step (w, g, v, 2, 0.1f, 0.9f, 0.0f, FALSE);
  g_assert_cmpfloat_with_epsilon (v[0], 0.5, 1e-7);
  g_assert_cmpfloat_with_epsilon (w[0], 0.95, 1e-7);
  nn_sgd_step (w, g, v, 2, 0.1f, 0.9f, 0.0f, FALSE);
  g_assert_cmpfloat_with_epsilon (v[0], 0.95, 1e-7);           /* 0.9·0.5 + 0.5 */
  g_assert_cmpfloat_with_epsilon (w[0], 0.855, 1e-6);          /* 0.95 − 0.1·0.95 */
  g_assert_cmpfloat_with_epsilon (w[1], -2 - 0.1 * 0.25 - 0.1 * 0.475, 1e-6);
  {
    float w1 = 2, g1 = 0, v1 = 0;
    nn_sgd_step (&w1, &g1, &v1, 1, 0.5f, 0.0f, 0.1f, FALSE);           /* decay only */
    g_assert_cmpfloat_with_epsilon (w1, 2 - 0.5 * 0.2, 1e-7);
  }
}

static void
test_sgd_matches_pytorch (void)
{
  /* torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.01), three steps with these
   * gradients, from w = (1, −2, 0.5). */
  static const float grads[3][3] = { { 0.5f, 0.25f, -1 }, { 0.1f, -0.3f, 0.2f },
                                     { -0.4f, 0, 0.7f } };
  static const double want_w[3] = { 0.8800947666168213, -1.9994746446609497,
                                    0.6598374843597412 };
  static const double want_v[3] = { 0.12056246399879456, -0.12202376872301102,
                                    0.08613002300262451 };
  float w[3] = { 1, -2, 0.5f }, v[3] = { 0 };

  for (int s = 0; s < 3; s++)
    nn_sgd_step (w, grads[s], v, 3, 0.1f, 0.9f, 0.01f, FALSE);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpfloat_with_epsilon (w[i], want_w[i], 1e-6);
      g_assert_cmpfloat_with_epsilon (v[i], want_v[i], 1e-6);
    }
}

static void
test_nesterov_matches_pytorch (void)
{
  /* The same with nesterov=True. */
  static const float grads[3][3] = { { 0.5f, 0.25f, -1 }, { 0.1f, -0.3f, 0.2f },
                                     { -0.4f, 0, 0.7f } };
  static const double want_w[3] = { 0.8694655299186707, -1.9884557723999023,
                                    0.6517255902290344 };
  static const double want_v[3] = { 0.11963865160942078, -0.12210777401924133,
                                    0.08755481243133545 };
  float w[3] = { 1, -2, 0.5f }, v[3] = { 0 };

  for (int s = 0; s < 3; s++)
    nn_sgd_step (w, grads[s], v, 3, 0.1f, 0.9f, 0.01f, TRUE);
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpfloat_with_epsilon (w[i], want_w[i], 1e-6);
      g_assert_cmpfloat_with_epsilon (v[i], want_v[i], 1e-6);
    }
}

static void
test_onecycle_matches_pytorch (void)
{
  /* OneCycleLR(max_lr=0.05, total_steps=1000) on SGD(momentum=0.9): lr and momentum before
   * step k (PyTorch's defaults: pct_start 0.3, cos, div 25, final div 1e4, momentum 0.85–0.95). */
  static const struct { guint64 step; double lr, momentum; } want[] = {
    { 0, 0.0020000000000000018, 0.95 },
    { 1, 0.002001324752108395, 0.9499972400997742 },
    { 150, 0.026126083406127345, 0.8997373262372347 },
    { 299, 0.05, 0.85 },
    { 300, 0.04999974822580724, 0.8500005035503997 },
    { 500, 0.04049940507700897, 0.8690012658510454 },
    { 998, 4.5177419276849795e-07, 0.9499994964496002 },
    { 999, 2e-07, 0.95 },
  };
  NnSchedule s = { NN_SCHEDULE_ONECYCLE, 0.05, 0.9, 0, 0, 1000 };

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      double lr, mom;
      nn_schedule_at (&s, want[i].step, 0, &lr, &mom);
      g_assert_cmpfloat_with_epsilon (lr, want[i].lr, 1e-12);
      g_assert_cmpfloat_with_epsilon (mom, want[i].momentum, 1e-12);
    }
}

static void
test_step_and_constant (void)
{
  NnSchedule step = { NN_SCHEDULE_STEP, 0.01, 0.9, 8, 0.1, 0 };
  NnSchedule constant = { NN_SCHEDULE_CONSTANT, 0.01, 0.9, 0, 0, 0 };
  NnScheduleKind kind;
  GError *error = NULL;
  double lr, mom;

  nn_schedule_at (&step, 0, 7, &lr, &mom);
  g_assert_cmpfloat_with_epsilon (lr, 0.01, 1e-12);
  nn_schedule_at (&step, 0, 8, &lr, &mom);
  g_assert_cmpfloat_with_epsilon (lr, 0.001, 1e-12);
  nn_schedule_at (&step, 0, 16, &lr, &mom);
  g_assert_cmpfloat_with_epsilon (lr, 0.0001, 1e-12);
  g_assert_cmpfloat (mom, ==, 0.9);
  nn_schedule_at (&constant, 12345, 19, &lr, &mom);
  g_assert_cmpfloat (lr, ==, 0.01);
  g_assert_cmpfloat (mom, ==, 0.9);

  g_assert_true (nn_schedule_parse ("onecycle", &kind, NULL));
  g_assert_cmpint (kind, ==, NN_SCHEDULE_ONECYCLE);
  g_assert_true (nn_schedule_parse ("none", &kind, NULL));
  g_assert_cmpint (kind, ==, NN_SCHEDULE_CONSTANT);
  g_assert_false (nn_schedule_parse ("cosine", &kind, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpstr (nn_schedule_name (NN_SCHEDULE_STEP), ==, "step");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/nn/sgd/by-hand", test_sgd_by_hand);
  g_test_add_func ("/nn/sgd/matches-pytorch", test_sgd_matches_pytorch);
  g_test_add_func ("/nn/sgd/nesterov-matches-pytorch", test_nesterov_matches_pytorch);
  g_test_add_func ("/nn/sgd/onecycle-matches-pytorch", test_onecycle_matches_pytorch);
  g_test_add_func ("/nn/sgd/step-and-constant", test_step_and_constant);
  return g_test_run ();
}
