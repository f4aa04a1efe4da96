/* bl-backprop-page.c: the Backprop page. The page owns the model (parameters, learning
 * rates, one BlToyRun per rate and the current iteration); the widgets only show it. Computing
 * a change takes a few milliseconds, so it runs on the main thread (the Chart field is bounded
 * for that); exports take seconds and run on a worker (bl-backprop-export.h). */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "backprop/bl-backprop-export.h"
#include "backprop/bl-backprop-page.h"
#include "backprop/bl-ledger-model.h"
#include "backprop/bl-network-options.h"
#include "backprop/bl-step-through.h"
#include "backprop/bl-predict-panel.h"
#include "backprop/bl-published-panel.h"
#include "core/bl-toy-explore.h"
#include "bl-format.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-fit-label.h"
#include "widgets/bl-network-view.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-text.h"

/* As many rates as the palette has colours: no two curves ever share one. */
#define MAX_RATES 8
#define LR_SCALE_MIN -3.0   /* the sliders move log10 η over [10^-3, 30] */
#define LR_SCALE_MAX 1.4771212547   /* log10 30 */
/* Play's speeds, in iterations per second, as the speed menu lists them; 0: the whole chart in
 * FASTEST_SECONDS. */
static const guint play_speeds[] = { 1, 5, 20, 100, 0 };
#define DEFAULT_SPEED_INDEX 2
#define FASTEST_SECONDS 5.0
/* A saved export's message stays this long; an error stays until dismissed. */
#define STATUS_SECONDS 12

/* The editable quantities, in the order of the parameter grid. */
static const char *const param_names[] = {
  "i1", "i2", "t1", "t2", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2",
};
#define N_PARAMS G_N_ELEMENTS (param_names)

/* The ledger's columns left to right: the spreadsheet's order, with the given values that never
 * change (targets and inputs) last, so the ledger opens on the weights. */
static const BlToyColumn ledger_order[] = {
  BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3, BL_TOY_COL_W4, BL_TOY_COL_B1,
  BL_TOY_COL_H1, BL_TOY_COL_A_H1, BL_TOY_COL_H2, BL_TOY_COL_A_H2,
  BL_TOY_COL_W5, BL_TOY_COL_W6, BL_TOY_COL_W7, BL_TOY_COL_W8, BL_TOY_COL_B2,
  BL_TOY_COL_O1, BL_TOY_COL_A_O1, BL_TOY_COL_O2, BL_TOY_COL_A_O2,
  BL_TOY_COL_E1, BL_TOY_COL_E2, BL_TOY_COL_E_TOTAL,
  BL_TOY_COL_DW1, BL_TOY_COL_DW2, BL_TOY_COL_DW3, BL_TOY_COL_DW4,
  BL_TOY_COL_DW5, BL_TOY_COL_DW6, BL_TOY_COL_DW7, BL_TOY_COL_DW8,
  BL_TOY_COL_DB1, BL_TOY_COL_DB2,
  BL_TOY_COL_T1, BL_TOY_COL_T2, BL_TOY_COL_I1, BL_TOY_COL_I2,
};
G_STATIC_ASSERT (G_N_ELEMENTS (ledger_order) == BL_TOY_N_COLS);
#define ITERATION_COLUMN (-1)
#define LEDGER_END (-2)          /* the ledger's blank end: see fit_ledger_end */
/* A sideways scroll by hand settles onto a column's edge once it has rested this long. */
#define LEDGER_SETTLE_MS 200

typedef struct {
  BlBackpropPage *page;
  GtkWidget *row;
  GtkWidget *swatch;
  GtkWidget *entry;
  GtkWidget *scale;
  guint      chart_id;
  /* With a mistake chosen (another update order, a forgotten path): the correct network's run
   * at the same rate, drawn dashed in the same colour; NULL otherwise. */
  BlToyRun  *correct_run;
  guint      correct_chart_id;    /* 0: none */
} LrRow;

struct _BlBackpropPage {
  GtkWidget parent_instance;

  /* The runs are computed once the page's inputs are known: not in init (the window hands over
   * its settings right after), not for each setting read, but when first needed. */
  guint     defer_compute;   /* > 0: recompute_all only marks the runs stale */
  gboolean  runs_stale;
  guint     compute_idle;
  guint     n_computes;      /* recompute_all's full computations, for tests */

  /* template children */
  GtkRevealer   *banner_revealer;
  GtkLabel      *banner_label;
  GtkButton     *banner_close;
  GtkWidget     *sidebar;
  GtkPaned      *hpaned;
  GtkPaned      *vpaned;
  GtkPaned      *top_paned;
  GtkPaned      *ledger_paned;
  GtkDropDown   *speed_dropdown;
  BlFitLabel    *position_label;
  GtkWidget     *export_button;
  GtkRevealer   *status_revealer;
  GtkLabel      *status_label;
  GtkProgressBar *status_progress;
  GtkButton     *status_close;
  GtkSpinButton *run_n_spin;
  GtkAdjustment *run_n_adjustment;
  GtkSpinButton *iterations_spin;
  GtkAdjustment *iterations_adjustment;
  GtkImage      *play_icon;
  GtkLabel      *play_label;
  GtkDropDown   *preset_dropdown;
  GtkSwitch     *train_biases_switch;
  GtkGrid       *params_grid;
  BlNetworkOptions *network_options;
  BlStepThrough *step_through;
  BlPredictPanel *predict_panel;
  GtkWidget     *published_panel;
  GtkToggleButton *predict_toggle;
  /* The ledger run's divergence: the weight that blew up and the row whose update did it
   * (its cell and its gradient's are marked); BL_TOY_N_COLS when it did not diverge. */
  BlToyColumn    blown_param;
  guint          blown_row;
  /* A divergence newly found: the next update of the view goes to its cell. */
  gboolean       divergence_pending;
  GtkLabel      *params_error;
  GtkBox        *lr_box;
  GtkEntry      *lr_add_entry;
  GtkButton     *lr_add_button;
  GtkLabel      *lr_error;
  GtkEntry      *eps_entry;
  GtkGrid       *reach_grid;
  BlNetworkView *network_view;
  BlChart       *chart;
  GtkToggleButton *linear_toggle;
  GtkToggleButton *log_toggle;
  GtkDropDown   *ledger_run_dropdown;
  GtkScrolledWindow *iteration_scroller;
  GtkColumnView *iteration_view;
  GtkScrolledWindow *ledger_scroller;
  GtkColumnView *ledger_view;
  GtkOverlay    *ledger_overlay;
  GtkWidget     *ledger_more;      /* the panel over the column that does not fit whole */
  GtkWidget     *ledger_more_hint;
  GtkLabel      *formula_title;
  GtkLabel      *formula_label;
  GtkLabel      *substituted_label;
  GtkLabel      *chain_label;
  GtkLabel      *paths_label;
  GtkLabel      *check_label;
  GtkLabel      *walk_position;
  GtkLabel      *walk_text;
  GtkWidget     *walk_separator;

  /* the model */
  GSettings     *settings;
  BlToyParams    params;        /* the last valid parameters */
  GPtrArray     *lr_rows;       /* LrRow*, one per learning rate, in display order */
  GPtrArray     *runs;          /* BlToyRun*, parallel to lr_rows */
  guint          iterations;    /* rows per run − 1 */
  guint          current;       /* the iteration shown everywhere */
  BlToyColumn    selected_col;
  guint          ledger_run;
  double         eps;
  char          *notice;        /* a limit the page applied, shown in the banner */
  GtkWidget     *param_entries[N_PARAMS];
  BlLedgerModel *ledger;
  GtkSingleSelection *selection;
  GtkStringList *ledger_run_names;
  GPtrArray     *cells;         /* every ledger cell label that exists (they are recycled) */
  guint          widths_idle;
  guint          tick_id;
  guint          scroll_idle;
  GdkFrameClock *scroll_clock;    /* weak: the clock scroll_handler is on */
  guint          ledger_tick;     /* waits for the ledger's first allocation */
  gboolean       ledger_allocated;
  gulong         scroll_handler;
  BlToyColumn    scroll_col;    /* a column the ledger scrolls sideways into view, or N_COLS */
  guint          ledger_first;  /* the data column to keep flush against the pinned one */
  guint          ledger_rest;   /* the data column flush against it when the scroll last rested */
  guint          refitting : 1; /* a scroll of refit_ledger_cb's own */
  guint          settle_id;     /* a sideways scroll by hand, settling onto a column's edge */
  guint          refit_ledger_idle;   /* the widths or the page changed: ledger_first again */
  GdkFrameClock *refit_clock;   /* weak: the clock refit_handler is on */
  gulong         refit_handler;
  GtkColumnViewColumn *ledger_end;    /* the blank end (the view owns it) */
  gint64         play_last_us;
  double         play_carry;
  /* exports */
  GCancellable  *export_cancellable;
  guint          pulse_id;
  guint          status_hide_id;
  guint          syncing : 1;   /* a selection change we made ourselves */
  guint          ledger_biases : 1;   /* the ledger currently has the bias columns */
  guint          show_sidebar : 1;
  guint          exporting : 1;
  guint          placing_panes : 1;   /* a pane position we set ourselves */
  guint          sidebar_chosen : 1;  /* the teacher showed or hid the sidebar */
  guint          sidebar_idle;
  guint          refit_idle;
  guint          follow_id;
  gint64         ledger_followed_us;
  int            formula_width;   /* the width the formulas were last broken for */
  guint          panes_dragged : 4;   /* bit i: the user moved pane i, which keeps its place */
};

G_DEFINE_FINAL_TYPE (BlBackpropPage, bl_backprop_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SHOW_SIDEBAR, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void update_current_view (BlBackpropPage *self);
static void rebuild_lr_rows (BlBackpropPage *self, const double *lrs, guint n);
static void build_ledger_columns (BlBackpropPage *self, gboolean biases);
static void queue_column_widths (BlBackpropPage *self);

/* ------------------------------------------------------------------------------------------
 * Messages
 */

static void
show_banner (BlBackpropPage *self, const char *text)
{
  if (text == NULL)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }
  gtk_label_set_text (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
set_field_error (GtkWidget *entry, GtkLabel *message, const char *text)
{
  if (text)
    {
      gtk_widget_add_css_class (entry, "error");
      gtk_label_set_text (message, text);
      gtk_widget_set_visible (GTK_WIDGET (message), TRUE);
      gtk_accessible_update_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID,
                                   GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (entry, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_STATE_INVALID);
    }
}

/* The banner reports runs that stopped at a non-finite value, and a limit the page applied. */
static void
update_stop_banner (BlBackpropPage *self)
{
  g_autoptr(GString) text = g_string_new (self->notice);
  BlToyColumn was_param = self->blown_param;
  guint was_row = self->blown_row;

  self->blown_param = BL_TOY_N_COLS;

  for (guint i = 0; i < self->runs->len; i++)
    {
      const BlToyRun *run = g_ptr_array_index (self->runs, i);
      BlToyDivergence d;

      if (bl_toy_run_divergence (run, &d))
        {
          g_autofree char *lr = bl_format_rate (run->lr);
          g_autofree char *last = bl_format_count (d.last_finite_row);
          g_autofree char *row = bl_format_count (d.update_row);
          if (text->len)
            g_string_append_c (text, ' ');
          if (d.kind == BL_TOY_DIVERGE_NONFINITE)
            g_string_append_printf (text, _("At η = %s the values stop being finite after "
                                            "iteration %s, where that run ends: %s blew up "
                                            "first, in the update of iteration %s: %s."),
                                    lr, last, bl_toy_column_name (d.param), row, d.update);
          else
            g_string_append_printf (text, _("At η = %s the loss grows: it ends above where it "
                                            "started. The first update that raised it "
                                            "(iteration %s) moved %s most: %s."),
                                    lr, row, bl_toy_column_name (d.param), d.update);
          if (i == self->ledger_run)
            {
              self->blown_param = d.param;
              self->blown_row = d.update_row;
            }
        }
      bl_toy_divergence_clear (&d);
    }
  /* A new divergence is shown where it happened (its row current, its weight explained and in
   * view); the same one found again leaves the class where it is. */
  if (self->blown_param != BL_TOY_N_COLS &&
      (self->blown_param != was_param || self->blown_row != was_row))
    self->divergence_pending = TRUE;
  show_banner (self, text->len ? text->str : NULL);
}

static void
set_notice (BlBackpropPage *self, const char *notice)
{
  if (g_strcmp0 (self->notice, notice) == 0)
    return;
  g_free (self->notice);
  self->notice = g_strdup (notice);
  update_stop_banner (self);
}

/* The page computes BL_BACKPROP_MAX_ITERATIONS per rate at most; say so where it applied. */
static void
notice_iteration_limit (BlBackpropPage *self)
{
  g_autofree char *max = bl_format_count (BL_BACKPROP_MAX_ITERATIONS);
  g_autofree char *text = g_strdup_printf (_("The page computes at most %s iterations per "
                                             "learning rate (about 40 ms and 6 MB for six "
                                             "rates); it stops there."), max);
  set_notice (self, text);
}

/* The status line under the toolbar: an export's progress (@fraction in [0, 1], < 0 while it
 * cannot be told, NaN for no bar) and then its result. */
static gboolean
pulse_cb (gpointer data)
{
  gtk_progress_bar_pulse (BL_BACKPROP_PAGE (data)->status_progress);
  return G_SOURCE_CONTINUE;
}

static gboolean
hide_status_cb (gpointer data)
{
  BlBackpropPage *self = data;

  self->status_hide_id = 0;
  gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
show_status (BlBackpropPage *self, const char *text, double fraction, gboolean is_error)
{
  g_clear_handle_id (&self->status_hide_id, g_source_remove);
  if (text)
    gtk_label_set_text (self->status_label, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error-message");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error-message");
  gtk_widget_set_visible (GTK_WIDGET (self->status_progress), !isnan (fraction));
  if (fraction < 0)
    {
      if (self->pulse_id == 0)
        self->pulse_id = g_timeout_add (100, pulse_cb, self);
    }
  else
    {
      g_clear_handle_id (&self->pulse_id, g_source_remove);
      if (!isnan (fraction))
        gtk_progress_bar_set_fraction (self->status_progress, fraction);
    }
  gtk_revealer_set_reveal_child (self->status_revealer, TRUE);
}

/* ------------------------------------------------------------------------------------------
 * Recomputing and redrawing
 */

static double
lr_of_row (const LrRow *row)
{
  double lr = NAN;
  bl_toy_parse_double (gtk_editable_get_text (GTK_EDITABLE (row->entry)), &lr, NULL);
  return lr;
}

/* The colour of rate row @i: its slot among the page's rates (bl-palette.h), so no two curves
 * share a colour. */
static void
rate_color (BlBackpropPage *self, guint i, GdkRGBA *c)
{
  guint n = self->lr_rows->len;
  g_autofree double *lrs = g_new (double, MAX (n, 1));
  g_autofree guint *slots = g_new (guint, MAX (n, 1));

  for (guint k = 0; k < n; k++)
    lrs[k] = lr_of_row (g_ptr_array_index (self->lr_rows, k));
  bl_palette_slots_for_rates (lrs, n, slots);
  bl_palette_color (i < n ? slots[i] : i, c);
}

/* Slots follow the rates' order: a changed, added or removed rate may move the others'. */
static void
recolor_rates (BlBackpropPage *self)
{
  for (guint i = 0; i < self->lr_rows->len; i++)
    {
      LrRow *row = g_ptr_array_index (self->lr_rows, i);
      GdkRGBA c;
      rate_color (self, i, &c);
      bl_chart_series_set_color (self->chart, row->chart_id, &c);
      if (row->correct_chart_id)
        bl_chart_series_set_color (self->chart, row->correct_chart_id, &c);
      gtk_widget_queue_draw (row->swatch);
    }
}

static char *
rate_label (double lr)
{
  g_autofree char *rate = bl_format_rate (lr);
  return g_strdup_printf ("η = %s", rate);
}

static void
update_chart_series (BlBackpropPage *self, guint i)
{
  LrRow *row = g_ptr_array_index (self->lr_rows, i);
  const BlToyRun *run = g_ptr_array_index (self->runs, i);

  bl_chart_series_set_data (self->chart, row->chart_id, NULL, run->loss,
                            bl_ledger_shown_rows (run));
  if (row->correct_run && row->correct_chart_id == 0)
    {
      g_autofree char *rate = rate_label (row->correct_run->lr);
      g_autofree char *label = g_strdup_printf (_("%s, correct"), rate);
      GdkRGBA c;
      rate_color (self, i, &c);
      row->correct_chart_id = bl_chart_add_series (self->chart, label, &c, BL_CHART_LINE_DASHED);
    }
  else if (row->correct_run == NULL && row->correct_chart_id)
    {
      bl_chart_remove_series (self->chart, row->correct_chart_id);
      row->correct_chart_id = 0;
    }
  if (row->correct_run)
    {
      bl_chart_series_set_data (self->chart, row->correct_chart_id, NULL, row->correct_run->loss,
                                row->correct_run->n_rows);
      /* One dashed entry in the legend (the ledger's rate) says what dashed means; six would
       * double the legend. */
      bl_chart_series_set_in_legend (self->chart, row->correct_chart_id, i == self->ledger_run);
    }
}

static void
update_reach_table (BlBackpropPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reach_grid))) != NULL)
    gtk_grid_remove (self->reach_grid, child);
  for (guint i = 0; i < self->runs->len; i++)
    {
      const BlToyRun *run = g_ptr_array_index (self->runs, i);
      gint64 k = bl_toy_run_rows_to_reach (run, self->eps);
      g_autofree char *lr = rate_label (run->lr);
      g_autofree char *count = bl_format_count (k >= 0 ? (guint64) k : run->n_rows - 1);
      g_autofree char *n = k >= 0 ? g_strdup (count) : g_strdup_printf (_("not within %s"), count);
      GtkWidget *a = gtk_label_new (NULL), *b = gtk_label_new (n);
      GdkRGBA c;
      g_autofree char *markup = NULL;

      rate_color (self, i, &c);
      markup = g_markup_printf_escaped ("<span foreground=\"#%02x%02x%02x\">●</span> %s",
                                        (int) (c.red * 255), (int) (c.green * 255),
                                        (int) (c.blue * 255), lr);
      gtk_label_set_markup (GTK_LABEL (a), markup);
      gtk_label_set_xalign (GTK_LABEL (a), 0);
      gtk_label_set_xalign (GTK_LABEL (b), 1);
      gtk_widget_set_hexpand (b, TRUE);
      gtk_widget_add_css_class (b, "numeric");
      gtk_grid_attach (self->reach_grid, a, 0, i, 1, 1);
      gtk_grid_attach (self->reach_grid, b, 1, i, 1, 1);
    }
}

