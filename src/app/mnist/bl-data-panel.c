/* bl-data-panel.c: see bl-data-panel.h.
 *
 * Reading a folder (decompressing and hashing 55 MB, about a second) runs on a GTask thread
 * whose task data owns a copy of the folder's name; the download runs in bl-download.c. Both
 * report back here on the main thread. Button states are set in one place:
 * update_actions (). */
#include "config.h"

#include <glib/gi18n.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "bl-data-dir.h"
#include "bl-format.h"
#include "mnist/bl-download.h"
#include "mnist/bl-data-panel.h"
#include "widgets/bl-file-chooser.h"

G_DEFINE_BOXED_TYPE (NnDataset, bl_dataset, nn_dataset_ref, nn_dataset_unref)

struct _BlDataPanel {
  GtkWidget       parent_instance;

  GtkLabel       *data_label;
  GtkButton      *cancel_download_button;
  GtkProgressBar *download_progress;

  GSettings      *settings;
  NnDataset      *dataset;
  GCancellable   *load_cancellable;      /* reading a folder */
  GCancellable   *download_cancellable;  /* downloading */
  gboolean        locked;
  gboolean        searched;              /* looked for data once already */
};

G_DEFINE_FINAL_TYPE (BlDataPanel, bl_data_panel, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_DATASET, PROP_LOCKED, PROP_BUSY, N_PROPS };
static GParamSpec *props[N_PROPS];

static void
set_text (BlDataPanel *self, const char *text, const char *details)
{
  gtk_label_set_text (self->data_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->data_label), details);
}

gboolean
bl_data_panel_get_busy (BlDataPanel *self)
{
  g_return_val_if_fail (BL_IS_DATA_PANEL (self), FALSE);
  return self->load_cancellable != NULL || self->download_cancellable != NULL;
}

/* The one place the buttons' states are decided. */
static void
update_actions (BlDataPanel *self)
{
  gboolean downloading = self->download_cancellable != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.download",
                                 !self->locked && !downloading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.choose-folder",
                                 !self->locked && !downloading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "data.cancel-download", downloading);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_download_button), downloading);
  gtk_widget_set_visible (GTK_WIDGET (self->download_progress), downloading);
}

/* ------------------------------------------------------------------------------------------
 * Reading a folder
 */

static void
load_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  NnDataset *set;

#ifdef __linux__
  /* Reading a set found at startup must not hold the window back: the main thread (and the
   * display server) go first on a two-core laptop. Put back afterwards where the system lets
   * us (an unprivileged process may not raise it again; the pool only runs background work). */
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int before = getpriority (PRIO_PROCESS, (id_t) tid);
  setpriority (PRIO_PROCESS, (id_t) tid, 10);
#endif
  set = nn_dataset_load (task_data, &error);
#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) tid, before);
#endif

  if (set)
    g_task_return_pointer (task, set, (GDestroyNotify) nn_dataset_unref);
  else
    g_task_return_error (task, error);
}

static void
load_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BlDataPanel *self = BL_DATA_PANEL (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(NnDataset) set = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *text = NULL, *name = NULL, *path = NULL, *train = NULL, *test = NULL;
  gboolean mnist;

  if (g_task_get_cancellable (G_TASK (result)) != self->load_cancellable)
    return;   /* a newer load took its place */
  g_clear_object (&self->load_cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
  if (set == NULL)
    {
      text = g_strdup_printf (_("No usable data: %s\nChoose a folder with the four IDX files."),
                              error->message);
      set_text (self, text, NULL);
      return;
    }
  g_clear_pointer (&self->dataset, nn_dataset_unref);
  self->dataset = g_steal_pointer (&set);
  mnist = nn_dataset_verify_mnist (self->dataset, NULL);
  /* The folder by its name; where it is, in the tooltip (a projected path says nothing to a
   * class and shows the teacher's machine). */
  name = g_filename_display_basename (self->dataset->dir);
  path = g_filename_display_name (self->dataset->dir);
  train = bl_format_count (self->dataset->train.n);
  test = bl_format_count (self->dataset->test.n);
  text = g_strdup_printf (_("%s: %s training and %s test images%s"), name, train, test,
                          mnist ? _(" (MNIST, verified by SHA-256)") : "");
  set_text (self, text, path);
  if (self->settings)
    g_settings_set_string (self->settings, "data-folder", self->dataset->dir);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DATASET]);
}

