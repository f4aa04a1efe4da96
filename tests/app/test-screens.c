/* test-screens.c: every screen a class sees, at the sizes a classroom has, checked.
 *
 * The real window (BlApplication, so projector mode and the theme are its actions and
 * settings) shows each view — the Backprop page (also predicting the next row, walking
 * through an iteration at its first δ, and the network with bias units), the MNIST page's This Run after a short run,
 * Try It with a drawn digit, Inside with a value taken apart, Compare Rates after three rates, Preferences, the digits of a
 * matrix cell — at 1024×600, 1280×720 and 1920×1080, in normal and projector mode, light and
 * dark. For each it checks what can be checked without eyes:
 *   - the window fits the screen: its content asks for no more than the size (a larger
 *     minimum pushes widgets off a projector's screen);
 *   - no visible label that shows numbers is ellipsized;
 *   - no label is half under what an overlay lays over it (the ledger's pinned column), and
 *     none is cut at the edge of a scrolled view unless an overlay hides it (the ledger's
 *     column that does not fit whole);
 *   - a visible confusion matrix draws its counts;
 *   - the text our drawings draw (charts, the diagram, the matrix, Try It's stages, the
 *     digits' notes: bl-text records it) is not cut at its drawing's edge, not over another
 *     text of the same drawing, and not smaller than BL_TEXT_MIN_SHARE of the body type
 *     (14 px in projector mode).
 * With BL_SCREENS_DIR set (tools/screenshot-matrix.sh), each view is also saved as a PNG named
 * SIZE-MODE-THEME-VIEW.png, for a person to look at. */
#include <gtk/gtk.h>
#include <string.h>

#include "config.h"
#include "bl-application.h"
#include "bl-preferences.h"
#include "bl-window.h"
#include "backprop/bl-backprop-page.h"
#include "backprop/bl-step-through.h"
#include "core/bl-toy-explore.h"
#include "mnist/bl-mnist-page.h"
#include "test-app-env.h"
#include "test-utils.h"
#include "widgets/bl-confusion-view.h"
#include "widgets/bl-text.h"

static const int sizes[][2] = { { 1024, 600 }, { 1280, 720 }, { 1920, 1080 } };

typedef struct {
  BlApplication *app;
  GSettings     *settings;
  BlWindow      *window;
  BlMnistPage   *page;
  GtkWidget     *cell_window;
  GString       *failures;
  guint          checked;
} Screens;

static gboolean
never (gpointer data)
{
  return FALSE;
}

static gboolean
has_data (gpointer page)
{
  return bl_data_panel_get_dataset (bl_mnist_page_get_data_panel (page)) != NULL;
}

static gboolean
idle_and_shown (gpointer page)
{
  return !bl_mnist_page_is_busy (page) && bl_mnist_page_is_view_current (page);
}

static gboolean
inside_ready (gpointer inside)
{
  return bl_inside_view_is_idle (inside) && bl_inside_view_get_capture (inside) != NULL;
}

static gboolean
queue_done (gpointer page)
{
  return idle_and_shown (page) &&
         bl_lr_compare_get_queue_length (bl_mnist_page_get_lr_compare (page)) == 0;
}

/* A label that is on screen and cut short by an ellipsis, its text holding a digit: numbers
 * must never be cut, not even where a tooltip repeats the whole text (the back row cannot
 * hover). */
static void
check_labels (GtkWidget *widget, const char *where, Screens *s)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (!gtk_widget_get_mapped (c))
        continue;
      if (GTK_IS_LABEL (c) && gtk_label_get_ellipsize (GTK_LABEL (c)) != PANGO_ELLIPSIZE_NONE)
        {
          PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (c));
          const char *text = gtk_label_get_text (GTK_LABEL (c));
          if (pango_layout_is_ellipsized (layout) && strpbrk (text, "0123456789"))
            g_string_append_printf (s->failures, "%s: label “%s” is cut short\n", where, text);
        }
      check_labels (c, where, s);
    }
}

