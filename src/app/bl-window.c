/* bl-window.c: see bl-window.h. Window actions forward to the visible page. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-window.h"
#include "backprop/bl-backprop-tools.h"
#include "mnist/bl-mnist-page.h"
#include "widgets/bl-file-chooser.h"

struct _BlWindow {
  GtkApplicationWindow parent_instance;

  GtkStack       *stack;
  GtkMenuButton  *menu_button;
  GMenuModel     *backprop_menu;
  GMenuModel     *app_menu;
  BlBackpropPage *backprop_page;
  BlMnistPage    *mnist_page;
  GSettings      *settings;
  gboolean        close_confirmed;
};

G_DEFINE_FINAL_TYPE (BlWindow, bl_window, GTK_TYPE_APPLICATION_WINDOW)

typedef gboolean (*ExportFunc) (BlBackpropPage *page, const char *path, GError **error);

static void
show_error (BlWindow *self, const char *primary, const char *secondary)
{
  GtkWidget *dialog = gtk_message_dialog_new (GTK_WINDOW (self), GTK_DIALOG_MODAL,
                                              GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE, "%s",
                                              primary);
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog), "%s", secondary);
  g_signal_connect (dialog, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
export_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlWindow *self = BL_WINDOW (owner);
  ExportFunc func = (ExportFunc) data;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    show_error (self, _("Could not export"), _("Choose a local file."));
  else if (!func (self->backprop_page, path, &error))
    show_error (self, _("Could not export"), error->message);
}

static void
export_with (BlWindow *self, const char *title, const char *name, const char *pattern,
             ExportFunc func)
{
  const char *const patterns[] = { pattern, NULL };

  bl_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE, title, _("_Export"), name,
                  NULL, patterns, export_chosen_cb, (gpointer) func);
}

static void
action_step (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_backprop_page_step (BL_WINDOW (widget)->backprop_page, 1);
}

static void
action_run_n (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_backprop_page_run_n (BL_WINDOW (widget)->backprop_page);
}

static void
action_play (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_backprop_page_toggle_play (BL_WINDOW (widget)->backprop_page);
}

static void
action_reset (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_backprop_page_reset (BL_WINDOW (widget)->backprop_page);
}

static void
action_log_scale (GtkWidget *widget, const char *name, GVariant *param)
{
  BlWindow *self = BL_WINDOW (widget);
  BlChart *chart = bl_backprop_page_get_chart (self->backprop_page);

  /* The page in view: the MNIST page's loss charts switch together. */
  if (gtk_stack_get_visible_child (self->stack) == GTK_WIDGET (self->mnist_page))
    {
      BlRunView *view = bl_mnist_page_get_run_view (self->mnist_page);
      bl_run_view_set_log_scale (view, !bl_run_view_get_log_scale (view));
    }
  else
    bl_chart_set_log_y (chart, !bl_chart_get_log_y (chart));
}

/* Alt+1, Alt+2: straight to a page, without the mouse. */
static void
action_show_page (GtkWidget *widget, const char *name, GVariant *param)
{
  gtk_stack_set_visible_child_name (BL_WINDOW (widget)->stack,
                                    g_variant_get_string (param, NULL));
}

/* Projector mode is the application's stateful action "app.projector-mode" (the setting, when
 * there are settings): F5, the menu and Preferences all change it; the window wears one style
 * class for it. */
static void
projector_state_cb (GAction *action, GParamSpec *pspec, BlWindow *self)
{
  g_autoptr(GVariant) state = g_action_get_state (action);

  if (state && g_variant_get_boolean (state))
    gtk_widget_add_css_class (GTK_WIDGET (self), "projector");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "projector");
}

static void
action_export_csv (GtkWidget *widget, const char *name, GVariant *param)
{
  export_with (BL_WINDOW (widget), _("Export the ledger as CSV"), "backprop-ledger.csv", "*.csv",
               bl_backprop_page_export_csv);
}

static void
action_export_xlsx (GtkWidget *widget, const char *name, GVariant *param)
{
  export_with (BL_WINDOW (widget), _("Export a workbook with live formulas"),
               "backprop-lesson.xlsx", "*.xlsx", bl_backprop_page_export_xlsx);
}

static void
action_export_png (GtkWidget *widget, const char *name, GVariant *param)
{
  export_with (BL_WINDOW (widget), _("Export the loss chart as PNG"), "backprop-loss.png",
               "*.png", bl_backprop_page_export_png);
}

