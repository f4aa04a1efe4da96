/* bl-cell-digits.c: see bl-cell-digits.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "mnist/bl-cell-digits.h"

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

guint
bl_cell_digits_collect (const NnSplit *test, const float *probs, guint n_test, int truth,
                        int predicted, BlDigitItem *items, guint *n_items)
{
  g_autofree BlDigitItem *all = NULL;
  guint total = 0;

  n_test = MIN (n_test, test->n);
  for (guint i = 0; i < n_test; i++)
    if (test->labels[i] == truth && (int) argmax10 (probs + (gsize) i * 10) == predicted)
      total++;
  all = g_new (BlDigitItem, MAX (total, 1));
  total = 0;
  for (guint i = 0; i < n_test; i++)
    {
      const float *p = probs + (gsize) i * 10;
      if (test->labels[i] != truth || (int) argmax10 (p) != predicted)
        continue;
      memcpy (all[total].pixels, test->images + (gsize) i * 784, 784);
      memcpy (all[total].probs, p, sizeof all[total].probs);
      all[total].index = i;
      all[total].label = test->labels[i];
      total++;
    }
  g_qsort_with_data (all, total, sizeof *all, more_confident_first, GINT_TO_POINTER (predicted));
  *n_items = MIN (total, BL_DIGIT_GRID_MAX);
  memcpy (items, all, sizeof *items * *n_items);
  return total;
}

GtkWidget *
bl_cell_digits_window_new (GtkWindow *parent, const NnSplit *test, const float *probs,
                           guint n_test, int truth, int predicted, guint epoch,
                           BlDigitGrid **grid_out)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *grid = bl_digit_grid_new ();
  g_autofree BlDigitItem *items = g_new (BlDigitItem, BL_DIGIT_GRID_MAX);
  g_autofree char *title = NULL, *intro = NULL;
  GtkWidget *label;
  guint n = 0, total;

  total = bl_cell_digits_collect (test, probs, n_test, truth, predicted, items, &n);
  bl_digit_grid_set_items (BL_DIGIT_GRID (grid), items, n);
  if (truth == predicted)
    title = g_strdup_printf (_("%d recognised as %d"), truth, predicted);
  else
    title = g_strdup_printf (_("%d mistaken for %d"), truth, predicted);
  gtk_window_set_title (GTK_WINDOW (window), title);
  if (total > n)
    intro = g_strdup_printf (_("After epoch %u: %u test digits, the %u most confident shown "
                               "first. Under each: the prediction with its probability, the "
                               "runner-up, and the digit's index in the test set."),
                             epoch, total, n);
  else
    intro = g_strdup_printf (ngettext ("After epoch %u: %u test digit, most confident first. "
                                       "Under each: the prediction with its probability, the "
                                       "runner-up, and the digit's index in the test set.",
                                       "After epoch %u: %u test digits, most confident first. "
                                       "Under each: the prediction with its probability, the "
                                       "runner-up, and the digit's index in the test set.",
                                       total), epoch, total);
  label = gtk_label_new (intro);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_box_append (GTK_BOX (box), label);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), grid);
  gtk_widget_set_vexpand (scroller, TRUE);
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
  gtk_window_set_default_size (GTK_WINDOW (window), 840, 560);
  if (parent)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), parent);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }
  if (grid_out)
    *grid_out = BL_DIGIT_GRID (grid);
  return window;
}