static void
refresh_ledger_names (BlBackpropPage *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint old = g_list_model_get_n_items (G_LIST_MODEL (self->ledger_run_names));

  for (guint i = 0; i < self->runs->len; i++)
    g_ptr_array_add (names, rate_label (((BlToyRun *) g_ptr_array_index (self->runs, i))->lr));
  g_ptr_array_add (names, NULL);
  self->syncing = TRUE;
  gtk_string_list_splice (self->ledger_run_names, 0, old, (const char *const *) names->pdata);
  if (self->ledger_run >= self->runs->len)
    self->ledger_run = 0;
  gtk_drop_down_set_selected (self->ledger_run_dropdown, self->ledger_run);
  self->syncing = FALSE;
}

/* GTK 4.8's list views create and bind up to 200 rows until a layout has told them how tall
 * a row is and how many are in view: for the ledger, 6,400 cells and over a second of the
 * window's start. So the ledger shows one row until it has been laid out, then all of them (a
 * tick callback: the next frame's update phase, before its layout). */
static gboolean
ledger_allocated_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (widget);

  if (gtk_widget_get_height (GTK_WIDGET (self->ledger_view)) == 0)
    return G_SOURCE_CONTINUE;
  self->ledger_tick = 0;
  self->ledger_allocated = TRUE;
  bl_ledger_model_set_row_limit (self->ledger, 0);
  update_current_view (self);
  return G_SOURCE_REMOVE;
}

static void
reset_ledger_model (BlBackpropPage *self)
{
  if (!self->ledger_allocated)
    {
      bl_ledger_model_set_row_limit (self->ledger, 1);
      if (self->ledger_tick == 0)
        self->ledger_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self),
                                                          ledger_allocated_tick_cb, NULL, NULL);
    }
  self->syncing = TRUE;
  bl_ledger_model_set_run (self->ledger, self->runs->len
                           ? g_ptr_array_index (self->runs, self->ledger_run) : NULL);
  self->syncing = FALSE;
  /* The widest iteration number may have changed. */
  queue_column_widths (self);
}

/* (Re)compute run @i from the current parameters and its row's learning rate. */
static void
recompute_run (BlBackpropPage *self, guint i)
{
  LrRow *row = g_ptr_array_index (self->lr_rows, i);
  BlToyRun *run = bl_toy_run_new (&self->params, lr_of_row (row));

  bl_toy_run_compute (run, self->iterations);
  g_ptr_array_index (self->runs, i) = run;
  g_clear_pointer (&row->correct_run, bl_toy_run_free);
  if (self->params.update_order != BL_TOY_ORDER_SIMULTANEOUS || self->params.forget_path != 0)
    {
      BlToyParams correct = self->params;
      correct.update_order = BL_TOY_ORDER_SIMULTANEOUS;
      correct.forget_path = 0;
      row->correct_run = bl_toy_run_new (&correct, run->lr);
      bl_toy_run_compute (row->correct_run, self->iterations);
    }
}

static void
recompute_all (BlBackpropPage *self)
{
  if (self->defer_compute > 0)
    {
      self->runs_stale = TRUE;
      return;
    }
  self->runs_stale = FALSE;
  g_clear_handle_id (&self->compute_idle, g_source_remove);
  self->n_computes++;
  if (self->ledger_biases != (guint) !!self->params.has_biases)
    {
      self->ledger_biases = !!self->params.has_biases;
      build_ledger_columns (self, self->params.has_biases);
    }
  g_ptr_array_set_size (self->runs, 0);
  g_ptr_array_set_size (self->runs, self->lr_rows->len);
  for (guint i = 0; i < self->lr_rows->len; i++)
    {
      recompute_run (self, i);
      update_chart_series (self, i);
    }
  refresh_ledger_names (self);
  update_stop_banner (self);   /* first: it finds the cell a divergence marks */
  reset_ledger_model (self);
  update_reach_table (self);
  update_current_view (self);
}

/* The runs as the inputs say, computed now if they were left stale. */
static void
ensure_computed (BlBackpropPage *self)
{
  if (self->runs_stale && self->defer_compute == 0)
    recompute_all (self);
}

static gboolean
compute_idle_cb (gpointer data)
{
  BlBackpropPage *self = data;

  self->compute_idle = 0;
  ensure_computed (self);
  return G_SOURCE_REMOVE;
}

static void
set_iterations_spin (BlBackpropPage *self, guint iterations)
{
  g_signal_handlers_block_matched (self->iterations_spin, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   self);
  gtk_spin_button_set_value (self->iterations_spin, iterations);
  g_signal_handlers_unblock_matched (self->iterations_spin, G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                     NULL, self);
}

/* Grow or shrink every run to @iterations (growing computes only the new rows). */
static void
resize_runs (BlBackpropPage *self, guint iterations)
{
  iterations = CLAMP (iterations, 1, BL_BACKPROP_MAX_ITERATIONS);
  if (iterations == self->iterations)
    return;
  self->iterations = iterations;
  for (guint i = 0; i < self->runs->len; i++)
    {
      LrRow *row = g_ptr_array_index (self->lr_rows, i);
      bl_toy_run_compute (g_ptr_array_index (self->runs, i), iterations);
      if (row->correct_run)
        bl_toy_run_compute (row->correct_run, iterations);
      update_chart_series (self, i);
    }
  set_iterations_spin (self, iterations);
  update_stop_banner (self);   /* first: it finds the cell a divergence marks */
  reset_ledger_model (self);
  update_reach_table (self);
  if (self->settings)
    g_settings_set_uint (self->settings, "iterations", iterations);
}

/* ------------------------------------------------------------------------------------------
 * The current iteration: ledger selection, chart cursor, diagram, formula panel
 */

static const BlToyRun *
ledger_run (BlBackpropPage *self)
{
  return self->runs->len ? g_ptr_array_index (self->runs, self->ledger_run) : NULL;
}

static gboolean
is_operator (gunichar c)
{
  return c == '+' || c == '-' || c == 0x2212 || c == 0x00B7 || c == 0x00D7 || c == '/' ||
         c == '*';
}

/* A formula may break before its "=" signs only: the spaces around its operators become
 * no-break spaces, so "0.17789 + 0.06463" never splits over two lines. Prose (a run of two
 * spaces and what follows a word) keeps its ordinary spaces. */
static char *
formula_breakable (const char *text)
{
  GString *out = g_string_sized_new (strlen (text) + 16);
  gunichar prev = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c == ' ' && prev != ' ' && p[1] != ' ')
        {
          gunichar next = p[1] ? g_utf8_get_char (p + 1) : 0;
          if (is_operator (prev) || prev == '=' || is_operator (next))
            {
              g_string_append_unichar (out, 0x00A0);
              prev = c;
              continue;
            }
        }
      g_string_append_unichar (out, c);
      prev = c;
    }
  return g_string_free (out, FALSE);
}

/* The widest piece of @text that may not break, in @label's font. */
static int
widest_unbreakable (GtkLabel *label, const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  int widest = 0;

  for (guint i = 0; lines[i]; i++)
    {
      g_auto(GStrv) pieces = g_strsplit (lines[i], " ", -1);
      for (guint j = 0; pieces[j]; j++)
        {
          PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (label), pieces[j]);
          int w;
          pango_layout_get_pixel_size (layout, &w, NULL);
          widest = MAX (widest, w);
          g_object_unref (layout);
        }
    }
  return widest;
}

/* A formula breaks before its "=" signs only, if the panel is wide enough for that; else at any
 * space, which still never splits a number. */
static void
set_formula_text (GtkLabel *label, const char *text)
{
  g_autofree char *breakable = formula_breakable (text);
  int width = gtk_widget_get_width (GTK_WIDGET (label));

  g_object_set_data_full (G_OBJECT (label), "formula", g_strdup (text), g_free);
  if (width > 0 && widest_unbreakable (label, breakable) > width)
    gtk_label_set_text (label, text);
  else
    gtk_label_set_text (label, breakable);
}

/* After the panel changed width: the same formulas, broken for the new width. */
static gboolean
refit_formulas_cb (gpointer data)
{
  BlBackpropPage *self = data;
  GtkLabel *labels[] = { self->formula_label, self->substituted_label, self->chain_label,
                         self->walk_text };

  self->refit_idle = 0;
  self->formula_width = gtk_widget_get_width (GTK_WIDGET (self->formula_label));
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      const char *text = g_object_get_data (G_OBJECT (labels[i]), "formula");
      if (text)
        {
          g_autofree char *copy = g_strdup (text);   /* set_formula_text replaces it */
          set_formula_text (labels[i], copy);
        }
    }
  return G_SOURCE_REMOVE;
}

/* The two paths' colours: Okabe–Ito green and reddish purple, apart from the edges' blue and
 * vermilion. */
static void
path_colors (GdkRGBA colors[2])
{
  bl_palette_color (2, &colors[0]);
  bl_palette_color (3, &colors[1]);
}

/* The hidden unit whose gradient @col goes through (1: h1, 2: h2), or 0: its ∂E_total/∂a_h is
 * a sum over the two outputs' paths. */
static guint
column_hidden_unit (BlToyColumn col)
{
  switch (col)
    {
    case BL_TOY_COL_DW1: case BL_TOY_COL_DW2:
      return 1;
    case BL_TOY_COL_DW3: case BL_TOY_COL_DW4:
      return 2;
    default:
      return 0;
    }
}

/* A hidden-layer gradient: ∂E_total/∂a_h as the sum of its path through o1 and through o2,
 * each with its numbers, in the colours the diagram draws them in. */
static void
update_paths (BlBackpropPage *self, const BlToyParams *p, const BlToyRow *row, BlToyColumn col)
{
  guint hidden = column_hidden_unit (col);
  GdkRGBA colors[2];
  BlToyPathSplit split;
  g_autoptr(GString) text = NULL;

  path_colors (colors);
  bl_network_view_set_paths (self->network_view, hidden, colors);
  gtk_widget_set_visible (GTK_WIDGET (self->paths_label), hidden != 0);
  if (hidden == 0)
    return;
  bl_toy_path_split (p, row, hidden - 1, &split);
  text = g_string_new (NULL);
  g_string_append_printf (text, _("∂E_total/∂a_h%u is the sum of two paths:"), hidden);
  for (guint k = 0; k < 2; k++)
    {
      g_autofree char *line =
        g_strdup_printf (_("through o%u: δo%u · %s = %.9g · %.9g = %.9g"), k + 1, k + 1,
                         bl_toy_column_name (split.weight[k]), split.delta_out[k],
                         split.weight_used[k], split.through[k]);
      g_autofree char *escaped = g_markup_escape_text (line, -1);
      g_string_append_printf (text, "\n<span foreground=\"#%02x%02x%02x\">●</span> %s",
                              (int) (colors[k].red * 255), (int) (colors[k].green * 255),
                              (int) (colors[k].blue * 255), escaped);
    }
  g_string_append_printf (text, "\n%s", _("sum"));
  g_string_append_printf (text, " = %.9g", split.total);
  if (p->forget_path)
    {
      g_autofree char *note =
        g_strdup_printf (_("This run forgets the path through o%u: it uses %.9g instead."),
                         p->forget_path, split.through[p->forget_path == 1 ? 1 : 0]);
      g_autofree char *escaped = g_markup_escape_text (note, -1);
      g_string_append_printf (text, "\n%s", escaped);
    }
  {
    /* Real minus signs, as in the other formulas. */
    g_autofree char *shown = NULL;
    GString *m = g_string_new (NULL);
    for (const char *c = text->str; *c; c++)
      {
        if (*c == '-' && (c == text->str || c[-1] == ' ' || c[-1] == '(' || c[-1] == '='))
          g_string_append (m, "−");
        else
          g_string_append_c (m, *c);
      }
    shown = g_string_free (m, FALSE);
    gtk_label_set_markup (self->paths_label, shown);
  }
}

