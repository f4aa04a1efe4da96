/* bl-run-view.c: see bl-run-view.h.
 *
 * What the run reports is kept at once (the batch points, how many epochs each view shows);
 * the pacer puts one view on screen per frame: the loss chart's batches, its epochs, the
 * accuracy chart, then the matrix with its slider.
 *
 * The loss chart holds both kinds of loss on one x axis in epochs: the training loss of every
 * batch (faint, and smoothed) and the test loss at the end of each epoch (points), so the gap
 * between training and testing shows where it happens. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "mnist/bl-run-view.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-confusion-view.h"
#include "widgets/bl-palette.h"

/* One batch's points on the batch chart, waiting for their frame. */
typedef struct { double x, raw, smooth; } BatchPoint;

typedef enum {
  CLEAR_LOSS_CHART  = 1 << 0,
  CLEAR_ACC_CHART   = 1 << 1,
  CLEAR_MATRIX      = 1 << 2,
  CLEAR_ALL         = (1 << 3) - 1,
} ClearBits;

struct _BlRunView {
  GtkWidget        parent_instance;

  GtkWidget       *charts_box;
  GtkWidget       *matrix_box;
  BlChart         *loss_chart;
  BlChart         *acc_chart;
  BlConfusionView *confusion_view;
  GtkScale        *epoch_scale;

  BlFramePacer    *pacer;
  BlTrainingRun   *run;
  GListModel      *history;          /* the run's, or an empty one */
  double           smoothed_loss;
  guint            smoothed_n;

  /* what the screen does not show yet */
  guint            to_clear;         /* ClearBits: views still showing the previous run */
  GArray          *unshown_batches;  /* BatchPoint */
  guint            loss_shown, acc_shown, slider_shown;   /* epochs of history on each */
  guint            best_marked;      /* the epoch the accuracy chart marks as best */
  gboolean         moving_slider;    /* the matrix region, not a student, moves the slider */
  guint            replayed;         /* "replayed-epoch": the slider's epoch when not the newest */
  guint            batch_raw, batch_smooth, test_loss, train_acc, test_acc;
};

G_DEFINE_FINAL_TYPE (BlRunView, bl_run_view, GTK_TYPE_WIDGET)

enum { SIGNAL_CELL_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];
enum { PROP_0, PROP_REPLAYED_EPOCH, N_PROPS };
static GParamSpec *props[N_PROPS];

/* The one place "replayed-epoch" is decided: the slider's epoch when a student moved it off
 * the newest shown, else 0. */
static void
update_replayed (BlRunView *self)
{
  guint shown = bl_run_view_get_shown_epoch (self);
  guint replayed = shown && shown != self->slider_shown ? shown : 0;

  if (replayed == self->replayed)
    return;
  self->replayed = replayed;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REPLAYED_EPOCH]);
}

static guint
n_epochs (BlRunView *self)
{
  return g_list_model_get_n_items (self->history);
}

static const NnEpochRecord *
record_at (BlRunView *self, guint index)
{
  g_autoptr(BlEpoch) epoch = g_list_model_get_item (self->history, index);
  return bl_epoch_get_record (epoch);   /* the history keeps the item */
}

/* ------------------------------------------------------------------------------------------
 * Regions
 */

/* The epoch the matrix shows, or will once its region is shown: the newest while the slider
 * follows, else the one a student moved it to. The epoch charts mark it, each in its own
 * region's frame (marking all three in the matrix's frame would repaint the whole view). */
static guint
replayed_epoch (BlRunView *self)
{
  guint value = (guint) gtk_range_get_value (GTK_RANGE (self->epoch_scale));

  if (self->slider_shown == 0 || value == self->slider_shown)
    return n_epochs (self);
  return value;
}

static void
mark_replayed_epoch (BlChart *chart, guint epoch)
{
  bl_chart_set_cursor_x (chart, epoch ? (double) epoch : NAN);
}

