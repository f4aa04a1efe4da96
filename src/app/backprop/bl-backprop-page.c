/* bl-backprop-page.c: the Backprop page. The page owns the model (parameters, learning
 * rates, one BlToyRun per rate and the current iteration); the widgets only show it. All
 * computing is the core's and takes a few milliseconds, so it runs on the main thread. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "backprop/bl-backprop-page.h"
#include "backprop/bl-ledger-model.h"
#include "core/bl-toy-csv.h"
#include "export/bl-toy-xlsx.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-network-view.h"
#include "widgets/bl-palette.h"

/* As many rates as the palette has colours: no two curves ever share one. */
#define MAX_RATES 8
#define LR_SCALE_MIN -3.0   /* the sliders move log10 η over [10^-3, 10^1.5] */
#define LR_SCALE_MAX 1.5

/* The editable quantities, in the order of the parameter grid. */
static const char *const param_names[] = {
  "i1", "i2", "t1", "t2", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2",
};
#define N_PARAMS G_N_ELEMENTS (param_names)

typedef struct {
  BlBackpropPage *page;
  GtkWidget *row;
  GtkWidget *swatch;
  GtkWidget *entry;
  GtkWidget *scale;
  guint      chart_id;
} LrRow;

struct _BlBackpropPage {
  GtkWidget parent_instance;

  /* template children */
  GtkRevealer   *banner_revealer;
  GtkLabel      *banner_label;
  GtkButton     *banner_close;
  GtkSpinButton *run_n_spin;
  GtkSpinButton *iterations_spin;
  GtkLabel      *position_label;
  GtkImage      *play_icon;
  GtkLabel      *play_label;
  GtkDropDown   *preset_dropdown;
  GtkSwitch     *train_biases_switch;
  GtkGrid       *params_grid;
  GtkLabel      *params_error;
  GtkBox        *lr_box;
  GtkEntry      *lr_add_entry;
  GtkButton     *lr_add_button;
  GtkLabel      *lr_error;
  GtkEntry      *eps_entry;
  GtkGrid       *reach_grid;
  BlNetworkView *network_view;
  BlChart       *chart;
  GtkToggleButton *log_toggle;
  GtkDropDown   *ledger_run_dropdown;
  GtkScrolledWindow *ledger_scroller;
  GtkColumnView *ledger_view;
  GtkLabel      *formula_title;
  GtkLabel      *formula_label;
  GtkLabel      *substituted_label;
  GtkLabel      *chain_label;
  GtkLabel      *check_label;

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
  GtkWidget     *param_entries[N_PARAMS];
  BlLedgerModel *ledger;
  GtkSingleSelection *selection;
  GtkStringList *ledger_run_names;
  guint          tick_id;
  guint          scroll_idle;
  gint64         play_last_us;
  double         play_carry;
  guint          syncing : 1;   /* a selection change we made ourselves */
  guint          ledger_biases : 1;   /* the ledger currently has the bias columns */
};

G_DEFINE_FINAL_TYPE (BlBackpropPage, bl_backprop_page, GTK_TYPE_WIDGET)

static void update_current_view (BlBackpropPage *self);
static void rebuild_lr_rows (BlBackpropPage *self, const double *lrs, guint n);

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

/* The banner reports runs that stopped at a non-finite value. */
static void
update_stop_banner (BlBackpropPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < self->runs->len; i++)
    {
      const BlToyRun *run = g_ptr_array_index (self->runs, i);
      if (run->stop == BL_TOY_STOP_NONFINITE)
        g_string_append_printf (text, _("At η = %g the values stop being finite at iteration %u "
                                        "(a number overflowed): that run ends there. "),
                                run->lr, run->stop_row);
    }
  show_banner (self, text->len ? text->str : NULL);
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
      gtk_widget_queue_draw (row->swatch);
    }
}