/* What an overlay lays over its child (the ledger's pinned iteration column, over the ledger
 * that scrolls sideways under it; the panel over the part of its last column that does not
 * fit) cuts none of the child's labels at its edge: each is beside it or wholly under it. And
 * where the child scrolls (the ledger), a label its view's edge cuts (the column that does not
 * fit whole) is hidden under an overlay: a class reads a cut number as a wrong one. */
static gboolean
covered_by_overlay (GtkWidget *overlay, GtkWidget *under, double x0, double x1, double y0,
                    double y1)
{
  for (GtkWidget *c = gtk_widget_get_first_child (overlay); c; c = gtk_widget_get_next_sibling (c))
    {
      graphene_rect_t o;
      if (c != under && gtk_widget_get_mapped (c) && gtk_widget_compute_bounds (c, overlay, &o) &&
          o.origin.x <= x0 + 1 && o.origin.x + o.size.width >= x1 - 1 &&
          o.origin.y <= y0 + 1 && o.origin.y + o.size.height >= y1 - 1)
        return TRUE;
    }
  return FALSE;
}

static void
check_overlays (GtkWidget *widget, const char *where, Screens *s)
{
  GtkWidget *under = GTK_IS_OVERLAY (widget) ? gtk_overlay_get_child (GTK_OVERLAY (widget))
                                             : NULL;
  /* What the child shows: a scrolled window, its view's box; else the overlay's. */
  double vx0 = 0, vx1 = gtk_widget_get_width (widget), vy0 = 0;
  double vy1 = gtk_widget_get_height (widget);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  if (under && gtk_widget_get_mapped (under))
    {
      GtkWidget *view = GTK_IS_SCROLLED_WINDOW (under)
                        ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (under)) : NULL;
      graphene_rect_t v;

      if (view && gtk_widget_compute_bounds (view, widget, &v))
        {
          vx0 = MAX (v.origin.x, 0);
          vx1 = MIN (v.origin.x + v.size.width, vx1);
          vy0 = MAX (v.origin.y, 0);
          vy1 = MIN (v.origin.y + v.size.height, vy1);
          bl_test_collect_mapped_labels (under, labels);
          for (guint i = 0; i < labels->len; i++)
            {
              GtkWidget *l = g_ptr_array_index (labels, i);
              graphene_rect_t b;
              double x0, x1, y0, y1;   /* what the view shows of it */
              if (!gtk_widget_compute_bounds (l, widget, &b))
                continue;
              x0 = MAX (b.origin.x, vx0);
              x1 = MIN (b.origin.x + b.size.width, vx1);
              y0 = MAX (b.origin.y, vy0);
              y1 = MIN (b.origin.y + b.size.height, vy1);
              if (x1 - x0 < 1 || y1 - y0 < 1 ||
                  (b.origin.x >= vx0 - 1 && b.origin.x + b.size.width <= vx1 + 1))
                continue;   /* out of view, or whole */
              if (!covered_by_overlay (widget, under, x0, x1, y0, y1))
                {
                  g_string_append_printf (s->failures, "%s: label “%s” is cut at the edge of "
                                          "its %s (%.0f of its %.0f px shown)\n", where,
                                          gtk_label_get_text (GTK_LABEL (l)),
                                          G_OBJECT_TYPE_NAME (view), x1 - x0, b.size.width);
                  break;   /* one a screen tells it */
                }
            }
          g_ptr_array_set_size (labels, 0);
        }
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      graphene_rect_t over;

      if (!gtk_widget_get_mapped (c))
        continue;
      if (under && c != under && gtk_widget_compute_bounds (c, widget, &over))
        {
          double left = over.origin.x, right = over.origin.x + over.size.width;

          if (labels->len == 0)
            bl_test_collect_mapped_labels (under, labels);
          for (guint i = 0; i < labels->len; i++)
            {
              GtkWidget *l = g_ptr_array_index (labels, i);
              graphene_rect_t b;
              double x0, x1;   /* what the overlay's box shows of it */
              if (!gtk_widget_compute_bounds (l, widget, &b) ||
                  b.origin.y + b.size.height <= over.origin.y ||
                  b.origin.y >= over.origin.y + over.size.height)
                continue;
              x0 = MAX (b.origin.x, vx0);
              x1 = MIN (b.origin.x + b.size.width, vx1);
              if ((x0 < right - 1 && x1 > right + 1) || (x0 < left - 1 && x1 > left + 1))
                {
                  g_string_append_printf (s->failures, "%s: label “%s” is half under the %s laid "
                                          "over it\n", where, gtk_label_get_text (GTK_LABEL (l)),
                                          G_OBJECT_TYPE_NAME (c));
                  break;   /* one a screen tells it */
                }
            }
        }
      check_overlays (c, where, s);
    }
}

