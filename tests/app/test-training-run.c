/* test-training-run.c: BlTrainingRun without a window: its properties notify in order on the
 * main thread, its history grows one BlEpoch per epoch with what the views need, pause and
 * stop change its state, and dropping it mid-run cancels the run without waiting. */
#include <gio/gio.h>
#include <math.h>

#include "mnist/bl-cell-digits.h"
#include "mnist/bl-training-run.h"
#include "nn-error.h"

static NnDataset *data;

typedef struct {
  GThread *main_thread;
  guint    batches, notifies_epochs, items_added, finished;
  guint    last_epochs_done;
  GArray  *states;     /* BlRunState, each change */
} Watch;

static void
batches_cb (BlTrainingRun *run, gpointer reports, guint n, Watch *w)
{
  g_assert_true (g_thread_self () == w->main_thread);
  w->batches += n;
}

static void
state_cb (BlTrainingRun *run, GParamSpec *pspec, Watch *w)
{
  BlRunState s = bl_training_run_get_state (run);
  g_array_append_val (w->states, s);
}

static void
epochs_cb (BlTrainingRun *run, GParamSpec *pspec, Watch *w)
{
  g_assert_true (g_thread_self () == w->main_thread);
  /* The history already holds the epoch the property announces. */
  g_assert_cmpuint (bl_training_run_get_epochs_done (run), ==, w->last_epochs_done + 1);
  g_assert_cmpuint (g_list_model_get_n_items (bl_training_run_get_history (run)), ==,
                    bl_training_run_get_epochs_done (run));
  w->last_epochs_done++;
  w->notifies_epochs++;
}

static void
items_cb (GListModel *model, guint position, guint removed, guint added, Watch *w)
{
  w->items_added += added;
}

static void
finished_cb (BlTrainingRun *run, Watch *w)
{
  w->finished++;
}

static BlTrainingRun *
small_run (guint epochs, Watch *w)
{
  g_autoptr(GError) error = NULL;
  BlTrainingRun *run;
  NnRecipe r;

  nn_recipe_init_plain (&r);
  r.lr = 0.05;
  r.epochs = epochs;
  r.batch = 64;
  r.train_subset = 640;
  r.test_subset = 500;
  r.threads = 2;
  run = bl_training_run_new (&r, data, "test", &error);
  g_assert_no_error (error);
  w->main_thread = g_thread_self ();
  w->states = g_array_new (FALSE, FALSE, sizeof (BlRunState));
  g_signal_connect (run, "batches", G_CALLBACK (batches_cb), w);
  g_signal_connect (run, "notify::state", G_CALLBACK (state_cb), w);
  g_signal_connect (run, "notify::epochs-done", G_CALLBACK (epochs_cb), w);
  g_signal_connect (bl_training_run_get_history (run), "items-changed", G_CALLBACK (items_cb), w);
  g_signal_connect (run, "finished", G_CALLBACK (finished_cb), w);
  return run;
}

