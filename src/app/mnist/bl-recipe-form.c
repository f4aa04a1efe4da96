/* bl-recipe-form.c: see bl-recipe-form.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-app-error.h"
#include "mnist/bl-recipe-form.h"

/* The recipes a class starts from, in the preset list's order (then "Custom"). */
typedef struct {
  const char *name;
  void      (*init) (NnRecipe *recipe);
} Preset;

static const Preset presets[] = {
  /* A whole run in a lesson's minute, on all the images (nn-trainer.h). */
  { N_("Quick class demo"), nn_recipe_init_quick },
  { N_("Default: 20 epochs, one-cycle"), nn_recipe_init_default },
  { N_("Plain SGD: rate 0.01, no schedule"), nn_recipe_init_plain },
};
#define PRESET_CUSTOM G_N_ELEMENTS (presets)

struct _BlRecipeForm {
  GtkWidget      parent_instance;

  GtkSpinButton *epochs_spin, *batch_spin, *rotate_spin, *seed_spin, *threads_spin,
                *subset_spin;
  GtkEntry      *lr_entry, *momentum_entry;
  GtkDropDown   *schedule_dropdown;
  GtkStringList *schedules;
  GtkDropDown   *preset_dropdown;
  GtkStringList *presets;
  GtkLabel      *error_label;
  GSettings     *settings;
  NnRecipe       base;         /* what the fields do not show (label smoothing, Nesterov, …):
                                * the last recipe set, a preset's or one remembered */
  gboolean       setting;      /* the form is being filled in, not edited */
};

G_DEFINE_FINAL_TYPE (BlRecipeForm, bl_recipe_form, GTK_TYPE_WIDGET)

/* Every core up to 8: beyond that a batch of 128 is cut too thin to gain. */
static guint
default_threads (void)
{
  return CLAMP (g_get_num_processors (), 1, 8);
}

static gboolean read_recipe (BlRecipeForm *self, NnRecipe *r, GError **error);

/* Two recipes are the same lesson when every field a class can set is the same (the thread
 * count only changes the speed). */
static gboolean
same_recipe (const NnRecipe *a, const NnRecipe *b)
{
  return a->epochs == b->epochs && a->batch == b->batch && a->lr == b->lr &&
         a->momentum == b->momentum && a->schedule == b->schedule &&
         a->rotate_deg == b->rotate_deg && a->seed == b->seed &&
         a->train_subset == b->train_subset && a->label_smoothing == b->label_smoothing &&
         a->dropout == b->dropout && a->upright_last == b->upright_last &&
         a->nesterov == b->nesterov && a->recalibrate_bn == b->recalibrate_bn &&
         a->weight_decay == b->weight_decay;
}

/* The preset the fields say, or PRESET_CUSTOM. */
static guint
matching_preset (BlRecipeForm *self)
{
  NnRecipe r, p;

  if (!read_recipe (self, &r, NULL))
    return PRESET_CUSTOM;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      presets[i].init (&p);
      if (same_recipe (&r, &p))
        return i;
    }
  return PRESET_CUSTOM;
}

static void
field_changed_cb (GObject *field, GParamSpec *pspec, BlRecipeForm *self)
{
  if (!self->setting)
    gtk_drop_down_set_selected (self->preset_dropdown, matching_preset (self));
}

static void
preset_selected_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlRecipeForm *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);
  NnRecipe r;

  if (self->setting || i >= G_N_ELEMENTS (presets))
    return;
  presets[i].init (&r);
  r.threads = gtk_spin_button_get_value_as_int (self->threads_spin);
  bl_recipe_form_set_recipe (self, &r);
}

void
bl_recipe_form_set_recipe (BlRecipeForm *self, const NnRecipe *r)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_if_fail (BL_IS_RECIPE_FORM (self));
  self->setting = TRUE;
  self->base = *r;
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
  self->setting = FALSE;
  gtk_drop_down_set_selected (self->preset_dropdown, matching_preset (self));
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

static gboolean
read_recipe (BlRecipeForm *self, NnRecipe *r, GError **error)
{
  *r = self->base;
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

gboolean
bl_recipe_form_get_recipe (BlRecipeForm *self, NnRecipe *r, GError **error)
{
  g_return_val_if_fail (BL_IS_RECIPE_FORM (self), FALSE);
  return read_recipe (self, r, error);
}

/* The recipe as the "mnist-recipe" key keeps it. */
static GVariant *
recipe_to_variant (const NnRecipe *r)
{
  g_auto(GVariantBuilder) b = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);

  g_variant_builder_add (&b, "{sv}", "epochs", g_variant_new_uint32 (r->epochs));
  g_variant_builder_add (&b, "{sv}", "batch", g_variant_new_uint32 (r->batch));
  g_variant_builder_add (&b, "{sv}", "lr", g_variant_new_double (r->lr));
  g_variant_builder_add (&b, "{sv}", "momentum", g_variant_new_double (r->momentum));
  g_variant_builder_add (&b, "{sv}", "schedule",
                         g_variant_new_string (nn_schedule_name (r->schedule)));
  g_variant_builder_add (&b, "{sv}", "rotate", g_variant_new_double (r->rotate_deg));
  g_variant_builder_add (&b, "{sv}", "seed", g_variant_new_uint64 (r->seed));
  g_variant_builder_add (&b, "{sv}", "train-subset", g_variant_new_uint32 (r->train_subset));
  g_variant_builder_add (&b, "{sv}", "label-smoothing", g_variant_new_double (r->label_smoothing));
  g_variant_builder_add (&b, "{sv}", "dropout", g_variant_new_double (r->dropout));
  g_variant_builder_add (&b, "{sv}", "weight-decay", g_variant_new_double (r->weight_decay));
  g_variant_builder_add (&b, "{sv}", "upright-last", g_variant_new_uint32 (r->upright_last));
  g_variant_builder_add (&b, "{sv}", "nesterov", g_variant_new_boolean (r->nesterov));
  g_variant_builder_add (&b, "{sv}", "recalibrate-bn", g_variant_new_uint32 (r->recalibrate_bn));
  return g_variant_builder_end (&b);
}

