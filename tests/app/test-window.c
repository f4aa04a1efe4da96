/* test-window.c: the window under Xvfb, driven as a student would drive it. */
#include <gtk/gtk.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <dlfcn.h>
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
#include "backprop/bl-network-options.h"
#include "backprop/bl-step-through.h"
#include "backprop/bl-predict-panel.h"
#include "backprop/bl-published-panel.h"
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


/* ---- A real click, as the X server delivers it: XTest moves the pointer and presses the
 * button, and GTK gets the events through its own X connection, gestures and all. (libXtst
 * comes with Xvfb; it is opened at run time, so building needs no X development headers
 * beyond Xlib's.) */

typedef int (*FakeMotionFunc) (Display *, int, int, int, unsigned long);
typedef int (*FakeButtonFunc) (Display *, unsigned int, Bool, unsigned long);

static void
x_click_widget (GtkWidget *widget, double wx, double wy)
{
  static FakeMotionFunc fake_motion;
  static FakeButtonFunc fake_button;
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  Display *dpy = gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
  graphene_point_t in = GRAPHENE_POINT_INIT (wx, wy), out;
  double sx, sy;
  int rx, ry;
  Window child;

  if (fake_motion == NULL)
    {
      void *xtst = dlopen ("libXtst.so.6", RTLD_NOW);
      g_assert_nonnull (xtst);
      fake_motion = (FakeMotionFunc) dlsym (xtst, "XTestFakeMotionEvent");
      fake_button = (FakeButtonFunc) dlsym (xtst, "XTestFakeButtonEvent");
      g_assert_true (fake_motion && fake_button);
    }
  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &in, &out));
  gtk_native_get_surface_transform (native, &sx, &sy);
  XTranslateCoordinates (dpy, gdk_x11_surface_get_xid (surface), DefaultRootWindow (dpy),
                         (int) (out.x + sx), (int) (out.y + sy), &rx, &ry, &child);
  fake_motion (dpy, -1, rx, ry, 0);
  fake_button (dpy, 1, True, 0);
  fake_button (dpy, 1, False, 0);
  XFlush (dpy);
}

/* Every widget under @widget that is a label with @css_class, in tree order. */
static void
collect_labels (GtkWidget *widget, const char *css_class, GPtrArray *out)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class) &&
      gtk_widget_get_mapped (widget))
    g_ptr_array_add (out, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_labels (c, css_class, out);
}

/* The mapped label under @root showing exactly @text (a column header). */
static GtkWidget *
find_label_text (GtkWidget *root, const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_text (GTK_LABEL (root)), text) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *hit = find_label_text (c, text);
      if (hit)
        return hit;
    }
  return NULL;
}

static double
widget_x_in (GtkWidget *widget, GtkWidget *ancestor, double *y)
{
  graphene_point_t p;
  g_assert_true (gtk_widget_compute_point (widget, ancestor, &GRAPHENE_POINT_INIT (0, 0), &p));
  if (y)
    *y = p.y;
  return p.x;
}

static int
compare_y (gconstpointer a, gconstpointer b, gpointer root)
{
  double ya, yb;
  widget_x_in (*(GtkWidget **) a, root, &ya);
  widget_x_in (*(GtkWidget **) b, root, &yb);
  return (ya > yb) - (ya < yb);
}

typedef struct {
  BlBackpropPage *page;
  guint row;
} RowWait;

static gboolean
page_at_row (gpointer data)
{
  RowWait *w = data;
  return bl_backprop_page_get_current (w->page) == w->row;
}

/* A click on the ledger's cell (row 3, w1) makes iteration 3 current everywhere and explains
 * w1 there; a click on another row of the same column then moves there. */
static void
test_ledger_click_selects_row (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GtkWidget *ledger = GTK_WIDGET (bl_backprop_page_get_ledger_view (page));
  GtkWidget *header = find_label_text (ledger, "w1");
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) column = g_ptr_array_new ();
  double hx0;
  const guint rows[] = { 3, 6 };

  g_assert_nonnull (header);
  hx0 = widget_x_in (header, ledger, NULL);
  collect_labels (ledger, "numeric", labels);
  /* The cells of column w1: those that start where its header starts. */
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *l = g_ptr_array_index (labels, i);
      if (fabs (widget_x_in (l, ledger, NULL) - hx0) < 12)
        g_ptr_array_add (column, l);
    }
  g_ptr_array_sort_with_data (column, compare_y, ledger);
  g_assert_cmpuint (column->len, >, 7);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      GtkWidget *cell = g_ptr_array_index (column, rows[i]);   /* the ledger opens at row 0 */
      RowWait wait = { page, rows[i] };
      g_autofree char *title = NULL;

      x_click_widget (cell, gtk_widget_get_width (cell) / 2.0, gtk_widget_get_height (cell) / 2.0);
      g_assert_true (bl_test_iterate_until (page_at_row, &wait, 5));
      g_assert_cmpuint (selected_row (page), ==, rows[i]);
      title = g_strdup (bl_backprop_page_get_formula_text (page, 0));
      g_test_message ("after a click on row %u: %s", rows[i], title);
      g_assert_nonnull (strstr (title, "w1"));
      g_assert_nonnull (strstr (title, rows[i] == 3 ? " 3" : " 6"));
      wait_for_draw (GTK_WIDGET (window));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* For a failing size test: every widget under @w whose minimum exceeds @limit (depth-first). */
static void
report_large_minimums (GtkWidget *w, GtkOrientation o, int limit, int depth)
{
  int min;

  gtk_widget_measure (w, o, -1, &min, NULL, NULL, NULL);
  if (min <= limit || depth > 14)
    return;
  g_test_message ("%*s%s.%s: minimum %s %d", depth, "", G_OBJECT_TYPE_NAME (w),
                  gtk_widget_get_css_name (w), o == GTK_ORIENTATION_HORIZONTAL ? "width" : "height",
                  min);
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_get_visible (c))
      report_large_minimums (c, o, limit, depth + 1);
}

/* Widgets under @w given less room than they ask for, or placed past their parent's edge (a
 * pane that shrinks its child below its minimum cuts it off there): what the screen clips. */
static guint
count_clipped (GtkWidget *w, int depth)
{
  guint n = 0;
  int min_w, min_h, given_w, given_h;
  GtkAllocation a;

  if (!gtk_widget_get_mapped (w))
    return 0;
  /* A measure counts margins, borders and padding; an allocation all but the margins. */
  gtk_widget_get_allocation (w, &a);
  given_w = a.width + gtk_widget_get_margin_start (w) + gtk_widget_get_margin_end (w);
  given_h = a.height + gtk_widget_get_margin_top (w) + gtk_widget_get_margin_bottom (w);
  gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (w, GTK_ORIENTATION_VERTICAL, given_w, &min_h, NULL, NULL, NULL);
  if (given_w < min_w || given_h < min_h)
    {
      g_test_message ("%*sclipped: %s.%s given %d x %d, asks %d x %d", depth, "",
                      G_OBJECT_TYPE_NAME (w), gtk_widget_get_css_name (w), given_w, given_h,
                      min_w, min_h);
      n++;
    }
  /* What scrolls shows its content whole, by scrolling. */
  if (GTK_IS_SCROLLED_WINDOW (w))
    return n;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      graphene_rect_t b;
      if (gtk_widget_get_mapped (c) && gtk_widget_compute_bounds (c, w, &b) &&
          (b.origin.x < -0.5 || b.origin.y < -0.5 ||
           b.origin.x + b.size.width > a.width + 0.5 ||
           b.origin.y + b.size.height > a.height + 0.5))
        {
          g_test_message ("%*scut off: %s.%s at %.0f,%.0f %.0f x %.0f in %d x %d", depth + 1, "",
                          G_OBJECT_TYPE_NAME (c), gtk_widget_get_css_name (c), b.origin.x,
                          b.origin.y, b.size.width, b.size.height, a.width, a.height);
          n++;
        }
      n += count_clipped (c, depth + 1);
    }
  return n;
}

/* The page asks no more room than a 1024×600 projector has under the window's header bar, in
 * normal and in projector mode (window.projector: larger type), so nothing is clipped there.
 * The page alone in a window of that size is saved as a PNG for a person to look at, light and
 * dark. (The real window's minimum, which the MNIST page shares, is reported.) */
