/* test-window.c: the window under Xvfb, driven as a student would drive it. */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "backprop/bl-backprop-page.h"
#include "bl-application.h"
#include "bl-preferences.h"
#include "backprop/bl-ledger-model.h"
#include "bl-window.h"
#include "core/bl-toy.h"
#include "test-app-env.h"
#include "test-utils.h"

static void
wait_for_draw (GtkWidget *widget)
{
  g_assert_true (bl_test_wait_for_draw (widget));
}

static BlWindow *
make_window (void)
{
  BlWindow *window = bl_window_new (NULL, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 950);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  return window;
}

static guint
selected_row (BlBackpropPage *page)
{
  return gtk_single_selection_get_selected (
    GTK_SINGLE_SELECTION (bl_backprop_page_get_ledger_selection (page)));
}

static void
test_builds (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GListModel *rows = bl_backprop_page_get_ledger_selection (page);

  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (page)));
  g_assert_cmpuint (bl_backprop_page_get_n_runs (page), ==, 6);
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 0);
  g_assert_cmpuint (selected_row (page), ==, 0);
  /* 10,000 iterations per rate by default: the ledger has every row, made on demand. */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10001);
  g_assert_cmpfloat_with_epsilon (bl_backprop_page_get_run (page, 0)->loss[0], 0.2425198573,
                                  5e-11);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_step_moves_cursor (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlChart *chart = bl_backprop_page_get_chart (page);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.step", NULL));
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 1);
  g_assert_cmpuint (selected_row (page), ==, 1);
  g_assert_cmpfloat (bl_chart_get_cursor_x (chart), ==, 1);
  {
    /* The ledger's selected row holds iteration 1's values. */
    g_autoptr(BlLedgerRow) row = g_list_model_get_item (
      bl_backprop_page_get_ledger_selection (page), 1);
    BlToyRow expect;
    bl_toy_run_get_row (bl_backprop_page_get_run (page, 0), 1, &expect);
    g_assert_cmpuint (bl_ledger_row_get_iteration (row), ==, 1);
    g_assert_cmpmem (bl_ledger_row_get_values (row)->v, sizeof expect.v, expect.v,
                     sizeof expect.v);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.run-n", NULL));
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 101);
  g_assert_cmpfloat (bl_chart_get_cursor_x (chart), ==, 101);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reset", NULL));
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 0);
  g_assert_cmpuint (selected_row (page), ==, 0);
  g_assert_cmpfloat (bl_chart_get_cursor_x (chart), ==, 0);

  /* Stepping past the computed rows computes more, and the ledger grows with them. */
  bl_backprop_page_step (page, 12000);
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 12000);
  g_assert_cmpuint (bl_backprop_page_get_run (page, 5)->n_rows, ==, 12001);
  g_assert_cmpuint (g_list_model_get_n_items (bl_backprop_page_get_ledger_selection (page)), ==,
                    12001);
  g_assert_cmpuint (selected_row (page), ==, 12000);

  /* Play advances on the frame clock, and pauses. */
  bl_backprop_page_reset (page);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_true (bl_backprop_page_get_playing (page));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_false (bl_backprop_page_get_playing (page));
  g_assert_cmpuint (bl_backprop_page_get_current (page), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_bad_input_refused (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GtkWidget *w1 = bl_backprop_page_get_param_entry (page, "w1");
  GtkWidget *i1 = bl_backprop_page_get_param_entry (page, "i1");

  gtk_editable_set_text (GTK_EDITABLE (w1), "abc");
  g_assert_true (gtk_widget_has_css_class (w1, "error"));
  g_assert_cmpfloat (bl_backprop_page_get_run (page, 0)->init.w[0], ==, 0.15);

  gtk_editable_set_text (GTK_EDITABLE (w1), "0.3");
  g_assert_false (gtk_widget_has_css_class (w1, "error"));
  g_assert_cmpfloat (bl_backprop_page_get_run (page, 0)->init.w[0], ==, 0.3);

  /* Values that overflow σ are refused; the runs keep the last good values. */
  gtk_editable_set_text (GTK_EDITABLE (w1), "900");
  gtk_editable_set_text (GTK_EDITABLE (i1), "900");
  g_assert_true (gtk_widget_has_css_class (i1, "error"));
  g_assert_cmpfloat (bl_backprop_page_get_run (page, 0)->init.w[0], ==, 900);
  g_assert_cmpfloat (bl_backprop_page_get_run (page, 0)->init.i1, ==, 0.05);
  gtk_editable_set_text (GTK_EDITABLE (i1), "0.05");
  g_assert_false (gtk_widget_has_css_class (i1, "error"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_formula_panel (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);

  bl_backprop_page_select_column (page, BL_TOY_COL_DW5);
  g_assert_nonnull (strstr (bl_backprop_page_get_formula_text (page, 1),
                            "∂E_total/∂w5 = (a_o1 − t1)"));
  g_assert_nonnull (strstr (bl_backprop_page_get_formula_text (page, 3), "∂o1/∂w5 = a_h1"));
  g_assert_nonnull (strstr (bl_backprop_page_get_formula_text (page, 4), "relative error"));
  bl_backprop_page_select_column (page, BL_TOY_COL_A_H1);
  g_assert_cmpstr (bl_backprop_page_get_formula_text (page, 2), ==,
                   "a_h1 = 1 / (1 + e^(−0.0275)) = 0.506874567");
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_with_biases_preset (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GListModel *columns = gtk_column_view_get_columns (bl_backprop_page_get_ledger_view (page));
  const BlToyRun *run;
  guint n_classroom = g_list_model_get_n_items (columns);

  /* iteration + the spreadsheet's 31 quantities */
  g_assert_cmpuint (n_classroom, ==, 32);
  bl_backprop_page_set_preset (page, BL_TOY_PRESET_WITH_BIASES);
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 32 + 4);   /* b1, b2, ∂E/∂b1, ∂E/∂b2 */
  for (guint i = 0; i < bl_backprop_page_get_n_runs (page); i++)
    {
      run = bl_backprop_page_get_run (page, i);
      g_assert_true (run->init.has_biases);
      g_assert_cmpfloat_with_epsilon (run->loss[0], 0.298371109, 5e-10);
      if (run->lr == 0.5)
        g_assert_cmpfloat_with_epsilon (run->loss[1], 0.291027774, 5e-10);
    }
  g_assert_cmpfloat (gtk_widget_get_sensitive (bl_backprop_page_get_param_entry (page, "b1")),
                     ==, TRUE);
  bl_backprop_page_set_preset (page, BL_TOY_PRESET_CLASSROOM);
  g_assert_cmpuint (g_list_model_get_n_items (columns), ==, 32);
  g_assert_false (bl_backprop_page_get_run (page, 0)->init.has_biases);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Whether @menu, or a section in it at any depth, has an item for @action. */
static gboolean
menu_has (GMenuModel *menu, const char *action)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
          g_str_equal (name, action))
        return TRUE;
      if (section && menu_has (section, action))
        return TRUE;
    }
  return FALSE;
}

/* The header bar's menu button (the main menu). */
static GtkWidget *
find_menu_button (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = GTK_IS_MENU_BUTTON (c) ? c : find_menu_button (c);
      if (found)
        return found;
    }
  return NULL;
}

