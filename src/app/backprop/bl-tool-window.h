/* bl-tool-window.h: what the Backprop page's separate windows (check a spreadsheet, how small is
 * ε, the loss landscape, the worksheet) share: the page's network as a value they own, and the
 * window manners (projector mode followed from the main window). */
#pragma once

#include <gtk/gtk.h>
#include "backprop/bl-backprop-page.h"
#include "core/bl-toy.h"

G_BEGIN_DECLS

#define BL_TOOL_MAX_RATES 8

/* The page's network, copied: a tool window never reads the page again after this. */
typedef struct {
  BlToyParams init;                      /* row 0 of every run */
  BlToyParams current;                   /* the first run's parameters at the current row */
  guint       current_row;
  guint       iterations;                /* the runs' length (rows − 1) */
  guint       n_rates;
  double      rates[BL_TOOL_MAX_RATES];  /* in the page's order */
} BlToolNetwork;

/* The page's network (its first runs, at most BL_TOOL_MAX_RATES). Without runs: the classroom
 * network at the default rates. */
void     bl_tool_network_from_page     (BlBackpropPage *page, BlToolNetwork *out);
void     bl_tool_network_default       (BlToolNetwork *out);
/* Colour of rate @i, the page's own: its slot among the network's rates (bl-palette.h). */
void     bl_tool_network_rate_color    (const BlToolNetwork *net, guint i, GdkRGBA *out);

/* @window wears the "projector" style class while @parent does (the main window carries it
 * for app.projector-mode), now and whenever it changes; @changed (may be NULL) runs with
 * @window after each change, for drawings that scale by property. */
void     bl_tool_window_follow_projector (GtkWindow *window, GtkWindow *parent,
                                          void (*changed) (GtkWindow *window));
gboolean bl_tool_window_is_projector   (GtkWindow *window);
/* A modal error over @parent, as the main window shows its own. */
void     bl_tool_window_show_error     (GtkWindow *parent, const char *primary,
                                        const char *secondary);

G_END_DECLS
