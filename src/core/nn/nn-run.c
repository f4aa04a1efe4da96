/* nn-run.c: see nn-run.h.
 *
 * The worker appends what the trainer reports to an ordered queue under the run's lock and
 * attaches one idle source to the owner's context if none is pending; the source drains the
 * whole queue in order. Consecutive batch reports share one queue item, so the owner gets
 * them as one array. The worker holds its own reference on the run until its last line. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "nn-error.h"
#include "nn-run.h"

typedef enum { ITEM_BATCHES, ITEM_EPOCH, ITEM_FINISHED } ItemKind;

typedef struct {
  ItemKind    kind;
  GArray     *batches;   /* ITEM_BATCHES: NnBatchReport */
  NnRunEpoch  epoch;     /* ITEM_EPOCH */
  GError     *error;     /* ITEM_FINISHED: NULL when every epoch ran */
} Item;

struct _NnRun {
  gatomicrefcount ref;
  NnRecipe        recipe;
  NnDataset      *data;
  guint           n_train, n_test;
  gboolean        lower_priority;
  guint           strip_per_epoch;

  /* The owner's side: set by nn_run_start, used on its context only. */
  GMainContext   *context;
  NnRunCallbacks  callbacks;
  gpointer        user_data;
  GDestroyNotify  destroy;
  gboolean        detached;

  GCancellable   *cancellable;

  GMutex          lock;       /* guards everything below */
  GCond           changed;    /* the thread has ended */
  NnRunState      state;
  gboolean        paused;
  NnTrainer      *trainer;    /* the worker's, while it trains */
  GQueue          queue;      /* Item*, oldest first */
  GSource        *dispatch;   /* pending on the owner's context, or NULL */
  GBytes         *final_state;
};

static void
item_free (Item *item)
{
  if (item->batches)
    g_array_unref (item->batches);
  g_clear_pointer (&item->epoch.test_probs, g_bytes_unref);
  g_clear_pointer (&item->epoch.state, g_bytes_unref);
  g_clear_error (&item->error);
  g_free (item);
}

NnRun *
nn_run_new (const NnRecipe *recipe, NnDataset *data, GError **error)
{
  NnRun *run;
  guint n_train;

  g_return_val_if_fail (recipe != NULL && data != NULL, NULL);
  if (!nn_recipe_validate (recipe, error))
    return NULL;
  n_train = recipe->train_subset ? MIN (recipe->train_subset, data->train.n) : data->train.n;
  if (n_train == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("There are no training images."));
      return NULL;
    }
  run = g_new0 (NnRun, 1);
  g_atomic_ref_count_init (&run->ref);
  run->recipe = *recipe;
  run->data = nn_dataset_ref (data);
  run->n_train = n_train;
  run->n_test = recipe->test_subset ? MIN (recipe->test_subset, data->test.n) : data->test.n;
  run->cancellable = g_cancellable_new ();
  run->state = NN_RUN_CREATED;
  g_mutex_init (&run->lock);
  g_cond_init (&run->changed);
  g_queue_init (&run->queue);
  return run;
}

NnRun *
nn_run_ref (NnRun *run)
{
  g_return_val_if_fail (run != NULL, NULL);
  g_atomic_ref_count_inc (&run->ref);
  return run;
}

void
nn_run_unref (NnRun *run)
{
  if (run == NULL || !g_atomic_ref_count_dec (&run->ref))
    return;
  /* The last reference: the thread (which holds one) has ended, and no dispatch (which holds
   * one too) is pending. */
  g_queue_clear_full (&run->queue, (GDestroyNotify) item_free);
  g_clear_pointer (&run->context, g_main_context_unref);
  g_clear_pointer (&run->final_state, g_bytes_unref);
  g_object_unref (run->cancellable);
  nn_dataset_unref (run->data);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->changed);
  g_free (run);
}

void
nn_run_set_strip (NnRun *run, guint per_epoch)
{
  g_return_if_fail (run != NULL && run->state == NN_RUN_CREATED);
  run->strip_per_epoch = per_epoch;
}