/* The loss chart, emptied for a new run: its three series. */
static void
clear_loss_chart (BlRunView *self)
{
  GdkRGBA blue, orange;

  bl_palette_color (0, &blue);
  bl_palette_color (1, &orange);
  bl_chart_clear (self->loss_chart);
  self->batch_raw = bl_chart_add_series (self->loss_chart, _("training, each batch"), &blue,
                                         BL_CHART_LINE_FAINT);
  bl_chart_series_set_in_legend (self->loss_chart, self->batch_raw, FALSE);
  self->batch_smooth = bl_chart_add_series (self->loss_chart, _("training (smoothed)"), &blue,
                                            BL_CHART_LINE_SOLID);
  self->test_loss = bl_chart_add_series (self->loss_chart, _("test, end of each epoch"),
                                         &orange, BL_CHART_LINE_POINTS);
  self->to_clear &= ~CLEAR_LOSS_CHART;
}

static gboolean
batches_pending (gpointer data)
{
  BlRunView *self = data;
  return (self->to_clear & CLEAR_LOSS_CHART) || self->unshown_batches->len > 0;
}

static void
show_batches (gpointer data)
{
  BlRunView *self = data;

  if (self->to_clear & CLEAR_LOSS_CHART)
    clear_loss_chart (self);
  for (guint i = 0; i < self->unshown_batches->len; i++)
    {
      const BatchPoint *p = &g_array_index (self->unshown_batches, BatchPoint, i);
      bl_chart_series_append (self->loss_chart, self->batch_raw, p->x, p->raw);
      bl_chart_series_append (self->loss_chart, self->batch_smooth, p->x, p->smooth);
    }
  g_array_set_size (self->unshown_batches, 0);
}

/* The per-epoch accuracy chart with a train and a test series, emptied for a new run. */
static void
clear_accuracy_chart (BlRunView *self)
{
  GdkRGBA blue, orange;

  bl_palette_color (0, &blue);
  bl_palette_color (1, &orange);
  bl_chart_clear (self->acc_chart);
  self->train_acc = bl_chart_add_series (self->acc_chart, _("train"), &blue,
                                         BL_CHART_LINE_POINTS);
  self->test_acc = bl_chart_add_series (self->acc_chart, _("test"), &orange,
                                        BL_CHART_LINE_POINTS);
  bl_chart_add_hline (self->acc_chart, 99.40, _("target 99.40%"));
  self->to_clear &= ~CLEAR_ACC_CHART;
}

static gboolean
loss_pending (gpointer data)
{
  BlRunView *self = data;
  return (self->to_clear & CLEAR_LOSS_CHART) || self->loss_shown != n_epochs (self);
}

static void
show_loss (gpointer data)
{
  BlRunView *self = data;

  if (self->to_clear & CLEAR_LOSS_CHART)
    clear_loss_chart (self);
  for (; self->loss_shown < n_epochs (self); self->loss_shown++)
    {
      const NnEpochRecord *r = record_at (self, self->loss_shown);
      bl_chart_series_append (self->loss_chart, self->test_loss, r->epoch, r->test_loss);
    }
  mark_replayed_epoch (self->loss_chart, replayed_epoch (self));
}

static guint
best_epoch (BlRunView *self)
{
  return self->run ? bl_training_run_get_best_epoch (self->run) : 0;
}

static gboolean
accuracy_pending (gpointer data)
{
  BlRunView *self = data;
  return (self->to_clear & CLEAR_ACC_CHART) || self->acc_shown != n_epochs (self) ||
         self->best_marked != best_epoch (self);
}

