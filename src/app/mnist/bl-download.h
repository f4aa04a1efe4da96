/* bl-download.h: MNIST fetched for the window: bl_fetch_mnist() on a GTask thread, its
 * progress handed to the main thread as a fraction and a sentence. */
#pragma once

#include <gio/gio.h>

#include "bl-manifest.h"

G_BEGIN_DECLS

/* Called on the main thread. */
typedef void (*BlDownloadProgressFunc) (double fraction, const char *text, gpointer user_data);

/* @mirrors NULL: the fetcher's defaults. Installs into the user's data folder. @progress_data
 * is a GObject, kept alive until each report has been delivered. */
void     bl_download_mnist_async  (const char *const *mirrors, GCancellable *cancellable,
                                   BlDownloadProgressFunc progress, gpointer progress_data,
                                   GAsyncReadyCallback done, gpointer done_data);
/* The folder that now holds MNIST (transfer full), or NULL and @error. */
char    *bl_download_mnist_finish (GAsyncResult *result, GError **error);
/* What the downloads started from now on must fetch (copied); NULL, the default: MNIST's. The
 * tests' server serves a cut of MNIST and hands its manifest here. Main thread only. */
void     bl_download_set_manifest (const BlManifest *manifest);

G_END_DECLS