static gboolean
main_menu_has (BlWindow *window, const char *action)
{
  GtkWidget *button = find_menu_button (gtk_window_get_titlebar (GTK_WINDOW (window)));

  g_assert_nonnull (button);
  return menu_has (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (button)), action);
}

/* Alt+1 and Alt+2's action: straight to a page, and the main menu follows it. */
static void
test_show_page_action (void)
{
  BlWindow *window = make_window ();
  GtkStack *stack = GTK_STACK (gtk_widget_get_parent (bl_window_get_mnist_page (window)));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "backprop");
  g_assert_true (main_menu_has (window, "win.export-csv"));
  g_assert_true (main_menu_has (window, "app.projector-mode"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "mnist");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "mnist");
  /* The Backprop page's exports leave the main menu with their page. */
  g_assert_false (main_menu_has (window, "win.export-csv"));
  g_assert_true (main_menu_has (window, "app.projector-mode"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "backprop");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, "backprop");
  g_assert_true (main_menu_has (window, "win.export-csv"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_chart_png_and_screenshot (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
  g_autofree char *png = g_build_filename (dir, "backprop-chart.png", NULL);
  g_autofree char *shot = g_build_filename (dir, "backprop-window.png", NULL);
  g_autoptr(GError) error = NULL;

  bl_backprop_page_set_preset (page, BL_TOY_PRESET_WITH_BIASES);
  bl_backprop_page_step (page, 40);
  bl_backprop_page_select_column (page, BL_TOY_COL_DW1);
  g_assert_true (bl_backprop_page_export_png (page, png, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bl_test_ink_pixels (png), >, 20000);

  /* The whole window as the screen shows it, for a person to look at. */
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
  g_assert_cmpuint (bl_test_ink_pixels (shot), >, 20000);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Preferences: each control writes its key; a bad list of rates is refused in place. */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BlPreferences *prefs = bl_preferences_new (NULL, settings);
  g_autoptr(GVariant) before = NULL, after = NULL;
  const double *v;
  gsize n;
  GtkWidget *dropdown;

  gtk_window_present (GTK_WINDOW (prefs));
  wait_for_draw (GTK_WIDGET (prefs));
  before = g_settings_get_value (settings, "learning-rates");
  gtk_editable_set_text (bl_preferences_get_rates_entry (prefs), "0.1, lots");
  g_assert_nonnull (bl_preferences_get_rates_error (prefs));
  g_assert_nonnull (strstr (bl_preferences_get_rates_error (prefs), "lots"));
  after = g_settings_get_value (settings, "learning-rates");
  g_assert_true (g_variant_equal (before, after));
  g_clear_pointer (&after, g_variant_unref);

  gtk_editable_set_text (bl_preferences_get_rates_entry (prefs), "0.3, 3");
  g_assert_null (bl_preferences_get_rates_error (prefs));
  after = g_settings_get_value (settings, "learning-rates");
  v = g_variant_get_fixed_array (after, &n, sizeof (double));
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpfloat (v[0], ==, 0.3);
  g_assert_cmpfloat (v[1], ==, 3);

  /* The iterations' bound is the toy's, in the spin button and in the schema. */
  {
    GtkSpinButton *spin = g_object_get_data (G_OBJECT (prefs), "iterations-spin");
    g_autoptr(GSettingsSchema) schema = NULL;
    g_autoptr(GSettingsSchemaKey) key = NULL;
    g_autoptr(GVariant) range = NULL, limits = NULL;
    const char *kind;
    guint32 lo, hi;

    g_assert_nonnull (spin);
    g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_spin_button_get_adjustment (spin)), ==,
                       BL_TOY_MAX_ITERATIONS);
    g_object_get (settings, "settings-schema", &schema, NULL);
    key = g_settings_schema_get_key (schema, "iterations");
    range = g_settings_schema_key_get_range (key);
    g_variant_get (range, "(&sv)", &kind, &limits);
    g_assert_cmpstr (kind, ==, "range");
    g_variant_get (limits, "(uu)", &lo, &hi);
    g_assert_cmpuint (hi, ==, BL_TOY_MAX_ITERATIONS);
  }

  /* The style follows the key both ways. */
  g_settings_set_string (settings, "theme", "dark");
  dropdown = GTK_WIDGET (g_object_get_data (G_OBJECT (prefs), "theme-dropdown"));
  g_assert_nonnull (dropdown);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
  {
    g_autofree char *theme = g_settings_get_string (settings, "theme");
    g_assert_cmpstr (theme, ==, "light");
  }
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "preferences.png", NULL);
    wait_for_draw (GTK_WIDGET (prefs));
    g_assert_true (bl_test_save_window_png (GTK_WIDGET (prefs), shot));
  }
  g_settings_reset (settings, "learning-rates");
  g_settings_reset (settings, "theme");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

