/* bl-network-options.h: the Backprop page's choice of network — each layer's activation
 * (sigmoid, tanh, ReLU), the update order (all gradients from the row's weights, or the hidden
 * gradients after w5…w8 were updated: a common bug) and "forget one path" (the hidden
 * gradients leave out the path through o1 or o2: a common mistake), shown so that where a
 * mistake leads can be run and compared with the correct network.
 *
 * It holds the choice and draws it; the page reads it (bl_network_options_apply) whenever
 * "changed" is emitted. The activations are properties by name ("sigmoid", "tanh", "relu", as
 * bl_toy_activation_name gives them) so GSettings can bind them; the order and the path are
 * not stored: a lesson starts from the correct network. */
#pragma once

#include <gtk/gtk.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

#define BL_TYPE_NETWORK_OPTIONS (bl_network_options_get_type ())
G_DECLARE_FINAL_TYPE (BlNetworkOptions, bl_network_options, BL, NETWORK_OPTIONS, GtkWidget)

GtkWidget *bl_network_options_new        (void);
/* Sets @p's activations, update order and forgotten path from the choice. */
void       bl_network_options_apply      (BlNetworkOptions *self, BlToyParams *p);
/* Shows @p's choice (no "changed" is emitted). */
void       bl_network_options_show       (BlNetworkOptions *self, const BlToyParams *p);
/* Whether the choice is one of the mistakes (another order or a forgotten path): the page then
 * also draws the correct network's curves. */
gboolean   bl_network_options_is_mistake (BlNetworkOptions *self);
/* The choosers, for tests: "hidden", "output", "order", "path". */
GtkDropDown *bl_network_options_get_dropdown (BlNetworkOptions *self, const char *which);
void       bl_network_options_bind_settings (BlNetworkOptions *self, GSettings *settings);

G_END_DECLS
