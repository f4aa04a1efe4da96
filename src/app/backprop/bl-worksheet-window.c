/* bl-worksheet-window.c: see bl-worksheet-window.h. The PDF is drawn by cairo in a job on
 * GLib's thread pool that owns a copy of the network, the rate, the paper and the path. */
#include "config.h"

#include <glib/gi18n.h>

#include "backprop/bl-worksheet-window.h"
#include "widgets/bl-file-chooser.h"

struct _BlWorksheetWindow {
  GtkWindow      parent_instance;

  GtkLabel      *intro_label;
  GtkDropDown   *paper_dropdown;
  GtkDropDown   *rate_dropdown;
  GtkLabel      *notice_label;

  BlToolNetwork  net;
  guint          n_busy;
  char          *error;
  GCancellable  *cancellable;
};

G_DEFINE_FINAL_TYPE (BlWorksheetWindow, bl_worksheet_window, GTK_TYPE_WINDOW)

typedef struct {
  char        *path;
  BlToyParams  params;
  double       lr;
  BlToyPaper   paper;
  guint        n_pages, key_page;
} WorksheetJob;

static void
worksheet_job_free (gpointer p)
{
  WorksheetJob *job = p;
  g_free (job->path);
  g_free (job);
}

static void
worksheet_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  WorksheetJob *job = task_data;
  GError *error = NULL;

  if (bl_toy_worksheet_save_pdf (job->path, &job->params, job->lr, job->paper, &job->n_pages,
                                 &job->key_page, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
update_busy (BlWorksheetWindow *self)
{
  if (self->n_busy > 0)
    {
      gtk_label_set_text (self->notice_label, _("Writing the worksheet…"));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->notice_label), NULL);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->notice_label), self->n_busy > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "worksheet.save", self->n_busy == 0);
}

static void
worksheet_done (GObject *source, GAsyncResult *result, gpointer data)
{
  BlWorksheetWindow *self = BL_WORKSHEET_WINDOW (source);
  WorksheetJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  self->n_busy--;
  if (g_cancellable_is_cancelled (self->cancellable))
    return;
  update_busy (self);
  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *name = g_filename_display_basename (job->path);
      g_autofree char *text = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "Saved “%s”: %u page, the answer key from page %u.",
                     "Saved “%s”: %u pages, the answer key from page %u.", job->n_pages),
        name, job->n_pages, job->key_page);
      g_clear_pointer (&self->error, g_free);
      gtk_label_set_text (self->notice_label, text);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->notice_label), job->path);
      gtk_widget_set_visible (GTK_WIDGET (self->notice_label), TRUE);
    }
  else
    {
      g_free (self->error);
      self->error = g_strdup (error->message);
      bl_tool_window_show_error (GTK_WINDOW (self), _("Could not save the worksheet"),
                                 error->message);
    }
}

void
bl_worksheet_window_save_to (BlWorksheetWindow *self, const char *path)
{
  WorksheetJob *job;
  g_autoptr(GTask) task = NULL;
  guint k = gtk_drop_down_get_selected (self->rate_dropdown);

  g_return_if_fail (BL_IS_WORKSHEET_WINDOW (self));
  job = g_new0 (WorksheetJob, 1);
  job->path = g_strdup (path);
  job->params = self->net.init;
  job->lr = k < self->net.n_rates ? self->net.rates[k] : 0.5;
  job->paper = gtk_drop_down_get_selected (self->paper_dropdown) == 1 ? BL_TOY_PAPER_LETTER
                                                                      : BL_TOY_PAPER_A4;
  task = g_task_new (self, NULL, worksheet_done, NULL);
  g_task_set_task_data (task, job, worksheet_job_free);
  self->n_busy++;
  update_busy (self);
  g_task_run_in_thread (task, worksheet_thread);
}

static void
chosen_cb (GtkWidget *owner, const char *path, gpointer data)
{
  BlWorksheetWindow *self = BL_WORKSHEET_WINDOW (owner);

  if (path == NULL)
    bl_tool_window_show_error (GTK_WINDOW (self), _("Could not save the worksheet"),
                               _("Choose a local file."));
  else
    bl_worksheet_window_save_to (self, path);
}

static void
action_save (GtkWidget *widget, const char *name, GVariant *param)
{
  static const char *const patterns[] = { "*.pdf", NULL };

  bl_choose_file (widget, GTK_FILE_CHOOSER_ACTION_SAVE, _("Save the Worksheet"), _("_Save"),
                  "backprop-worksheet.pdf", _("PDF documents"), patterns, chosen_cb, NULL);
}