/* The main menu: the visible page's items, if it puts them there, then the application's. */
static void
page_changed_cb (GtkStack *stack, GParamSpec *pspec, BlWindow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();

  if (gtk_stack_get_visible_child (stack) == GTK_WIDGET (self->backprop_page))
    g_menu_append_section (menu, NULL, self->backprop_menu);
  g_menu_append_section (menu, NULL, self->app_menu);
  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

static void
close_response_cb (GtkDialog *dialog, int response, BlWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT)
    return;
  /* The page's run is cancelled as the page goes; its thread ends after its current batch. */
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
bl_window_close_request (GtkWindow *window)
{
  BlWindow *self = BL_WINDOW (window);

  /* Closing mid-run asks first, then stops the run cleanly. */
  if (bl_mnist_page_is_busy (self->mnist_page) && !self->close_confirmed)
    {
      GtkWidget *dialog = gtk_message_dialog_new (window, GTK_DIALOG_MODAL,
                                                  GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                                  _("Stop training and close?"));
      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (dialog),
                                                _("The network is still learning; what it has "
                                                  "learned so far will be lost."));
      gtk_dialog_add_buttons (GTK_DIALOG (dialog), _("_Keep Training"), GTK_RESPONSE_CANCEL,
                              _("_Stop and Close"), GTK_RESPONSE_ACCEPT, NULL);
      g_signal_connect (dialog, "response", G_CALLBACK (close_response_cb), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  if (self->settings)
    {
      int w, h;
      gtk_window_get_default_size (window, &w, &h);
      g_settings_set (self->settings, "window-size", "(ii)", w, h);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
    }
  return GTK_WINDOW_CLASS (bl_window_parent_class)->close_request (window);
}

static void
bl_window_dispose (GObject *object)
{
  BlWindow *self = BL_WINDOW (object);

  g_clear_object (&self->settings);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_WINDOW);
  G_OBJECT_CLASS (bl_window_parent_class)->dispose (object);
}

static void
bl_window_class_init (BlWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_window_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = bl_window_close_request;

  g_type_ensure (BL_TYPE_BACKPROP_PAGE);
  g_type_ensure (BL_TYPE_MNIST_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, BlWindow, menu_button);
  gtk_widget_class_bind_template_child (widget_class, BlWindow, backprop_menu);
  gtk_widget_class_bind_template_child (widget_class, BlWindow, app_menu);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, BlWindow, backprop_page);
  gtk_widget_class_bind_template_child (widget_class, BlWindow, mnist_page);

  gtk_widget_class_install_action (widget_class, "win.step", NULL, action_step);
  gtk_widget_class_install_action (widget_class, "win.run-n", NULL, action_run_n);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, action_play);
  gtk_widget_class_install_action (widget_class, "win.reset", NULL, action_reset);
  gtk_widget_class_install_action (widget_class, "win.log-scale", NULL, action_log_scale);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", action_show_page);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, action_export_csv);
  gtk_widget_class_install_action (widget_class, "win.export-xlsx", NULL, action_export_xlsx);
  gtk_widget_class_install_action (widget_class, "win.export-png", NULL, action_export_png);
  bl_backprop_tools_install_actions (widget_class);
}

static void
bl_window_init (BlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  page_changed_cb (self->stack, NULL, self);
}

BlWindow *
bl_window_new (GtkApplication *app, GSettings *settings)
{
  BlWindow *self = g_object_new (BL_TYPE_WINDOW, "application", app, NULL);

  if (settings)
    {
      int w, h;
      self->settings = g_object_ref (settings);
      g_settings_get (settings, "window-size", "(ii)", &w, &h);
      gtk_window_set_default_size (GTK_WINDOW (self), MAX (w, 800), MAX (h, 600));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      bl_backprop_page_set_settings (self->backprop_page, settings);
    }
  bl_mnist_page_set_settings (self->mnist_page, settings);
  {
    GAction *projector = app ? g_action_map_lookup_action (G_ACTION_MAP (app), "projector-mode")
                             : NULL;
    if (projector)
      {
        g_signal_connect_object (projector, "notify::state", G_CALLBACK (projector_state_cb),
                                 self, 0);
        projector_state_cb (projector, NULL, self);
      }
  }
  return self;
}

GtkWidget *
bl_window_get_mnist_page (BlWindow *self)
{
  g_return_val_if_fail (BL_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->mnist_page);
}

BlBackpropPage *
bl_window_get_backprop_page (BlWindow *self)
{
  g_return_val_if_fail (BL_IS_WINDOW (self), NULL);
  return self->backprop_page;
}