static void
test_page_fits_small_screens (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkSettings *gtk_settings = gtk_settings_get_default ();
  const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";

  for (int projector = 0; projector < 2; projector++)
    for (int dark = 0; dark < 2; dark++)
      {
        GtkWidget *window = gtk_window_new (), *titlebar = gtk_header_bar_new ();
        BlBackpropPage *page = BL_BACKPROP_PAGE (bl_backprop_page_new ());
        g_autofree char *name = g_strdup_printf ("backprop-page-1024x600-%s-%s.png",
                                                 projector ? "projector" : "normal",
                                                 dark ? "dark" : "light");
        g_autofree char *shot = g_build_filename (dir, name, NULL);
        int page_w, page_h, bar_h;

        g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", dark, NULL);
        g_settings_set_boolean (settings, "projector-mode", projector);
        bl_backprop_page_set_settings (page, settings);
        gtk_window_set_titlebar (GTK_WINDOW (window), titlebar);
        gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
        /* What the window does when the application's action changes (bl-window.c). */
        if (projector)
          gtk_widget_add_css_class (window, "projector");
        gtk_window_set_default_size (GTK_WINDOW (window), 1024, 600);
        gtk_window_present (GTK_WINDOW (window));
        wait_for_draw (window);
        gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, -1, &page_w, NULL,
                            NULL, NULL);
        gtk_widget_measure (GTK_WIDGET (page), GTK_ORIENTATION_VERTICAL, 1024, &page_h, NULL,
                            NULL, NULL);
        gtk_widget_measure (titlebar, GTK_ORIENTATION_VERTICAL, 1024, &bar_h, NULL, NULL, NULL);
        g_test_message ("%s mode, %s: page minimum %d x %d, header bar %d: %d x %d of 1024 x 600",
                        projector ? "projector" : "normal", dark ? "dark" : "light", page_w,
                        page_h, bar_h, page_w, page_h + bar_h);
        if (page_w > 1024)
          report_large_minimums (GTK_WIDGET (page), GTK_ORIENTATION_HORIZONTAL, 300, 0);
        if (page_h + bar_h > 600)
          report_large_minimums (GTK_WIDGET (page), GTK_ORIENTATION_VERTICAL, 150, 0);
        g_assert_cmpint (page_w, <=, 1024);
        g_assert_cmpint (page_h + bar_h, <=, 600);
        /* …and what it is given there, every part of it gets: nothing is clipped. */
        g_assert_cmpuint (count_clipped (GTK_WIDGET (page), 0), ==, 0);
        g_assert_true (bl_test_save_window_png (window, shot));
        gtk_window_destroy (GTK_WINDOW (window));
      }
  g_object_set (gtk_settings, "gtk-application-prefer-dark-theme", FALSE, NULL);

  {
    /* The whole window, for the report: the MNIST page is in the same stack. */
    BlWindow *window = bl_window_new (NULL, settings);
    int win_w, win_h, mnist_h;
    gtk_widget_add_css_class (GTK_WIDGET (window), "projector");
    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &win_w, NULL, NULL,
                        NULL);
    gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, 1024, &win_h, NULL, NULL,
                        NULL);
    gtk_widget_measure (bl_window_get_mnist_page (window), GTK_ORIENTATION_VERTICAL, 1024,
                        &mnist_h, NULL, NULL, NULL);
    g_test_message ("the whole window in projector mode: minimum %d x %d (the MNIST page's "
                    "height: %d)", win_w, win_h, mnist_h);
    gtk_window_destroy (GTK_WINDOW (window));
  }
  g_settings_reset (settings, "projector-mode");
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

/* A start computes every run once: with stored settings that differ from the defaults (other
 * rates, fewer iterations, the With-biases preset), the page read each of them and recomputed
 * after each (four computations at startup). */
static void
test_startup_computes_once (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  const double lrs[] = { 0.3, 1.5 };
  BlWindow *window;
  BlBackpropPage *page;

  g_settings_set_value (settings, "learning-rates",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, lrs, 2, sizeof (double)));
  g_settings_set_uint (settings, "iterations", 500);
  g_settings_set_string (settings, "preset", "with-biases");
  window = bl_window_new (NULL, settings);
  page = bl_window_get_backprop_page (window);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_cmpuint (bl_backprop_page_get_n_computes (page), ==, 1);
  g_assert_cmpuint (bl_backprop_page_get_n_runs (page), ==, 2);
  g_assert_cmpuint (bl_backprop_page_get_run (page, 1)->n_rows, ==, 501);
  g_assert_cmpfloat (bl_backprop_page_get_run (page, 1)->lr, ==, 1.5);
  g_assert_true (bl_backprop_page_get_run (page, 0)->init.has_biases);
  gtk_window_destroy (GTK_WINDOW (window));
  g_settings_reset (settings, "learning-rates");
  g_settings_reset (settings, "iterations");
  g_settings_reset (settings, "preset");
}

/* The ledger cells under the header @header, top to bottom (row 0 first while the ledger is at
 * its top). */
static GPtrArray *
ledger_column_cells (BlBackpropPage *page, const char *header)
{
  GtkWidget *ledger = GTK_WIDGET (bl_backprop_page_get_ledger_view (page));
  GtkWidget *head = find_label_text (ledger, header);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GPtrArray *cells = g_ptr_array_new ();
  double hx;

  g_assert_nonnull (head);
  hx = widget_x_in (head, ledger, NULL);
  collect_labels (ledger, "numeric", labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *l = g_ptr_array_index (labels, i);
      double y;
      guint j;
      if (fabs (widget_x_in (l, ledger, &y) - hx) >= 12 || l == head)
        continue;
      for (j = 0; j < cells->len; j++)
        {
          double yj;
          widget_x_in (g_ptr_array_index (cells, j), ledger, &yj);
          if (y < yj)
            break;
        }
      g_ptr_array_insert (cells, j, l);
    }
  return cells;
}

/* Whether the ledger cell of row @k, column @col is wholly in view: inside the ledger's
 * scrolled window, right of the pinned iteration column and below the header. */
static gboolean
cell_in_view (BlBackpropPage *page, BlToyColumn col, guint k)
{
  GtkWidget *ledger = GTK_WIDGET (bl_backprop_page_get_ledger_view (page));
  GtkWidget *scroller = gtk_widget_get_ancestor (ledger, GTK_TYPE_SCROLLED_WINDOW);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GtkColumnViewColumn) first =
    g_list_model_get_item (gtk_column_view_get_columns (GTK_COLUMN_VIEW (ledger)), 0);
  double pinned = gtk_column_view_column_get_fixed_width (first);
  GtkWidget *header = find_label_text (ledger, bl_toy_column_label (col));
  graphene_rect_t head_b;

  g_assert_nonnull (header);
  g_assert_true (gtk_widget_compute_bounds (header, scroller, &head_b));
  collect_labels (ledger, "numeric", labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *l = g_ptr_array_index (labels, i);
      graphene_rect_t b;
      if (GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (l), "ledger-row")) != k + 1 ||
          GPOINTER_TO_INT (g_object_get_data (G_OBJECT (l), "ledger-column")) != (int) col)
        continue;
      g_assert_true (gtk_widget_compute_bounds (l, scroller, &b));
      g_test_message ("cell (%u, %s) at %.0f,%.0f %.0f×%.0f in a %d×%d ledger (pinned %.0f)",
                      k, bl_toy_column_label (col), b.origin.x, b.origin.y, b.size.width,
                      b.size.height, gtk_widget_get_width (scroller),
                      gtk_widget_get_height (scroller), pinned);
      return b.origin.x >= pinned - 1 &&
             b.origin.x + b.size.width <= gtk_widget_get_width (scroller) + 1 &&
             b.origin.y >= head_b.origin.y + head_b.size.height - 1 &&
             b.origin.y + b.size.height <= gtk_widget_get_height (scroller) + 1;
    }
  g_test_message ("no cell (%u, %s) exists", k, bl_toy_column_label (col));
  return FALSE;
}

typedef struct {
  BlBackpropPage *page;
  BlToyColumn col;
  guint row;
} CellWait;

static gboolean
cell_shown (gpointer data)
{
  CellWait *w = data;
  return cell_in_view (w->page, w->col, w->row);
}

/* ---- The pinned iteration column: a copy of the ledger's first column over its left edge
 * (an overlay), the rest of the ledger scrolling sideways under it. */

typedef struct {
  GtkWidget *ledger;     /* the ledger's column view */
  GtkWidget *scroller;   /* its scrolled window */
  GtkWidget *pinned;     /* the pinned column's scrolled window, over the scroller's left edge */
} PinnedLedger;

static PinnedLedger
pinned_ledger (BlBackpropPage *page)
{
  PinnedLedger p;

  p.ledger = GTK_WIDGET (bl_backprop_page_get_ledger_view (page));
  p.scroller = gtk_widget_get_ancestor (p.ledger, GTK_TYPE_SCROLLED_WINDOW);
  /* The overlay holds the ledger's scroller, then the pinned column's. */
  p.pinned = bl_test_find_descendant (gtk_widget_get_ancestor (p.ledger, GTK_TYPE_OVERLAY),
                                      GTK_TYPE_SCROLLED_WINDOW, 1);
  g_assert_nonnull (p.pinned);
  g_assert_true (p.pinned != p.scroller);
  return p;
}

/* The ledger column (its "ledger-column") whose cells are cut by the pinned column's right
 * edge, or whose cells start at that edge (@flush), or −2 if none. */
static int
ledger_column_at_pinned_edge (const PinnedLedger *p, gboolean flush)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  double edge;
  graphene_rect_t pin;

  g_assert_true (gtk_widget_compute_bounds (p->pinned, p->scroller, &pin));
  edge = pin.origin.x + pin.size.width;
  collect_labels (p->ledger, "numeric", labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *l = g_ptr_array_index (labels, i);
      int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (l), "ledger-column"));
      graphene_rect_t b;

      if (col < 0 || !gtk_widget_compute_bounds (gtk_widget_get_parent (l), p->scroller, &b))
        continue;
      if (flush ? fabs (b.origin.x - edge) <= 1
                : b.origin.x < edge - 1 && b.origin.x + b.size.width > edge + 1)
        return col;
    }
  return -2;
}

