/* bl-sheet-view.c: see bl-sheet-view.h. Column widths are counted in characters once per sheet
 * (the font is monospace, so pixels follow from the font in use, projector mode included). */
#include "config.h"

#include <math.h>
#include <string.h>

#include "widgets/bl-palette.h"
#include "widgets/bl-sheet-view.h"

#define MAX_TEXT_CHARS 40      /* text wider than this is cut (numbers never are) */
#define SAMPLE_ROWS 1000       /* rows measured (within a frame for 40 columns); past them a
                                * column of numbers is as wide as any number can be */
#define NUMBER_CHARS 17

struct _BlSheetView {
  GtkWidget      parent_instance;

  const BlSheet *sheet;
  int            header_row;
  guint          n_rows, n_cols;
  guint         *col_chars;      /* (n_cols) */
  GHashTable    *marks;          /* guint64 key row << 16 | col → present */
  gint64         first_mark;     /* the same key, or -1 */

  GtkAdjustment *hadj, *vadj;
  guint          hscroll_policy : 1;
  guint          vscroll_policy : 1;
  gint64         pending_row, pending_col;   /* scroll_to before the first allocation */
  gint64         anchor_row, anchor_col;     /* the last scroll_to, kept in view when the font
                                              * changes (projector mode) */
  double         last_char_w;
};

