/* test-mnist-page.c: the MNIST page under Xvfb: data, a short run watched live, pause,
 * resume, stop. The data are the project's cut of MNIST (tests/data/mnist-fixture: the app
 * itself never reads that folder). */
#include <gtk/gtk.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "config.h"
#include "mnist/bl-mnist-page.h"
#include "bl-app-error.h"
#include "mnist/bl-cell-digits.h"
#include "nn-checkpoint.h"
#include "nn-error.h"
#include "nn-model.h"
#include "nn-runlog.h"
#include "test-app-env.h"
#include "test-utils.h"

/* ---- A watch on every widget of the page: a property of any of them changed by a thread
 * other than the main one is counted (GTK is not thread-safe; a worker must post instead). */

static GThread *main_thread;
static gint     foreign_touches;

static void
on_widget_notify (GObject *object, GParamSpec *pspec, gpointer data)
{
  if (g_thread_self () != main_thread)
    g_atomic_int_inc (&foreign_touches);
}

static guint
watch_widgets (GtkWidget *widget)
{
  guint n = 1;

  g_signal_connect (widget, "notify", G_CALLBACK (on_widget_notify), NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    n += watch_widgets (c);
  return n;
}

static gboolean
has_data (gpointer p)
{
  return bl_data_panel_get_dataset (bl_mnist_page_get_data_panel (p)) != NULL;
}

static guint
batches_seen (BlMnistPage *page)
{
  BlTrainingRun *run = bl_mnist_page_get_run (page);
  return run ? bl_training_run_get_batches_seen (run) : 0;
}

static guint
epochs_done (BlMnistPage *page)
{
  BlTrainingRun *run = bl_mnist_page_get_run (page);
  return run ? bl_training_run_get_epochs_done (run) : 0;
}

static const char *
status_text (BlMnistPage *page)
{
  return bl_run_status_get_text (bl_mnist_page_get_run_status (page));
}

static gboolean view_current (gpointer p) { return bl_mnist_page_is_view_current (p); }
static gboolean three_batches (gpointer p) { return batches_seen (p) >= 3; }
static gboolean never (gpointer p) { return FALSE; }     /* for waiting a given time */
/* Stopped, and everything it reported is on screen (results land one region per frame). */
static gboolean
shown (gpointer p)
{
  return !bl_mnist_page_is_busy (p) && bl_mnist_page_is_view_current (p);
}

/* The first button under @widget wired to @action, or NULL. */
static GtkWidget *
button_for_action (GtkWidget *widget, const char *action)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;
      if (GTK_IS_ACTIONABLE (c) &&
          g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (c)), action) == 0)
        return c;
      if ((found = button_for_action (c, action)) != NULL)
        return found;
    }
  return NULL;
}

