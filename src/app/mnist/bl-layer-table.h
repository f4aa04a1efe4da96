/* bl-layer-table.h: the CNN's layers as a table (type, output shape, parameters, total), read
 * from the engine (nn_model_layer_info), so it always says what the engine runs. A click on a
 * layer's row emits "layer-activated" (guint layer, nn_model_layer_info's index). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_LAYER_TABLE (bl_layer_table_get_type ())
G_DECLARE_FINAL_TYPE (BlLayerTable, bl_layer_table, BL, LAYER_TABLE, GtkWidget)

GtkWidget *bl_layer_table_new (void);

G_END_DECLS
