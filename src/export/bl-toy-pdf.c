/* bl-toy-pdf.c: the lesson's worksheet and its answer key as PDF; see bl-toy-pdf.h. */
#include "config.h"

#include <cairo.h>
#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "core/bl-file.h"
#include "core/bl-toy-explore.h"
#include "export/bl-toy-pdf.h"

#define MARGIN 48.0
#define FONT "DejaVu Sans"

gboolean
bl_toy_paper_from_name (const char *name, BlToyPaper *out, GError **error)
{
  if (name && g_ascii_strcasecmp (name, "a4") == 0)
    *out = BL_TOY_PAPER_A4;
  else if (name && g_ascii_strcasecmp (name, "letter") == 0)
    *out = BL_TOY_PAPER_LETTER;
  else
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s” is not a paper size: use a4 or letter."), name ? name : "");
      return FALSE;
    }
  return TRUE;
}

void
bl_toy_paper_size (BlToyPaper paper, double *w, double *h)
{
  if (paper == BL_TOY_PAPER_LETTER)
    {
      *w = 612.0;
      *h = 792.0;
    }
  else
    {
      /* 210 × 297 mm */
      *w = 210.0 / 25.4 * 72.0;
      *h = 297.0 / 25.4 * 72.0;
    }
}

typedef struct {
  cairo_t *cr;
  double   width, height;
  double   y;               /* where the next line goes */
  guint    pages;
} Page;

static void
font (Page *pg, double size, gboolean bold)
{
  cairo_select_font_face (pg->cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (pg->cr, size);
}

static double
text_width (Page *pg, const char *text)
{
  cairo_text_extents_t ext;
  cairo_text_extents (pg->cr, text, &ext);
  return ext.x_advance;
}

static void
show (Page *pg, double x, double y, const char *text)
{
  cairo_move_to (pg->cr, x, y);
  cairo_show_text (pg->cr, text);
}

static void
new_page (Page *pg)
{
  cairo_show_page (pg->cr);
  pg->pages++;
  pg->y = MARGIN;
}

/* @text broken at spaces into lines no wider than @width (a word wider than that is cut). */
static GPtrArray *
wrap (Page *pg, const char *text, double width)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  GString *line = g_string_new (NULL);

  for (guint i = 0; words[i]; i++)
    {
      g_autofree char *trial = line->len ? g_strconcat (line->str, " ", words[i], NULL)
                                         : g_strdup (words[i]);
      if (line->len && text_width (pg, trial) > width)
        {
          g_ptr_array_add (lines, g_strdup (line->str));
          g_string_assign (line, words[i]);
        }
      else
        g_string_assign (line, trial);
    }
  if (line->len)
    g_ptr_array_add (lines, g_string_free (line, FALSE));
  else
    g_string_free (line, TRUE);
  return lines;
}

/* ------------------------------------------------------------------------------------------
 * The network with its starting values
 */

static void
node (Page *pg, double x, double y, const char *name, const char *value)
{
  cairo_t *cr = pg->cr;

  /* A path of its own: after text the current point would join it with a line. */
  cairo_new_path (cr);
  cairo_arc (cr, x, y, 17, 0, 2 * G_PI);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill_preserve (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 1.2);
  cairo_stroke (cr);
  font (pg, 10, TRUE);
  show (pg, x - text_width (pg, name) / 2, y + 3.5, name);
  if (value)
    {
      font (pg, 9, FALSE);
      show (pg, x - text_width (pg, value) / 2, y + 30, value);
    }
}

static void
edge (Page *pg, double x0, double y0, double x1, double y1, double at, const char *label)
{
  cairo_t *cr = pg->cr;
  double lx = x0 + (x1 - x0) * at, ly = y0 + (y1 - y0) * at, w;

  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  cairo_set_line_width (cr, 0.8);
  cairo_new_path (cr);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  font (pg, 8.5, FALSE);
  w = text_width (pg, label);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_new_path (cr);
  cairo_rectangle (cr, lx - w / 2 - 2, ly - 8, w + 4, 11);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  show (pg, lx - w / 2, ly, label);
}

