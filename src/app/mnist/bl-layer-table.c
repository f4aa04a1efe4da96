/* bl-layer-table.c: see bl-layer-table.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-format.h"

#include "mnist/bl-layer-table.h"
#include "nn-model.h"

struct _BlLayerTable {
  GtkWidget parent_instance;
  guint     n_layers;
};

G_DEFINE_FINAL_TYPE (BlLayerTable, bl_layer_table, GTK_TYPE_WIDGET)

enum { SIGNAL_LAYER_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* A click on a layer's row: that layer, looked into (the Inside view). */
static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, BlLayerTable *self)
{
  GtkWidget *w = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  GtkLayoutManager *grid = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  int row;

  while (w && gtk_widget_get_parent (w) != GTK_WIDGET (self))
    w = gtk_widget_get_parent (w);
  if (w == NULL)
    return;
  row = gtk_grid_layout_child_get_row (GTK_GRID_LAYOUT_CHILD (
    gtk_layout_manager_get_layout_child (grid, w)));
  if (row >= 1 && row <= (int) self->n_layers)
    g_signal_emit (self, signals[SIGNAL_LAYER_ACTIVATED], 0, (guint) (row - 1));
}

static void
attach (BlLayerTable *self, const char *text, int column, int row, int width, float xalign,
        const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);
  GtkGridLayout *grid = GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));
  GtkGridLayoutChild *child;

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  gtk_widget_set_parent (label, GTK_WIDGET (self));
  child = GTK_GRID_LAYOUT_CHILD (gtk_layout_manager_get_layout_child (GTK_LAYOUT_MANAGER (grid),
                                                                      label));
  gtk_grid_layout_child_set_column (child, column);
  gtk_grid_layout_child_set_row (child, row);
  gtk_grid_layout_child_set_column_span (child, width);
}

static void
build (BlLayerTable *self)
{
  g_autoptr(GError) error = NULL;
  NnModel *m = nn_model_new (1, 1, 1, &error);
  const char *heads[] = { N_("Layer"), N_("Output"), N_("Parameters") };
  char buf[64];
  guint n;

  if (m == NULL)
    {
      attach (self, error->message, 0, 0, 3, 0, "error-message");
      return;
    }
  for (guint c = 0; c < G_N_ELEMENTS (heads); c++)
    attach (self, _(heads[c]), c, 0, 1, c == 2 ? 1 : 0, "dim-label");
  n = self->n_layers = nn_model_n_layers (m);
  for (guint i = 0; i < n; i++)
    {
      NnLayerInfo info;
      nn_model_layer_info (m, i, &info);
      attach (self, info.type, 0, i + 1, 1, 0, NULL);
      g_snprintf (buf, sizeof buf, "%d×%d×%d", info.out_c, info.out_h, info.out_w);
      attach (self, buf, 1, i + 1, 1, 0, "numeric");
      {
        g_autofree char *count = bl_format_count (info.n_params);
        attach (self, info.n_params ? count : "", 2, i + 1, 1, 1, "numeric");
      }
    }
  attach (self, _("Total"), 0, n + 1, 2, 0, "heading");
  {
    g_autofree char *total = bl_format_count (nn_model_n_params (m));
    attach (self, total, 2, n + 1, 1, 1, "heading");
  }
  nn_model_free (m);
}

GtkWidget *
bl_layer_table_new (void)
{
  return g_object_new (BL_TYPE_LAYER_TABLE, NULL);
}

static void
bl_layer_table_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_layer_table_parent_class)->dispose (object);
}

static void
bl_layer_table_class_init (BlLayerTableClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_layer_table_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_GRID_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "layertable");
  signals[SIGNAL_LAYER_ACTIVATED] =
    g_signal_new ("layer-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
bl_layer_table_init (BlLayerTable *self)
{
  GtkGridLayout *grid = GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  gtk_grid_layout_set_column_spacing (grid, 12);
  gtk_grid_layout_set_row_spacing (grid, 1);
  build (self);
  {
    GtkGesture *click = gtk_gesture_click_new ();
    g_signal_connect (click, "released", G_CALLBACK (click_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
    gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Click a layer to look inside it"));
  }
}
