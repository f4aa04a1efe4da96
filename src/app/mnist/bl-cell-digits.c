/* bl-cell-digits.c: see bl-cell-digits.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "mnist/bl-cell-digits.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-palette.h"

static int
more_confident_first (const void *a, const void *b, void *predicted)
{
  const BlDigitItem *x = a, *y = b;
  int p = GPOINTER_TO_INT (predicted);
  if (x->probs[p] != y->probs[p])
    return x->probs[p] > y->probs[p] ? -1 : 1;
  return x->index < y->index ? -1 : 1;   /* stable: by test index */
}

static guint
argmax10 (const float *p)
{
  guint best = 0;
  for (guint c = 1; c < 10; c++)
    if (p[c] > p[best])
      best = c;
  return best;
}

void
bl_digit_story (const float *const *probs, guint n_epochs, guint index, guint8 label,
                BlDigitStory *out)
{
  gboolean before = FALSE;

  memset (out, 0, sizeof *out);
  for (guint e = 0; e < n_epochs; e++)
    {
      gboolean right = argmax10 (probs[e] + (gsize) index * NN_CLASSES) == label;
      if (e == 0 || right != before)
        out->since = e + 1;
      if (e > 0 && right != before)
        out->flips++;
      before = right;
    }
  out->right = before;
}

char *
bl_digit_story_text (const BlDigitStory *s)
{
  g_autofree char *streak = NULL;

  if (s->since <= 1)
    streak = g_strdup (s->right ? _("right from the start") : _("wrong from the start"));
  else
    streak = g_strdup_printf (s->right ? _("right from epoch %u on") : _("wrong since epoch %u"),
                              s->since);
  if (s->flips < BL_DIGIT_FLIPPING)
    return g_steal_pointer (&streak);
  /* TRANSLATORS: a digit's story: its present streak, then how often it changed */
  return g_strdup_printf (_("%s · flipped %u times"), streak, s->flips);
}

guint
bl_cell_digits_collect (const NnSplit *test, const float *const *probs, guint n_epochs,
                        guint n_test, int truth, int predicted, gboolean only_flipping,
                        BlDigitItem *items, guint *n_items)
{
  g_autofree BlDigitItem *all = NULL;
  const float *last;
  guint total = 0;

  *n_items = 0;
  if (n_epochs == 0)
    return 0;
  last = probs[n_epochs - 1];
  n_test = MIN (n_test, test->n);
  all = g_new (BlDigitItem, MAX (n_test, 1));
  for (guint i = 0; i < n_test; i++)
    {
      const float *p = last + (gsize) i * NN_CLASSES;
      BlDigitStory story;
      g_autofree char *note = NULL;

      if (test->labels[i] != truth || (int) argmax10 (p) != predicted)
        continue;
      bl_digit_story (probs, n_epochs, i, test->labels[i], &story);
      if (only_flipping && story.flips < BL_DIGIT_FLIPPING)
        continue;
      memcpy (all[total].pixels, test->images + (gsize) i * NN_IMAGE_SIZE, NN_IMAGE_SIZE);
      memcpy (all[total].probs, p, sizeof all[total].probs);
      all[total].index = i;
      all[total].label = test->labels[i];
      note = bl_digit_story_text (&story);
      g_strlcpy (all[total].note, note, sizeof all[total].note);
      total++;
    }
  g_qsort_with_data (all, total, sizeof *all, more_confident_first, GINT_TO_POINTER (predicted));
  *n_items = MIN (total, BL_DIGIT_GRID_MAX);
  memcpy (items, all, sizeof *items * *n_items);
  return total;
}

/* ------------------------------------------------------------------------------------------
 * The window
 */

typedef struct {
  NnDataset   *data;
  GListModel  *history;
  guint        epoch;
  int          truth, predicted;
  BlDigitGrid *grid;
  GtkLabel    *intro;
} CellWindow;

static void
cell_window_free (CellWindow *cw)
{
  nn_dataset_unref (cw->data);
  g_object_unref (cw->history);
  g_free (cw);
}

