/* bl-backprop-tools.c: see bl-backprop-tools.h. */
#include "config.h"

#include "backprop/bl-backprop-tools.h"
#include "backprop/bl-epsilon-window.h"
#include "backprop/bl-landscape-window.h"
#include "backprop/bl-sheet-check-window.h"
#include "backprop/bl-worksheet-window.h"
#include "bl-window.h"

typedef GtkWindow *(*ToolNew) (GtkWindow *parent, const BlToolNetwork *net);
typedef void (*ToolSetNetwork) (GtkWindow *tool, const BlToolNetwork *net);

/* A tool going (closed, or with its main window) is forgotten by the main window. By then it
 * is no one's transient any more: it names its owner itself, and the owner outlives it. */
static void
forget_tool (GtkWidget *tool, gpointer key)
{
  GObject *owner = g_object_get_data (G_OBJECT (tool), "bl-tool-owner");
  if (owner && g_object_get_data (owner, key) == tool)
    g_object_set_data (owner, key, NULL);
}

/* The window's one tool of this kind, made or brought up to date with the page, in front. */
static void
present_tool (GtkWidget *widget, const char *key, ToolNew make, ToolSetNetwork set_network)
{
  BlWindow *window = BL_WINDOW (widget);
  GtkWindow *tool = g_object_get_data (G_OBJECT (window), key);
  BlToolNetwork net;

  bl_tool_network_from_page (bl_window_get_backprop_page (window), &net);
  if (tool)
    set_network (tool, &net);
  else
    {
      tool = make (GTK_WINDOW (window), &net);
      g_object_set_data (G_OBJECT (window), key, tool);
      g_object_set_data (G_OBJECT (tool), "bl-tool-owner", window);
      g_signal_connect (tool, "destroy", G_CALLBACK (forget_tool), (gpointer) key);
    }
  gtk_window_present (tool);
}

static void
action_check_sheet (GtkWidget *widget, const char *name, GVariant *param)
{
  present_tool (widget, "bl-tool-check-sheet", (ToolNew) bl_sheet_check_window_new,
                (ToolSetNetwork) bl_sheet_check_window_set_network);
}

static void
action_epsilon (GtkWidget *widget, const char *name, GVariant *param)
{
  present_tool (widget, "bl-tool-epsilon", (ToolNew) bl_epsilon_window_new,
                (ToolSetNetwork) bl_epsilon_window_set_network);
}

static void
action_landscape (GtkWidget *widget, const char *name, GVariant *param)
{
  present_tool (widget, "bl-tool-landscape", (ToolNew) bl_landscape_window_new,
                (ToolSetNetwork) bl_landscape_window_set_network);
}

static void
action_worksheet (GtkWidget *widget, const char *name, GVariant *param)
{
  present_tool (widget, "bl-tool-worksheet", (ToolNew) bl_worksheet_window_new,
                (ToolSetNetwork) bl_worksheet_window_set_network);
}

void
bl_backprop_tools_install_actions (GtkWidgetClass *window_class)
{
  gtk_widget_class_install_action (window_class, "win.check-sheet", NULL, action_check_sheet);
  gtk_widget_class_install_action (window_class, "win.epsilon", NULL, action_epsilon);
  gtk_widget_class_install_action (window_class, "win.landscape", NULL, action_landscape);
  gtk_widget_class_install_action (window_class, "win.worksheet", NULL, action_worksheet);
}