static void
draw_network (Page *pg, const BlToyParams *p)
{
  double left = MARGIN + 40, span = pg->width - 2 * MARGIN - 150;
  double xi = left, xh = left + span * 0.45, xo = left + span * 0.9;
  double top = pg->y + 50, yy[2] = { top, top + 95 };
  char buf[2][64];
  static const char *const wn[8] = { "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8" };

  /* Edges first, under the nodes: w1 (i1→h1), w2 (i2→h1), w3 (i1→h2), w4 (i2→h2);
   * w5 (h1→o1), w6 (h2→o1), w7 (h1→o2), w8 (h2→o2). Labels nearer the source on crossing
   * edges, so that they do not meet. */
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 2; i++)
      {
        int k = 2 * j + i;
        g_autofree char *l1 = g_strdup_printf ("%s = %g", wn[k], p->w[k]);
        g_autofree char *l2 = g_strdup_printf ("%s = %g", wn[4 + k], p->w[4 + k]);
        double at = i == j ? 0.5 : (i == 0 ? 0.25 : 0.75);
        edge (pg, xi, yy[i], xh, yy[j], at, l1);
        edge (pg, xh, yy[i], xo, yy[j], at, l2);
      }
  if (p->has_biases)
    {
      g_autofree char *b1 = g_strdup_printf ("b1 = %g", p->b1);
      g_autofree char *b2 = g_strdup_printf ("b2 = %g", p->b2);
      font (pg, 9, FALSE);
      show (pg, xh - text_width (pg, b1) / 2, top - 25, b1);
      show (pg, xo - text_width (pg, b2) / 2, top - 25, b2);
      cairo_set_source_rgb (pg->cr, 0, 0, 0);
    }
  for (int k = 0; k < 2; k++)
    {
      g_snprintf (buf[k], sizeof buf[k], "%g", k == 0 ? p->i1 : p->i2);
      node (pg, xi, yy[k], k == 0 ? "i1" : "i2", buf[k]);
      node (pg, xh, yy[k], k == 0 ? "h1" : "h2", NULL);
      node (pg, xo, yy[k], k == 0 ? "o1" : "o2", NULL);
      {
        g_autofree char *t = g_strdup_printf ("t%d = %g", k + 1, k == 0 ? p->t1 : p->t2);
        font (pg, 9, FALSE);
        show (pg, xo + 30, yy[k] + 3, t);
      }
    }
  pg->y = yy[1] + 50;
}

/* ------------------------------------------------------------------------------------------ */

static const char *
phase_title (BlToyPhase phase)
{
  switch (phase)
    {
    case BL_TOY_PHASE_FORWARD: return _("Forward pass");
    case BL_TOY_PHASE_BACKWARD: return _("Backward pass");
    default: return _("Update");
    }
}

/* The step's formula without the definitions appended after it (",   δo1 = …"). */
static char *
short_formula (const BlToyStep *s)
{
  const char *cut = strstr (s->formula, ",   ");
  return cut ? g_strndup (s->formula, cut - s->formula) : g_strdup (s->formula);
}

static void
heading (Page *pg, const char *text)
{
  if (pg->y + 40 > pg->height - MARGIN)
    new_page (pg);
  pg->y += 10;
  font (pg, 12, TRUE);
  show (pg, MARGIN, pg->y + 12, text);
  pg->y += 20;
}

