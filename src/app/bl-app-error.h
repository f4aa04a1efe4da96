/* bl-app-error.h: the window's own GError domain, for what the window refuses or cannot do
 * (the engine's and the fetcher's errors keep their own domains). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BL_APP_ERROR (bl_app_error_quark ())
GQuark bl_app_error_quark (void);

typedef enum {
  BL_APP_ERROR_BUSY,        /* a run or a download is already going */
  BL_APP_ERROR_NO_DATA,     /* no data set has been chosen or loaded */
  BL_APP_ERROR_NO_MODEL,    /* nothing trained or loaded to save or try */
  BL_APP_ERROR_INVALID,     /* a field holds something that is not a value */
  BL_APP_ERROR_NOT_LOCAL,   /* a file chooser answered with something that is not a local file */
} BlAppError;

G_END_DECLS