enum {
  PROP_0,
  PROP_HADJUSTMENT,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

G_DEFINE_FINAL_TYPE_WITH_CODE (BlSheetView, bl_sheet_view, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

static inline guint64
mark_key (guint row, guint col)
{
  return ((guint64) row << 16) | col;
}

/* Geometry in pixels, from the widget's font. */
typedef struct {
  double char_w, row_h, gutter_w, pad;
} Metrics;

static void
get_metrics (BlSheetView *self, Metrics *m)
{
  PangoContext *ctx = gtk_widget_get_pango_context (GTK_WIDGET (self));
  PangoFontMetrics *fm = pango_context_get_metrics (ctx, NULL, NULL);
  double digits;

  m->char_w = pango_font_metrics_get_approximate_digit_width (fm) / (double) PANGO_SCALE;
  m->row_h = ceil ((pango_font_metrics_get_ascent (fm) + pango_font_metrics_get_descent (fm)) /
                   (double) PANGO_SCALE * 1.45);
  pango_font_metrics_unref (fm);
  m->pad = ceil (m->char_w * 0.8);
  digits = MAX (3, ceil (log10 (MAX (self->n_rows, 1) + 1)));
  m->gutter_w = ceil (digits * m->char_w + 2 * m->pad);
}

static double
col_width (const Metrics *m, guint chars)
{
  return ceil (chars * m->char_w + 2 * m->pad);
}

static double
content_width (BlSheetView *self, const Metrics *m)
{
  double w = m->gutter_w;
  for (guint c = 0; c < self->n_cols; c++)
    w += col_width (m, self->col_chars[c]);
  return w;
}

/* A cell's text as drawn: numbers with 10 significant digits and a true minus sign. */
static char *
cell_text (const BlSheet *sheet, guint row, guint col)
{
  const BlSheetCell *cell = bl_sheet_cell (sheet, row, col);

  if (cell->kind == BL_SHEET_NUMBER)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      g_ascii_formatd (buf, sizeof buf, "%.10g", cell->u.number);
      return buf[0] == '-' ? g_strconcat ("−", buf + 1, NULL) : g_strdup (buf);
    }
  if (cell->kind == BL_SHEET_EMPTY)
    return g_strdup ("");
  return bl_sheet_text (sheet, row, col);
}

char *
bl_sheet_view_cell_text (BlSheetView *self, guint row, guint col)
{
  g_return_val_if_fail (BL_IS_SHEET_VIEW (self), NULL);
  if (self->sheet == NULL || row >= self->n_rows || col >= self->n_cols)
    return g_strdup ("");
  return cell_text (self->sheet, row, col);
}

static void
measure_columns (BlSheetView *self)
{
  g_free (self->col_chars);
  self->col_chars = g_new0 (guint, MAX (self->n_cols, 1));
  for (guint c = 0; c < self->n_cols; c++)
    {
      guint chars = 2;   /* the column's letters */
      gboolean numbers = FALSE;
      for (guint r = 0; r < self->n_rows && r < SAMPLE_ROWS; r++)
        {
          const BlSheetCell *cell = bl_sheet_cell (self->sheet, r, c);
          g_autofree char *text = NULL;
          if (cell->kind == BL_SHEET_EMPTY)
            continue;
          numbers |= cell->kind == BL_SHEET_NUMBER;
          text = cell_text (self->sheet, r, c);
          chars = MAX (chars, MIN ((guint) g_utf8_strlen (text, -1), MAX_TEXT_CHARS));
        }
      /* Rows past the sample hold numbers no wider than any number can be. */
      if (numbers && self->n_rows > SAMPLE_ROWS)
        chars = MAX (chars, NUMBER_CHARS);
      self->col_chars[c] = chars;
    }
}

static void
configure_adjustments (BlSheetView *self)
{
  Metrics m;
  int w = gtk_widget_get_width (GTK_WIDGET (self)), h = gtk_widget_get_height (GTK_WIDGET (self));
  double cw, ch;

  get_metrics (self, &m);
  cw = content_width (self, &m);
  ch = (self->n_rows + 1) * m.row_h;
  if (self->hadj)
    gtk_adjustment_configure (self->hadj,
                              CLAMP (gtk_adjustment_get_value (self->hadj), 0, MAX (0, cw - w)),
                              0, MAX (cw, w), m.char_w * 4, w * 0.9, w);
  if (self->vadj)
    gtk_adjustment_configure (self->vadj,
                              CLAMP (gtk_adjustment_get_value (self->vadj), 0, MAX (0, ch - h)),
                              0, MAX (ch, h), m.row_h, h * 0.9, h);
}

static void
scroll_now (BlSheetView *self, guint row, guint col)
{
  Metrics m;
  double x = 0, w, y, h = gtk_widget_get_height (GTK_WIDGET (self));
  double vw = gtk_widget_get_width (GTK_WIDGET (self));

  get_metrics (self, &m);
  for (guint c = 0; c < col && c < self->n_cols; c++)
    x += col_width (&m, self->col_chars[c]);
  w = col < self->n_cols ? col_width (&m, self->col_chars[col]) : 0;
  y = row * m.row_h;
  /* The cell a little in from the edges, with the header and gutter left clear. */
  if (self->hadj)
    {
      double v = gtk_adjustment_get_value (self->hadj), room = vw - m.gutter_w;
      if (x < v || x + w > v + room)
        gtk_adjustment_set_value (self->hadj, MAX (0, x - room / 3));
    }
  if (self->vadj)
    {
      double v = gtk_adjustment_get_value (self->vadj), room = h - m.row_h;
      if (y < v || y + m.row_h > v + room)
        gtk_adjustment_set_value (self->vadj, MAX (0, y - room / 3));
    }
}

void
bl_sheet_view_scroll_to (BlSheetView *self, guint row, guint col)
{
  g_return_if_fail (BL_IS_SHEET_VIEW (self));
  if (gtk_widget_get_height (GTK_WIDGET (self)) <= 0)
    {
      self->pending_row = row;
      self->pending_col = col;
      return;
    }
  configure_adjustments (self);
  scroll_now (self, row, col);
  self->anchor_row = row;
  self->anchor_col = col;
}

static void
bl_sheet_view_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BlSheetView *self = BL_SHEET_VIEW (widget);
  Metrics m;

  configure_adjustments (self);
  get_metrics (self, &m);
  if (self->pending_row >= 0)
    {
      scroll_now (self, self->pending_row, self->pending_col);
      self->anchor_row = self->pending_row;
      self->anchor_col = self->pending_col;
      self->pending_row = -1;
    }
  else if (m.char_w != self->last_char_w && self->anchor_row >= 0)
    scroll_now (self, self->anchor_row, self->anchor_col);
  self->last_char_w = m.char_w;
}

