/* test-widgets.c: the chart and the network diagram render what they are given. */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <sys/stat.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/bl-chart.h"
#include "widgets/bl-file-chooser.h"
#include "widgets/bl-network-view.h"
#include "test-utils.h"
#include "widgets/bl-confusion-view.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-tile-grid.h"

static char *
out_path (const char *name)
{
  /* Kept in the build dir so a person can look at them after the run. */
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                           name, NULL);
}

static BlChart *
loss_chart (guint n_points)
{
  static const double lrs[] = { 0.1, 0.2, 0.5, 0.8, 1.0, 2.0 };
  BlChart *chart = BL_CHART (g_object_ref_sink (bl_chart_new ()));
  double *y = g_new (double, n_points);

  bl_chart_set_title (chart, "Loss");
  bl_chart_set_x_label (chart, "epoch");
  bl_chart_set_y_label (chart, "E_total");
  for (guint i = 0; i < G_N_ELEMENTS (lrs); i++)
    {
      GdkRGBA c;
      g_autofree char *label = g_strdup_printf ("η = %g", lrs[i]);
      guint id;
      bl_palette_color (i, &c);
      id = bl_chart_add_series (chart, label, &c, BL_CHART_LINE_SOLID);
      for (guint k = 0; k < n_points; k++)
        y[k] = 0.2425 * exp (-lrs[i] * k * 40.0 / n_points * (1 + 0.05 * sin (k * 0.01)));
      bl_chart_series_set_data (chart, id, NULL, y, n_points);
    }
  g_free (y);
  return chart;
}

/* No two rates of a list of up to eight share a colour, whatever the rates (repeats and the
 * order included), and the colours follow the rates' order. */
static void
test_palette_slots (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  guint size = bl_palette_size ();

  g_assert_cmpuint (size, ==, 8);
  for (guint trial = 0; trial < 2000; trial++)
    {
      guint n = 1 + trial % size, slots[8];
      double rates[8];
      guint32 seen = 0;

      for (guint i = 0; i < n; i++)
        {
          /* A few values drawn often, so equal rates come up. */
          static const double common[] = { 0.1, 0.5, 2.0 };
          rates[i] = g_rand_int_range (rand, 0, 3) == 0
                     ? common[g_rand_int_range (rand, 0, 3)]
                     : pow (10, g_rand_double_range (rand, -4, 1));
          if (trial % 97 == 0 && i == 0)
            rates[i] = NAN;
        }
      bl_palette_slots_for_rates (rates, n, slots);
      for (guint i = 0; i < n; i++)
        {
          GdkRGBA c;
          g_assert_cmpuint (slots[i], <, n);
          g_assert_false (seen & (1u << slots[i]));
          seen |= 1u << slots[i];
          bl_palette_color (slots[i], &c);
          for (guint j = 0; j < n; j++)
            if (!isnan (rates[i]) && !isnan (rates[j]) && rates[j] < rates[i])
              g_assert_cmpuint (slots[j], <, slots[i]);
        }
    }
  /* The eight colours are eight colours. */
  for (guint i = 0; i < size; i++)
    for (guint j = i + 1; j < size; j++)
      {
        GdkRGBA a, b;
        bl_palette_color (i, &a);
        bl_palette_color (j, &b);
        g_assert_false (gdk_rgba_equal (&a, &b));
      }
  g_rand_free (rand);
}

/* The counts fit their cells at the sizes a page gives the matrix, four-digit counts and
 * projector mode included (projector mode once drew shaded squares without a number), and the
 * widest count's real text fits a cell. */