static void
check_matrices (GtkWidget *widget, const char *where, Screens *s)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      if (!gtk_widget_get_mapped (c))
        continue;
      if (BL_IS_CONFUSION_VIEW (c))
        {
          int w = gtk_widget_get_width (c), h = gtk_widget_get_height (c);
          if (bl_confusion_view_get_count_size (BL_CONFUSION_VIEW (c), w, h) == 0)
            g_string_append_printf (s->failures, "%s: the %d×%d confusion matrix has no room "
                                    "for its counts\n", where, w, h);
        }
      check_matrices (c, where, s);
    }
}

/* A widget that reaches past its parent's edge is cut there (a GtkPaned shrinks a child below
 * its minimum by cutting it). Not checked: what a scrolled area holds (that is scrolling), and
 * the insides of GTK's own buttons and sliders, which overhang on purpose (Adwaita gives a
 * stack switcher's label negative margins; a slider's knob stands out of its trough). */
static void
check_inside (GtkWidget *widget, const char *where, Screens *s)
{
  gboolean scrolls = GTK_IS_SCROLLABLE (widget) || GTK_IS_SCROLLED_WINDOW (widget);

  if (GTK_IS_BUTTON (widget) || GTK_IS_RANGE (widget))
    return;
  int pw = gtk_widget_get_width (widget), ph = gtk_widget_get_height (widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      graphene_rect_t b;

      if (!gtk_widget_get_mapped (c) || GTK_IS_NATIVE (c))
        continue;
      if (!scrolls && gtk_widget_compute_bounds (c, widget, &b) &&
          (b.origin.x < -1 || b.origin.y < -1 || b.origin.x + b.size.width > pw + 1 ||
           b.origin.y + b.size.height > ph + 1))
        {
          g_string_append_printf (s->failures, "%s: a %s (%.0f×%.0f at %.0f,%.0f) is cut at the "
                                  "edge of its %s (%d×%d)\n", where, G_OBJECT_TYPE_NAME (c),
                                  b.size.width, b.size.height, b.origin.x, b.origin.y,
                                  G_OBJECT_TYPE_NAME (widget), pw, ph);
          continue;   /* its children are cut with it */
        }
      check_inside (c, where, s);
    }
}

/* Our drawing widgets (those with a snapshot of their own) draw their text with bl-text: draw
 * each again, recording, and check what it drew. */
static void
record_drawings (GtkWidget *widget, GPtrArray *owners)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (c);
      GtkWidgetClass *parent = g_type_class_peek (g_type_parent (G_OBJECT_TYPE (c)));

      if (!gtk_widget_get_mapped (c) || GTK_IS_NATIVE (c))
        continue;
      if (g_str_has_prefix (G_OBJECT_TYPE_NAME (c), "Bl") && klass->snapshot != parent->snapshot)
        {
          GtkSnapshot *snapshot = gtk_snapshot_new ();
          GskRenderNode *node;
          GPtrArray *texts;

          bl_text_record_start ();
          klass->snapshot (c, snapshot);
          node = gtk_snapshot_free_to_node (snapshot);
          g_clear_pointer (&node, gsk_render_node_unref);
          texts = bl_text_record_stop ();
          for (guint i = 0; i < texts->len; i++)
            {
              BlTextRecord *r = g_ptr_array_index (texts, i);
              g_strdelimit (r->text, "\n", '/');   /* one line a failure */
              g_ptr_array_add (owners, c);
              g_ptr_array_add (owners, g_ptr_array_index (texts, i));
            }
          g_ptr_array_set_free_func (texts, NULL);
          g_ptr_array_unref (texts);
        }
      record_drawings (c, owners);
    }
}

