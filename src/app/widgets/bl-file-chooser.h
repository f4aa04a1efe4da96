/* bl-file-chooser.h: the app's one way to ask for a file or a folder. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Called once the user accepted: @path is the local path, or NULL for a file that is not
 * local (the caller says so in its own place). */
typedef void (*BlFileChosenFunc) (GtkWidget *owner, const char *path, gpointer data);

/* A modal native dialog over @owner's window, shown; returned for tests (it frees itself when
 * answered). @current_name is the suggested name when saving (or NULL); @filter_name and the
 * NULL-terminated @patterns make one filter (or NULL). @owner is kept alive until the dialog
 * answers; @chosen is not called on cancel. */
GtkFileChooserNative *
     bl_choose_file (GtkWidget            *owner,
                     GtkFileChooserAction  action,
                     const char           *title,
                     const char           *accept_label,
                     const char           *current_name,
                     const char           *filter_name,
                     const char *const    *patterns,
                     BlFileChosenFunc      chosen,
                     gpointer              data);

/* Opening several files at once: @chosen gets the local paths (char *, non-local files left
 * out; the array is the callback's to keep or drop). */
typedef void (*BlFilesChosenFunc) (GtkWidget *owner, GPtrArray *paths, gpointer data);

GtkFileChooserNative *
     bl_choose_files (GtkWidget         *owner,
                      const char        *title,
                      const char        *filter_name,
                      const char *const *patterns,
                      BlFilesChosenFunc  chosen,
                      gpointer           data);

G_END_DECLS