void
bl_data_panel_load (BlDataPanel *self, const char *dir)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *name = NULL, *text = NULL;

  g_return_if_fail (BL_IS_DATA_PANEL (self));
  g_return_if_fail (dir != NULL);
  if (self->locked)
    return;   /* the actions are off; a caller in code gets nothing either */
  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  name = g_filename_display_name (dir);
  text = g_strdup_printf (_("Reading %s…"), name);
  set_text (self, text, NULL);
  task = g_task_new (self, self->load_cancellable, load_done, NULL);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_thread);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
}

/* Where a data set may already be: the remembered folder, then the usual places. */
static void
find_data (BlDataPanel *self)
{
  g_autofree char *remembered = self->settings
                                ? g_settings_get_string (self->settings, "data-folder") : NULL;
  g_auto(GStrv) dirs = bl_data_search_dirs ();

  self->searched = TRUE;
  if (remembered && *remembered && g_file_test (remembered, G_FILE_TEST_IS_DIR))
    {
      bl_data_panel_load (self, remembered);
      return;
    }
  for (guint i = 0; dirs[i]; i++)
    if (g_file_test (dirs[i], G_FILE_TEST_IS_DIR))
      {
        bl_data_panel_load (self, dirs[i]);
        return;
      }
  set_text (self, _("No data set yet. Download MNIST (about 11 MB, checked file by file), or "
                    "choose a folder with the four IDX files (train-images-idx3-ubyte, "
                    "train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; "
                    "raw or .gz)."), NULL);
}

static void
folder_chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlDataPanel *self = BL_DATA_PANEL (owner);

  if (path)
    bl_data_panel_load (self, path);
  else
    set_text (self, _("Choose a local folder."), NULL);
}

static void
action_choose_folder (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_choose_file (widget, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                  _("Choose a folder with IDX files"), _("_Use"), NULL, NULL, NULL,
                  folder_chosen_cb, NULL);
}

/* ------------------------------------------------------------------------------------------
 * Downloading
 */

static void
download_progress_cb (double fraction, const char *text, gpointer data)
{
  BlDataPanel *self = data;

  if (self->download_cancellable == NULL)
    return;   /* a report that arrived after the end */
  gtk_progress_bar_set_fraction (self->download_progress, fraction);
  gtk_progress_bar_set_text (self->download_progress, text);
}

static void
download_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  BlDataPanel *self = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = bl_download_mnist_finish (result, &error);

  g_clear_object (&self->download_cancellable);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
  if (dir)
    bl_data_panel_load (self, dir);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_text (self, _("Download cancelled; nothing was left half-written."), NULL);
  else
    /* Every mirror's failure, in full, is in the tooltip: the class needs the way forward. */
    set_text (self, _("The download failed and nothing half-written was kept. Check the "
                      "network or the mirrors in Preferences, or use a folder that already "
                      "holds the four files."), error->message);
  g_object_unref (self);
}

void
bl_data_panel_download (BlDataPanel *self)
{
  g_auto(GStrv) mirrors = NULL;

  g_return_if_fail (BL_IS_DATA_PANEL (self));
  if (self->download_cancellable || self->locked)
    return;
  if (self->settings)
    mirrors = g_settings_get_strv (self->settings, "download-mirrors");
  self->download_cancellable = g_cancellable_new ();
  set_text (self, _("Downloading MNIST…"), NULL);
  gtk_progress_bar_set_fraction (self->download_progress, 0);
  gtk_progress_bar_set_text (self->download_progress, _("Starting…"));
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_BUSY]);
  bl_download_mnist_async ((const char *const *) mirrors, self->download_cancellable,
                           download_progress_cb, self, download_done_cb, g_object_ref (self));
}

