/* bl-sheet-map-dialog.c: see bl-sheet-map-dialog.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "backprop/bl-sheet-map-dialog.h"
#include "core/bl-toy-check.h"
#include "core/bl-toy.h"

#define HEADER_SEARCH_ROWS 200

typedef struct {
  char        *what;        /* the ledger name bl_toy_explicit_map_add takes */
  GtkDropDown *dropdown;    /* item 0: not in the sheet; item k: headers[k − 1] */
} Target;

struct _BlSheetMapDialog {
  GtkWindow          parent_instance;

  GtkLabel          *intro_label;
  GtkGrid           *grid;

  GPtrArray         *headers;   /* char *: the header row's texts, "" for an empty cell */
  GArray            *targets;   /* Target */
  BlSheetMapApplied  applied;
  GObject           *data;
};

G_DEFINE_FINAL_TYPE (BlSheetMapDialog, bl_sheet_map_dialog, GTK_TYPE_WINDOW)

static void
target_clear (gpointer p)
{
  g_free (((Target *) p)->what);
}

/* Column @c's header as the drop-down shows it: "C  w1". */
static char *
header_item (guint c, const char *header)
{
  g_autofree char *ref = bl_sheet_cell_ref (0, c);
  ref[strcspn (ref, "0123456789")] = '\0';
  return g_strdup_printf ("%s  %s", ref, *header ? header : _("(no header)"));
}

static int
header_index (BlSheetMapDialog *self, const char *header)
{
  for (guint i = 0; i < self->headers->len; i++)
    if (g_str_equal (g_ptr_array_index (self->headers, i), header))
      return (int) i;
  return -1;
}

static const char *
previous_choice (const GPtrArray *previous, const char *what)
{
  for (guint i = 0; previous && i + 1 < previous->len; i += 2)
    if (g_str_equal (g_ptr_array_index (previous, i + 1), what))
      return g_ptr_array_index (previous, i);
  return NULL;
}

static void
action_apply (GtkWidget *widget, const char *name, GVariant *param)
{
  bl_sheet_map_dialog_apply (BL_SHEET_MAP_DIALOG (widget));
}

static void
bl_sheet_map_dialog_dispose (GObject *object)
{
  BlSheetMapDialog *self = BL_SHEET_MAP_DIALOG (object);

  g_clear_object (&self->data);
  gtk_widget_dispose_template (GTK_WIDGET (object), BL_TYPE_SHEET_MAP_DIALOG);
  G_OBJECT_CLASS (bl_sheet_map_dialog_parent_class)->dispose (object);
}

static void
bl_sheet_map_dialog_finalize (GObject *object)
{
  BlSheetMapDialog *self = BL_SHEET_MAP_DIALOG (object);

  g_ptr_array_unref (self->headers);
  g_array_unref (self->targets);
  G_OBJECT_CLASS (bl_sheet_map_dialog_parent_class)->finalize (object);
}

static void
bl_sheet_map_dialog_class_init (BlSheetMapDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_sheet_map_dialog_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_sheet_map_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/backproplab/BackpropLab/ui/bl-sheet-map-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, BlSheetMapDialog, intro_label);
  gtk_widget_class_bind_template_child (widget_class, BlSheetMapDialog, grid);
  gtk_widget_class_install_action (widget_class, "map.apply", NULL, action_apply);
}

static void
bl_sheet_map_dialog_init (BlSheetMapDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->headers = g_ptr_array_new_with_free_func (g_free);
  self->targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_array_set_clear_func (self->targets, target_clear);
}

