/* test-backprop-tools.c: the Backprop page's separate windows, opened from the main menu's
 * actions and driven as a teacher would:
 *   - Check my spreadsheet: the app's own workbook (round trip) matches; the seed sheet's slip
 *     (∂E/∂w3 and ∂E/∂w4 computed with a_h1, written here as the teachers' .xlsx was) is found
 *     at its cell, named, and every one of its cells marked in the table; a sheet whose headers
 *     do not map is mapped in the dialog and then matches.
 *   - How small is ε: both precisions drawn on log-log axes, the bottoms of the U where
 *     truncation meets rounding.
 *   - Loss landscape: computed off the main thread, a path per rate, one of them overshooting.
 *   - Print worksheet: the PDF written in the background, a notice; an error in a dialog.
 *   - Every window at 1024×600 and 1920×1080, normal and projector, light and dark: it fits,
 *     and a PNG of each is kept (BL_SCREENS_DIR, or the build folder) for a person to look at;
 *     then Esc closes each (and the mapping dialog). */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

#include "config.h"
#include "bl-application.h"
#include "bl-window.h"
#include "backprop/bl-epsilon-window.h"
#include "backprop/bl-landscape-window.h"
#include "backprop/bl-sheet-check-window.h"
#include "backprop/bl-sheet-map-dialog.h"
#include "backprop/bl-worksheet-window.h"
#include "test-app-env.h"
#include "test-utils.h"
#include "seed-sheet.h"

static const char *
out_dir (void)
{
  return g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
}

static BlWindow *
make_window (void)
{
  BlWindow *window = bl_window_new (NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
  return window;
}

/* The tool a menu action opened: the main window keeps one of each. */
static GtkWindow *
open_tool (BlWindow *window, const char *action, const char *key)
{
  GtkWindow *tool;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  tool = g_object_get_data (G_OBJECT (window), key);
  g_assert_nonnull (tool);
  g_assert_true (gtk_window_get_transient_for (tool) == GTK_WINDOW (window));
  /* Asked again: the same window, in front. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  g_assert_true (g_object_get_data (G_OBJECT (window), key) == tool);
  return tool;
}

static gboolean
window_gone (gpointer data)
{
  GtkWidget **window = data;
  return *window == NULL || !gtk_widget_get_visible (*window);
}

/* Esc, as the window's key handling takes it: the shortcut its controllers have for Escape
 * (a GtkWindow has none of its own) is activated, and the window must close. Fails when no
 * shortcut has that trigger. */
static void
assert_escape_closes (GtkWindow *window)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  GtkShortcutTrigger *esc = gtk_keyval_trigger_new (GDK_KEY_Escape, 0);
  GtkWidget *alive = GTK_WIDGET (window);
  gboolean pressed = FALSE;

  g_object_add_weak_pointer (G_OBJECT (alive), (gpointer *) &alive);
  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !pressed; i++)
    {
      g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
      if (!GTK_IS_SHORTCUT_CONTROLLER (c))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (c)) && !pressed; j++)
        {
          g_autoptr(GtkShortcut) sc = g_list_model_get_item (G_LIST_MODEL (c), j);
          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (sc), esc))
            pressed = gtk_shortcut_action_activate (gtk_shortcut_get_action (sc), 0,
                                                    GTK_WIDGET (window),
                                                    gtk_shortcut_get_arguments (sc));
        }
    }
  g_object_unref (esc);
  if (!pressed)
    g_error ("%s has no shortcut for Escape", G_OBJECT_TYPE_NAME (window));
  g_assert_true (bl_test_iterate_until (window_gone, &alive, 5));
  if (alive)
    g_object_remove_weak_pointer (G_OBJECT (alive), (gpointer *) &alive);
}

static gboolean
check_idle (gpointer w)
{
  return !bl_sheet_check_window_is_busy (w);
}

static gboolean
page_done_exporting (gpointer page)
{
  return !bl_backprop_page_get_exporting (page);
}