void
bl_data_panel_cancel_download (BlDataPanel *self)
{
  g_return_if_fail (BL_IS_DATA_PANEL (self));
  if (self->download_cancellable)
    g_cancellable_cancel (self->download_cancellable);
}

static void
action_download (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_data_panel_download (BL_DATA_PANEL (widget));
}

static void
action_cancel_download (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_data_panel_cancel_download (BL_DATA_PANEL (widget));
}

/* ------------------------------------------------------------------------------------------ */

NnDataset *
bl_data_panel_get_dataset (BlDataPanel *self)
{
  g_return_val_if_fail (BL_IS_DATA_PANEL (self), NULL);
  return self->dataset;
}

const char *
bl_data_panel_get_text (BlDataPanel *self)
{
  g_return_val_if_fail (BL_IS_DATA_PANEL (self), NULL);
  return gtk_label_get_text (self->data_label);
}

void
bl_data_panel_set_locked (BlDataPanel *self, gboolean locked)
{
  g_return_if_fail (BL_IS_DATA_PANEL (self));
  locked = !!locked;
  if (self->locked == locked)
    return;
  self->locked = locked;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LOCKED]);
}

gboolean
bl_data_panel_get_locked (BlDataPanel *self)
{
  g_return_val_if_fail (BL_IS_DATA_PANEL (self), FALSE);
  return self->locked;
}

void
bl_data_panel_set_settings (BlDataPanel *self, GSettings *settings)
{
  g_return_if_fail (BL_IS_DATA_PANEL (self));
  g_set_object (&self->settings, settings);
  if (self->dataset == NULL && self->load_cancellable == NULL)
    find_data (self);
}

GtkWidget *
bl_data_panel_new (void)
{
  return g_object_new (BL_TYPE_DATA_PANEL, NULL);
}

static void
bl_data_panel_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BlDataPanel *self = BL_DATA_PANEL (object);

  switch (id)
    {
    case PROP_DATASET: g_value_set_boxed (value, self->dataset); break;
    case PROP_LOCKED: g_value_set_boolean (value, self->locked); break;
    case PROP_BUSY: g_value_set_boolean (value, bl_data_panel_get_busy (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
bl_data_panel_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  switch (id)
    {
    case PROP_LOCKED: bl_data_panel_set_locked (BL_DATA_PANEL (object), g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
bl_data_panel_dispose (GObject *object)
{
  BlDataPanel *self = BL_DATA_PANEL (object);

  if (self->load_cancellable)
    g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->download_cancellable)
    g_cancellable_cancel (self->download_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_DATA_PANEL);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (bl_data_panel_parent_class)->dispose (object);
}

static void
bl_data_panel_finalize (GObject *object)
{
  g_clear_pointer (&BL_DATA_PANEL (object)->dataset, nn_dataset_unref);
  G_OBJECT_CLASS (bl_data_panel_parent_class)->finalize (object);
}

static void
bl_data_panel_class_init (BlDataPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_data_panel_get_property;
  object_class->set_property = bl_data_panel_set_property;
  object_class->dispose = bl_data_panel_dispose;
  object_class->finalize = bl_data_panel_finalize;
  props[PROP_DATASET] = g_param_spec_boxed ("dataset", NULL, NULL, BL_TYPE_DATASET,
                                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                            G_PARAM_STATIC_STRINGS);
  props[PROP_LOCKED] = g_param_spec_boolean ("locked", NULL, NULL, FALSE,
                                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                             G_PARAM_STATIC_STRINGS);
  props[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                           G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-data-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BlDataPanel, data_label);
  gtk_widget_class_bind_template_child (widget_class, BlDataPanel, cancel_download_button);
  gtk_widget_class_bind_template_child (widget_class, BlDataPanel, download_progress);
  gtk_widget_class_install_action (widget_class, "data.download", NULL, action_download);
  gtk_widget_class_install_action (widget_class, "data.cancel-download", NULL,
                                   action_cancel_download);
  gtk_widget_class_install_action (widget_class, "data.choose-folder", NULL,
                                   action_choose_folder);
  gtk_widget_class_set_css_name (widget_class, "datapanel");
}

static void
bl_data_panel_init (BlDataPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}