static void
update_formula_panel (BlBackpropPage *self)
{
  const BlToyRun *run = ledger_run (self);
  BlToyColumn col = self->selected_col;
  BlToyParams p;
  BlToyRow row, prev;
  guint k;
  g_autofree char *title = NULL, *formula = NULL, *subst = NULL, *chain = NULL;
  g_autofree char *iteration = NULL, *lr = NULL;

  if (run == NULL)
    return;
  k = MIN (self->current, bl_ledger_shown_rows (run) - 1);
  if (!bl_toy_column_visible (col, run->init.has_biases))
    col = self->selected_col = BL_TOY_COL_E_TOTAL;
  bl_toy_run_get_params (run, k, &p);
  /* The row as the run computed it (in the output-first order its hidden gradients depend
   * on η): the formulas and numbers below all come from the toy's one description. */
  bl_toy_run_get_row (run, k, &row);
  if (k > 0)
    bl_toy_run_get_row (run, k - 1, &prev);

  iteration = bl_format_count (k);
  lr = bl_format_rate (run->lr);
  title = g_strdup_printf (_("%s at iteration %s, η = %s"), bl_toy_column_label (col), iteration,
                           lr);
  formula = bl_toy_formula_for (col, &p);
  subst = bl_toy_formula_substituted (col, &p, &row, k > 0 ? &prev : NULL, run->lr);
  chain = bl_toy_chain_rule (col, &p, &row);
  gtk_label_set_text (self->formula_title, title);
  set_formula_text (self->formula_label, formula);
  set_formula_text (self->substituted_label, subst);
  set_formula_text (self->chain_label, chain ? chain : "");
  gtk_widget_set_visible (GTK_WIDGET (self->chain_label), chain != NULL);
  update_paths (self, &p, &row, col);

  if (bl_toy_column_is_gradient (col))
    {
      static const BlToyColumn params[] = {
        BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3, BL_TOY_COL_W4, BL_TOY_COL_W5,
        BL_TOY_COL_W6, BL_TOY_COL_W7, BL_TOY_COL_W8, BL_TOY_COL_B1, BL_TOY_COL_B2,
      };
      BlToyColumn param = BL_TOY_N_COLS;
      double numeric, analytic = row.v[col], rel;
      g_autofree char *check = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (params); i++)
        if (bl_toy_param_gradient (params[i]) == col)
          param = params[i];
      numeric = bl_toy_numeric_gradient (&p, param, 1e-6);
      rel = fabs (analytic - numeric) / MAX (MAX (fabs (analytic), fabs (numeric)), 1e-300);
      check = g_strdup_printf (_("Numerical check (central difference, h = 10⁻⁶): "
                                 "(E(%s + h) − E(%s − h)) / 2h = %.12g;  analytic %.12g;  "
                                 "relative error %.2e"),
                               bl_toy_column_name (param), bl_toy_column_name (param), numeric,
                               analytic, rel);
      gtk_label_set_text (self->check_label, check);
      gtk_widget_set_visible (GTK_WIDGET (self->check_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->check_label), FALSE);
}

/* ---- The pinned iteration column. A copy of the ledger's first column lies over its left
 * edge (an overlay); the rest scrolls sideways under it as a spreadsheet's frozen column does,
 * by whole columns: wherever a scroll leaves the ledger, it settles with a column's left edge
 * flush against the pinned one, so no column (no number, no title) sits half under it. */

/* The scroll values at which each data column of the ledger starts flush against the pinned
 * column: the widths of the data columns before it (the ledger's own iteration column, its
 * first, lies under the pinned copy, as wide). The fixed widths are what the view allocates
 * (size_columns). @edges gets one value a data column, then the right edge of the last;
 * @ids (nullable) each one's "ledger-column"; returns how many data columns. */
static guint
ledger_edges_with_ids (BlBackpropPage *self, double edges[BL_TOY_N_COLS + 1],
                       int ids[BL_TOY_N_COLS])
{
  GListModel *columns = gtk_column_view_get_columns (self->ledger_view);
  guint n = 0;
  double x = 0;

  for (guint i = 0; i < g_list_model_get_n_items (columns) && n < BL_TOY_N_COLS; i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (c), "ledger-column"));
      if (col == ITERATION_COLUMN || col == LEDGER_END || !gtk_column_view_column_get_visible (c))
        continue;
      if (ids)
        ids[n] = col;
      edges[n++] = x;
      x += gtk_column_view_column_get_fixed_width (c);
    }
  edges[n] = x;
  return n;
}

static guint
ledger_edges (BlBackpropPage *self, double edges[BL_TOY_N_COLS + 1])
{
  return ledger_edges_with_ids (self, edges, NULL);
}

/* How wide the ledger shows its data columns: its page less the pinned column. */
static double
ledger_data_page (BlBackpropPage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (self->ledger_scroller);
  g_autoptr(GtkColumnViewColumn) first =
    g_list_model_get_item (gtk_column_view_get_columns (self->ledger_view), 0);

  return gtk_adjustment_get_page_size (adj) -
         (first ? gtk_column_view_column_get_fixed_width (first) : 0);
}

/* The data column the view's right edge cuts (its "ledger-column" in @cut): where it starts in
 * the view, at the pinned column's edge at the least (the end of the last whole column), or −1
 * if every column in view is whole. From the same edges as the settling. */
static double
ledger_cut_x (BlBackpropPage *self, int *cut)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (self->ledger_scroller);
  double edges[BL_TOY_N_COLS + 1], value = gtk_adjustment_get_value (adj);
  double page = gtk_adjustment_get_page_size (adj);
  double pinned = page - ledger_data_page (self);
  int ids[BL_TOY_N_COLS];
  guint n = ledger_edges_with_ids (self, edges, ids), i = 0;

  while (i < n && pinned + edges[i + 1] - value <= page + 0.5)
    i++;
  if (i == n || page <= 0 || pinned + edges[i] - value >= page - 0.5)
    return -1;
  *cut = ids[i];
  return MAX (pinned + edges[i] - value, pinned);
}

/* The panel over the column the view's right edge cuts: shown while one is cut, with its hint
 * where the hint fits whole; placed at the next allocation (ledger_more_position). Called
 * whenever the scroll, the page or the widths change. */
static void
update_ledger_more (BlBackpropPage *self)
{
  int cut = 0, nat = 0;
  double x = ledger_cut_x (self, &cut);
  double width = gtk_adjustment_get_page_size (
    gtk_scrolled_window_get_hadjustment (self->ledger_scroller)) - x;

  /* The label, not its box: a hidden widget measures nothing. */
  if (x >= 0)
    gtk_widget_measure (gtk_widget_get_first_child (self->ledger_more_hint),
                        GTK_ORIENTATION_HORIZONTAL, -1, NULL, &nat, NULL, NULL);
  if (gtk_widget_get_visible (self->ledger_more) != (x >= 0))
    gtk_widget_set_visible (self->ledger_more, x >= 0);
  if (x >= 0 && gtk_widget_get_visible (self->ledger_more_hint) != (nat <= width))
    gtk_widget_set_visible (self->ledger_more_hint, nat <= width);
  gtk_widget_queue_allocate (GTK_WIDGET (self->ledger_overlay));
}

/* The overlay places the panel over the view from the cut column's left edge to the view's
 * right one, its full height (titles too). */
static gboolean
ledger_more_position (GtkOverlay *overlay, GtkWidget *widget, GdkRectangle *rect,
                      BlBackpropPage *self)
{
  graphene_rect_t view;
  int cut = 0, min = 0;
  double x;

  if (widget != self->ledger_more)
    return FALSE;
  if (!gtk_widget_compute_bounds (GTK_WIDGET (self->ledger_view), GTK_WIDGET (overlay), &view))
    graphene_rect_init (&view, 0, 0, 0, 0);
  /* None cut (the panel is hidden by the next update_ledger_more): nothing covered. */
  x = ledger_cut_x (self, &cut);
  if (x < 0)
    x = view.size.width;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  rect->x = (int) floor (view.origin.x + x);
  rect->y = (int) floor (view.origin.y);
  rect->width = MAX ((int) ceil (view.origin.x + view.size.width) - rect->x, min);
  gtk_widget_measure (widget, GTK_ORIENTATION_VERTICAL, rect->width, &min, NULL, NULL, NULL);
  rect->height = MAX ((int) ceil (view.size.height), min);
  return TRUE;
}

/* The blank end, like a sheet's empty columns: none while the data columns fit; else as wide as
 * it takes for the scroll to reach the first column edge from which the last column is seen
 * whole (without it, the far right would leave a column half under the pinned one), and no
 * narrower than the last column (its header has a button's padding to hold). */
static void
fit_ledger_end (BlBackpropPage *self)
{
  double edges[BL_TOY_N_COLS + 1];
  guint n = ledger_edges (self, edges), k = 0;
  double need = edges[n] - ledger_data_page (self);   /* the last column's end at the right */
  int width = 0;

  if (self->ledger_end == NULL)
    return;
  if (n > 0 && need > 0)
    {
      while (k + 1 < n && edges[k] < need - 0.5)
        k++;
      width = (int) ceil (edges[k] - need);
      if (width > 0)
        width = MAX (width, (int) (edges[n] - edges[n - 1]));
    }
  if (width > 0 && gtk_column_view_column_get_fixed_width (self->ledger_end) != width)
    gtk_column_view_column_set_fixed_width (self->ledger_end, width);
  gtk_column_view_column_set_visible (self->ledger_end, width > 0);
}

/* Scroll the ledger sideways so column @col is in view, right of the pinned iteration column:
 * by as little as it takes, onto a column's edge. */
static void
scroll_ledger_to_column (BlBackpropPage *self, BlToyColumn col)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (self->ledger_scroller);
  GListModel *columns = gtk_column_view_get_columns (self->ledger_view);
  double edges[BL_TOY_N_COLS + 1], value = gtk_adjustment_get_value (adj);
  double page = ledger_data_page (self);
  guint n = ledger_edges (self, edges), i = 0, k = 0;

  /* Which data column it is: the ledger's columns in order, less the iteration column. */
  for (guint j = 0; j < g_list_model_get_n_items (columns); j++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, j);
      int data = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (c), "ledger-column"));
      if (data == (int) col)
        break;
      if (data != ITERATION_COLUMN && gtk_column_view_column_get_visible (c))
        i++;
    }
  if (i >= n)
    return;
  if (edges[i] < value)
    k = i;   /* from the left: flush against the pinned column */
  else if (edges[i + 1] > value + page)
    {
      /* From the right: the first edge from which it ends in view (its own at the most). */
      while (k < i && edges[k] < edges[i + 1] - page - 0.5)
        k++;
    }
  else
    return;
  gtk_adjustment_set_value (adj, edges[k]);
}

/* Whether a pointer button is held (a scrollbar being dragged): the scroll settles after. */
static gboolean
pointer_button_held (GtkWidget *widget)
{
  GdkSeat *seat = gdk_display_get_default_seat (gtk_widget_get_display (widget));
  GdkDevice *pointer = seat ? gdk_seat_get_pointer (seat) : NULL;
  GtkNative *native = gtk_widget_get_native (widget);
  GdkModifierType mask = 0;
  double x, y;

  if (pointer && native && gtk_native_get_surface (native))
    gdk_surface_get_device_position (gtk_native_get_surface (native), pointer, &x, &y, &mask);
  return (mask & (GDK_BUTTON1_MASK | GDK_BUTTON2_MASK | GDK_BUTTON3_MASK)) != 0;
}

/* A sideways scroll by hand has rested between two edges: onto the nearer, unless that is the
 * edge it started from (a small step, a wheel's notch), then onto the next one its way. */
static gboolean
settle_ledger_cb (gpointer data)
{
  BlBackpropPage *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (self->ledger_scroller);
  double edges[BL_TOY_N_COLS + 1], value = gtk_adjustment_get_value (adj);
  double max = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  guint n = ledger_edges (self, edges), best = 0, reach = 0;

  self->settle_id = 0;
  if (n == 0)
    return G_SOURCE_REMOVE;
  if (pointer_button_held (GTK_WIDGET (self)))
    {
      self->settle_id = g_timeout_add (LEDGER_SETTLE_MS, settle_ledger_cb, self);
      return G_SOURCE_REMOVE;
    }
  while (reach + 1 < n && edges[reach + 1] <= max + 0.5)
    reach++;
  for (guint k = 1; k <= reach; k++)
    if (fabs (edges[k] - value) < fabs (edges[best] - value))
      best = k;
  if (best == self->ledger_rest)
    best = value > edges[best] ? MIN (best + 1, reach) : best > 0 ? best - 1 : 0;
  gtk_adjustment_set_value (adj, edges[best]);
  return G_SOURCE_REMOVE;
}

/* The ledger scrolled sideways: resting on a column's edge, that column is the one flush
 * against the pinned one; between two, it settles once it rests (a drag, a wheel, a touchpad's
 * glide move it many times a second). */
static void
ledger_hscrolled_cb (GtkAdjustment *adj, BlBackpropPage *self)
{
  double edges[BL_TOY_N_COLS + 1], value = gtk_adjustment_get_value (adj);
  guint n = ledger_edges (self, edges);

  update_ledger_more (self);
  if (self->refitting)
    return;
  g_clear_handle_id (&self->settle_id, g_source_remove);
  for (guint k = 0; k < n; k++)
    if (fabs (edges[k] - value) < 0.5)
      {
        self->ledger_first = self->ledger_rest = k;
        return;
      }
  if (self->refit_ledger_idle == 0)
    self->settle_id = g_timeout_add (LEDGER_SETTLE_MS, settle_ledger_cb, self);
}

/* The columns' widths (projector mode's font, a column dragged wider) or the page changed:
 * once laid out, the same column flush against the pinned one again, the blank end refitted.
 * Where the scroll cannot reach that column yet (the end's new width takes effect at the next
 * layout, which refits again) or at all (a wider page), the last edge within reach; the
 * column to keep is kept. */
static gboolean
refit_ledger_cb (gpointer data)
{
  BlBackpropPage *self = data;
  GtkAdjustment *adj = gtk_scrolled_window_get_hadjustment (self->ledger_scroller);
  double edges[BL_TOY_N_COLS + 1];
  double max = gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj);
  guint n = ledger_edges (self, edges), reach = 0;

  self->refit_ledger_idle = 0;
  g_clear_handle_id (&self->settle_id, g_source_remove);
  fit_ledger_end (self);
  update_ledger_more (self);
  /* The scrollbars lie beside the view (not over it: the panel at the right would hide them):
   * the pinned column ends where the view does, above the sideways one, or its rows would
   * not stay level with the ledger's at the bottom. */
  {
    GtkWidget *bar = gtk_scrolled_window_get_hscrollbar (self->ledger_scroller);
    int bar_h = 0;
    if (gtk_widget_get_child_visible (bar))
      gtk_widget_measure (bar, GTK_ORIENTATION_VERTICAL, -1, &bar_h, NULL, NULL, NULL);
    if (gtk_widget_get_margin_bottom (GTK_WIDGET (self->iteration_scroller)) != bar_h)
      gtk_widget_set_margin_bottom (GTK_WIDGET (self->iteration_scroller), bar_h);
  }
  if (n == 0)
    return G_SOURCE_REMOVE;
  while (reach + 1 < n && reach < self->ledger_first && edges[reach + 1] <= max + 0.5)
    reach++;
  self->ledger_rest = reach;
  self->refitting = TRUE;
  gtk_adjustment_set_value (adj, edges[reach]);
  self->refitting = FALSE;
  return G_SOURCE_REMOVE;
}

static void
refit_clock_layout_cb (GdkFrameClock *clock, BlBackpropPage *self)
{
  if (self->refit_ledger_idle)
    {
      g_clear_handle_id (&self->refit_ledger_idle, g_source_remove);
      refit_ledger_cb (self);
    }
}

/* The ledger laid out with other widths or another page: refitted at the end of this frame's
 * layout, so the frame is drawn with the column flush (the clock lays out again for the new
 * scroll before it paints); from an idle (the first time, or without a clock), after it. */
static void
ledger_hlayout_cb (GtkAdjustment *adj, BlBackpropPage *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  update_ledger_more (self);
  if (self->refit_ledger_idle == 0)
    self->refit_ledger_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refit_ledger_cb, self, NULL);
  if (clock != self->refit_clock)
    {
      if (self->refit_clock)
        g_clear_signal_handler (&self->refit_handler, self->refit_clock);
      g_set_weak_pointer (&self->refit_clock, clock);
      if (clock)
        self->refit_handler = g_signal_connect_after (clock, "layout",
                                                      G_CALLBACK (refit_clock_layout_cb), self);
    }
}

