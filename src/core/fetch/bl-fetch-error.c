/* bl-fetch-error.c: see bl-fetch-error.h. */
#include "bl-fetch-error.h"

G_DEFINE_QUARK (bl-fetch-error-quark, bl_fetch_error)