static void
show_accuracy (gpointer data)
{
  BlRunView *self = data;

  if (self->to_clear & CLEAR_ACC_CHART)
    clear_accuracy_chart (self);
  for (; self->acc_shown < n_epochs (self); self->acc_shown++)
    {
      const NnEpochRecord *r = record_at (self, self->acc_shown);
      bl_chart_series_append (self->acc_chart, self->train_acc, r->epoch, 100 * r->train_acc);
      bl_chart_series_append (self->acc_chart, self->test_acc, r->epoch, 100 * r->test_acc);
    }
  if (self->best_marked != best_epoch (self))
    {
      double best = bl_training_run_get_best_accuracy (self->run);
      g_autofree char *label = g_strdup_printf (_("best %.2f%%"), 100 * best);
      bl_chart_clear_decorations (self->acc_chart);
      bl_chart_add_hline (self->acc_chart, 99.40, _("target 99.40%"));
      bl_chart_add_marker (self->acc_chart, best_epoch (self), 100 * best, label);
      self->best_marked = best_epoch (self);
    }
  mark_replayed_epoch (self->acc_chart, replayed_epoch (self));
}

static void
show_confusion_of_epoch (BlRunView *self, guint epoch)
{
  g_autofree char *title = NULL;
  const NnEpochRecord *r;

  if (epoch == 0 || epoch > n_epochs (self))
    {
      bl_confusion_view_set_title (self->confusion_view, _("Test set: no epoch yet"));
      bl_confusion_view_set_counts (self->confusion_view, NULL);
      bl_confusion_view_set_history (self->confusion_view, NULL, 0);
      return;
    }
  r = record_at (self, epoch - 1);
  {
    typedef guint Matrix[BL_CONFUSION_CLASSES][BL_CONFUSION_CLASSES];
    g_autofree Matrix *history = g_new (Matrix, epoch);
    for (guint e = 0; e < epoch; e++)
      memcpy (history[e], record_at (self, e)->confusion, sizeof history[e]);
    bl_confusion_view_set_history (self->confusion_view, (const Matrix *) history, epoch);
  }
  title = g_strdup_printf (_("Test set after epoch %u: %.2f%%"), epoch, 100 * r->test_acc);
  bl_confusion_view_set_title (self->confusion_view, title);
  bl_confusion_view_set_counts (self->confusion_view,
                                (const guint (*)[BL_CONFUSION_CLASSES]) r->confusion);
}

static gboolean
matrix_pending (gpointer data)
{
  BlRunView *self = data;
  return (self->to_clear & CLEAR_MATRIX) || self->slider_shown != n_epochs (self);
}

/* The replay slider follows the newest epoch unless a student moved it back. It stays
 * sensitive, its range shrunk to the one epoch there is: turning it sensitive at the second
 * epoch would start the theme's fade, repainting it for a fifth of a second while the charts
 * move elsewhere, and every such frame would span the page. */
static void
show_matrix (gpointer data)
{
  BlRunView *self = data;
  guint n = n_epochs (self);
  gboolean follow;

  if (self->to_clear & CLEAR_MATRIX)
    {
      self->slider_shown = 0;
      self->moving_slider = TRUE;
      gtk_range_set_range (GTK_RANGE (self->epoch_scale), 1, 1);
      self->moving_slider = FALSE;
      show_confusion_of_epoch (self, 0);
      self->to_clear &= ~CLEAR_MATRIX;
      update_replayed (self);
      if (n == 0)
        return;
    }
  follow = self->slider_shown == 0 ||
           (guint) gtk_range_get_value (GTK_RANGE (self->epoch_scale)) == self->slider_shown;
  self->slider_shown = n;
  self->moving_slider = TRUE;
  gtk_range_set_range (GTK_RANGE (self->epoch_scale), 1, MAX (1, n));
  if (follow)
    gtk_range_set_value (GTK_RANGE (self->epoch_scale), n);
  self->moving_slider = FALSE;
  show_confusion_of_epoch (self, bl_run_view_get_shown_epoch (self));
  update_replayed (self);
}

static void
schedule (BlRunView *self)
{
  if (self->pacer)
    bl_frame_pacer_schedule (self->pacer);
  else
    while (batches_pending (self) || loss_pending (self) || accuracy_pending (self) ||
           matrix_pending (self))
      {
        show_batches (self);
        show_loss (self);
        show_accuracy (self);
        show_matrix (self);
      }
}