static void
test_confusion_counts_fit (void)
{
  BlConfusionView *view = BL_CONFUSION_VIEW (g_object_ref_sink (bl_confusion_view_new ()));
  const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
  /* The heights the MNIST page gives it from 1024×600 to 1920×1080; it asks for the width. */
  static const int heights[] = { 420, 500, 600, 800 };
  guint counts[10][10] = { { 0 } };
  g_autoptr(GError) error = NULL;

  /* A full test set after a good epoch: 1135 ones, a few mistakes. */
  for (int t = 0; t < 10; t++)
    counts[t][t] = t == 1 ? 1135 : 970 + t;
  counts[4][9] = 12;
  counts[7][2] = 9;
  bl_confusion_view_set_counts (view, (const guint (*)[10]) counts);
  for (guint projector = 0; projector < 2; projector++)
    {
      g_object_set (view, "projector-mode", (gboolean) projector, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (heights); i++)
        {
          int height = heights[i], width;
          double size;
          PangoFontMap *map = pango_cairo_font_map_get_default ();
          PangoContext *context = pango_font_map_create_context (map);
          PangoLayout *layout = pango_layout_new (context);
          PangoFontDescription *desc = pango_font_description_from_string ("Sans Bold");
          int text_w, text_h;
          double cell, cell_h;

          gtk_widget_measure (GTK_WIDGET (view), GTK_ORIENTATION_HORIZONTAL, height, NULL,
                              &width, NULL, NULL);
          size = bl_confusion_view_get_count_size (view, width, height);
          g_test_message ("%d×%d%s: counts at %.0f px", width, height,
                          projector ? " (projector)" : "", size);
          g_assert_cmpfloat (size, >=, 7);
          pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
          pango_layout_set_font_description (layout, desc);
          pango_layout_set_text (layout, "1135", -1);
          pango_layout_get_pixel_size (layout, &text_w, &text_h);
          pango_font_description_free (desc);
          g_object_unref (layout);
          g_object_unref (context);
          /* The widest count within its cell, with room on either side. */
          bl_confusion_view_get_cell_size (view, width, height, &cell, &cell_h);
          g_assert_cmpfloat (cell, <=, height / 10.0 * 1.8);   /* wide, not a stripe */
          g_assert_cmpint (text_w, <, cell - 2);
          g_assert_cmpint (text_h, <, cell_h * 1.4);
        }
    }
  {
    g_autofree char *png = g_build_filename (dir, "confusion-projector.png", NULL);
    g_assert_true (bl_confusion_view_write_png (view, png, 520, 380, &error));
    g_assert_no_error (error);
  }
  g_assert_finalize_object (view);
}

/* Tiles on one diverging scale: the scale is the largest magnitude (or the one given), a click
 * on a tile's pixel names the tile and the pixel, and the drawing carries ink. */
static void
test_tile_grid (void)
{
  BlTileGrid *grid = BL_TILE_GRID (g_object_ref_sink (bl_tile_grid_new ()));
  const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
  g_autofree char *png = g_build_filename (dir, "tile-grid.png", NULL);
  const char *labels[] = { "k1", "k2", "k3", "k4" };
  float kernels[4 * 9];
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (kernels); i++)
    kernels[i] = (float) ((int) (i % 7) - 3) * 0.25f;   /* −0.75 … +0.75 */
  kernels[5] = -1.5f;
  bl_tile_grid_set_tiles (grid, kernels, 4, 3, 3, labels, 0);
  g_assert_cmpuint (bl_tile_grid_get_n_tiles (grid), ==, 4);
  g_assert_cmpfloat (bl_tile_grid_get_scale (grid), ==, 1.5);
  bl_tile_grid_set_tiles (grid, kernels, 4, 3, 3, labels, 2.0);
  g_assert_cmpfloat (bl_tile_grid_get_scale (grid), ==, 2.0);
  bl_tile_grid_set_title (grid, "conv1: 16 kernels");
  g_assert_true (bl_tile_grid_write_png (grid, png, 480, 360, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bl_test_ink_pixels (png), >, 5000);
  bl_tile_grid_clear (grid, "No network yet");
  g_assert_cmpuint (bl_tile_grid_get_n_tiles (grid), ==, 0);
  g_assert_finalize_object (grid);
}