static void
update_chart_series (BlBackpropPage *self, guint i)
{
  const LrRow *row = g_ptr_array_index (self->lr_rows, i);
  const BlToyRun *run = g_ptr_array_index (self->runs, i);

  bl_chart_series_set_data (self->chart, row->chart_id, NULL, run->loss, run->n_rows);
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
      g_autofree char *lr = g_strdup_printf ("η = %g", run->lr);
      g_autofree char *n = k >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, k)
                                  : g_strdup_printf (_("not within %u"), run->n_rows - 1);
      GtkWidget *a = gtk_label_new (lr), *b = gtk_label_new (n);
      GdkRGBA c;
      g_autofree char *markup = NULL;

      rate_color (self, i, &c);
      markup = g_strdup_printf ("<span foreground=\"#%02x%02x%02x\">●</span> %s",
                                (int) (c.red * 255), (int) (c.green * 255), (int) (c.blue * 255),
                                lr);
      gtk_label_set_markup (GTK_LABEL (a), markup);
      gtk_label_set_xalign (GTK_LABEL (a), 0);
      gtk_label_set_xalign (GTK_LABEL (b), 1);
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
    g_ptr_array_add (names, g_strdup_printf ("η = %g",
                                             ((BlToyRun *) g_ptr_array_index (self->runs, i))->lr));
  g_ptr_array_add (names, NULL);
  self->syncing = TRUE;
  gtk_string_list_splice (self->ledger_run_names, 0, old, (const char *const *) names->pdata);
  if (self->ledger_run >= self->runs->len)
    self->ledger_run = 0;
  gtk_drop_down_set_selected (self->ledger_run_dropdown, self->ledger_run);
  self->syncing = FALSE;
}

static void
reset_ledger_model (BlBackpropPage *self)
{
  self->syncing = TRUE;
  bl_ledger_model_set_run (self->ledger, self->runs->len
                           ? g_ptr_array_index (self->runs, self->ledger_run) : NULL);
  self->syncing = FALSE;
}

/* (Re)compute run @i from the current parameters and its row's learning rate. */
static void
recompute_run (BlBackpropPage *self, guint i)
{
  LrRow *row = g_ptr_array_index (self->lr_rows, i);
  BlToyRun *run = bl_toy_run_new (&self->params, lr_of_row (row));

  bl_toy_run_compute (run, self->iterations);
  g_ptr_array_index (self->runs, i) = run;
}

static void build_ledger_columns (BlBackpropPage *self, gboolean biases);

static void
recompute_all (BlBackpropPage *self)
{
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
  reset_ledger_model (self);
  update_reach_table (self);
  update_stop_banner (self);
  update_current_view (self);
}

/* Grow every run to @iterations (cheap: only the new rows are computed). */
static void
extend_runs (BlBackpropPage *self, guint iterations)
{
  if (iterations == self->iterations)
    return;
  self->iterations = iterations;
  for (guint i = 0; i < self->runs->len; i++)
    {
      bl_toy_run_compute (g_ptr_array_index (self->runs, i), iterations);
      update_chart_series (self, i);
    }
  g_signal_handlers_block_matched (self->iterations_spin, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL,
                                   self);
  gtk_spin_button_set_value (self->iterations_spin, iterations);
  g_signal_handlers_unblock_matched (self->iterations_spin, G_SIGNAL_MATCH_DATA, 0, 0, NULL,
                                     NULL, self);
  reset_ledger_model (self);
  update_reach_table (self);
  update_stop_banner (self);
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

static void
update_formula_panel (BlBackpropPage *self)
{
  const BlToyRun *run = ledger_run (self);
  BlToyColumn col = self->selected_col;
  BlToyParams p;
  BlToyRow row, prev;
  guint k;
  g_autofree char *title = NULL, *formula = NULL, *subst = NULL, *chain = NULL;

  if (run == NULL)
    return;
  k = MIN (self->current, run->n_rows - 1);
  if (!bl_toy_column_visible (col, run->init.has_biases))
    col = self->selected_col = BL_TOY_COL_E_TOTAL;
  bl_toy_run_get_params (run, k, &p);
  bl_toy_compute_row (&p, &row);
  if (k > 0)
    bl_toy_run_get_row (run, k - 1, &prev);

  title = g_strdup_printf (_("%s at iteration %u, η = %g"), bl_toy_column_label (col), k,
                           run->lr);
  formula = bl_toy_formula (col, run->init.has_biases);
  subst = bl_toy_formula_substituted (col, &p, &row, k > 0 ? &prev : NULL, run->lr);
  chain = bl_toy_chain_rule (col, &p, &row);
  gtk_label_set_text (self->formula_title, title);
  gtk_label_set_text (self->formula_label, formula);
  gtk_label_set_text (self->substituted_label, subst);
  gtk_label_set_text (self->chain_label, chain ? chain : "");
  gtk_widget_set_visible (GTK_WIDGET (self->chain_label), chain != NULL);

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

/* Scroll the ledger so the current row is in view (GTK 4.8 has no
 * gtk_column_view_scroll_to). Runs after layout: right after the model changed, the list's
 * adjustment still describes the old rows. */
static gboolean
scroll_ledger_idle_cb (gpointer data)
{
  BlBackpropPage *self = data;
  guint k = self->current;
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->ledger_scroller);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->ledger));
  double upper = gtk_adjustment_get_upper (adj), page = gtk_adjustment_get_page_size (adj);
  double row_h, top;

  self->scroll_idle = 0;
  if (n == 0 || upper <= page)
    return G_SOURCE_REMOVE;
  k = MIN (k, n - 1);
  row_h = upper / (n + 1);   /* the header takes about one row */
  top = (k + 1) * row_h;
  if (top < gtk_adjustment_get_value (adj) + row_h ||
      top + row_h > gtk_adjustment_get_value (adj) + page)
    gtk_adjustment_set_value (adj, CLAMP (top - page / 2, 0, upper - page));
  return G_SOURCE_REMOVE;
}

