/* bl-confusion-view.h: a 10×10 confusion matrix as a heatmap (rows: true class, columns:
 * predicted), counts in the cells, colours normalised per row on a colour-blind-safe
 * scale (right answers in blue, mistakes in vermillion), plus each class's accuracy as a bar at
 * the right. The counts are sized to fit their cells, in projector mode too. A click on a cell emits
 * "cell-activated" (true, predicted). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_CONFUSION_CLASSES 10

#define BL_TYPE_CONFUSION_VIEW (bl_confusion_view_get_type ())
G_DECLARE_FINAL_TYPE (BlConfusionView, bl_confusion_view, BL, CONFUSION_VIEW, GtkWidget)

GtkWidget *bl_confusion_view_new        (void);
/* Copies @counts (10×10, [true][predicted]); NULL clears. */
void       bl_confusion_view_set_counts (BlConfusionView *self,
                                         const guint counts[BL_CONFUSION_CLASSES][BL_CONFUSION_CLASSES]);
void       bl_confusion_view_set_title  (BlConfusionView *self, const char *title);
/* Each cell's count after epochs 1…@n (copied), drawn as a faint line along the cell's foot
 * when the cells are large enough; @n < 2: none. */
void       bl_confusion_view_set_history (BlConfusionView *self,
                                          const guint (*counts)[BL_CONFUSION_CLASSES][BL_CONFUSION_CLASSES],
                                          guint n);
/* The pixel size the counts are drawn at in a @width × @height drawing (they are sized to fit
 * the widest count in a cell), or 0 when the cells are too small to hold them. */
double     bl_confusion_view_get_count_size (BlConfusionView *self, int width, int height);
/* The size of a cell when the matrix is @width × @height (its cells may be wider than tall). */
void     bl_confusion_view_get_cell_size  (BlConfusionView *self, int width, int height,
                                           double *cell_width, double *cell_height);
gboolean   bl_confusion_view_write_png  (BlConfusionView *self, const char *path, int width,
                                         int height, GError **error);

G_END_DECLS