static void
test_chart_series_colors (void)
{
  BlChart *chart = loss_chart (10000);
  g_autofree char *png = out_path ("chart-linear.png");
  g_autoptr(GError) error = NULL;

  g_assert_true (bl_chart_write_png (chart, png, 900, 500, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 6; i++)
    {
      GdkRGBA c;
      bl_palette_color (i, &c);
      if (bl_test_count_color (png, &c) < 40)
        g_error ("series %u colour barely drawn in %s", i, png);
    }
  g_object_unref (chart);
}

static void
test_chart_log_and_describe (void)
{
  BlChart *chart = loss_chart (10000);
  g_autofree char *png = out_path ("chart-log.png");
  g_autofree char *desc = NULL;
  GdkRGBA c;

  bl_chart_set_log_y (chart, TRUE);
  g_assert_true (bl_chart_get_log_y (chart));
  bl_chart_set_cursor_x (chart, 2500);
  g_assert_true (bl_chart_write_png (chart, png, 900, 500, NULL));
  bl_palette_color (5, &c);
  g_assert_cmpuint (bl_test_count_color (png, &c), >, 40);

  desc = bl_chart_describe (chart);
  g_assert_nonnull (strstr (desc, "E_total falls from 0.242 to"));
  g_assert_nonnull (strstr (desc, "η = 2"));
  g_assert_nonnull (strstr (desc, "9999 epoch"));
  g_object_unref (chart);
}

static void
test_chart_edge_cases (void)
{
  BlChart *chart = BL_CHART (g_object_ref_sink (bl_chart_new ()));
  g_autofree char *png = out_path ("chart-edge.png");
  double flat[5] = { 0.5, 0.5, 0.5, 0.5, 0.5 };
  double gap[6] = { 1, 2, NAN, 4, INFINITY, -3 };
  guint a, b;

  /* Empty, then flat, then gaps and non-positive values on a log axis: draws, never crashes. */
  g_assert_true (bl_chart_write_png (chart, png, 300, 200, NULL));
  a = bl_chart_add_series (chart, "flat", NULL, BL_CHART_LINE_POINTS);
  bl_chart_series_set_data (chart, a, NULL, flat, 5);
  g_assert_true (bl_chart_write_png (chart, png, 300, 200, NULL));
  b = bl_chart_add_series (chart, "gaps", NULL, BL_CHART_LINE_DASHED);
  bl_chart_series_set_data (chart, b, NULL, gap, 6);
  bl_chart_set_log_y (chart, TRUE);
  g_assert_true (bl_chart_write_png (chart, png, 300, 200, NULL));
  bl_chart_series_append (chart, a, 7.5, 0.25);
  bl_chart_add_hline (chart, 0.994, "99.40%");
  bl_chart_add_marker (chart, 2, 0.5, "best");
  g_assert_true (bl_chart_write_png (chart, png, 300, 200, NULL));
  g_assert_false (bl_chart_write_png (chart, png, 0, 200, NULL));
  bl_chart_clear (chart);
  g_assert_true (bl_chart_write_png (chart, png, 300, 200, NULL));
  g_object_unref (chart);
}

/* Pixels of colour @c in the left half of a PNG. */
static guint
left_half_color (const char *png, const GdkRGBA *c)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guint8 *data = cairo_image_surface_get_data (s);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w / 2; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
        n += abs (r - (int) (c->red * 255)) < 12 && abs (g - (int) (c->green * 255)) < 12 &&
             abs (b - (int) (c->blue * 255)) < 12;
      }
  cairo_surface_destroy (s);
  return n;
}

/* A log x axis: ε from 1e-12 to 1e-1, a decade a step. The small half (1e-12…1e-7) in one
 * colour spans the left half of the plot; on a linear axis it is squeezed into the first
 * pixel column beside 0.1. */
static void
test_chart_log_x (void)
{
  BlChart *chart = BL_CHART (g_object_ref_sink (bl_chart_new ()));
  g_autofree char *png = out_path ("chart-log-x.png");
  double x[6], y[6];
  GdkRGBA small_c, large_c;
  guint small_id, large_id, linear, logged;

  bl_palette_color (0, &small_c);
  bl_palette_color (1, &large_c);
  small_id = bl_chart_add_series (chart, "small", &small_c, BL_CHART_LINE_SOLID);
  large_id = bl_chart_add_series (chart, "large", &large_c, BL_CHART_LINE_SOLID);
  for (int k = 0; k < 6; k++)
    {
      x[k] = pow (10, -12 + k);
      y[k] = 1e-3 * (1 + k);
    }
  bl_chart_series_set_data (chart, small_id, x, y, 6);
  for (int k = 0; k < 6; k++)
    x[k] = pow (10, -6 + k);
  bl_chart_series_set_data (chart, large_id, x, y, 6);
  g_assert_false (bl_chart_get_log_x (chart));
  g_assert_true (bl_chart_write_png (chart, png, 600, 300, NULL));
  linear = left_half_color (png, &small_c);
  bl_chart_set_log_x (chart, TRUE);
  g_assert_true (bl_chart_get_log_x (chart));
  g_assert_true (bl_chart_write_png (chart, png, 600, 300, NULL));
  logged = left_half_color (png, &small_c);
  g_assert_cmpuint (logged, >, 300);
  g_assert_cmpuint (logged, >, 5 * linear);
  /* Zero and negative x have no place on it: left out, nothing else changes. */
  bl_chart_series_append (chart, large_id, 0, 1e-3);
  g_assert_true (bl_chart_write_png (chart, png, 600, 300, NULL));
  g_object_unref (chart);
}