static gboolean
boxes_meet (const BlTextRecord *a, const BlTextRecord *b)
{
  double w = MIN (a->x + a->width, b->x + b->width) - MAX (a->x, b->x);
  double h = MIN (a->y + a->height, b->y + b->height) - MAX (a->y, b->y);
  return w > 1 && h > 1;
}

/* Text drawn by our drawing widgets: none cut at its drawing's edge, none over another in the
 * same drawing, and none smaller than @min_px (a projector's back row). */
static void
check_drawn_text (GtkWidget *window, const char *where, double min_px, Screens *s)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();   /* widget, record, widget, record… */

  record_drawings (window, found);
  for (guint i = 0; i < found->len; i += 2)
    {
      GtkWidget *w = found->pdata[i];
      BlTextRecord *r = found->pdata[i + 1];
      const char *type = G_OBJECT_TYPE_NAME (w);

      if (r->x < r->clip_x - 1 || r->y < r->clip_y - 1 ||
          r->x + r->width > r->clip_x + r->clip_width + 1 ||
          r->y + r->height > r->clip_y + r->clip_height + 1)
        g_string_append_printf (s->failures, "%s: %s's “%s” (%.0f×%.0f at %.0f,%.0f) is cut at "
                                "its edge (%.0f×%.0f)\n", where, type, r->text, r->width,
                                r->height, r->x, r->y, r->clip_width, r->clip_height);
      if (r->px < min_px - 0.01)
        g_string_append_printf (s->failures, "%s: %s's “%s” is %.1f px, under %.1f px\n", where,
                                type, r->text, r->px, min_px);
      for (guint j = i + 2; j < found->len; j += 2)
        {
          BlTextRecord *q = found->pdata[j + 1];
          if (q->drawing == r->drawing && found->pdata[j] == w && boxes_meet (r, q))
            g_string_append_printf (s->failures, "%s: %s's “%s” and “%s” overlap\n", where,
                                    type, r->text, q->text);
        }
    }
  for (guint i = 1; i < found->len; i += 2)
    {
      BlTextRecord *r = found->pdata[i];
      g_free (r->text);
      g_free (r);
    }
}

/* The content's minimum size against the screen's. */
static void
check_fits (GtkWidget *window, int width, int height, const char *where, Screens *s)
{
  int min_w, min_h;

  gtk_widget_measure (window, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (window, GTK_ORIENTATION_VERTICAL, width, &min_h, NULL, NULL, NULL);
  if (min_w > width || min_h > height)
    {
      g_string_append_printf (s->failures, "%s: needs at least %d×%d, more than the screen",
                              where, min_w, min_h);
      /* Which page asks for it: a stack is as large as its largest page. */
      if (BL_IS_WINDOW (window))
        {
          GtkWidget *pages[] = { GTK_WIDGET (bl_window_get_backprop_page (BL_WINDOW (window))),
                                 bl_window_get_mnist_page (BL_WINDOW (window)) };
          for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
            {
              int pw, ph;
              gtk_widget_measure (pages[i], GTK_ORIENTATION_HORIZONTAL, -1, &pw, NULL, NULL,
                                  NULL);
              gtk_widget_measure (pages[i], GTK_ORIENTATION_VERTICAL, width, &ph, NULL, NULL,
                                  NULL);
              g_string_append_printf (s->failures, "; %s %d×%d", G_OBJECT_TYPE_NAME (pages[i]),
                                      pw, ph);
            }
        }
      g_string_append_c (s->failures, '\n');
    }
}

static void
look (Screens *s, GtkWidget *window, int width, int height, const char *config,
      const char *view)
{
  /* The smallest legible type: its share of the window's body type (14 px in projector mode). */
  double min_px = bl_text_font_px (gtk_widget_get_pango_context (window)) * BL_TEXT_MIN_SHARE;
  g_autofree char *where = g_strdup_printf ("%s %s", config, view);
  const char *dir = g_getenv ("BL_SCREENS_DIR");

  g_assert_true (bl_test_wait_for_draw (window));
  check_fits (window, width, height, where, s);
  check_inside (window, where, s);
  check_labels (window, where, s);
  check_overlays (window, where, s);
  check_matrices (window, where, s);
  check_drawn_text (window, where, min_px, s);
  s->checked++;
  if (dir && *dir)
    {
      g_autofree char *name = g_strdup_printf ("%s-%s.png", config, view);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_true (bl_test_save_window_png (window, path));
    }
}

static void
show_mnist_view (Screens *s, const char *name)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (bl_mnist_page_get_run_view (s->page)),
                                              GTK_TYPE_STACK);

  gtk_widget_activate_action (GTK_WIDGET (s->window), "win.show-page", "s", "mnist");
  gtk_stack_set_visible_child_name (GTK_STACK (stack), name);
}

