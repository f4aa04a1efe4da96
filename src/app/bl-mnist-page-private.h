/* bl-mnist-page-private.h: the MNIST page's state, shared by the page (bl-mnist-page.c) and
 * the code that brings its views up to date frame by frame (bl-mnist-page-view.c). */
#pragma once

#include <gtk/gtk.h>

#include "bl-lr-compare.h"
#include "bl-mnist-page.h"
#include "nn-dataset.h"
#include "nn-model.h"
#include "nn-trainer.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-confusion-view.h"
#include "widgets/bl-digit-grid.h"
#include "widgets/bl-digit-pad.h"
#include "widgets/bl-digit-stages.h"

G_BEGIN_DECLS

struct _BlMnistPage {
  GtkWidget parent_instance;

  /* template children */
  GtkLabel       *data_label;
  GtkButton      *choose_button;
  GtkButton      *download_button;
  GtkButton      *cancel_download_button;
  GtkProgressBar *download_progress;
  GCancellable   *download_cancellable;
  GtkGrid        *arch_grid;
  GtkGrid        *recipe_grid;
  GtkLabel       *recipe_error;
  GtkButton      *start_button;
  GtkButton      *pause_button;
  GtkButton      *stop_button;
  GtkProgressBar *progress;
  GtkLabel       *status_label;
  BlChart        *batch_chart;
  BlChart        *loss_chart;
  BlChart        *acc_chart;
  BlConfusionView *confusion_view;
  GtkScale       *epoch_scale;
  GtkStack       *view_stack;
  BlLrCompare    *lr_compare;
  BlDigitPad     *digit_pad;
  BlDigitStages  *digit_stages;
  GtkButton      *clear_digit_button;
  GtkButton      *open_digit_button;
  GtkLabel       *try_model_label;

  /* recipe controls */
  GtkSpinButton  *epochs_spin, *batch_spin, *seed_spin, *threads_spin, *subset_spin,
                 *rotate_spin;
  GtkEntry       *lr_entry, *momentum_entry;
  GtkDropDown    *schedule_dropdown;

  GSettings      *settings;
  NnDataset      *data;
  char           *data_dir;
  GCancellable   *load_cancellable;

  /* the run */
  GThread        *thread;
  NnRecipe        recipe;         /* what the run's thread trains with */
  NnTrainer      *trainer;        /* made by the run's thread; guarded by lock */
  GCancellable   *cancellable;
  gboolean        paused;
  guint           epochs_done;
  guint           batches_seen;
  double          smoothed_loss;
  double          best_acc;
  guint           best_epoch;
  guint           batch_raw, batch_smooth, train_loss, test_loss, train_acc, test_acc;
  GArray         *history;        /* NnEpochRecord per finished epoch: the replay slider's */
  GPtrArray      *history_probs;  /* GBytes per epoch: every test image's softmax output */
  guint           compare_id;     /* this run's curve on the Compare page */
  GArray         *queue;          /* learning rates still to run (double) */

  /* what the screen does not show yet: brought up to date one region per frame by
   * bl-mnist-page-view.c */
  guint           to_clear;          /* ClearBits: views still showing the previous run */
  gboolean        recipe_locked;     /* what the recipe controls should be */
  GArray         *unshown_batches;   /* BatchPoint */
  char           *unshown_progress;  /* the progress bar's text, NULL when shown */
  char           *unshown_status;    /* the status line's latest sentence, NULL when shown */
  double          unshown_fraction;
  guint           loss_shown, acc_shown, slider_shown;   /* epochs of history on each */
  guint           best_marked;       /* the epoch the accuracy chart marks as best */
  char           *unshown_end;       /* how the run ended, for the status line; shown last */
  char           *unshown_end_bar;   /* and for the progress bar, NULL to leave it */
  guint           show_tick;
  gboolean        skip_tick;         /* the next frame paints a click's answer: leave it be */

  /* the network for saving, loading and trying digits: the latest epoch's, or a loaded one */
  GBytes         *state;
  char           *state_source;   /* where it came from, for the status line */
  NnModel        *model;          /* one thread, batch 1: predictions on the main thread */
  GtkWidget      *cell_window;
  BlDigitGrid    *cell_grid;

  /* worker → main thread */
  GMutex          lock;
  GArray         *pending_batches;   /* NnBatchReport */
  GArray         *pending_epochs;    /* NnEpochRecord */
  GPtrArray      *pending_probs;     /* GBytes, one per pending epoch */
  GPtrArray      *pending_states;    /* GBytes, one per pending epoch */
  GError         *pending_error;
  gboolean        pending_finished;
  guint           drain_idle;
};

/* One batch's points on the batch chart, waiting for their frame. */
typedef struct { double x, raw, smooth; } BatchPoint;

/* bl-mnist-page-view.c: what is reported reaches the screen one region per frame. */
gboolean bl_mnist_view_is_current       (BlMnistPage *self);
void     bl_mnist_view_schedule         (BlMnistPage *self);
void     bl_mnist_view_flush            (BlMnistPage *self);
void     bl_mnist_view_forget           (BlMnistPage *self);
void     bl_mnist_view_show_recipe_lock (BlMnistPage *self);

/* bl-mnist-page.c: pieces of the page the view calls. */
void     bl_mnist_page_set_status               (BlMnistPage *self, const char *text);
void     bl_mnist_page_set_run_buttons          (BlMnistPage *self, gboolean running);
void     bl_mnist_page_show_confusion_of_epoch  (BlMnistPage *self, guint epoch);

G_END_DECLS
