/* bl-backprop-export.c: see bl-backprop-export.h. */
#include "config.h"

#include <glib/gstdio.h>

#include "backprop/bl-backprop-export.h"
#include "core/bl-toy-csv.h"
#include "export/bl-toy-xlsx.h"
#include "widgets/bl-png.h"

typedef struct {
  BlBackpropExportKind     kind;
  char                    *path;
  BlToyParams              params;
  double                  *lrs;
  guint                    n_lrs;
  guint                    iterations;
  cairo_surface_t         *surface;       /* PNG jobs */
  /* Progress: the worker stores it; one idle at a time takes it to the main context. */
  BlBackpropExportProgress progress;
  GWeakRef                 target;
  GMainContext            *context;
  gint                     permille;      /* atomic; < 0: unknown */
  gint                     idle_pending;  /* atomic */
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->path);
  g_free (job->lrs);
  g_clear_pointer (&job->surface, cairo_surface_destroy);
  g_weak_ref_clear (&job->target);
  g_main_context_unref (job->context);
  g_free (job);
}

static gboolean
progress_on_main (gpointer data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  g_autoptr(GObject) target = NULL;
  int permille;

  g_atomic_int_set (&job->idle_pending, 0);
  permille = g_atomic_int_get (&job->permille);
  target = g_weak_ref_get (&job->target);
  if (target && job->progress && !g_task_get_completed (task))
    job->progress (target, permille < 0 ? -1 : permille / 1000.0);
  return G_SOURCE_REMOVE;
}

/* On the worker: remember how far it is; wake the main context unless a wake-up is pending. */
static void
report (GTask *task, double fraction)
{
  Job *job = g_task_get_task_data (task);

  g_atomic_int_set (&job->permille, fraction < 0 ? -1 : (int) (CLAMP (fraction, 0, 1) * 1000));
  if (job->progress && g_atomic_int_compare_and_exchange (&job->idle_pending, 0, 1))
    g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, progress_on_main,
                                g_object_ref (task), g_object_unref);
}

static void
xlsx_progress (double fraction, gpointer task)
{
  /* The runs took the first tenth. */
  report (task, 0.1 + 0.9 * fraction);
}

static guint64
file_size (const char *path)
{
  GStatBuf st;
  return g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
}

static void
ledger_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) bl_toy_run_free);
  GError *error = NULL;
  gboolean ok;

  for (guint i = 0; i < job->n_lrs; i++)
    {
      BlToyRun *run = bl_toy_run_new (&job->params, job->lrs[i]);
      bl_toy_run_compute (run, job->iterations);
      g_ptr_array_add (runs, run);
      if (g_task_return_error_if_cancelled (task))
        return;
      report (task, job->kind == BL_BACKPROP_EXPORT_XLSX ? 0.1 * (i + 1) / job->n_lrs : -1);
    }
  if (job->kind == BL_BACKPROP_EXPORT_XLSX)
    ok = bl_toy_xlsx_save_full (job->path, (BlToyRun *const *) runs->pdata, runs->len,
                                xlsx_progress, task, cancellable, &error);
  else
    ok = bl_toy_ledger_save (job->path, BL_TOY_FORMAT_CSV, (BlToyRun *const *) runs->pdata,
                             runs->len, &error);
  if (ok)
    g_task_return_int (task, (gssize) file_size (job->path));
  else
    g_task_return_error (task, error);
}

static GTask *
job_task_new (Job *job, const char *path, GCancellable *cancellable, GAsyncReadyCallback done,
              gpointer done_data)
{
  /* No source object: nothing of the page is handed to the worker. */
  GTask *task = g_task_new (NULL, cancellable, done, done_data);

  job->path = g_strdup (path);
  job->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&job->target, NULL);
  g_task_set_source_tag (task, bl_backprop_export_finish);
  g_task_set_task_data (task, job, job_free);
  return task;
}

void
bl_backprop_export_ledger_async (BlBackpropExportKind kind, const char *path,
                                 const BlToyParams *params, const double *lrs, guint n_lrs,
                                 guint iterations, GCancellable *cancellable,
                                 BlBackpropExportProgress progress, GObject *target,
                                 GAsyncReadyCallback done, gpointer done_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL && params != NULL && lrs != NULL && n_lrs > 0);
  job->kind = kind;
  job->params = *params;
  job->lrs = g_memdup2 (lrs, n_lrs * sizeof (double));
  job->n_lrs = n_lrs;
  job->iterations = iterations;
  job->progress = progress;
  job->permille = -1;
  task = job_task_new (job, path, cancellable, done, done_data);
  g_weak_ref_set (&job->target, target);
  g_task_run_in_thread (task, ledger_thread);
}

static void
png_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (bl_write_png (job->surface, job->path, &error))
    g_task_return_int (task, (gssize) file_size (job->path));
  else
    g_task_return_error (task, error);
}

void
bl_backprop_export_png_async (cairo_surface_t *surface, const char *path,
                              GCancellable *cancellable, GAsyncReadyCallback done,
                              gpointer done_data)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (surface != NULL && path != NULL);
  job->surface = cairo_surface_reference (surface);
  task = job_task_new (job, path, cancellable, done, done_data);
  g_task_run_in_thread (task, png_thread);
}

guint64
bl_backprop_export_finish (GAsyncResult *result, GError **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  n = g_task_propagate_int (G_TASK (result), error);
  return n < 0 ? 0 : (guint64) n;
}