/* The ledger column (its "ledger-column") whose cells or title the view's right edge cuts
 * with a part of it still seen (not under what the overlay lays over the ledger), or −2 if
 * none: a class reads a cut number as a wrong one. */
static int
ledger_column_cut_at_right (const PinnedLedger *p)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkWidget *overlay = gtk_widget_get_ancestor (p->ledger, GTK_TYPE_OVERLAY);
  graphene_rect_t view;
  double right;

  g_assert_true (gtk_widget_compute_bounds (p->ledger, overlay, &view));
  right = view.origin.x + view.size.width;
  bl_test_collect_mapped_labels (p->ledger, labels);   /* the cells and the column titles */
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *l = g_ptr_array_index (labels, i);
      graphene_rect_t b;
      gboolean covered = FALSE;

      if (!gtk_widget_compute_bounds (l, overlay, &b) ||
          b.origin.x >= right - 1 || b.origin.x + b.size.width <= right + 1 ||
          b.origin.y + b.size.height <= view.origin.y + 1 ||
          b.origin.y >= view.origin.y + view.size.height - 1)
        continue;
      for (GtkWidget *c = gtk_widget_get_first_child (overlay); c && !covered;
           c = gtk_widget_get_next_sibling (c))
        {
          graphene_rect_t o;
          covered = c != p->scroller && gtk_widget_get_mapped (c) &&
                    gtk_widget_compute_bounds (c, overlay, &o) &&
                    o.origin.x <= MAX (b.origin.x, view.origin.x) + 1 &&
                    o.origin.x + o.size.width >= right - 1 &&
                    o.origin.y <= MAX (b.origin.y, view.origin.y) + 1 &&
                    o.origin.y + o.size.height >=
                      MIN (b.origin.y + b.size.height, view.origin.y + view.size.height) - 1;
        }
      if (!covered)
        {
          int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (l), "ledger-column"));
          g_test_message ("“%s” is cut at the ledger's right edge (%.0f px of %.0f shown)",
                          gtk_label_get_text (GTK_LABEL (l)), right - b.origin.x,
                          b.size.width);
          return col >= 0 ? col : INT_MAX;   /* a title: no "ledger-column" of its own */
        }
    }
  return -2;
}

static const char *
ledger_column_name (int col)
{
  return col == INT_MAX ? "a title" : col >= 0 ? bl_toy_column_label (col) : "no column";
}

static gboolean
ledger_nothing_under_pinned (gpointer data)
{
  return ledger_column_at_pinned_edge (data, FALSE) == -2;
}

/* Scrolls the ledger sideways to @value as a hand would, lets it be drawn, then waits for it
 * to settle with no column cut by the pinned one; returns the column then flush against it. */
static int
scroll_ledger_by_hand (BlWindow *window, const PinnedLedger *p, double value)
{
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (p->scroller));
  int cut;

  gtk_adjustment_set_value (h, value);
  wait_for_draw (GTK_WIDGET (window));
  if (!bl_test_iterate_until (ledger_nothing_under_pinned, (gpointer) p, 3))
    {
      cut = ledger_column_at_pinned_edge (p, FALSE);
      g_error ("scrolled to %.0f of %.0f (page %.0f), column %s stays half under the pinned "
               "iteration column", gtk_adjustment_get_value (h), gtk_adjustment_get_upper (h),
               gtk_adjustment_get_page_size (h), ledger_column_name (cut));
    }
  wait_for_draw (GTK_WIDGET (window));
  cut = ledger_column_cut_at_right (p);
  if (cut != -2)
    g_error ("scrolled to %.0f of %.0f (page %.0f), column %s is cut at the ledger's right "
             "edge", gtk_adjustment_get_value (h), gtk_adjustment_get_upper (h),
             gtk_adjustment_get_page_size (h), ledger_column_name (cut));
  return ledger_column_at_pinned_edge (p, TRUE);
}

typedef struct {
  GtkAdjustment *h;
  double from;
} LedgerWait;

static gboolean
ledger_scrolled_on (gpointer data)
{
  LedgerWait *w = data;
  return gtk_adjustment_get_value (w->h) > w->from + 0.5;
}

/* Wherever a hand scroll leaves the ledger, it settles with a whole column flush against the
 * pinned iteration column, as a spreadsheet's frozen column scrolls by whole columns: no column
 * sits half under it. A small step moves a whole column the way it went; at the far right the
 * last column is whole; when projector mode widens the columns, the one flush stays flush. */
static void
test_ledger_pinned_column (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  PinnedLedger p = pinned_ledger (page);
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (p.scroller));
  GListModel *columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (p.ledger));
  int col, last = -2;
  double max;

  g_assert_cmpint (ledger_column_at_pinned_edge (&p, FALSE), ==, -2);
  g_assert_cmpfloat (gtk_adjustment_get_upper (h), >, gtk_adjustment_get_page_size (h));
  /* The sideways scrollbar is not under the pinned column either (its slider starts there). */
  {
    graphene_rect_t bar, pin;
    g_assert_true (gtk_widget_compute_bounds (
      gtk_scrolled_window_get_hscrollbar (GTK_SCROLLED_WINDOW (p.scroller)), p.scroller, &bar));
    g_assert_true (gtk_widget_compute_bounds (p.pinned, p.scroller, &pin));
    g_assert_cmpfloat (bar.origin.x, >=, pin.origin.x + pin.size.width - 1);
  }
  /* Anywhere along the way, at steps that are no column's width. */
  max = gtk_adjustment_get_upper (h) - gtk_adjustment_get_page_size (h);
  for (double v = 37; v < max; v += 211)
    {
      col = scroll_ledger_by_hand (window, &p, v);
      g_test_message ("by hand to %.0f: %s flush against the pinned column", v,
                      ledger_column_name (col));
      g_assert_cmpint (col, >=, 0);
    }
  /* A small step (a wheel's notch, a touchpad's nudge) moves one column, either way. */
  {
    int at = scroll_ledger_by_hand (window, &p, 300), next, back;
    next = scroll_ledger_by_hand (window, &p, gtk_adjustment_get_value (h) + 8);
    back = scroll_ledger_by_hand (window, &p, gtk_adjustment_get_value (h) - 8);
    g_test_message ("%s, a nudge right: %s, left again: %s", ledger_column_name (at),
                    ledger_column_name (next), ledger_column_name (back));
    g_assert_cmpint (next, !=, at);
    g_assert_cmpint (back, ==, at);
  }
  /* The far right: the last column whole, in view. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      int data = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (c), "ledger-column"));
      if (data >= 0 && gtk_column_view_column_get_visible (c))
        last = data;
    }
  g_assert_cmpint (last, >=, 0);
  scroll_ledger_by_hand (window, &p, gtk_adjustment_get_upper (h));
  g_assert_true (cell_in_view (page, last, 0));
  /* Projector mode's larger font (the window's class, as app.projector-mode sets it) widens
   * every column: the column flush stays flush. */
  col = scroll_ledger_by_hand (window, &p, 700);
  gtk_widget_add_css_class (GTK_WIDGET (window), "projector");
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (bl_test_iterate_until (ledger_nothing_under_pinned, &p, 3));
  wait_for_draw (GTK_WIDGET (window));
  g_test_message ("%s flush, then in projector mode %s", ledger_column_name (col),
                  ledger_column_name (ledger_column_at_pinned_edge (&p, TRUE)));
  g_assert_cmpint (ledger_column_at_pinned_edge (&p, TRUE), ==, col);
  /* Nor is a column cut at the right edge: the part of it that does not fit is hidden, in
   * projector mode, in a narrower window and in a wider one, and scrolled a column on. */
  g_assert_cmpint (ledger_column_cut_at_right (&p), ==, -2);
  for (guint i = 0; i < 3; i++)
    {
      const int widths[] = { 1111, 1280, 1500 };
      gtk_window_set_default_size (GTK_WINDOW (window), widths[i], 950);
      wait_for_draw (GTK_WIDGET (window));
      g_assert_true (bl_test_iterate_until (ledger_nothing_under_pinned, &p, 3));
      wait_for_draw (GTK_WIDGET (window));
      g_test_message ("%d px wide: %s flush", widths[i],
                      ledger_column_name (ledger_column_at_pinned_edge (&p, TRUE)));
      g_assert_cmpint (ledger_column_cut_at_right (&p), ==, -2);
      scroll_ledger_by_hand (window, &p, gtk_adjustment_get_value (h) + 8);
    }
  /* A click on what hides the cut column scrolls that column in whole, and picks no cell the
   * class cannot see (the current row stays). */
  {
    GtkWidget *overlay = gtk_widget_get_ancestor (p.ledger, GTK_TYPE_OVERLAY), *more = NULL;
    guint row = selected_row (page);
    double before;

    scroll_ledger_by_hand (window, &p, 0);
    before = gtk_adjustment_get_value (h);
    for (GtkWidget *c = gtk_widget_get_first_child (overlay); c; c = gtk_widget_get_next_sibling (c))
      if (c != p.scroller && c != p.pinned && gtk_widget_get_mapped (c))
        more = c;
    g_assert_nonnull (more);
    x_click_widget (more, gtk_widget_get_width (more) / 2.0, gtk_widget_get_height (more) / 2.0);
    g_assert_true (bl_test_iterate_until (ledger_scrolled_on, &(LedgerWait) { h, before }, 5));
    wait_for_draw (GTK_WIDGET (window));
    g_test_message ("a click on the hidden column: scrolled from %.0f to %.0f, %s flush", before,
                    gtk_adjustment_get_value (h),
                    ledger_column_name (ledger_column_at_pinned_edge (&p, TRUE)));
    g_assert_cmpint (ledger_column_at_pinned_edge (&p, FALSE), ==, -2);
    g_assert_cmpint (ledger_column_at_pinned_edge (&p, TRUE), >=, 0);
    g_assert_cmpint (ledger_column_cut_at_right (&p), ==, -2);
    g_assert_cmpuint (selected_row (page), ==, row);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Network choosers: an activation is stored in the settings and reaches every run and the
 * formula panel; the update-order mistake marks the cells it changes (the hidden gradients of
 * row 0, everything of row 1 downstream of w1…w4) and draws each rate's correct curve dashed
 * beside it; back to the correct order, the marks and the extra curves go. */
static void
test_network_options (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  BlWindow *window = bl_window_new (NULL, settings);
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlNetworkOptions *options = bl_backprop_page_get_network_options (page);
  BlChart *chart = bl_backprop_page_get_chart (page);
  guint n_series;

  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 950);
  gtk_window_present (GTK_WINDOW (window));
  wait_for_draw (GTK_WIDGET (window));
  n_series = bl_chart_get_n_series (chart);
  g_assert_cmpuint (n_series, ==, bl_backprop_page_get_n_runs (page));

  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "hidden"), BL_TOY_ACT_TANH);
  g_assert_cmpstr (g_settings_get_string (settings, "activation-hidden"), ==, "tanh");
  g_assert_cmpint (bl_backprop_page_get_run (page, 0)->init.act_hidden, ==, BL_TOY_ACT_TANH);
  g_assert_cmpint (bl_backprop_page_get_run (page, 0)->init.act_output, ==, BL_TOY_ACT_SIGMOID);
  bl_backprop_page_select_column (page, BL_TOY_COL_A_H1);
  g_assert_nonnull (strstr (bl_backprop_page_get_formula_text (page, 1), "tanh"));
  /* From the settings too (a teacher's choice of last lesson). */
  g_settings_set_string (settings, "activation-output", "relu");
  g_assert_cmpint (bl_backprop_page_get_run (page, 0)->init.act_output, ==, BL_TOY_ACT_RELU);
  g_settings_reset (settings, "activation-hidden");
  g_settings_reset (settings, "activation-output");
  g_assert_cmpint (bl_backprop_page_get_run (page, 0)->init.act_hidden, ==, BL_TOY_ACT_SIGMOID);

  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "order"), 1);
  g_assert_cmpint (bl_backprop_page_get_run (page, 0)->init.update_order, ==,
                   BL_TOY_ORDER_OUTPUT_FIRST);
  g_assert_cmpuint (bl_chart_get_n_series (chart), ==, 2 * n_series);
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
  {
    g_autoptr(GPtrArray) dw1 = ledger_column_cells (page, "∂E/∂w1");
    g_autoptr(GPtrArray) dw5 = ledger_column_cells (page, "∂E/∂w5");
    g_autoptr(GPtrArray) w1 = ledger_column_cells (page, "w1");
    g_assert_cmpuint (dw1->len, >=, 2);
    g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (dw1, 0), "differs"));
    g_assert_false (gtk_widget_has_css_class (g_ptr_array_index (dw5, 0), "differs"));
    g_assert_false (gtk_widget_has_css_class (g_ptr_array_index (w1, 0), "differs"));
    g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (w1, 1), "differs"));
    g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (dw5, 1), "differs"));
    {
      const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
      g_autofree char *shot = g_build_filename (dir, "backprop-output-first.png", NULL);
      g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
    }
  }
  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "order"), 0);
  g_assert_cmpuint (bl_chart_get_n_series (chart), ==, n_series);
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
  {
    g_autoptr(GPtrArray) dw1 = ledger_column_cells (page, "∂E/∂w1");
    g_assert_false (gtk_widget_has_css_class (g_ptr_array_index (dw1, 0), "differs"));
  }
  /* A forgotten path is a mistake too: its correct curves are drawn. */
  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "path"), 2);
  g_assert_cmpuint (bl_backprop_page_get_run (page, 0)->init.forget_path, ==, 2);
  g_assert_cmpuint (bl_chart_get_n_series (chart), ==, 2 * n_series);
  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "path"), 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A rate that diverges: tanh units at η = 50 end with a loss above the start. The banner names
 * the weight that moved most in the first update that raised the loss, with that update's
 * numbers, and the ledger marks its cell and its gradient's in that row. The weight is found
 * here from the run's rows. A run that stops on a value that is not finite shows no row past
 * its last finite one. */
