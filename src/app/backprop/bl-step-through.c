/* bl-step-through.c: see bl-step-through.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "backprop/bl-step-through.h"

struct _BlStepThrough {
  GtkWidget        parent_instance;
  GtkWidget       *box;
  GtkToggleButton *walk_toggle;
  GtkWidget       *controls;
  GtkButton       *prev_button;
  GtkButton       *next_button;
  GtkToggleButton *play_button;
  GtkDropDown     *speed_dropdown;
  GtkLabel        *position_label;
  GtkWidget       *detail_row;
  GtkLabel        *step_label;

  GPtrArray       *steps;        /* of BlToyStep */
  guint            index;
  guint            iteration;
  guint            play_id;
  gboolean         show_detail;  /* the position and the step's text under the buttons */
};

G_DEFINE_FINAL_TYPE (BlStepThrough, bl_step_through, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_ACTIVE, N_PROPS };
static GParamSpec *properties[N_PROPS];
enum { SIGNAL_STEP_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const guint speeds[] = { 1, 2, 4 };   /* steps a second, as the speed chooser lists */

static const char *
phase_name (const BlToyStep *step)
{
  switch (step->phase)
    {
    case BL_TOY_PHASE_FORWARD:
      return _("forward pass");
    case BL_TOY_PHASE_BACKWARD:
      return step->layer >= 2 ? _("backward pass, output layer")
                              : _("backward pass, hidden layer");
    case BL_TOY_PHASE_UPDATE:
    default:
      return _("update");
    }
}

static void
show_step (BlStepThrough *self)
{
  gboolean active = gtk_toggle_button_get_active (self->walk_toggle);
  const BlToyStep *step = bl_step_through_get_step (self);
  guint n = self->steps ? self->steps->len : 0;

  gtk_widget_set_sensitive (self->controls, active && n > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->step_label),
                          active && step != NULL && self->show_detail);
  gtk_widget_set_visible (GTK_WIDGET (self->position_label), self->show_detail);
  gtk_widget_set_sensitive (GTK_WIDGET (self->prev_button), self->index > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), self->index + 1 < n);
  gtk_widget_set_visible (self->detail_row, active && step != NULL && self->show_detail);
  if (!active || step == NULL)
    return;
  {
    g_autofree char *position = g_strdup_printf (_("Iteration %u, step %u of %u: %s"),
                                                 self->iteration, self->index + 1, n,
                                                 phase_name (step));
    g_autofree char *text = g_strdup_printf ("%s\n%s", step->formula,
                                             step->substituted ? step->substituted : "");
    /* A δ has no ledger column: say which cell is marked for it, and why. */
    if (step->column >= BL_TOY_N_COLS && step->ledger_column < BL_TOY_N_COLS)
      {
        g_autofree char *where = g_strdup_printf (_("%s has no column of its own in the "
                                                    "ledger; the cell marked is %s, whose "
                                                    "formula uses it."),
                                                  step->name,
                                                  bl_toy_column_label (step->ledger_column));
        char *both = g_strdup_printf ("%s\n%s", text, where);
        g_free (text);
        text = both;
      }
    gtk_label_set_text (self->position_label, position);
    gtk_label_set_text (self->step_label, text);
  }
}

static void
changed (BlStepThrough *self)
{
  show_step (self);
  if (gtk_toggle_button_get_active (self->walk_toggle))
    g_signal_emit (self, signals[SIGNAL_STEP_CHANGED], 0);
}

gboolean
bl_step_through_move (BlStepThrough *self, int delta)
{
  gint64 to;

  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), FALSE);
  if (self->steps == NULL || self->steps->len == 0)
    return FALSE;
  to = CLAMP ((gint64) self->index + delta, 0, (gint64) self->steps->len - 1);
  if ((guint) to == self->index)
    return FALSE;
  self->index = (guint) to;
  changed (self);
  return TRUE;
}