static void
scroll_ledger_later (BlBackpropPage *self)
{
  if (self->scroll_idle == 0)
    self->scroll_idle = g_idle_add_full (G_PRIORITY_LOW, scroll_ledger_idle_cb, self, NULL);
}

static void
update_current_view (BlBackpropPage *self)
{
  const BlToyRun *run = ledger_run (self);
  g_autofree char *pos = NULL;
  guint k;

  if (run == NULL)
    return;
  k = MIN (self->current, run->n_rows - 1);

  self->syncing = TRUE;
  if (gtk_single_selection_get_selected (self->selection) != k)
    gtk_single_selection_set_selected (self->selection, k);
  self->syncing = FALSE;
  scroll_ledger_later (self);

  bl_chart_set_cursor_x (self->chart, self->current);
  {
    BlToyParams p;
    BlToyRow row;
    bl_toy_run_get_params (run, k, &p);
    bl_toy_compute_row (&p, &row);
    bl_network_view_set_state (self->network_view, &p, &row);
  }
  bl_network_view_set_highlight (self->network_view, self->selected_col);
  pos = g_strdup_printf (_("Iteration %u of %u  ·  E_total = %.9g at η = %g"), self->current,
                         self->iterations, run->loss[k], run->lr);
  gtk_label_set_text (self->position_label, pos);
  update_formula_panel (self);
}

static void
set_current (BlBackpropPage *self, guint k)
{
  if (k > self->iterations)
    extend_runs (self, k);
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
  set_current (self, MIN ((guint64) self->current + n, (guint64) G_MAXUINT - 1));
}

void
bl_backprop_page_run_n (BlBackpropPage *self)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  bl_backprop_page_step (self, (guint) gtk_spin_button_get_value_as_int (self->run_n_spin));
}

void
bl_backprop_page_reset (BlBackpropPage *self)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  if (self->tick_id)
    bl_backprop_page_toggle_play (self);
  set_current (self, 0);
}

/* Playing walks to the last computed iteration in about eight seconds. */
static gboolean
play_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  double per_second = MAX (5.0, self->iterations / 8.0);
  guint advance;

  if (self->play_last_us == 0)
    self->play_last_us = now;
  self->play_carry += (now - self->play_last_us) / 1e6 * per_second;
  self->play_last_us = now;
  advance = (guint) self->play_carry;
  self->play_carry -= advance;
  if (advance == 0)
    return G_SOURCE_CONTINUE;
  if (self->current + advance >= self->iterations)
    {
      set_current (self, self->iterations);
      self->tick_id = 0;
      gtk_image_set_from_icon_name (self->play_icon, "media-playback-start-symbolic");
      gtk_label_set_text (self->play_label, _("Play"));
      return G_SOURCE_REMOVE;
    }
  set_current (self, self->current + advance);
  return G_SOURCE_CONTINUE;
}