static void
worksheet_pages (Page *pg, const BlToyParams *p, double lr, GPtrArray *steps)
{
  double box_w = 120, text_w = pg->width - 2 * MARGIN - box_w - 12;
  int phase = -1;
  g_autofree char *what = bl_toy_params_describe (p);
  g_autofree char *sub = NULL;

  pg->y = MARGIN;
  font (pg, 17, TRUE);
  show (pg, MARGIN, pg->y + 14, _("Backpropagation by hand: one iteration"));
  pg->y += 26;
  sub = what ? g_strdup_printf (_("The 2-2-2 network, L2 loss, learning rate η = %g (%s)."), lr,
                                what)
             : g_strdup_printf (_("The 2-2-2 network, sigmoid units, L2 loss, learning rate "
                                  "η = %g."), lr);
  font (pg, 10, FALSE);
  show (pg, MARGIN, pg->y + 10, sub);
  pg->y += 16;
  show (pg, MARGIN, pg->y + 10, _("Name: ______________________    Date: ____________"));
  pg->y += 14;
  draw_network (pg, p);
  font (pg, 9, FALSE);
  show (pg, MARGIN, pg->y + 8, _("Fill in each box in order; four significant digits are "
                                 "enough. The key is on its own page."));
  pg->y += 8;

  for (guint i = 0; i < steps->len; i++)
    {
      const BlToyStep *s = g_ptr_array_index (steps, i);
      g_autofree char *f = short_formula (s);
      g_autoptr(GPtrArray) lines = NULL;
      double h;

      if ((int) s->phase != phase)
        {
          g_autofree char *title = s->phase == BL_TOY_PHASE_UPDATE
            ? g_strdup_printf (_("%s (η = %g): the new weights"), phase_title (s->phase), lr)
            : g_strdup (phase_title (s->phase));
          phase = s->phase;
          heading (pg, title);
        }
      font (pg, 9, FALSE);
      lines = wrap (pg, f, text_w);
      h = MAX (22.0, 11.0 * lines->len + 8);
      if (pg->y + h > pg->height - MARGIN)
        new_page (pg);
      cairo_set_source_rgb (pg->cr, 0, 0, 0);
      for (guint l = 0; l < lines->len; l++)
        show (pg, MARGIN, pg->y + 12 + 11 * l, g_ptr_array_index (lines, l));
      cairo_set_line_width (pg->cr, 0.8);
      cairo_new_path (pg->cr);
      cairo_rectangle (pg->cr, pg->width - MARGIN - box_w, pg->y + 2, box_w, 18);
      cairo_stroke (pg->cr);
      pg->y += h;
    }
}

static void
key_pages (Page *pg, GPtrArray *steps)
{
  int phase = -1;
  double text_w = pg->width - 2 * MARGIN;

  new_page (pg);
  font (pg, 17, TRUE);
  show (pg, MARGIN, pg->y + 14, _("Answer key"));
  pg->y += 22;
  for (guint i = 0; i < steps->len; i++)
    {
      const BlToyStep *s = g_ptr_array_index (steps, i);
      g_autoptr(GPtrArray) lines = NULL;

      if ((int) s->phase != phase)
        {
          phase = s->phase;
          heading (pg, phase_title (s->phase));
        }
      font (pg, 9, FALSE);
      lines = wrap (pg, s->substituted, text_w);
      if (pg->y + 11.0 * lines->len + 4 > pg->height - MARGIN)
        new_page (pg);
      for (guint l = 0; l < lines->len; l++)
        show (pg, MARGIN + (l ? 12 : 0), pg->y + 11 + 11 * l, g_ptr_array_index (lines, l));
      pg->y += 11.0 * lines->len + 4;
    }
}

/* The steps of the first iteration, with the first row's numbers. */
static GPtrArray *
key_steps (const BlToyParams *p, double lr)
{
  BlToyRow row;

  bl_toy_compute_row_lr (p, lr, &row);
  return bl_toy_steps (p, &row, lr);
}

gboolean
bl_toy_worksheet_save_pdf (const char *path, const BlToyParams *p, double lr, BlToyPaper paper,
                           guint *n_pages, guint *key_page, GError **error)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  Page pg = { 0 };
  guint key_at;

  g_return_val_if_fail (path != NULL && p != NULL, FALSE);
  if (!bl_toy_params_validate (p, error) || !bl_toy_lr_validate (lr, error))
    return FALSE;

  /* A device or FIFO is never replaced, a missing folder said before the work. */
  if (!bl_file_check_destination (path, 0, error))
    return FALSE;
  bl_toy_paper_size (paper, &pg.width, &pg.height);
  tmp = bl_file_temp_path (path);
  surface = cairo_pdf_surface_create (tmp, pg.width, pg.height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not create “%s”: %s"),
                   path, cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      g_unlink (tmp);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  _("Backpropagation by hand: one iteration"));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Backprop Lab");
  pg.cr = cairo_create (surface);
  pg.pages = 1;
  cairo_set_source_rgb (pg.cr, 0, 0, 0);

  steps = key_steps (p, lr);
  worksheet_pages (&pg, p, lr, steps);
  key_at = pg.pages + 1;
  key_pages (&pg, steps);
  cairo_show_page (pg.cr);

  status = cairo_status (pg.cr);
  cairo_destroy (pg.cr);
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_unlink (tmp);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, _("Could not write “%s”: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  if (!bl_file_commit_temp (tmp, path, error))
    return FALSE;
  if (n_pages)
    *n_pages = pg.pages;
  if (key_page)
    *key_page = key_at;
  return TRUE;
}
