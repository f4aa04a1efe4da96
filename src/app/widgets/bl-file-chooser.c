/* bl-file-chooser.c: see bl-file-chooser.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-file-chooser.h"

typedef struct {
  GtkWidget       *owner;
  BlFileChosenFunc chosen;
  gpointer         data;
} Request;

static void
response_cb (GtkNativeDialog *dialog, int response, Request *request)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      request->chosen (request->owner, path, request->data);
    }
  g_object_unref (request->owner);
  g_free (request);
  g_object_unref (dialog);
}

GtkFileChooserNative *
bl_choose_file (GtkWidget *owner, GtkFileChooserAction action, const char *title,
                const char *accept_label, const char *current_name, const char *filter_name,
                const char *const *patterns, BlFileChosenFunc chosen, gpointer data)
{
  GtkRoot *root;
  GtkFileChooserNative *dialog;
  Request *request;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (chosen != NULL, NULL);
  root = gtk_widget_get_root (owner);
  dialog = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        action, accept_label, NULL);
  if (current_name)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), current_name);
  if (patterns && patterns[0])
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, filter_name ? filter_name : patterns[0]);
      for (guint i = 0; patterns[i]; i++)
        gtk_file_filter_add_pattern (filter, patterns[i]);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
      g_object_unref (filter);
      /* Opening, a file named otherwise (model.ckpt, a log without .jsonl) is one choice
       * away. */
      if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
        {
          filter = gtk_file_filter_new ();
          gtk_file_filter_set_name (filter, _("All files"));
          gtk_file_filter_add_pattern (filter, "*");
          gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
          g_object_unref (filter);
        }
    }
  request = g_new0 (Request, 1);
  request->owner = g_object_ref (owner);
  request->chosen = chosen;
  request->data = data;
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  return dialog;
}