void
bl_backprop_page_toggle_play (BlBackpropPage *self)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));

  if (self->tick_id)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
      gtk_image_set_from_icon_name (self->play_icon, "media-playback-start-symbolic");
      gtk_label_set_text (self->play_label, _("Play"));
      return;
    }
  if (self->current >= self->iterations)
    set_current (self, 0);
  self->play_last_us = 0;
  self->play_carry = 0;
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), play_tick_cb, NULL, NULL);
  gtk_image_set_from_icon_name (self->play_icon, "media-playback-pause-symbolic");
  gtk_label_set_text (self->play_label, _("Pause"));
}

gboolean
bl_backprop_page_get_playing (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), FALSE);
  return self->tick_id != 0;
}

static void
iterations_changed_cb (GtkSpinButton *spin, BlBackpropPage *self)
{
  guint n = (guint) gtk_spin_button_get_value_as_int (spin);

  if (n < self->iterations)
    {
      /* Shrinking: drop rows; the cursor stays within the runs. */
      self->iterations = n;
      for (guint i = 0; i < self->runs->len; i++)
        {
          bl_toy_run_compute (g_ptr_array_index (self->runs, i), n);
          update_chart_series (self, i);
        }
      reset_ledger_model (self);
      update_reach_table (self);
      update_stop_banner (self);
      if (self->settings)
        g_settings_set_uint (self->settings, "iterations", n);
      set_current (self, MIN (self->current, n));
    }
  else
    {
      extend_runs (self, n);
      update_current_view (self);
    }
}

/* ------------------------------------------------------------------------------------------
 * Parameters: typed values are checked as they are typed; a bad one is refused in place
 * and the last good values stay in use.
 */

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
      if (!bl_toy_parse_double (text, &v, &field_error) ||
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
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 7);
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
    reset_ledger_model (self);
  update_reach_table (self);
  update_stop_banner (self);
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

  bl_toy_run_free (g_ptr_array_index (self->runs, i));
  recompute_run (self, i);
  update_chart_series (self, i);
  {
    g_autofree char *label = g_strdup_printf ("η = %g", lr);
    bl_chart_series_set_label (self->chart, row->chart_id, label);
  }
  recolor_rates (self);
  rates_changed (self, i == self->ledger_run);
}

static void
lr_entry_changed_cb (GtkEditable *editable, LrRow *row)
{
  BlBackpropPage *self = row->page;
  g_autoptr(GError) error = NULL;
  double lr;

  if (!bl_toy_parse_double (gtk_editable_get_text (editable), &lr, &error) ||
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

static void
lr_scale_changed_cb (GtkRange *range, LrRow *row)
{
  /* Three significant digits: a dragged rate reads like one a teacher would type. */
  double lr = pow (10, gtk_range_get_value (range));
  char buf[32];

  g_snprintf (buf, sizeof buf, "%.3g", lr);
  g_signal_handlers_block_matched (row->entry, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  gtk_editable_set_text (GTK_EDITABLE (row->entry), buf);
  g_signal_handlers_unblock_matched (row->entry, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, row);
  set_field_error (row->entry, row->page->lr_error, NULL);
  lr_value_changed (row->page, row, g_ascii_strtod (buf, NULL));
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
  char buf[32];
  GdkRGBA c;
  g_autofree char *label = g_strdup_printf ("η = %g", lr);

  row->page = self;
  row->row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  row->swatch = gtk_drawing_area_new ();
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (row->swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (row->swatch), 14);
  gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), swatch_draw, row, NULL);
  row->entry = gtk_entry_new ();
  gtk_editable_set_width_chars (GTK_EDITABLE (row->entry), 6);
  g_snprintf (buf, sizeof buf, "%g", lr);
  gtk_editable_set_text (GTK_EDITABLE (row->entry), buf);
  gtk_widget_add_css_class (row->entry, "numeric");
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Learning rate"), -1);
  row->scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, LR_SCALE_MIN, LR_SCALE_MAX,
                                         0.001);
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
  if (!bl_toy_parse_double (gtk_editable_get_text (GTK_EDITABLE (self->lr_add_entry)), &lr,
                            &error) || !bl_toy_lr_validate (lr, &error))
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
      gtk_box_remove (self->lr_box, row->row);
    }
  g_ptr_array_set_size (self->lr_rows, 0);
  for (guint i = 0; i < n && i < MAX_RATES; i++)
    {
      g_autoptr(GError) error = NULL;
      if (!bl_toy_lr_validate (lrs[i], &error))
        continue;   /* a bad stored preference is dropped, not used */
      g_ptr_array_add (self->lr_rows, lr_row_new (self, lrs[i]));
      gtk_box_append (self->lr_box, ((LrRow *) g_ptr_array_index (self->lr_rows,
                                                                  self->lr_rows->len - 1))->row);
    }
}