static gboolean
has_projector_class (gpointer window)
{
  return gtk_widget_has_css_class (window, "projector");
}

static gboolean
lacks_projector_class (gpointer window)
{
  return !has_projector_class (window);
}

/* Projector mode is one switch: the setting, seen as the stateful action app.projector-mode
 * (F5 and the menu's check mark) and as Preferences' switch, and one style class on the
 * window, whichever of them changes it. */
static void
test_projector_mode_one_switch (void)
{
  g_autoptr(BlApplication) app = bl_application_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) state = NULL;
  GSettings *settings;
  GtkWindow *window;
  BlPreferences *prefs;
  GtkSwitch *projector_switch;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_nonnull (window);
  settings = bl_application_get_settings (app);
  g_assert_nonnull (settings);
  g_settings_set_boolean (settings, "projector-mode", FALSE);
  g_assert_false (has_projector_class (window));

  /* F5's action: the key, the action's state (the menu's check mark) and the class follow. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "projector-mode", NULL);
  g_assert_true (g_settings_get_boolean (settings, "projector-mode"));
  state = g_action_group_get_action_state (G_ACTION_GROUP (app), "projector-mode");
  g_assert_true (g_variant_get_boolean (state));
  g_assert_true (bl_test_iterate_until (has_projector_class, window, 5));

  /* Preferences' switch is the same setting: off there, off everywhere. */
  prefs = bl_preferences_new (window, settings);
  projector_switch = GTK_SWITCH (g_object_get_data (G_OBJECT (prefs), "projector-switch"));
  g_assert_nonnull (projector_switch);
  g_assert_true (gtk_switch_get_active (projector_switch));
  gtk_switch_set_active (projector_switch, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "projector-mode"));
  g_assert_true (bl_test_iterate_until (lacks_projector_class, window, 5));
  g_clear_pointer (&state, g_variant_unref);
  state = g_action_group_get_action_state (G_ACTION_GROUP (app), "projector-mode");
  g_assert_false (g_variant_get_boolean (state));

  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (window);
  g_settings_reset (settings, "projector-mode");
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/window/builds", test_builds);
  g_test_add_func ("/app/window/step-moves-cursor", test_step_moves_cursor);
  g_test_add_func ("/app/window/bad-input-refused", test_bad_input_refused);
  g_test_add_func ("/app/window/formula-panel", test_formula_panel);
  g_test_add_func ("/app/window/with-biases-preset", test_with_biases_preset);
  g_test_add_func ("/app/window/chart-png-and-screenshot", test_chart_png_and_screenshot);
  g_test_add_func ("/app/window/preferences", test_preferences);
  g_test_add_func ("/app/window/show-page-action", test_show_page_action);
  g_test_add_func ("/app/window/projector-mode-one-switch", test_projector_mode_one_switch);
  return g_test_run ();
}
