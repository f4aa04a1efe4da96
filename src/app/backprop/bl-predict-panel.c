/* bl-predict-panel.c: see bl-predict-panel.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "backprop/bl-predict-panel.h"
#include "widgets/bl-file-chooser.h"

struct _BlPredictPanel {
  GtkWidget       parent_instance;
  GtkWidget      *box;
  GtkLabel       *title_label;
  GtkDropDown    *set_dropdown;
  GtkButton      *next_button;
  GtkLabel       *tolerance_label;
  GtkGrid        *cells_grid;
  GtkLabel       *score_label;
  GtkButton      *save_button;

  const BlToyRun *run;           /* borrowed */
  guint           row;
  BlPredictSet    set;
  gboolean        revealed[BL_TOY_N_COLS];
  GtkWidget      *entry[BL_TOY_N_COLS];      /* the set's cells, NULL for the others */
  GtkWidget      *feedback[BL_TOY_N_COLS];
  BlToyLesson    *lesson;
};

G_DEFINE_FINAL_TYPE (BlPredictPanel, bl_predict_panel, GTK_TYPE_WIDGET)

enum { SIGNAL_HIDDEN_CHANGED, SIGNAL_NEXT_ROW, N_SIGNALS };
static guint signals[N_SIGNALS];

/* The columns of each set, in the order a student computes them. */
static const BlToyColumn forward_cols[] = {
  BL_TOY_COL_H1, BL_TOY_COL_A_H1, BL_TOY_COL_H2, BL_TOY_COL_A_H2, BL_TOY_COL_O1,
  BL_TOY_COL_A_O1, BL_TOY_COL_O2, BL_TOY_COL_A_O2, BL_TOY_COL_E1, BL_TOY_COL_E2,
  BL_TOY_COL_E_TOTAL,
};
static const BlToyColumn output_cols[] = {
  BL_TOY_COL_DW5, BL_TOY_COL_DW6, BL_TOY_COL_DW7, BL_TOY_COL_DW8,
};
static const BlToyColumn hidden_cols[] = {
  BL_TOY_COL_DW1, BL_TOY_COL_DW2, BL_TOY_COL_DW3, BL_TOY_COL_DW4,
};
static const BlToyColumn weight_cols[] = {
  BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3, BL_TOY_COL_W4, BL_TOY_COL_W5, BL_TOY_COL_W6,
  BL_TOY_COL_W7, BL_TOY_COL_W8,
};

static const BlToyColumn *
set_columns (BlPredictSet set, guint *n)
{
  switch (set)
    {
    case BL_PREDICT_OUTPUT_GRADIENTS:
      *n = G_N_ELEMENTS (output_cols);
      return output_cols;
    case BL_PREDICT_HIDDEN_GRADIENTS:
      *n = G_N_ELEMENTS (hidden_cols);
      return hidden_cols;
    case BL_PREDICT_NEW_WEIGHTS:
      *n = G_N_ELEMENTS (weight_cols);
      return weight_cols;
    case BL_PREDICT_FORWARD:
    default:
      *n = G_N_ELEMENTS (forward_cols);
      return forward_cols;
    }
}

static void
update_score (BlPredictPanel *self)
{
  guint n = bl_toy_lesson_n_cells (self->lesson);
  g_autofree char *text =
    g_strdup_printf (ngettext ("%u of %u cell right the first time",
                               "%u of %u cells right the first time", n),
                     bl_toy_lesson_n_right_first (self->lesson), n);
  gtk_label_set_text (self->score_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), n > 0);
}

static void
set_feedback (BlPredictPanel *self, BlToyColumn col, const char *text, const char *css)
{
  GtkWidget *label = self->feedback[col];

  gtk_label_set_text (GTK_LABEL (label), text ? text : "");
  gtk_widget_set_visible (label, text && *text);
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "error");
  if (css)
    gtk_widget_add_css_class (label, css);
}

void
bl_predict_panel_reveal (BlPredictPanel *self, BlToyColumn col)
{
  BlToyParams p;
  BlToyRow row, prev;
  g_autofree char *subst = NULL, *text = NULL;
  const char *before;

  g_return_if_fail (BL_IS_PREDICT_PANEL (self));
  g_return_if_fail (col < BL_TOY_N_COLS);
  if (self->run == NULL || self->entry[col] == NULL || self->revealed[col])
    return;
  bl_toy_run_get_params (self->run, self->row, &p);
  bl_toy_run_get_row (self->run, self->row, &row);
  if (self->row > 0)
    bl_toy_run_get_row (self->run, self->row - 1, &prev);
  subst = bl_toy_formula_substituted (col, &p, &row, self->row > 0 ? &prev : NULL,
                                      self->run->lr);
  before = gtk_label_get_text (GTK_LABEL (self->feedback[col]));
  text = before && *before ? g_strdup_printf ("%s\n%s", before, subst) : g_strdup (subst);
  set_feedback (self, col, text, NULL);
  self->revealed[col] = TRUE;
  gtk_editable_set_editable (GTK_EDITABLE (self->entry[col]), FALSE);
  g_signal_emit (self, signals[SIGNAL_HIDDEN_CHANGED], 0);
}