static void
cursor_moved_cb (BlChart *chart, double x, double *out)
{
  *out = x;
}

static void
test_chart_cursor_property (void)
{
  BlChart *chart = loss_chart (100);
  double moved = -1;
  guint notified = 0;

  g_signal_connect_swapped (chart, "notify::cursor-x", G_CALLBACK (g_atomic_int_inc), &notified);
  g_signal_connect (chart, "cursor-moved", G_CALLBACK (cursor_moved_cb), &moved);
  g_assert_true (isnan (bl_chart_get_cursor_x (chart)));
  bl_chart_set_cursor_x (chart, 42);
  bl_chart_set_cursor_x (chart, 42);
  g_assert_cmpfloat (bl_chart_get_cursor_x (chart), ==, 42);
  g_assert_cmpuint (notified, ==, 1);
  /* The signal is for user moves only; a programmatic set does not echo back. */
  g_assert_cmpfloat (moved, ==, -1);
  g_object_unref (chart);
}

/* An accuracy chart like the MNIST page's: the best epoch's marker at the top right, where a
 * legend used to sit over it; exported at 1600 x 1000. The legend is placed where it covers
 * neither the curves' end nor the marker, and the marker's label stays in the picture. */
static void
test_chart_marker_and_legend (void)
{
  BlChart *chart = BL_CHART (g_object_ref_sink (bl_chart_new ()));
  g_autofree char *png = out_path ("chart-accuracy.png");
  GdkRGBA blue, orange;
  guint train, test;
  cairo_surface_t *image;
  double best = 0;

  bl_palette_color (0, &blue);
  bl_palette_color (1, &orange);
  bl_chart_set_title (chart, "Accuracy per epoch");
  bl_chart_set_x_label (chart, "epoch");
  bl_chart_set_y_label (chart, "accuracy %");
  bl_chart_set_x_whole_numbers (chart, TRUE);
  train = bl_chart_add_series (chart, "train", &blue, BL_CHART_LINE_POINTS);
  test = bl_chart_add_series (chart, "test", &orange, BL_CHART_LINE_POINTS);
  for (guint e = 1; e <= 20; e++)
    {
      double acc = 99.6 - 2.5 * exp (-0.35 * e);
      bl_chart_series_append (chart, train, e, acc - 0.3);
      bl_chart_series_append (chart, test, e, acc);
      best = MAX (best, acc);
    }
  bl_chart_add_hline (chart, 99.40, "target 99.40%");
  bl_chart_add_marker (chart, 20, best, "best 99.58% (epoch 20)");
  g_assert_true (bl_chart_write_png (chart, png, 1600, 1000, NULL));
  image = bl_chart_render_image (chart, 1600, 1000);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 1600);
  cairo_surface_destroy (image);
  g_object_unref (chart);
}