/* Scroll the ledger so the current row is in view (GTK 4.8 has no
 * gtk_column_view_scroll_to), and the column asked for (self->scroll_col). Runs after a
 * frame's layout: right after the model changed, the list's adjustment still describes the old
 * rows. The iteration column follows (its adjustment is bound to this one). */
static void
scroll_ledger_now (BlBackpropPage *self)
{
  guint k = self->current;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->ledger_scroller);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->ledger));
  double upper = gtk_adjustment_get_upper (adj), page = gtk_adjustment_get_page_size (adj);
  double row_h, top, value;

  if (self->scroll_col != BL_TOY_N_COLS)
    {
      scroll_ledger_to_column (self, self->scroll_col);
      self->scroll_col = BL_TOY_N_COLS;
    }
  if (n == 0 || upper <= page)
    return;
  k = MIN (k, n - 1);
  row_h = upper / (n + 1);   /* the header takes about one row */
  top = (k + 1) * row_h;
  value = gtk_adjustment_get_value (adj);
  /* A row just out of view is brought in by as little as it takes (a step forward scrolls
   * one row, and the list rebinds one row, not all); one far away is centred. */
  if (top + row_h > value + page && top + row_h <= value + page + 3 * row_h)
    gtk_adjustment_set_value (adj, CLAMP (top + row_h - page, 0, upper - page));
  else if (top < value + row_h && top >= value - 2 * row_h)
    gtk_adjustment_set_value (adj, CLAMP (top - row_h, 0, upper - page));
  else if (top < value + row_h || top + row_h > value + page)
    gtk_adjustment_set_value (adj, CLAMP (top - page / 2, 0, upper - page));
}

static void
scroll_after_paint_cb (GdkFrameClock *clock, BlBackpropPage *self)
{
  g_clear_signal_handler (&self->scroll_handler, clock);
  g_clear_weak_pointer (&self->scroll_clock);
  scroll_ledger_now (self);
}

static gboolean
scroll_idle_cb (gpointer data)
{
  BlBackpropPage *self = data;
  self->scroll_idle = 0;
  scroll_ledger_now (self);
  return G_SOURCE_REMOVE;
}

/* After the next frame is painted: its layout has the rows as they are now. Not an idle: while
 * Play redraws the page every frame on a slow machine, the main loop is never idle, and the
 * ledger stayed on its first rows while Play went on (an idle at low priority never ran). */
static void
scroll_ledger_later (BlBackpropPage *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->scroll_handler || self->scroll_idle)
    return;
  if (clock == NULL)
    {
      /* Not on screen yet: when the loop has a moment. */
      self->scroll_idle = g_idle_add (scroll_idle_cb, self);
      return;
    }
  g_set_weak_pointer (&self->scroll_clock, clock);
  self->scroll_handler = g_signal_connect (clock, "after-paint",
                                           G_CALLBACK (scroll_after_paint_cb), self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_AFTER_PAINT);
}

/* The ledger selects and shows the current row. Each move costs it about 10 ms (two rows
 * restyled, one rebound; a jump rebinds every row in view, 32 cells each), so while Play goes
 * faster than a row a frame the ledger follows twice a second, and catches up when Play
 * stops. At 1 to 20 iterations a second it follows every step. */
#define LEDGER_FOLLOW_MS 500
#define ROWS_A_SECOND_FOLLOWED 60

static gboolean follow_ledger_cb (gpointer data);
static double play_per_second (BlBackpropPage *self);

static void
follow_ledger (BlBackpropPage *self)
{
  const BlToyRun *run = ledger_run (self);
  guint k = MIN (self->current, bl_ledger_shown_rows (run) - 1);
  guint shown = gtk_single_selection_get_selected (self->selection);
  gint64 now = g_get_monotonic_time ();

  if (self->tick_id && play_per_second (self) > ROWS_A_SECOND_FOLLOWED &&
      now - self->ledger_followed_us < LEDGER_FOLLOW_MS * 1000)
    {
      if (self->follow_id == 0)
        self->follow_id = g_timeout_add (LEDGER_FOLLOW_MS, follow_ledger_cb, self);
      return;
    }
  g_clear_handle_id (&self->follow_id, g_source_remove);
  self->ledger_followed_us = now;
  self->syncing = TRUE;
  if (shown != k)
    gtk_single_selection_set_selected (self->selection, k);
  self->syncing = FALSE;
  scroll_ledger_later (self);
}

static gboolean
follow_ledger_cb (gpointer data)
{
  BlBackpropPage *self = data;

  self->follow_id = 0;
  self->ledger_followed_us = 0;
  if (ledger_run (self))
    follow_ledger (self);
  return G_SOURCE_REMOVE;
}

static void update_formula_panel (BlBackpropPage *self);
static void mark_selected_column (BlBackpropPage *self);

/* A step of the walk through: its unit and weights on the diagram, its cell in the ledger
 * (scrolled into view) and the formula panel. A δ, which is no column, marks the first column
 * whose formula uses it. */
static void
walk_step_cb (BlStepThrough *walk, BlBackpropPage *self)
{
  const BlToyStep *step = bl_step_through_get_step (walk);

  if (step == NULL)
    return;
  /* The step's text heads the formula panel, over the marked cell's formula. */
  gtk_label_set_text (self->walk_position, bl_step_through_get_position (walk));
  set_formula_text (self->walk_text, bl_step_through_get_text (walk));
  gtk_widget_set_visible (GTK_WIDGET (self->walk_position), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->walk_text), TRUE);
  gtk_widget_set_visible (self->walk_separator, TRUE);
  bl_network_view_set_focus (self->network_view, step->unit, step->edges[0], step->edges[1]);
  if (step->ledger_column < BL_TOY_N_COLS)
    {
      self->scroll_col = step->ledger_column;
      scroll_ledger_later (self);
    }
  if (step->ledger_column < BL_TOY_N_COLS && step->ledger_column != self->selected_col)
    {
      self->selected_col = step->ledger_column;
      mark_selected_column (self);
      bl_network_view_set_highlight (self->network_view, step->ledger_column);
      update_formula_panel (self);
    }
}

static void update_current_view (BlBackpropPage *self);

static void
walk_active_cb (BlStepThrough *walk, GParamSpec *pspec, BlBackpropPage *self)
{
  gboolean active = bl_step_through_get_active (walk);

  bl_network_view_set_show_backward (self->network_view, active);
  if (active)
    update_current_view (self);
  else
    {
      bl_network_view_set_focus (self->network_view, BL_TOY_UNIT_NONE, BL_TOY_N_COLS,
                                 BL_TOY_N_COLS);
      gtk_widget_set_visible (GTK_WIDGET (self->walk_position), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->walk_text), FALSE);
      gtk_widget_set_visible (self->walk_separator, FALSE);
    }
}

/* → and ←: through the steps while walking, else → steps an iteration. */
static void
arrow_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (widget);
  int delta = g_str_equal (action_name, "backprop.arrow-right") ? 1 : -1;

  if (bl_step_through_get_active (self->step_through))
    bl_step_through_move (self->step_through, delta);
  else if (delta > 0)
    gtk_widget_activate_action (widget, "win.step", NULL);
}

static void ledger_values_changed_cb (BlLedgerModel *model, BlBackpropPage *self);

/* The cells to predict changed: the ledger shows "?" for them, the values for the others. */
static void
predict_hidden_changed_cb (BlPredictPanel *panel, BlBackpropPage *self)
{
  ledger_values_changed_cb (self->ledger, self);
}

static void
predict_next_row_cb (BlPredictPanel *panel, BlBackpropPage *self)
{
  bl_backprop_page_step (self, 1);
}

static void
predict_toggled_cb (GtkToggleButton *button, BlBackpropPage *self)
{
  gboolean active = gtk_toggle_button_get_active (button);

  gtk_widget_set_visible (GTK_WIDGET (self->predict_panel), active);
  if (active)
    update_current_view (self);
  else
    bl_predict_panel_set_run (self->predict_panel, NULL, 0);
}

static void
update_current_view (BlBackpropPage *self)
{
  const BlToyRun *run = ledger_run (self);
  g_autofree char *iteration = NULL, *of = NULL, *lr = NULL, *caption = NULL;
  g_auto(GStrv) forms = g_new0 (char *, 4);
  char loss[BL_FORMAT_NUMBER_SIZE];
  guint k;

  if (run == NULL)
    return;
  if (self->divergence_pending)
    {
      /* The cell that blew up: its row current, its weight explained, both in view. */
      self->divergence_pending = FALSE;
      self->current = MIN (self->blown_row, bl_ledger_shown_rows (run) - 1);
      self->selected_col = self->blown_param;
      mark_selected_column (self);
      self->scroll_col = self->blown_param;
    }
  k = MIN (self->current, bl_ledger_shown_rows (run) - 1);

  follow_ledger (self);
  bl_chart_set_cursor_x (self->chart, self->current);
  {
    BlToyParams p;
    BlToyRow row;
    bl_toy_run_get_params (run, k, &p);
    bl_toy_run_get_row (run, k, &row);
    bl_network_view_set_state (self->network_view, &p, &row);
    /* Predicting: the row after the one shown. */
    if (gtk_toggle_button_get_active (self->predict_toggle))
      bl_predict_panel_set_run (self->predict_panel, run,
                                MIN (k + 1, bl_ledger_shown_rows (run) - 1));
    /* Walking through: the steps of the iteration now shown, at the same step. */
    if (bl_step_through_get_active (self->step_through))
      bl_step_through_set_steps (self->step_through, bl_toy_steps (&p, &row, run->lr), k);
  }
  bl_network_view_set_highlight (self->network_view, self->selected_col);
  iteration = bl_format_count (self->current);
  of = bl_format_count (self->iterations);
  lr = bl_format_rate (run->lr);
  bl_format_number (loss, BL_NUMBER_SCIENTIFIC, run->loss[k]);
  /* Longest first; each shorter one leaves out a whole part (η is in the ledger's chooser,
   * the loss under the diagram), so a narrow toolbar never cuts a number. */
  forms[0] = g_strdup_printf (_("Iteration %s of %s  ·  E_total = %s at η = %s"), iteration,
                              of, loss, lr);
  /* Translators: the line above without its rate, for a narrower toolbar. */
  forms[1] = g_strdup_printf (_("Iteration %s of %s  ·  E_total = %s"), iteration, of, loss);
  /* Translators: the line above without its loss, for the narrowest toolbar. */
  forms[2] = g_strdup_printf (_("Iteration %s of %s"), iteration, of);
  bl_fit_label_set_forms (self->position_label, (const char *const *) forms);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->position_label), forms[0]);
  caption = g_strdup_printf (_("Iteration %s  ·  η = %s"), iteration, lr);
  bl_network_view_set_caption (self->network_view, caption);
  update_formula_panel (self);
}

static void
set_current (BlBackpropPage *self, guint k)
{
  if (k > BL_BACKPROP_MAX_ITERATIONS)
    {
      k = BL_BACKPROP_MAX_ITERATIONS;
      notice_iteration_limit (self);
    }
  if (k > self->iterations)
    resize_runs (self, k);
  self->current = k;
  update_current_view (self);
}

/* ------------------------------------------------------------------------------------------
 * Controls
 */

void
bl_backprop_page_step (BlBackpropPage *self, guint n)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  set_current (self, MIN ((guint64) self->current + n, (guint64) G_MAXUINT - 1));
}

void
bl_backprop_page_run_n (BlBackpropPage *self)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  bl_backprop_page_step (self, (guint) gtk_spin_button_get_value_as_int (self->run_n_spin));
}

void
bl_backprop_page_reset (BlBackpropPage *self)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  if (self->tick_id)
    bl_backprop_page_toggle_play (self);
  set_current (self, 0);
}

static double
play_per_second (BlBackpropPage *self)
{
  guint i = gtk_drop_down_get_selected (self->speed_dropdown);
  guint speed = play_speeds[i < G_N_ELEMENTS (play_speeds) ? i : DEFAULT_SPEED_INDEX];

  return speed ? speed : MAX (100.0, self->iterations / FASTEST_SECONDS);
}

static void
show_play_state (BlBackpropPage *self, gboolean playing)
{
  gtk_image_set_from_icon_name (self->play_icon, playing ? "media-playback-pause-symbolic"
                                                         : "media-playback-start-symbolic");
  gtk_label_set_text (self->play_label, playing ? _("Pause") : _("Play"));
}

/* Play walks the iterations at the chosen speed, on the frame clock. */
static gboolean
play_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint advance;

  if (self->play_last_us == 0)
    {
      /* The first frame moves one iteration at once, whatever the speed. */
      self->play_last_us = now;
      self->play_carry = 1;
    }
  self->play_carry += (now - self->play_last_us) / 1e6 * play_per_second (self);
  self->play_last_us = now;
  advance = (guint) MIN (self->play_carry, (double) G_MAXUINT);
  self->play_carry -= advance;
  if (advance == 0)
    return G_SOURCE_CONTINUE;
  if ((guint64) self->current + advance >= self->iterations)
    {
      self->tick_id = 0;   /* stopped first: the ledger catches up at once */
      set_current (self, self->iterations);
      show_play_state (self, FALSE);
      return G_SOURCE_REMOVE;
    }
  set_current (self, self->current + advance);
  return G_SOURCE_CONTINUE;
}

void
bl_backprop_page_toggle_play (BlBackpropPage *self)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);

  if (self->tick_id)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      show_play_state (self, FALSE);
      follow_ledger (self);
      return;
    }
  if (self->current >= self->iterations)
    set_current (self, 0);
  self->play_last_us = 0;
  self->play_carry = 0;
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), play_tick_cb, NULL, NULL);
  show_play_state (self, TRUE);
}

gboolean
bl_backprop_page_get_playing (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), FALSE);
  ensure_computed (self);
  return self->tick_id != 0;
}

void
bl_backprop_page_set_play_speed (BlBackpropPage *self, guint per_second)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  for (guint i = 0; i < G_N_ELEMENTS (play_speeds); i++)
    if (play_speeds[i] == per_second)
      gtk_drop_down_set_selected (self->speed_dropdown, i);
}

static void
iterations_changed_cb (GtkSpinButton *spin, BlBackpropPage *self)
{
  guint n = (guint) gtk_spin_button_get_value_as_int (spin);

  set_notice (self, NULL);
  resize_runs (self, n);
  set_current (self, MIN (self->current, self->iterations));
}

/* ------------------------------------------------------------------------------------------
 * Parameters: typed values are checked as they are typed; a bad one is refused in place
 * and the last good values stay in use.
 */

/* A typed number, as the core reads it, except that "nan" is called what it is. */
static gboolean
parse_number (const char *text, double *out, GError **error)
{
  char *end = NULL;
  double v = g_ascii_strtod (text ? text : "", &end);

  if (end != text && isnan (v))
    {
      g_autofree char *typed = g_strstrip (g_strdup (text));
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s” is not a number (use a dot for decimals, e.g. 0.25)."), typed);
      return FALSE;
    }
  return bl_toy_parse_double (text, out, error);
}

static void
fill_param_entries (BlBackpropPage *self)
{
  for (guint i = 0; i < N_PARAMS; i++)
    {
      BlToyParams *p = &self->params;
      double v = 0;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      const char *n = param_names[i];

      if (g_str_equal (n, "i1")) v = p->i1;
      else if (g_str_equal (n, "i2")) v = p->i2;
      else if (g_str_equal (n, "t1")) v = p->t1;
      else if (g_str_equal (n, "t2")) v = p->t2;
      else if (g_str_equal (n, "b1")) v = p->b1;
      else if (g_str_equal (n, "b2")) v = p->b2;
      else v = p->w[n[1] - '1'];
      g_signal_handlers_block_matched (self->param_entries[i], G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                       NULL, self);
      gtk_editable_set_text (GTK_EDITABLE (self->param_entries[i]),
                             g_ascii_formatd (buf, sizeof buf, "%.10g", v));
      g_signal_handlers_unblock_matched (self->param_entries[i], G_SIGNAL_MATCH_DATA, 0, 0,
                                         NULL, NULL, self);
      set_field_error (self->param_entries[i], self->params_error, NULL);
      gtk_widget_set_sensitive (self->param_entries[i],
                                p->has_biases || (n[0] != 'b'));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->params_error), FALSE);
}