/* Whether the button a class would click for @action can be clicked. */
static gboolean
can_click (gpointer page, const char *action)
{
  GtkWidget *button = button_for_action (GTK_WIDGET (page), action);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

/* A new page alone in a presented window of @width × @height. */
static BlMnistPage *
page_in_window (int width, int height, GtkWidget **window_out)
{
  GtkWidget *window = gtk_window_new ();
  BlMnistPage *page = BL_MNIST_PAGE (bl_mnist_page_new ());

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  *window_out = window;
  return page;
}

/* The project's MNIST fixture (tests/data/mnist-fixture) on @page, loaded. */
static void
load_mnist (BlMnistPage *page)
{
  g_assert_nonnull (g_getenv ("BL_TEST_MNIST_FIXTURE"));
  bl_data_panel_load (bl_mnist_page_get_data_panel (page), g_getenv ("BL_TEST_MNIST_FIXTURE"));
  g_assert_true (bl_test_iterate_until (has_data, page, 60));
}

/* The count in a cell of the matrix the page shows (its last epoch), from the page's own
 * status: the test reads it back through the cell's window rather than trusting itself. */
static guint
expected_cell_count (BlMnistPage *page, int t, int p)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("bl-cell-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "run.jsonl", NULL);
  g_autoptr(GPtrArray) runs = NULL;
  const NnRunLog *run;
  guint count;

  g_assert_true (bl_mnist_page_export_run (page, path, FALSE, &error));
  runs = nn_runlog_load (path, &error);
  g_assert_no_error (error);
  run = runs->pdata[0];
  count = g_array_index (run->records, NnEpochRecord, run->records->len - 1).confusion[t][p];
  g_remove (path);
  g_rmdir (tmp);
  return count;
}

static gboolean queue_done (gpointer p)
{
  return shown (p) && bl_lr_compare_get_queue_length (bl_mnist_page_get_lr_compare (p)) == 0;
}

/* "Run Each": one run per rate, one after another, each on the Compare page. */
static gboolean
import_done (gpointer compare)
{
  return !bl_lr_compare_get_importing (compare);
}

static void
test_learning_rate_queue (void)
{
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1400, 900, &window);
  BlLrCompare *compare = bl_mnist_page_get_lr_compare (page);
  const double rates[] = { 0.01, 0.1, 0.5 };
  g_autoptr(GError) error = NULL;
  NnRecipe r;

  load_mnist (page);
  nn_recipe_init_plain (&r);
  r.epochs = 2;
  r.batch = 64;
  /* 40 batches an epoch: the queue is still training when the test looks (with 10 the
   * runtime kernels could finish a run before the page's first frames). */
  r.train_subset = 2560;
  r.test_subset = 1000;
  r.threads = 2;
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &r);
  g_assert_true (bl_mnist_page_run_rates (page, rates, G_N_ELEMENTS (rates), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bl_lr_compare_get_queue_length (compare), ==, 2);
  g_assert_true (bl_mnist_page_is_busy (page));
  /* While the queue trains, the teacher's Train is off, and the status line says which rate. */
  g_assert_true (bl_test_iterate_until (view_current, page, 10));
  g_assert_false (can_click (page, "mnist.start"));
  g_assert_true (can_click (page, "mnist.stop"));
  g_assert_true (bl_test_iterate_until (queue_done, page, 240));
  /* Compare Rates kept its own runs: This Run and Try It have none of them. */
  g_assert_null (bl_mnist_page_get_run (page));
  g_assert_true (bl_mnist_page_is_model_bundled (page));
  g_assert_nonnull (strstr (status_text (page), "Finished"));
  g_assert_cmpuint (bl_lr_compare_get_n_runs (compare), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      guint epoch = 0;
      double best = bl_lr_compare_get_best (compare, i, &epoch);
      g_test_message ("η = %g: best %.2f%% at epoch %u", rates[i], 100 * best, epoch);
      g_assert_cmpuint (epoch, >=, 1);
      g_assert_cmpuint (epoch, <=, 2);
      g_assert_cmpfloat (best, >, 0.05);
    }
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "mnist-compare.png", NULL);
    GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (compare), GTK_TYPE_STACK);
    /* Ctrl+Page Down's action goes round: This Run → Try It → Compare Rates → This Run. */
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "run");
    gtk_widget_activate_action (GTK_WIDGET (page), "mnist.cycle-view", "i", 1);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "try");
    gtk_widget_activate_action (GTK_WIDGET (page), "mnist.cycle-view", "i", -1);
    gtk_widget_activate_action (GTK_WIDGET (page), "mnist.cycle-view", "i", -1);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "compare");
    g_assert_true (bl_test_wait_for_draw (window));
    g_assert_true (bl_test_save_window_png (window, shot));
  }
  /* A bad list is refused with a message and starts nothing. */
  bl_lr_compare_set_rates_text (compare, "0.1, fast");
  g_assert_null (bl_lr_compare_get_rates (compare, &error));
  g_assert_nonnull (strstr (error->message, "fast"));
  g_assert_false (bl_mnist_page_is_busy (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
paused_reached (gpointer p)
{
  BlTrainingRun *run = bl_mnist_page_get_run (p);
  return run && bl_training_run_get_state (run) == BL_RUN_STATE_PAUSED;
}

static void
test_run_watch_pause_stop (void)
{
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1400, 900, &window);
  BlRecipeForm *form = bl_mnist_page_get_recipe_form (page);
  BlTryIt *try_it = bl_mnist_page_get_try_it (page);
  g_autoptr(GError) error = NULL;
  NnRecipe r;
  guint seen;

  /* Without data, training is refused with the window's own message. */
  g_assert_false (bl_mnist_page_start (page, &error));
  g_assert_error (error, BL_APP_ERROR, BL_APP_ERROR_NO_DATA);
  g_clear_error (&error);
  g_assert_false (can_click (page, "mnist.start"));
  load_mnist (page);
  g_assert_true (can_click (page, "mnist.start"));
  g_assert_false (can_click (page, "mnist.pause"));
  /* The folder by its name (its path is the tooltip's), the counts grouped by thousands. */
  g_assert_cmpstr (bl_data_panel_get_text (bl_mnist_page_get_data_panel (page)), ==,
                   "mnist-fixture: 5,000 training and 1,000 test images");

  nn_recipe_init_default (&r);
  r.epochs = 1;
  r.batch = 64;
  /* 78 batches: with the runtime kernels 20 batches could all be trained before the page's
   * first frames showed three of them, and there was nothing left to pause. */
  r.train_subset = 78 * 64;
  r.threads = 2;
  r.dropout = 0.05;   /* a saved model keeps it (below) */
  bl_recipe_form_set_recipe (form, &r);
  g_assert_true (bl_mnist_page_start (page, &error));
  g_assert_no_error (error);
  g_assert_true (bl_mnist_page_is_busy (page));
  /* A second start is refused while the first trains. */
  g_assert_false (bl_mnist_page_start (page, &error));
  g_assert_error (error, BL_APP_ERROR, BL_APP_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (bl_test_iterate_until (three_batches, page, 60));

  /* Paused through the action the button uses: no batch goes by (one already under way may
   * still report). */
  g_assert_true (can_click (page, "mnist.pause"));
  gtk_widget_activate_action (GTK_WIDGET (page), "mnist.pause", NULL);
  g_assert_true (paused_reached (page));
  bl_test_iterate_until (never, page, 0.3);
  seen = batches_seen (page);
  bl_test_iterate_until (never, page, 0.5);
  g_assert_cmpuint (batches_seen (page), <=, seen + 1);
  gtk_widget_activate_action (GTK_WIDGET (page), "mnist.pause", NULL);
  g_assert_false (paused_reached (page));

  g_assert_true (bl_test_iterate_until (shown, page, 120));
  g_assert_cmpuint (batches_seen (page), ==, 78);
  g_assert_cmpuint (epochs_done (page), ==, 1);
  g_assert_nonnull (strstr (status_text (page), "Finished"));
  g_assert_true (can_click (page, "mnist.start"));
  g_assert_false (can_click (page, "mnist.stop"));
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "mnist-page.png", NULL);
    g_assert_true (bl_test_wait_for_draw (window));   /* the last reports drawn */
    g_assert_true (bl_test_save_window_png (window, shot));
    g_assert_cmpuint (bl_test_ink_pixels (shot), >, 20000);
  }

  /* A cell of the matrix opens its test digits, most confident first. */
  {
    BlDigitGrid *grid;
    guint n;
    g_assert_cmpuint (bl_run_view_get_shown_epoch (bl_mnist_page_get_run_view (page)), ==, 1);
    grid = bl_mnist_page_open_cell (page, 7, 7, 1);
    g_assert_nonnull (grid);
    n = bl_digit_grid_get_n_items (grid);
    g_test_message ("digits in cell (7, 7): %u", n);
    g_assert_cmpuint (n, ==, MIN (expected_cell_count (page, 7, 7), BL_DIGIT_GRID_MAX));
    g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (grid)));
    {
      const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
      g_autofree char *shot = g_build_filename (dir, "mnist-cell-digits.png", NULL);
      g_assert_true (bl_test_save_window_png (gtk_widget_get_ancestor (GTK_WIDGET (grid),
                                                                       GTK_TYPE_WINDOW), shot));
    }
    /* A window of its own kind: a header bar, and Esc closes it. */
    {
      GtkWidget *cell_window = gtk_widget_get_ancestor (GTK_WIDGET (grid), GTK_TYPE_WINDOW);
      GListModel *controllers = gtk_widget_observe_controllers (cell_window);
      gboolean esc_closes = FALSE;

      g_assert_true (GTK_IS_HEADER_BAR (gtk_window_get_titlebar (GTK_WINDOW (cell_window))));
      for (guint i = 0; i < g_list_model_get_n_items (controllers) && !esc_closes; i++)
        {
          g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
          if (!GTK_IS_SHORTCUT_CONTROLLER (c))
            continue;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)); j++)
            {
              g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
              GtkShortcutTrigger *esc = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);
              GtkShortcutAction *action = gtk_shortcut_get_action (sc);
              if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (sc), esc) &&
                  GTK_IS_NAMED_ACTION (action) &&
                  g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)),
                               "window.close"))
                esc_closes = TRUE;
              g_object_unref (esc);
            }
        }
      g_object_unref (controllers);
      g_assert_true (esc_closes);
    }
    /* Only the digits that keep flipping: a subset (after one epoch, none has flipped). */
    bl_cell_digits_window_set_only_flipping (gtk_widget_get_ancestor (GTK_WIDGET (grid),
                                                                      GTK_TYPE_WINDOW), TRUE);
    g_assert_cmpuint (bl_digit_grid_get_n_items (grid), ==, 0);
    /* An epoch the run never had opens nothing. */
    g_assert_null (bl_mnist_page_open_cell (page, 7, 7, 5));
  }

  /* Try It: a drawn stroke gets an answer from the network the run left. */
  {
    const double stroke[] = { 140, 40, 140, 240 };   /* a "1" down the middle of the pad */
    GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (try_it), GTK_TYPE_STACK);
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "mnist-try-it.png", NULL);

    g_assert_cmpint (bl_try_it_get_prediction (try_it), ==, -1);
    bl_digit_pad_stroke (bl_try_it_get_pad (try_it), stroke, 2);
    g_assert_cmpint (bl_try_it_get_prediction (try_it), >=, 0);
    gtk_stack_set_visible_child_name (GTK_STACK (stack), "try");
    g_assert_true (bl_test_wait_for_draw (window));
    g_assert_true (bl_test_save_window_png (window, shot));
    gtk_stack_set_visible_child_name (GTK_STACK (stack), "run");
  }

  /* The run and its model, to disk and back. */
  {
    g_autofree char *tmp = g_dir_make_tmp ("bl-page-XXXXXX", NULL);
    g_autofree char *csv = g_build_filename (tmp, "run.csv", NULL);
    g_autofree char *jsonl = g_build_filename (tmp, "run.jsonl", NULL);
    g_autofree char *ckpt = g_build_filename (tmp, "model.blckpt", NULL);
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) runs = NULL;
    g_autoptr(GBytes) before = NULL;

    g_assert_true (bl_mnist_page_export_run (page, csv, TRUE, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "epoch,train_loss,train_acc,test_loss,test_acc"));
    g_assert_true (bl_mnist_page_export_run (page, jsonl, FALSE, &error));
    runs = nn_runlog_load (jsonl, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (runs->len, ==, 1);
    g_assert_cmpuint (((NnRunLog *) runs->pdata[0])->records->len, ==, 1);

    before = g_bytes_ref (bl_mnist_page_get_model_state (page));
    g_assert_true (bl_mnist_page_save_model (page, ckpt, &error));
    g_assert_no_error (error);
    g_assert_true (bl_mnist_page_load_model (page, ckpt, &error));
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (before, bl_mnist_page_get_model_state (page)));
    {
      /* The weights and the rate they trained with: Try It's dropout passes drop at 0.05. */
      NnModel *m = nn_model_new (1, 1, 1, NULL);
      g_assert_true (nn_model_set_state (m, bl_mnist_page_get_model_state (page), NULL));
      g_assert_cmpfloat (nn_model_get_dropout (m), ==, 0.05f);
      nn_model_free (m);
    }
    /* A damaged file is refused and the model stays as it was. */
    g_assert_true (g_file_set_contents (ckpt, "BLCKPT\r\n broken", -1, NULL));
    g_assert_false (bl_mnist_page_load_model (page, ckpt, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_assert_true (g_bytes_equal (before, bl_mnist_page_get_model_state (page)));

    /* The run is on the Compare page, and an imported log overlays beside it. */
    {
      BlLrCompare *compare = bl_mnist_page_get_lr_compare (page);
      g_assert_cmpuint (bl_lr_compare_get_n_runs (compare), ==, 1);
      bl_lr_compare_import (compare, jsonl);
      g_assert_true (bl_lr_compare_get_importing (compare));
      g_assert_true (bl_test_iterate_until (import_done, compare, 30));
      g_assert_cmpuint (bl_lr_compare_get_n_runs (compare), ==, 2);
      g_assert_cmpfloat (bl_lr_compare_get_best (compare, 0, NULL), ==,
                         bl_lr_compare_get_best (compare, 1, NULL));
    }
    g_remove (csv);
    g_remove (jsonl);
    g_remove (ckpt);
    g_rmdir (tmp);
  }

  /* A second run, stopped at once through the Stop action: it ends cleanly and says so. */
  r.epochs = 3;
  bl_recipe_form_set_recipe (form, &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  gtk_widget_activate_action (GTK_WIDGET (page), "mnist.stop", NULL);
  g_assert_true (bl_test_iterate_until (shown, page, 30));
  g_assert_nonnull (strstr (status_text (page), "Stopped"));
  g_assert_cmpint (bl_training_run_get_state (bl_mnist_page_get_run (page)), ==,
                   BL_RUN_STATE_STOPPED);

  /* A run stopped before its first epoch ended still answers on Try It, with what it had
   * learnt ("No network yet" before). */
  r.epochs = 1;
  r.train_subset = 0;
  bl_recipe_form_set_recipe (form, &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  g_assert_true (bl_test_iterate_until (three_batches, page, 60));
  gtk_widget_activate_action (GTK_WIDGET (page), "mnist.stop", NULL);
  g_assert_true (bl_test_iterate_until (shown, page, 30));
  g_assert_cmpuint (epochs_done (page), ==, 0);
  g_assert_nonnull (bl_training_run_get_final_state (bl_mnist_page_get_run (page)));
  g_assert_true (g_bytes_equal (bl_mnist_page_get_model_state (page),
                                bl_training_run_get_final_state (bl_mnist_page_get_run (page))));
  g_assert_cmpint (bl_try_it_get_prediction (try_it), >=, 0);   /* the "1" drawn before */

  /* Bad recipe: refused, nothing starts. */
  r.lr = -1;
  bl_recipe_form_set_recipe (form, &r);
  g_assert_false (bl_mnist_page_start (page, &error));
  g_assert_error (error, NN_ERROR, NN_ERROR_INVALID);
  g_assert_false (bl_mnist_page_is_busy (page));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
run_done (gpointer p)
{
  BlTrainingRun *run = bl_mnist_page_get_run (p);
  return run && !bl_training_run_is_active (run);
}

/* The crash a student could cause: start a run, then ask for other data mid-run (Download or
 * Use a Folder). Both are off while a run holds the data; a load asked for anyway (from code)
 * is refused, and the run trains to its end on the data it holds. */
static gboolean
data_locked (gpointer panel)
{
  return bl_data_panel_get_locked (panel);
}

static void
test_data_stays_with_the_run (void)
{
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1400, 900, &window);
  BlDataPanel *panel = bl_mnist_page_get_data_panel (page);
  NnDataset *data;
  NnRecipe r;

  load_mnist (page);
  data = bl_data_panel_get_dataset (panel);
  g_assert_true (can_click (page, "data.download"));
  g_assert_true (can_click (page, "data.choose-folder"));
  nn_recipe_init_plain (&r);
  r.epochs = 2;
  r.batch = 64;
  /* The whole fixture (157 batches): the run still holds the data when the test looks (20
   * batches could all be over before the page's first frames; a fresh clone's CI saw it). */
  r.train_subset = 0;
  r.threads = 2;
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  /* Held while the page is looked at: with the faster kernels two epochs of the fixture
   * were over in about a second, before the page's first frames on a loaded machine. */
  bl_training_run_set_paused (bl_mnist_page_get_run (page), TRUE);
  g_assert_true (bl_test_iterate_until (view_current, page, 10));
  g_assert_true (bl_test_iterate_until (data_locked, panel, 10));
  g_assert_false (can_click (page, "data.download"));
  g_assert_false (can_click (page, "data.choose-folder"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (bl_mnist_page_get_recipe_form (page))));
  bl_data_panel_load (panel, g_getenv ("BL_TEST_MNIST_FIXTURE"));
  bl_data_panel_download (panel);
  g_assert_false (bl_data_panel_get_busy (panel));
  g_assert_true (bl_data_panel_get_dataset (panel) == data);
  bl_training_run_set_paused (bl_mnist_page_get_run (page), FALSE);
  g_assert_true (bl_test_iterate_until (run_done, page, 120));
  g_assert_cmpint (bl_training_run_get_state (bl_mnist_page_get_run (page)), ==,
                   BL_RUN_STATE_FINISHED);
  g_assert_true (bl_test_iterate_until (shown, page, 10));
  g_assert_false (bl_data_panel_get_locked (panel));
  g_assert_true (can_click (page, "data.download"));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (bl_mnist_page_get_recipe_form (page))));
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkDropDown *
preset_dropdown (BlMnistPage *page)
{
  GtkWidget *form = GTK_WIDGET (bl_mnist_page_get_recipe_form (page));
  GtkWidget *found = NULL;

  /* The form's first drop-down is its preset list. */
  for (GtkWidget *w = gtk_widget_get_first_child (form); w && !found; w = gtk_widget_get_next_sibling (w))
    for (GtkWidget *c = gtk_widget_get_first_child (w); c && !found; c = gtk_widget_get_next_sibling (c))
      if (GTK_IS_DROP_DOWN (c))
        found = c;
  g_assert_nonnull (found);
  return GTK_DROP_DOWN (found);
}

/* At first start, before any run, Try It answers with the model the application carries: the
 * very checkpoint in data/model (its bytes through the resource), and it reads a "1". A run's
 * model replaces it (test_run_watch_pause_stop); Compare Rates' runs do not. */
static void
test_bundled_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "model",
                                                  "mnist-default.blckpt", NULL);
  g_autoptr(GBytes) from_file = NULL;
  const double stroke[] = { 140, 40, 140, 240 };   /* a "1" down the middle of the pad */
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1280, 720, &window);
  BlTryIt *try_it = bl_mnist_page_get_try_it (page);
  NnModel *m = nn_model_new (1, 1, 1, &error);

  g_assert_no_error (error);
  g_assert_true (nn_checkpoint_load (m, path, NULL, &error));
  g_assert_no_error (error);
  from_file = nn_model_get_state (m);
  nn_model_free (m);

  g_assert_true (bl_mnist_page_is_model_bundled (page));
  g_assert_nonnull (bl_mnist_page_get_model_state (page));
  g_assert_true (g_bytes_equal (bl_mnist_page_get_model_state (page), from_file));
  /* Save Model keeps a copy of it. */
  {
    g_autofree char *tmp = g_dir_make_tmp ("bl-bundled-XXXXXX", NULL);
    g_autofree char *copy = g_build_filename (tmp, "copy.blckpt", NULL);
    g_assert_true (bl_mnist_page_save_model (page, copy, &error));
    g_assert_no_error (error);
    g_assert_true (bl_mnist_page_load_model (page, copy, &error));
    g_assert_no_error (error);
    g_assert_false (bl_mnist_page_is_model_bundled (page));   /* a loaded model now answers */
    g_assert_true (g_bytes_equal (bl_mnist_page_get_model_state (page), from_file));
    g_remove (copy);
    g_rmdir (tmp);
  }
  g_assert_cmpint (bl_try_it_get_prediction (try_it), ==, -1);
  bl_digit_pad_stroke (bl_try_it_get_pad (try_it), stroke, 2);
  g_assert_cmpint (bl_try_it_get_prediction (try_it), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The sidebar opens wide enough for what it holds (the layer table's "Parameters" and total
 * were cut by a fixed 360 px in projector mode, even on a full-HD screen), follows projector
 * mode's larger type, and gives way to the views on a narrow window. */
static int
sidebar_natural (BlMnistPage *page)
{
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (
                         gtk_paned_get_start_child (
                           GTK_PANED (gtk_widget_get_first_child (GTK_WIDGET (page))))));
  int nat;
  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
  return nat;
}