/* The epochs' probabilities up to the shown one; the history keeps the bytes alive. */
static const float **
epoch_probs (CellWindow *cw, guint *n_test)
{
  const float **probs = g_new (const float *, MAX (cw->epoch, 1));

  *n_test = G_MAXUINT;
  for (guint e = 0; e < cw->epoch; e++)
    {
      g_autoptr(BlEpoch) epoch = g_list_model_get_item (cw->history, e);
      probs[e] = g_bytes_get_data (bl_epoch_get_test_probs (epoch), NULL);
      *n_test = MIN (*n_test, bl_epoch_get_n_test (epoch));
    }
  return probs;
}

static void
fill (CellWindow *cw, gboolean only_flipping)
{
  g_autofree const float **probs = NULL;
  g_autofree BlDigitItem *items = g_new (BlDigitItem, BL_DIGIT_GRID_MAX);
  g_autofree char *intro = NULL;
  guint n = 0, total, n_test;

  probs = epoch_probs (cw, &n_test);
  total = bl_cell_digits_collect (&cw->data->test, probs, cw->epoch, n_test, cw->truth,
                                  cw->predicted, only_flipping, items, &n);
  bl_digit_grid_set_items (cw->grid, items, n);
  if (total > n)
    intro = g_strdup_printf (_("After epoch %u: %u test digits, the %u most confident shown "
                               "first. Under each: the prediction with its probability, the "
                               "runner-up, the digit's index in the test set, and its story "
                               "over the epochs."), cw->epoch, total, n);
  else
    intro = g_strdup_printf (ngettext ("After epoch %u: %u test digit, most confident first. "
                                       "Under each: the prediction with its probability, the "
                                       "runner-up, the digit's index in the test set, and its "
                                       "story over the epochs.",
                                       "After epoch %u: %u test digits, most confident first. "
                                       "Under each: the prediction with its probability, the "
                                       "runner-up, the digit's index in the test set, and its "
                                       "story over the epochs.",
                                       total), cw->epoch, total);
  gtk_label_set_text (cw->intro, intro);
}

void
bl_cell_digits_window_set_only_flipping (GtkWidget *window, gboolean only_flipping)
{
  CellWindow *cw = g_object_get_data (G_OBJECT (window), "bl-cell-window");

  g_return_if_fail (cw != NULL);
  fill (cw, only_flipping);
}

static void
flipping_toggled_cb (GtkCheckButton *check, GtkWidget *window)
{
  bl_cell_digits_window_set_only_flipping (window, gtk_check_button_get_active (check));
}

/* Look Inside: the selected digit goes to whoever listens on the grid (the page). */
static void
look_inside_clicked_cb (GtkButton *button, BlDigitGrid *grid)
{
  int selected = bl_digit_grid_get_selected (grid);

  if (selected >= 0)
    bl_digit_grid_activate (grid, (guint) selected);
}

static void
grid_selected_cb (BlDigitGrid *grid, GParamSpec *pspec, GtkWidget *button)
{
  gtk_widget_set_sensitive (button, bl_digit_grid_get_selected (grid) >= 0);
}

/* The cell's count after each epoch, the shown one marked. */
static GtkWidget *
cell_history_chart (CellWindow *cw)
{
  GtkWidget *chart = bl_chart_new ();
  g_autofree double *y = g_new (double, MAX (cw->epoch, 1));
  g_autofree double *x = g_new (double, MAX (cw->epoch, 1));
  g_autofree char *title = g_strdup_printf (_("Test digits %d predicted as %d, epoch by epoch"),
                                            cw->truth, cw->predicted);
  GdkRGBA c;
  guint id;

  for (guint e = 0; e < cw->epoch; e++)
    {
      g_autoptr(BlEpoch) epoch = g_list_model_get_item (cw->history, e);
      x[e] = e + 1;
      y[e] = bl_epoch_get_record (epoch)->confusion[cw->truth][cw->predicted];
    }
  bl_palette_color (cw->truth == cw->predicted ? 0 : 5, &c);
  bl_chart_set_title (BL_CHART (chart), title);
  bl_chart_set_x_label (BL_CHART (chart), _("epoch"));
  bl_chart_set_y_label (BL_CHART (chart), _("digits"));
  bl_chart_set_x_whole_numbers (BL_CHART (chart), TRUE);
  id = bl_chart_add_series (BL_CHART (chart), _("count"), &c, BL_CHART_LINE_POINTS);
  bl_chart_series_set_data (BL_CHART (chart), id, x, y, cw->epoch);
  bl_chart_set_cursor_x (BL_CHART (chart), cw->epoch);
  gtk_widget_set_size_request (chart, -1, 170);
  return chart;
}

