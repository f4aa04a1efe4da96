/* bl-i18n.h: where the programs find their translations. Installed, in LOCALEDIR; run from the
 * build tree (tools/run.sh, build/src/cli/backprop-lab-cli), in the catalogues the build has
 * compiled from po/, so that `LANGUAGE=es tools/run.sh` speaks Spanish before anything is
 * installed. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* $BL_LOCALEDIR if set (the tests, the installed-tree check); else the build tree's compiled
 * catalogues when this program runs from the build tree it was built in; else LOCALEDIR. */
const char *bl_i18n_localedir (void);

G_END_DECLS