static int
sidebar_width (BlMnistPage *page)
{
  return gtk_widget_get_width (gtk_paned_get_start_child (
           GTK_PANED (gtk_widget_get_first_child (GTK_WIDGET (page)))));
}

static void
test_sidebar_fits_its_content (void)
{
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1920, 1080, &window);
  int normal;

  g_assert_true (bl_test_wait_for_draw (window));
  normal = sidebar_natural (page);
  g_assert_cmpint (sidebar_width (page), >=, normal);
  gtk_widget_add_css_class (window, "projector");
  g_assert_true (bl_test_wait_for_draw (window));
  bl_test_iterate_until (never, page, 0.2);
  g_assert_cmpint (sidebar_natural (page), >, normal);
  g_assert_cmpint (sidebar_width (page), >=, sidebar_natural (page));
  /* At 1024 pixels the views keep their minimum; the sidebar scrolls instead. */
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  bl_test_iterate_until (never, page, 0.3);
  g_assert_cmpint (sidebar_width (page), <, sidebar_natural (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The form's field whose template id is @id. */
static GtkWidget *
form_field (GtkWidget *w, const char *id)
{
  const char *own = gtk_buildable_get_buildable_id (GTK_BUILDABLE (w));

  if (own && g_str_equal (own, id))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = form_field (c, id);
      if (found)
        return found;
    }
  return NULL;
}

/* The recipe a class trained with comes back at the next lesson; a preset fills the fields, and
 * changing one makes the recipe "Custom". */
static void
test_recipe_remembered_and_presets (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1400, 900, &window);
  BlRecipeForm *form = bl_mnist_page_get_recipe_form (page);
  GtkDropDown *presets = preset_dropdown (page);
  guint n_presets = g_list_model_get_n_items (gtk_drop_down_get_model (presets));
  NnRecipe r, plain, got;

  g_settings_reset (settings, "mnist-recipe");
  g_settings_set_string (settings, "data-folder", g_getenv ("BL_TEST_MNIST_FIXTURE"));
  bl_mnist_page_set_settings (page, settings);
  g_assert_true (bl_test_iterate_until (has_data, page, 60));

  /* The default recipe is the second preset; "Custom" is the last entry. */
  g_assert_cmpuint (gtk_drop_down_get_selected (presets), ==, 1);
  /* The first is the core's quick recipe, with what the fields do not show (label
   * smoothing, dropout, weight decay, …), which stays when a field the form shows changes. */
  {
    NnRecipe quick;
    nn_recipe_init_quick (&quick);
    gtk_drop_down_set_selected (presets, 0);
    g_assert_true (bl_recipe_form_get_recipe (form, &got, NULL));
    g_assert_cmpuint (got.epochs, ==, quick.epochs);
    g_assert_cmpuint (got.batch, ==, quick.batch);
    g_assert_cmpfloat (got.lr, ==, quick.lr);
    g_assert_cmpfloat (got.label_smoothing, ==, quick.label_smoothing);
    g_assert_cmpfloat (got.label_smoothing, >, 0);
    g_assert_cmpint (got.nesterov, ==, quick.nesterov);
    g_assert_cmpuint (got.recalibrate_bn, ==, quick.recalibrate_bn);
    g_assert_cmpfloat (got.dropout, ==, quick.dropout);
    g_assert_cmpfloat (got.weight_decay, ==, quick.weight_decay);
    g_assert_cmpuint (got.upright_last, ==, quick.upright_last);
    GtkWidget *seed = form_field (GTK_WIDGET (form), "seed_spin");
    g_assert_nonnull (seed);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (seed), 3);
    g_assert_cmpuint (gtk_drop_down_get_selected (presets), ==, n_presets - 1);
    g_assert_true (bl_recipe_form_get_recipe (form, &got, NULL));
    g_assert_cmpuint (got.seed, ==, 3);
    g_assert_cmpfloat (got.label_smoothing, ==, quick.label_smoothing);
    g_assert_cmpfloat (got.dropout, ==, quick.dropout);
  }
  gtk_drop_down_set_selected (presets, 2);
  g_assert_true (bl_recipe_form_get_recipe (form, &got, NULL));
  nn_recipe_init_plain (&plain);
  g_assert_cmpfloat (got.lr, ==, plain.lr);
  g_assert_cmpint (got.schedule, ==, plain.schedule);

  nn_recipe_init_plain (&r);
  r.lr = 0.03;
  r.epochs = 1;
  r.batch = 64;
  r.train_subset = 256;
  r.seed = 7;
  r.threads = 2;
  bl_recipe_form_set_recipe (form, &r);
  g_assert_cmpuint (gtk_drop_down_get_selected (presets), ==, n_presets - 1);
  g_assert_true (bl_mnist_page_start (page, NULL));
  g_assert_true (bl_test_iterate_until (shown, page, 60));
  gtk_window_destroy (GTK_WINDOW (window));

  /* The next lesson: a new page on the same settings shows that recipe. */
  page = page_in_window (1400, 900, &window);
  bl_mnist_page_set_settings (page, settings);
  g_assert_true (bl_recipe_form_get_recipe (bl_mnist_page_get_recipe_form (page), &got, NULL));
  g_assert_cmpfloat (got.lr, ==, 0.03);
  g_assert_cmpuint (got.epochs, ==, 1);
  g_assert_cmpuint (got.batch, ==, 64);
  g_assert_cmpuint (got.train_subset, ==, 256);
  g_assert_cmpuint (got.seed, ==, 7);
  g_assert_cmpint (got.schedule, ==, NN_SCHEDULE_CONSTANT);
  /* With what the form does not show: the plain recipe pulls none of the default's levers. */
  g_assert_cmpfloat (got.weight_decay, ==, 0);
  g_assert_cmpfloat (got.label_smoothing, ==, 0);
  g_assert_false (got.nesterov);
  g_assert_cmpuint (got.upright_last, ==, 0);
  g_assert_cmpuint (got.recalibrate_bn, ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));

  /* A stored recipe out of range is not used (the default is). */
  {
    g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "epochs", g_variant_new_uint32 (0));
    g_settings_set_value (settings, "mnist-recipe", g_variant_builder_end (&b));
    page = page_in_window (1400, 900, &window);
    bl_mnist_page_set_settings (page, settings);
    g_assert_nonnull (bl_recipe_form_get_error (bl_mnist_page_get_recipe_form (page)));
    g_assert_true (bl_recipe_form_get_recipe (bl_mnist_page_get_recipe_form (page), &got, NULL));
    nn_recipe_init_default (&r);
    g_assert_cmpuint (got.epochs, ==, r.epochs);
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_settings_reset (settings, "mnist-recipe");
  g_settings_reset (settings, "data-folder");
}