GtkWidget *
bl_cell_digits_window_new (GtkWindow *parent, NnDataset *data, GListModel *history,
                           guint epoch, int truth, int predicted, BlDigitGrid **grid_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = bl_digit_grid_new ();
  GtkWidget *flipping, *look_inside, *row;
  g_autofree char *title = NULL, *flipping_text = NULL;
  CellWindow *cw = g_new0 (CellWindow, 1);

  g_return_val_if_fail (epoch >= 1 && epoch <= g_list_model_get_n_items (history), NULL);
  cw->data = nn_dataset_ref (data);
  cw->history = g_object_ref (history);
  cw->epoch = epoch;
  cw->truth = truth;
  cw->predicted = predicted;
  cw->grid = BL_DIGIT_GRID (grid);
  cw->intro = GTK_LABEL (gtk_label_new (NULL));
  g_object_set_data_full (G_OBJECT (window), "bl-cell-window", cw,
                          (GDestroyNotify) cell_window_free);

  if (truth == predicted)
    title = g_strdup_printf (_("%d recognised as %d"), truth, predicted);
  else
    title = g_strdup_printf (_("%d mistaken for %d"), truth, predicted);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_label_set_wrap (cw->intro, TRUE);
  gtk_label_set_xalign (cw->intro, 0);
  gtk_widget_set_margin_start (GTK_WIDGET (cw->intro), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (cw->intro), 12);
  gtk_widget_set_margin_top (GTK_WIDGET (cw->intro), 12);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (cw->intro));
  if (epoch > 1)
    gtk_box_append (GTK_BOX (box), cell_history_chart (cw));
  flipping_text = g_strdup_printf (_("Only the digits that keep _flipping (changed %u times "
                                     "or more)"), BL_DIGIT_FLIPPING);
  flipping = gtk_check_button_new_with_mnemonic (flipping_text);
  gtk_widget_set_hexpand (flipping, TRUE);
  g_signal_connect (flipping, "toggled", G_CALLBACK (flipping_toggled_cb), window);
  look_inside = gtk_button_new_with_mnemonic (_("Look _Inside"));
  gtk_widget_set_tooltip_text (look_inside, _("The selected digit's feature maps, filters and "
                                              "saliency on the Inside tab (a double click on a "
                                              "digit does the same). Click a digit to select "
                                              "it."));
  gtk_widget_set_sensitive (look_inside, FALSE);
  g_signal_connect (look_inside, "clicked", G_CALLBACK (look_inside_clicked_cb), grid);
  g_signal_connect_object (grid, "notify::selected", G_CALLBACK (grid_selected_cb), look_inside,
                           0);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_box_append (GTK_BOX (row), flipping);
  gtk_box_append (GTK_BOX (row), look_inside);
  gtk_box_append (GTK_BOX (box), row);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_widget_set_vexpand (scroller, TRUE);
  /* The digits are what the window is for: at least a row of them in projector type (202 px)
   * before the chart above takes more than its minimum (at 1280×720 in projector mode it
   * took two thirds of the window and left the digits cut in half). */
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 230);
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_titlebar (GTK_WINDOW (window), gtk_header_bar_new ());
  /* Esc closes it, as a dialog closes. */
  {
    GtkEventController *keys = gtk_shortcut_controller_new ();
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                            gtk_named_action_new ("window.close")));
    gtk_widget_add_controller (window, keys);
  }
  gtk_window_set_default_size (GTK_WINDOW (window), 840, 640);
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }
  /* Projector mode is the main window's class: this window and its digits follow it. */
  if (parent && gtk_widget_has_css_class (GTK_WIDGET (parent), "projector"))
    {
      gtk_widget_add_css_class (window, "projector");
      bl_digit_grid_set_projector_mode (cw->grid, TRUE);
    }
  fill (cw, FALSE);
  if (grid_out)
    *grid_out = BL_DIGIT_GRID (grid);
  return window;
}
