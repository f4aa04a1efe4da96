/* bl-application.c: see bl-application.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-application.h"
#include "bl-preferences.h"
#include "bl-window.h"
#include "core/bl-i18n.h"
#include "nn-cpu.h"

struct _BlApplication {
  GtkApplication parent_instance;
  GSettings     *settings;
  gboolean       system_prefers_dark;   /* the desktop's colour scheme (settings portal) */
  guint          portal_signal;
  GDBusConnection *session;
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
  /* Which of the engine's kernels (nn-cpu.h) this CPU runs: a teacher comparing two laptops'
   * speeds sees why they differ. */
  g_autofree char *kernels = g_strdup_printf (_("CPU kernels: %s"), nn_cpu_variant_name ());
  g_autofree char *comments =
    g_strdup_printf ("%s\n\n%s", _("See how neural networks learn: backpropagation by hand, "
                                    "and a real network trained live."), kernels);

  gtk_show_about_dialog (gtk_application_get_active_window (app),
                         "program-name", _("Backprop Lab"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", comments,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         NULL);
}

static void
preferences_activated (GSimpleAction *action, GVariant *param, gpointer data)
{
  BlApplication *self = BL_APPLICATION (data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->settings)
    gtk_window_present (GTK_WINDOW (bl_preferences_new (parent, self->settings)));
}

/* Light or dark: the preference, or the desktop's choice when it says "system". */
static void
apply_theme (BlApplication *self)
{
  g_autofree char *theme = self->settings ? g_settings_get_string (self->settings, "theme")
                                          : g_strdup ("system");
  gboolean dark = g_str_equal (theme, "dark") ||
                  (g_str_equal (theme, "system") && self->system_prefers_dark);

  g_object_set (gtk_settings_get_default (), "gtk-application-prefer-dark-theme", dark, NULL);
}

static void
color_scheme_read (GVariant *value, BlApplication *self)
{
  /* org.freedesktop.appearance color-scheme: 0 no preference, 1 dark, 2 light. */
  while (value && g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    value = g_variant_get_variant (value);   /* Read wraps it once or twice */
  self->system_prefers_dark = value && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32) &&
                              g_variant_get_uint32 (value) == 1;
  apply_theme (self);
}

static void
portal_read_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BlApplication *self = data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             NULL);
  g_autoptr(GVariant) value = NULL;

  if (reply)
    {
      g_variant_get (reply, "(v)", &value);
      color_scheme_read (value, self);
    }
  g_object_unref (self);
}

static void
portal_setting_changed (GDBusConnection *connection, const char *sender, const char *path,
                        const char *iface, const char *signal, GVariant *params, gpointer data)
{
  const char *ns, *key;
  g_autoptr(GVariant) value = NULL;

  g_variant_get (params, "(&s&sv)", &ns, &key, &value);
  if (g_str_equal (ns, "org.freedesktop.appearance") && g_str_equal (key, "color-scheme"))
    color_scheme_read (value, data);
}

/* Where there is no portal (a bare X session, the tests), the answer never comes: light. */
static void
follow_system_color_scheme (BlApplication *self)
{
  self->session = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (self->session == NULL)
    return;
  g_dbus_connection_call (self->session, "org.freedesktop.portal.Desktop",
                          "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Settings",
                          "Read", g_variant_new ("(ss)", "org.freedesktop.appearance",
                                                 "color-scheme"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, 2000, NULL,
                          portal_read_done, g_object_ref (self));
  self->portal_signal =
    g_dbus_connection_signal_subscribe (self->session, "org.freedesktop.portal.Desktop",
                                        "org.freedesktop.portal.Settings", "SettingChanged",
                                        "/org/freedesktop/portal/desktop", NULL,
                                        G_DBUS_SIGNAL_FLAGS_NONE, portal_setting_changed, self,
                                        NULL);
}

static void
theme_changed_cb (GSettings *settings, const char *key, BlApplication *self)
{
  apply_theme (self);
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_activated, NULL, NULL, NULL, { 0 } },
  { "quit", quit_activated, NULL, NULL, NULL, { 0 } },
  { "about", about_activated, NULL, NULL, NULL, { 0 } },
};