static void
param_changed_cb (GtkEditable *editable, BlBackpropPage *self)
{
  BlToyParams candidate = self->params;
  g_autoptr(GError) error = NULL;
  gboolean any_error = FALSE;
  double v;

  /* Every field is re-read: fixing one field can make another valid again. */
  for (guint i = 0; i < N_PARAMS; i++)
    {
      GtkWidget *entry = self->param_entries[i];
      g_autoptr(GError) field_error = NULL;
      const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

      if (param_names[i][0] == 'b' && !candidate.has_biases)
        continue;
      if (!parse_number (text, &v, &field_error) ||
          !bl_toy_params_set (&candidate, param_names[i], v, &field_error))
        {
          g_autofree char *msg = g_strdup_printf ("%s: %s", param_names[i], field_error->message);
          set_field_error (entry, self->params_error, msg);
          any_error = TRUE;
        }
      else
        set_field_error (entry, self->params_error, NULL);
    }
  if (any_error)
    return;
  if (!bl_toy_params_validate (&candidate, &error))
    {
      set_field_error (GTK_WIDGET (editable), self->params_error, error->message);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->params_error), FALSE);
  self->params = candidate;
  recompute_all (self);
}

static void
build_param_grid (BlBackpropPage *self)
{
  for (guint i = 0; i < N_PARAMS; i++)
    {
      GtkWidget *label = gtk_label_new (param_names[i]);
      GtkWidget *entry = gtk_entry_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "param-name");
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 5);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_widget_add_css_class (entry, "numeric");
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      param_names[i], -1);
      g_signal_connect (entry, "changed", G_CALLBACK (param_changed_cb), self);
      self->param_entries[i] = entry;
      /* Two columns of name = value. */
      gtk_grid_attach (self->params_grid, label, (i % 2) * 2, i / 2, 1, 1);
      gtk_grid_attach (self->params_grid, entry, (i % 2) * 2 + 1, i / 2, 1, 1);
    }
}

static void
apply_preset (BlBackpropPage *self, BlToyPreset preset)
{
  gboolean train = gtk_switch_get_active (self->train_biases_switch);

  bl_toy_params_init_preset (&self->params, preset);
  bl_network_options_apply (self->network_options, &self->params);
  /* The With-biases preset is the published worked example: its figures beside ours. */
  gtk_widget_set_visible (self->published_panel, preset == BL_TOY_PRESET_WITH_BIASES);
  self->params.train_biases = train && self->params.has_biases;
  gtk_widget_set_sensitive (GTK_WIDGET (self->train_biases_switch), self->params.has_biases);
  fill_param_entries (self);
  recompute_all (self);
}

static void
preset_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlBackpropPage *self)
{
  BlToyPreset preset = gtk_drop_down_get_selected (dropdown) == 1
                       ? BL_TOY_PRESET_WITH_BIASES : BL_TOY_PRESET_CLASSROOM;

  if (self->settings)
    g_settings_set_string (self->settings, "preset",
                           preset == BL_TOY_PRESET_WITH_BIASES ? "with-biases" : "classroom");
  apply_preset (self, preset);
}

/* Another activation, update order or path: every run restarts from the same starting values. */
static void
network_options_changed_cb (BlNetworkOptions *options, BlBackpropPage *self)
{
  bl_network_options_apply (options, &self->params);
  recompute_all (self);
}

static void
train_biases_cb (GtkSwitch *sw, GParamSpec *pspec, BlBackpropPage *self)
{
  self->params.train_biases = gtk_switch_get_active (sw) && self->params.has_biases;
  recompute_all (self);
}

/* ------------------------------------------------------------------------------------------
 * Learning rates: an entry to type and a slider to drag, per rate.
 */

static void
save_learning_rates (BlBackpropPage *self)
{
  g_autoptr(GArray) lrs = g_array_new (FALSE, FALSE, sizeof (double));

  if (self->settings == NULL)
    return;
  for (guint i = 0; i < self->runs->len; i++)
    g_array_append_val (lrs, ((BlToyRun *) g_ptr_array_index (self->runs, i))->lr);
  g_settings_set_value (self->settings, "learning-rates",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_DOUBLE, lrs->data, lrs->len,
                                                   sizeof (double)));
}

/* After a rate was changed, added or removed: everything that lists the runs follows. */
static void
rates_changed (BlBackpropPage *self, gboolean ledger_run_changed)
{
  recolor_rates (self);
  refresh_ledger_names (self);
  if (ledger_run_changed)
    update_stop_banner (self);   /* first: it finds the cell a divergence marks */
  reset_ledger_model (self);
  update_reach_table (self);
  update_current_view (self);
  save_learning_rates (self);
}

static guint
lr_row_index (BlBackpropPage *self, LrRow *row)
{
  guint i = 0;
  g_ptr_array_find (self->lr_rows, row, &i);
  return i;
}

/* One rate changed: only its run is recomputed and redrawn, so dragging stays fluid. */
static void
lr_value_changed (BlBackpropPage *self, LrRow *row, double lr)
{
  guint i = lr_row_index (self, row);
  g_autofree char *label = rate_label (lr);

  bl_toy_run_free (g_ptr_array_index (self->runs, i));
  recompute_run (self, i);
  update_chart_series (self, i);
  bl_chart_series_set_label (self->chart, row->chart_id, label);
  rates_changed (self, i == self->ledger_run);
}

static void
lr_entry_changed_cb (GtkEditable *editable, LrRow *row)
{
  BlBackpropPage *self = row->page;
  g_autoptr(GError) error = NULL;
  double lr;

  if (!parse_number (gtk_editable_get_text (editable), &lr, &error) ||
      !bl_toy_lr_validate (lr, &error))
    {
      set_field_error (row->entry, self->lr_error, error->message);
      return;
    }
  set_field_error (row->entry, self->lr_error, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->lr_error), FALSE);
  g_signal_handlers_block_matched (row->scale, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  gtk_range_set_value (GTK_RANGE (row->scale), log10 (lr));
  g_signal_handlers_unblock_matched (row->scale, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  lr_value_changed (self, row, lr);
}

/* The rates a slider stops at: ten a decade, the values a teacher would type (1, 1.2, 1.5, 2,
 * 2.5, 3, 4, 5, 6, 8 times a power of ten), so dragging never lands on 0.605. */
static const double nice_mantissas[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };

static double
nice_rate (int decade, guint i)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  /* Through text, so 0.1 · 3 is 0.3 and not 0.30000000000000004. */
  g_ascii_formatd (buf, sizeof buf, "%.3g", nice_mantissas[i] * pow (10, decade));
  return g_ascii_strtod (buf, NULL);
}

/* The nice rate nearest to 10^@log_lr (in log terms), within the slider's range. */
static double
snap_rate (double log_lr)
{
  int decade = (int) floor (log_lr);
  double best = NAN, best_d = INFINITY;

  for (guint i = 0; i < G_N_ELEMENTS (nice_mantissas); i++)
    {
      double v = nice_rate (decade, i), d = fabs (log10 (v) - log_lr);
      if (log10 (v) < LR_SCALE_MIN - 1e-9 || log10 (v) > LR_SCALE_MAX + 1e-9)
        continue;
      if (d < best_d)
        {
          best_d = d;
          best = v;
        }
    }
  return isnan (best) ? pow (10, CLAMP (log_lr, LR_SCALE_MIN, LR_SCALE_MAX)) : best;
}

/* The next nice rate above (@dir > 0) or below @lr, within the slider's range. */
static double
next_rate (double lr, int dir)
{
  int decade = (int) floor (log10 (lr));

  for (int d = decade - 1; d <= decade + 1; d++)
    for (guint k = 0; k < G_N_ELEMENTS (nice_mantissas); k++)
      {
        guint i = dir > 0 ? k : G_N_ELEMENTS (nice_mantissas) - 1 - k;
        int dd = dir > 0 ? d : 2 * decade - d;
        double v = nice_rate (dd, i);
        if (log10 (v) < LR_SCALE_MIN - 1e-9 || log10 (v) > LR_SCALE_MAX + 1e-9)
          continue;
        if ((dir > 0 && v > lr * (1 + 1e-9)) || (dir < 0 && v < lr * (1 - 1e-9)))
          return v;
      }
  return lr;
}

/* Every move of the slider (pointer, arrow keys, Page Up/Down, Home/End) lands on a nice rate. */
static gboolean
lr_scale_change_value_cb (GtkRange *range, GtkScrollType scroll, double value, LrRow *row)
{
  double lr = lr_of_row (row), target;

  switch (scroll)
    {
    case GTK_SCROLL_STEP_FORWARD: case GTK_SCROLL_STEP_RIGHT: case GTK_SCROLL_STEP_UP:
    case GTK_SCROLL_PAGE_FORWARD: case GTK_SCROLL_PAGE_RIGHT: case GTK_SCROLL_PAGE_UP:
      target = next_rate (isnan (lr) ? snap_rate (value) : lr, +1);
      break;
    case GTK_SCROLL_STEP_BACKWARD: case GTK_SCROLL_STEP_LEFT: case GTK_SCROLL_STEP_DOWN:
    case GTK_SCROLL_PAGE_BACKWARD: case GTK_SCROLL_PAGE_LEFT: case GTK_SCROLL_PAGE_DOWN:
      target = next_rate (isnan (lr) ? snap_rate (value) : lr, -1);
      break;
    default:
      target = snap_rate (value);
      break;
    }
  if (target != lr)
    gtk_range_set_value (range, log10 (target));
  return TRUE;
}