static void
test_divergence_marked (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlNetworkOptions *options = bl_backprop_page_get_network_options (page);
  const double lrs[] = { 50.0 };
  const BlToyRun *run;
  guint k = 0;
  BlToyColumn who = BL_TOY_N_COLS;
  double biggest = 0;
  BlToyRow row;
  const char *banner;

  g_assert_null (bl_backprop_page_get_banner_text (page));
  /* The ledger scrolled away to its far right, where a class may have left it. */
  {
    GtkWidget *scroller = gtk_widget_get_ancestor (
      GTK_WIDGET (bl_backprop_page_get_ledger_view (page)), GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scroller));
    gtk_adjustment_set_value (h, gtk_adjustment_get_upper (h));
    g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
  }
  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "hidden"), BL_TOY_ACT_TANH);
  gtk_drop_down_set_selected (bl_network_options_get_dropdown (options, "output"), BL_TOY_ACT_TANH);
  bl_backprop_page_set_learning_rates (page, lrs, 1);
  run = bl_backprop_page_get_run (page, 0);
  while (!(run->loss[k + 1] > run->loss[k]))
    k++;
  bl_toy_run_get_row (run, k, &row);
  for (guint c = BL_TOY_COL_DW1; c <= BL_TOY_COL_DW8; c++)
    if (fabs (row.v[c]) > biggest)
      {
        biggest = fabs (row.v[c]);
        who = c;
      }
  banner = bl_backprop_page_get_banner_text (page);
  g_assert_nonnull (banner);
  g_test_message ("%s", banner);
  g_assert_nonnull (strstr (banner, "loss grows"));
  {
    static const char *const names[] = { "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8" };
    g_autofree char *update = g_strdup_printf ("%s ← %s", names[who - BL_TOY_COL_DW1],
                                               names[who - BL_TOY_COL_DW1]);
    g_autofree char *header = g_strdup (names[who - BL_TOY_COL_DW1]);
    g_autoptr(GPtrArray) cells = NULL;
    g_assert_nonnull (strstr (banner, update));
    g_assert_nonnull (strstr (banner, " − 50 · "));
    g_test_message ("first growth at iteration %u, %s moved most", k, header);
    /* The page goes to that cell: its row current, its weight explained, both in view. */
    g_assert_cmpuint (bl_backprop_page_get_current (page), ==, k);
    {
      g_autofree char *title = g_strdup_printf ("%s at iteration %u,", header, k);
      g_assert_true (g_str_has_prefix (bl_backprop_page_get_formula_text (page, 0), title));
    }
    g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
    for (guint c = 0; c < BL_TOY_N_COLS; c++)
      if (bl_toy_column_is_param (c) && bl_toy_param_gradient (c) == who)
        {
          CellWait w = { page, c, k };
          g_assert_true (bl_test_iterate_until (cell_shown, &w, 5));
        }
    g_assert_cmpuint (k, <, 12);   /* the row is in view at the top of the ledger */
      {
        const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
        g_autofree char *shot = g_build_filename (dir, "backprop-divergence.png", NULL);
        g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
        g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
        cells = ledger_column_cells (page, header);
        g_assert_cmpuint (cells->len, >, k);
        g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (cells, k), "blew-up"));
        g_assert_false (gtk_widget_has_css_class (g_ptr_array_index (cells, k + 1), "blew-up"));
      }
  }
  {
    /* Past what the page lets in: the ledger ends at the last finite row. */
    BlToyParams p;
    BlToyRun *bad;
    BlLedgerModel *model = bl_ledger_model_new ();
    bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
    p.t1 = 1e150;
    bad = bl_toy_run_new (&p, 1e160);
    bl_toy_run_compute (bad, 50);
    g_assert_cmpint (bad->stop, ==, BL_TOY_STOP_NONFINITE);
    bl_ledger_model_set_run (model, bad);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, bad->stop_row);
    for (guint i = 0; i < bad->stop_row; i++)
      {
        g_autoptr(BlLedgerRow) r = g_list_model_get_item (G_LIST_MODEL (model), i);
        for (guint c = 0; c < BL_TOY_N_COLS; c++)
          g_assert_true (isfinite (bl_ledger_row_get_values (r)->v[c]));
      }
    bl_ledger_model_set_run (model, NULL);
    g_object_unref (model);
    bl_toy_run_free (bad);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A hidden-layer gradient shows ∂E_total/∂a_h as the sum of its two paths, with numbers found
 * here from the row: δo1 = (a_o1 − t1)·a_o1·(1 − a_o1), δo2 likewise, through o1 δo1·w5,
 * through o2 δo2·w7 (for h1); the diagram colours those paths. A gradient of w5 shows none. */
