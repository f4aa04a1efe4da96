/* nn-pool.h: a fixed set of worker threads that run numbered tasks, the caller's thread
 * helping. Made once per model; no spinning: idle workers wait on a condition variable. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _NnPool NnPool;
typedef void (*NnTaskFunc) (gpointer ctx, guint task);

/* @n_threads counts the caller: 1 means no extra thread. */
NnPool *nn_pool_new  (guint n_threads);
void    nn_pool_free (NnPool *pool);
guint   nn_pool_get_n_threads (NnPool *pool);
/* Runs func(ctx, 0) … func(ctx, n_tasks − 1), in any order on any thread; returns when all
 * are done. */
void    nn_pool_run  (NnPool *pool, NnTaskFunc func, gpointer ctx, guint n_tasks);

G_END_DECLS