/* ------------------------------------------------------------------------------------------
 * The ledger
 */

static void
cell_setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, BlBackpropPage *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, BlBackpropPage *self)
{
  BlLedgerRow *row = gtk_list_item_get_item (item);
  int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (factory), "column"));
  GtkWidget *label = gtk_list_item_get_child (item);
  char buf[64];

  if (col < 0)
    g_snprintf (buf, sizeof buf, "%u", bl_ledger_row_get_iteration (row));
  else
    g_snprintf (buf, sizeof buf, "%.9g", bl_ledger_row_get_values (row)->v[col]);
  gtk_label_set_text (GTK_LABEL (label), buf);
  if (col == (int) self->selected_col)
    gtk_widget_add_css_class (label, "selected-quantity");
  else
    gtk_widget_remove_css_class (label, "selected-quantity");
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
  for (int col = -1; col < BL_TOY_N_COLS; col++)
    {
      GtkListItemFactory *factory;
      GtkColumnViewColumn *column;

      if (col >= 0 && !bl_toy_column_visible (col, biases))
        continue;
      factory = gtk_signal_list_item_factory_new ();
      g_object_set_data (G_OBJECT (factory), "column", GINT_TO_POINTER (col));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
      column = gtk_column_view_column_new (col < 0 ? _("iteration") : bl_toy_column_label (col),
                                           factory);
      g_object_set_data (G_OBJECT (column), "column", GINT_TO_POINTER (col));
      gtk_column_view_column_set_fixed_width (column, col < 0 ? 80 : 112);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->ledger_view, column);
      g_object_unref (column);
    }
}

static void
selection_changed_cb (GtkSingleSelection *selection, GParamSpec *pspec, BlBackpropPage *self)
{
  guint k = gtk_single_selection_get_selected (selection);

  if (self->syncing || k == GTK_INVALID_LIST_POSITION)
    return;
  set_current (self, k);
}

/* A click in the ledger: the row under it becomes current, its column the explained one. */
static void
ledger_click_cb (GtkGestureClick *gesture, int n_press, double x, double y,
                 BlBackpropPage *self)
{
  GtkWidget *hit = gtk_widget_pick (GTK_WIDGET (self->ledger_view), x, y, GTK_PICK_DEFAULT);
  GListModel *columns = gtk_column_view_get_columns (self->ledger_view);
  double cx = 0;
  double scroll_x = gtk_adjustment_get_value (
    gtk_scrolled_window_get_hadjustment (self->ledger_scroller));

  if (hit == NULL || !GTK_IS_LABEL (hit) || !gtk_widget_has_css_class (hit, "numeric"))
    return;
  /* Which column: walk the fixed widths from the left edge. */
  x += scroll_x;
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) c = g_list_model_get_item (columns, i);
      int w = gtk_column_view_column_get_fixed_width (c);
      if (x >= cx && x < cx + w)
        {
          int col = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (c), "column"));
          if (col >= 0)
            bl_backprop_page_select_column (self, col);
          break;
        }
      cx += w;
    }
}

