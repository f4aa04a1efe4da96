/* bl-data-panel.h: the MNIST page's data section: finds a data set where one may already be,
 * loads a folder the user chooses, or downloads MNIST, each off the main thread, and says what
 * it holds or why there is none. It owns a reference on the loaded set (nn-dataset.h); while a
 * run holds the data ("locked"), it neither downloads nor loads another. */
#pragma once

#include <gtk/gtk.h>

#include "nn-dataset.h"

G_BEGIN_DECLS

#define BL_TYPE_DATASET (bl_dataset_get_type ())
GType bl_dataset_get_type (void);   /* NnDataset as a boxed type: reference-counted */

#define BL_TYPE_DATA_PANEL (bl_data_panel_get_type ())
G_DECLARE_FINAL_TYPE (BlDataPanel, bl_data_panel, BL, DATA_PANEL, GtkWidget)

GtkWidget  *bl_data_panel_new          (void);
/* The remembered folder ("data-folder") and the download mirrors ("download-mirrors"). Then
 * looks for data: the remembered folder, then bl_data_search_dirs (). NULL: defaults. */
void        bl_data_panel_set_settings (BlDataPanel *self, GSettings *settings);
/* Loads the IDX set in @dir on a worker thread; the panel shows the counts or the error. */
void        bl_data_panel_load         (BlDataPanel *self, const char *dir);
/* Downloads MNIST into the user's data folder, with progress and Cancel, then loads it. */
void        bl_data_panel_download     (BlDataPanel *self);
void        bl_data_panel_cancel_download (BlDataPanel *self);
/* The loaded set, or NULL; (transfer none). Property "dataset" (BL_TYPE_DATASET, notifies). */
NnDataset  *bl_data_panel_get_dataset  (BlDataPanel *self);
/* What the panel says (the set in use, or why there is none). */
const char *bl_data_panel_get_text     (BlDataPanel *self);
/* Property "locked": a run holds the data; nothing is loaded or downloaded meanwhile. */
void        bl_data_panel_set_locked   (BlDataPanel *self, gboolean locked);
gboolean    bl_data_panel_get_locked   (BlDataPanel *self);
/* Property "busy" (read-only): reading a folder or downloading. */
gboolean    bl_data_panel_get_busy     (BlDataPanel *self);

G_END_DECLS