/* ------------------------------------------------------------------------------------------
 * The run's reports
 */

static void
batches_cb (BlTrainingRun *run, gpointer reports, guint n, BlRunView *self)
{
  const NnBatchReport *r = reports;

  for (guint i = 0; i < n; i++)
    {
      /* x in epochs. Exponential smoothing over about 20 batches on top of the faint raw
       * curve; dividing by 1 − 0.95ⁿ removes the average's pull towards its zero start. */
      BatchPoint p = { (r[i].epoch - 1) + (double) r[i].batch / r[i].n_batches, r[i].loss, 0 };
      self->smoothed_n++;
      self->smoothed_loss = 0.95 * self->smoothed_loss + 0.05 * r[i].loss;
      p.smooth = self->smoothed_loss / (1 - pow (0.95, self->smoothed_n));
      g_array_append_val (self->unshown_batches, p);
    }
  schedule (self);
}

static void
history_changed_cb (GListModel *model, guint position, guint removed, guint added,
                    BlRunView *self)
{
  schedule (self);
}

static void
disconnect_run (BlRunView *self)
{
  if (self->run)
    g_signal_handlers_disconnect_by_data (self->run, self);
  if (self->history)
    g_signal_handlers_disconnect_by_data (self->history, self);
}

void
bl_run_view_set_run (BlRunView *self, BlTrainingRun *run)
{
  g_return_if_fail (BL_IS_RUN_VIEW (self));
  disconnect_run (self);
  g_set_object (&self->run, run);
  g_clear_object (&self->history);
  self->history = run ? g_object_ref (bl_training_run_get_history (run))
                      : G_LIST_MODEL (g_list_store_new (BL_TYPE_EPOCH));
  self->smoothed_loss = 0;
  self->smoothed_n = 0;
  g_array_set_size (self->unshown_batches, 0);
  self->to_clear = CLEAR_ALL;
  self->loss_shown = self->acc_shown = self->slider_shown = 0;
  self->best_marked = 0;
  if (run)
    g_signal_connect (run, "batches", G_CALLBACK (batches_cb), self);
  g_signal_connect (self->history, "items-changed", G_CALLBACK (history_changed_cb), self);
  schedule (self);
}

BlTrainingRun *
bl_run_view_get_run (BlRunView *self)
{
  g_return_val_if_fail (BL_IS_RUN_VIEW (self), NULL);
  return self->run;
}

guint
bl_run_view_get_shown_epoch (BlRunView *self)
{
  g_return_val_if_fail (BL_IS_RUN_VIEW (self), 0);
  return self->slider_shown ? (guint) gtk_range_get_value (GTK_RANGE (self->epoch_scale)) : 0;
}

void
bl_run_view_set_log_scale (BlRunView *self, gboolean log_scale)
{
  g_return_if_fail (BL_IS_RUN_VIEW (self));
  bl_chart_set_log_y (self->loss_chart, log_scale);
}

guint
bl_run_view_get_replayed_epoch (BlRunView *self)
{
  g_return_val_if_fail (BL_IS_RUN_VIEW (self), 0);
  return self->replayed;
}

gboolean
bl_run_view_get_log_scale (BlRunView *self)
{
  g_return_val_if_fail (BL_IS_RUN_VIEW (self), FALSE);
  return bl_chart_get_log_y (self->loss_chart);
}

void
bl_run_view_set_settings (BlRunView *self, GSettings *settings)
{
  BlChart *charts[] = { self->loss_chart, self->acc_chart };

  g_return_if_fail (BL_IS_RUN_VIEW (self));
  if (settings == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (charts); i++)
    g_settings_bind (settings, "projector-mode", charts[i], "projector-mode",
                     G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "projector-mode", self->confusion_view, "projector-mode",
                   G_SETTINGS_BIND_GET);
}