static void
add_target (BlSheetMapDialog *self, GtkStringList *items, const char *what, const char *label,
            int chosen)
{
  Target t;
  GtkWidget *name = gtk_label_new (label);
  guint row = self->targets->len;

  t.what = g_strdup (what);
  t.dropdown = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (items)), NULL));
  gtk_drop_down_set_selected (t.dropdown, chosen >= 0 ? (guint) chosen + 1 : 0);
  gtk_widget_set_hexpand (GTK_WIDGET (t.dropdown), TRUE);
  gtk_label_set_xalign (GTK_LABEL (name), 1);
  gtk_widget_add_css_class (name, "param-name");
  gtk_label_set_mnemonic_widget (GTK_LABEL (name), GTK_WIDGET (t.dropdown));
  gtk_accessible_update_property (GTK_ACCESSIBLE (t.dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  gtk_grid_attach (self->grid, name, 0, row, 1, 1);
  gtk_grid_attach (self->grid, gtk_label_new ("←"), 1, row, 1, 1);
  gtk_grid_attach (self->grid, GTK_WIDGET (t.dropdown), 2, row, 1, 1);
  g_array_append_val (self->targets, t);
}

BlSheetMapDialog *
bl_sheet_map_dialog_new (GtkWindow *parent, const BlSheet *sheet, guint header_row,
                         const GPtrArray *previous, BlSheetMapApplied applied, GObject *data)
{
  BlSheetMapDialog *self = g_object_new (BL_TYPE_SHEET_MAP_DIALOG, "transient-for", parent,
                                         NULL);
  g_autoptr(GtkStringList) items = gtk_string_list_new (NULL);
  gboolean biases = FALSE;
  g_autofree char *intro = NULL;

  self->applied = applied;
  self->data = data ? g_object_ref (data) : NULL;
  gtk_string_list_append (items, _("— not in the sheet —"));
  for (guint c = 0; c < bl_sheet_n_cols (sheet); c++)
    {
      g_autofree char *text = bl_sheet_text (sheet, header_row, c);
      g_autofree char *item = header_item (c, text ? text : "");
      BlToySheetRole role;
      guint slot;
      g_ptr_array_add (self->headers, g_strdup (text ? text : ""));
      gtk_string_list_append (items, item);
      if (text && bl_toy_header_role (text, &role, &slot) && role == BL_TOY_ROLE_VALUE &&
          (slot == BL_TOY_COL_B1 || slot == BL_TOY_COL_B2))
        biases = TRUE;
    }
  for (guint i = 0; previous && i + 1 < previous->len; i += 2)
    biases |= g_str_equal (g_ptr_array_index (previous, i + 1), "b1") ||
              g_str_equal (g_ptr_array_index (previous, i + 1), "b2");

  intro = g_strdup_printf (_("Sheet “%s”, headers in row %u. For each quantity of the ledger, "
                             "choose the column that holds it; leave out what the sheet does "
                             "not have."), bl_sheet_name (sheet), header_row + 1);
  gtk_label_set_text (self->intro_label, intro);

  for (guint col = 0; col < BL_TOY_N_COLS; col++)
    {
      const char *what = bl_toy_column_name (col);
      const char *prev = previous_choice (previous, what);
      int chosen = prev ? header_index (self, prev) : -1;
      if (!bl_toy_column_visible (col, biases))
        continue;
      /* What the headers already say, when nothing was chosen before. */
      for (guint c = 0; chosen < 0 && prev == NULL && c < self->headers->len; c++)
        {
          BlToySheetRole role;
          guint slot;
          if (bl_toy_header_role (g_ptr_array_index (self->headers, c), &role, &slot) &&
              role == BL_TOY_ROLE_VALUE && slot == col)
            chosen = (int) c;
        }
      add_target (self, items, what, bl_toy_column_label (col), chosen);
    }
  {
    const char *prev = previous_choice (previous, "lr");
    int chosen = prev ? header_index (self, prev) : -1;
    for (guint c = 0; chosen < 0 && prev == NULL && c < self->headers->len; c++)
      {
        BlToySheetRole role;
        guint slot;
        if (bl_toy_header_role (g_ptr_array_index (self->headers, c), &role, &slot) &&
            role == BL_TOY_ROLE_LR)
          chosen = (int) c;
      }
    add_target (self, items, "lr", _("η (learning rate)"), chosen);
  }
  return self;
}

gboolean
bl_sheet_map_dialog_choose (BlSheetMapDialog *self, const char *what, const char *header)
{
  int k = header ? header_index (self, header) : -1;

  g_return_val_if_fail (BL_IS_SHEET_MAP_DIALOG (self), FALSE);
  if (header && k < 0)
    return FALSE;
  for (guint i = 0; i < self->targets->len; i++)
    {
      Target *t = &g_array_index (self->targets, Target, i);
      if (g_str_equal (t->what, what))
        {
          gtk_drop_down_set_selected (t->dropdown, header ? (guint) k + 1 : 0);
          return TRUE;
        }
    }
  return FALSE;
}

void
bl_sheet_map_dialog_apply (BlSheetMapDialog *self)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_autofree gboolean *taken = g_new0 (gboolean, self->headers->len + 1);

  g_return_if_fail (BL_IS_SHEET_MAP_DIALOG (self));
  for (guint i = 0; i < self->targets->len; i++)
    {
      const Target *t = &g_array_index (self->targets, Target, i);
      guint k = gtk_drop_down_get_selected (t->dropdown);
      if (k == 0 || k == GTK_INVALID_LIST_POSITION || k > self->headers->len)
        continue;
      g_ptr_array_add (pairs, g_strdup (g_ptr_array_index (self->headers, k - 1)));
      g_ptr_array_add (pairs, g_strdup (t->what));
      taken[k - 1] = TRUE;
    }
  /* A header that would name a quantity by itself, where the user chose another column (or
   * none) for it, is set aside: the user's choice decides. */
  for (guint c = 0; c < self->headers->len; c++)
    {
      const char *h = g_ptr_array_index (self->headers, c);
      BlToySheetRole role;
      guint slot;
      if (taken[c] || !*h || !bl_toy_header_role (h, &role, &slot))
        continue;
      if (role == BL_TOY_ROLE_VALUE || role == BL_TOY_ROLE_LR)
        {
          g_ptr_array_add (pairs, g_strdup (h));
          g_ptr_array_add (pairs, g_strdup ("ignore"));
        }
    }
  if (self->applied)
    self->applied (pairs, self->data);
  else
    g_ptr_array_unref (pairs);
  gtk_window_close (GTK_WINDOW (self));
}

gboolean
bl_sheet_guess_header_row (const BlSheetBook *book, guint *sheet_index, guint *row)
{
  guint best = 0;

  *sheet_index = 0;
  *row = 0;
  for (guint s = 0; s < bl_sheet_book_n_sheets (book); s++)
    {
      const BlSheet *sheet = bl_sheet_book_sheet (book, s);
      for (guint r = 0; r < MIN (bl_sheet_n_rows (sheet), HEADER_SEARCH_ROWS); r++)
        {
          guint n = 0;
          for (guint c = 0; c < bl_sheet_n_cols (sheet); c++)
            n += bl_sheet_cell (sheet, r, c)->kind == BL_SHEET_TEXT;
          if (n > best)
            {
              best = n;
              *sheet_index = s;
              *row = r;
            }
        }
    }
  return best > 0;
}
