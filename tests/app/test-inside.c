/* test-inside.c: the Inside view on the MNIST page under Xvfb, during and after a short run on
 * the fixture: the strip's answers arrive while it trains; the maps shown are the engine's
 * activations for the digit, bit for bit; a clicked value's breakdown is shown and adds up;
 * the layer table opens a layer; the gradient check answers. With BL_SCREENS_DIR set, the view
 * is saved as PNGs (normal and projector mode) for a person to look at. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <math.h>
#include <string.h>

#include "config.h"
#include "mnist/bl-mnist-page.h"
#include "nn-inspect.h"
#include "test-app-env.h"
#include "test-utils.h"

static gboolean
has_data (gpointer p)
{
  return bl_data_panel_get_dataset (bl_mnist_page_get_data_panel (p)) != NULL;
}

static gboolean
done_and_idle (gpointer p)
{
  return !bl_mnist_page_is_busy (p) && bl_mnist_page_is_view_current (p)
         && bl_inside_view_is_idle (bl_mnist_page_get_inside_view (p))
         && bl_inside_view_get_capture (bl_mnist_page_get_inside_view (p)) != NULL;
}

static gboolean
inside_idle (gpointer p)
{
  return bl_inside_view_is_idle (p);
}


static void
save (GtkWidget *window, const char *name)
{
  const char *dir = g_getenv ("BL_SCREENS_DIR");
  if (dir && *dir)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_assert_true (bl_test_wait_for_draw (window));
      g_assert_true (bl_test_save_window_png (window, path));
    }
}

static gboolean never (gpointer p) { return FALSE; }

/* The first widget of @type under @root. */
static GtkWidget *
find_widget (GtkWidget *root, GType type)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
      if ((found = find_widget (w, type)) != NULL)
        return found;
    }
  return NULL;
}

/* The first button under @root whose label is @label. */
static GtkWidget *
find_button (GtkWidget *root, const char *label)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w; w = gtk_widget_get_next_sibling (w))
    {
      GtkWidget *found;
      if (GTK_IS_BUTTON (w) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), label) == 0)
        return w;
      if ((found = find_button (w, label)) != NULL)
        return found;
    }
  return NULL;
}

/* Scrolls the Inside view so that its descendant of type @type (the @nth) is at the top. */
static void
scroll_to (BlInsideView *inside, GType type, guint nth)
{
  GtkWidget *scrolled = gtk_widget_get_first_child (GTK_WIDGET (inside));
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  if (GTK_IS_VIEWPORT (content))
    content = gtk_viewport_get_child (GTK_VIEWPORT (content));
  GtkWidget *target = NULL;
  double x, y;

  target = bl_test_find_descendant (content, type, nth);
  g_assert_nonnull (target);
  bl_test_iterate_until (never, NULL, 0.3);   /* laid out, so the adjustment knows its range */
  g_assert_true (gtk_widget_translate_coordinates (target, content, 0, 0, &x, &y));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                            y - 8);
}