gboolean
bl_predict_panel_answer (BlPredictPanel *self, BlToyColumn col, const char *text)
{
  g_autoptr(GError) error = NULL;
  BlToyVerdict v;
  double typed;
  gboolean right;

  g_return_val_if_fail (BL_IS_PREDICT_PANEL (self), FALSE);
  g_return_val_if_fail (col < BL_TOY_N_COLS, FALSE);
  if (self->run == NULL || self->entry[col] == NULL || self->revealed[col])
    return FALSE;
  if (!bl_toy_parse_double (text, &typed, &error))
    {
      set_feedback (self, col, error->message, "error");
      return FALSE;
    }
  /* It returns whether the answer was right; nothing is filled for a column the network
   * lacks. */
  bl_toy_predict_check (self->run, self->row, col, typed, NULL, &v);
  if (v.explanation == NULL)
    return FALSE;
  bl_toy_lesson_record (self->lesson, &v);
  update_score (self);
  right = v.right;
  {
    g_autofree char *feedback = v.wrong_formula
      ? g_strdup_printf ("%s\n%s", v.explanation, v.wrong_formula) : g_strdup (v.explanation);
    set_feedback (self, col, feedback, right ? "success" : "error");
  }
  bl_toy_verdict_clear (&v);
  if (right)
    bl_predict_panel_reveal (self, col);
  return right;
}

static void
entry_activate_cb (GtkEntry *entry, BlPredictPanel *self)
{
  BlToyColumn col = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "column"));
  bl_predict_panel_answer (self, col, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
reveal_cb (GtkButton *button, BlPredictPanel *self)
{
  bl_predict_panel_reveal (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button),
                                                                      "column")));
}

/* The set's cells for the row: a name, a box to type in, Reveal, and room for the answer. */
static void
rebuild (BlPredictPanel *self)
{
  GtkWidget *child;
  const BlToyColumn *cols;
  guint n;
  g_autofree char *title = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->cells_grid))) != NULL)
    gtk_grid_remove (self->cells_grid, child);
  memset (self->entry, 0, sizeof self->entry);
  memset (self->feedback, 0, sizeof self->feedback);
  memset (self->revealed, 0, sizeof self->revealed);
  title = g_strdup_printf (_("Predict iteration %u"), self->row);
  gtk_label_set_text (self->title_label, title);
  cols = set_columns (self->set, &n);
  for (guint i = 0; i < n; i++)
    {
      BlToyColumn col = cols[i];
      GtkWidget *name = gtk_label_new (bl_toy_column_label (col));
      GtkWidget *entry = gtk_entry_new ();
      GtkWidget *reveal = gtk_button_new_with_label (_("Reveal"));
      GtkWidget *feedback = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (name), 1);
      gtk_widget_add_css_class (entry, "numeric");
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 12);
      gtk_widget_set_hexpand (entry, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      bl_toy_column_label (col), -1);
      g_object_set_data (G_OBJECT (entry), "column", GUINT_TO_POINTER (col));
      g_object_set_data (G_OBJECT (reveal), "column", GUINT_TO_POINTER (col));
      g_signal_connect (entry, "activate", G_CALLBACK (entry_activate_cb), self);
      g_signal_connect (reveal, "clicked", G_CALLBACK (reveal_cb), self);
      gtk_label_set_xalign (GTK_LABEL (feedback), 0);
      gtk_label_set_wrap (GTK_LABEL (feedback), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (feedback), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_selectable (GTK_LABEL (feedback), TRUE);
      gtk_widget_add_css_class (feedback, "formula-note");
      gtk_widget_set_visible (feedback, FALSE);
      gtk_grid_attach (self->cells_grid, name, 0, 2 * i, 1, 1);
      gtk_grid_attach (self->cells_grid, entry, 1, 2 * i, 1, 1);
      gtk_grid_attach (self->cells_grid, reveal, 2, 2 * i, 1, 1);
      gtk_grid_attach (self->cells_grid, feedback, 0, 2 * i + 1, 3, 1);
      self->entry[col] = entry;
      self->feedback[col] = feedback;
    }
  g_signal_emit (self, signals[SIGNAL_HIDDEN_CHANGED], 0);
}

void
bl_predict_panel_set_run (BlPredictPanel *self, const BlToyRun *run, guint row)
{
  gboolean same;

  g_return_if_fail (BL_IS_PREDICT_PANEL (self));
  same = run == self->run && row == self->row;
  self->run = run;
  self->row = row;
  if (!same)
    rebuild (self);
}

