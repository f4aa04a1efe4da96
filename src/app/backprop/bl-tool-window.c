/* bl-tool-window.c: see bl-tool-window.h. */
#include "config.h"

#include <string.h>

#include "backprop/bl-tool-window.h"
#include "widgets/bl-palette.h"

void
bl_tool_network_default (BlToolNetwork *out)
{
  guint n;
  const double *lrs = bl_toy_default_learning_rates (&n);

  memset (out, 0, sizeof *out);
  bl_toy_params_init_preset (&out->init, BL_TOY_PRESET_CLASSROOM);
  out->current = out->init;
  out->iterations = 1000;
  out->n_rates = MIN (n, BL_TOOL_MAX_RATES);
  memcpy (out->rates, lrs, out->n_rates * sizeof (double));
}

void
bl_tool_network_from_page (BlBackpropPage *page, BlToolNetwork *out)
{
  guint n = page ? bl_backprop_page_get_n_runs (page) : 0;
  const BlToyRun *first;

  if (n == 0)
    {
      bl_tool_network_default (out);
      return;
    }
  memset (out, 0, sizeof *out);
  first = bl_backprop_page_get_run (page, 0);
  out->init = first->init;
  out->iterations = first->n_rows - 1;
  out->current_row = MIN (bl_backprop_page_get_current (page), first->n_rows - 1);
  bl_toy_run_get_params (first, out->current_row, &out->current);
  out->n_rates = MIN (n, BL_TOOL_MAX_RATES);
  for (guint i = 0; i < out->n_rates; i++)
    {
      const BlToyRun *run = bl_backprop_page_get_run (page, i);
      out->rates[i] = run->lr;
      out->iterations = MAX (out->iterations, run->n_rows - 1);
    }
}

void
bl_tool_network_rate_color (const BlToolNetwork *net, guint i, GdkRGBA *out)
{
  guint slots[BL_TOOL_MAX_RATES];

  if (i >= net->n_rates)
    {
      bl_palette_color (i, out);
      return;
    }
  bl_palette_slots_for_rates (net->rates, net->n_rates, slots);
  bl_palette_color (slots[i], out);
}

typedef struct {
  GtkWindow *window;
  GtkWidget *parent;      /* weak */
  gulong     handler;
  void (*changed) (GtkWindow *window);
} Follow;

static void
parent_classes_cb (GtkWidget *parent, GParamSpec *pspec, Follow *f)
{
  gboolean on = gtk_widget_has_css_class (parent, "projector");

  if (on == gtk_widget_has_css_class (GTK_WIDGET (f->window), "projector"))
    return;
  if (on)
    gtk_widget_add_css_class (GTK_WIDGET (f->window), "projector");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (f->window), "projector");
  if (f->changed)
    f->changed (f->window);
}

/* With the window: the parent no longer tells it anything. */
static void
follow_free (Follow *f)
{
  if (f->parent)
    {
      g_signal_handler_disconnect (f->parent, f->handler);
      g_object_remove_weak_pointer (G_OBJECT (f->parent), (gpointer *) &f->parent);
    }
  g_free (f);
}

void
bl_tool_window_follow_projector (GtkWindow *window, GtkWindow *parent,
                                 void (*changed) (GtkWindow *window))
{
  Follow *f;

  g_return_if_fail (GTK_IS_WINDOW (window));
  if (parent == NULL)
    return;
  f = g_new0 (Follow, 1);
  f->window = window;
  f->changed = changed;
  f->parent = GTK_WIDGET (parent);
  g_object_add_weak_pointer (G_OBJECT (parent), (gpointer *) &f->parent);
  f->handler = g_signal_connect (parent, "notify::css-classes", G_CALLBACK (parent_classes_cb),
                                 f);
  g_object_set_data_full (G_OBJECT (window), "bl-follow-projector", f,
                          (GDestroyNotify) follow_free);
  parent_classes_cb (GTK_WIDGET (parent), NULL, f);
}

gboolean
bl_tool_window_is_projector (GtkWindow *window)
{
  return gtk_widget_has_css_class (GTK_WIDGET (window), "projector");
}

void
bl_tool_window_show_error (GtkWindow *parent, const char *primary, const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (parent, GTK_DIALOG_MODAL, GTK_MESSAGE_ERROR,
                                              GTK_BUTTONS_CLOSE, "%s", primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}