static void
test_paths_shown (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  const BlToyRun *run = bl_backprop_page_get_run (page, 0);
  BlToyParams p;
  BlToyRow row;
  double d1, d2;
  const char *text;
  g_autofree char *t1 = NULL, *t2 = NULL, *sum = NULL;

  bl_backprop_page_step (page, 3);
  bl_toy_run_get_params (run, 3, &p);
  bl_toy_run_get_row (run, 3, &row);
  d1 = (row.v[BL_TOY_COL_A_O1] - p.t1) * row.v[BL_TOY_COL_A_O1] * (1 - row.v[BL_TOY_COL_A_O1]);
  d2 = (row.v[BL_TOY_COL_A_O2] - p.t2) * row.v[BL_TOY_COL_A_O2] * (1 - row.v[BL_TOY_COL_A_O2]);
  bl_backprop_page_select_column (page, BL_TOY_COL_DW2);
  text = bl_backprop_page_get_formula_text (page, 5);
  g_test_message ("%s", text);
  t1 = g_strdup_printf ("%.9g", d1 * p.w[4]);
  t2 = g_strdup_printf ("%.9g", fabs (d2 * p.w[6]));   /* the minus sign is a real one */
  sum = g_strdup_printf ("%.9g", d1 * p.w[4] + d2 * p.w[6]);
  g_assert_nonnull (strstr (text, "through o1"));
  g_assert_nonnull (strstr (text, t1));
  g_assert_nonnull (strstr (text, t2));
  g_assert_nonnull (strstr (text, sum));
  g_assert_cmpuint (bl_network_view_get_paths (bl_backprop_page_get_network_view (page)), ==, 1);
  bl_backprop_page_select_column (page, BL_TOY_COL_DW3);
  g_assert_cmpuint (bl_network_view_get_paths (bl_backprop_page_get_network_view (page)), ==, 2);
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "backprop-paths.png", NULL);
    g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
    g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
  }
  bl_backprop_page_select_column (page, BL_TOY_COL_DW5);
  g_assert_cmpuint (bl_network_view_get_paths (bl_backprop_page_get_network_view (page)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
walk_index_at_least (gpointer data)
{
  BlStepThrough *walk = data;
  return bl_step_through_get_index (walk) >= GPOINTER_TO_UINT (g_object_get_data (data, "until"));
}

/* Walking through one iteration: the diagram shows the backward values, each step focuses its
 * unit and selects its ledger column (the formula panel follows); → and ← move through the
 * steps while walking (→ steps an iteration otherwise); the forward sweep comes first, then
 * the backward sweep from the outputs to the hidden layer; Play advances on its own. */
static void
test_walk_through (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlStepThrough *walk = bl_backprop_page_get_step_through (page);
  BlNetworkView *view = bl_backprop_page_get_network_view (page);
  const BlToyStep *step;
  guint first_backward = G_MAXUINT, first_hidden_backward = G_MAXUINT;

  bl_step_through_set_active (walk, TRUE);
  g_assert_true (bl_network_view_get_show_backward (view));
  g_assert_cmpuint (bl_step_through_get_n_steps (walk), >, 20);
  step = bl_step_through_get_step (walk);
  g_assert_cmpint (step->phase, ==, BL_TOY_PHASE_FORWARD);
  g_assert_cmpint (bl_network_view_get_focus (view), ==, step->unit);
  g_assert_nonnull (strstr (bl_step_through_get_text (walk), step->formula));
  if (step->column < BL_TOY_N_COLS)
    g_assert_nonnull (strstr (bl_backprop_page_get_formula_text (page, 0),
                              bl_toy_column_label (step->column)));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backprop.arrow-right", NULL));
  g_assert_cmpuint (bl_step_through_get_index (walk), ==, 1);
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 0);   /* not an iteration */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backprop.arrow-left", NULL));
  g_assert_cmpuint (bl_step_through_get_index (walk), ==, 0);

  for (guint i = 0; i < bl_step_through_get_n_steps (walk); i++)
    {
      step = bl_step_through_get_step (walk);
      if (step->phase == BL_TOY_PHASE_BACKWARD && first_backward == G_MAXUINT)
        {
          first_backward = i;
          /* The backward sweep starts at the outputs. */
          g_assert_true (step->unit == BL_TOY_UNIT_O1 || step->unit == BL_TOY_UNIT_O2 ||
                         step->unit == BL_TOY_UNIT_LOSS);
        }
      if (step->phase == BL_TOY_PHASE_BACKWARD && step->layer == 1 &&
          first_hidden_backward == G_MAXUINT)
        first_hidden_backward = i;
      if (step->phase == BL_TOY_PHASE_FORWARD)
        g_assert_cmpuint (first_backward, ==, G_MAXUINT);
      g_assert_cmpint (bl_network_view_get_focus (view), ==, step->unit);
      /* Every step marks a ledger cell whose column the ledger has, and the panel explains
       * it; a δ (no column of its own) says which cell is marked for it. */
      g_assert_cmpuint (step->ledger_column, <, BL_TOY_N_COLS);
      g_assert_nonnull (find_label_text (GTK_WIDGET (bl_backprop_page_get_ledger_view (page)),
                                         bl_toy_column_label (step->ledger_column)));
      {
        g_autofree char *title = g_strdup_printf ("%s at iteration 0,",
                                                  bl_toy_column_label (step->ledger_column));
        g_assert_true (g_str_has_prefix (bl_backprop_page_get_formula_text (page, 0), title));
      }
      if (step->column == BL_TOY_N_COLS)
        g_assert_nonnull (strstr (bl_step_through_get_text (walk), "no column of its own"));
      if (step->delta == BL_TOY_DELTA_O1)
        {
          /* δo1 marks ∂E/∂w5 (δo1 · a_h1), scrolled into view. */
          CellWait w = { page, BL_TOY_COL_DW5, 0 };
          g_assert_cmpint (step->ledger_column, ==, BL_TOY_COL_DW5);
          g_assert_true (bl_test_iterate_until (cell_shown, &w, 5));
        }
      if (i == first_backward + 1)
        {
          const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
          g_autofree char *shot = g_build_filename (dir, "backprop-walk.png", NULL);
          g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
          g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
        }
      bl_step_through_move (walk, 1);
    }
  g_assert_cmpuint (first_backward, !=, G_MAXUINT);
  g_assert_cmpuint (first_hidden_backward, >, first_backward);

  /* Play from the start: it advances by itself. */
  bl_step_through_move (walk, -1000);
  bl_step_through_set_playing (walk, TRUE);
  g_object_set_data (G_OBJECT (walk), "until", GUINT_TO_POINTER (2));
  g_assert_true (bl_test_iterate_until (walk_index_at_least, walk, 20));
  bl_step_through_set_playing (walk, FALSE);

  bl_step_through_set_active (walk, FALSE);
  g_assert_false (bl_network_view_get_show_backward (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "backprop.arrow-right", NULL));
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Predict, then reveal: the output gradients of the next row are hidden in the ledger ("?");
 * a right answer (four significant digits) reveals its cell; the sign flipped is named as
 * such and the cell stays hidden until Reveal, which writes the formula with its numbers; the
 * summary has both cells, one right the first time, and names the mistake; Next row moves on. */
static void
test_predict_reveal (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlPredictPanel *panel = bl_backprop_page_get_predict_panel (page);
  const BlToyRun *run = bl_backprop_page_get_run (page, 0);
  g_autoptr(GPtrArray) dw5 = NULL, dw6 = NULL;
  g_autofree char *right = NULL, *wrong = NULL, *csv = NULL;
  BlToyRow row;

  bl_backprop_page_set_predicting (page, TRUE);
  bl_predict_panel_set_set (panel, BL_PREDICT_OUTPUT_GRADIENTS);
  g_assert_true (bl_predict_panel_hides (panel, 1, BL_TOY_COL_DW5));
  g_assert_false (bl_predict_panel_hides (panel, 1, BL_TOY_COL_DW1));
  g_assert_false (bl_predict_panel_hides (panel, 0, BL_TOY_COL_DW5));
  g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
  dw5 = ledger_column_cells (page, "∂E/∂w5");
  dw6 = ledger_column_cells (page, "∂E/∂w6");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_ptr_array_index (dw5, 1))), ==, "?");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_ptr_array_index (dw5, 0))), !=, "?");

  bl_toy_run_get_row (run, 1, &row);
  right = g_strdup_printf ("%.4g", row.v[BL_TOY_COL_DW5]);
  g_assert_true (bl_predict_panel_answer (panel, BL_TOY_COL_DW5, right));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_ptr_array_index (dw5, 1))), !=, "?");
  wrong = g_strdup_printf ("%.9g", -row.v[BL_TOY_COL_DW6]);
  g_assert_false (bl_predict_panel_answer (panel, BL_TOY_COL_DW6, wrong));
  g_test_message ("%s", bl_predict_panel_get_feedback (panel, BL_TOY_COL_DW6));
  g_assert_nonnull (strstr (bl_predict_panel_get_feedback (panel, BL_TOY_COL_DW6), "sign"));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_ptr_array_index (dw6, 1))), ==, "?");
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "backprop-predict.png", NULL);
    g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
    g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
  }
  bl_predict_panel_reveal (panel, BL_TOY_COL_DW6);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (g_ptr_array_index (dw6, 1))), !=, "?");
  g_assert_nonnull (strstr (bl_predict_panel_get_feedback (panel, BL_TOY_COL_DW6), " = "));

  g_assert_cmpuint (bl_toy_lesson_n_cells (bl_predict_panel_get_lesson (panel)), ==, 2);
  g_assert_cmpuint (bl_toy_lesson_n_right_first (bl_predict_panel_get_lesson (panel)), ==, 1);
  csv = bl_toy_lesson_to_csv (bl_predict_panel_get_lesson (panel));
  g_assert_nonnull (strstr (csv, bl_toy_mistake_id (BL_TOY_MISTAKE_SIGN_FLIPPED)));

  /* Next row: iteration 1 is shown, iteration 2's cells are the ones to predict. */
  gtk_widget_activate_action (GTK_WIDGET (page), "win.step", NULL);
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 1);
  g_assert_true (bl_predict_panel_hides (panel, 2, BL_TOY_COL_DW6));
  bl_backprop_page_set_predicting (page, FALSE);
  g_assert_false (bl_predict_panel_hides (panel, 2, BL_TOY_COL_DW6));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void collect_type (GtkWidget *root, GType type, GPtrArray *out);