static void
lr_scale_changed_cb (GtkRange *range, LrRow *row)
{
  double lr = snap_rate (gtk_range_get_value (range));
  g_autofree char *text = bl_format_rate (lr);

  g_signal_handlers_block_matched (row->entry, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
  g_signal_handlers_unblock_matched (row->entry, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  set_field_error (row->entry, row->page->lr_error, NULL);
  lr_value_changed (row->page, row, lr);
}

static void
swatch_draw (GtkDrawingArea *area, cairo_t *cr, int w, int h, gpointer data)
{
  LrRow *row = data;
  GdkRGBA c;

  rate_color (row->page, lr_row_index (row->page, row), &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_arc (cr, w / 2.0, h / 2.0, MIN (w, h) / 2.0 - 1, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void lr_remove_cb (GtkButton *button, LrRow *row);

static LrRow *
lr_row_new (BlBackpropPage *self, double lr)
{
  LrRow *row = g_new0 (LrRow, 1);
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  GdkRGBA c;
  g_autofree char *label = rate_label (lr);
  g_autofree char *text = bl_format_rate (lr);

  row->page = self;
  row->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->swatch = gtk_drawing_area_new ();
  gtk_widget_add_css_class (row->swatch, "rate-swatch");
  gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), swatch_draw, row, NULL);
  row->entry = gtk_entry_new ();
  gtk_editable_set_width_chars (GTK_EDITABLE (row->entry), 5);
  gtk_editable_set_text (GTK_EDITABLE (row->entry), text);
  gtk_widget_add_css_class (row->entry, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Learning rate"), -1);
  row->scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, LR_SCALE_MIN, LR_SCALE_MAX,
                                         0.01);
  gtk_scale_set_draw_value (GTK_SCALE (row->scale), FALSE);
  gtk_range_set_value (GTK_RANGE (row->scale), log10 (lr));
  gtk_widget_set_hexpand (row->scale, TRUE);
  gtk_widget_set_tooltip_text (row->scale, _("Drag to change η: the curve follows at once"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Learning rate (logarithmic slider)"), -1);
  gtk_widget_set_tooltip_text (remove, _("Remove this learning rate"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_box_append (GTK_BOX (row->row), row->swatch);
  gtk_box_append (GTK_BOX (row->row), row->entry);
  gtk_box_append (GTK_BOX (row->row), row->scale);
  gtk_box_append (GTK_BOX (row->row), remove);
  g_signal_connect (row->entry, "changed", G_CALLBACK (lr_entry_changed_cb), row);
  g_signal_connect (row->scale, "change-value", G_CALLBACK (lr_scale_change_value_cb), row);
  g_signal_connect (row->scale, "value-changed", G_CALLBACK (lr_scale_changed_cb), row);
  g_signal_connect (remove, "clicked", G_CALLBACK (lr_remove_cb), row);

  bl_palette_color (self->lr_rows->len, &c);   /* recolor_rates sets its slot once it is in */
  row->chart_id = bl_chart_add_series (self->chart, label, &c, BL_CHART_LINE_SOLID);
  return row;
}

static void
lr_row_free (gpointer data)
{
  LrRow *row = data;
  g_clear_pointer (&row->correct_run, bl_toy_run_free);
  g_free (row);
}

static void
lr_remove_cb (GtkButton *button, LrRow *row)
{
  BlBackpropPage *self = row->page;
  guint i = lr_row_index (self, row);

  if (self->lr_rows->len <= 1)
    {
      set_field_error (row->entry, self->lr_error, _("Keep at least one learning rate."));
      return;
    }
  bl_chart_remove_series (self->chart, row->chart_id);
  if (row->correct_chart_id)
    bl_chart_remove_series (self->chart, row->correct_chart_id);
  gtk_box_remove (self->lr_box, row->row);
  g_ptr_array_remove_index (self->runs, i);
  g_ptr_array_remove_index (self->lr_rows, i);
  if (self->ledger_run >= self->runs->len)
    self->ledger_run = self->runs->len - 1;
  else if (self->ledger_run > i)
    self->ledger_run--;
  rates_changed (self, TRUE);
}

static void
lr_add_cb (GtkWidget *widget, BlBackpropPage *self)
{
  g_autoptr(GError) error = NULL;
  double lr;
  guint i;

  if (self->lr_rows->len >= MAX_RATES)
    {
      set_field_error (GTK_WIDGET (self->lr_add_entry), self->lr_error,
                       _("Eight learning rates at most (one colour each): remove one first."));
      return;
    }
  if (!parse_number (gtk_editable_get_text (GTK_EDITABLE (self->lr_add_entry)), &lr, &error) ||
      !bl_toy_lr_validate (lr, &error))
    {
      set_field_error (GTK_WIDGET (self->lr_add_entry), self->lr_error, error->message);
      return;
    }
  set_field_error (GTK_WIDGET (self->lr_add_entry), self->lr_error, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->lr_error), FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->lr_add_entry), "");
  g_ptr_array_add (self->lr_rows, lr_row_new (self, lr));
  i = self->lr_rows->len - 1;
  gtk_box_append (self->lr_box, ((LrRow *) g_ptr_array_index (self->lr_rows, i))->row);
  g_ptr_array_add (self->runs, NULL);
  recompute_run (self, i);
  update_chart_series (self, i);
  rates_changed (self, FALSE);
}

static void
rebuild_lr_rows (BlBackpropPage *self, const double *lrs, guint n)
{
  for (guint i = 0; i < self->lr_rows->len; i++)
    {
      LrRow *row = g_ptr_array_index (self->lr_rows, i);
      bl_chart_remove_series (self->chart, row->chart_id);
      if (row->correct_chart_id)
        bl_chart_remove_series (self->chart, row->correct_chart_id);
      gtk_box_remove (self->lr_box, row->row);
    }
  g_ptr_array_set_size (self->lr_rows, 0);
  for (guint i = 0; i < n && self->lr_rows->len < MAX_RATES; i++)
    {
      g_autoptr(GError) error = NULL;
      if (!bl_toy_lr_validate (lrs[i], &error))
        continue;   /* a bad stored preference is dropped, not used */
      g_ptr_array_add (self->lr_rows, lr_row_new (self, lrs[i]));
      gtk_box_append (self->lr_box, ((LrRow *) g_ptr_array_index (self->lr_rows,
                                                                  self->lr_rows->len - 1))->row);
    }
  if (self->lr_rows->len == 0)
    {
      guint nd;
      const double *d = bl_toy_default_learning_rates (&nd);
      rebuild_lr_rows (self, d, nd);
    }
  recolor_rates (self);
}

/* ------------------------------------------------------------------------------------------
 * The ledger: a one-column view of the iterations (it never scrolls sideways) beside a view of
 * every quantity, on one selection. Cells are labels in the format of their column's kind,
 * in columns wide enough for the widest number that kind writes in the current font.
 */

static int
cell_column (GtkWidget *label)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (label), "ledger-column"));
}

static void
mark_cell (BlBackpropPage *self, GtkWidget *label)
{
  if (cell_column (label) == (int) self->selected_col)
    gtk_widget_add_css_class (label, "selected-quantity");
  else
    gtk_widget_remove_css_class (label, "selected-quantity");
}

/* A cell label went away (its list item was dropped): it leaves the page's list. */
static void
cell_finalized (gpointer data, GObject *where_the_label_was)
{
  BlBackpropPage *self = data;
  g_ptr_array_remove_fast (self->cells, where_the_label_was);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, BlBackpropPage *self)
{
  GtkWidget *label = gtk_label_new (NULL);
  int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "ledger-column"));

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  /* A column too narrow shows "…", never a number with its end cut off. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_START);
  gtk_widget_add_css_class (label, "numeric");
  g_object_set_data (G_OBJECT (label), "ledger-column", GINT_TO_POINTER (col));
  gtk_list_item_set_child (item, label);
  g_ptr_array_add (self->cells, label);
  g_object_weak_ref (G_OBJECT (label), cell_finalized, self);
  queue_column_widths (self);
}

/* With a mistake chosen: whether row @k's @col differs from the correct network's (the cells a
 * class should look at: where the mistake enters, and everything downstream of it). */
static gboolean
cell_differs (BlBackpropPage *self, guint k, int col, double value)
{
  const LrRow *lr_row;
  BlToyRow correct;

  if (col == ITERATION_COLUMN || self->ledger_run >= self->lr_rows->len)
    return FALSE;
  lr_row = g_ptr_array_index (self->lr_rows, self->ledger_run);
  if (lr_row->correct_run == NULL || k >= lr_row->correct_run->n_rows)
    return FALSE;
  bl_toy_run_get_row (lr_row->correct_run, k, &correct);
  /* Bit-identical where the mistake plays no part: both runs share the code up to it. */
  return !(value == correct.v[col]) &&
         fabs (value - correct.v[col]) > 1e-12 * MAX (fabs (value), fabs (correct.v[col]));
}

static void
mark_differs (BlBackpropPage *self, GtkWidget *label, guint k, int col, double value)
{
  gboolean blown = self->blown_param != BL_TOY_N_COLS && k == self->blown_row &&
                   (col == (int) self->blown_param ||
                    col == (int) bl_toy_param_gradient (self->blown_param));

  if (cell_differs (self, k, col, value))
    gtk_widget_add_css_class (label, "differs");
  else
    gtk_widget_remove_css_class (label, "differs");
  if (blown)
    gtk_widget_add_css_class (label, "blew-up");
  else
    gtk_widget_remove_css_class (label, "blew-up");
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, BlBackpropPage *self)
{
  BlLedgerRow *row = gtk_list_item_get_item (item);
  GtkWidget *label = gtk_list_item_get_child (item);
  int col = cell_column (label);
  guint k = bl_ledger_row_get_iteration (row);

  if (col == ITERATION_COLUMN)
    {
      g_autofree char *text = bl_format_count (k);
      gtk_label_set_text (GTK_LABEL (label), text);
    }
  else
    {
      char buf[BL_FORMAT_NUMBER_SIZE];
      double value = bl_ledger_row_get_values (row)->v[col];
      gtk_label_set_text (GTK_LABEL (label),
                          bl_predict_panel_hides (self->predict_panel, k, col)
                          ? "?" : bl_format_number (buf, bl_format_column_kind (col), value));
      mark_differs (self, label, k, col, value);
    }
  /* Which row the cell shows: a click reads it back (k + 1, so that 0 means unbound). */
  g_object_set_data (G_OBJECT (label), "ledger-row", GUINT_TO_POINTER (k + 1));
  mark_cell (self, label);
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, BlBackpropPage *self)
{
  g_object_set_data (G_OBJECT (gtk_list_item_get_child (item)), "ledger-row", NULL);
}

/* The run shown changed (a rate dragged, a value typed): the cells that exist take the new
 * values in place, each row computed once; the row widgets stay. */
static void
ledger_values_changed_cb (BlLedgerModel *model, BlBackpropPage *self)
{
  const BlToyRun *run = bl_ledger_model_get_run (model);
  g_autoptr(GHashTable) rows = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint i = 0; i < self->cells->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (self->cells, i);
      guint k1 = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "ledger-row"));
      int col = cell_column (label);
      BlToyRow *row;
      char buf[BL_FORMAT_NUMBER_SIZE];

      if (k1 == 0 || col == ITERATION_COLUMN)
        continue;
      row = g_hash_table_lookup (rows, GUINT_TO_POINTER (k1));
      if (row == NULL)
        {
          row = g_new0 (BlToyRow, 1);
          if (run && k1 - 1 < run->n_rows)
            bl_toy_run_get_row (run, k1 - 1, row);
          g_hash_table_insert (rows, GUINT_TO_POINTER (k1), row);
        }
      gtk_label_set_text (GTK_LABEL (label),
                          bl_predict_panel_hides (self->predict_panel, k1 - 1, col)
                          ? "?" : bl_format_number (buf, bl_format_column_kind (col), row->v[col]));
      mark_differs (self, label, k1 - 1, col, row->v[col]);
    }
}

/* The selected quantity is marked in every cell that exists, without touching the model (which
 * would rebuild the rows under a click that is still being delivered). */
static void
mark_selected_column (BlBackpropPage *self)
{
  for (guint i = 0; i < self->cells->len; i++)
    mark_cell (self, g_ptr_array_index (self->cells, i));
}

static GtkColumnViewColumn *
add_ledger_column (BlBackpropPage *self, GtkColumnView *view, int col)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_object_set_data (G_OBJECT (factory), "ledger-column", GINT_TO_POINTER (col));
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), self);
  column = gtk_column_view_column_new (col == ITERATION_COLUMN ? _("iteration")
                                                              : bl_toy_column_label (col),
                                       factory);
  g_object_set_data (G_OBJECT (column), "ledger-column", GINT_TO_POINTER (col));
  gtk_column_view_column_set_fixed_width (column, 100);   /* until the font is measured */
  gtk_column_view_column_set_resizable (column, TRUE);
  gtk_column_view_append_column (view, column);
  g_object_unref (column);
  return column;
}

static void
build_ledger_columns (BlBackpropPage *self, gboolean biases)
{
  GListModel *columns = gtk_column_view_get_columns (self->ledger_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, 0);
      gtk_column_view_remove_column (self->ledger_view, c);
    }
  add_ledger_column (self, self->ledger_view, ITERATION_COLUMN);
  for (guint i = 0; i < G_N_ELEMENTS (ledger_order); i++)
    if (bl_toy_column_visible (ledger_order[i], biases))
      add_ledger_column (self, self->ledger_view, ledger_order[i]);
  /* The blank end (fit_ledger_end): a column without cells or title, hidden until needed. */
  self->ledger_end = gtk_column_view_column_new (NULL, gtk_signal_list_item_factory_new ());
  g_object_set_data (G_OBJECT (self->ledger_end), "ledger-column", GINT_TO_POINTER (LEDGER_END));
  gtk_column_view_column_set_visible (self->ledger_end, FALSE);
  gtk_column_view_append_column (self->ledger_view, self->ledger_end);
  g_object_unref (self->ledger_end);
  queue_column_widths (self);
}

/* Width of @text in @widget's font, in pixels. */
static int
text_width (GtkWidget *widget, const char *text, gboolean bold)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int w;

  if (bold)
    {
      PangoAttrList *attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
    }
  pango_layout_get_pixel_size (layout, &w, NULL);
  g_object_unref (layout);
  return w;
}

static void
size_columns (BlBackpropPage *self, GtkColumnView *view, GtkWidget *probe, int padding)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  int fixed = text_width (probe, bl_format_widest (BL_NUMBER_FIXED), TRUE);
  int scientific = text_width (probe, bl_format_widest (BL_NUMBER_SCIENTIFIC), TRUE);
  g_autofree char *last = bl_format_count (MAX (self->iterations, self->current));
  g_autofree char *widest_count = g_strdup (last);

  /* The widest count of as many digits: every digit an 8. */
  g_strcanon (widest_count, ",.", '8');
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "ledger-column"));
      int number, title;

      if (col == LEDGER_END)
        continue;   /* fit_ledger_end's */
      number = col == ITERATION_COLUMN ? text_width (probe, widest_count, TRUE)
               : bl_format_column_kind (col) == BL_NUMBER_FIXED ? fixed : scientific;
      /* A title has the header button's padding too: about a character more. */
      title = text_width (GTK_WIDGET (view), gtk_column_view_column_get_title (column), TRUE) +
              text_width (GTK_WIDGET (view), "M", TRUE);
      gtk_column_view_column_set_fixed_width (column, MAX (number, title) + padding);
    }
}

static void queue_column_widths (BlBackpropPage *self);

static gboolean
column_widths_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  queue_column_widths (BL_BACKPROP_PAGE (widget));
  return G_SOURCE_REMOVE;
}

/* Measures the font the cells are drawn in (a live cell's: the projector's is larger) and sizes
 * every column for the widest number its kind writes; bold, because the selected quantity's
 * cells are bold. The ledger starts where the iteration column (over its left edge) ends. */
static gboolean
column_widths_cb (gpointer data)
{
  BlBackpropPage *self = data;
  GtkWidget *probe = NULL;
  int label_nat, cell_extra, padding;

  self->widths_idle = 0;
  /* A cell that has been laid out: its padding can be read from its allocation. */
  for (guint i = 0; i < self->cells->len && probe == NULL; i++)
    {
      GtkWidget *label = g_ptr_array_index (self->cells, i);
      if (gtk_widget_get_parent (label) && gtk_widget_get_root (label) &&
          gtk_widget_get_width (label) > 0)
        probe = label;
    }
  if (probe == NULL)
    {
      /* None yet: after the next frame's layout. */
      if (self->cells->len > 0)
        gtk_widget_add_tick_callback (GTK_WIDGET (self), column_widths_tick_cb, NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  /* The padding and borders around a number, as the theme and style.css give them: the
   * label's own (its natural width less its text's) and its cell's (what the cell keeps of
   * the width it is given). */
  gtk_widget_measure (probe, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &label_nat, NULL, NULL);
  cell_extra = gtk_widget_get_width (gtk_widget_get_parent (probe)) - gtk_widget_get_width (probe);
  padding = MAX (0, label_nat - text_width (probe, gtk_label_get_text (GTK_LABEL (probe)), FALSE))
            + MAX (0, cell_extra) + 2;
  size_columns (self, self->ledger_view, probe, padding);
  size_columns (self, self->iteration_view, probe, padding);
  /* The ledger's horizontal scrollbar starts where the pinned column ends (under it, the
   * slider would hide at the far left). */
  {
    g_autoptr(GtkColumnViewColumn) pinned =
      g_list_model_get_item (gtk_column_view_get_columns (self->iteration_view), 0);
    gtk_widget_set_margin_start (gtk_scrolled_window_get_hscrollbar (self->ledger_scroller),
                                 gtk_column_view_column_get_fixed_width (pinned));
  }
  return G_SOURCE_REMOVE;
}

static void
queue_column_widths (BlBackpropPage *self)
{
  if (self->widths_idle == 0)
    self->widths_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, column_widths_cb, self, NULL);
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, BlBackpropPage *self)
{
  guint k = gtk_single_selection_get_selected (selection);

  if (self->syncing || k == GTK_INVALID_LIST_POSITION)
    return;
  set_current (self, k);
}

/* The ledger cell label at or under @hit, or NULL. */
static GtkWidget *
cell_label_at (GtkWidget *hit, GtkWidget *view)
{
  for (GtkWidget *w = hit; w && w != view; w = gtk_widget_get_parent (w))
    {
      GtkWidget *child = gtk_widget_get_first_child (w);
      if (GTK_IS_LABEL (w) && g_object_get_data (G_OBJECT (w), "ledger-row"))
        return w;
      /* A click on a cell's padding picks the cell: its label is its child. */
      if (child && GTK_IS_LABEL (child) && g_object_get_data (G_OBJECT (child), "ledger-row"))
        return child;
    }
  return NULL;
}

/* A click in the ledger: the row under it becomes current, its column the explained one. It
 * runs before the list's own click handling, which then selects the same row. */
static void
ledger_click_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                 BlBackpropPage *self)
{
  GtkWidget *view = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *label = cell_label_at (gtk_widget_pick (view, x, y, GTK_PICK_DEFAULT), view);
  guint k;
  int col;

  /* On the panel over the column the right edge cuts: that column scrolled in whole, no cell
   * picked that the class cannot see. */
  if (gtk_widget_get_visible (self->ledger_more))
    {
      int cut = 0;
      double cut_x = ledger_cut_x (self, &cut);
      if (cut_x >= 0 && x >= cut_x)
        {
          gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
          scroll_ledger_to_column (self, cut);
          return;
        }
    }
  if (label == NULL)
    return;
  k = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (label), "ledger-row")) - 1;
  /* Under the pinned iteration column (which lets clicks through): the row, not what scrolled
   * beneath it. */
  col = x < gtk_widget_get_width (GTK_WIDGET (self->iteration_scroller)) ? ITERATION_COLUMN
                                                                        : cell_column (label);
  if (col != ITERATION_COLUMN)
    {
      self->selected_col = col;
      mark_selected_column (self);
    }
  set_current (self, k);
}

static void
ledger_run_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlBackpropPage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || i == GTK_INVALID_LIST_POSITION || i >= self->runs->len)
    return;
  self->ledger_run = i;
  for (guint j = 0; j < self->runs->len; j++)
    update_chart_series (self, j);
  update_stop_banner (self);
  reset_ledger_model (self);
  update_current_view (self);
}

static void
chart_cursor_moved_cb (BlChart *chart, double x, BlBackpropPage *self)
{
  if (x >= 0)
    set_current (self, (guint) llround (x));
}

static void
network_column_cb (BlNetworkView *view, int col, BlBackpropPage *self)
{
  bl_backprop_page_select_column (self, col);
}

static void
eps_changed_cb (GtkEditable *editable, BlBackpropPage *self)
{
  g_autoptr(GError) error = NULL;
  double eps;

  if (!parse_number (gtk_editable_get_text (editable), &eps, &error) || eps <= 0)
    {
      gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (editable),
                                   error ? error->message : _("ε must be greater than 0."));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (editable), NULL);
  self->eps = eps;
  update_reach_table (self);
}

/* ------------------------------------------------------------------------------------------
 * Exports: started here, written by a worker (bl-backprop-export.c), reported on the status
 * line. The page may be gone when a job ends: the job's callback holds it weakly.
 */

typedef struct {
  GWeakRef page;
  char    *name;       /* the file's display name */
  int      kind;       /* BlBackpropExportKind, or -1 for the chart */
  guint    rows;       /* the workbook's last iteration */
} ExportClosure;