void
bl_run_view_set_pacer (BlRunView *self, BlFramePacer *pacer)
{
  g_return_if_fail (BL_IS_RUN_VIEW (self));
  g_return_if_fail (self->pacer == NULL);
  self->pacer = g_object_ref (pacer);
  bl_frame_pacer_add_region (pacer, 20, batches_pending, show_batches, self);
  bl_frame_pacer_add_region (pacer, 30, loss_pending, show_loss, self);
  bl_frame_pacer_add_region (pacer, 40, accuracy_pending, show_accuracy, self);
  bl_frame_pacer_add_region (pacer, 50, matrix_pending, show_matrix, self);
}

static void
epoch_scale_cb (GtkRange *range, BlRunView *self)
{
  if (self->slider_shown == 0 || self->moving_slider)
    return;   /* the matrix region moved it, and shows its epoch itself */
  show_confusion_of_epoch (self, bl_run_view_get_shown_epoch (self));
  /* A student replaying: the charts follow at once. */
  mark_replayed_epoch (self->acc_chart, bl_run_view_get_shown_epoch (self));
  mark_replayed_epoch (self->loss_chart, bl_run_view_get_shown_epoch (self));
  update_replayed (self);
}

/* A click on an epoch chart replays that epoch in the matrix. */
static void
chart_cursor_moved_cb (BlChart *chart, double x, BlRunView *self)
{
  guint epoch = (guint) CLAMP (round (x), 1, MAX (1, self->slider_shown));

  if (self->slider_shown)
    gtk_range_set_value (GTK_RANGE (self->epoch_scale), epoch);
}

static void
cell_activated_cb (BlConfusionView *view, int truth, int predicted, BlRunView *self)
{
  guint epoch = bl_run_view_get_shown_epoch (self);

  if (epoch)
    g_signal_emit (self, signals[SIGNAL_CELL_ACTIVATED], 0, truth, predicted, epoch);
}

/* ------------------------------------------------------------------------------------------
 * Layout: the matrix as wide as its height asks (square cells), the charts the rest.
 */

#define SPACING 12
#define MATRIX_MAX 760

static void
bl_run_view_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                     int *min_base, int *nat_base)
{
  BlRunView *self = BL_RUN_VIEW (widget);
  int cmin, cnat, mmin, mnat;

  gtk_widget_measure (self->charts_box, o, -1, &cmin, &cnat, NULL, NULL);
  gtk_widget_measure (self->matrix_box, o, o == GTK_ORIENTATION_HORIZONTAL ? for_size : -1,
                      &mmin, &mnat, NULL, NULL);
  if (o == GTK_ORIENTATION_HORIZONTAL)
    {
      *min = cmin + SPACING + mmin;
      *nat = cnat + SPACING + mnat;
    }
  else
    {
      *min = MAX (cmin, mmin);
      *nat = MAX (cnat, mnat);
    }
}

static void
bl_run_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BlRunView *self = BL_RUN_VIEW (widget);
  int cmin, mmin, wanted, matrix_w, matrix_h;

  gtk_widget_measure (self->charts_box, GTK_ORIENTATION_HORIZONTAL, height, &cmin, NULL, NULL,
                      NULL);
  gtk_widget_measure (self->matrix_box, GTK_ORIENTATION_HORIZONTAL, height, &mmin, &wanted,
                      NULL, NULL);
  /* The charts keep nine twentieths at least: their type grows with projector mode too. The
   * matrix stops at MATRIX_MAX: its counts are legible from the back of a room well before,
   * and a larger one costs a frame its budget each time it is repainted in software (the
   * area to paint, and the fresh shared-memory pages it touches). */
  matrix_w = MAX (mmin, MIN (wanted, MIN (width - SPACING - cmin,
                                          MIN (width * 11 / 20, MATRIX_MAX))));
  /* Narrower than it asks: its cells get narrower (down to square), the counts smaller. */
  matrix_h = height;
  gtk_widget_size_allocate (self->charts_box,
                            &(GtkAllocation) { 0, 0, MAX (0, width - SPACING - matrix_w),
                                               height }, -1);
  gtk_widget_size_allocate (self->matrix_box,
                            &(GtkAllocation) { width - matrix_w, 0, matrix_w, matrix_h }, -1);
}