void
bl_predict_panel_set_set (BlPredictPanel *self, BlPredictSet set)
{
  g_return_if_fail (BL_IS_PREDICT_PANEL (self));
  g_return_if_fail (set < BL_PREDICT_N_SETS);
  if (gtk_drop_down_get_selected (self->set_dropdown) != (guint) set)
    gtk_drop_down_set_selected (self->set_dropdown, set);   /* set_changed_cb rebuilds */
}

gboolean
bl_predict_panel_hides (BlPredictPanel *self, guint row, BlToyColumn col)
{
  g_return_val_if_fail (BL_IS_PREDICT_PANEL (self), FALSE);
  return self->run && row == self->row && col < BL_TOY_N_COLS && self->entry[col] &&
         !self->revealed[col];
}

const char *
bl_predict_panel_get_feedback (BlPredictPanel *self, BlToyColumn col)
{
  g_return_val_if_fail (BL_IS_PREDICT_PANEL (self), NULL);
  g_return_val_if_fail (col < BL_TOY_N_COLS, NULL);
  return self->feedback[col] ? gtk_label_get_text (GTK_LABEL (self->feedback[col])) : NULL;
}

BlToyLesson *
bl_predict_panel_get_lesson (BlPredictPanel *self)
{
  g_return_val_if_fail (BL_IS_PREDICT_PANEL (self), NULL);
  return self->lesson;
}

static void
set_changed_cb (GtkDropDown *dropdown, GParamSpec *pspec, BlPredictPanel *self)
{
  self->set = MIN (gtk_drop_down_get_selected (dropdown), BL_PREDICT_N_SETS - 1);
  rebuild (self);
}

static void
next_cb (GtkButton *button, BlPredictPanel *self)
{
  g_signal_emit (self, signals[SIGNAL_NEXT_ROW], 0);
}

static void
summary_chosen (GtkWidget *owner, const char *path, gpointer data)
{
  BlPredictPanel *self = BL_PREDICT_PANEL (owner);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (path == NULL)
    text = g_strdup (_("Choose a file on this computer to save the summary."));
  else if (!bl_toy_lesson_save_csv (self->lesson, path, &error))
    text = g_strdup (error->message);
  else
    {
      g_autofree char *name = g_filename_display_basename (path);
      text = g_strdup_printf (_("Saved the summary to “%s”."), name);
    }
  gtk_label_set_text (self->score_label, text);
}

static void
save_cb (GtkButton *button, BlPredictPanel *self)
{
  static const char *const patterns[] = { "*.csv", NULL };

  bl_choose_file (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                  _("Save the Lesson's Summary"), _("_Save"), "lesson.csv", _("CSV files"),
                  patterns, summary_chosen, NULL);
}

GtkWidget *
bl_predict_panel_new (void)
{
  return g_object_new (BL_TYPE_PREDICT_PANEL, NULL);
}

static void
bl_predict_panel_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_PREDICT_PANEL);
  G_OBJECT_CLASS (bl_predict_panel_parent_class)->dispose (object);
}

static void
bl_predict_panel_finalize (GObject *object)
{
  bl_toy_lesson_free (BL_PREDICT_PANEL (object)->lesson);
  G_OBJECT_CLASS (bl_predict_panel_parent_class)->finalize (object);
}

static void
bl_predict_panel_class_init (BlPredictPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bl_predict_panel_dispose;
  object_class->finalize = bl_predict_panel_finalize;
  /* The cells the ledger hides changed (another row or set, a cell revealed). */
  signals[SIGNAL_HIDDEN_CHANGED] =
    g_signal_new ("hidden-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 0);
  /* The student asks for the next row. */
  signals[SIGNAL_NEXT_ROW] =
    g_signal_new ("next-row", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-predict-panel.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, BlPredictPanel, name)
  CHILD (box);
  CHILD (title_label);
  CHILD (set_dropdown);
  CHILD (next_button);
  CHILD (tolerance_label);
  CHILD (cells_grid);
  CHILD (score_label);
  CHILD (save_button);
#undef CHILD
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
bl_predict_panel_init (BlPredictPanel *self)
{
  g_autofree char *tolerance = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->lesson = bl_toy_lesson_new ();
  /* The tolerance as bl_toy_predict_check applies it (the default). */
  tolerance = g_strdup_printf (_("Type a value and press Enter. Right within %g %% of the "
                                 "value (four significant digits); a wrong value is matched "
                                 "against the common mistakes."),
                               BL_TOY_TOLERANCE_DEFAULT_REL * 100);
  gtk_label_set_text (self->tolerance_label, tolerance);
  g_signal_connect (self->set_dropdown, "notify::selected", G_CALLBACK (set_changed_cb), self);
  g_signal_connect (self->next_button, "clicked", G_CALLBACK (next_cb), self);
  g_signal_connect (self->save_button, "clicked", G_CALLBACK (save_cb), self);
  update_score (self);
}