void
nn_run_set_lower_priority (NnRun *run, gboolean lower_priority)
{
  g_return_if_fail (run->state == NN_RUN_CREATED);
  run->lower_priority = lower_priority;
}

/* ------------------------------------------------------------------------------------------
 * The owner's side: one idle source drains the queue in order.
 */

static gboolean
dispatch_cb (gpointer data)
{
  NnRun *run = data;
  GQueue items = G_QUEUE_INIT;
  Item *item;

  g_mutex_lock (&run->lock);
  items = run->queue;
  g_queue_init (&run->queue);
  g_clear_pointer (&run->dispatch, g_source_unref);
  g_mutex_unlock (&run->lock);

  while ((item = g_queue_pop_head (&items)) != NULL)
    {
      if (!run->detached)
        switch (item->kind)
          {
          case ITEM_BATCHES:
            if (run->callbacks.batches)
              run->callbacks.batches (run, (const NnBatchReport *) item->batches->data,
                                      item->batches->len, run->user_data);
            break;
          case ITEM_EPOCH:
            if (run->callbacks.epoch)
              run->callbacks.epoch (run, &item->epoch, run->user_data);
            break;
          case ITEM_FINISHED:
            if (run->callbacks.finished)
              run->callbacks.finished (run, item->error, run->user_data);
            /* Nothing comes after the end: let go of the owner's data now. */
            nn_run_detach (run);
            break;
          }
      item_free (item);
    }
  return G_SOURCE_REMOVE;
}

/* Called with the lock held, on the worker. */
static void
schedule_dispatch_locked (NnRun *run)
{
  if (run->dispatch != NULL)
    return;
  run->dispatch = g_idle_source_new ();
  g_source_set_priority (run->dispatch, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (run->dispatch, dispatch_cb, nn_run_ref (run),
                         (GDestroyNotify) nn_run_unref);
  g_source_set_static_name (run->dispatch, "[backprop-lab] training reports");
  g_source_attach (run->dispatch, run->context);
}

static void
push_locked (NnRun *run, Item *item)
{
  g_queue_push_tail (&run->queue, item);
  schedule_dispatch_locked (run);
}

/* ------------------------------------------------------------------------------------------
 * The worker: never touches the owner's data.
 */

static void
on_batch (const NnBatchReport *report, gpointer data)
{
  NnRun *run = data;
  Item *tail;

  g_mutex_lock (&run->lock);
  tail = g_queue_peek_tail (&run->queue);
  if (tail == NULL || tail->kind != ITEM_BATCHES)
    {
      tail = g_new0 (Item, 1);
      tail->kind = ITEM_BATCHES;
      tail->batches = g_array_new (FALSE, FALSE, sizeof (NnBatchReport));
      push_locked (run, tail);
    }
  g_array_append_val (tail->batches, *report);
  g_mutex_unlock (&run->lock);
}

static void
on_epoch (const NnEpochReport *report, gpointer data)
{
  NnRun *run = data;
  Item *item = g_new0 (Item, 1);

  /* Copied here, on the trainer's thread, between epochs: the model is not moving. */
  item->kind = ITEM_EPOCH;
  item->epoch.record = report->record;
  item->epoch.n_test = report->n_test;
  item->epoch.test_probs = g_bytes_new (report->test_probs,
                                        sizeof (float) * report->n_test * NN_CLASSES);
  item->epoch.state = nn_model_get_state (report->model);
  g_mutex_lock (&run->lock);
  push_locked (run, item);
  g_mutex_unlock (&run->lock);
}

/* On Linux a new thread inherits its creator's niceness, so lowering this thread before it
 * builds the model lowers the model's compute threads too. */
static void
lower_this_thread_priority (void)
{
#ifdef __linux__
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 5);
#endif
}