static GtkSizeRequestMode
bl_run_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_WIDTH_FOR_HEIGHT;
}

GtkWidget *
bl_run_view_new (void)
{
  return g_object_new (BL_TYPE_RUN_VIEW, NULL);
}

static void
bl_run_view_dispose (GObject *object)
{
  BlRunView *self = BL_RUN_VIEW (object);

  disconnect_run (self);
  g_clear_object (&self->run);
  g_clear_object (&self->history);
  if (self->pacer)
    bl_frame_pacer_remove_regions (self->pacer, self);
  g_clear_object (&self->pacer);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_RUN_VIEW);
  /* GTK 4.8 leaves the template's top-level children parented. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (bl_run_view_parent_class)->dispose (object);
}

static void
bl_run_view_finalize (GObject *object)
{
  g_array_unref (BL_RUN_VIEW (object)->unshown_batches);
  G_OBJECT_CLASS (bl_run_view_parent_class)->finalize (object);
}

static void
bl_run_view_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  if (id == PROP_REPLAYED_EPOCH)
    g_value_set_uint (value, BL_RUN_VIEW (object)->replayed);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_run_view_class_init (BlRunViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_run_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_run_view_finalize;
  G_OBJECT_CLASS (klass)->get_property = bl_run_view_get_property;
  props[PROP_REPLAYED_EPOCH] = g_param_spec_uint ("replayed-epoch", NULL, NULL, 0, G_MAXUINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY |
                                                  G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, props);
  g_type_ensure (BL_TYPE_CHART);
  g_type_ensure (BL_TYPE_CONFUSION_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-run-view.ui");
  widget_class->measure = bl_run_view_measure;
  widget_class->size_allocate = bl_run_view_size_allocate;
  widget_class->get_request_mode = bl_run_view_get_request_mode;
  gtk_widget_class_bind_template_child (widget_class, BlRunView, charts_box);
  gtk_widget_class_bind_template_child (widget_class, BlRunView, matrix_box);
  gtk_widget_class_bind_template_child (widget_class, BlRunView, loss_chart);
  gtk_widget_class_bind_template_child (widget_class, BlRunView, acc_chart);
  gtk_widget_class_bind_template_child (widget_class, BlRunView, confusion_view);
  gtk_widget_class_bind_template_child (widget_class, BlRunView, epoch_scale);
  signals[SIGNAL_CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_INT, G_TYPE_UINT);
  gtk_widget_class_set_css_name (widget_class, "runview");
}

static void
bl_run_view_init (BlRunView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->unshown_batches = g_array_new (FALSE, FALSE, sizeof (BatchPoint));
  bl_chart_set_title (self->loss_chart, _("Loss"));
  bl_chart_set_x_label (self->loss_chart, _("epoch (batches in between)"));
  bl_chart_set_y_label (self->loss_chart, _("loss"));
  bl_chart_set_log_y (self->loss_chart, TRUE);
  bl_chart_set_title (self->acc_chart, _("Accuracy per epoch"));
  bl_chart_set_x_label (self->acc_chart, _("epoch"));
  bl_chart_set_x_whole_numbers (self->acc_chart, TRUE);
  bl_chart_set_y_label (self->acc_chart, _("accuracy %"));
  g_signal_connect (self->epoch_scale, "value-changed", G_CALLBACK (epoch_scale_cb), self);
  g_signal_connect (self->confusion_view, "cell-activated", G_CALLBACK (cell_activated_cb),
                    self);
  g_signal_connect (self->acc_chart, "cursor-moved", G_CALLBACK (chart_cursor_moved_cb), self);
  g_signal_connect (self->loss_chart, "cursor-moved", G_CALLBACK (chart_cursor_moved_cb), self);
  bl_run_view_set_run (self, NULL);   /* empty views with their series */
}
