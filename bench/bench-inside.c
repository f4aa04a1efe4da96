/* bench-inside: what the Inside view costs the training, as a ratio in one run.
 *
 *   bench-inside --data DIR [--repeat 5] [--train 12800] [--epochs 2] [--threads 2]
 *
 * Alternates two runs of the same recipe, --repeat times each, and prints the medians of their
 * wall times and their ratio:
 *   none:  the trainer alone (the per-layer norms are always in the batch reports);
 *   views: the strip answered 8 times an epoch (what BlTrainingRun asks for) and, after each
 *          epoch, what the Inside view does with the new network on a thread of its own: one
 *          image captured, its input gradient and the 81-image occlusion map.
 * Then the per-layer norms alone (the copy of the parameters and the three sums) against one
 * training step. The window's drawing is the responsiveness test's (test-mnist-page). Budget
 * (issue 11): views ≤ 1.05 × none. The machine is shared: medians, and run it when quiet. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nn-inspect.h"
#include "nn-sgd.h"
#include "nn-trainer.h"

typedef struct {
  GBytes  *state;
  float    x[NN_IMAGE_SIZE];
} ViewJob;

static gpointer
view_thread (gpointer data)
{
  ViewJob *job = data;
  NnModel *m = nn_model_new (1, 81, 1, NULL);
  float grad[NN_IMAGE_SIZE], drop[NN_IMAGE_SIZE];
  NnCapture *cap;

  nn_model_set_state (m, job->state, NULL);
  cap = nn_inspect_capture (m, job->x);
  nn_inspect_input_gradient (m, cap, cap->predicted, grad);
  nn_inspect_occlusion (m, job->x, cap->predicted, 6, 3, drop);
  nn_capture_free (cap);
  nn_model_free (m);
  g_bytes_unref (job->state);
  g_free (job);
  return NULL;
}

typedef struct {
  const NnDataset *data;
  GPtrArray       *threads;
} Views;

static void
on_epoch (const NnEpochReport *r, gpointer data)
{
  Views *v = data;
  ViewJob *job = g_new0 (ViewJob, 1);
  guint32 first = 0;
  guint8 y;

  if (v->threads == NULL)
    return;
  job->state = nn_model_get_state (r->model);
  nn_split_fill_batch (&v->data->test, &first, 1, job->x, &y, NULL);
  g_ptr_array_add (v->threads, g_thread_new ("view", view_thread, job));
}

static double
one_run (const NnRecipe *r, NnDataset *data, gboolean views)
{
  g_autoptr(GError) error = NULL;
  NnTrainer *t = nn_trainer_new (r, data, &error);
  Views v = { data, views ? g_ptr_array_new () : NULL };
  gint64 start;
  double s;

  if (t == NULL)
    g_error ("%s", error->message);
  if (views)
    nn_trainer_set_strip (t, 8);
  start = g_get_monotonic_time ();
  if (!nn_trainer_run (t, NULL, on_epoch, &v, NULL, &error))
    g_error ("%s", error->message);
  if (v.threads)
    {
      for (guint i = 0; i < v.threads->len; i++)
        g_thread_join (v.threads->pdata[i]);
      g_ptr_array_free (v.threads, TRUE);
    }
  s = (g_get_monotonic_time () - start) / 1e6;
  nn_trainer_free (t);
  return s;
}

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  gint repeat = 5, train = 12800, epochs = 2, threads = 2;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &dir, "MNIST's four IDX files", "DIR" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Runs of each kind", "N" },
    { "train", 0, 0, G_OPTION_ARG_INT, &train, "Training images per epoch", "N" },
    { "epochs", 'e', 0, G_OPTION_ARG_INT, &epochs, "Epochs per run", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Training threads", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- the Inside view's cost to training");
  g_autoptr(GError) error = NULL;
  NnDataset *data;
  NnRecipe r;
  double *none, *views, norms_s, step_s;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || dir == NULL || repeat < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "usage: bench-inside --data DIR");
      return 2;
    }
  data = nn_dataset_load (dir, &error);
  if (data == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  nn_recipe_init_default (&r);
  r.epochs = epochs;
  r.train_subset = train;
  r.test_subset = 2000;
  r.threads = threads;
  none = g_new (double, repeat);
  views = g_new (double, repeat);
  for (int i = 0; i < repeat; i++)
    {
      /* Alternate which goes first: drift on a shared machine falls on both. */
      if (i % 2)
        {
          views[i] = one_run (&r, data, TRUE);
          none[i] = one_run (&r, data, FALSE);
        }
      else
        {
          none[i] = one_run (&r, data, FALSE);
          views[i] = one_run (&r, data, TRUE);
        }
      printf ("run %d: none %.2f s, views %.2f s\n", i + 1, none[i], views[i]);
      fflush (stdout);
    }

  /* The norms alone against one step (batch 128). */
  {
    NnModel *m = nn_model_new (1, r.batch, threads, NULL);
    float *x = g_new0 (float, (gsize) r.batch * NN_IMAGE_SIZE);
    guint8 *y = g_new0 (guint8, r.batch);
    gsize n = nn_model_n_params (m);
    float *before = g_new (float, n), gn[NN_INSPECT_MAX_PARAM_LAYERS],
          ur[NN_INSPECT_MAX_PARAM_LAYERS];
    gint64 t0 = g_get_monotonic_time ();
    for (int i = 0; i < 20; i++)
      nn_model_train_step (m, x, y, r.batch, i, NULL, NULL, NULL);
    step_s = (g_get_monotonic_time () - t0) / 1e6 / 20;
    t0 = g_get_monotonic_time ();
    for (int i = 0; i < 2000; i++)
      {
        memcpy (before, nn_model_params (m), sizeof (float) * n);
        nn_inspect_layer_norms (m, before, nn_model_grads (m), gn, ur);
      }
    norms_s = (g_get_monotonic_time () - t0) / 1e6 / 2000;
    nn_model_free (m);
    g_free (x); g_free (y); g_free (before);
  }
  {
    double a = median (none, repeat), b = median (views, repeat);
    printf ("median of %d: none %.2f s, views %.2f s: views / none = %.3f (budget 1.05)\n",
            repeat, a, b, b / a);
    printf ("per-layer norms: %.1f µs per batch, %.4f of a training step (%.1f ms)\n",
            norms_s * 1e6, norms_s / step_s, step_s * 1e3);
  }
  g_free (none);
  g_free (views);
  nn_dataset_unref (data);
  return 0;
}