/* Closing the window mid-run returns at once: the run is cancelled and its thread ends on its
 * own (it used to be joined on the main thread, 4–5 s after "Stop and Close"). */
static void
test_close_mid_run (void)
{
  GtkWidget *window;
  BlMnistPage *page = page_in_window (1400, 900, &window);
  BlTrainingRun *run;
  gint64 t0;
  NnRecipe r;

  load_mnist (page);
  nn_recipe_init_default (&r);
  r.epochs = 20;
  r.threads = 2;
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  g_assert_true (bl_test_iterate_until (three_batches, page, 60));
  run = bl_mnist_page_get_run (page);
  g_object_add_weak_pointer (G_OBJECT (run), (gpointer *) &run);
  t0 = g_get_monotonic_time ();
  gtk_window_destroy (GTK_WINDOW (window));
  g_test_message ("window destroyed mid-run in %.1f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);
  /* The run went with the page (cancelled, detached): nothing of it can reach a widget that is
   * gone, and its thread ends on its own while the loop goes on. */
  g_assert_null (run);
  bl_test_iterate_until (never, NULL, 1.0);
}

/* The turns of the main loop during a run. "busy" is the main thread's own CPU time between
 * two turns: our work (drawing included), not the time the core was lent to other threads. */
/* Under AddressSanitizer every line of ours runs several times slower: the budgets scale. */
#ifdef __SANITIZE_ADDRESS__
#define SLOWDOWN 8
#else
#define SLOWDOWN 1
#endif

/* The slowest turns, kept so that a failure says when it happened, not only how long. */
#define N_WORST 4
typedef struct {
  gint64 busy, at;                   /* µs of CPU; µs since the run started */
  guint  epochs, batches;
} Turn;

typedef struct {
  BlMnistPage *page;
  gint64 start, last, last_cpu;
  gint64 max_gap, max_busy;
  guint  ticks;
  Turn   worst[N_WORST];             /* slowest first */
} Gaps;

static void
keep_if_worst (Gaps *g, gint64 busy, gint64 now)
{
  Turn t = { busy, now - g->start, epochs_done (g->page), batches_seen (g->page) };
  int i = N_WORST - 1;

  if (busy <= g->worst[i].busy)
    return;
  for (; i > 0 && g->worst[i - 1].busy < busy; i--)
    g->worst[i] = g->worst[i - 1];
  g->worst[i] = t;
}

static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
gap_tick (gpointer data)
{
  Gaps *g = data;
  gint64 now = g_get_monotonic_time (), cpu = thread_cpu_us ();

  if (g->last)
    {
      g->max_gap = MAX (g->max_gap, now - g->last);
      g->max_busy = MAX (g->max_busy, cpu - g->last_cpu);
      keep_if_worst (g, cpu - g->last_cpu, now);
    }
  g->last = now;
  g->last_cpu = cpu;
  g->ticks++;
  return G_SOURCE_CONTINUE;
}

static gpointer
touch_from_thread (gpointer label)
{
  gtk_label_set_text (label, "from a worker");
  return NULL;
}

/* The watch itself catches a widget changed off the main thread (else it proves nothing). */
static void
test_watch_catches_foreign_touch (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new ("x"));

  main_thread = g_thread_self ();
  foreign_touches = 0;
  watch_widgets (label);
  gtk_label_set_text (GTK_LABEL (label), "from the main thread");
  g_assert_cmpint (g_atomic_int_get (&foreign_touches), ==, 0);
  g_thread_join (g_thread_new ("toucher", touch_from_thread, label));
  g_assert_cmpint (g_atomic_int_get (&foreign_touches), ==, 1);
  g_object_unref (label);
}

