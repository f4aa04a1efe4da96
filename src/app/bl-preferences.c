/* bl-preferences.c: see bl-preferences.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <math.h>

#include "bl-preferences.h"
#include "core/bl-toy.h"

struct _BlPreferences {
  GtkWindow      parent_instance;

  GtkEntry      *rates_entry;
  GtkLabel      *rates_error;
  GtkSpinButton *iterations_spin;
  GtkSpinButton *threads_spin;
  GtkEntry      *compare_entry;
  GtkLabel      *data_folder_label;
  GtkTextView   *mirrors_view;
  GtkSwitch     *projector_switch;
  GtkDropDown   *theme_dropdown;

  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (BlPreferences, bl_preferences, GTK_TYPE_WINDOW)

static const char *const themes[] = { "system", "light", "dark" };

static char *
rates_to_text (GVariant *rates)
{
  GString *s = g_string_new (NULL);
  gsize n;
  const double *v = g_variant_get_fixed_array (rates, &n, sizeof (double));
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", g_ascii_formatd (buf, sizeof buf, "%g", v[i]));
  return g_string_free (s, FALSE);
}

/* The Backprop page's rates: at most 12 of them (the palette's colours). */
static GVariant *
text_to_rates (const char *text, GError **error)
{
  g_autoptr(GArray) rates = bl_toy_parse_learning_rates (text, 12, error);

  if (rates == NULL)
    return NULL;
  return g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, rates->data, rates->len,
                                    sizeof (double));
}

static void
rates_changed_cb (GtkEditable *entry, BlPreferences *self)
{
  g_autoptr(GError) error = NULL;
  GVariant *rates = text_to_rates (gtk_editable_get_text (entry), &error);

  gtk_widget_set_visible (GTK_WIDGET (self->rates_error), rates == NULL);
  gtk_label_set_text (self->rates_error, rates ? "" : error->message);
  if (rates)
    g_settings_set_value (self->settings, "learning-rates", rates);
}

static gboolean
theme_get_mapping (GValue *value, GVariant *variant, gpointer data)
{
  const char *name = g_variant_get_string (variant, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (themes); i++)
    if (g_strcmp0 (name, themes[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
theme_set_mapping (const GValue *value, const GVariantType *type, gpointer data)
{
  guint i = g_value_get_uint (value);
  return i < G_N_ELEMENTS (themes) ? g_variant_new_string (themes[i]) : NULL;
}

static void
mirrors_changed_cb (GtkTextBuffer *buffer, BlPreferences *self)
{
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GStrvBuilder) keep = g_strv_builder_new ();
  g_auto(GStrv) mirrors = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i])
        g_strv_builder_add (keep, lines[i]);
    }
  mirrors = g_strv_builder_end (keep);
  g_settings_set_strv (self->settings, "download-mirrors", (const char *const *) mirrors);
}

static void
bl_preferences_dispose (GObject *object)
{
  BlPreferences *self = BL_PREFERENCES (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_PREFERENCES);
  G_OBJECT_CLASS (bl_preferences_parent_class)->dispose (object);
}

static void
bl_preferences_class_init (BlPreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_preferences_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-preferences.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlPreferences, name)
  CHILD (rates_entry);
  CHILD (rates_error);
  CHILD (iterations_spin);
  CHILD (threads_spin);
  CHILD (compare_entry);
  CHILD (data_folder_label);
  CHILD (mirrors_view);
  CHILD (projector_switch);
  CHILD (theme_dropdown);
#undef CHILD
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
bl_preferences_init (BlPreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Projector mode reaches this window too (its text grows like the main window's). */
static void
projector_changed_cb (GSettings *settings, const char *key, BlPreferences *self)
{
  if (g_settings_get_boolean (settings, "projector-mode"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "projector");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "projector");
}

BlPreferences *
bl_preferences_new (GtkWindow *parent, GSettings *settings)
{
  BlPreferences *self = g_object_new (BL_TYPE_PREFERENCES, "transient-for", parent, NULL);
  g_autoptr(GVariant) rates = NULL;
  g_autofree char *rates_text = NULL, *folder = NULL, *mirrors_text = NULL;
  g_auto(GStrv) mirrors = NULL;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->mirrors_view);

  g_return_val_if_fail (G_IS_SETTINGS (settings), self);
  self->settings = g_object_ref (settings);
  g_signal_connect_object (settings, "changed::projector-mode",
                           G_CALLBACK (projector_changed_cb), self, 0);
  projector_changed_cb (settings, "projector-mode", self);
  g_object_set_data (G_OBJECT (self), "theme-dropdown", self->theme_dropdown);
  g_object_set_data (G_OBJECT (self), "projector-switch", self->projector_switch);
  g_object_set_data (G_OBJECT (self), "iterations-spin", self->iterations_spin);
  rates = g_settings_get_value (settings, "learning-rates");
  rates_text = rates_to_text (rates);
  gtk_editable_set_text (GTK_EDITABLE (self->rates_entry), rates_text);
  g_signal_connect (self->rates_entry, "changed", G_CALLBACK (rates_changed_cb), self);
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->iterations_spin),
                            BL_TOY_MAX_ITERATIONS);
  /* Room for the largest count it takes (GtkSpinButton sizes itself to "100" otherwise, and
   * 10,000 showed as "100" or "1000"). */
  {
    char widest[32];
    gtk_editable_set_width_chars (GTK_EDITABLE (self->iterations_spin),
                                  g_snprintf (widest, sizeof widest, "%u",
                                              (unsigned) BL_TOY_MAX_ITERATIONS));
  }
  g_settings_bind (settings, "iterations", self->iterations_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "threads", self->threads_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "compare-rates", self->compare_entry, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "projector-mode", self->projector_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "theme", self->theme_dropdown, "selected",
                                G_SETTINGS_BIND_DEFAULT, theme_get_mapping, theme_set_mapping,
                                NULL, NULL);
  folder = g_settings_get_string (settings, "data-folder");
  if (*folder)
    {
      /* In the user's home, as "~/…": shorter, and a projected path shows no account name. */
      const char *home = g_get_home_dir ();
      gsize n = strlen (home);
      g_autofree char *shown = g_filename_display_name (folder);
      g_autofree char *under_home = n > 1 && strncmp (folder, home, n) == 0 && folder[n] == '/'
                                    ? g_strconcat ("~", folder + n, NULL) : NULL;
      g_autofree char *tilde = under_home ? g_filename_display_name (under_home) : NULL;
      gtk_label_set_text (self->data_folder_label, tilde ? tilde : shown);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_folder_label), shown);
    }
  else
    gtk_label_set_text (self->data_folder_label, _("none yet (chosen on the MNIST page)"));
  mirrors = g_settings_get_strv (settings, "download-mirrors");
  mirrors_text = g_strjoinv ("\n", mirrors);
  gtk_text_buffer_set_text (buffer, mirrors_text, -1);
  g_signal_connect (buffer, "changed", G_CALLBACK (mirrors_changed_cb), self);
  return self;
}

GtkEditable *
bl_preferences_get_rates_entry (BlPreferences *self)
{
  return GTK_EDITABLE (self->rates_entry);
}

const char *
bl_preferences_get_rates_error (BlPreferences *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->rates_error))
           ? gtk_label_get_text (self->rates_error) : NULL;
}