/* The With-biases preset shows the published example beside the exact values: the post's
 * 0.291027924 after the first update is marked as differing from the exact 0.291027774 (the
 * post's is the output-first order's), its other figures agree; the classroom preset hides it. */
static void
test_published_example (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GtkWidget *panel = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) all = g_ptr_array_new ();

  bl_backprop_page_set_preset (page, BL_TOY_PRESET_WITH_BIASES);
  collect_type (GTK_WIDGET (page), BL_TYPE_PUBLISHED_PANEL, all);
  g_assert_cmpuint (all->len, ==, 1);
  panel = g_ptr_array_index (all, 0);
  text = bl_published_panel_get_text (BL_PUBLISHED_PANEL (panel));
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "0.291027924\t0.291027773694\t≠"));
  g_assert_nonnull (strstr (text, "0.298371109\t0.298371108760\t="));
  g_assert_nonnull (strstr (text, "0.35891648\t0.35891647972\t="));
  {
    const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
    g_autofree char *shot = g_build_filename (dir, "backprop-published.png", NULL);
    g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
    g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), shot));
  }
  bl_backprop_page_set_preset (page, BL_TOY_PRESET_CLASSROOM);
  g_assert_false (gtk_widget_get_visible (panel));
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

/* The panel's text @which with its no-break spaces (which keep a formula's sides whole when it
 * wraps) read as spaces. */
static char *
formula_text (BlBackpropPage *page, int which)
{
  g_autoptr(GRegex) nbsp = g_regex_new ("\u00a0", 0, 0, NULL);
  return g_regex_replace_literal (nbsp, bl_backprop_page_get_formula_text (page, which), -1, 0,
                                  " ", 0, NULL);
}

static void
test_formula_panel (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  g_autofree char *formula = NULL, *chain = NULL, *check = NULL, *subst = NULL;

  bl_backprop_page_select_column (page, BL_TOY_COL_DW5);
  formula = formula_text (page, 1);
  chain = formula_text (page, 3);
  check = formula_text (page, 4);
  g_assert_nonnull (strstr (formula, "∂E_total/∂w5 = (a_o1 − t1)"));
  g_assert_nonnull (strstr (chain, "∂o1/∂w5 = a_h1"));
  g_assert_nonnull (strstr (check, "relative error"));
  bl_backprop_page_select_column (page, BL_TOY_COL_A_H1);
  subst = formula_text (page, 2);
  g_assert_cmpstr (subst, ==, "a_h1 = 1 / (1 + e^(−0.0275)) = 0.506874567");
  /* It breaks only before an "=": the sides keep their spaces unbreakable. */
  g_assert_nonnull (strstr (bl_backprop_page_get_formula_text (page, 2),
                            "1\u00a0/\u00a0(1\u00a0+\u00a0e^(−0.0275)) ="));
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The ledger's columns with a title: the blank end that lets its last columns scroll flush
 * against the pinned one has none. */
static guint
titled_columns (GListModel *columns)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      n += gtk_column_view_column_get_title (c) != NULL;
    }
  return n;
}

static void
test_with_biases_preset (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GListModel *columns = gtk_column_view_get_columns (bl_backprop_page_get_ledger_view (page));
  const BlToyRun *run;
  guint n_classroom = titled_columns (columns);

  /* iteration + the spreadsheet's 31 quantities */
  g_assert_cmpuint (n_classroom, ==, 32);
  bl_backprop_page_set_preset (page, BL_TOY_PRESET_WITH_BIASES);
  g_assert_cmpuint (titled_columns (columns), ==, 32 + 4);   /* b1, b2, ∂E/∂b1, ∂E/∂b2 */
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
  g_assert_cmpuint (titled_columns (columns), ==, 32);
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

static gboolean
export_done (gpointer page)
{
  return !bl_backprop_page_get_exporting (page);
}

static guint
count_lines (const char *path)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  for (gsize i = 0; i < len; i++)
    n += text[i] == '\n';
  return n;
}

/* Exports are written by a worker: each call returns while the file is still being written
 * (the page keeps answering), a second one waits its turn, and the page says what it saved. */
static void
test_exports_off_main_thread (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  const char *dir = g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".";
  g_autofree char *xlsx = g_build_filename (dir, "backprop-lesson.xlsx", NULL);
  g_autofree char *csv = g_build_filename (dir, "backprop-ledger.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  gsize len;

  g_unlink (xlsx);
  g_unlink (csv);
  g_assert_true (bl_backprop_page_export_xlsx (page, xlsx, &error));
  g_assert_no_error (error);
  /* Back before the workbook is done: the result comes through the main loop. */
  g_assert_true (bl_backprop_page_get_exporting (page));
  g_assert_nonnull (strstr (bl_backprop_page_get_status_text (page), "Writing the workbook"));
  g_assert_false (bl_backprop_page_export_csv (page, csv, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  /* Stepping still works meanwhile. */
  bl_backprop_page_step (page, 5);
  g_assert_cmpuint (bl_backprop_page_get_current (page), ==, 5);
  g_assert_true (bl_test_iterate_until (export_done, page, 120));
  g_test_message ("%s", bl_backprop_page_get_status_text (page));
  g_assert_nonnull (strstr (bl_backprop_page_get_status_text (page),
                            "Saved the workbook “backprop-lesson.xlsx”"));
  /* The first 1,000 iterations: what a spreadsheet recalculates without a wait. */
  g_assert_nonnull (strstr (bl_backprop_page_get_status_text (page), "iterations 0 to 1,000"));
  g_assert_true (g_file_get_contents (xlsx, &head, &len, NULL));
  g_assert_cmpuint (len, >, 4);
  g_assert_cmpmem (head, 2, "PK", 2);

  g_assert_true (bl_backprop_page_export_csv (page, csv, &error));
  g_assert_no_error (error);
  g_assert_true (bl_backprop_page_get_exporting (page));
  g_assert_true (bl_test_iterate_until (export_done, page, 120));
  g_assert_nonnull (strstr (bl_backprop_page_get_status_text (page), "Saved the ledger"));
  /* A header, then 10,001 rows for each of the six rates. */
  g_assert_cmpuint (count_lines (csv), ==, 1 + 6 * 10001);

  /* A file that cannot be written: said on the status line, not in a frozen window. */
  g_assert_true (bl_backprop_page_export_csv (page, "/nonexistent-folder/ledger.csv", &error));
  g_assert_true (bl_test_iterate_until (export_done, page, 60));
  g_assert_nonnull (strstr (bl_backprop_page_get_status_text (page), "Could not save"));
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_items_changed (GListModel *model, guint position, guint removed, guint added, guint *n)
{
  (*n)++;
}

/* A new starting value changes the ledger's numbers, not its rows: the cells on screen take the
 * new values in place (the row widgets stay, and so does the selection), and the model
 * announces no row change; a longer run adds rows at the end only. */
static void
test_ledger_refreshes_in_place (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GtkWidget *ledger = GTK_WIDGET (bl_backprop_page_get_ledger_view (page));
  GtkWidget *header = find_label_text (ledger, "w1"), *cell = NULL;
  GListModel *rows = bl_backprop_page_get_ledger_selection (page);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  guint changes = 0;
  double hx0, top = G_MAXDOUBLE;

  g_assert_nonnull (header);
  hx0 = widget_x_in (header, ledger, NULL);
  collect_labels (ledger, "numeric", labels);
  /* Row 0 of w1: the topmost cell under its header. */
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *l = g_ptr_array_index (labels, i);
      double y;
      if (fabs (widget_x_in (l, ledger, &y) - hx0) < 12 && y < top)
        {
          top = y;
          cell = l;
        }
    }
  g_assert_nonnull (cell);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell)), ==, "0.150000");
  g_object_add_weak_pointer (G_OBJECT (cell), (gpointer *) &cell);
  bl_backprop_page_step (page, 2);
  g_signal_connect (rows, "items-changed", G_CALLBACK (count_items_changed), &changes);

  gtk_editable_set_text (GTK_EDITABLE (bl_backprop_page_get_param_entry (page, "w1")), "0.3");
  g_assert_cmpuint (changes, ==, 0);
  g_assert_nonnull (cell);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (cell)), ==, "0.300000");
  g_assert_cmpuint (selected_row (page), ==, 2);
  {
    /* The items themselves give the new values too. */
    g_autoptr(BlLedgerRow) row = g_list_model_get_item (rows, 0);
    g_assert_cmpfloat (bl_ledger_row_get_values (row)->v[BL_TOY_COL_W1], ==, 0.3);
  }
  bl_backprop_page_step (page, 10500);
  g_assert_cmpuint (changes, ==, 1);   /* rows 10,001 to 10,502, added at the end */
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 10503);
  g_signal_handlers_disconnect_by_func (rows, count_items_changed, &changes);
  if (cell)
    g_object_remove_weak_pointer (G_OBJECT (cell), (gpointer *) &cell);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every mapped widget of @type under @root, in tree order. */