static gboolean
play_tick_cb (gpointer data)
{
  BlStepThrough *self = data;

  if (!bl_step_through_move (self, 1) || self->index + 1 >= self->steps->len)
    {
      self->play_id = 0;
      gtk_toggle_button_set_active (self->play_button, FALSE);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_play (BlStepThrough *self)
{
  guint speed = speeds[MIN (gtk_drop_down_get_selected (self->speed_dropdown),
                            G_N_ELEMENTS (speeds) - 1)];

  g_clear_handle_id (&self->play_id, g_source_remove);
  if (gtk_toggle_button_get_active (self->play_button))
    self->play_id = g_timeout_add (1000 / speed, play_tick_cb, self);
}

static void
play_toggled_cb (GtkToggleButton *button, BlStepThrough *self)
{
  /* Play from the start when the last step is shown. */
  if (gtk_toggle_button_get_active (button) && self->steps &&
      self->index + 1 >= self->steps->len)
    {
      self->index = 0;
      changed (self);
    }
  gtk_button_set_icon_name (GTK_BUTTON (button), gtk_toggle_button_get_active (button)
                                                 ? "media-playback-pause-symbolic"
                                                 : "media-playback-start-symbolic");
  restart_play (self);
}

static void
speed_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlStepThrough *self)
{
  restart_play (self);
}

static void
walk_toggled_cb (GtkToggleButton *button, BlStepThrough *self)
{
  if (!gtk_toggle_button_get_active (button))
    gtk_toggle_button_set_active (self->play_button, FALSE);
  show_step (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
  if (gtk_toggle_button_get_active (button))
    g_signal_emit (self, signals[SIGNAL_STEP_CHANGED], 0);
}

static void
prev_cb (GtkButton *button, BlStepThrough *self)
{
  bl_step_through_move (self, -1);
}

static void
next_cb (GtkButton *button, BlStepThrough *self)
{
  bl_step_through_move (self, 1);
}

void
bl_step_through_set_steps (BlStepThrough *self, GPtrArray *steps, guint iteration)
{
  g_return_if_fail (BL_IS_STEP_THROUGH (self));
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  self->steps = steps;
  self->iteration = iteration;
  if (steps == NULL || steps->len == 0)
    self->index = 0;
  else
    self->index = MIN (self->index, steps->len - 1);
  changed (self);
}

gboolean
bl_step_through_get_active (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), FALSE);
  return gtk_toggle_button_get_active (self->walk_toggle);
}

void
bl_step_through_set_active (BlStepThrough *self, gboolean active)
{
  g_return_if_fail (BL_IS_STEP_THROUGH (self));
  gtk_toggle_button_set_active (self->walk_toggle, active);
}

guint
bl_step_through_get_index (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), 0);
  return self->index;
}

guint
bl_step_through_get_n_steps (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), 0);
  return self->steps ? self->steps->len : 0;
}

const BlToyStep *
bl_step_through_get_step (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), NULL);
  if (self->steps == NULL || self->index >= self->steps->len)
    return NULL;
  return g_ptr_array_index (self->steps, self->index);
}

void
bl_step_through_set_playing (BlStepThrough *self, gboolean playing)
{
  g_return_if_fail (BL_IS_STEP_THROUGH (self));
  gtk_toggle_button_set_active (self->play_button, playing);
}

gboolean
bl_step_through_get_playing (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), FALSE);
  return self->play_id != 0;
}

const char *
bl_step_through_get_text (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), NULL);
  return gtk_label_get_text (self->step_label);
}

void
bl_step_through_set_show_detail (BlStepThrough *self, gboolean show)
{
  g_return_if_fail (BL_IS_STEP_THROUGH (self));
  self->show_detail = !!show;
  show_step (self);
}

const char *
bl_step_through_get_position (BlStepThrough *self)
{
  g_return_val_if_fail (BL_IS_STEP_THROUGH (self), NULL);
  return gtk_label_get_text (self->position_label);
}

GtkWidget *
bl_step_through_new (void)
{
  return g_object_new (BL_TYPE_STEP_THROUGH, NULL);
}

static void
bl_step_through_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_ACTIVE)
    g_value_set_boolean (value, bl_step_through_get_active (BL_STEP_THROUGH (object)));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_step_through_set_property (GObject *object, guint id, const GValue *value,
                              GParamSpec *pspec)
{
  if (id == PROP_ACTIVE)
    bl_step_through_set_active (BL_STEP_THROUGH (object), g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_step_through_dispose (GObject *object)
{
  BlStepThrough *self = BL_STEP_THROUGH (object);

  g_clear_handle_id (&self->play_id, g_source_remove);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_STEP_THROUGH);
  G_OBJECT_CLASS (bl_step_through_parent_class)->dispose (object);
}

static void
bl_step_through_class_init (BlStepThroughClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_step_through_get_property;
  object_class->set_property = bl_step_through_set_property;
  object_class->dispose = bl_step_through_dispose;
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[SIGNAL_STEP_CHANGED] =
    g_signal_new ("step-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-step-through.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlStepThrough, name)
  CHILD (box);
  CHILD (walk_toggle);
  CHILD (controls);
  CHILD (prev_button);
  CHILD (next_button);
  CHILD (play_button);
  CHILD (speed_dropdown);
  CHILD (position_label);
  CHILD (detail_row);
  CHILD (step_label);
#undef CHILD
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
bl_step_through_init (BlStepThrough *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->show_detail = TRUE;
  g_signal_connect (self->walk_toggle, "toggled", G_CALLBACK (walk_toggled_cb), self);
  g_signal_connect (self->prev_button, "clicked", G_CALLBACK (prev_cb), self);
  g_signal_connect (self->next_button, "clicked", G_CALLBACK (next_cb), self);
  g_signal_connect (self->play_button, "toggled", G_CALLBACK (play_toggled_cb), self);
  g_signal_connect (self->speed_dropdown, "notify::selected", G_CALLBACK (speed_changed_cb),
                    self);
}
