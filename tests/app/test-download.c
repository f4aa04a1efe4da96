/* test-download.c: the MNIST page's "Download MNIST" against mirrors on 127.0.0.1 (the fetch
 * tests' server): progress shown, the set installed in the user's data folder and loaded;
 * Cancel on a stalled mirror leaves nothing behind and says so. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>

#include "config.h"
#include "mnist/bl-download.h"
#include "mnist/bl-mnist-page.h"
#include "test-app-env.h"
#include "test-utils.h"
#include "../fetch/test-server.h"

static char *data_home;

static gboolean
has_data (gpointer p)
{
  return bl_data_panel_get_dataset (bl_mnist_page_get_data_panel (p)) != NULL;
}

static const char *
data_text (BlMnistPage *page)
{
  return bl_data_panel_get_text (bl_mnist_page_get_data_panel (page));
}

static GtkWidget *
find_by_type (GtkWidget *w, GType type, int skip)
{
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;
      if (G_TYPE_CHECK_INSTANCE_TYPE (c, type) && skip-- == 0)
        return c;
      if ((found = find_by_type (c, type, skip)) != NULL)
        return found;
    }
  return NULL;
}

/* A page in a window whose only download mirror is the server's /@kind/ (no data folder
 * remembered), as a first start on a fresh machine. */
static BlMnistPage *
page_with_mirror (TestServer *server, const char *kind, GtkWidget **window_out)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *mirror = g_strdup_printf ("%s/%s/", test_server_base (server), kind);
  const char *mirrors[] = { mirror, NULL };
  GtkWidget *window = gtk_window_new ();
  BlMnistPage *page = BL_MNIST_PAGE (bl_mnist_page_new ());

  g_settings_set_strv (settings, "download-mirrors", mirrors);
  g_settings_set_string (settings, "data-folder", "");
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  bl_mnist_page_set_settings (page, settings);   /* the page keeps its own reference */
  *window_out = window;
  return page;
}

/* The project's MNIST fixture served as mirrors serve MNIST, and the downloads checked
 * against the fixture's own sizes and digests instead of MNIST's. */
static TestServer *
fixture_server (void)
{
  TestServer *server;

  g_assert_nonnull (g_getenv ("BL_TEST_MNIST_FIXTURE"));
  server = test_server_new (g_getenv ("BL_TEST_MNIST_FIXTURE"));
  bl_download_set_manifest (test_server_manifest (server));
  return server;
}

static double max_fraction;
static gulong fraction_handler;

static void
fraction_cb (GObject *bar, GParamSpec *pspec, gpointer data)
{
  max_fraction = MAX (max_fraction, gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)));
}

static GtkProgressBar *
download_bar (BlMnistPage *page)
{
  /* The page's first progress bar is the download's (the data section comes first). */
  return GTK_PROGRESS_BAR (find_by_type (GTK_WIDGET (page), GTK_TYPE_PROGRESS_BAR, 0));
}

static void
test_download_installs_and_loads (void)
{
  TestServer *server = fixture_server ();
  g_autofree char *dir = g_build_filename (data_home, "backprop-lab", "mnist", NULL);
  GtkWidget *window;
  BlMnistPage *page = page_with_mirror (server, "good", &window);
  GtkProgressBar *bar;

  g_assert_false (has_data (page));

  bar = download_bar (page);
  max_fraction = 0;
  fraction_handler = g_signal_connect (bar, "notify::fraction", G_CALLBACK (fraction_cb), NULL);
  gtk_widget_activate_action (GTK_WIDGET (bl_mnist_page_get_data_panel (page)), "data.download",
                              NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (bar)));
  g_assert_true (bl_test_iterate_until (has_data, page, 120));
  g_test_message ("download bar reached %.0f%%; %u requests", 100 * max_fraction,
                  test_server_hits (server, NULL));
  g_assert_cmpfloat (max_fraction, >, 0.5);
  g_assert_cmpuint (test_server_hits (server, NULL), ==, 4);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (bar)));
  for (int f = 0; f < 4; f++)
    {
      const char *names[] = { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                              "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" };
      g_autofree char *path = g_build_filename (dir, names[f], NULL);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  g_signal_handler_disconnect (bar, fraction_handler);
  gtk_window_destroy (GTK_WINDOW (window));
  test_server_free (server);
}

static gboolean cancelled_said (gpointer p)
{
  return strstr (data_text (p), "cancelled") != NULL;
}

static gboolean bar_moving (gpointer p)
{
  const char *text = gtk_progress_bar_get_text (download_bar (p));
  return text && strstr (text, "Downloading") != NULL;
}

/* Runs first, while the user's data folder is empty. */
static void
test_cancel_leaves_nothing (void)
{
  TestServer *server = fixture_server ();
  g_autofree char *dir = g_build_filename (data_home, "backprop-lab", "mnist", NULL);
  GtkWidget *window;
  BlMnistPage *page = page_with_mirror (server, "stall", &window);
  GDir *listing;

  /* No data anywhere: the page says so and offers the download and a folder. */
  g_assert_nonnull (strstr (data_text (page), "No data set yet"));
  {
    const char *build_dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (build_dir, "mnist-no-data.png", NULL);
    gtk_window_set_default_size (GTK_WINDOW (window), 1400, 900);
    g_assert_true (bl_test_wait_for_draw (window));
    g_assert_true (bl_test_save_window_png (window, shot));
  }
  bl_data_panel_download (bl_mnist_page_get_data_panel (page));
  g_assert_true (bl_test_iterate_until (bar_moving, page, 30));
  gtk_widget_activate_action (GTK_WIDGET (bl_mnist_page_get_data_panel (page)),
                              "data.cancel-download", NULL);
  g_assert_true (bl_test_iterate_until (cancelled_said, page, 30));
  g_assert_false (has_data (page));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (download_bar (page))));
  /* Nothing half-written where the files would have gone. */
  listing = g_dir_open (dir, 0, NULL);
  if (listing)
    {
      const char *name = g_dir_read_name (listing);
      g_assert_null (name);
      g_dir_close (listing);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  test_server_free (server);
}

int
main (int argc, char **argv)
{
  /* Before anything asks GLib where the user's data lives. */
  data_home = g_dir_make_tmp ("bl-download-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/download/cancel-leaves-nothing", test_cancel_leaves_nothing);
  g_test_add_func ("/app/download/installs-and-loads", test_download_installs_and_loads);
  return g_test_run ();
}