static void
bl_sheet_view_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                       int *minimum, int *natural, int *min_baseline, int *nat_baseline)
{
  BlSheetView *self = BL_SHEET_VIEW (widget);
  Metrics m;

  get_metrics (self, &m);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) (m.char_w * 20);
      *natural = MAX (*minimum, (int) MIN (content_width (self, &m), m.char_w * 120));
    }
  else
    {
      *minimum = (int) (m.row_h * 4);
      *natural = MAX (*minimum, (int) (m.row_h * MIN (self->n_rows + 1, 16)));
    }
}

static void
draw_text (cairo_t *cr, PangoLayout *layout, const char *text, double x, double y,
           double width, double row_h, gboolean right)
{
  int tw, th;

  pango_layout_set_text (layout, text, -1);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment (layout, right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
  pango_layout_get_pixel_size (layout, &tw, &th);
  cairo_move_to (cr, x, y + (row_h - th) / 2);
  pango_cairo_show_layout (cr, layout);
}

static char *
column_letters (guint col)
{
  g_autofree char *ref = bl_sheet_cell_ref (0, col);
  return g_strndup (ref, strcspn (ref, "0123456789"));
}

static void
bl_sheet_view_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BlSheetView *self = BL_SHEET_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double hx = self->hadj ? gtk_adjustment_get_value (self->hadj) : 0;
  double vy = self->vadj ? gtk_adjustment_get_value (self->vadj) : 0;
  PangoLayout *layout, *bold;
  PangoAttrList *attrs;
  GdkRGBA fg, mark;
  Metrics m;
  cairo_t *cr;
  guint r0, r1;

  if (width <= 0 || height <= 0)
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  bl_palette_color (5, &mark);   /* vermillion: the palette's warning colour */
  get_metrics (self, &m);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  layout = gtk_widget_create_pango_layout (widget, NULL);
  bold = gtk_widget_create_pango_layout (widget, NULL);
  attrs = pango_attr_list_new ();
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (bold, attrs);
  pango_attr_list_unref (attrs);

  if (self->sheet == NULL || self->n_rows == 0)
    goto done;

  r0 = (guint) (vy / m.row_h);
  r1 = MIN (self->n_rows, (guint) ((vy + height) / m.row_h) + 1);

  /* Cells: from the first column in view. */
  {
    double x = m.gutter_w - hx;
    for (guint c = 0; c < self->n_cols && x < width; c++)
      {
        double w = col_width (&m, self->col_chars[c]);
        if (x + w > m.gutter_w)
          for (guint r = r0; r < r1; r++)
            {
              /* Row r sits below the column letters. */
              double y = m.row_h * (r + 1) - vy;
              const BlSheetCell *cell = bl_sheet_cell (self->sheet, r, c);
              gint64 key = (gint64) mark_key (r, c);
              g_autofree char *text = NULL;
              if (g_hash_table_contains (self->marks, &key))
                {
                  gboolean first = key == self->first_mark;
                  cairo_set_source_rgba (cr, mark.red, mark.green, mark.blue, first ? 0.55 : 0.3);
                  cairo_rectangle (cr, x, y, w, m.row_h);
                  cairo_fill (cr);
                  if (first)
                    {
                      cairo_set_source_rgba (cr, mark.red, mark.green, mark.blue, 1);
                      cairo_set_line_width (cr, 2);
                      cairo_rectangle (cr, x + 1, y + 1, w - 2, m.row_h - 2);
                      cairo_stroke (cr);
                    }
                }
              else if ((int) r == self->header_row)
                {
                  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.07);
                  cairo_rectangle (cr, x, y, w, m.row_h);
                  cairo_fill (cr);
                }
              if (cell->kind == BL_SHEET_EMPTY)
                continue;
              text = cell_text (self->sheet, r, c);
              gdk_cairo_set_source_rgba (cr, &fg);
              draw_text (cr, (int) r == self->header_row ? bold : layout, text, x + m.pad, y,
                         w - 2 * m.pad, m.row_h, cell->kind == BL_SHEET_NUMBER);
            }
        x += w;
      }
  }

  /* Grid lines. */
  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.12);
  cairo_set_line_width (cr, 1);
  for (guint r = r0; r <= r1; r++)
    {
      double y = floor (m.row_h * (r + 1) - vy) + 0.5;
      cairo_move_to (cr, 0, y);
      cairo_line_to (cr, width, y);
    }
  {
    double x = m.gutter_w - hx;
    for (guint c = 0; c < self->n_cols && x < width; c++)
      {
        x += col_width (&m, self->col_chars[c]);
        if (x > m.gutter_w)
          {
            cairo_move_to (cr, floor (x) + 0.5, 0);
            cairo_line_to (cr, floor (x) + 0.5, height);
          }
      }
  }
  cairo_stroke (cr);

  /* The column letters and the row numbers stay in place as the cells scroll under them. */
  {
    GdkRGBA bg;
    /* Opaque behind the letters and numbers: light text is a dark theme's. */
    if (fg.red + fg.green + fg.blue > 1.5)
      bg = (GdkRGBA) { 0.16, 0.16, 0.16, 1 };
    else
      bg = (GdkRGBA) { 0.96, 0.96, 0.96, 1 };
    gdk_cairo_set_source_rgba (cr, &bg);
    cairo_rectangle (cr, 0, 0, width, m.row_h);
    cairo_rectangle (cr, 0, m.row_h, m.gutter_w, height);
    cairo_fill (cr);
    cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.75);
    {
      double x = m.gutter_w - hx;
      for (guint c = 0; c < self->n_cols && x < width; c++)
        {
          double cw = col_width (&m, self->col_chars[c]);
          if (x + cw > m.gutter_w)
            {
              g_autofree char *letters = column_letters (c);
              cairo_save (cr);
              cairo_rectangle (cr, m.gutter_w, 0, width - m.gutter_w, m.row_h);
              cairo_clip (cr);
              draw_text (cr, layout, letters, x + m.pad, 0, cw - 2 * m.pad, m.row_h, FALSE);
              cairo_restore (cr);
            }
          x += cw;
        }
    }
    cairo_save (cr);
    cairo_rectangle (cr, 0, m.row_h, m.gutter_w, height - m.row_h);
    cairo_clip (cr);
    for (guint r = r0; r < r1; r++)
      {
        char num[16];
        g_snprintf (num, sizeof num, "%u", r + 1);
        draw_text (cr, layout, num, m.pad, m.row_h * (r + 1) - vy, m.gutter_w - 2 * m.pad,
                   m.row_h, TRUE);
      }
    cairo_restore (cr);
    cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.3);
    cairo_move_to (cr, 0, m.row_h - 0.5);
    cairo_line_to (cr, width, m.row_h - 0.5);
    cairo_move_to (cr, m.gutter_w - 0.5, 0);
    cairo_line_to (cr, m.gutter_w - 0.5, height);
    cairo_stroke (cr);
  }