static void
collect_type (GtkWidget *root, GType type, GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && gtk_widget_get_mapped (root))
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    collect_type (c, type, out);
}

/* No two curves of the loss chart share a colour, whatever the list of up to eight rates
 * (repeats included), read back from the chart itself; nor after a slider moves one rate past
 * the others. */
static void
test_chart_colors_distinct (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  BlChart *chart = bl_backprop_page_get_chart (page);
  GRand *rand = g_rand_new_with_seed (5);

  for (guint trial = 0; trial < 60; trial++)
    {
      guint n = 1 + trial % 8;
      double lrs[8];

      for (guint i = 0; i < n; i++)
        lrs[i] = g_rand_int_range (rand, 0, 4) == 0 ? 0.5
                                                    : pow (10, g_rand_double_range (rand, -3, 1));
      bl_backprop_page_set_learning_rates (page, lrs, n);
      for (int moved = 0; moved < 2; moved++)
        {
          guint drawn = 0;
          GdkRGBA colors[16];

          if (moved)
            {
              /* Drag the first rate's slider to 20: it becomes the largest. */
              g_autoptr(GPtrArray) scales = g_ptr_array_new ();
              collect_type (GTK_WIDGET (page), GTK_TYPE_SCALE, scales);
              g_assert_cmpuint (scales->len, ==, n);
              gtk_range_set_value (g_ptr_array_index (scales, 0), log10 (20));
            }
          g_assert_cmpuint (bl_chart_get_n_series (chart), ==, n);
          for (guint i = 0; i < bl_chart_get_n_series (chart); i++)
            if (bl_chart_get_series_color (chart, i, &colors[drawn]))
              drawn++;
          g_assert_cmpuint (drawn, ==, n);
          for (guint i = 0; i < drawn; i++)
            for (guint j = i + 1; j < drawn; j++)
              if (gdk_rgba_equal (&colors[i], &colors[j]))
                g_error ("trial %u%s: curves %u and %u share a colour", trial,
                         moved ? " after a drag" : "", i, j);
        }
    }
  g_rand_free (rand);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every ledger cell on screen shows its whole number (no "…", nothing cut), in normal and in
 * projector mode, including the bold cells of the explained quantity and long gradients. */
static void
test_ledger_numbers_whole (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  for (int projector = 0; projector < 2; projector++)
    {
      BlWindow *window;
      BlBackpropPage *page;
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      guint checked = 0;

      g_settings_set_boolean (settings, "projector-mode", projector);
      window = bl_window_new (NULL, settings);
      if (projector)
        gtk_widget_add_css_class (GTK_WIDGET (window), "projector");
      gtk_window_set_default_size (GTK_WINDOW (window), 1920, 1080);
      gtk_window_present (GTK_WINDOW (window));
      page = bl_window_get_backprop_page (window);
      bl_backprop_page_select_column (page, BL_TOY_COL_DW1);
      bl_backprop_page_step (page, 9990);
      wait_for_draw (GTK_WIDGET (window));
      wait_for_draw (GTK_WIDGET (window));
      collect_labels (gtk_widget_get_parent (GTK_WIDGET (bl_backprop_page_get_ledger_view (page))),
                      "numeric", labels);
      collect_labels (gtk_widget_get_parent (gtk_widget_get_parent (
                        GTK_WIDGET (bl_backprop_page_get_ledger_view (page)))), "numeric",
                      labels);
      for (guint i = 0; i < labels->len; i++)
        {
          GtkWidget *label = g_ptr_array_index (labels, i), *cell = gtk_widget_get_parent (label);
          GtkAllocation in_cell;
          graphene_rect_t b;
          int natural;
          if (gtk_widget_get_width (label) <= 0)
            continue;
          /* Its whole text fits the label, and the label its cell (which clips what passes). */
          gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
          gtk_widget_get_allocation (cell, &in_cell);
          g_assert_true (gtk_widget_compute_bounds (label, cell, &b));
          if (natural > gtk_widget_get_width (label) ||
              pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))) ||
              b.origin.x < -0.5 || b.origin.x + b.size.width > in_cell.width + 0.5)
            g_error ("%s mode: “%s” needs %d pixels, has %d in a cell of %d",
                     projector ? "projector" : "normal", gtk_label_get_text (GTK_LABEL (label)),
                     natural, gtk_widget_get_width (label), in_cell.width);
          checked++;
        }
      g_test_message ("%s mode: %u cells whole", projector ? "projector" : "normal", checked);
      g_assert_cmpuint (checked, >, 100);
      gtk_window_destroy (GTK_WINDOW (window));
    }
  g_settings_reset (settings, "projector-mode");
}

/* Play goes at the chosen pace: its first frame moves one iteration whatever the speed, and
 * the menu offers 1, 5, 20 and 100 a second and the whole chart at once. */
static void
test_play_speed (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);

  bl_backprop_page_set_play_speed (page, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  wait_for_draw (GTK_WIDGET (window));
  g_assert_true (bl_backprop_page_get_playing (page));
  g_assert_cmpuint (bl_backprop_page_get_current (page), >=, 1);
  g_assert_cmpuint (bl_backprop_page_get_current (page), <, 100);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_false (bl_backprop_page_get_playing (page));
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
never_done (gpointer data)
{
  return FALSE;
}

static gboolean
reached_row (gpointer page)
{
  return bl_backprop_page_get_current (page) >= GPOINTER_TO_UINT (
    g_object_get_data (G_OBJECT (page), "bl-test-row"));
}

/* The rows the ledger shows now: its scroller's adjustment, a header about a row tall. */
static void
ledger_rows_in_view (BlBackpropPage *page, double *first, double *last)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (
    GTK_WIDGET (bl_backprop_page_get_ledger_view (page)), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  guint n = g_list_model_get_n_items (bl_backprop_page_get_ledger_selection (page));
  double row_h = gtk_adjustment_get_upper (adj) / (n + 1);

  *first = gtk_adjustment_get_value (adj) / row_h - 1;
  *last = (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj)) / row_h - 1;
}

/* While Play goes at a pace a class can watch (20 a second), the ledger keeps the current
 * row selected and in view (an audit saw it stay on rows 0–10 while Play was at 178). */
static void
test_play_follows_in_ledger (void)
{
  BlWindow *window = make_window ();
  BlBackpropPage *page = bl_window_get_backprop_page (window);
  GtkSingleSelection *selection =
    GTK_SINGLE_SELECTION (bl_backprop_page_get_ledger_selection (page));

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 720);
  wait_for_draw (GTK_WIDGET (window));
  bl_backprop_page_set_play_speed (page, 20);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  for (guint target = 40; target <= 80; target += 40)
    {
      double first, last;
      guint k;

      g_object_set_data (G_OBJECT (page), "bl-test-row", GUINT_TO_POINTER (target));
      g_assert_true (bl_test_iterate_until (reached_row, page, 30));
      /* A frame or two for the ledger to follow (each step schedules its scroll). */
      bl_test_iterate_until (never_done, NULL, 0.25);
      k = bl_backprop_page_get_current (page);
      ledger_rows_in_view (page, &first, &last);
      g_test_message ("iteration %u: ledger shows rows %.1f to %.1f, selected %u", k, first,
                      last, gtk_single_selection_get_selected (selection));
      g_assert_cmpuint (gtk_single_selection_get_selected (selection) + 6, >=, k);
      g_assert_cmpuint (gtk_single_selection_get_selected (selection), <=, k);
      g_assert_cmpfloat (first, <=, gtk_single_selection_get_selected (selection) + 0.5);
      g_assert_cmpfloat (last, >=, gtk_single_selection_get_selected (selection) + 0.5);
    }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
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
  g_unlink (png);
  g_assert_true (bl_backprop_page_export_png (page, png, &error));
  g_assert_no_error (error);
  g_assert_true (bl_test_iterate_until (export_done, page, 60));
  g_assert_nonnull (strstr (bl_backprop_page_get_status_text (page), "Saved the loss chart"));
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

static gboolean
never (gpointer data)
{
  return FALSE;
}

/* No weight label over the text in a unit (“o2” over its value), at any size: a pill drawn
 * over it hides what the class reads. */
