/* bl-published-panel.c: see bl-published-panel.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "backprop/bl-published-panel.h"
#include "core/bl-toy-explore.h"

struct _BlPublishedPanel {
  GtkWidget  parent_instance;
  GtkWidget *box;
  GtkLabel  *source_label;
  GtkGrid   *figures_grid;
  GtkLabel  *explanation_label;
};

G_DEFINE_FINAL_TYPE (BlPublishedPanel, bl_published_panel, GTK_TYPE_WIDGET)

static GtkWidget *
cell (const char *text, gboolean numeric, float xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  return label;
}

char *
bl_published_panel_get_text (BlPublishedPanel *self)
{
  GString *text = g_string_new (NULL);
  guint n;
  const BlToyPublishedFigure *f = bl_toy_published_figures (&n, NULL);

  g_return_val_if_fail (BL_IS_PUBLISHED_PANEL (self), NULL);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s\t%.*f\t%.*f\t%s\n", f[i].quantity, f[i].digits,
                            f[i].published, f[i].digits + 3, f[i].ours,
                            f[i].agrees ? "=" : "≠");
  g_string_append (text, gtk_label_get_text (self->explanation_label));
  return g_string_free (text, FALSE);
}

GtkWidget *
bl_published_panel_new (void)
{
  return g_object_new (BL_TYPE_PUBLISHED_PANEL, NULL);
}

static void
bl_published_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_PUBLISHED_PANEL);
  G_OBJECT_CLASS (bl_published_panel_parent_class)->dispose (object);
}

static void
bl_published_panel_class_init (BlPublishedPanelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_published_panel_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-published-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BlPublishedPanel, box);
  gtk_widget_class_bind_template_child (widget_class, BlPublishedPanel, source_label);
  gtk_widget_class_bind_template_child (widget_class, BlPublishedPanel, figures_grid);
  gtk_widget_class_bind_template_child (widget_class, BlPublishedPanel, explanation_label);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
bl_published_panel_init (BlPublishedPanel *self)
{
  const char *explanation = NULL;
  guint n;
  const BlToyPublishedFigure *f;
  g_autofree char *source = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  f = bl_toy_published_figures (&n, &explanation);
  source = g_strdup_printf (_("%s — η = 0.5, biases frozen as in the post. Exact values to "
                              "three more digits than the post prints."),
                            bl_toy_published_source ());
  gtk_label_set_text (self->source_label, source);
  gtk_grid_attach (self->figures_grid, cell (_("Quantity"), FALSE, 0), 0, 0, 1, 1);
  gtk_grid_attach (self->figures_grid, cell (_("Post"), FALSE, 1), 1, 0, 1, 1);
  gtk_grid_attach (self->figures_grid, cell (_("Exact"), FALSE, 1), 2, 0, 1, 1);
  for (guint i = 0; i < n; i++)
    {
      char published[64], ours[64];
      GtkWidget *q = cell (f[i].quantity, FALSE, 0), *mark;

      g_snprintf (published, sizeof published, "%.*f", f[i].digits, f[i].published);
      g_snprintf (ours, sizeof ours, "%.*f", f[i].digits + 3, f[i].ours);
      gtk_label_set_wrap (GTK_LABEL (q), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (q), 18);
      gtk_widget_set_hexpand (q, TRUE);
      mark = cell (f[i].agrees ? "=" : "≠", FALSE, 0.5);
      gtk_widget_add_css_class (mark, f[i].agrees ? "success" : "error");
      gtk_widget_set_tooltip_text (mark, f[i].note ? f[i].note
                                                   : _("Agrees to the digits the post prints"));
      gtk_grid_attach (self->figures_grid, q, 0, i + 1, 1, 1);
      gtk_grid_attach (self->figures_grid, cell (published, TRUE, 1), 1, i + 1, 1, 1);
      gtk_grid_attach (self->figures_grid, cell (ours, TRUE, 1), 2, i + 1, 1, 1);
      gtk_grid_attach (self->figures_grid, mark, 3, i + 1, 1, 1);
    }
  gtk_label_set_text (self->explanation_label, explanation);
}