static void
export_closure_free (ExportClosure *c)
{
  g_weak_ref_clear (&c->page);
  g_free (c->name);
  g_free (c);
}

static void
export_progress_cb (GObject *target, double fraction)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (target);

  if (self->exporting)
    show_status (self, NULL, fraction, FALSE);
}

static void
export_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  ExportClosure *c = data;
  g_autoptr(BlBackpropPage) self = g_weak_ref_get (&c->page);
  g_autoptr(GError) error = NULL;
  guint64 bytes = bl_backprop_export_finish (result, &error);
  g_autofree char *size = g_format_size (bytes);
  g_autofree char *text = NULL;

  if (self == NULL)
    {
      export_closure_free (c);
      return;
    }
  self->exporting = FALSE;
  gtk_widget_set_sensitive (self->export_button, TRUE);
  g_clear_object (&self->export_cancellable);
  if (error)
    {
      text = g_strdup_printf (_("Could not save “%s”: %s"), c->name, error->message);
      show_status (self, text, NAN, TRUE);
      export_closure_free (c);
      return;
    }
  if (c->kind == BL_BACKPROP_EXPORT_CSV)
    text = g_strdup_printf (_("Saved the ledger to “%s” (%s): every iteration of every "
                              "learning rate, full precision."), c->name, size);
  else if (c->kind == BL_BACKPROP_EXPORT_XLSX)
    {
      g_autofree char *rows = bl_format_count (c->rows);
      text = g_strdup_printf (_("Saved the workbook “%s” (%s): a sheet per learning rate, "
                                "iterations 0 to %s, every cell a live formula."), c->name,
                              size, rows);
    }
  else
    text = g_strdup_printf (_("Saved the loss chart to “%s” (%s)."), c->name, size);
  show_status (self, text, NAN, FALSE);
  self->status_hide_id = g_timeout_add_seconds (STATUS_SECONDS, hide_status_cb, self);
  export_closure_free (c);
}

/* Starts the status and the closure of an export of @path; FALSE if one is still running. */
static ExportClosure *
begin_export (BlBackpropPage *self, const char *path, int kind, const char *message,
              GError **error)
{
  ExportClosure *c;

  if (self->exporting)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                   _("An export is still being written; try again when it has finished."));
      return NULL;
    }
  c = g_new0 (ExportClosure, 1);
  g_weak_ref_init (&c->page, self);
  c->name = g_filename_display_basename (path);
  c->kind = kind;
  self->exporting = TRUE;
  gtk_widget_set_sensitive (self->export_button, FALSE);
  self->export_cancellable = g_cancellable_new ();
  show_status (self, message, kind < 0 ? -1 : 0, FALSE);
  return c;
}

static gboolean
export_ledger (BlBackpropPage *self, BlBackpropExportKind kind, const char *path,
               GError **error)
{
  g_autofree double *lrs = g_new (double, MAX (self->runs->len, 1));
  g_autofree char *name = g_filename_display_basename (path);
  g_autofree char *message = NULL;
  guint iterations = self->iterations;
  ExportClosure *c;

  for (guint i = 0; i < self->runs->len; i++)
    lrs[i] = ((BlToyRun *) g_ptr_array_index (self->runs, i))->lr;
  if (kind == BL_BACKPROP_EXPORT_XLSX)
    {
      g_autofree char *rows = NULL;
      iterations = MIN (self->iterations, MAX (BL_BACKPROP_WORKBOOK_ITERATIONS, self->current));
      rows = bl_format_count (iterations);
      message = g_strdup_printf (_("Writing the workbook “%s”: a sheet per learning rate, "
                                   "iterations 0 to %s…"), name, rows);
    }
  else
    {
      g_autofree char *rows = bl_format_count ((guint64) (self->iterations + 1) * self->runs->len);
      message = g_strdup_printf (_("Writing the ledger “%s”: %s rows…"), name, rows);
    }
  c = begin_export (self, path, kind, message, error);
  if (c == NULL)
    return FALSE;
  c->rows = iterations;
  if (kind == BL_BACKPROP_EXPORT_CSV)
    show_status (self, NULL, -1, FALSE);   /* the CSV writer cannot say how far it is */
  bl_backprop_export_ledger_async (kind, path, &self->params, lrs, self->runs->len, iterations,
                                   self->export_cancellable, export_progress_cb, G_OBJECT (self),
                                   export_done_cb, c);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * GObject
 */

/* Below this width the sidebar starts hidden, so the diagram, the chart and the ledger keep a
 * readable size: 88 of the page's ems (1,760 px in projector mode: the diagram needs about 690
 * px for 14-pixel text), and never below 1,300 px (on 1024- and 1280-pixel screens in normal
 * type the sidebar left the diagram 6.4- and 7.6-pixel text). The sidebar button brings it
 * back. */
#define SIDEBAR_MIN_EMS 88
#define SIDEBAR_MIN_PX 1300

static void set_show_sidebar (BlBackpropPage *self, gboolean show);

static gboolean
auto_sidebar_cb (gpointer data)
{
  BlBackpropPage *self = data;
  double em = bl_text_font_px (gtk_widget_get_pango_context (GTK_WIDGET (self)));

  self->sidebar_idle = 0;
  if (!self->sidebar_chosen && gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    set_show_sidebar (self, gtk_widget_get_width (GTK_WIDGET (self)) >=
                            MAX (SIDEBAR_MIN_EMS * em, SIDEBAR_MIN_PX));
  return G_SOURCE_REMOVE;
}

static void
set_show_sidebar (BlBackpropPage *self, gboolean show)
{
  show = !!show;
  if (self->show_sidebar == (guint) show)
    return;
  self->show_sidebar = show;
  gtk_widget_set_visible (self->sidebar, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SIDEBAR]);
}

static void
bl_backprop_page_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (object);

  if (id == PROP_SHOW_SIDEBAR)
    g_value_set_boolean (value, self->show_sidebar);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
bl_backprop_page_set_property (GObject *object, guint id, const GValue *value,
                               GParamSpec *pspec)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (object);

  if (id == PROP_SHOW_SIDEBAR)
    {
      /* Shown or hidden by hand (F9, the button): no longer decided by the width. */
      self->sidebar_chosen = TRUE;
      set_show_sidebar (self, g_value_get_boolean (value));
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

/* The panes share the page in fixed proportions as the window changes size, until the teacher
 * drags one (then it keeps its place): the sidebar at its natural width (at most a third), the
 * diagram and the chart halves of the upper part, the ledger below half of the height (less
 * where the diagram needs it), the formula panel a third of the width beside it. */
enum { PANE_SIDEBAR, PANE_TOP, PANE_VERTICAL, PANE_LEDGER };

static void
place_pane (BlBackpropPage *self, GtkPaned *paned, guint which, int position)
{
  if (self->panes_dragged & (1u << which) || gtk_paned_get_position (paned) == position)
    return;
  self->placing_panes = TRUE;
  gtk_paned_set_position (paned, position);
  self->placing_panes = FALSE;
}

static void
pane_moved_cb (GtkPaned *paned, GParamSpec *pspec, BlBackpropPage *self)
{
  GtkPaned *panes[] = { self->hpaned, self->top_paned, self->vpaned, self->ledger_paned };

  if (self->placing_panes || !gtk_widget_get_mapped (GTK_WIDGET (paned)))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    if (panes[i] == paned)
      self->panes_dragged |= 1u << i;
}

/* The page is one box (the template's child): it measures and allocates that box, then places
 * the panes (no layout manager, so that this runs on every allocation). */
static void
bl_backprop_page_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                          int *minimum, int *natural, int *minimum_baseline,
                          int *natural_baseline)
{
  ensure_computed (BL_BACKPROP_PAGE (widget));
  gtk_widget_measure (gtk_widget_get_first_child (widget), orientation, for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
}

static void
bl_backprop_page_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (widget);
  GtkWidget *box = gtk_widget_get_first_child (widget);
  int end_w = width, paned_h = height;

  /* Placed before the box is allocated, from the size it is about to get, so that this very
   * allocation uses them: the sidebar at its natural width (at most a third of the page)… */
  if (self->show_sidebar)
    {
      int natural, side;
      gtk_widget_measure (self->sidebar, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL,
                          NULL);
      side = MIN (natural, width / 3);
      place_pane (self, self->hpaned, PANE_SIDEBAR, side);
      end_w = width - gtk_paned_get_position (self->hpaned);
    }
  /* …the rest below the toolbar and the messages, which take their natural heights. */
  for (GtkWidget *c = gtk_widget_get_first_child (box); c; c = gtk_widget_get_next_sibling (c))
    if (c != GTK_WIDGET (self->hpaned) && gtk_widget_get_visible (c))
      {
        int natural;
        gtk_widget_measure (c, GTK_ORIENTATION_VERTICAL, width, NULL, &natural, NULL, NULL);
        paned_h -= natural;
      }
  if (end_w > 0 && paned_h > 0)
    {
      GtkWidget *walk = gtk_widget_get_parent (GTK_WIDGET (self->step_through));
      gboolean walking = bl_step_through_get_active (self->step_through);
      int walk_h, top = paned_h * 13 / 25, diagram_w;

      /* The diagram a little over half the width, more where its text would fall below its
       * floor (projector mode on a small screen), the chart keeping 30 %. Walking through one
       * iteration, when the diagram is the lesson and carries its δs and gradients, up to its
       * natural width (the room its labels need to stay clear of one another), the chart
       * keeping a fifth. */
      if (walking)
        gtk_widget_measure (GTK_WIDGET (self->network_view), GTK_ORIENTATION_HORIZONTAL, -1,
                            NULL, &diagram_w, NULL, NULL);
      else
        diagram_w = bl_network_view_get_floor_width (self->network_view);
      place_pane (self, self->top_paned, PANE_TOP,
                  MAX (end_w * 11 / 20, MIN (diagram_w, end_w * (walking ? 8 : 7) / 10)));
      /* The diagram's text at its floor (14 px in projector mode) needs a height of its own
       * with the walk's bar under it: the upper half grows to give it, while the ledger keeps
       * two fifths of the height (a quarter while walking through, when the marked cell's
       * row is all it must show: a third left the diagram 12.7-pixel text on a 1024×600
       * projector; a quarter too for the network with bias units, a row of units taller:
       * two fifths left it 12.4-pixel text there). */
      gtk_widget_measure (walk, GTK_ORIENTATION_VERTICAL,
                          gtk_paned_get_position (self->top_paned), NULL, &walk_h, NULL, NULL);
      top = MAX (top, MIN (bl_network_view_get_floor_height (self->network_view) + walk_h,
                           paned_h * 3 / (walking || self->params.has_biases ? 4 : 5)));
      place_pane (self, self->vpaned, PANE_VERTICAL, top);
      place_pane (self, self->ledger_paned, PANE_LEDGER, end_w * 2 / 3);
    }
  /* A paned moves its handle itself when the window shrinks below what its children need:
   * that is no teacher's drag, and the panes keep being placed. */
  self->placing_panes = TRUE;
  gtk_widget_allocate (box, width, height, baseline, NULL);
  self->placing_panes = FALSE;
  if (gtk_widget_get_width (GTK_WIDGET (self->formula_label)) != self->formula_width &&
      self->refit_idle == 0)
    self->refit_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, refit_formulas_cb, self, NULL);
  if (!self->sidebar_chosen && self->sidebar_idle == 0)
    self->sidebar_idle = g_idle_add_full (G_PRIORITY_HIGH_IDLE, auto_sidebar_cb, self, NULL);
}

/* The font changed (projector mode, the desktop's text size): the columns follow it. */
static void
bl_backprop_page_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (widget);
  double em;

  GTK_WIDGET_CLASS (bl_backprop_page_parent_class)->css_changed (widget, change);
  queue_column_widths (self);
  /* Projector mode's larger font: the sidebar gives way now, before the larger minimum sizes
   * of the diagram and the ledger are measured with it (later, they would have widened the
   * window past a 1024-pixel screen, and the wider window kept the sidebar). */
  em = bl_text_font_px (gtk_widget_get_pango_context (widget));
  if (!self->sidebar_chosen && gtk_widget_get_width (widget) > 0 &&
      gtk_widget_get_width (widget) < SIDEBAR_MIN_EMS * em)
    set_show_sidebar (self, FALSE);
}

static void
bl_backprop_page_dispose (GObject *object)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (object);

  g_clear_handle_id (&self->compute_idle, g_source_remove);
  if (self->tick_id)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->export_cancellable)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  if (self->ledger_tick)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->ledger_tick);
  self->ledger_tick = 0;
  if (self->scroll_clock)
    g_clear_signal_handler (&self->scroll_handler, self->scroll_clock);
  g_clear_weak_pointer (&self->scroll_clock);
  g_clear_handle_id (&self->widths_idle, g_source_remove);
  g_clear_handle_id (&self->settle_id, g_source_remove);
  g_clear_handle_id (&self->refit_ledger_idle, g_source_remove);
  if (self->refit_clock)
    g_clear_signal_handler (&self->refit_handler, self->refit_clock);
  g_clear_weak_pointer (&self->refit_clock);
  if (self->ledger_scroller)
    g_signal_handlers_disconnect_by_data (gtk_scrolled_window_get_hadjustment (
                                            self->ledger_scroller), self);
  g_clear_handle_id (&self->sidebar_idle, g_source_remove);
  g_clear_handle_id (&self->refit_idle, g_source_remove);
  g_clear_handle_id (&self->follow_id, g_source_remove);
  g_clear_handle_id (&self->pulse_id, g_source_remove);
  g_clear_handle_id (&self->status_hide_id, g_source_remove);
  if (self->ledger)
    bl_ledger_model_set_run (self->ledger, NULL);
  for (guint i = 0; i < self->cells->len; i++)
    g_object_weak_unref (g_ptr_array_index (self->cells, i), cell_finalized, self);
  g_ptr_array_set_size (self->cells, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), BL_TYPE_BACKPROP_PAGE);
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->selection);
  g_clear_object (&self->ledger);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (bl_backprop_page_parent_class)->dispose (object);
}

static void
bl_backprop_page_finalize (GObject *object)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (object);

  g_ptr_array_unref (self->runs);
  g_ptr_array_unref (self->lr_rows);
  g_ptr_array_unref (self->cells);
  g_free (self->notice);
  G_OBJECT_CLASS (bl_backprop_page_parent_class)->finalize (object);
}