/* The states worth looking at, made once: a short run, a digit, three rates compared. */
static void
prepare (Screens *s)
{
  const double stroke[] = { 150, 50, 130, 150, 120, 240 };
  const double rates[] = { 0.01, 0.05, 0.2 };
  NnRecipe r;

  bl_data_panel_load (bl_mnist_page_get_data_panel (s->page), g_getenv ("BL_TEST_MNIST_FIXTURE"));
  g_assert_true (bl_test_iterate_until (has_data, s->page, 60));
  nn_recipe_init_plain (&r);
  r.lr = 0.05;
  r.epochs = 1;
  r.batch = 64;
  r.train_subset = 640;
  r.threads = 2;
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (s->page), &r);
  g_assert_true (bl_mnist_page_run_rates (s->page, rates, G_N_ELEMENTS (rates), NULL));
  g_assert_true (bl_test_iterate_until (queue_done, s->page, 240));
  r.epochs = 3;
  r.train_subset = 1920;
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (s->page), &r);
  g_assert_true (bl_mnist_page_start (s->page, NULL));
  g_assert_true (bl_test_iterate_until (idle_and_shown, s->page, 240));
  bl_digit_pad_stroke (bl_try_it_get_pad (bl_mnist_page_get_try_it (s->page)), stroke, 3);
  /* Inside: conv2's maps for the strip's first digit, a value on its border taken apart. */
  g_assert_true (bl_test_iterate_until (inside_ready, bl_mnist_page_get_inside_view (s->page),
                                        120));
  bl_inside_view_select_map (bl_mnist_page_get_inside_view (s->page), 4);
  bl_inside_view_select_pixel (bl_mnist_page_get_inside_view (s->page), 5, 0, 27);
}

