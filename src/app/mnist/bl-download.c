/* bl-download.c: see bl-download.h. */
#include "config.h"

#include <glib/gi18n.h>

#include "bl-data-dir.h"
#include "mnist/bl-download.h"
#include "bl-fetch.h"

/* bl_download_set_manifest's, copied into each job as it starts. */
static BlManifest override;
static gboolean   overridden;

typedef struct {
  BlManifest             manifest;
  GStrv                  mirrors;
  char                  *dir;
  BlDownloadProgressFunc progress;
  gpointer               progress_data;
  GMainContext          *main_context;
  gint64                 last_post;       /* the worker's clock: at most ~20 posts a second */
} Job;

typedef struct {
  BlDownloadProgressFunc progress;
  gpointer               progress_data;
  double                 fraction;
  char                  *text;
} Post;

static void
job_free (Job *job)
{
  g_strfreev (job->mirrors);
  g_free (job->dir);
  g_main_context_unref (job->main_context);
  g_free (job);
}

static gboolean
post_on_main (gpointer data)
{
  Post *post = data;
  post->progress (post->fraction, post->text, post->progress_data);
  g_object_unref (post->progress_data);
  g_free (post->text);
  g_free (post);
  return G_SOURCE_REMOVE;
}

/* On the fetching thread: a sentence for the page, posted to the main thread. */
static void
on_progress (const BlFetchProgress *p, gpointer data)
{
  Job *job = data;
  gint64 now = g_get_monotonic_time ();
  double part = p->bytes_total ? (double) p->bytes_done / p->bytes_total : 0;
  Post *post;

  if (p->phase == BL_FETCH_DOWNLOADING && now - job->last_post < 50000 &&
      p->bytes_done != p->bytes_total)
    return;
  job->last_post = now;
  post = g_new0 (Post, 1);
  post->progress = job->progress;
  post->progress_data = g_object_ref (job->progress_data);
  post->fraction = MIN (1.0, (p->n_ready + (p->phase == BL_FETCH_DOWNLOADING ? part : 0)) /
                               NN_N_FILES);
  switch (p->phase)
    {
    case BL_FETCH_CHECKING:
      post->text = g_strdup_printf (_("Checking %s…"), nn_dataset_file_name (p->file));
      break;
    case BL_FETCH_PRESENT:
    case BL_FETCH_INSTALLED:
      post->text = g_strdup_printf (_("%u of 4 files ready"), p->n_ready);
      break;
    case BL_FETCH_DOWNLOADING:
      post->text = g_strdup_printf (_("Downloading %s: %.1f of %.1f MB"),
                                    nn_dataset_file_name (p->file), p->bytes_done / 1e6,
                                    p->bytes_total / 1e6);
      break;
    case BL_FETCH_MIRROR_FAILED:
    default:
      post->text = g_strdup_printf (_("%s failed (%s); trying the next mirror"), p->url,
                                    p->error ? p->error->message : "?");
      break;
    }
  g_main_context_invoke (job->main_context, post_on_main, post);
}

static void
fetch_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  BlFetchOptions options = { (const char *const *) job->mirrors, 0, on_progress, job,
                             &job->manifest };
  GError *error = NULL;

  if (bl_fetch_mnist (job->dir, &options, cancellable, &error))
    g_task_return_pointer (task, g_strdup (job->dir), g_free);
  else
    g_task_return_error (task, error);
}

void
bl_download_mnist_async (const char *const *mirrors, GCancellable *cancellable,
                         BlDownloadProgressFunc progress, gpointer progress_data,
                         GAsyncReadyCallback done, gpointer done_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, done, done_data);
  Job *job = g_new0 (Job, 1);

  job->manifest = overridden ? override : *bl_manifest_mnist ();
  job->mirrors = mirrors && mirrors[0] ? g_strdupv ((char **) mirrors) : NULL;
  job->dir = bl_data_user_dir ();
  job->progress = progress;
  job->progress_data = progress_data;
  job->main_context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, fetch_thread);
}

void
bl_download_set_manifest (const BlManifest *manifest)
{
  overridden = manifest != NULL;
  if (manifest)
    override = *manifest;
}

char *
bl_download_mnist_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
