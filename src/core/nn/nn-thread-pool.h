/* nn-thread-pool.h: a fixed set of worker threads that run numbered tasks, the caller's thread
 * helping. Made once per model; no spinning: idle workers wait on a condition variable. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NnThreadPool NnThreadPool;
typedef void (*NnThreadTaskFunc) (gpointer ctx, guint task);

/* @n_threads counts the caller: 1 means no extra thread. */
NnThreadPool *nn_thread_pool_new  (guint n_threads);
void    nn_thread_pool_free (NnThreadPool *pool);
guint   nn_thread_pool_get_n_threads (NnThreadPool *pool);
/* Runs func(ctx, 0) … func(ctx, n_tasks − 1), in any order on any thread; returns when all
 * are done. */
void    nn_thread_pool_run  (NnThreadPool *pool, NnThreadTaskFunc func, gpointer ctx, guint n_tasks);

G_END_DECLS
