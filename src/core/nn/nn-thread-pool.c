/* nn-thread-pool.c: see nn-thread-pool.h. */
#include "nn-thread-pool.h"

struct _NnThreadPool {
  GThread  **threads;
  guint      n_threads;      /* including the caller */
  GMutex     lock;
  GCond      work;
  GCond      done;
  NnThreadTaskFunc func;
  gpointer   ctx;
  guint      n_tasks;
  guint      next_task;
  guint      finished;
  guint64    generation;
  gboolean   quit;
};

/* Takes tasks until none is left; called with the lock held, returns with it held. */
static void
drain (NnThreadPool *pool)
{
  while (pool->next_task < pool->n_tasks)
    {
      guint task = pool->next_task++;
      NnThreadTaskFunc func = pool->func;
      gpointer ctx = pool->ctx;

      g_mutex_unlock (&pool->lock);
      func (ctx, task);
      g_mutex_lock (&pool->lock);
      if (++pool->finished == pool->n_tasks)
        g_cond_broadcast (&pool->done);
    }
}

static gpointer
worker_main (gpointer data)
{
  NnThreadPool *pool = data;
  guint64 seen = 0;

  g_mutex_lock (&pool->lock);
  for (;;)
    {
      while (!pool->quit && pool->generation == seen)
        g_cond_wait (&pool->work, &pool->lock);
      if (pool->quit)
        break;
      seen = pool->generation;
      drain (pool);
    }
  g_mutex_unlock (&pool->lock);
  return NULL;
}

NnThreadPool *
nn_thread_pool_new (guint n_threads)
{
  NnThreadPool *pool = g_new0 (NnThreadPool, 1);

  pool->n_threads = MAX (1, n_threads);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->work);
  g_cond_init (&pool->done);
  pool->threads = g_new0 (GThread *, pool->n_threads);
  for (guint i = 1; i < pool->n_threads; i++)
    pool->threads[i] = g_thread_new ("nn-worker", worker_main, pool);
  return pool;
}

void
nn_thread_pool_free (NnThreadPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->work);
  g_mutex_unlock (&pool->lock);
  for (guint i = 1; i < pool->n_threads; i++)
    g_thread_join (pool->threads[i]);
  g_free (pool->threads);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->work);
  g_cond_clear (&pool->done);
  g_free (pool);
}

guint
nn_thread_pool_get_n_threads (NnThreadPool *pool)
{
  return pool->n_threads;
}

void
nn_thread_pool_run (NnThreadPool *pool, NnThreadTaskFunc func, gpointer ctx, guint n_tasks)
{
  if (n_tasks == 0)
    return;
  if (pool->n_threads == 1 || n_tasks == 1)
    {
      for (guint t = 0; t < n_tasks; t++)
        func (ctx, t);
      return;
    }
  g_mutex_lock (&pool->lock);
  pool->func = func;
  pool->ctx = ctx;
  pool->n_tasks = n_tasks;
  pool->next_task = 0;
  pool->finished = 0;
  pool->generation++;
  g_cond_broadcast (&pool->work);
  drain (pool);
  while (pool->finished < pool->n_tasks)
    g_cond_wait (&pool->done, &pool->lock);
  g_mutex_unlock (&pool->lock);
}
