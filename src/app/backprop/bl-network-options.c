/* bl-network-options.c: see bl-network-options.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "backprop/bl-network-options.h"

struct _BlNetworkOptions {
  GtkWidget    parent_instance;
  GtkWidget   *grid;
  GtkDropDown *hidden_dropdown;
  GtkDropDown *output_dropdown;
  GtkDropDown *order_dropdown;
  GtkDropDown *path_dropdown;
  gboolean     showing;       /* bl_network_options_show sets the choosers: no "changed" */
};

G_DEFINE_FINAL_TYPE (BlNetworkOptions, bl_network_options, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_HIDDEN_ACTIVATION, PROP_OUTPUT_ACTIVATION, N_PROPS };
static GParamSpec *properties[N_PROPS];
enum { SIGNAL_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The choosers list the activations in BlToyActivation's order, the orders in
 * BlToyUpdateOrder's and the paths as forget_path's values (0, 1, 2). */

static BlToyActivation
activation_of (GtkDropDown *dropdown)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  return i < BL_TOY_N_ACTS ? (BlToyActivation) i : BL_TOY_ACT_SIGMOID;
}

static void
choice_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlNetworkOptions *self)
{
  if (self->showing)
    return;
  if (dropdown == self->hidden_dropdown)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_ACTIVATION]);
  else if (dropdown == self->output_dropdown)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTPUT_ACTIVATION]);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
set_activation (BlNetworkOptions *self, GtkDropDown *dropdown, const char *name)
{
  BlToyActivation act = BL_TOY_ACT_SIGMOID;

  /* An unknown name (a hand-edited setting) reads as sigmoid, the classic network. */
  if (name)
    bl_toy_activation_from_name (name, &act);
  if (gtk_drop_down_get_selected (dropdown) != (guint) act)
    gtk_drop_down_set_selected (dropdown, act);
}

void
bl_network_options_apply (BlNetworkOptions *self, BlToyParams *p)
{
  g_return_if_fail (BL_IS_NETWORK_OPTIONS (self));
  p->act_hidden = activation_of (self->hidden_dropdown);
  p->act_output = activation_of (self->output_dropdown);
  p->update_order = gtk_drop_down_get_selected (self->order_dropdown) == 1
                    ? BL_TOY_ORDER_OUTPUT_FIRST : BL_TOY_ORDER_SIMULTANEOUS;
  p->forget_path = MIN (gtk_drop_down_get_selected (self->path_dropdown), 2);
}

void
bl_network_options_show (BlNetworkOptions *self, const BlToyParams *p)
{
  g_return_if_fail (BL_IS_NETWORK_OPTIONS (self));
  self->showing = TRUE;
  gtk_drop_down_set_selected (self->hidden_dropdown, p->act_hidden);
  gtk_drop_down_set_selected (self->output_dropdown, p->act_output);
  gtk_drop_down_set_selected (self->order_dropdown,
                              p->update_order == BL_TOY_ORDER_OUTPUT_FIRST ? 1 : 0);
  gtk_drop_down_set_selected (self->path_dropdown, MIN (p->forget_path, 2));
  self->showing = FALSE;
}

gboolean
bl_network_options_is_mistake (BlNetworkOptions *self)
{
  g_return_val_if_fail (BL_IS_NETWORK_OPTIONS (self), FALSE);
  return gtk_drop_down_get_selected (self->order_dropdown) != 0 ||
         gtk_drop_down_get_selected (self->path_dropdown) != 0;
}

GtkDropDown *
bl_network_options_get_dropdown (BlNetworkOptions *self, const char *which)
{
  g_return_val_if_fail (BL_IS_NETWORK_OPTIONS (self), NULL);
  if (g_str_equal (which, "hidden"))
    return self->hidden_dropdown;
  if (g_str_equal (which, "output"))
    return self->output_dropdown;
  if (g_str_equal (which, "order"))
    return self->order_dropdown;
  if (g_str_equal (which, "path"))
    return self->path_dropdown;
  g_return_val_if_reached (NULL);
}

void
bl_network_options_bind_settings (BlNetworkOptions *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_NETWORK_OPTIONS (self));
  g_settings_bind (settings, "activation-hidden", self, "hidden-activation",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "activation-output", self, "output-activation",
                   G_SETTINGS_BIND_DEFAULT);
}

GtkWidget *
bl_network_options_new (void)
{
  return g_object_new (BL_TYPE_NETWORK_OPTIONS, NULL);
}

static void
bl_network_options_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BlNetworkOptions *self = BL_NETWORK_OPTIONS (object);

  switch (id)
    {
    case PROP_HIDDEN_ACTIVATION:
      g_value_set_string (value, bl_toy_activation_name (activation_of (self->hidden_dropdown)));
      break;
    case PROP_OUTPUT_ACTIVATION:
      g_value_set_string (value, bl_toy_activation_name (activation_of (self->output_dropdown)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
bl_network_options_set_property (GObject *object, guint id, const GValue *value,
                                 GParamSpec *pspec)
{
  BlNetworkOptions *self = BL_NETWORK_OPTIONS (object);

  switch (id)
    {
    case PROP_HIDDEN_ACTIVATION:
      set_activation (self, self->hidden_dropdown, g_value_get_string (value));
      break;
    case PROP_OUTPUT_ACTIVATION:
      set_activation (self, self->output_dropdown, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
bl_network_options_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_NETWORK_OPTIONS);
  G_OBJECT_CLASS (bl_network_options_parent_class)->dispose (object);
}

static void
bl_network_options_class_init (BlNetworkOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_network_options_get_property;
  object_class->set_property = bl_network_options_set_property;
  object_class->dispose = bl_network_options_dispose;
  properties[PROP_HIDDEN_ACTIVATION] =
    g_param_spec_string ("hidden-activation", NULL, NULL, "sigmoid",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT_ACTIVATION] =
    g_param_spec_string ("output-activation", NULL, NULL, "sigmoid",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  /* The choice changed by hand or through a setting. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-network-options.ui");
  gtk_widget_class_bind_template_child (widget_class, BlNetworkOptions, grid);
  gtk_widget_class_bind_template_child (widget_class, BlNetworkOptions, hidden_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlNetworkOptions, output_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlNetworkOptions, order_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlNetworkOptions, path_dropdown);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
bl_network_options_init (BlNetworkOptions *self)
{
  GtkDropDown *all[4];

  gtk_widget_init_template (GTK_WIDGET (self));
  all[0] = self->hidden_dropdown;
  all[1] = self->output_dropdown;
  all[2] = self->order_dropdown;
  all[3] = self->path_dropdown;
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_signal_connect (all[i], "notify::selected", G_CALLBACK (choice_changed_cb), self);
}