static void
fill (BlWorksheetWindow *self)
{
  g_autoptr(GtkStringList) rates = gtk_string_list_new (NULL);
  g_autofree char *describe = bl_toy_params_describe (&self->net.init);
  g_autofree char *intro = NULL;
  guint pick = 0;

  for (guint i = 0; i < self->net.n_rates; i++)
    {
      g_autofree char *item = g_strdup_printf ("η = %g", self->net.rates[i]);
      gtk_string_list_append (rates, item);
      /* The worked example's rate, where the page has it. */
      if (self->net.rates[i] == 0.5)
        pick = i;
    }
  gtk_drop_down_set_model (self->rate_dropdown, G_LIST_MODEL (rates));
  gtk_drop_down_set_selected (self->rate_dropdown, pick);
  intro = g_strdup_printf (_("A worksheet for the network on the page, from its starting "
                             "values%s%s%s: the network drawn with its numbers, a box for every "
                             "step of the first forward pass, backward pass and update, each "
                             "with its formula, and the answer key on a page of its own."),
                           describe ? " (" : "", describe ? describe : "", describe ? ")" : "");
  gtk_label_set_text (self->intro_label, intro);
}

static void
bl_worksheet_window_dispose (GObject *object)
{
  BlWorksheetWindow *self = BL_WORKSHEET_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_WORKSHEET_WINDOW);
  G_OBJECT_CLASS (bl_worksheet_window_parent_class)->dispose (object);
}

static void
bl_worksheet_window_finalize (GObject *object)
{
  BlWorksheetWindow *self = BL_WORKSHEET_WINDOW (object);

  g_free (self->error);
  g_object_unref (self->cancellable);
  G_OBJECT_CLASS (bl_worksheet_window_parent_class)->finalize (object);
}

static void
bl_worksheet_window_class_init (BlWorksheetWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_worksheet_window_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_worksheet_window_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-worksheet-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BlWorksheetWindow, intro_label);
  gtk_widget_class_bind_template_child (widget_class, BlWorksheetWindow, paper_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlWorksheetWindow, rate_dropdown);
  gtk_widget_class_bind_template_child (widget_class, BlWorksheetWindow, notice_label);
  gtk_widget_class_install_action (widget_class, "worksheet.save", NULL, action_save);
}

static void
bl_worksheet_window_init (BlWorksheetWindow *self)
{
  const char *const *langs = g_get_language_names ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* Letter where it is the custom (the US and Canada), A4 elsewhere. */
  for (guint i = 0; langs[i]; i++)
    if (g_str_has_prefix (langs[i], "en_US") || g_str_has_prefix (langs[i], "en_CA"))
      {
        gtk_drop_down_set_selected (self->paper_dropdown, 1);
        break;
      }
}

BlWorksheetWindow *
bl_worksheet_window_new (GtkWindow *parent, const BlToolNetwork *net)
{
  BlWorksheetWindow *self = g_object_new (BL_TYPE_WORKSHEET_WINDOW, "transient-for", parent,
                                          NULL);
  BlToolNetwork fallback;

  if (net == NULL)
    {
      bl_tool_network_default (&fallback);
      net = &fallback;
    }
  bl_tool_window_follow_projector (GTK_WINDOW (self), parent, NULL);
  bl_worksheet_window_set_network (self, net);
  return self;
}

void
bl_worksheet_window_set_network (BlWorksheetWindow *self, const BlToolNetwork *net)
{
  g_return_if_fail (BL_IS_WORKSHEET_WINDOW (self));
  self->net = *net;
  fill (self);
}

void
bl_worksheet_window_set_paper (BlWorksheetWindow *self, BlToyPaper paper)
{
  gtk_drop_down_set_selected (self->paper_dropdown, paper == BL_TOY_PAPER_LETTER ? 1 : 0);
}

gboolean
bl_worksheet_window_is_busy (BlWorksheetWindow *self)
{
  return self->n_busy > 0;
}

const char *
bl_worksheet_window_get_notice (BlWorksheetWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->notice_label)) && self->n_busy == 0
           ? gtk_label_get_text (self->notice_label) : "";
}

const char *
bl_worksheet_window_get_error (BlWorksheetWindow *self)
{
  return self->error;
}