static void
ledger_run_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlBackpropPage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (self->syncing || i == GTK_INVALID_LIST_POSITION || i >= self->runs->len)
    return;
  self->ledger_run = i;
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

  if (!bl_toy_parse_double (gtk_editable_get_text (editable), &eps, &error) || eps <= 0)
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
 * GObject
 */

static void
bl_backprop_page_dispose (GObject *object)
{
  BlBackpropPage *self = BL_BACKPROP_PAGE (object);

  if (self->tick_id)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_handle_id (&self->scroll_idle, g_source_remove);
  if (self->ledger)
    bl_ledger_model_set_run (self->ledger, NULL);
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
  G_OBJECT_CLASS (bl_backprop_page_parent_class)->finalize (object);
}

static void
bl_backprop_page_class_init (BlBackpropPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_backprop_page_dispose;
  object_class->finalize = bl_backprop_page_finalize;

  g_type_ensure (BL_TYPE_CHART);
  g_type_ensure (BL_TYPE_NETWORK_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-backprop-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlBackpropPage, name)
  CHILD (banner_revealer);
  CHILD (banner_label);
  CHILD (banner_close);
  CHILD (run_n_spin);
  CHILD (iterations_spin);
  CHILD (position_label);
  CHILD (play_icon);
  CHILD (play_label);
  CHILD (preset_dropdown);
  CHILD (train_biases_switch);
  CHILD (params_grid);
  CHILD (params_error);
  CHILD (lr_box);
  CHILD (lr_add_entry);
  CHILD (lr_add_button);
  CHILD (lr_error);
  CHILD (eps_entry);
  CHILD (reach_grid);
  CHILD (network_view);
  CHILD (chart);
  CHILD (log_toggle);
  CHILD (ledger_run_dropdown);
  CHILD (ledger_scroller);
  CHILD (ledger_view);
  CHILD (formula_title);
  CHILD (formula_label);
  CHILD (substituted_label);
  CHILD (chain_label);
  CHILD (check_label);
#undef CHILD
  gtk_widget_class_set_css_name (widget_class, "backproppage");

  /* Keyboard first, in the bubble phase: a focused entry keeps its own use of these keys. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "win.step", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "win.step", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, 0, "win.reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "win.reset", NULL);
}

static void
banner_close_cb (GtkButton *button, BlBackpropPage *self)
{
  show_banner (self, NULL);
}

static void
bl_backprop_page_init (BlBackpropPage *self)
{
  guint n;
  const double *lrs;
  GtkGesture *click;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) bl_toy_run_free);
  self->lr_rows = g_ptr_array_new_with_free_func (lr_row_free);
  self->iterations = (guint) gtk_spin_button_get_value_as_int (self->iterations_spin);
  self->selected_col = BL_TOY_COL_E_TOTAL;
  self->eps = 1e-3;
  bl_toy_params_init_preset (&self->params, BL_TOY_PRESET_CLASSROOM);

  bl_chart_set_title (self->chart, _("Loss per learning rate"));
  bl_chart_set_x_label (self->chart, _("epoch"));
  bl_chart_set_y_label (self->chart, "E_total");
  g_object_bind_property (self->log_toggle, "active", self->chart, "log-y",
                          G_BINDING_SYNC_CREATE);

  self->ledger = bl_ledger_model_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->ledger)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_column_view_set_model (self->ledger_view, GTK_SELECTION_MODEL (self->selection));
  build_ledger_columns (self, FALSE);
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
  g_signal_connect (self->iterations_spin, "value-changed", G_CALLBACK (iterations_changed_cb),
                    self);
  g_signal_connect (self->lr_add_button, "clicked", G_CALLBACK (lr_add_cb), self);
  g_signal_connect (self->lr_add_entry, "activate", G_CALLBACK (lr_add_cb), self);
  g_signal_connect (self->eps_entry, "changed", G_CALLBACK (eps_changed_cb), self);
  g_signal_connect (self->ledger_run_dropdown, "notify::selected",
                    G_CALLBACK (ledger_run_changed_cb), self);
  g_signal_connect (self->banner_close, "clicked", G_CALLBACK (banner_close_cb), self);

  recompute_all (self);
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

  lrs_v = g_settings_get_value (settings, "learning-rates");
  lrs = g_variant_get_fixed_array (lrs_v, &n, sizeof (double));
  if (n > 0)
    rebuild_lr_rows (self, lrs, n);
  if (self->lr_rows->len == 0)
    {
      guint nd;
      const double *d = bl_toy_default_learning_rates (&nd);
      rebuild_lr_rows (self, d, nd);
    }
  iterations = g_settings_get_uint (settings, "iterations");
  self->iterations = CLAMP (iterations, 1, 10000000);
  gtk_spin_button_set_value (self->iterations_spin, self->iterations);
  preset = g_settings_get_string (settings, "preset");
  gtk_drop_down_set_selected (self->preset_dropdown,
                              g_str_equal (preset, "with-biases") ? 1 : 0);
  gtk_toggle_button_set_active (self->log_toggle, g_settings_get_boolean (settings, "log-scale"));
  g_settings_bind (settings, "log-scale", self->log_toggle, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "projector-mode", self->chart, "projector-mode",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "projector-mode", self->network_view, "projector-mode",
                   G_SETTINGS_BIND_GET);
  recompute_all (self);
  /* Written back from here on, not before: reading must not overwrite what is stored. */
  self->settings = g_object_ref (settings);
}

