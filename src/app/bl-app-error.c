/* bl-app-error.c: see bl-app-error.h. */
#include "bl-app-error.h"

G_DEFINE_QUARK (bl-app-error-quark, bl_app_error)