static void
bl_backprop_page_class_init (BlBackpropPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_backprop_page_dispose;
  object_class->finalize = bl_backprop_page_finalize;
  object_class->get_property = bl_backprop_page_get_property;
  object_class->set_property = bl_backprop_page_set_property;
  widget_class->css_changed = bl_backprop_page_css_changed;
  widget_class->size_allocate = bl_backprop_page_size_allocate;
  widget_class->measure = bl_backprop_page_measure;

  /* "show-sidebar": the starting values and the rates beside the lesson (F9 hides them, so the
   * diagram, the chart and the ledger take the whole projector). */
  properties[PROP_SHOW_SIDEBAR] =
    g_param_spec_boolean ("show-sidebar", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (BL_TYPE_CHART);
  g_type_ensure (BL_TYPE_FIT_LABEL);
  g_type_ensure (BL_TYPE_NETWORK_VIEW);
  g_type_ensure (BL_TYPE_NETWORK_OPTIONS);
  g_type_ensure (BL_TYPE_STEP_THROUGH);
  g_type_ensure (BL_TYPE_PREDICT_PANEL);
  g_type_ensure (BL_TYPE_PUBLISHED_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-backprop-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlBackpropPage, name)
  CHILD (banner_revealer);
  CHILD (banner_label);
  CHILD (banner_close);
  CHILD (sidebar);
  CHILD (hpaned);
  CHILD (vpaned);
  CHILD (top_paned);
  CHILD (ledger_paned);
  CHILD (speed_dropdown);
  CHILD (position_label);
  CHILD (export_button);
  CHILD (status_revealer);
  CHILD (status_label);
  CHILD (status_progress);
  CHILD (status_close);
  CHILD (run_n_spin);
  CHILD (run_n_adjustment);
  CHILD (iterations_spin);
  CHILD (iterations_adjustment);
  CHILD (play_icon);
  CHILD (play_label);
  CHILD (preset_dropdown);
  CHILD (train_biases_switch);
  CHILD (params_grid);
  CHILD (network_options);
  CHILD (step_through);
  CHILD (predict_panel);
  CHILD (published_panel);
  CHILD (predict_toggle);
  CHILD (params_error);
  CHILD (lr_box);
  CHILD (lr_add_entry);
  CHILD (lr_add_button);
  CHILD (lr_error);
  CHILD (eps_entry);
  CHILD (reach_grid);
  CHILD (network_view);
  CHILD (chart);
  CHILD (linear_toggle);
  CHILD (log_toggle);
  CHILD (ledger_run_dropdown);
  CHILD (iteration_scroller);
  CHILD (walk_position);
  CHILD (walk_text);
  CHILD (walk_separator);
  CHILD (iteration_view);
  CHILD (ledger_scroller);
  CHILD (ledger_view);
  CHILD (ledger_overlay);
  CHILD (ledger_more);
  CHILD (ledger_more_hint);
  CHILD (formula_title);
  CHILD (formula_label);
  CHILD (substituted_label);
  CHILD (chain_label);
  CHILD (paths_label);
  CHILD (check_label);
#undef CHILD
  gtk_widget_class_set_css_name (widget_class, "backproppage");

  gtk_widget_class_install_property_action (widget_class, "backprop.show-sidebar",
                                            "show-sidebar");
  /* Keyboard first, in the bubble phase: a focused entry keeps its own use of these keys. */
  gtk_widget_class_install_action (widget_class, "backprop.arrow-right", NULL, arrow_action);
  gtk_widget_class_install_action (widget_class, "backprop.arrow-left", NULL, arrow_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "backprop.arrow-right",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "backprop.arrow-right",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "backprop.arrow-left",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "backprop.arrow-left",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "win.reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "win.reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "backprop.show-sidebar",
                                       NULL);
}

static void
banner_close_cb (GtkButton *button, BlBackpropPage *self)
{
  show_banner (self, NULL);
}

static void
status_close_cb (GtkButton *button, BlBackpropPage *self)
{
  hide_status_cb (self);
}

static void
bl_backprop_page_init (BlBackpropPage *self)
{
  guint n;
  const double *lrs;
  GtkGesture *click;
  g_autofree char *max = bl_format_count (BL_BACKPROP_MAX_ITERATIONS);
  g_autofree char *tooltip = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) bl_toy_run_free);
  self->lr_rows = g_ptr_array_new_with_free_func (lr_row_free);
  self->cells = g_ptr_array_new ();
  self->show_sidebar = TRUE;
  self->selected_col = BL_TOY_COL_E_TOTAL;
  self->blown_param = BL_TOY_N_COLS;
  self->scroll_col = BL_TOY_N_COLS;
  self->eps = 1e-3;
  bl_toy_params_init_preset (&self->params, BL_TOY_PRESET_CLASSROOM);

  /* The page's bound, in the fields that reach it. */
  gtk_adjustment_set_upper (self->iterations_adjustment, BL_BACKPROP_MAX_ITERATIONS);
  gtk_adjustment_set_upper (self->run_n_adjustment, BL_BACKPROP_MAX_ITERATIONS);
  tooltip = g_strdup_printf (_("Iterations computed for every learning rate, up to %s"), max);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->iterations_spin), tooltip);
  self->iterations = (guint) gtk_spin_button_get_value_as_int (self->iterations_spin);
  gtk_drop_down_set_selected (self->speed_dropdown, DEFAULT_SPEED_INDEX);

  bl_chart_set_title (self->chart, _("Loss per learning rate"));
  bl_chart_set_x_label (self->chart, _("iteration"));
  bl_chart_set_y_label (self->chart, "E_total");
  /* The two scale buttons are one switch: Log is the chart's "log-y", either way round. */
  g_object_bind_property (self->log_toggle, "active", self->chart, "log-y",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (self->log_toggle, "active", self->linear_toggle, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL |
                          G_BINDING_INVERT_BOOLEAN);

  self->ledger = bl_ledger_model_new ();
  g_signal_connect (self->ledger, "values-changed", G_CALLBACK (ledger_values_changed_cb), self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->ledger)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->ledger_view, GTK_SELECTION_MODEL (self->selection));
  gtk_column_view_set_model (self->iteration_view, GTK_SELECTION_MODEL (self->selection));
  add_ledger_column (self, self->iteration_view, ITERATION_COLUMN);
  build_ledger_columns (self, FALSE);
  /* The ledger's columns scroll sideways by whole columns under the pinned one. */
  g_signal_connect (gtk_scrolled_window_get_hadjustment (self->ledger_scroller), "value-changed",
                    G_CALLBACK (ledger_hscrolled_cb), self);
  g_signal_connect (gtk_scrolled_window_get_hadjustment (self->ledger_scroller), "changed",
                    G_CALLBACK (ledger_hlayout_cb), self);
  g_signal_connect (self->ledger_overlay, "get-child-position",
                    G_CALLBACK (ledger_more_position), self);
  /* The pinned iteration column follows the ledger up and down (one way: it takes no input). */
  g_object_bind_property (gtk_scrolled_window_get_vadjustment (self->ledger_scroller), "value",
                          gtk_scrolled_window_get_vadjustment (self->iteration_scroller), "value",
                          G_BINDING_SYNC_CREATE);
  click = gtk_gesture_click_new ();
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (ledger_click_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->ledger_view), GTK_EVENT_CONTROLLER (click));

  self->ledger_run_names = gtk_string_list_new (NULL);
  gtk_drop_down_set_model (self->ledger_run_dropdown, G_LIST_MODEL (self->ledger_run_names));
  g_object_unref (self->ledger_run_names);   /* the drop-down keeps it */

  build_param_grid (self);
  fill_param_entries (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->train_biases_switch), FALSE);
  lrs = bl_toy_default_learning_rates (&n);
  rebuild_lr_rows (self, lrs, n);

  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
  g_signal_connect (self->chart, "cursor-moved", G_CALLBACK (chart_cursor_moved_cb), self);
  g_signal_connect (self->network_view, "column-activated", G_CALLBACK (network_column_cb), self);
  g_signal_connect (self->preset_dropdown, "notify::selected", G_CALLBACK (preset_changed_cb),
                    self);
  g_signal_connect (self->train_biases_switch, "notify::active", G_CALLBACK (train_biases_cb),
                    self);
  g_signal_connect (self->network_options, "changed", G_CALLBACK (network_options_changed_cb),
                    self);
  /* The step's text goes to the formula panel: under the diagram it took the height the
   * diagram's text needs on a 600-pixel projector. */
  bl_step_through_set_show_detail (self->step_through, FALSE);
  g_signal_connect (self->step_through, "step-changed", G_CALLBACK (walk_step_cb), self);
  g_signal_connect (self->predict_panel, "hidden-changed",
                    G_CALLBACK (predict_hidden_changed_cb), self);
  g_signal_connect (self->predict_panel, "next-row", G_CALLBACK (predict_next_row_cb), self);
  g_signal_connect (self->predict_toggle, "toggled", G_CALLBACK (predict_toggled_cb), self);
  g_signal_connect (self->step_through, "notify::active", G_CALLBACK (walk_active_cb), self);
  g_signal_connect (self->iterations_spin, "value-changed", G_CALLBACK (iterations_changed_cb),
                    self);
  g_signal_connect (self->lr_add_button, "clicked", G_CALLBACK (lr_add_cb), self);
  g_signal_connect (self->lr_add_entry, "activate", G_CALLBACK (lr_add_cb), self);
  g_signal_connect (self->eps_entry, "changed", G_CALLBACK (eps_changed_cb), self);
  g_signal_connect (self->ledger_run_dropdown, "notify::selected",
                    G_CALLBACK (ledger_run_changed_cb), self);
  g_signal_connect (self->banner_close, "clicked", G_CALLBACK (banner_close_cb), self);
  g_signal_connect (self->status_close, "clicked", G_CALLBACK (status_close_cb), self);
  g_signal_connect (self->hpaned, "notify::position", G_CALLBACK (pane_moved_cb), self);
  g_signal_connect (self->top_paned, "notify::position", G_CALLBACK (pane_moved_cb), self);
  g_signal_connect (self->vpaned, "notify::position", G_CALLBACK (pane_moved_cb), self);
  g_signal_connect (self->ledger_paned, "notify::position", G_CALLBACK (pane_moved_cb), self);

  /* Computed when first needed (a getter, the first measure) or at the latest from the main
   * loop, after the window has passed its settings. */
  self->runs_stale = TRUE;
  self->compute_idle = g_idle_add_full (G_PRIORITY_HIGH, compute_idle_cb, self, NULL);
}

/* ------------------------------------------------------------------------------------------
 * Public API
 */

GtkWidget *
bl_backprop_page_new (void)
{
  return g_object_new (BL_TYPE_BACKPROP_PAGE, NULL);
}

void
bl_backprop_page_set_settings (BlBackpropPage *self, GSettings *settings)
{
  g_autoptr(GVariant) lrs_v = NULL;
  g_autofree char *preset = NULL;
  const double *lrs;
  gsize n = 0;
  guint iterations;

  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  g_set_object (&self->settings, NULL);
  if (settings == NULL)
    return;
  /* Each setting read would recompute every run: compute once, after the last. */
  self->defer_compute++;

  lrs_v = g_settings_get_value (settings, "learning-rates");
  lrs = g_variant_get_fixed_array (lrs_v, &n, sizeof (double));
  if (n > 0)
    rebuild_lr_rows (self, lrs, n);
  iterations = g_settings_get_uint (settings, "iterations");
  if (iterations > BL_BACKPROP_MAX_ITERATIONS)
    notice_iteration_limit (self);
  self->iterations = CLAMP (iterations, 1, BL_BACKPROP_MAX_ITERATIONS);
  set_iterations_spin (self, self->iterations);
  preset = g_settings_get_string (settings, "preset");
  gtk_drop_down_set_selected (self->preset_dropdown,
                              g_str_equal (preset, "with-biases") ? 1 : 0);
  g_settings_bind (settings, "log-scale", self->log_toggle, "active", G_SETTINGS_BIND_DEFAULT);
  bl_network_options_bind_settings (self->network_options, settings);
  bl_network_options_apply (self->network_options, &self->params);
  g_settings_bind (settings, "projector-mode", self->chart, "projector-mode",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "projector-mode", self->network_view, "projector-mode",
                   G_SETTINGS_BIND_GET);
  self->defer_compute--;
  recompute_all (self);
  /* Written back from here on, not before: reading must not overwrite what is stored. */
  self->settings = g_object_ref (settings);
}

void
bl_backprop_page_set_learning_rates (BlBackpropPage *self, const double *lrs, guint n)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  g_return_if_fail (lrs != NULL || n == 0);
  rebuild_lr_rows (self, lrs, n);
  if (self->ledger_run >= self->lr_rows->len)
    self->ledger_run = 0;
  recompute_all (self);
  save_learning_rates (self);
}

guint
bl_backprop_page_get_current (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), 0);
  ensure_computed (self);
  return self->current;
}

guint
bl_backprop_page_get_n_runs (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), 0);
  ensure_computed (self);
  return self->runs->len;
}

const char *
bl_backprop_page_get_banner_text (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return gtk_revealer_get_reveal_child (self->banner_revealer)
         ? gtk_label_get_text (self->banner_label) : NULL;
}

BlNetworkOptions *
bl_backprop_page_get_network_options (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  return self->network_options;
}

guint
bl_backprop_page_get_n_computes (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), 0);
  return self->n_computes;
}

const BlToyRun *
bl_backprop_page_get_run (BlBackpropPage *self, guint i)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  g_return_val_if_fail (i < self->runs->len, NULL);
  return g_ptr_array_index (self->runs, i);
}

BlChart *
bl_backprop_page_get_chart (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return self->chart;
}

GtkWidget *
bl_backprop_page_get_param_entry (BlBackpropPage *self, const char *name)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  for (guint i = 0; i < N_PARAMS; i++)
    if (g_str_equal (param_names[i], name))
      return self->param_entries[i];
  return NULL;
}

GListModel *
bl_backprop_page_get_ledger_selection (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return G_LIST_MODEL (self->selection);
}

void
bl_backprop_page_set_preset (BlBackpropPage *self, BlToyPreset preset)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  /* The drop-down's handler applies it. */
  gtk_drop_down_set_selected (self->preset_dropdown, preset == BL_TOY_PRESET_WITH_BIASES ? 1 : 0);
}

GtkColumnView *
bl_backprop_page_get_ledger_view (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return self->ledger_view;
}

void
bl_backprop_page_select_column (BlBackpropPage *self, BlToyColumn col)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  g_return_if_fail (col < BL_TOY_N_COLS);
  self->selected_col = col;
  mark_selected_column (self);
  bl_network_view_set_highlight (self->network_view, col);
  update_current_view (self);
}

const char *
bl_backprop_page_get_formula_text (BlBackpropPage *self, int which)
{
  GtkLabel *labels[] = { self->formula_title, self->formula_label, self->substituted_label,
                         self->chain_label, self->check_label, self->paths_label };

  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  g_return_val_if_fail (which >= 0 && which < (int) G_N_ELEMENTS (labels), NULL);
  return gtk_label_get_text (labels[which]);
}

BlPredictPanel *
bl_backprop_page_get_predict_panel (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return self->predict_panel;
}

void
bl_backprop_page_set_predicting (BlBackpropPage *self, gboolean predicting)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  ensure_computed (self);
  gtk_toggle_button_set_active (self->predict_toggle, predicting);
}

BlStepThrough *
bl_backprop_page_get_step_through (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return self->step_through;
}

BlNetworkView *
bl_backprop_page_get_network_view (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  return self->network_view;
}

const char *
bl_backprop_page_get_status_text (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  ensure_computed (self);
  return gtk_revealer_get_reveal_child (self->status_revealer)
         ? gtk_label_get_text (self->status_label) : NULL;
}

gboolean
bl_backprop_page_get_exporting (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), FALSE);
  ensure_computed (self);
  return self->exporting;
}

gboolean
bl_backprop_page_export_csv (BlBackpropPage *self, const char *path, GError **error)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), FALSE);
  ensure_computed (self);
  return export_ledger (self, BL_BACKPROP_EXPORT_CSV, path, error);
}

gboolean
bl_backprop_page_export_xlsx (BlBackpropPage *self, const char *path, GError **error)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), FALSE);
  ensure_computed (self);
  return export_ledger (self, BL_BACKPROP_EXPORT_XLSX, path, error);
}

/* The chart is drawn here (a few milliseconds: it is the chart's own data) and encoded and
 * written by the worker. 1600 × 1000 pixels: the on-screen look at twice the scale. */
gboolean
bl_backprop_page_export_png (BlBackpropPage *self, const char *path, GError **error)
{
  g_autofree char *name = NULL, *message = NULL;
  cairo_surface_t *surface;
  ExportClosure *c;

  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), FALSE);
  ensure_computed (self);
  name = g_filename_display_basename (path);
  message = g_strdup_printf (_("Writing the loss chart “%s”…"), name);
  if ((c = begin_export (self, path, -1, message, error)) == NULL)
    return FALSE;
  surface = bl_chart_render_image (self->chart, 1600, 1000);
  bl_backprop_export_png_async (surface, path, self->export_cancellable, export_done_cb, c);
  cairo_surface_destroy (surface);
  return TRUE;
}
