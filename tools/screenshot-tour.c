/* screenshot-tour.c: the README's screenshots, from a real lesson in the real window.
 *
 * Not a test: tools/screenshot.sh runs it under Xvfb. It starts the application as a teacher
 * would (BlApplication, its settings in memory), reads the data folder it is given, trains the
 * named recipe to the end, draws a digit on Try It, imports a sweep's folder of logs into
 * Compare Rates (or trains three short rates itself when none is given), opens the matrix cell
 * with the most mistakes, looks inside one of its digits (the strip, conv1's maps with a value
 * taken apart, the per-layer learning charts), and saves each view as a PNG of the window.
 * Every number on them is the run's own. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <stdlib.h>

#include "config.h"
#include "bl-application.h"
#include "bl-window.h"
#include "mnist/bl-mnist-page.h"
#include "test-utils.h"

typedef struct {
  char     *data, *out, *sweep, *recipe;
  int       width, height, epochs;
  gboolean  projector, dark;
} Options;

static gboolean
has_data (gpointer page)
{
  return bl_data_panel_get_dataset (bl_mnist_page_get_data_panel (page)) != NULL;
}

static gboolean
run_over (gpointer page)
{
  return !bl_mnist_page_is_busy (page) && bl_mnist_page_is_view_current (page);
}

static gboolean
compare_over (gpointer page)
{
  BlLrCompare *compare = bl_mnist_page_get_lr_compare (page);
  return run_over (page) && bl_lr_compare_get_queue_length (compare) == 0 &&
         !bl_lr_compare_get_importing (compare);
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static void
shoot (GtkWidget *window, const Options *o, const char *name)
{
  g_autofree char *file = g_strdup_printf ("screenshot-%s.png", name);
  g_autofree char *path = g_build_filename (o->out, file, NULL);

  bl_test_wait_for_draw (window);
  bl_test_iterate_until (never, NULL, 0.5);   /* the last notices fade in */
  if (!bl_test_save_window_png (window, path))
    g_error ("could not write %s", path);
  g_print ("wrote %s\n", path);
}

static gboolean
inside_shown (gpointer page)
{
  BlInsideView *inside = bl_mnist_page_get_inside_view (page);
  return bl_inside_view_is_idle (inside) && bl_inside_view_get_capture (inside) != NULL &&
         bl_mnist_page_is_view_current (page);
}

/* Scrolls the Inside view so that its @nth descendant of type @type is @above pixels below
 * the top. */
static void
scroll_inside_to (BlInsideView *inside, GType type, guint nth, double above)
{
  GtkWidget *scrolled = gtk_widget_get_first_child (GTK_WIDGET (inside));
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  GtkWidget *target = NULL;
  double x, y;

  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  target = bl_test_find_descendant (content, type, nth);
  bl_test_iterate_until (never, NULL, 0.3);   /* laid out: the adjustment knows its range */
  if (target && gtk_widget_translate_coordinates (target, content, 0, 0, &x, &y))
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                              y - above);
  bl_test_iterate_until (never, NULL, 0.3);
}

static void
show_view (BlWindow *window, BlMnistPage *page, const char *view)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (bl_mnist_page_get_run_view (page)),
                                              GTK_TYPE_STACK);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "mnist");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), view);
}

static gboolean
recipe_named (const char *name, NnRecipe *r)
{
  if (g_str_equal (name, "default"))
    nn_recipe_init_default (r);
  else if (g_str_equal (name, "plain"))
    nn_recipe_init_plain (r);
  else if (g_str_equal (name, "quick"))
    nn_recipe_init_quick (r);
  else
    return FALSE;
  return TRUE;
}

/* The off-diagonal cell of the last epoch with the most test digits. */
static void
worst_cell (BlMnistPage *page, int *truth, int *predicted)
{
  BlEpoch *last = bl_training_run_get_latest_epoch (bl_mnist_page_get_run (page));
  const NnEpochRecord *r = bl_epoch_get_record (last);
  guint most = 0;

  *truth = 4, *predicted = 9;
  for (int t = 0; t < 10; t++)
    for (int p = 0; p < 10; p++)
      if (t != p && r->confusion[t][p] > most)
        {
          most = r->confusion[t][p];
          *truth = t, *predicted = p;
        }
}