static void
iterate_while_active (BlTrainingRun *run)
{
  gint64 end = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (bl_training_run_is_active (run) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (bl_training_run_is_active (run));
}

static void
test_runs_to_the_end (void)
{
  Watch w = { 0 };
  g_autoptr(BlTrainingRun) run = small_run (2, &w);
  g_autoptr(BlEpoch) first = NULL;
  gsize size;

  g_assert_cmpint (bl_training_run_get_state (run), ==, BL_RUN_STATE_READY);
  g_assert_false (bl_training_run_is_active (run));
  g_assert_cmpuint (bl_training_run_get_n_train (run), ==, 640);
  g_assert_cmpuint (bl_training_run_get_n_test (run), ==, 500);
  bl_training_run_start (run);
  g_assert_true (bl_training_run_is_active (run));
  iterate_while_active (run);

  g_assert_cmpint (bl_training_run_get_state (run), ==, BL_RUN_STATE_FINISHED);
  g_assert_null (bl_training_run_get_error (run));
  g_assert_cmpuint (w.finished, ==, 1);
  g_assert_cmpuint (w.batches, ==, 20);
  g_assert_cmpuint (bl_training_run_get_batches_seen (run), ==, 20);
  g_assert_cmpuint (w.notifies_epochs, ==, 2);
  g_assert_cmpuint (w.items_added, ==, 2);
  /* ready → training → finished, nothing else. */
  g_assert_cmpuint (w.states->len, ==, 2);
  g_assert_cmpint (g_array_index (w.states, BlRunState, 0), ==, BL_RUN_STATE_TRAINING);
  g_assert_cmpint (g_array_index (w.states, BlRunState, 1), ==, BL_RUN_STATE_FINISHED);
  /* Each epoch keeps what the views need. */
  first = g_list_model_get_item (bl_training_run_get_history (run), 0);
  g_assert_cmpuint (bl_epoch_get_record (first)->epoch, ==, 1);
  g_assert_cmpuint (bl_epoch_get_n_test (first), ==, 500);
  g_bytes_get_data (bl_epoch_get_test_probs (first), &size);
  g_assert_cmpuint (size, ==, 500 * 10 * sizeof (float));
  g_assert_nonnull (bl_epoch_get_state (first));
  g_assert_true (bl_training_run_get_latest_epoch (run) != first);
  g_assert_cmpuint (bl_epoch_get_record (bl_training_run_get_latest_epoch (run))->epoch, ==, 2);
  g_assert_cmpfloat (bl_training_run_get_best_accuracy (run), >, 0.3);
  g_assert_cmpuint (bl_training_run_get_best_epoch (run), >=, 1);
  g_array_unref (w.states);
}

static void
test_pause_and_stop (void)
{
  Watch w = { 0 };
  g_autoptr(BlTrainingRun) run = small_run (50, &w);
  guint seen;
  gint64 end;

  bl_training_run_start (run);
  while (w.batches < 2)
    g_main_context_iteration (NULL, TRUE);
  bl_training_run_set_paused (run, TRUE);
  g_assert_cmpint (bl_training_run_get_state (run), ==, BL_RUN_STATE_PAUSED);
  end = g_get_monotonic_time () + 300 * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  seen = w.batches;
  end = g_get_monotonic_time () + 400 * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (w.batches, <=, seen + 1);
  /* Stop from paused: the run wakes to see it. */
  bl_training_run_stop (run);
  g_assert_cmpint (bl_training_run_get_state (run), ==, BL_RUN_STATE_STOPPING);
  iterate_while_active (run);
  g_assert_cmpint (bl_training_run_get_state (run), ==, BL_RUN_STATE_STOPPED);
  g_assert_error ((GError *) bl_training_run_get_error (run), NN_ERROR, NN_ERROR_CANCELLED);
  g_assert_cmpuint (w.finished, ==, 1);
  g_array_unref (w.states);
}

/* Dropped mid-run, it goes at once (no join on this thread); the thread ends on its own, and
 * a data set dropped by everyone else outlives it. */
static void
test_dropped_mid_run (void)
{
  Watch w = { 0 };
  BlTrainingRun *run = small_run (50, &w);
  gint64 t0, end;

  bl_training_run_start (run);
  while (w.batches < 2)
    g_main_context_iteration (NULL, TRUE);
  t0 = g_get_monotonic_time ();
  g_assert_finalize_object (run);
  g_test_message ("dropped mid-run in %.2f ms", (g_get_monotonic_time () - t0) / 1000.0);
  end = g_get_monotonic_time () + 500 * 1000;
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (w.finished, ==, 0);   /* nobody is told any more */
  g_array_unref (w.states);
}

static void
test_bad_recipe (void)
{
  g_autoptr(GError) error = NULL;
  NnRecipe r;

  nn_recipe_init_default (&r);
  r.batch = 0;
  g_assert_null (bl_training_run_new (&r, data, NULL, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
}

/* A digit's story over the epochs: its streak and its flips, told as the cell's window says. */
static void
test_digit_story (void)
{
  /* Three test images over six epochs; image i's prediction per epoch is given, label 4. */
  static const guint8 predicted[3][6] = {
    { 9, 9, 4, 4, 4, 4 },     /* right from epoch 3 on */
    { 4, 9, 4, 9, 4, 9 },     /* keeps flipping, wrong now */
    { 9, 9, 9, 9, 9, 9 },     /* wrong from the start */
  };
  float probs[6][3 * NN_CLASSES] = { { 0 } };
  const float *per_epoch[6];
  BlDigitStory story;
  g_autofree char *t0 = NULL, *t1 = NULL, *t2 = NULL;

  for (guint e = 0; e < 6; e++)
    {
      for (guint i = 0; i < 3; i++)
        probs[e][i * NN_CLASSES + predicted[i][e]] = 0.9f;
      per_epoch[e] = probs[e];
    }
  bl_digit_story (per_epoch, 6, 0, 4, &story);
  g_assert_true (story.right);
  g_assert_cmpuint (story.since, ==, 3);
  g_assert_cmpuint (story.flips, ==, 1);
  t0 = bl_digit_story_text (&story);
  g_assert_cmpstr (t0, ==, "right from epoch 3 on");

  bl_digit_story (per_epoch, 6, 1, 4, &story);
  g_assert_false (story.right);
  g_assert_cmpuint (story.since, ==, 6);
  g_assert_cmpuint (story.flips, ==, 5);
  t1 = bl_digit_story_text (&story);
  g_assert_cmpstr (t1, ==, "wrong since epoch 6 · flipped 5 times");

  bl_digit_story (per_epoch, 6, 2, 4, &story);
  g_assert_cmpuint (story.since, ==, 1);
  g_assert_cmpuint (story.flips, ==, 0);
  t2 = bl_digit_story_text (&story);
  g_assert_cmpstr (t2, ==, "wrong from the start");

  /* Up to epoch 2 only: the first is then wrong from the start. */
  bl_digit_story (per_epoch, 2, 0, 4, &story);
  g_assert_false (story.right);
  g_assert_cmpuint (story.since, ==, 1);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("BL_TEST_MNIST_FIXTURE"));
  data = nn_dataset_load (g_getenv ("BL_TEST_MNIST_FIXTURE"), &error);
  g_assert_no_error (error);
  g_test_add_func ("/app/training-run/runs-to-the-end", test_runs_to_the_end);
  g_test_add_func ("/app/training-run/pause-and-stop", test_pause_and_stop);
  g_test_add_func ("/app/training-run/dropped-mid-run", test_dropped_mid_run);
  g_test_add_func ("/app/training-run/bad-recipe", test_bad_recipe);
  g_test_add_func ("/app/cell-digits/story", test_digit_story);
  status = g_test_run ();
  nn_dataset_unref (data);
  return status;
}
