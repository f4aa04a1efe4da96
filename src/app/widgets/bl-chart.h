/* bl-chart.h: the one chart widget every page uses (loss, accuracy, learning-rate overlays).
 *
 * Model/view split: the chart owns copies of its series (plain double arrays) and only draws
 * them; pages compute. Draws with cairo through gtk_snapshot_append_cairo (GTK 4.8).
 * Large series (10^6 points) are decimated to min/max per pixel column when drawn. The legend
 * sits where it covers no data (a corner of the plot, or beside it).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define BL_TYPE_CHART (bl_chart_get_type ())
G_DECLARE_FINAL_TYPE (BlChart, bl_chart, BL, CHART, GtkWidget)

typedef enum {
  BL_CHART_LINE_SOLID,
  BL_CHART_LINE_FAINT,    /* thin and translucent: raw per-batch values under a smoothed curve */
  BL_CHART_LINE_DASHED,
  BL_CHART_LINE_POINTS,   /* markers at each point, joined: per-epoch values */
} BlChartLineStyle;

GtkWidget *bl_chart_new              (void);

/* Texts. The axis labels are shown as given ("epoch", "batch", "E_total"). */
void       bl_chart_set_title        (BlChart *self, const char *title);
void       bl_chart_set_x_label      (BlChart *self, const char *label);
void       bl_chart_set_y_label      (BlChart *self, const char *label);
/* For an x axis that counts (epochs): ticks only at whole numbers, even when zoomed in. */
void       bl_chart_set_x_whole_numbers (BlChart *self, gboolean whole);

/* Properties "log-y" (boolean) and "cursor-x" (double; NaN = no cursor). */
void       bl_chart_set_log_y        (BlChart *self, gboolean log_y);
gboolean   bl_chart_get_log_y        (BlChart *self);
/* A logarithmic x axis too (a decade per tick; x ≤ 0 is not drawn). Series' x should still
 * ascend. Off by default. */
void       bl_chart_set_log_x        (BlChart *self, gboolean log_x);
gboolean   bl_chart_get_log_x        (BlChart *self);
void       bl_chart_set_cursor_x     (BlChart *self, double x);
double     bl_chart_get_cursor_x     (BlChart *self);
/* Property "projector-mode": thicker lines for a projector. The text follows the widget's CSS
 * font, which projector mode enlarges (window.projector in style.css). */
void       bl_chart_set_projector_mode (BlChart *self, gboolean projector_mode);
/* Optional fixed y range (e.g. accuracy 0.9..1.0); NaN for automatic. */
void       bl_chart_set_y_range      (BlChart *self, double min, double max);

/* Series: returns an id for the calls below. @color NULL picks the next palette colour. */
guint      bl_chart_add_series       (BlChart *self, const char *label, const GdkRGBA *color,
                                      BlChartLineStyle style);
void       bl_chart_remove_series    (BlChart *self, guint id);
void       bl_chart_clear            (BlChart *self);       /* all series, lines and markers */
/* Replace a series' points (copied). @x NULL means x = 0, 1, 2, … n-1. Non-finite y values
 * end the drawn line there. */
void       bl_chart_series_set_data  (BlChart *self, guint id, const double *x, const double *y,
                                      guint n);
void       bl_chart_series_append    (BlChart *self, guint id, double x, double y);
void       bl_chart_series_set_visible (BlChart *self, guint id, gboolean visible);
void       bl_chart_series_set_label (BlChart *self, guint id, const char *label);
void       bl_chart_series_set_color (BlChart *self, guint id, const GdkRGBA *color);
/* Not in the legend (e.g. the faint raw curve under its smoothed twin). */
/* Moves a series to @position among the series: the legend lists them in this order, and
 * later ones are drawn over earlier ones. */
void       bl_chart_series_move      (BlChart *self, guint id, guint position);
void       bl_chart_series_set_in_legend (BlChart *self, guint id, gboolean in_legend);

/* Decorations: a labelled horizontal line (the 99.40% target) and a labelled point marker
 * (the best epoch). */
void       bl_chart_add_hline        (BlChart *self, double y, const char *label);
void       bl_chart_add_marker       (BlChart *self, double x, double y, const char *label);
void       bl_chart_clear_decorations (BlChart *self);

/* Draw into any cairo context (export, benchmarks): dark on white, no pointer readout. */
void       bl_chart_render           (BlChart *self, cairo_t *cr, int width, int height);
/* Rendering off screen, for export and tests: @width × @height pixels of the chart as the screen
 * shows it (its font, projector mode's lines), scaled up when the picture is larger than
 * 800 × 500 so the text keeps its proportion. (transfer full) */
cairo_surface_t *bl_chart_render_image (BlChart *self, int width, int height);
/* The same as a PNG file, written atomically. */
gboolean   bl_chart_write_png        (BlChart *self, const char *path, int width, int height,
                                      GError **error);

/* The series in the order added, for checks: the @index-th one's colour, and whether it is
 * drawn (visible, with data). */
guint      bl_chart_get_n_series     (BlChart *self);
gboolean   bl_chart_get_series_color (BlChart *self, guint index, GdkRGBA *color);
/* A sentence for screen readers and the accessible description, e.g.
 * "E_total falls from 0.243 to 0.0085 over 68 epochs at η = 2.0". (transfer full) */
char      *bl_chart_describe         (BlChart *self);

/* Signals:
 *   "cursor-moved" (double x): the user clicked or dragged in the plot, or used ←/→; x is
 *   snapped to the nearest data x. The chart has already moved its own cursor. */

/* Once per process, before drawing: glibc keeps up to 64 MiB of freed heap instead of handing
 * it back to the kernel. Stroking a long curve makes cairo allocate and free a large polygon on
 * every frame; with glibc's default the heap's top was given back after each stroke and
 * faulted in again on the next, a third of a Backprop page redraw (bench-toy-frame). */
void bl_chart_keep_freed_memory (void);

G_END_DECLS