/* While a run goes, the main loop keeps turning and only the main thread touches widgets.
 * A 4 ms timeout at the priority of input events (GDK dispatches them at the default
 * priority) runs as soon as the loop could have handled a click or a key: the time between
 * its calls is the longest the loop was kept from input, and the main thread's CPU time
 * between them is our work in that stretch, drawing included. Watched from before Start
 * until the last epoch is on screen, in a window of @width × @height, optionally in
 * projector mode (larger type, thicker lines: the biggest frames the page paints). */
static void
watch_a_run (int width, int height, gboolean projector, const char *view)
{
  GtkWidget *window;
  BlMnistPage *page = page_in_window (width, height, &window);
  Gaps gaps = { .page = page };
  NnRecipe r;
  guint id, watched;

  main_thread = g_thread_self ();
  foreign_touches = 0;
  watched = watch_widgets (window);
  g_assert_cmpuint (watched, >, 50);
  if (projector)
    {
      g_autoptr(GSettings) settings = g_settings_new (APP_ID);
      g_settings_set_boolean (settings, "projector-mode", TRUE);
      g_settings_set_string (settings, "data-folder", g_getenv ("BL_TEST_MNIST_FIXTURE"));
      bl_mnist_page_set_settings (page, settings);   /* finds the data folder and loads it */
      g_assert_true (bl_test_iterate_until (has_data, page, 60));
    }
  else
    load_mnist (page);
  nn_recipe_init_default (&r);
  r.epochs = 4;
  /* The whole fixture: with the runtime kernels 1,500 images a epoch were done in fewer than
   * 100 turns of the probe. */
  r.train_subset = 5000;
  r.threads = 2;
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &r);
  if (view)
    gtk_stack_set_visible_child_name (GTK_STACK (gtk_widget_get_ancestor (
      GTK_WIDGET (bl_mnist_page_get_inside_view (page)), GTK_TYPE_STACK)), view);
  if (g_strcmp0 (view, "inside") == 0)
    bl_inside_view_select_map (bl_mnist_page_get_inside_view (page), 4);   /* conv2: 32 maps */
  bl_test_iterate_until (never, page, 0.5);          /* the page's first frames, before the run */
  gaps.start = g_get_monotonic_time ();
  id = g_timeout_add_full (G_PRIORITY_DEFAULT, 4, gap_tick, &gaps, NULL);
  bl_test_iterate_until (never, page, 0.1);          /* the probe is turning when Start comes */
  g_assert_true (bl_mnist_page_start (page, NULL));
  g_assert_true (bl_test_iterate_until (shown, page, 300));
  g_source_remove (id);
  for (guint i = 0; i < N_WORST; i++)
    g_test_message ("slow turn %u: %.1f ms of CPU, %.0f ms into the run, %u epochs and "
                    "%u batches done", i + 1, gaps.worst[i].busy / 1000.0,
                    gaps.worst[i].at / 1000.0, gaps.worst[i].epochs, gaps.worst[i].batches);
  g_test_message ("%dx%d%s%s%s: %u turns of the main loop; longest gap %.1f ms; longest busy "
                  "%.1f ms; %u widgets watched", width, height,
                  projector ? ", projector mode" : "", view ? ", view " : "", view ? view : "",
                  gaps.ticks, gaps.max_gap / 1000.0,
                  gaps.max_busy / 1000.0, watched);
  g_assert_cmpuint (epochs_done (page), ==, 4);
  g_assert_cmpuint (gaps.ticks, >, 100);
  g_assert_cmpint (g_atomic_int_get (&foreign_touches), ==, 0);
  /* From Start until the last epoch is on screen, no turn of the loop does the run's work:
   * a training step, a capture of the Inside view or a gradient check on the main thread
   * takes tens to hundreds of ms. The frame budget itself (16.7 ms, typically 5–15 ms here)
   * is a speed target: bench/bench-responsiveness.sh measures it as medians of repeated
   * runs, since one run's worst turn on a shared machine is noise, not a regression. */
  g_assert_cmpint (gaps.max_busy, <, 50 * 1000 * SLOWDOWN);
  /* Wall time also counts the scheduler lending the core to the training threads or to other
   * jobs on a shared machine (a loaded CI machine saw 300–630 ms): a line that only waiting
   * on the trainer (a lock held for an epoch, a join: seconds) would cross. */
  g_assert_cmpint (gaps.max_gap, <, 1500 * 1000 * SLOWDOWN);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_main_loop_stays_responsive (void)
{
  watch_a_run (1200, 800, FALSE, NULL);      /* a laptop */
}

