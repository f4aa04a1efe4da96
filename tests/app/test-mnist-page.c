/* test-mnist-page.c: the MNIST page under Xvfb: data, a short run watched live, pause,
 * resume, stop. The data are the real MNIST from BL_MNIST_DIR (a test fixture here: the app
 * itself never reads that folder). */
#include <gtk/gtk.h>
#include <string.h>

#include "bl-mnist-page.h"
#include "test-utils.h"

static gboolean
iterate_until (gboolean (*done) (BlMnistPage *), BlMnistPage *page, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (!done (page))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean has_data (BlMnistPage *p) { return bl_mnist_page_has_data (p); }
static gboolean three_batches (BlMnistPage *p) { return bl_mnist_page_get_batches_seen (p) >= 3; }
static gboolean stopped (BlMnistPage *p) { return !bl_mnist_page_is_training (p); }

static void
test_run_watch_pause_stop (void)
{
  GtkWidget *window = gtk_window_new ();
  BlMnistPage *page = BL_MNIST_PAGE (bl_mnist_page_new ());
  g_autoptr(GError) error = NULL;
  NnRecipe r;
  guint seen;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
  gtk_window_present (GTK_WINDOW (window));

  /* Without data, training is refused with a message. */
  g_assert_false (bl_mnist_page_start (page, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_nonnull (g_getenv ("BL_MNIST_DIR"));
  bl_mnist_page_load_data (page, g_getenv ("BL_MNIST_DIR"));
  g_assert_true (iterate_until (has_data, page, 60));

  nn_recipe_init_default (&r);
  r.epochs = 1;
  r.batch = 64;
  r.train_subset = 1280;
  r.threads = 2;
  bl_mnist_page_set_recipe (page, &r);
  g_assert_true (bl_mnist_page_start (page, &error));
  g_assert_no_error (error);
  g_assert_true (bl_mnist_page_is_training (page));
  g_assert_true (iterate_until (three_batches, page, 60));

  /* Paused: no batch goes by (one already under way may still report). */
  bl_mnist_page_set_paused (page, TRUE);
  iterate_until (stopped, page, 0.3);
  seen = bl_mnist_page_get_batches_seen (page);
  iterate_until (stopped, page, 0.5);
  g_assert_cmpuint (bl_mnist_page_get_batches_seen (page), <=, seen + 1);
  bl_mnist_page_set_paused (page, FALSE);

  g_assert_true (iterate_until (stopped, page, 120));
  g_assert_cmpuint (bl_mnist_page_get_batches_seen (page), ==, 1280 / 64);
  g_assert_cmpuint (bl_mnist_page_get_epochs_done (page), ==, 1);
  g_assert_nonnull (strstr (bl_mnist_page_get_status (page), "Finished"));
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "mnist-page.png", NULL);
    gint64 end = g_get_monotonic_time () + 300 * 1000;
    while (g_get_monotonic_time () < end)   /* let the last reports draw */
      g_main_context_iteration (NULL, FALSE);
    g_assert_true (bl_test_save_window_png (window, shot));
    g_assert_cmpuint (bl_test_ink_pixels (shot), >, 20000);
  }

  /* A second run, stopped at once: it ends cleanly and says so. */
  r.epochs = 3;
  bl_mnist_page_set_recipe (page, &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  bl_mnist_page_stop (page);
  g_assert_false (bl_mnist_page_is_training (page));
  g_assert_nonnull (strstr (bl_mnist_page_get_status (page), "Stopped"));

  /* Bad recipe: refused, nothing starts. */
  r.lr = -1;
  bl_mnist_page_set_recipe (page, &r);
  g_assert_false (bl_mnist_page_start (page, &error));
  g_assert_nonnull (error);
  g_assert_false (bl_mnist_page_is_training (page));

  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct {
  gint64 last;
  gint64 max_gap;
  guint  ticks;
} Gaps;

static gboolean
gap_tick (gpointer data)
{
  Gaps *g = data;
  gint64 now = g_get_monotonic_time ();

  if (g->last)
    g->max_gap = MAX (g->max_gap, now - g->last);
  g->last = now;
  g->ticks++;
  return G_SOURCE_CONTINUE;
}

/* While a run goes, the main loop keeps turning: a 1 ms timeout measures the longest gap
 * between its calls (drawing included). */
static void
test_main_loop_stays_responsive (void)
{
  GtkWidget *window = gtk_window_new ();
  BlMnistPage *page = BL_MNIST_PAGE (bl_mnist_page_new ());
  Gaps gaps = { 0 };
  NnRecipe r;
  guint id;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  bl_mnist_page_load_data (page, g_getenv ("BL_MNIST_DIR"));
  g_assert_true (iterate_until (has_data, page, 60));
  nn_recipe_init_default (&r);
  r.epochs = 1;
  r.train_subset = 1000;
  r.threads = 2;
  bl_mnist_page_set_recipe (page, &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  id = g_timeout_add (1, gap_tick, &gaps);
  g_assert_true (iterate_until (stopped, page, 300));
  g_source_remove (id);
  g_test_message ("main loop: %u ticks, longest gap %.1f ms", gaps.ticks, gaps.max_gap / 1000.0);
  g_assert_cmpuint (bl_mnist_page_get_epochs_done (page), ==, 1);
  /* Training on the main thread would stall it for seconds; a quarter of a second is the
   * regression line (the frame budget itself is for a quiet machine, not a shared CI one). */
  g_assert_cmpint (gaps.max_gap, <, 250 * 1000);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/app/mnist-page/run-watch-pause-stop", test_run_watch_pause_stop);
  g_test_add_func ("/app/mnist-page/main-loop-stays-responsive", test_main_loop_stays_responsive);
  return g_test_run ();
}