guint
bl_backprop_page_get_current (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), 0);
  return self->current;
}

guint
bl_backprop_page_get_n_runs (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), 0);
  return self->runs->len;
}

const BlToyRun *
bl_backprop_page_get_run (BlBackpropPage *self, guint i)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  g_return_val_if_fail (i < self->runs->len, NULL);
  return g_ptr_array_index (self->runs, i);
}

BlChart *
bl_backprop_page_get_chart (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  return self->chart;
}

GtkWidget *
bl_backprop_page_get_param_entry (BlBackpropPage *self, const char *name)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  for (guint i = 0; i < N_PARAMS; i++)
    if (g_str_equal (param_names[i], name))
      return self->param_entries[i];
  return NULL;
}

GListModel *
bl_backprop_page_get_ledger_selection (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  return G_LIST_MODEL (self->selection);
}

void
bl_backprop_page_set_preset (BlBackpropPage *self, BlToyPreset preset)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  /* The drop-down's handler applies it. */
  gtk_drop_down_set_selected (self->preset_dropdown, preset == BL_TOY_PRESET_WITH_BIASES ? 1 : 0);
}

GtkColumnView *
bl_backprop_page_get_ledger_view (BlBackpropPage *self)
{
  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  return self->ledger_view;
}

void
bl_backprop_page_select_column (BlBackpropPage *self, BlToyColumn col)
{
  g_return_if_fail (BL_IS_BACKPROP_PAGE (self));
  g_return_if_fail (col < BL_TOY_N_COLS);
  self->selected_col = col;
  bl_network_view_set_highlight (self->network_view, col);
  /* Rebind the visible cells so the selected column is marked in every row. */
  reset_ledger_model (self);
  update_current_view (self);
}

const char *
bl_backprop_page_get_formula_text (BlBackpropPage *self, int which)
{
  GtkLabel *labels[] = { self->formula_title, self->formula_label, self->substituted_label,
                         self->chain_label, self->check_label };

  g_return_val_if_fail (BL_IS_BACKPROP_PAGE (self), NULL);
  g_return_val_if_fail (which >= 0 && which < (int) G_N_ELEMENTS (labels), NULL);
  return gtk_label_get_text (labels[which]);
}

gboolean
bl_backprop_page_export_csv (BlBackpropPage *self, const char *path, GError **error)
{
  return bl_toy_ledger_save (path, BL_TOY_FORMAT_CSV, (BlToyRun *const *) self->runs->pdata,
                             self->runs->len, error);
}

gboolean
bl_backprop_page_export_xlsx (BlBackpropPage *self, const char *path, GError **error)
{
  return bl_toy_xlsx_save (path, (BlToyRun *const *) self->runs->pdata, self->runs->len, error);
}

gboolean
bl_backprop_page_export_png (BlBackpropPage *self, const char *path, GError **error)
{
  return bl_chart_write_png (self->chart, path, 1600, 1000, error);
}
