/* bl-epsilon-window.h: "How small is ε?". The relative error between the analytic gradient and
 * the central difference (E(w + ε) − E(w − ε)) / 2ε against ε from 1e-1 to 1e-12, log-log, in
 * double and single precision (bl_toy_epsilon_sweep): the U shape, truncation on the right,
 * rounding on the left, and a paragraph saying so with this network's numbers. */
#pragma once

#include <gtk/gtk.h>
#include "backprop/bl-tool-window.h"
#include "widgets/bl-chart.h"

G_BEGIN_DECLS

#define BL_TYPE_EPSILON_WINDOW (bl_epsilon_window_get_type ())
G_DECLARE_FINAL_TYPE (BlEpsilonWindow, bl_epsilon_window, BL, EPSILON_WINDOW, GtkWindow)

BlEpsilonWindow *bl_epsilon_window_new        (GtkWindow *parent, const BlToolNetwork *net);
/* The page's network again (the sweep is redone at its current row). */
void             bl_epsilon_window_set_network (BlEpsilonWindow *self, const BlToolNetwork *net);
/* The weight checked: W1…W8, B1, B2 (a bias only with biases). */
gboolean         bl_epsilon_window_set_weight  (BlEpsilonWindow *self, BlToyColumn col);
/* For tests. */
BlChart         *bl_epsilon_window_get_chart   (BlEpsilonWindow *self);
const char      *bl_epsilon_window_get_explanation (BlEpsilonWindow *self);
/* The ε with the smallest error, in double and in single precision. */
void             bl_epsilon_window_get_best    (BlEpsilonWindow *self, double *eps_double,
                                                double *eps_single);

G_END_DECLS
