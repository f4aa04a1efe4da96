/* bl-recipe-form.c: see bl-recipe-form.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-app-error.h"
#include "mnist/bl-recipe-form.h"

struct _BlRecipeForm {
  GtkWidget      parent_instance;

  GtkSpinButton *epochs_spin, *batch_spin, *rotate_spin, *seed_spin, *threads_spin,
                *subset_spin;
  GtkEntry      *lr_entry, *momentum_entry;
  GtkDropDown   *schedule_dropdown;
  GtkStringList *schedules;
  GtkLabel      *error_label;
};

G_DEFINE_FINAL_TYPE (BlRecipeForm, bl_recipe_form, GTK_TYPE_WIDGET)

/* Every core up to 8: beyond that a batch of 128 is cut too thin to gain. */
static guint
default_threads (void)
{
  return CLAMP (g_get_num_processors (), 1, 8);
}

void
bl_recipe_form_set_recipe (BlRecipeForm *self, const NnRecipe *r)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (BL_IS_RECIPE_FORM (self));
  gtk_spin_button_set_value (self->epochs_spin, r->epochs);
  gtk_spin_button_set_value (self->batch_spin, r->batch);
  gtk_editable_set_text (GTK_EDITABLE (self->lr_entry),
                         g_ascii_formatd (buf, sizeof buf, "%g", r->lr));
  gtk_editable_set_text (GTK_EDITABLE (self->momentum_entry),
                         g_ascii_formatd (buf, sizeof buf, "%g", r->momentum));
  gtk_drop_down_set_selected (self->schedule_dropdown, r->schedule);
  gtk_spin_button_set_value (self->rotate_spin, r->rotate_deg);
  gtk_spin_button_set_value (self->seed_spin, r->seed);
  gtk_spin_button_set_value (self->threads_spin, r->threads);
  gtk_spin_button_set_value (self->subset_spin, r->train_subset);
}

/* A number typed in @entry, or an error naming the field. */
static gboolean
read_number (GtkEntry *entry, const char *field, double *out, GError **error)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));
  char *end;

  *out = g_ascii_strtod (text, &end);
  while (*end == ' ')
    end++;
  if (end == text || *end != '\0')
    {
      g_set_error (error, BL_APP_ERROR, BL_APP_ERROR_INVALID, _("%s: “%s” is not a number."),
                   field, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
bl_recipe_form_get_recipe (BlRecipeForm *self, NnRecipe *r, GError **error)
{
  g_return_val_if_fail (BL_IS_RECIPE_FORM (self), FALSE);
  nn_recipe_init_default (r);
  if (!read_number (self->lr_entry, _("Learning rate"), &r->lr, error) ||
      !read_number (self->momentum_entry, _("Momentum"), &r->momentum, error))
    return FALSE;
  r->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  r->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  r->schedule = (NnScheduleKind) gtk_drop_down_get_selected (self->schedule_dropdown);
  r->rotate_deg = gtk_spin_button_get_value (self->rotate_spin);
  r->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  r->threads = gtk_spin_button_get_value_as_int (self->threads_spin);
  r->train_subset = gtk_spin_button_get_value_as_int (self->subset_spin);
  return nn_recipe_validate (r, error);
}

void
bl_recipe_form_show_error (BlRecipeForm *self, const char *message)
{
  g_return_if_fail (BL_IS_RECIPE_FORM (self));
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

void
bl_recipe_form_set_settings (BlRecipeForm *self, GSettings *settings)
{
  guint threads;

  g_return_if_fail (BL_IS_RECIPE_FORM (self));
  if (settings == NULL)
    return;
  threads = g_settings_get_uint (settings, "threads");
  gtk_spin_button_set_value (self->threads_spin, threads ? threads : default_threads ());
}

/* "Training images": 0 reads "all", and "all" (or an empty field) is 0. */
static gboolean
subset_output_cb (GtkSpinButton *spin, gpointer data)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _("all"));
  return TRUE;
}

static int
subset_input_cb (GtkSpinButton *spin, double *value, gpointer data)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));

  if (*text != '\0' && g_ascii_strcasecmp (text, _("all")) != 0 &&
      g_ascii_strcasecmp (text, "all") != 0)
    return FALSE;
  *value = 0;
  return TRUE;
}

GtkWidget *
bl_recipe_form_new (void)
{
  return g_object_new (BL_TYPE_RECIPE_FORM, NULL);
}

static void
bl_recipe_form_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_RECIPE_FORM);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_recipe_form_parent_class)->dispose (object);
}

static void
bl_recipe_form_class_init (BlRecipeFormClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_recipe_form_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-recipe-form.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlRecipeForm, name)
  CHILD (epochs_spin);
  CHILD (batch_spin);
  CHILD (lr_entry);
  CHILD (momentum_entry);
  CHILD (schedule_dropdown);
  CHILD (schedules);
  CHILD (rotate_spin);
  CHILD (seed_spin);
  CHILD (threads_spin);
  CHILD (subset_spin);
  CHILD (error_label);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, subset_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, subset_input_cb);
  gtk_widget_class_set_css_name (widget_class, "recipeform");
}

static void
bl_recipe_form_init (BlRecipeForm *self)
{
  NnRecipe r;
  g_autofree char *step = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* The schedules in NnScheduleKind's order, the step's numbers from the recipe's defaults. */
  nn_recipe_init_default (&r);
  step = g_strdup_printf (_("step (×%g every %u epochs)"), r.gamma, r.step_epochs);
  gtk_string_list_append (self->schedules, _("constant"));
  gtk_string_list_append (self->schedules, step);
  gtk_string_list_append (self->schedules, _("one-cycle"));
  G_STATIC_ASSERT (NN_SCHEDULE_CONSTANT == 0 && NN_SCHEDULE_STEP == 1 &&
                   NN_SCHEDULE_ONECYCLE == 2);
  r.threads = default_threads ();
  bl_recipe_form_set_recipe (self, &r);
}
