/* bl-try-it.c: see bl-try-it.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mnist/bl-try-it.h"
#include "nn-digit.h"
#include "nn-inspect.h"
#include "widgets/bl-file-chooser.h"

struct _BlTryIt {
  GtkWidget      parent_instance;

  BlDigitPad    *digit_pad;
  BlDigitStages *digit_stages;
  GtkLabel      *model_label;
  GtkDropDown   *bn_choice;       /* 0 running statistics, 1 the image's own */
  GtkDropDown   *dropout_choice;  /* 0 off, 1 on, DROPOUT_PASSES passes */
  GCancellable  *passes_job;

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

/* Dropout on: this many passes, each with its own masks (masks keyed by the pass). */
#define DROPOUT_PASSES 30

typedef struct {
  GBytes *state;
  float   x[NN_IMAGE_SIZE];
  float   probs[DROPOUT_PASSES * NN_CLASSES];
} PassesJob;

static void
passes_job_free (PassesJob *job)
{
  g_bytes_unref (job->state);
  g_free (job);
}

/* Thirty forward passes are tens of milliseconds: off the main thread, on copies. */
static void
passes_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PassesJob *job = data;
  GError *error = NULL;
  NnModel *m = nn_model_new (1, 1, 1, &error);

  if (m == NULL || !nn_model_set_state (m, job->state, &error))
    {
      nn_model_free (m);
      g_task_return_error (task, error);
      return;
    }
  nn_inspect_dropout_passes (m, job->x, DROPOUT_PASSES, job->probs);
  nn_model_free (m);
  g_task_return_boolean (task, TRUE);
}

static void
passes_done (GObject *source, GAsyncResult *res, gpointer data)
{
  PassesJob *job = g_task_get_task_data (G_TASK (res));
  g_autoptr(GError) error = NULL;
  BlTryIt *self;
  float mean[NN_CLASSES] = { 0 }, lo[NN_CLASSES], hi[NN_CLASSES];

  if (!g_task_propagate_boolean (G_TASK (res), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self = BL_TRY_IT (source);
          g_clear_object (&self->passes_job);
          gtk_label_set_text (self->model_label, error->message);
        }
      return;
    }
  self = BL_TRY_IT (source);
  g_clear_object (&self->passes_job);
  for (int c = 0; c < NN_CLASSES; c++)
    {
      lo[c] = hi[c] = job->probs[c];
      for (int i = 0; i < DROPOUT_PASSES; i++)
        {
          float p = job->probs[i * NN_CLASSES + c];
          mean[c] += p / DROPOUT_PASSES;
          lo[c] = MIN (lo[c], p);
          hi[c] = MAX (hi[c], p);
        }
    }
  bl_digit_stages_set_probabilities (self->digit_stages, mean);
  bl_digit_stages_set_spread (self->digit_stages, lo, hi);
}

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
  if (self->passes_job)
    g_cancellable_cancel (self->passes_job);
  g_clear_object (&self->passes_job);
  if (gtk_drop_down_get_selected (self->dropout_choice) == 1)
    {
      /* Batch norm keeps its running statistics while dropout is on (the model's evaluation
       * with training's dropout). */
      g_autoptr(GTask) task = NULL;
      PassesJob *job = g_new0 (PassesJob, 1);
      job->state = g_bytes_ref (self->state);
      memcpy (job->x, self->stages.normalised, sizeof job->x);
      self->passes_job = g_cancellable_new ();
      task = g_task_new (self, self->passes_job, passes_done, NULL);
      g_task_set_task_data (task, job, (GDestroyNotify) passes_job_free);
      g_task_run_in_thread (task, passes_thread);
      return;
    }
  if (gtk_drop_down_get_selected (self->bn_choice) == 1)
    {
      /* One image's capture is a few milliseconds. */
      NnCapture *cap = nn_inspect_capture_own_stats (self->model, self->stages.normalised);
      memcpy (probs, cap->probs, sizeof probs);
      nn_capture_free (cap);
    }
  else
    nn_digit_predict (self->model, &self->stages, probs);
  bl_digit_stages_set_probabilities (self->digit_stages, probs);
}

static void
mode_changed_cb (GtkDropDown *drop, GParamSpec *pspec, BlTryIt *self)
{
  /* Dropout's passes use the running statistics: the BatchNorm choice waits meanwhile. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->bn_choice),
                            gtk_drop_down_get_selected (self->dropout_choice) == 0);
  answer (self);
}

/* The one place "Look Inside" is enabled: a drawing, and a network to look into. */
static void
update_look_inside (BlTryIt *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "try.look-inside",
                                 self->has_stages && self->state != NULL);
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
      update_look_inside (self);
      return;
    }
  bl_digit_stages_set_stages (self->digit_stages, canvas, w, h, &self->stages);
  answer (self);
  update_look_inside (self);
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
      if (self->passes_job)
        g_cancellable_cancel (self->passes_job);
      g_clear_object (&self->passes_job);
      gtk_label_set_text (self->model_label,
                          _("No network yet: train one, or load a saved model from the menu."));
      update_look_inside (self);
      if (self->has_stages)
        bl_digit_stages_set_probabilities (self->digit_stages, NULL);
      return;
    }
  text = g_strdup_printf (_("Answering: %s."), source);
  gtk_label_set_text (self->model_label, text);
  update_look_inside (self);
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

void
bl_try_it_set_modes (BlTryIt *self, gboolean own_statistics, gboolean dropout)
{
  g_return_if_fail (BL_IS_TRY_IT (self));
  gtk_drop_down_set_selected (self->bn_choice, own_statistics ? 1 : 0);
  gtk_drop_down_set_selected (self->dropout_choice, dropout ? 1 : 0);
}

gboolean
bl_try_it_is_idle (BlTryIt *self)
{
  g_return_val_if_fail (BL_IS_TRY_IT (self), TRUE);
  return self->passes_job == NULL;
}

int
bl_try_it_get_prediction (BlTryIt *self)
{
  g_return_val_if_fail (BL_IS_TRY_IT (self), -1);
  return bl_digit_stages_get_prediction (self->digit_stages);
}

enum { SIGNAL_LOOK_INSIDE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
action_look_inside (GtkWidget *widget, const char *name, GVariant *param)
{
  BlTryIt *self = BL_TRY_IT (widget);

  if (self->has_stages)
    g_signal_emit (self, signals[SIGNAL_LOOK_INSIDE], 0, self->stages.normalised);
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
  BlTryIt *self = BL_TRY_IT (object);

  if (self->passes_job)
    g_cancellable_cancel (self->passes_job);
  g_clear_object (&self->passes_job);
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
  gtk_widget_class_bind_template_child (widget_class, BlTryIt, bn_choice);
  gtk_widget_class_bind_template_child (widget_class, BlTryIt, dropout_choice);
  gtk_widget_class_bind_template_callback (widget_class, mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, pad_changed_cb);
  gtk_widget_class_install_action (widget_class, "try.clear", NULL, action_clear);
  gtk_widget_class_install_action (widget_class, "try.look-inside", NULL, action_look_inside);
  signals[SIGNAL_LOOK_INSIDE] =
    g_signal_new ("look-inside", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
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