static gpointer
run_thread (gpointer data)
{
  NnRun *run = data;
  GError *error = NULL;
  GBytes *final_state = NULL;
  NnTrainer *trainer;
  Item *end;

  if (run->lower_priority)
    lower_this_thread_priority ();
  trainer = nn_trainer_new (&run->recipe, run->data, &error);
  if (trainer && run->strip_per_epoch)
    nn_trainer_set_strip (trainer, run->strip_per_epoch);
  g_mutex_lock (&run->lock);
  run->trainer = trainer;
  if (trainer && run->paused)
    nn_trainer_set_paused (trainer, TRUE);
  g_mutex_unlock (&run->lock);
  if (trainer)
    {
      nn_trainer_run (trainer, on_batch, on_epoch, run, run->cancellable, &error);
      final_state = nn_model_get_state (nn_trainer_get_model (trainer));
      g_mutex_lock (&run->lock);
      run->trainer = NULL;
      g_mutex_unlock (&run->lock);
      /* Freed here, not on the owner's thread: joining the model's workers and returning a
       * hundred megabytes to the system would hold a window up for tens of milliseconds. */
      nn_trainer_free (trainer);
    }

  end = g_new0 (Item, 1);
  end->kind = ITEM_FINISHED;
  end->error = error;
  g_mutex_lock (&run->lock);
  run->final_state = final_state;
  run->state = NN_RUN_FINISHED;
  push_locked (run, end);
  g_cond_broadcast (&run->changed);
  g_mutex_unlock (&run->lock);
  nn_run_unref (run);
  return NULL;
}

void
nn_run_start (NnRun *run, const NnRunCallbacks *callbacks, gpointer user_data,
              GDestroyNotify destroy)
{
  g_return_if_fail (run != NULL);
  g_return_if_fail (run->state == NN_RUN_CREATED);

  if (callbacks)
    run->callbacks = *callbacks;
  run->user_data = user_data;
  run->destroy = destroy;
  run->context = g_main_context_ref_thread_default ();
  run->state = NN_RUN_RUNNING;
  /* The thread's own reference; nn_run_join waits on run->changed, so the GThread is not
   * kept. */
  g_thread_unref (g_thread_new ("nn-run", run_thread, nn_run_ref (run)));
}

void
nn_run_set_paused (NnRun *run, gboolean paused)
{
  g_mutex_lock (&run->lock);
  run->paused = paused;
  if (run->trainer)
    nn_trainer_set_paused (run->trainer, paused);
  g_mutex_unlock (&run->lock);
}

gboolean
nn_run_get_paused (NnRun *run)
{
  gboolean paused;

  g_mutex_lock (&run->lock);
  paused = run->paused;
  g_mutex_unlock (&run->lock);
  return paused;
}

void
nn_run_cancel (NnRun *run)
{
  g_cancellable_cancel (run->cancellable);
}

void
nn_run_detach (NnRun *run)
{
  GDestroyNotify destroy = run->destroy;
  gpointer user_data = run->user_data;

  if (run->detached)
    return;
  run->detached = TRUE;
  run->destroy = NULL;
  run->user_data = NULL;
  memset (&run->callbacks, 0, sizeof run->callbacks);
  if (destroy)
    destroy (user_data);
}

void
nn_run_join (NnRun *run)
{
  g_mutex_lock (&run->lock);
  while (run->state == NN_RUN_RUNNING)
    g_cond_wait (&run->changed, &run->lock);
  g_mutex_unlock (&run->lock);
}

NnRunState
nn_run_get_state (NnRun *run)
{
  NnRunState state;

  g_mutex_lock (&run->lock);
  state = run->state;
  g_mutex_unlock (&run->lock);
  return state;
}

const NnRecipe *
nn_run_get_recipe (NnRun *run)
{
  return &run->recipe;
}

NnDataset *
nn_run_get_data (NnRun *run)
{
  return run->data;
}

guint
nn_run_get_n_train (NnRun *run)
{
  return run->n_train;
}

guint
nn_run_get_n_test (NnRun *run)
{
  return run->n_test;
}

GBytes *
nn_run_get_final_state (NnRun *run)
{
  GBytes *state;

  g_mutex_lock (&run->lock);
  state = run->final_state;
  g_mutex_unlock (&run->lock);
  return state;
}

char *
nn_format_duration (double seconds)
{
  guint t = seconds > 0 && seconds < 1e9 ? (guint) (seconds + 0.5) : 0;

  if (t >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
  return g_strdup_printf ("%u:%02u", t / 60, t % 60);
}