void
bl_application_trace (const char *what)
{
  static gint64 t0;
  static int enabled = -1;

  if (enabled < 0)
    {
      enabled = g_getenv ("BL_TRACE_STARTUP") != NULL;
      t0 = g_get_monotonic_time ();
    }
  if (enabled)
    g_printerr ("startup: %8.1f ms  %s\n", (g_get_monotonic_time () - t0) / 1000.0, what);
}

static void
first_frame_cb (GdkFrameClock *clock, gpointer data)
{
  gulong *handler = data;
  bl_application_trace ("first frame painted");
  g_signal_handler_disconnect (clock, *handler);
  g_free (handler);
}

static void
trace_first_frame (GtkWidget *window)
{
  gulong *handler;

  if (!g_getenv ("BL_TRACE_STARTUP"))
    return;
  handler = g_new (gulong, 1);
  *handler = g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                               G_CALLBACK (first_frame_cb), handler);
}

static void
bl_application_startup (GApplication *app)
{
  BlApplication *self = BL_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  static const struct { const char *action; const char *accels[3]; } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    /* →, Space and R are the page's key bindings, not accelerators: accelerators run before
     * the focused widget, and would take → and Space from the text fields. */
    { "win.run-n", { "<Control>Right", NULL } },
    { "win.export-csv", { "<Control>e", NULL } },
    { "win.export-xlsx", { "<Control><Shift>e", NULL } },
    { "win.log-scale", { "<Control>l", NULL } },
    { "app.projector-mode", { "F5", NULL } },
    { "win.show-page::backprop", { "<Alt>1", NULL } },
    { "win.show-page::mnist", { "<Alt>2", NULL } },
    { "win.show-help-overlay", { "<Control>question", "F1", NULL } },
  };

  /* From the build tree too (tools/run.sh): its compiled catalogues, before any string. */
  bindtextdomain (GETTEXT_PACKAGE, bl_i18n_localedir ());
  bl_application_trace ("startup");
  G_APPLICATION_CLASS (bl_application_parent_class)->startup (app);
  bl_application_trace ("GTK started");

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

  /* Projector mode: the setting as a stateful action, or (without a schema) an action that only
   * remembers its state for this session. */
  {
    g_autoptr(GAction) projector = NULL;
    if (self->settings)
      projector = g_settings_create_action (self->settings, "projector-mode");
    else
      projector = G_ACTION (g_simple_action_new_stateful ("projector-mode", NULL,
                                                          g_variant_new_boolean (FALSE)));
    g_action_map_add_action (G_ACTION_MAP (app), projector);
  }
  if (self->settings == NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (app),
                                                                              "preferences")),
                                 FALSE);
  else
    g_signal_connect (self->settings, "changed::theme", G_CALLBACK (theme_changed_cb), self);
  apply_theme (self);
  follow_system_color_scheme (self);

  bl_application_load_style (gdk_display_get_default ());
  bl_application_trace ("settings, actions and style");
}

void
bl_application_load_style (GdkDisplay *display)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/org/backproplab/BackpropLab/style.css");
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
bl_application_activate (GApplication *app)
{
  BlApplication *self = BL_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      window = GTK_WINDOW (bl_window_new (GTK_APPLICATION (app), self->settings));
      bl_application_trace ("window built");
    }
  gtk_window_present (window);
  bl_application_trace ("window presented (realized, mapped)");
  trace_first_frame (GTK_WIDGET (window));
}

static void
bl_application_dispose (GObject *object)
{
  BlApplication *self = BL_APPLICATION (object);

  if (self->portal_signal)
    g_dbus_connection_signal_unsubscribe (self->session, self->portal_signal);
  self->portal_signal = 0;
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
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