/* A stored recipe, checked like one typed in: FALSE (and the default kept) when a field is
 * missing, of another type, or out of range. */
static gboolean
recipe_from_variant (GVariant *v, NnRecipe *r)
{
  const char *schedule;

  nn_recipe_init_default (r);
  /* Keys a recipe remembered before they existed lacks: the default's values. */
  g_variant_lookup (v, "label-smoothing", "d", &r->label_smoothing);
  g_variant_lookup (v, "dropout", "d", &r->dropout);
  g_variant_lookup (v, "weight-decay", "d", &r->weight_decay);
  g_variant_lookup (v, "upright-last", "u", &r->upright_last);
  g_variant_lookup (v, "nesterov", "b", &r->nesterov);
  g_variant_lookup (v, "recalibrate-bn", "u", &r->recalibrate_bn);
  return g_variant_lookup (v, "epochs", "u", &r->epochs) &&
         g_variant_lookup (v, "batch", "u", &r->batch) &&
         g_variant_lookup (v, "lr", "d", &r->lr) &&
         g_variant_lookup (v, "momentum", "d", &r->momentum) &&
         g_variant_lookup (v, "schedule", "&s", &schedule) &&
         nn_schedule_parse (schedule, &r->schedule, NULL) &&
         g_variant_lookup (v, "rotate", "d", &r->rotate_deg) &&
         g_variant_lookup (v, "seed", "t", &r->seed) &&
         g_variant_lookup (v, "train-subset", "u", &r->train_subset) &&
         nn_recipe_validate (r, NULL);
}

void
bl_recipe_form_remember (BlRecipeForm *self, const NnRecipe *recipe)
{
  g_return_if_fail (BL_IS_RECIPE_FORM (self));
  if (self->settings)
    g_settings_set_value (self->settings, "mnist-recipe", recipe_to_variant (recipe));
}

const char *
bl_recipe_form_get_error (BlRecipeForm *self)
{
  g_return_val_if_fail (BL_IS_RECIPE_FORM (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_text (self->error_label) : NULL;
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
  g_set_object (&self->settings, settings);
  {
    g_autoptr(GVariant) stored = g_settings_get_value (settings, "mnist-recipe");
    NnRecipe r;
    if (g_variant_n_children (stored) > 0)
      {
        if (recipe_from_variant (stored, &r))
          {
            r.threads = gtk_spin_button_get_value_as_int (self->threads_spin);
            bl_recipe_form_set_recipe (self, &r);
          }
        else
          bl_recipe_form_show_error (self, _("The recipe of the last lesson could not be read "
                                             "back; this is the default one."));
      }
  }
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

/* The mouse wheel over a spin button it has not been clicked into scrolls what holds the form
 * instead of changing the value (it changed the batch size from 128 to 112 under a teacher
 * scrolling down to the recipe). */
static gboolean
spin_scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, gpointer data)
{
  GtkWidget *spin = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (spin));
  GtkWidget *scroller = gtk_widget_get_ancestor (spin, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj;

  if (focus && (focus == spin || gtk_widget_is_ancestor (focus, spin)))
    return FALSE;   /* clicked into: the wheel changes the value, as a spin button does */
  if (scroller)
    {
      adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
      gtk_adjustment_set_value (adj, gtk_adjustment_get_value (adj) +
                                     dy * MAX (gtk_adjustment_get_step_increment (adj), 40));
    }
  return TRUE;
}

static void
wheel_scrolls_past (GtkSpinButton *spin)
{
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL |
                                     GTK_EVENT_CONTROLLER_SCROLL_DISCRETE);

  gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
  g_signal_connect (scroll, "scroll", G_CALLBACK (spin_scroll_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (spin), scroll);
}

GtkWidget *
bl_recipe_form_new (void)
{
  return g_object_new (BL_TYPE_RECIPE_FORM, NULL);
}

static void
bl_recipe_form_dispose (GObject *object)
{
  g_clear_object (&BL_RECIPE_FORM (object)->settings);
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
  CHILD (preset_dropdown);
  CHILD (presets);
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
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    gtk_string_list_append (self->presets, _(presets[i].name));
  gtk_string_list_append (self->presets, _("Custom"));
  r.threads = default_threads ();
  bl_recipe_form_set_recipe (self, &r);
  {
    GObject *fields[] = { G_OBJECT (self->epochs_spin), G_OBJECT (self->batch_spin),
                          G_OBJECT (self->rotate_spin), G_OBJECT (self->seed_spin),
                          G_OBJECT (self->subset_spin), G_OBJECT (self->schedule_dropdown) };
    const char *props[] = { "notify::value", "notify::value", "notify::value", "notify::value",
                            "notify::value", "notify::selected" };
    for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
      g_signal_connect (fields[i], props[i], G_CALLBACK (field_changed_cb), self);
    g_signal_connect (self->lr_entry, "notify::text", G_CALLBACK (field_changed_cb), self);
    g_signal_connect (self->momentum_entry, "notify::text", G_CALLBACK (field_changed_cb),
                      self);
    g_signal_connect (self->preset_dropdown, "notify::selected",
                      G_CALLBACK (preset_selected_cb), self);
  }
  {
    GtkSpinButton *spins[] = { self->epochs_spin, self->batch_spin, self->rotate_spin,
                               self->seed_spin, self->threads_spin, self->subset_spin };
    for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
      wheel_scrolls_past (spins[i]);
  }
}
