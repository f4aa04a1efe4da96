/* bl-try-it.c: see bl-try-it.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "mnist/bl-try-it.h"
#include "nn-digit.h"
#include "widgets/bl-file-chooser.h"

struct _BlTryIt {
  GtkWidget      parent_instance;

  BlDigitPad    *digit_pad;
  BlDigitStages *digit_stages;
  GtkLabel      *model_label;

  GBytes        *state;        /* the network that answers, or NULL */
  char          *source;
  NnModel       *model;        /* batch 1, one thread: made at the first answer */
  NnDigitStages  stages;       /* the drawing prepared, when has_stages */
  gboolean       has_stages;
  gboolean       projector_mode;
};

G_DEFINE_FINAL_TYPE (BlTryIt, bl_try_it, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECTOR_MODE, N_PROPS };
static GParamSpec *props[N_PROPS];

/* The pad is drawn on with the mouse in front of a class: half as large again on a
 * projector, when the screen has room (it shrinks to fit a small one). */
#define PAD_SIDE 280
#define PAD_SIDE_PROJECTOR 420

/* The network's answer for the prepared drawing, handed to the stages widget. */
static void
answer (BlTryIt *self)
{
  g_autoptr(GError) error = NULL;
  float probs[NN_CLASSES];

  if (!self->has_stages || self->state == NULL)
    return;
  if (self->model == NULL && (self->model = nn_model_new (1, 1, 1, &error)) == NULL)
    {
      gtk_label_set_text (self->model_label, error->message);
      return;
    }
  if (!nn_model_set_state (self->model, self->state, &error))
    {
      gtk_label_set_text (self->model_label, error->message);
      return;
    }
  nn_digit_predict (self->model, &self->stages, probs);
  bl_digit_stages_set_probabilities (self->digit_stages, probs);
}

static void
pad_changed_cb (BlDigitPad *pad, BlTryIt *self)
{
  g_autoptr(GError) error = NULL;
  guint w, h;
  const float *canvas = bl_digit_pad_get_canvas (pad, &w, &h);

  nn_digit_stages_clear (&self->stages);
  self->has_stages = nn_digit_preprocess (canvas, w, h, &self->stages, &error);
  if (!self->has_stages)
    {
      bl_digit_stages_set_prompt (self->digit_stages, error->message);
      return;
    }
  bl_digit_stages_set_stages (self->digit_stages, canvas, w, h, &self->stages);
  answer (self);
}

void
bl_try_it_set_network (BlTryIt *self, GBytes *state, const char *source)
{
  g_autofree char *text = NULL;

  g_return_if_fail (BL_IS_TRY_IT (self));
  g_clear_pointer (&self->state, g_bytes_unref);
  self->state = state ? g_bytes_ref (state) : NULL;
  g_free (self->source);
  self->source = g_strdup (source);
  if (state == NULL)
    {
      gtk_label_set_text (self->model_label,
                          _("No network yet: train one, or load a saved model from the menu."));
      if (self->has_stages)
        bl_digit_stages_set_probabilities (self->digit_stages, NULL);
      return;
    }
  text = g_strdup_printf (_("Answering: %s."), source);
  gtk_label_set_text (self->model_label, text);
  answer (self);
}

BlDigitPad *
bl_try_it_get_pad (BlTryIt *self)
{
  g_return_val_if_fail (BL_IS_TRY_IT (self), NULL);
  return self->digit_pad;
}

BlDigitStages *
bl_try_it_get_stages (BlTryIt *self)
{
  g_return_val_if_fail (BL_IS_TRY_IT (self), NULL);
  return self->digit_stages;
}

int
bl_try_it_get_prediction (BlTryIt *self)
{
  g_return_val_if_fail (BL_IS_TRY_IT (self), -1);
  return bl_digit_stages_get_prediction (self->digit_stages);
}

static void
action_clear (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_digit_pad_clear (BL_TRY_IT (widget)->digit_pad);
}

static void
png_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlTryIt *self = BL_TRY_IT (owner);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    gtk_label_set_text (self->model_label, _("Choose a local file."));
  else if (!bl_digit_pad_load_png (self->digit_pad, path, &error))
    gtk_label_set_text (self->model_label, error->message);
}

static void
action_open_image (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const patterns[] = { "*.png", "*.PNG", NULL };

  bl_choose_file (widget, GTK_FILE_CHOOSER_ACTION_OPEN, _("Open an image of a digit"),
                  _("_Open"), NULL, _("PNG images"), patterns, png_chosen_cb, NULL);
}

void
bl_try_it_set_projector_mode (BlTryIt *self, gboolean projector_mode)
{
  int side;

  g_return_if_fail (BL_IS_TRY_IT (self));
  if (self->projector_mode == !!projector_mode)
    return;
  self->projector_mode = !!projector_mode;
  side = projector_mode ? PAD_SIDE_PROJECTOR : PAD_SIDE;
  bl_digit_pad_set_natural_side (self->digit_pad, side);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PROJECTOR_MODE]);
}

void
bl_try_it_set_settings (BlTryIt *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_TRY_IT (self));
  if (settings)
    g_settings_bind (settings, "projector-mode", self, "projector-mode", G_SETTINGS_BIND_GET);
}

static void
bl_try_it_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    g_value_set_boolean (value, BL_TRY_IT (object)->projector_mode);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_try_it_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  if (id == PROP_PROJECTOR_MODE)
    bl_try_it_set_projector_mode (BL_TRY_IT (object), g_value_get_boolean (value));
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

GtkWidget *
bl_try_it_new (void)
{
  return g_object_new (BL_TYPE_TRY_IT, NULL);
}

static void
bl_try_it_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_TRY_IT);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_try_it_parent_class)->dispose (object);
}

static void
bl_try_it_finalize (GObject *object)
{
  BlTryIt *self = BL_TRY_IT (object);

  g_clear_pointer (&self->state, g_bytes_unref);
  g_free (self->source);
  g_clear_pointer (&self->model, nn_model_free);
  nn_digit_stages_clear (&self->stages);
  G_OBJECT_CLASS (bl_try_it_parent_class)->finalize (object);
}

static void
bl_try_it_class_init (BlTryItClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_try_it_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_try_it_finalize;
  G_OBJECT_CLASS (klass)->get_property = bl_try_it_get_property;
  G_OBJECT_CLASS (klass)->set_property = bl_try_it_set_property;
  props[PROP_PROJECTOR_MODE] = g_param_spec_boolean ("projector-mode", NULL, NULL, FALSE,
                                                     G_PARAM_READWRITE |
                                                     G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  g_type_ensure (BL_TYPE_DIGIT_PAD);
  g_type_ensure (BL_TYPE_DIGIT_STAGES);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-try-it.ui");
  gtk_widget_class_bind_template_child (widget_class, BlTryIt, digit_pad);
  gtk_widget_class_bind_template_child (widget_class, BlTryIt, digit_stages);
  gtk_widget_class_bind_template_child (widget_class, BlTryIt, model_label);
  gtk_widget_class_bind_template_callback (widget_class, pad_changed_cb);
  gtk_widget_class_install_action (widget_class, "try.clear", NULL, action_clear);
  gtk_widget_class_install_action (widget_class, "try.open-image", NULL, action_open_image);
  gtk_widget_class_set_css_name (widget_class, "tryit");
}

static void
bl_try_it_init (BlTryIt *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  bl_digit_pad_set_natural_side (self->digit_pad, PAD_SIDE);
  bl_try_it_set_network (self, NULL, NULL);
}