static void
test_check_sheet (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  g_autofree char *dir = g_dir_make_tmp ("bl-tools-XXXXXX", NULL);
  g_autofree char *exported = g_build_filename (dir, "exported.xlsx", NULL);
  g_autofree char *slip = g_build_filename (dir, "seed.xlsx", NULL);
  g_autofree char *bogus = g_build_filename (dir, "notes.csv", NULL);
  g_autoptr(GError) error = NULL;
  BlSheetCheckWindow *tool;
  const BlToyCheckReport *report;
  const BlToySheetReport *sr;
  const BlToyCheckDiff *d;
  BlSheetView *view;
  const char *paths[3];

  g_assert_true (bl_backprop_page_export_xlsx (page, exported, &error));
  g_assert_no_error (error);
  /* The page writes it in the background. */
  g_assert_true (bl_test_iterate_until (page_done_exporting, page, 120));
  g_assert_true (g_file_test (exported, G_FILE_TEST_IS_REGULAR));
  seed_write_xlsx (slip, TRUE, FALSE);
  g_assert_true (g_file_set_contents (bogus, "not, a, ledger\n1, 2, 3\n", -1, NULL));

  tool = BL_SHEET_CHECK_WINDOW (open_tool (window, "win.check-sheet", "bl-tool-check-sheet"));
  paths[0] = exported;
  paths[1] = slip;
  paths[2] = bogus;
  bl_sheet_check_window_add_files (tool, paths, 3);
  g_assert_cmpuint (bl_sheet_check_window_get_n_files (tool), ==, 3);
  /* Checked in the background: the window answers at once, the verdicts come later. */
  g_assert_cmpint (bl_sheet_check_window_get_state (tool, 1), ==, BL_SHEET_FILE_CHECKING);
  g_assert_true (bl_test_iterate_until (check_idle, tool, 60));

  /* The app's own workbook, every rate a sheet: matches. */
  g_assert_cmpint (bl_sheet_check_window_get_state (tool, 0), ==, BL_SHEET_FILE_MATCHES);
  g_assert_nonnull (strstr (bl_sheet_check_window_get_summary (tool, 0), "matches"));
  report = bl_sheet_check_window_get_report (tool, 0);
  g_assert_cmpuint (report->sheets->len, ==, bl_backprop_page_get_n_runs (page));

  /* The seed sheet: the slip found at Z5 (iteration 0, ∂E/∂w3), named, every cell marked. */
  g_assert_cmpint (bl_sheet_check_window_get_state (tool, 1), ==, BL_SHEET_FILE_DISAGREES);
  report = bl_sheet_check_window_get_report (tool, 1);
  d = bl_toy_check_report_first_diff (report, &sr);
  g_assert_nonnull (d);
  g_assert_cmpstr (d->cell, ==, "Z5");
  g_assert_cmpuint (d->slot, ==, BL_TOY_COL_DW3);
  g_assert_cmpint (d->mistake.kind, ==, BL_TOY_MISTAKE_WRONG_OPERAND);
  g_assert_cmpuint (sr->n_diffs, ==, 2 * (SEED_ITERATIONS + 1));
  bl_sheet_check_window_select (tool, 1);
  g_test_message ("%s", bl_sheet_check_window_get_mistake_text (tool));
  g_assert_nonnull (strstr (bl_sheet_check_window_get_mistake_text (tool), "Z5"));
  g_assert_nonnull (strstr (bl_sheet_check_window_get_mistake_text (tool),
                            "a_h1 is used where a_h2 belongs"));
  view = bl_sheet_check_window_get_sheet_view (tool);
  g_assert_cmpuint (bl_sheet_view_get_n_marks (view), ==, 2 * (SEED_ITERATIONS + 1));
  g_assert_true (bl_sheet_view_is_marked (view, 4, 25));                       /* Z5 */
  g_assert_true (bl_sheet_view_is_marked (view, 4 + SEED_ITERATIONS, 26));     /* AA73 */
  g_assert_false (bl_sheet_view_is_marked (view, 4, 24));
  {
    g_autofree char *text = bl_sheet_view_cell_text (view, 3, 25);
    g_assert_cmpstr (text, ==, "dE/dw3");
  }
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (tool)));
  {
    g_autofree char *shot = g_build_filename (out_dir (), "tools-check-slip.png", NULL);
    g_assert_true (bl_test_save_window_png (GTK_WIDGET (tool), shot));
  }

  /* Not a ledger: read, not mapped; the mapping dialog is offered. */
  g_assert_cmpint (bl_sheet_check_window_get_state (tool, 2), ==, BL_SHEET_FILE_UNMAPPED);
  /* Closed, the tool is forgotten: the menu makes a new one. */
  gtk_window_destroy (GTK_WINDOW (tool));
  g_assert_null (g_object_get_data (G_OBJECT (window), "bl-tool-check-sheet"));
  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