/* A FIFO where the PNG should go is refused and stays a FIFO. */
static void
test_png_fifo_refused (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-png-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "pipe.png", NULL);
  BlChart *chart = BL_CHART (g_object_ref_sink (bl_chart_new ()));
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  g_assert_cmpint (mkfifo (png, 0600), ==, 0);
  g_assert_false (bl_chart_write_png (chart, png, 300, 200, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (g_stat (png, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_unlink (png);
  g_rmdir (dir);
  g_object_unref (chart);
}

static void
test_chart_million_points (void)
{
  BlChart *chart = loss_chart (1000000);
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 600);
  cairo_t *cr = cairo_create (s);
  gint64 t0 = g_get_monotonic_time ();

  bl_chart_set_log_y (chart, TRUE);
  bl_chart_render (chart, cr, 1200, 600);
  g_test_message ("6 × 10^6 points drawn in %.1f ms", (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (s);
  g_object_unref (chart);
}

static void
test_network_view (void)
{
  BlNetworkView *view = BL_NETWORK_VIEW (g_object_ref_sink (bl_network_view_new ()));
  g_autofree char *png = out_path ("network.png");
  BlToyParams p;
  BlToyRow row;
  GdkRGBA blue, red;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_WITH_BIASES);
  p.w[6] = -0.5;   /* one negative weight: drawn in the other colour */
  bl_toy_compute_row (&p, &row);
  bl_network_view_set_state (view, &p, &row);
  bl_network_view_set_highlight (view, BL_TOY_COL_DW5);
  g_assert_true (bl_network_view_write_png (view, png, 900, 420, NULL));
  bl_palette_color (0, &blue);
  bl_palette_color (5, &red);
  g_assert_cmpuint (bl_test_count_color (png, &blue), >, 200);
  g_assert_cmpuint (bl_test_count_color (png, &red), >, 50);
  g_object_unref (view);
}

/* ---- The file chooser: modal over the owner's window; the owner outlives its window until
 * the dialog answers; a cancel calls nothing. (Which file was picked cannot be set from a
 * test: GtkFileChooserNative reads it from its own dialog's answer.) */

static void
never_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  (*(guint *) data)++;
}

static void
never_chosen_many_cb (GtkWidget *owner, GPtrArray *paths, gpointer data)
{
  (*(guint *) data)++;
}

static void
test_file_chooser (void)
{
  const char *const patterns[] = { "*.csv", NULL };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *label = gtk_label_new ("owner");
  gpointer owner_alive = label;
  GtkFileChooserNative *dialog;
  guint calls = 0;

  gtk_window_set_child (GTK_WINDOW (window), label);
  gtk_window_present (GTK_WINDOW (window));
  g_object_add_weak_pointer (G_OBJECT (label), &owner_alive);

  dialog = bl_choose_file (label, GTK_FILE_CHOOSER_ACTION_SAVE, "Save", "_Save", "run.csv",
                           "CSV", patterns, never_chosen_cb, &calls);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_native_dialog_get_modal (GTK_NATIVE_DIALOG (dialog)));
  g_assert_true (gtk_native_dialog_get_transient_for (GTK_NATIVE_DIALOG (dialog)) ==
                 GTK_WINDOW (window));
  g_assert_cmpstr (gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (dialog)), ==,
                   "run.csv");

  /* Saving offers the one filter; opening adds "All files", so model.ckpt is not hidden. */
  {
    GListModel *filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (dialog));
    GtkFileChooserNative *open;
    g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 1);
    g_object_unref (filters);
    open = bl_choose_file (label, GTK_FILE_CHOOSER_ACTION_OPEN, "Open", "_Open", NULL,
                           "Models", (const char *const[]) { "*.blckpt", NULL },
                           never_chosen_cb, &calls);
    filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (open));
    g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 2);
    g_object_unref (filters);
    g_signal_emit_by_name (open, "response", GTK_RESPONSE_CANCEL);
  }

  /* Several files at once: an opening dialog that takes many. */
  {
    GtkFileChooserNative *many = bl_choose_files (label, "Check", "Sheets",
                                                  (const char *const[]) { "*.xlsx", NULL },
                                                  never_chosen_many_cb, &calls);
    GListModel *filters = gtk_file_chooser_get_filters (GTK_FILE_CHOOSER (many));
    g_assert_true (gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (many)));
    g_assert_true (gtk_file_chooser_get_action (GTK_FILE_CHOOSER (many)) ==
                   GTK_FILE_CHOOSER_ACTION_OPEN);
    g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 2);
    g_object_unref (filters);
    g_signal_emit_by_name (many, "response", GTK_RESPONSE_CANCEL);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_nonnull (owner_alive);            /* the dialog still holds it */
  g_signal_emit_by_name (dialog, "response", GTK_RESPONSE_CANCEL);
  g_assert_cmpuint (calls, ==, 0);
  g_assert_null (owner_alive);               /* and let it go with its answer */
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/widgets/palette/slots", test_palette_slots);
  g_test_add_func ("/widgets/confusion/counts-fit", test_confusion_counts_fit);
  g_test_add_func ("/widgets/tile-grid", test_tile_grid);
  g_test_add_func ("/widgets/chart/series-colors", test_chart_series_colors);
  g_test_add_func ("/widgets/chart/log-and-describe", test_chart_log_and_describe);
  g_test_add_func ("/widgets/chart/edge-cases", test_chart_edge_cases);
  g_test_add_func ("/widgets/chart/log-x", test_chart_log_x);
  g_test_add_func ("/widgets/chart/cursor-property", test_chart_cursor_property);
  g_test_add_func ("/widgets/chart/million-points", test_chart_million_points);
  g_test_add_func ("/widgets/png-fifo-refused", test_png_fifo_refused);
  g_test_add_func ("/widgets/chart/marker-and-legend", test_chart_marker_and_legend);
  g_test_add_func ("/widgets/network-view", test_network_view);
  g_test_add_func ("/widgets/file-chooser", test_file_chooser);
  return g_test_run ();
}