static void
test_inside_a_run (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *window = gtk_window_new ();
  BlMnistPage *page = BL_MNIST_PAGE (bl_mnist_page_new ());
  BlInsideView *inside = bl_mnist_page_get_inside_view (page);
  GtkWidget *stack;
  const NnCapture *cap;
  NnModel *m;
  NnCapture *mine;
  NnRecipe r;
  BlTrainingRun *run;
  BlEpoch *epoch;
  float x[NN_IMAGE_SIZE];
  guint32 strip[NN_INSPECT_STRIP];
  const NnDataset *data;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  gtk_window_present (GTK_WINDOW (window));
  bl_mnist_page_set_settings (page, settings);
  bl_data_panel_load (bl_mnist_page_get_data_panel (page), g_getenv ("BL_TEST_MNIST_FIXTURE"));
  g_assert_true (bl_test_iterate_until (has_data, page, 60));
  stack = gtk_widget_get_ancestor (GTK_WIDGET (inside), GTK_TYPE_STACK);
  gtk_stack_set_visible_child_name (GTK_STACK (stack), "inside");

  nn_recipe_init_plain (&r);
  r.lr = 0.05;
  r.epochs = 2;
  r.batch = 64;
  r.train_subset = 1280;
  r.test_subset = 200;
  r.threads = 2;
  r.dropout = 0.05;   /* not the architecture's 0.25: the tools below drop at this rate */
  bl_recipe_form_set_recipe (bl_mnist_page_get_recipe_form (page), &r);
  g_assert_true (bl_mnist_page_start (page, NULL));
  g_assert_true (bl_test_iterate_until (done_and_idle, page, 240));
  /* Eight times an epoch, two epochs: the strip updated while the network trained. */
  g_test_message ("strip updated %u times", bl_inside_view_get_strip_updates (inside));
  g_assert_cmpuint (bl_inside_view_get_strip_updates (inside), >=, 2);

  /* The maps shown are the engine's for the strip's first digit with the last epoch's state. */
  run = bl_mnist_page_get_run (page);
  epoch = bl_training_run_get_latest_epoch (run);
  data = bl_training_run_get_data (run);
  g_assert_cmpuint (nn_inspect_choose_strip (&data->test, strip), ==, NN_INSPECT_STRIP);
  {
    guint8 y;
    nn_split_fill_batch (&data->test, strip, 1, x, &y, NULL);
  }
  m = nn_model_new (1, 1, 1, NULL);
  g_assert_true (nn_model_set_state (m, bl_epoch_get_state (epoch), NULL));
  mine = nn_inspect_capture (m, x);
  cap = bl_inside_view_get_capture (inside);
  g_assert_cmpuint (cap->n_maps, ==, mine->n_maps);
  for (guint i = 0; i < cap->n_maps; i++)
    g_assert_cmpmem (cap->maps[i].data,
                     sizeof (float) * cap->maps[i].c * cap->maps[i].h * cap->maps[i].w,
                     mine->maps[i].data,
                     sizeof (float) * mine->maps[i].c * mine->maps[i].h * mine->maps[i].w);
  save (window, "inside-1280x720-normal-strip.png");

  /* The layer table's third row (conv1's ReLU… its BN) opens that layer; a border value of
   * conv2 is taken apart, and the text ends on the map's value. */
  bl_inside_view_select_map (inside, 4);   /* conv2: input, conv1, bn1, relu, conv2 */
  g_assert_cmpint (cap->maps[4].kind, ==, NN_MAP_CONV);
  bl_inside_view_select_pixel (inside, 5, 0, 27);
  {
    NnExplain e;
    char value[32];
    g_assert_true (nn_inspect_explain (m, mine, 4, 5, 0, 27, &e));
    g_snprintf (value, sizeof value, "%+.6f", e.result);
    g_test_message ("%s", bl_inside_view_get_explanation (inside));
    g_assert_nonnull (strstr (bl_inside_view_get_explanation (inside), value));
    g_assert_nonnull (strstr (bl_inside_view_get_explanation (inside), "pad"));
    g_assert_cmpfloat (fabs (e.result - e.value), <, 1e-4);
  }
  bl_test_iterate_until (never, page, 0.3);
  scroll_to (inside, g_type_from_name ("BlFeatureMaps"), 0);
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1280x720-normal-conv2.png");
  scroll_to (inside, GTK_TYPE_SCROLLED_WINDOW, 0);   /* the breakdown */
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1280x720-normal-conv2-breakdown.png");
  scroll_to (inside, g_type_from_name ("BlFeatureMaps"), 1);   /* the filters, then the maps */
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1280x720-normal-filters-saliency.png");

  /* Is each layer learning: ten layers' curves, and the histograms of conv1 per epoch. */
  scroll_to (inside, g_type_from_name ("BlChart"), 0);
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1280x720-normal-learning.png");

  /* This Run's replay slider moved back to epoch 1: the Inside view looks into epoch 1's
   * network (other filters, its name in the source and the maps' title, its histogram curve
   * in colour and the other faded); back on epoch 2, the live network again. */
  {
    GtkWidget *scale = find_widget (GTK_WIDGET (bl_mnist_page_get_run_view (page)),
                                    GTK_TYPE_SCALE);
    BlFeatureMaps *filters = bl_inside_view_get_filters (inside);
    BlChart *hist = bl_inside_view_get_histograms (inside);
    g_autofree float *live = NULL;
    const float *shown;
    int c, h, w, c1, h1, w1;
    GdkRGBA first, second;

    g_assert_nonnull (scale);
    bl_inside_view_select_map (inside, 1);   /* conv1: its sixteen kernels */
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    shown = bl_feature_maps_get_data (filters, &c, &h, &w);
    g_assert_nonnull (shown);
    live = g_memdup2 (shown, sizeof (float) * c * h * w);
    g_assert_nonnull (strstr (bl_inside_view_get_source (inside), "epoch 2"));
    g_assert_cmpuint (bl_chart_get_n_series (hist), ==, 2);   /* epochs 1 and 2 */

    gtk_range_set_value (GTK_RANGE (scale), 1);
    g_assert_cmpuint (bl_run_view_get_replayed_epoch (bl_mnist_page_get_run_view (page)), ==, 1);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_test_message ("replayed: %s", bl_inside_view_get_source (inside));
    g_assert_nonnull (strstr (bl_inside_view_get_source (inside), "epoch 1 (replayed)"));
    shown = bl_feature_maps_get_data (filters, &c1, &h1, &w1);
    g_assert_cmpint (c1 * h1 * w1, ==, c * h * w);
    g_assert_true (memcmp (shown, live, sizeof (float) * c * h * w) != 0);
    {
      /* Epoch 1's own conv1 kernels. */
      NnModel *m1 = nn_model_new (1, 1, 1, NULL);
      g_autoptr(GArray) tensors = NULL;
      g_autoptr(BlEpoch) e1 = g_list_model_get_item (bl_training_run_get_history (run), 0);
      g_assert_true (nn_model_set_state (m1, bl_epoch_get_state (e1), NULL));
      tensors = nn_model_tensors (m1);
      g_assert_cmpstr (g_array_index (tensors, NnTensorView, 0).name, ==, "conv1.weight");
      g_assert_cmpmem (shown, sizeof (float) * c * h * w,
                       g_array_index (tensors, NnTensorView, 0).data, sizeof (float) * c * h * w);
      nn_model_free (m1);
    }
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_assert_nonnull (strstr (bl_feature_maps_get_title (
                        BL_FEATURE_MAPS (find_widget (GTK_WIDGET (inside),
                                                      BL_TYPE_FEATURE_MAPS))),
                      "epoch 1 (replayed)"));
    g_assert_cmpuint (bl_chart_get_n_series (hist), ==, 2);
    bl_chart_get_series_color (hist, 0, &first);
    bl_chart_get_series_color (hist, 1, &second);
    g_assert_cmpfloat (first.alpha, >, second.alpha);
    save (window, "inside-1280x720-normal-replayed-epoch1.png");

    gtk_range_set_value (GTK_RANGE (scale), 2);
    g_assert_cmpuint (bl_run_view_get_replayed_epoch (bl_mnist_page_get_run_view (page)), ==, 0);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_assert_null (strstr (bl_inside_view_get_source (inside), "replayed"));
    shown = bl_feature_maps_get_data (filters, &c1, &h1, &w1);
    g_assert_cmpmem (shown, sizeof (float) * c1 * h1 * w1, live, sizeof (float) * c * h * w);
    bl_chart_get_series_color (hist, 0, &first);
    g_assert_cmpfloat (first.alpha, ==, second.alpha > 0.5 ? second.alpha : 1.0);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));

  }

  /* The gradient check answers. */
  gtk_widget_activate_action (GTK_WIDGET (inside), "inside.check-gradient", NULL);
  g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
  g_test_message ("%s", bl_inside_view_get_check_text (inside));
  g_assert_nonnull (strstr (bl_inside_view_get_check_text (inside), "ε = 0.001"));

  /* A parameter chosen by its number: conv2's weight 3·(in·9) + 1·9 + 0·3 + 2 is the one
   * checked, and named. */
  {
    NnParamLayer layers[NN_INSPECT_MAX_PARAM_LAYERS];
    guint n = nn_inspect_param_layers (m, layers, G_N_ELEMENTS (layers)), conv2 = n;
    gsize per_out, index;
    char name[64];

    for (guint l = 0; l < n; l++)
      if (g_str_equal (layers[l].name, "conv2"))
        conv2 = l;
    g_assert_cmpuint (conv2, <, n);
    per_out = layers[conv2].n_weights / (layers[conv2].size - layers[conv2].n_weights);
    index = 3 * per_out + 1 * 9 + 0 * 3 + 2;
    bl_inside_view_choose_param (inside, conv2, (int) index);
    gtk_widget_activate_action (GTK_WIDGET (inside), "inside.check-gradient", NULL);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_snprintf (name, sizeof name, "conv2 weight [3, 1, 0, 2] on a batch");
    g_test_message ("%s", bl_inside_view_get_check_text (inside));
    g_assert_nonnull (strstr (bl_inside_view_get_check_text (inside), name));
    {
      /* Dropout's mask fixed at the run's rate: the analytic gradient shown is the one this
       * state computes at 0.05 on the first 8 training images, not the one at 0.25. */
      float xb[8 * NN_IMAGE_SIZE];
      guint8 yb[8];
      guint32 first8[8];
      const float rates[2] = { 0.05f, 0.25f };
      NnModel *ref = nn_model_new (1, 8, 1, NULL);

      for (guint i = 0; i < 8; i++)
        first8[i] = i;
      nn_split_fill_batch (&data->train, first8, 8, xb, yb, NULL);
      g_assert_true (nn_model_set_state (ref, bl_epoch_get_state (epoch), NULL));
      for (guint k = 0; k < 2; k++)
        {
          NnGradCheck chk;
          char analytic[64];
          nn_model_set_dropout (ref, rates[k]);
          g_assert_true (nn_inspect_check_param (ref, xb, yb, 8, 0, layers[conv2].offset + index,
                                                 1e-3, &chk, NULL));
          g_snprintf (analytic, sizeof analytic, "(backprop) %.6g ", chk.analytic);
          g_test_message ("at %g: %s", rates[k], analytic);
          if (k == 0)
            g_assert_nonnull (strstr (bl_inside_view_get_check_text (inside), analytic));
          else
            g_assert_null (strstr (bl_inside_view_get_check_text (inside), analytic));
        }
      nn_model_free (ref);
      g_assert_nonnull (strstr (bl_inside_view_get_check_text (inside), "(dropout p = 0.05,"));
    }
    /* Its bias 5 comes after its weights. */
    bl_inside_view_choose_param (inside, conv2, (int) (layers[conv2].n_weights + 5));
    gtk_widget_activate_action (GTK_WIDGET (inside), "inside.check-gradient", NULL);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_assert_nonnull (strstr (bl_inside_view_get_check_text (inside), "conv2 bias [5] on"));
    scroll_to (inside, GTK_TYPE_SPIN_BUTTON, 0);
    save (window, "inside-1280x720-normal-check.png");
    bl_inside_view_choose_param (inside, n, -1);
  }

  /* A digit behind a cell of the confusion matrix, looked into: selected, then Look Inside
   * in the cell window; the Inside tab shows its maps. */
  {
    BlDigitGrid *grid = NULL;
    GtkWidget *button;
    const BlDigitItem *item;
    float expected[NN_IMAGE_SIZE];
    guint8 label = 0, y;
    guint32 first = 0;

    for (int t = 0; t < 10 && (grid == NULL || bl_digit_grid_get_n_items (grid) == 0); t++)
      grid = bl_mnist_page_open_cell (page, t, t, 2);
    g_assert_nonnull (grid);
    g_assert_cmpuint (bl_digit_grid_get_n_items (grid), >, 0);
    button = find_button (gtk_widget_get_ancestor (GTK_WIDGET (grid), GTK_TYPE_WINDOW),
                          "Look _Inside");
    g_assert_nonnull (button);
    g_assert_false (gtk_widget_get_sensitive (button));   /* nothing selected yet */
    gtk_stack_set_visible_child_name (GTK_STACK (stack), "run");
    item = bl_digit_grid_get_item (grid, MIN (1, bl_digit_grid_get_n_items (grid) - 1));
    bl_digit_grid_set_selected (grid, (int) MIN (1, bl_digit_grid_get_n_items (grid) - 1));
    g_assert_true (gtk_widget_get_sensitive (button));
    save (gtk_widget_get_ancestor (GTK_WIDGET (grid), GTK_TYPE_WINDOW),
          "cell-digits-selected.png");
    g_signal_emit_by_name (button, "clicked");
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "inside");
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    {
      const NnSplit one = { 1, (guint8 *) item->pixels, &label };
      nn_split_fill_batch (&one, &first, 1, expected, &y, NULL);
    }
    cap = bl_inside_view_get_capture (inside);
    g_assert_cmpmem (cap->maps[0].data, sizeof expected, expected, sizeof expected);
    gtk_window_destroy (GTK_WINDOW (gtk_widget_get_ancestor (GTK_WIDGET (grid),
                                                             GTK_TYPE_WINDOW)));
  }

  /* Try It's switches: the image's own statistics change the answer's probabilities; dropout
   * on answers after its 30 passes, with their spread. */
  {
    const double stroke[] = { 150, 50, 130, 150, 120, 240 };
    BlTryIt *try_it = bl_mnist_page_get_try_it (page);
    gtk_stack_set_visible_child_name (GTK_STACK (stack), "try");
    bl_digit_pad_stroke (bl_try_it_get_pad (try_it), stroke, 3);
    g_assert_cmpint (bl_try_it_get_prediction (try_it), >=, 0);
    bl_try_it_set_modes (try_it, TRUE, FALSE);
    g_assert_cmpint (bl_try_it_get_prediction (try_it), >=, 0);
    bl_try_it_set_modes (try_it, FALSE, TRUE);
    g_assert_false (bl_try_it_is_idle (try_it));
    g_assert_true (bl_test_iterate_until ((BlTestDoneFunc) bl_try_it_is_idle, try_it, 60));
    g_assert_cmpint (bl_try_it_get_prediction (try_it), >=, 0);
    {
      /* The passes drop at the run's rate: the whiskers are those of 30 passes of this state
       * at 0.05, bit for bit, and not those at 0.25. */
      const float rates[2] = { 0.05f, 0.25f };
      float lo[NN_CLASSES], hi[NN_CLASSES];
      g_autofree float *probs = g_new (float, 30 * NN_CLASSES);
      NnDigitStages drawn = { 0 };
      guint cw, ch;
      const float *canvas = bl_digit_pad_get_canvas (bl_try_it_get_pad (try_it), &cw, &ch);
      NnModel *ref = nn_model_new (1, 1, 1, NULL);

      g_assert_true (bl_digit_stages_get_spread (bl_try_it_get_stages (try_it), lo, hi));
      g_assert_true (nn_digit_preprocess (canvas, cw, ch, &drawn, NULL));
      g_assert_true (nn_model_set_state (ref, bl_epoch_get_state (epoch), NULL));
      for (guint k = 0; k < 2; k++)
        {
          float want_lo[NN_CLASSES], want_hi[NN_CLASSES];
          nn_model_set_dropout (ref, rates[k]);
          nn_inspect_dropout_passes (ref, drawn.normalised, 30, probs);
          for (int c = 0; c < NN_CLASSES; c++)
            {
              want_lo[c] = want_hi[c] = probs[c];
              for (int i = 1; i < 30; i++)
                {
                  want_lo[c] = MIN (want_lo[c], probs[i * NN_CLASSES + c]);
                  want_hi[c] = MAX (want_hi[c], probs[i * NN_CLASSES + c]);
                }
            }
          if (k == 0)
            {
              g_assert_cmpmem (lo, sizeof lo, want_lo, sizeof want_lo);
              g_assert_cmpmem (hi, sizeof hi, want_hi, sizeof want_hi);
            }
          else
            g_assert_true (memcmp (lo, want_lo, sizeof lo) != 0
                           || memcmp (hi, want_hi, sizeof hi) != 0);
        }
      nn_model_free (ref);
      nn_digit_stages_clear (&drawn);
    }
    save (window, "try-it-1280x720-normal-dropout.png");
    bl_try_it_set_modes (try_it, FALSE, FALSE);
    /* Look Inside: the drawing's maps on the Inside tab. */
    gtk_widget_activate_action (GTK_WIDGET (try_it), "try.look-inside", NULL);
    g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "inside");
    g_assert_false (bl_inside_view_is_idle (inside));
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    cap = bl_inside_view_get_capture (inside);
    g_assert_cmpint (cap->predicted, ==, bl_try_it_get_prediction (try_it));
    {
      /* Its input map is the drawing as Try It prepared it. */
      NnCapture *drawn = nn_inspect_capture (m, cap->maps[0].data);
      g_assert_cmpmem (drawn->probs, sizeof drawn->probs, cap->probs, sizeof cap->probs);
      nn_capture_free (drawn);
    }
  }

  /* Projector mode. */
  g_settings_set_boolean (settings, "projector-mode", TRUE);
  bl_inside_view_select_map (inside, 2);   /* bn1 */
  bl_inside_view_select_pixel (inside, 3, 14, 14);
  g_assert_nonnull (strstr (bl_inside_view_get_explanation (inside), "running mean"));
  bl_test_iterate_until (never, page, 0.3);
  scroll_to (inside, g_type_from_name ("BlFeatureMaps"), 0);
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1280x720-projector-bn1.png");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  bl_inside_view_select_map (inside, cap->n_maps - 1);
  bl_inside_view_select_pixel (inside, 0, 0, 0);
  bl_test_iterate_until (never, page, 0.3);
  scroll_to (inside, g_type_from_name ("BlFeatureMaps"), 0);
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1024x600-projector-softmax.png");
  scroll_to (inside, GTK_TYPE_SCROLLED_WINDOW, 0);
  bl_test_iterate_until (never, page, 0.3);
  save (window, "inside-1024x600-projector-softmax-breakdown.png");
  /* The gradient check's row at the smallest and the largest screens, projector mode on. */
  bl_inside_view_choose_param (inside, 4, 7);
  scroll_to (inside, GTK_TYPE_SPIN_BUTTON, 0);
  save (window, "inside-1024x600-projector-check.png");
  gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
  bl_test_iterate_until (never, page, 0.3);
  scroll_to (inside, GTK_TYPE_SPIN_BUTTON, 0);
  save (window, "inside-1920x1080-projector-check.png");
  g_settings_reset (settings, "projector-mode");
  scroll_to (inside, GTK_TYPE_SPIN_BUTTON, 0);
  save (window, "inside-1920x1080-normal-check.png");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
  bl_test_iterate_until (never, page, 0.3);
  scroll_to (inside, GTK_TYPE_SPIN_BUTTON, 0);
  save (window, "inside-1024x600-normal-check.png");

  /* Last (it changes the network the rest looks at): a network that arrives while an epoch is
   * replayed (a running run's next epoch; here a model opened) joins the histograms all the
   * same, and the replay stays on screen. */
  {
    GtkWidget *scale = find_widget (GTK_WIDGET (bl_mnist_page_get_run_view (page)),
                                    GTK_TYPE_SCALE);
    BlChart *hist = bl_inside_view_get_histograms (inside);
    g_autoptr(GBytes) bundled = g_resources_lookup_data (BL_BUNDLED_MODEL_RESOURCE, 0, NULL);
    g_autofree char *path = g_build_filename (g_get_tmp_dir (), "bl-test-replay.blckpt", NULL);
    gsize size;
    const char *bytes = g_bytes_get_data (bundled, &size);

    g_assert_true (g_file_set_contents (path, bytes, (gssize) size, NULL));
    gtk_range_set_value (GTK_RANGE (scale), 1);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_assert_true (bl_mnist_page_load_model (page, path, NULL));
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_assert_nonnull (strstr (bl_inside_view_get_source (inside), "epoch 1 (replayed)"));
    g_assert_cmpuint (bl_chart_get_n_series (hist), ==, 3);
    gtk_range_set_value (GTK_RANGE (scale), 2);
    g_assert_true (bl_test_iterate_until (inside_idle, inside, 60));
    g_unlink (path);
  }

  nn_capture_free (mine);
  nn_model_free (m);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  bl_test_isolate_dirs ();
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/inside/a-run", test_inside_a_run);
  return g_test_run ();
}