static void
tour (const Options *o)
{
  g_autoptr(BlApplication) app = bl_application_new ();
  g_autoptr(GError) error = NULL;
  const double stroke[] = { 150, 50, 130, 150, 120, 240 };   /* a "1" bent like a 7's stem */
  GSettings *settings;
  BlWindow *window;
  BlMnistPage *page;
  BlDigitGrid *grid;
  NnRecipe r;
  int truth, predicted;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  g_application_activate (G_APPLICATION (app));
  window = BL_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  settings = bl_application_get_settings (app);
  g_settings_set_boolean (settings, "projector-mode", o->projector);
  g_settings_set_string (settings, "theme", o->dark ? "dark" : "light");
  gtk_window_set_default_size (GTK_WINDOW (window), o->width, o->height);
  bl_test_iterate_until (never, NULL, 0.5);
  shoot (GTK_WIDGET (window), o, "backprop");

  page = BL_MNIST_PAGE (bl_window_get_mnist_page (window));
  bl_data_panel_load (bl_mnist_page_get_data_panel (page), o->data);
  if (!bl_test_iterate_until (has_data, page, 120))
    g_error ("no data in %s", o->data);
  if (!recipe_named (o->recipe, &r))
    g_error ("no recipe named %s (quick, default, plain)", o->recipe);
  if (o->epochs > 0)
    r.epochs = o->epochs;

  /* Compare Rates first (a sweep's logs, or three short runs of its own), so that the page's
   * own run is the last one on This Run and Try It. */
  show_view (window, page, "compare");
  if (o->sweep)
    bl_lr_compare_import (bl_mnist_page_get_lr_compare (page), o->sweep);
  else
    {
      const double rates[] = { 0.005, 0.05, 0.5 };
      NnRecipe quick = r;

      quick.epochs = 3;
      quick.train_subset = 10000;
      bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &quick);
      /* The field says the rates the curves are of, as when a class presses Run Each. */
      g_autoptr(GString) text = g_string_new (NULL);
      for (guint i = 0; i < G_N_ELEMENTS (rates); i++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (text, "%s%s", i ? ", " : "",
                                  g_ascii_formatd (buf, sizeof buf, "%g", rates[i]));
        }
      bl_lr_compare_set_rates_text (bl_mnist_page_get_lr_compare (page), text->str);
      if (!bl_mnist_page_run_rates (page, rates, G_N_ELEMENTS (rates), &error))
        g_error ("%s", error->message);
    }
  if (!bl_test_iterate_until (compare_over, page, 3600))
    g_error ("the comparison did not end");

  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &r);
  show_view (window, page, "run");
  if (!bl_mnist_page_start (page, &error))
    g_error ("%s", error->message);
  if (!bl_test_iterate_until (run_over, page, 3600))
    g_error ("the run did not end");
  g_object_set (page, "sidebar-visible", o->width >= bl_mnist_page_get_narrow_width (page), NULL);
  shoot (GTK_WIDGET (window), o, "mnist-page");

  show_view (window, page, "try");
  bl_digit_pad_stroke (bl_try_it_get_pad (bl_mnist_page_get_try_it (page)), stroke, 3);
  shoot (GTK_WIDGET (window), o, "mnist-try-it");

  show_view (window, page, "compare");
  shoot (GTK_WIDGET (window), o, "mnist-compare");

  worst_cell (page, &truth, &predicted);
  show_view (window, page, "run");
  grid = bl_mnist_page_open_cell (page, truth, predicted,
                                  bl_training_run_get_epochs_done (bl_mnist_page_get_run (page)));
  shoot (gtk_widget_get_ancestor (GTK_WIDGET (grid), GTK_TYPE_WINDOW), o, "mnist-cell-digits");

  /* Inside: the cell's most confident mistake looked into (its Look Inside), conv1's maps with
   * one value taken apart, then the per-layer learning charts. */
  {
    BlInsideView *inside = bl_mnist_page_get_inside_view (page);

    if (bl_digit_grid_get_n_items (grid) > 0)
      {
        bl_digit_grid_set_selected (grid, 0);
        bl_digit_grid_activate (grid, 0);
      }
    gtk_window_destroy (GTK_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (grid),
                                                             GTK_TYPE_WINDOW)));
    show_view (window, page, "inside");
    if (!bl_test_iterate_until (inside_shown, page, 120))
      g_error ("the Inside view did not look inside");
    bl_inside_view_select_map (inside, 1);   /* conv1 */
    bl_inside_view_select_pixel (inside, 3, 12, 14);
    bl_test_iterate_until (inside_shown, page, 60);
    shoot (GTK_WIDGET (window), o, "mnist-inside");
    /* The maps' last row above the value taken apart. */
    scroll_inside_to (inside, GTK_TYPE_SCROLLED_WINDOW, 0, o->height / 3.0);
    shoot (GTK_WIDGET (window), o, "mnist-inside-explain");
    scroll_inside_to (inside, g_type_from_name ("BlChart"), 0, 8);
    shoot (GTK_WIDGET (window), o, "mnist-inside-learning");
    show_view (window, page, "run");
  }

  gtk_widget_activate_action (GTK_WIDGET (window), "app.preferences", NULL);
  bl_test_iterate_until (never, NULL, 0.5);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();   /* GTK's own (transfer none) */
    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);
        if (w != GTK_WIDGET (window) && gtk_widget_get_visible (w))
          shoot (w, o, "preferences");
      }
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  Options o = { .width = 1280, .height = 720, .recipe = g_strdup ("default") };
  GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &o.data, "The MNIST folder (required)", "DIR" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out, "Where the PNGs go (default docs)", "DIR" },
    { "sweep", 0, 0, G_OPTION_ARG_FILENAME, &o.sweep, "A folder of logs for Compare Rates",
      "DIR" },
    { "recipe", 0, 0, G_OPTION_ARG_STRING, &o.recipe, "quick, default or plain", "NAME" },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &o.epochs, "Epochs instead of the recipe's", "N" },
    { "width", 0, 0, G_OPTION_ARG_INT, &o.width, "Window width (default 1280)", "PX" },
    { "height", 0, 0, G_OPTION_ARG_INT, &o.height, "Window height (default 720)", "PX" },
    { "projector", 0, 0, G_OPTION_ARG_NONE, &o.projector, "Projector mode", NULL },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &o.dark, "The dark style", NULL },
    { NULL }
  };

  g_option_context_set_summary (ctx, "The README's screenshots from a real lesson "
                                     "(tools/screenshot.sh runs it under Xvfb).");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (o.data == NULL)
    {
      g_printerr ("--data DIR is required: the MNIST folder to train on\n");
      return 2;
    }
  if (o.out == NULL)
    o.out = g_strdup ("docs");
  g_mkdir_with_parents (o.out, 0755);
  gtk_init ();
  tour (&o);
  return 0;
}