/* The Inside tab open through the run: the strip eight times an epoch, every epoch's maps
 * (conv2's 32 of them), its gradient and occlusion maps computed aside and drawn. */
static void
test_main_loop_stays_responsive_inside (void)
{
  watch_a_run (1200, 800, FALSE, "inside");
}

static void
test_main_loop_stays_responsive_projector (void)
{
  watch_a_run (1920, 1080, TRUE, NULL);      /* a projector, full HD */
}

int
main (int argc, char **argv)
{
  bl_test_isolate_dirs ();
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/mnist-page/watch-catches-foreign-touch",
                   test_watch_catches_foreign_touch);
  g_test_add_func ("/app/mnist-page/run-watch-pause-stop", test_run_watch_pause_stop);
  g_test_add_func ("/app/mnist-page/learning-rate-queue", test_learning_rate_queue);
  g_test_add_func ("/app/mnist-page/bundled-model", test_bundled_model);
  g_test_add_func ("/app/mnist-page/sidebar-fits-its-content", test_sidebar_fits_its_content);
  g_test_add_func ("/app/mnist-page/data-stays-with-the-run", test_data_stays_with_the_run);
  g_test_add_func ("/app/mnist-page/close-mid-run", test_close_mid_run);
  g_test_add_func ("/app/mnist-page/recipe-remembered-and-presets",
                   test_recipe_remembered_and_presets);
  g_test_add_func ("/app/mnist-page/main-loop-stays-responsive", test_main_loop_stays_responsive);
  g_test_add_func ("/app/mnist-page/main-loop-stays-responsive-inside",
                   test_main_loop_stays_responsive_inside);
  g_test_add_func ("/app/mnist-page/main-loop-stays-responsive-projector",
                   test_main_loop_stays_responsive_projector);
  return g_test_run ();
}
