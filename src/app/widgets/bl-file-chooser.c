/* bl-file-chooser.c: see bl-file-chooser.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-file-chooser.h"

typedef struct {
  GtkWidget        *owner;
  BlFileChosenFunc  chosen;
  BlFilesChosenFunc chosen_many;
  gpointer          data;
} Request;

static void
response_cb (GtkNativeDialog *dialog, int response, Request *request)
{
  if (response == GTK_RESPONSE_ACCEPT && request->chosen_many)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          char *path = g_file_get_path (file);
          if (path)
            g_ptr_array_add (paths, path);
        }
      request->chosen_many (request->owner, paths, request->data);
      g_ptr_array_unref (paths);
    }
  else if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;
      request->chosen (request->owner, path, request->data);
    }
  g_object_unref (request->owner);
  g_free (request);
  g_object_unref (dialog);
}

/* The dialog, its filters and its request, not shown yet. */
static GtkFileChooserNative *
make_dialog (GtkWidget *owner, GtkFileChooserAction action, const char *title,
             const char *accept_label, const char *current_name, const char *filter_name,
             const char *const *patterns, gboolean many, BlFileChosenFunc chosen,
             BlFilesChosenFunc chosen_many, gpointer data)
{
  GtkRoot *root = gtk_widget_get_root (owner);
  GtkFileChooserNative *dialog;
  Request *request;

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
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (dialog), many);
  request = g_new0 (Request, 1);
  request->owner = g_object_ref (owner);
  request->chosen = chosen;
  request->chosen_many = chosen_many;
  request->data = data;
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), request);
  return dialog;
}

GtkFileChooserNative *
bl_choose_file (GtkWidget *owner, GtkFileChooserAction action, const char *title,
                const char *accept_label, const char *current_name, const char *filter_name,
                const char *const *patterns, BlFileChosenFunc chosen, gpointer data)
{
  GtkFileChooserNative *dialog;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (chosen != NULL, NULL);
  dialog = make_dialog (owner, action, title, accept_label, current_name, filter_name, patterns,
                        FALSE, chosen, NULL, data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  return dialog;
}

GtkFileChooserNative *
bl_choose_files (GtkWidget *owner, const char *title, const char *filter_name,
                 const char *const *patterns, BlFilesChosenFunc chosen, gpointer data)
{
  GtkFileChooserNative *dialog;

  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);
  g_return_val_if_fail (chosen != NULL, NULL);
  dialog = make_dialog (owner, GTK_FILE_CHOOSER_ACTION_OPEN, title, NULL, NULL, filter_name,
                        patterns, TRUE, NULL, chosen, data);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
  return dialog;
}