static void
test_every_screen (void)
{
  Screens s = { 0 };
  g_autoptr(GError) error = NULL;

  s.failures = g_string_new (NULL);
  s.app = bl_application_new ();
  g_application_set_flags (G_APPLICATION (s.app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (s.app), NULL, &error));
  g_application_activate (G_APPLICATION (s.app));
  s.window = BL_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (s.app)));
  s.settings = bl_application_get_settings (s.app);
  g_assert_nonnull (s.settings);
  s.page = BL_MNIST_PAGE (bl_window_get_mnist_page (s.window));
  prepare (&s);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint projector = 0; projector < 2; projector++)
      for (guint dark = 0; dark < 2; dark++)
        {
          int w = sizes[i][0], h = sizes[i][1];
          g_autofree char *config = g_strdup_printf ("%dx%d-%s-%s", w, h,
                                                     projector ? "projector" : "normal",
                                                     dark ? "dark" : "light");
          BlPreferences *prefs;
          BlDigitGrid *grid;
          BlBackpropPage *bp = bl_window_get_backprop_page (s.window);
          BlStepThrough *walk = bl_backprop_page_get_step_through (bp);

          g_settings_set_boolean (s.settings, "projector-mode", projector);
          g_settings_set_string (s.settings, "theme", dark ? "dark" : "light");
          gtk_window_unmaximize (GTK_WINDOW (s.window));
          gtk_window_set_default_size (GTK_WINDOW (s.window), w, h);
          bl_test_iterate_until (never, NULL, 0.2);

          gtk_widget_activate_action (GTK_WIDGET (s.window), "win.show-page", "s", "backprop");
          look (&s, GTK_WIDGET (s.window), w, h, config, "backprop");
          /* Predict, then reveal: the next row's output gradients hidden, the panel open. */
          bl_backprop_page_set_predicting (bp, TRUE);
          look (&s, GTK_WIDGET (s.window), w, h, config, "backprop-predict");
          bl_backprop_page_set_predicting (bp, FALSE);
          /* The walk through one iteration, at a δ of the backward sweep. */
          bl_step_through_set_active (walk, TRUE);
          bl_step_through_move (walk, -1000);
          while (bl_step_through_get_step (walk)->phase == BL_TOY_PHASE_FORWARD ||
                 bl_step_through_get_step (walk)->column < BL_TOY_N_COLS)
            g_assert_true (bl_step_through_move (walk, 1));
          look (&s, GTK_WIDGET (s.window), w, h, config, "backprop-walk");
          bl_step_through_set_active (walk, FALSE);
          /* The network with bias units (the preset drop-down's), not walking. */
          bl_backprop_page_set_preset (bp, BL_TOY_PRESET_WITH_BIASES);
          look (&s, GTK_WIDGET (s.window), w, h, config, "backprop-biases");
          bl_backprop_page_set_preset (bp, BL_TOY_PRESET_CLASSROOM);
          /* On a narrow screen a run folds the data and recipe away (the page's policy): the
           * views after a run are seen that way. */
          g_object_set (s.page, "sidebar-visible",
                        w >= bl_mnist_page_get_narrow_width (s.page), NULL);
          show_mnist_view (&s, "run");
          look (&s, GTK_WIDGET (s.window), w, h, config, "mnist-run");
          show_mnist_view (&s, "try");
          look (&s, GTK_WIDGET (s.window), w, h, config, "mnist-try-it");
          show_mnist_view (&s, "inside");
          look (&s, GTK_WIDGET (s.window), w, h, config, "mnist-inside");
          show_mnist_view (&s, "compare");
          look (&s, GTK_WIDGET (s.window), w, h, config, "mnist-compare");
          show_mnist_view (&s, "run");

          prefs = bl_preferences_new (GTK_WINDOW (s.window), s.settings);
          gtk_window_present (GTK_WINDOW (prefs));
          look (&s, GTK_WIDGET (prefs), w, h, config, "preferences");
          gtk_window_destroy (GTK_WINDOW (prefs));

          grid = bl_mnist_page_open_cell (s.page, 4, 9, 3);
          g_assert_nonnull (grid);
          look (&s, gtk_widget_get_ancestor (GTK_WIDGET (grid), GTK_TYPE_WINDOW), w, h, config,
                "cell-digits");
          gtk_window_destroy (GTK_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (grid),
                                                                   GTK_TYPE_WINDOW)));
        }

  g_test_message ("%u screens checked", s.checked);
  if (s.failures->len)
    g_test_message ("%s", s.failures->str);
  g_assert_cmpuint (s.failures->len, ==, 0);
  g_settings_reset (s.settings, "projector-mode");
  g_settings_reset (s.settings, "theme");
  gtk_window_destroy (GTK_WINDOW (s.window));
  g_string_free (s.failures, TRUE);
  g_object_unref (s.app);
}

int
main (int argc, char **argv)
{
  bl_test_isolate_dirs ();
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/screens/every-screen", test_every_screen);
  return g_test_run ();
}