done:
  g_object_unref (layout);
  g_object_unref (bold);
  cairo_destroy (cr);
}

static void
adjustment_changed_cb (GtkAdjustment *adj, BlSheetView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (BlSheetView *self, GtkAdjustment **slot, GtkAdjustment *adj)
{
  if (*slot == adj)
    return;
  if (*slot)
    {
      g_signal_handlers_disconnect_by_func (*slot, adjustment_changed_cb, self);
      g_object_unref (*slot);
    }
  if (adj == NULL)
    adj = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *slot = g_object_ref_sink (adj);
  g_signal_connect (adj, "value-changed", G_CALLBACK (adjustment_changed_cb), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
bl_sheet_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BlSheetView *self = BL_SHEET_VIEW (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT: g_value_set_object (value, self->hadj); break;
    case PROP_VADJUSTMENT: g_value_set_object (value, self->vadj); break;
    case PROP_HSCROLL_POLICY: g_value_set_enum (value, self->hscroll_policy); break;
    case PROP_VSCROLL_POLICY: g_value_set_enum (value, self->vscroll_policy); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bl_sheet_view_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  BlSheetView *self = BL_SHEET_VIEW (object);

  switch (prop_id)
    {
    case PROP_HADJUSTMENT: set_adjustment (self, &self->hadj, g_value_get_object (value)); break;
    case PROP_VADJUSTMENT: set_adjustment (self, &self->vadj, g_value_get_object (value)); break;
    case PROP_HSCROLL_POLICY: self->hscroll_policy = g_value_get_enum (value); break;
    case PROP_VSCROLL_POLICY: self->vscroll_policy = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bl_sheet_view_dispose (GObject *object)
{
  BlSheetView *self = BL_SHEET_VIEW (object);

  set_adjustment (self, &self->hadj, NULL);
  set_adjustment (self, &self->vadj, NULL);
  g_clear_object (&self->hadj);
  g_clear_object (&self->vadj);
  G_OBJECT_CLASS (bl_sheet_view_parent_class)->dispose (object);
}

static void
bl_sheet_view_finalize (GObject *object)
{
  BlSheetView *self = BL_SHEET_VIEW (object);

  g_hash_table_unref (self->marks);
  g_free (self->col_chars);
  G_OBJECT_CLASS (bl_sheet_view_parent_class)->finalize (object);
}

static void
bl_sheet_view_class_init (BlSheetViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = bl_sheet_view_get_property;
  object_class->set_property = bl_sheet_view_set_property;
  object_class->dispose = bl_sheet_view_dispose;
  object_class->finalize = bl_sheet_view_finalize;
  widget_class->snapshot = bl_sheet_view_snapshot;
  widget_class->measure = bl_sheet_view_measure;
  widget_class->size_allocate = bl_sheet_view_size_allocate;
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");
  gtk_widget_class_set_css_name (widget_class, "sheetview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
bl_sheet_view_init (BlSheetView *self)
{
  self->marks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->first_mark = -1;
  self->header_row = -1;
  self->pending_row = -1;
  self->anchor_row = -1;
  gtk_widget_add_css_class (GTK_WIDGET (self), "numeric");
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

GtkWidget *
bl_sheet_view_new (void)
{
  return g_object_new (BL_TYPE_SHEET_VIEW, NULL);
}

void
bl_sheet_view_set_sheet (BlSheetView *self, const BlSheet *sheet, int header_row)
{
  g_return_if_fail (BL_IS_SHEET_VIEW (self));
  self->sheet = sheet;
  self->header_row = header_row;
  self->n_rows = sheet ? bl_sheet_n_rows (sheet) : 0;
  self->n_cols = sheet ? bl_sheet_n_cols (sheet) : 0;
  g_hash_table_remove_all (self->marks);
  self->first_mark = -1;
  self->pending_row = -1;
  self->anchor_row = -1;
  measure_columns (self);
  if (self->hadj)
    gtk_adjustment_set_value (self->hadj, 0);
  if (self->vadj)
    gtk_adjustment_set_value (self->vadj, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_sheet_view_set_marks (BlSheetView *self, const guint *rows, const guint *cols, guint n,
                         int first)
{
  g_return_if_fail (BL_IS_SHEET_VIEW (self));
  g_hash_table_remove_all (self->marks);
  self->first_mark = -1;
  for (guint i = 0; i < n; i++)
    {
      gint64 *key = g_new (gint64, 1);
      *key = (gint64) mark_key (rows[i], cols[i]);
      g_hash_table_add (self->marks, key);
      if ((int) i == first)
        self->first_mark = *key;
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
bl_sheet_view_get_n_marks (BlSheetView *self)
{
  g_return_val_if_fail (BL_IS_SHEET_VIEW (self), 0);
  return g_hash_table_size (self->marks);
}

gboolean
bl_sheet_view_is_marked (BlSheetView *self, guint row, guint col)
{
  gint64 key = (gint64) mark_key (row, col);
  g_return_val_if_fail (BL_IS_SHEET_VIEW (self), FALSE);
  return g_hash_table_contains (self->marks, &key);
}