/* A sheet in another language: the headers name nothing, the dialog maps them, and the sheet
 * checked again matches. */
static void
test_check_mapping (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-tools-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "gewichte.csv", NULL);
  g_autofree SeedRow *rows = seed_rows (FALSE);
  GString *s = g_string_new ("Gewicht A,Gewicht B,Gewicht C,Gewicht D,Gewicht E,Gewicht F,"
                             "Gewicht G,Gewicht H,Fehler\n");
  BlSheetCheckWindow *tool = bl_sheet_check_window_new (NULL, NULL);
  BlSheetMapDialog *dialog;
  static const char *const names[] = { "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8" };
  static const char *const headers[] = { "Gewicht A", "Gewicht B", "Gewicht C", "Gewicht D",
                                         "Gewicht E", "Gewicht F", "Gewicht G", "Gewicht H" };
  const char *paths[1] = { path };

  for (int k = 0; k <= 5; k++)
    g_string_append_printf (s, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n",
                            rows[k][4], rows[k][5], rows[k][6], rows[k][7], rows[k][12],
                            rows[k][13], rows[k][14], rows[k][15], rows[k][22]);
  g_assert_true (g_file_set_contents (path, s->str, -1, NULL));
  g_string_free (s, TRUE);

  gtk_window_present (GTK_WINDOW (tool));
  /* Dropped on the window, as from a file manager. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (tool));
    GtkDropTarget *target = NULL;
    g_autoptr(GFile) file = g_file_new_for_path (paths[0]);
    GSList *list = g_slist_prepend (NULL, file);
    GValue value = G_VALUE_INIT;
    gboolean accepted = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && target == NULL; i++)
      {
        g_autoptr(GObject) c = g_list_model_get_item (controllers, i);
        if (GTK_IS_DROP_TARGET (c))
          target = GTK_DROP_TARGET (c);
      }
    g_assert_nonnull (target);
    g_value_init (&value, GDK_TYPE_FILE_LIST);
    g_value_take_boxed (&value, gdk_file_list_new_from_list (list));
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &accepted);
    g_assert_true (accepted);
    g_value_unset (&value);
    g_slist_free (list);
  }
  g_assert_cmpuint (bl_sheet_check_window_get_n_files (tool), ==, 1);
  g_assert_true (bl_test_iterate_until (check_idle, tool, 60));
  g_assert_cmpint (bl_sheet_check_window_get_state (tool, 0), ==, BL_SHEET_FILE_UNMAPPED);

  dialog = BL_SHEET_MAP_DIALOG (bl_sheet_check_window_open_mapping (tool, 0));
  g_assert_nonnull (dialog);
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (dialog)));
  {
    g_autofree char *shot = g_build_filename (out_dir (), "tools-map-dialog.png", NULL);
    g_assert_true (bl_test_save_window_png (GTK_WIDGET (dialog), shot));
  }
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_true (bl_sheet_map_dialog_choose (dialog, names[i], headers[i]));
  g_assert_true (bl_sheet_map_dialog_choose (dialog, "E_total", "Fehler"));
  g_assert_false (bl_sheet_map_dialog_choose (dialog, "w1", "no such header"));
  bl_sheet_map_dialog_apply (dialog);
  g_assert_true (bl_test_iterate_until (check_idle, tool, 60));
  if (bl_sheet_check_window_get_state (tool, 0) != BL_SHEET_FILE_MATCHES)
    g_error ("%s", bl_sheet_check_window_get_summary (tool, 0));
  /* Checked again, with the mapping kept: the map button reopens it with the same choices;
   * Esc closes it. */
  dialog = BL_SHEET_MAP_DIALOG (bl_sheet_check_window_open_mapping (tool, 0));
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (dialog)));
  assert_escape_closes (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (tool));
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static void
test_epsilon (void)
{
  BlWindow *window = make_window ();
  BlEpsilonWindow *tool = BL_EPSILON_WINDOW (open_tool (window, "win.epsilon", "bl-tool-epsilon"));
  BlChart *chart = bl_epsilon_window_get_chart (tool);
  double bd, bs;

  g_assert_true (bl_chart_get_log_x (chart));
  g_assert_true (bl_chart_get_log_y (chart));
  g_assert_true (bl_epsilon_window_set_weight (tool, BL_TOY_COL_W1));
  g_assert_false (bl_epsilon_window_set_weight (tool, BL_TOY_COL_B1));   /* no biases */
  bl_epsilon_window_get_best (tool, &bd, &bs);
  /* The U's bottom: near the cube root of each precision's rounding (1e-16 → ~1e-5,
   * 6e-8 → ~1e-2.5), the single one far to the right of the double one. */
  g_assert_cmpfloat (bd, >=, 1e-8);
  g_assert_cmpfloat (bd, <=, 1e-3);
  g_assert_cmpfloat (bs, >=, 1e-5);
  g_assert_cmpfloat (bs, <=, 1e-1);
  g_assert_cmpfloat (bs, >, bd * 10);
  g_assert_nonnull (strstr (bl_epsilon_window_get_explanation (tool), "truncation"));
  g_assert_nonnull (strstr (bl_epsilon_window_get_explanation (tool), "rounding"));
  {
    g_autofree char *describe = bl_chart_describe (chart);
    g_assert_nonnull (strstr (describe, "double precision"));
    g_assert_nonnull (strstr (describe, "single precision"));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
landscape_idle (gpointer w)
{
  return !bl_landscape_window_is_busy (w);
}

static void
test_landscape (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlLandscapeWindow *tool = BL_LANDSCAPE_WINDOW (open_tool (window, "win.landscape",
                                                            "bl-tool-landscape"));
  const double *rates;
  const gboolean *over;
  guint n, n_levels, n_over = 0;

  g_assert_true (bl_landscape_window_is_busy (tool));   /* off the main thread */
  g_assert_true (bl_test_iterate_until (landscape_idle, tool, 60));
  n = bl_landscape_window_get_rates (tool, &rates, &over);
  g_assert_cmpuint (n, >=, bl_backprop_page_get_n_runs (page));
  g_assert_cmpuint (bl_contour_view_get_n_paths (bl_landscape_window_get_view (tool)), ==, n);
  /* The classroom's sigmoid network never overshoots (checked here for the rates tried):
   * the caption says so instead of drawing a path that does not. */
  for (guint i = 0; i < n; i++)
    n_over += over[i];
  g_assert_cmpuint (n_over, ==, 0);
  g_assert_cmpuint (n, ==, bl_backprop_page_get_n_runs (page));
  g_assert_nonnull (strstr (bl_landscape_window_get_caption (tool), "No rate overshoots"));
  bl_contour_view_get_levels (bl_landscape_window_get_view (tool), &n_levels);
  g_assert_cmpuint (n_levels, >=, 4);
  g_assert_nonnull (strstr (bl_landscape_window_get_caption (tool), "w5"));

  /* tanh units: none of the page's rates overshoots, so the smallest larger one that does is
   * added, in the next colour. */
  {
    BlToolNetwork net;
    bl_tool_network_from_page (page, &net);
    net.init.act_hidden = net.init.act_output = BL_TOY_ACT_TANH;
    net.current = net.init;
    bl_landscape_window_set_network (tool, &net);
    g_assert_true (bl_test_iterate_until (landscape_idle, tool, 60));
    n = bl_landscape_window_get_rates (tool, &rates, &over);
    g_assert_cmpuint (n, ==, net.n_rates + 1);
    g_assert_true (over[n - 1]);
    g_assert_cmpfloat (rates[n - 1], >=, 5);
    for (guint i = 0; i + 1 < n; i++)
      g_assert_false (over[i]);
    g_assert_nonnull (strstr (bl_landscape_window_get_caption (tool), "is added"));
    {
      g_autofree char *shot = g_build_filename (out_dir (), "tools-landscape-tanh.png", NULL);
      g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (tool)));
      g_assert_true (bl_test_save_window_png (GTK_WIDGET (tool), shot));
    }
  }

  /* Two other weights; the same weight twice is refused. */
  g_assert_false (bl_landscape_window_set_weights (tool, BL_TOY_COL_W1, BL_TOY_COL_W1));
  g_assert_true (bl_landscape_window_set_weights (tool, BL_TOY_COL_W1, BL_TOY_COL_W8));
  g_assert_true (bl_test_iterate_until (landscape_idle, tool, 60));
  g_assert_nonnull (strstr (bl_landscape_window_get_caption (tool), "w8"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
worksheet_idle (gpointer w)
{
  return !bl_worksheet_window_is_busy (w);
}

static void
test_worksheet (void)
{
  BlWindow *window = make_window ();
  BlWorksheetWindow *tool = BL_WORKSHEET_WINDOW (open_tool (window, "win.worksheet",
                                                            "bl-tool-worksheet"));
  g_autofree char *dir = g_dir_make_tmp ("bl-tools-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "sheet.pdf", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no-such-folder", "sheet.pdf", NULL);
  g_autofree char *head = NULL;
  gsize len = 0;

  bl_worksheet_window_set_paper (tool, BL_TOY_PAPER_LETTER);
  bl_worksheet_window_save_to (tool, pdf);
  g_assert_true (bl_worksheet_window_is_busy (tool));
  g_assert_true (bl_test_iterate_until (worksheet_idle, tool, 60));
  g_assert_null (bl_worksheet_window_get_error (tool));
  g_test_message ("%s", bl_worksheet_window_get_notice (tool));
  g_assert_nonnull (strstr (bl_worksheet_window_get_notice (tool), "sheet.pdf"));
  g_assert_nonnull (strstr (bl_worksheet_window_get_notice (tool), "answer key"));
  g_assert_true (g_file_get_contents (pdf, &head, &len, NULL));
  g_assert_true (g_str_has_prefix (head, "%PDF"));
  /* Letter: 612 × 792 points (the page size is plain text in the PDF). */
  g_assert_nonnull (memmem (head, len, "612 792", 7));

  bl_worksheet_window_save_to (tool, nowhere);
  g_assert_true (bl_test_iterate_until (worksheet_idle, tool, 60));
  g_assert_nonnull (bl_worksheet_window_get_error (tool));
  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
all_idle (gpointer data)
{
  GtkWindow **tools = data;
  return !bl_sheet_check_window_is_busy (BL_SHEET_CHECK_WINDOW (tools[0])) &&
         !bl_landscape_window_is_busy (BL_LANDSCAPE_WINDOW (tools[2])) &&
         !bl_worksheet_window_is_busy (BL_WORKSHEET_WINDOW (tools[3]));
}

/* The windows as a class sees them: each fits the screen, with projector mode (the main
 * window's class, followed) and the theme as the application sets them. */
static void
test_screens (void)
{
  static const int sizes[][2] = { { 1024, 600 }, { 1920, 1080 } };
  static const char *const actions[] = { "win.check-sheet", "win.epsilon", "win.landscape",
                                         "win.worksheet" };
  static const char *const keys[] = { "bl-tool-check-sheet", "bl-tool-epsilon",
                                      "bl-tool-landscape", "bl-tool-worksheet" };
  static const char *const names[] = { "check-sheet", "epsilon", "landscape", "worksheet" };
  g_autoptr(BlApplication) app = bl_application_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bl-tools-XXXXXX", NULL);
  g_autofree char *slip = g_build_filename (dir, "seed.xlsx", NULL);
  g_autofree char *pdf = g_build_filename (dir, "worksheet.pdf", NULL);
  const char *shots = g_getenv ("BL_SCREENS_DIR") ? g_getenv ("BL_SCREENS_DIR") : out_dir ();
  GtkWindow *tools[4];
  GString *failures = g_string_new (NULL);
  GSettings *settings;
  BlWindow *window;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_application_activate (G_APPLICATION (app));
  window = BL_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  settings = bl_application_get_settings (app);
  seed_write_xlsx (slip, TRUE, FALSE);
  for (guint t = 0; t < 4; t++)
    tools[t] = open_tool (window, actions[t], keys[t]);
  {
    const char *paths[] = { slip };
    bl_sheet_check_window_add_files (BL_SHEET_CHECK_WINDOW (tools[0]), paths, 1);
  }
  bl_worksheet_window_save_to (BL_WORKSHEET_WINDOW (tools[3]), pdf);
  g_assert_true (bl_test_iterate_until (all_idle, tools, 60));
  bl_sheet_check_window_select (BL_SHEET_CHECK_WINDOW (tools[0]), 0);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint projector = 0; projector < 2; projector++)
      for (guint dark = 0; dark < 2; dark++)
        {
          int w = sizes[i][0], h = sizes[i][1];
          g_settings_set_boolean (settings, "projector-mode", projector);
          g_settings_set_string (settings, "theme", dark ? "dark" : "light");
          bl_test_iterate_until (never, NULL, 0.1);
          for (guint t = 0; t < 4; t++)
            {
              g_autofree char *name = g_strdup_printf ("tools-%dx%d-%s-%s-%s.png", w, h,
                                                       projector ? "projector" : "normal",
                                                       dark ? "dark" : "light", names[t]);
              g_autofree char *path = g_build_filename (shots, name, NULL);
              int min_w, min_h;

              /* Projector mode reaches the tool through the main window's class. */
              g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (tools[t]), "projector") ==
                             (projector != 0));
              gtk_window_set_default_size (tools[t], w, h);
              gtk_window_present (tools[t]);
              g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (tools[t])));
              gtk_widget_measure (GTK_WIDGET (tools[t]), GTK_ORIENTATION_HORIZONTAL, -1, &min_w,
                                  NULL, NULL, NULL);
              gtk_widget_measure (GTK_WIDGET (tools[t]), GTK_ORIENTATION_VERTICAL, w, &min_h,
                                  NULL, NULL, NULL);
              if (min_w > w || min_h > h)
                g_string_append_printf (failures, "%s needs %d×%d\n", name, min_w, min_h);
              g_assert_true (bl_test_save_window_png (GTK_WIDGET (tools[t]), path));
            }
        }
  if (failures->len)
    g_test_message ("%s", failures->str);
  g_assert_cmpuint (failures->len, ==, 0);
  g_string_free (failures, TRUE);
  /* Esc closes each of them, as it closes a dialog (each .ui gives its window a managed
   * GtkShortcutController: Escape → window.close). */
  for (guint t = 0; t < 4; t++)
    assert_escape_closes (tools[t]);
  g_settings_reset (settings, "projector-mode");
  g_settings_reset (settings, "theme");
  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

int
main (int argc, char **argv)
{
  bl_test_isolate_dirs ();
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/tools/check-sheet", test_check_sheet);
  g_test_add_func ("/app/tools/check-mapping", test_check_mapping);
  g_test_add_func ("/app/tools/epsilon", test_epsilon);
  g_test_add_func ("/app/tools/landscape", test_landscape);
  g_test_add_func ("/app/tools/worksheet", test_worksheet);
  g_test_add_func ("/app/tools/screens", test_screens);
  return g_test_run ();
}