static void
check_diagram_unit_texts (const graphene_rect_t labels[8], const graphene_rect_t unit_texts[8],
                          guint n_units, const char *where, GString *failures)
{
  for (guint a = 0; a < 8; a++)
    for (guint u = 0; u < n_units; u++)
      {
        graphene_rect_t in;
        if (graphene_rect_intersection (&labels[a], &unit_texts[u], &in) &&
            in.size.width > 0.5 && in.size.height > 0.5)
          g_string_append_printf (failures, "%s: w%u's label (%.0f,%.0f %.0f×%.0f) covers the "
                                  "text of unit %u (%.0f×%.0f of it)\n", where, a + 1,
                                  labels[a].origin.x, labels[a].origin.y, labels[a].size.width,
                                  labels[a].size.height, u, in.size.width, in.size.height);
      }
}

static void
check_diagram_labels (const graphene_rect_t labels[8], const graphene_rect_t units[8],
                      guint n_units, int w, int h, const char *where, GString *failures)
{
  for (guint a = 0; a < 8; a++)
    {
      const graphene_rect_t *la = &labels[a];
      if (la->origin.x < -0.5 || la->origin.y < -0.5 ||
          la->origin.x + la->size.width > w + 0.5 ||
          la->origin.y + la->size.height > h + 0.5)
        g_string_append_printf (failures, "%s: w%u's label leaves the drawing\n",
                                where, a + 1);
      for (guint b = a + 1; b < 8; b++)
        {
          graphene_rect_t in;
          if (graphene_rect_intersection (la, &labels[b], &in) &&
              in.size.width > 0.5 && in.size.height > 0.5)
            g_string_append_printf (failures, "%s: w%u's and w%u's labels overlap "
                                    "(%.0f×%.0f)\n", where, a + 1, b + 1,
                                    in.size.width, in.size.height);
        }
      for (guint u = 0; u < n_units; u++)
        {
          double r = units[u].size.width / 2;
          double cx = units[u].origin.x + r, cy = units[u].origin.y + r;
          double nx = CLAMP (cx, la->origin.x, la->origin.x + la->size.width);
          double ny = CLAMP (cy, la->origin.y, la->origin.y + la->size.height);
          if (hypot (nx - cx, ny - cy) < r - 0.5)
            g_string_append_printf (failures, "%s: w%u's label (%.0f,%.0f %.0f×%.0f) overlaps "
                                    "unit %u (%.0f,%.0f r %.0f)\n", where, a + 1,
                                    la->origin.x, la->origin.y, la->size.width,
                                    la->size.height, u, cx, cy, r);
        }
    }
}

/* The diagram at the classroom's screen sizes, normal and projector, walking through or not,
 * with and without biases. Asserted: at every size, no weight label covers the text in a unit;
 * at 1920×1080, no two weight labels overlap, none overlaps a unit or leaves the drawing, and
 * the smallest text is at least 72 % of the page's font (14 px in projector mode); in
 * projector mode at every size, the smallest text is 14 px or more. Logged, not yet
 * asserted: the labels over one another or a unit's rim at 1024×600 and 1280×720 (what each
 * reaches is in the log). */
static void
test_diagram_legible (void)
{
  static const int sizes[][2] = { { 1024, 600 }, { 1280, 720 }, { 1920, 1080 } };
  GString *failures = g_string_new (NULL);
  BlWindow *window = bl_window_new (NULL, NULL);
  BlBackpropPage *page;
  BlNetworkView *view;

  gtk_window_present (GTK_WINDOW (window));
  page = bl_window_get_backprop_page (window);
  view = bl_backprop_page_get_network_view (page);
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    for (guint projector = 0; projector < 2; projector++)
      for (guint biases = 0; biases < 2; biases++)
        for (guint walk = 0; walk < 2; walk++)
          {
            graphene_rect_t labels[8], units[8], unit_texts[8];
            guint n_units;
            gboolean caption;
            int w, h;
            double text;
            g_autofree char *where = g_strdup_printf ("%dx%d %s%s%s", sizes[i][0], sizes[i][1],
                                                      projector ? "projector" : "normal",
                                                      biases ? " biases" : "",
                                                      walk ? " walk" : "");

            /* Projector mode as app.projector-mode applies it: the window's class (the
             * font) and the diagram's property (the lines). */
            if (projector)
              gtk_widget_add_css_class (GTK_WIDGET (window), "projector");
            else
              gtk_widget_remove_css_class (GTK_WIDGET (window), "projector");
            g_object_set (view, "projector-mode", projector, NULL);
            bl_backprop_page_set_preset (page, biases ? BL_TOY_PRESET_WITH_BIASES
                                                      : BL_TOY_PRESET_CLASSROOM);
            bl_step_through_set_active (bl_backprop_page_get_step_through (page), walk);
            gtk_window_unmaximize (GTK_WINDOW (window));
            gtk_window_set_default_size (GTK_WINDOW (window), sizes[i][0], sizes[i][1]);
            bl_test_iterate_until (never, NULL, 0.3);
            g_assert_true (bl_test_wait_for_draw (GTK_WIDGET (window)));
            if (gtk_widget_get_height (GTK_WIDGET (window)) > sizes[i][1] ||
                gtk_widget_get_width (GTK_WIDGET (window)) > sizes[i][0])
              g_string_append_printf (failures, "%s: the window is %d×%d\n", where,
                                      gtk_widget_get_width (GTK_WIDGET (window)),
                                      gtk_widget_get_height (GTK_WIDGET (window)));
            w = gtk_widget_get_width (GTK_WIDGET (view));
            h = gtk_widget_get_height (GTK_WIDGET (view));
            text = bl_network_view_get_layout (view, w, h, labels, units, unit_texts, &n_units,
                                               &caption);
            g_test_message ("%s: diagram %d×%d, smallest text %.1f px%s", where, w, h, text,
                            caption ? "" : ", no caption line");
            /* Projector mode at 1024×600 and up, with biases or without, walking through or
             * not: 14 px. */
            if (projector && text < 14.0)
              g_string_append_printf (failures, "%s: text %.1f px\n", where, text);
            /* At every size: no label over a unit's text. */
            check_diagram_unit_texts (labels, unit_texts, n_units, where, failures);
            if (sizes[i][0] < 1920)
              {
                /* Measured and logged only (see above). */
                GString *log = failures;
                failures = g_string_new (NULL);
                check_diagram_labels (labels, units, n_units, w, h, where, failures);
                if (failures->len)
                  g_test_message ("not yet: %s", failures->str);
                g_string_free (failures, TRUE);
                failures = log;
                continue;
              }
            if (text < (projector ? 14.0 : 9.0))
              g_string_append_printf (failures, "%s: text %.1f px\n", where, text);
            check_diagram_labels (labels, units, n_units, w, h, where, failures);
            if (g_getenv ("BL_SCREENS_DIR"))
              {
                g_autofree char *name = g_strdup_printf ("diagram-%s.png", where);
                g_autofree char *path = NULL;
                g_strdelimit (name, " ", '-');
                path = g_build_filename (g_getenv ("BL_SCREENS_DIR"), name, NULL);
                g_assert_true (bl_test_save_window_png (GTK_WIDGET (window), path));
              }
          }
  bl_step_through_set_active (bl_backprop_page_get_step_through (page), FALSE);
  if (failures->len)
    g_test_message ("%s", failures->str);
  g_assert_cmpuint (failures->len, ==, 0);
  g_string_free (failures, TRUE);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  g_test_add_func ("/app/window/builds", test_builds);
  g_test_add_func ("/app/window/startup-computes-once", test_startup_computes_once);
  g_test_add_func ("/app/window/network-options", test_network_options);
  g_test_add_func ("/app/window/divergence-marked", test_divergence_marked);
  g_test_add_func ("/app/window/paths-shown", test_paths_shown);
  g_test_add_func ("/app/window/walk-through", test_walk_through);
  g_test_add_func ("/app/window/predict-reveal", test_predict_reveal);
  g_test_add_func ("/app/window/published-example", test_published_example);
  g_test_add_func ("/app/window/step-moves-cursor", test_step_moves_cursor);
  g_test_add_func ("/app/window/bad-input-refused", test_bad_input_refused);
  g_test_add_func ("/app/window/formula-panel", test_formula_panel);
  g_test_add_func ("/app/window/ledger-click-selects-row", test_ledger_click_selects_row);
  g_test_add_func ("/app/window/ledger-pinned-column", test_ledger_pinned_column);
  g_test_add_func ("/app/window/page-fits-small-screens", test_page_fits_small_screens);
  g_test_add_func ("/app/window/with-biases-preset", test_with_biases_preset);
  g_test_add_func ("/app/window/chart-png-and-screenshot", test_chart_png_and_screenshot);
  g_test_add_func ("/app/window/exports-off-main-thread", test_exports_off_main_thread);
  g_test_add_func ("/app/window/chart-colors-distinct", test_chart_colors_distinct);
  g_test_add_func ("/app/window/ledger-numbers-whole", test_ledger_numbers_whole);
  g_test_add_func ("/app/window/ledger-refreshes-in-place", test_ledger_refreshes_in_place);
  g_test_add_func ("/app/window/play-speed", test_play_speed);
  g_test_add_func ("/app/window/play-follows-in-ledger", test_play_follows_in_ledger);
  g_test_add_func ("/app/window/preferences", test_preferences);
  g_test_add_func ("/app/window/show-page-action", test_show_page_action);
  g_test_add_func ("/app/window/projector-mode-one-switch", test_projector_mode_one_switch);
  g_test_add_func ("/app/window/diagram-legible", test_diagram_legible);
  return g_test_run ();
}
