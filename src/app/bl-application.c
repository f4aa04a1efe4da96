/* bl-application.c: see bl-application.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-application.h"
#include "bl-window.h"

struct _BlApplication {
  GtkApplication parent_instance;
  GSettings     *settings;
};

G_DEFINE_FINAL_TYPE (BlApplication, bl_application, GTK_TYPE_APPLICATION)

static void
quit_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  g_application_quit (G_APPLICATION (data));
}

static void
about_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  GtkApplication *app = GTK_APPLICATION (data);
  static const char *authors[] = { "The Backprop Lab team", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", _("Backprop Lab"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("See how neural networks learn: backpropagation by hand, "
                                       "and a real network trained live."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

static void
bl_application_startup (GApplication *app)
{
  BlApplication *self = BL_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    /* →, Space and R are the page's key bindings, not accelerators: accelerators run before
     * the focused widget, and would take → and Space from the text fields. */
    { "win.run-n", { "<Control>Right", NULL } },
    { "win.export-csv", { "<Control>e", NULL } },
    { "win.export-xlsx", { "<Control><Shift>e", NULL } },
    { "win.export-png", { "<Control>p", NULL } },
    { "win.log-scale", { "<Control>l", NULL } },
    { "win.projector-mode", { "F5", NULL } },
    { "win.show-help-overlay", { "<Control>question", "F1", NULL } },
  };

  G_APPLICATION_CLASS (bl_application_parent_class)->startup (app);

  /* Preferences need the compiled schema; without it the app still runs on defaults. */
  if (source)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema)
    self->settings = g_settings_new (APP_ID);
  else
    g_message ("GSettings schema %s not found: preferences will not be kept", APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action,
                                           accels[i].accels);

  gtk_css_provider_load_from_resource (css, "/org/backproplab/BackpropLab/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
bl_application_activate (GApplication *app)
{
  BlApplication *self = BL_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (bl_window_new (GTK_APPLICATION (app), self->settings));
  gtk_window_present (window);
}

static void
bl_application_dispose (GObject *object)
{
  g_clear_object (&BL_APPLICATION (object)->settings);
  G_OBJECT_CLASS (bl_application_parent_class)->dispose (object);
}

static void
bl_application_class_init (BlApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bl_application_dispose;
  G_APPLICATION_CLASS (klass)->startup = bl_application_startup;
  G_APPLICATION_CLASS (klass)->activate = bl_application_activate;
}

static void
bl_application_init (BlApplication *self)
{
}

BlApplication *
bl_application_new (void)
{
  return g_object_new (BL_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/backproplab/BackpropLab",
                       NULL);
}

GSettings *
bl_application_get_settings (BlApplication *self)
{
  g_return_val_if_fail (BL_IS_APPLICATION (self), NULL);
  return self->settings;
}
