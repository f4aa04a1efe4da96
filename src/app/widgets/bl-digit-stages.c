/* bl-digit-stages.c: see bl-digit-stages.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "widgets/bl-digit-stages.h"
#include "widgets/bl-palette.h"
#include "widgets/bl-png.h"
#include "widgets/bl-text.h"

#define N_PANELS 5
/* Big stages are kept shrunk to this for display: a 4096² canvas would cost 64 MB a frame. */
#define DISPLAY_MAX 280

/* An image to show: @w × @h values. */
typedef struct {
  float *v;
  guint  w, h;
} Picture;

struct _BlDigitStages {
  GtkWidget     parent_instance;
  gboolean      has_stages;
  NnDigitStages stages;
  Picture       drawing;        /* the canvas, shrunk to at most DISPLAY_MAX a side */
  double        drawing_scale;  /* drawing pixels per canvas pixel */
  guint         canvas_w, canvas_h;
  Picture       cropped;        /* the crop, likewise */
  char         *prompt;         /* shown instead of the stages, e.g. "Draw a digit first." */
  gboolean      has_probs;
  float         probs[NN_CLASSES];
  gboolean      has_spread;
  float         lo[NN_CLASSES], hi[NN_CLASSES];
  int           best;
};

G_DEFINE_FINAL_TYPE (BlDigitStages, bl_digit_stages, GTK_TYPE_WIDGET)

typedef struct {
  double margin, font, small, panel, gap, caption_top, bars_top, bars_bottom, bars_left, slot;
  double pitch;            /* from one panel's start to the next's: a panel is centred in it */
} Layout;

static void
compute_layout (int width, int height, PangoContext *context, Layout *l)
{
  /* Whole pixel sizes, two of them: each size is a font to load. The body text's size at
   * most (projector mode's type, the desktop's), and never under its legible share. */
  double body_px = bl_text_font_px (context), least = bl_text_least_px (context);
  l->font = round (CLAMP (MIN (width / 64.0, height / 30.0), least, MAX (least, body_px)));
  l->small = MAX (least, round (l->font * 0.85));
  l->margin = l->font;
  l->gap = l->font * 2;
  l->panel = MAX (16, MIN ((width - 2 * l->margin - (N_PANELS - 1) * l->gap) / N_PANELS,
                           height * 0.45));
  l->pitch = l->panel + l->gap;
  l->caption_top = l->margin + l->panel + l->small * 0.4;
  l->bars_top = l->caption_top + l->small * 3.9 + l->font * 1.8;
  l->bars_bottom = height - l->margin - l->font * 1.4;
  l->bars_left = l->margin + l->small * 3.2;   /* room for the "100%" of the scale */
  l->slot = (width - l->bars_left - l->margin) / NN_CLASSES;
}

/* Shrinks @v (w × h) so that its longer side is at most DISPLAY_MAX. */
static void
picture_set (Picture *p, const float *v, guint w, guint h)
{
  guint longest = MAX (w, h);

  g_free (p->v);
  if (longest <= DISPLAY_MAX)
    {
      p->w = w;
      p->h = h;
      p->v = g_memdup2 (v, (gsize) w * h * sizeof (float));
      return;
    }
  p->w = MAX (1, (guint) lround ((double) w * DISPLAY_MAX / longest));
  p->h = MAX (1, (guint) lround ((double) h * DISPLAY_MAX / longest));
  p->v = g_new (float, (gsize) p->w * p->h);
  nn_digit_resample (v, w, h, p->v, p->w, p->h);
}

/* The normalised input on a diverging scale: below zero (the background, −0.42) towards blue,
 * above zero (the ink, up to 2.82) towards orange, zero black. Shows that the network's
 * "nothing" is not 0. */
static guint32
diverging (float v)
{
  const double lo = -NN_MNIST_MEAN / NN_MNIST_STD, hi = (1 - NN_MNIST_MEAN) / NN_MNIST_STD;
  double r, g, b, t;

  if (v < 0)
    {
      t = MIN (1, v / lo) * 0.8;
      r = 0x00 * t, g = 0x72 * t, b = 0xB2 * t;
    }
  else
    {
      t = MIN (1, v / hi);
      r = 0xE6 * t, g = 0x9F * t, b = 0x00 * t;
    }
  return (guint32) lround (r) << 16 | (guint32) lround (g) << 8 | (guint32) lround (b);
}

static cairo_surface_t *
picture_surface (const float *v, guint w, guint h, gboolean normalised)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        float f = v[(gsize) y * w + x];
        guint32 px;
        if (normalised)
          px = diverging (f);
        else
          {
            guint32 g = (guint32) lround (255 * CLAMP (f, 0, 1));
            px = g << 16 | g << 8 | g;
          }
        *(guint32 *) (data + y * stride + 4 * x) = px;
      }
  cairo_surface_mark_dirty (s);
  return s;
}

/* Draws a w × h image fitted into the square (x, y, side) on black, keeping its aspect ratio,
 * sharp pixels when enlarged; returns the device pixels per image pixel and its origin. */
static double
draw_picture (cairo_t *cr, const float *v, guint w, guint h, gboolean normalised,
              gboolean pixel_grid, double x, double y, double side, double *ox, double *oy)
{
  cairo_surface_t *s = picture_surface (v, w, h, normalised);
  double scale = side / MAX (w, h);

  *ox = x + (side - w * scale) / 2;
  *oy = y + (side - h * scale) / 2;
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, x, y, side, side);
  cairo_fill (cr);
  cairo_save (cr);
  cairo_translate (cr, *ox, *oy);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, s, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr),
                            scale >= 1.5 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD);
  cairo_rectangle (cr, 0, 0, w, h);
  cairo_fill (cr);
  cairo_restore (cr);
  if (pixel_grid && scale >= 4)
    {
      /* Faint lines between pixels: these are the network's inputs, one number each. */
      cairo_set_source_rgba (cr, 1, 1, 1, 0.09);
      cairo_set_line_width (cr, 1);
      for (guint i = 1; i < w; i++)
        {
          cairo_move_to (cr, round (*ox + i * scale) + 0.5, *oy);
          cairo_line_to (cr, round (*ox + i * scale) + 0.5, *oy + h * scale);
        }
      for (guint i = 1; i < h; i++)
        {
          cairo_move_to (cr, *ox, round (*oy + i * scale) + 0.5);
          cairo_line_to (cr, *ox + w * scale, round (*oy + i * scale) + 0.5);
        }
      cairo_stroke (cr);
    }
  cairo_surface_destroy (s);
  return scale;
}

static void
outline (cairo_t *cr, guint color, double x, double y, double w, double h, gboolean dashed)
{
  static const double dash[] = { 4, 3 };
  GdkRGBA c;

  bl_palette_color (color, &c);
  gdk_cairo_set_source_rgba (cr, &c);
  cairo_set_line_width (cr, 2);
  cairo_set_dash (cr, dash, dashed ? 2 : 0, 0);
  cairo_rectangle (cr, x, y, w, h);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);
}

/* The panels' captions, wrapped to a panel's width and its gaps: in as many lines as that
 * takes, the type stays legible and never runs into the next panel's. */
typedef struct {
  char   *title[N_PANELS], *detail[N_PANELS];
  double  title_h, height;    /* the tallest title; the tallest caption */
} Captions;

static void
captions_clear (Captions *c)
{
  for (int i = 0; i < N_PANELS; i++)
    {
      g_clear_pointer (&c->title[i], g_free);
      g_clear_pointer (&c->detail[i], g_free);
    }
}

static void
captions_make (BlDigitStages *self, BlTextPainter *tp, const Layout *l, Captions *c)
{
  const NnDigitStages *st = &self->stages;
  const char *titles[N_PANELS] = { _("your drawing"), _("cropped to the ink"),
                                   _("fitted in 20×20"), _("centred by mass in 28×28"),
                                   _("normalised") };
  char *details[N_PANELS] = { NULL };
  double wide = l->pitch - l->gap * 0.2;

  if (self->has_stages)
    {
      details[0] = g_strdup_printf (_("%u × %u pixels"), self->canvas_w, self->canvas_h);
      details[1] = g_strdup_printf (_("%u × %u pixels"), st->crop_w, st->crop_h);
      details[2] = g_strdup_printf (_("%u × %u, same shape"), st->fit_w, st->fit_h);
      details[3] = g_strdup_printf (_("centre of mass at (%.1f, %.1f)"), st->mass_x,
                                    st->mass_y);
      details[4] = g_strdup_printf (_("(x − %.4f) / %.4f\nblue < 0 < orange"), NN_MNIST_MEAN,
                                    NN_MNIST_STD);
    }
  captions_clear (c);
  c->title_h = c->height = 0;
  for (int i = 0; i < N_PANELS; i++)
    {
      int th, dh = 0;
      c->title[i] = bl_text_wrap (tp, l->small, TRUE, titles[i], wide);
      bl_text_measure (tp, l->small, TRUE, c->title[i], NULL, &th);
      if (details[i])
        {
          c->detail[i] = bl_text_wrap (tp, l->small, FALSE, details[i], wide);
          bl_text_measure (tp, l->small, FALSE, c->detail[i], NULL, &dh);
          g_free (details[i]);
        }
      c->title_h = MAX (c->title_h, th);
      c->height = MAX (c->height, th + l->small * 0.2 + dh);
    }
}

static void
draw_stages (BlDigitStages *self, cairo_t *cr, BlTextPainter *tp, const Layout *l,
             const Captions *c, const GdkRGBA *fg)
{
  const NnDigitStages *st = &self->stages;
  double ox, oy, s;

  for (int i = 0; i < N_PANELS; i++)
    {
      double x = l->margin + i * l->pitch + (l->pitch - l->gap - l->panel) / 2, y = l->margin;

      if (!self->has_stages)
        {
          cairo_set_source_rgb (cr, 0, 0, 0);
          cairo_rectangle (cr, x, y, l->panel, l->panel);
          cairo_fill (cr);
        }
      else if (i == 0)
        {
          s = draw_picture (cr, self->drawing.v, self->drawing.w, self->drawing.h, FALSE, FALSE,
                            x, y, l->panel, &ox, &oy);
          s *= self->drawing_scale;
          outline (cr, 1, ox + st->crop_x * s, oy + st->crop_y * s, st->crop_w * s,
                   st->crop_h * s, FALSE);
        }
      else if (i == 1)
        draw_picture (cr, self->cropped.v, self->cropped.w, self->cropped.h, FALSE, FALSE, x, y,
                      l->panel, &ox, &oy);
      else if (i == 2)
        {
          s = draw_picture (cr, st->fitted, NN_DIGIT_BOX, NN_DIGIT_BOX, FALSE, TRUE, x, y,
                            l->panel, &ox, &oy);
          outline (cr, 1, ox + st->fit_x * s, oy + st->fit_y * s, st->fit_w * s, st->fit_h * s,
                   FALSE);
        }
      else if (i == 3)
        {
          GdkRGBA red;
          double mx, my, arm = l->font * 0.7;
          s = draw_picture (cr, st->centred, NN_IMAGE_SIDE, NN_IMAGE_SIDE, FALSE, TRUE, x, y,
                            l->panel, &ox, &oy);
          /* Where the 20×20 box went, and the centre of mass at pixel (14, 14). */
          outline (cr, 1, ox + st->shift_x * s, oy + st->shift_y * s, NN_DIGIT_BOX * s,
                   NN_DIGIT_BOX * s, TRUE);
          mx = ox + (st->mass_x + 0.5) * s;
          my = oy + (st->mass_y + 0.5) * s;
          bl_palette_color (5, &red);
          gdk_cairo_set_source_rgba (cr, &red);
          cairo_set_line_width (cr, 2.5);
          cairo_move_to (cr, mx - arm, my);
          cairo_line_to (cr, mx + arm, my);
          cairo_move_to (cr, mx, my - arm);
          cairo_line_to (cr, mx, my + arm);
          cairo_stroke (cr);
        }
      else
        draw_picture (cr, st->normalised, NN_IMAGE_SIDE, NN_IMAGE_SIDE, TRUE, TRUE, x, y,
                      l->panel, &ox, &oy);

      gdk_cairo_set_source_rgba (cr, fg);
      bl_text_draw (tp, l->small, TRUE, c->title[i], x + l->panel / 2, l->caption_top, 0.5, 0);
      if (c->detail[i])
        bl_text_draw (tp, l->small, FALSE, c->detail[i], x + l->panel / 2,
                      l->caption_top + c->title_h + l->small * 0.2, 0.5, 0);
      if (i > 0)
        bl_text_draw (tp, l->font * 1.4, TRUE, "→", l->margin + i * l->pitch - l->gap / 2,
                      y + l->panel / 2, 0.5, 0.5);
    }
  if (!self->has_stages && self->prompt)
    {
      cairo_set_source_rgb (cr, 0.85, 0.85, 0.87);
      bl_text_draw (tp, l->font, FALSE, self->prompt, l->margin + (l->pitch - l->gap) / 2,
                    l->margin + l->panel / 2, 0.5, 0.5);
    }
}

static void
draw_bars (BlDigitStages *self, cairo_t *cr, BlTextPainter *tp, const Layout *l,
           const GdkRGBA *fg)
{
  double top = l->bars_top + l->small * 1.5, height = MAX (4, l->bars_bottom - top);
  char buf[64];
  GdkRGBA blue, red;

  bl_palette_color (0, &blue);
  bl_palette_color (5, &red);
  gdk_cairo_set_source_rgba (cr, fg);
  if (self->has_probs)
    {
      g_autofree char *heading =
        g_strdup_printf (_("The network says %d (softmax probability %.0f%%)"), self->best,
                         100.0 * self->probs[self->best]);
      bl_text_draw (tp, l->font, TRUE, heading, l->margin, l->bars_top - l->font * 0.4, 0, 1);
    }
  else
    bl_text_draw (tp, l->font, FALSE,
                  self->has_stages ? _("No network to ask yet") : _("Softmax probabilities"),
                  l->margin, l->bars_top - l->font * 0.4, 0, 1);

  /* The scale: an untrained network's 10 % bars should look small against 100 %. */
  for (int k = 1; k <= 2; k++)
    {
      static const double dash[] = { 3, 4 };
      double y = round (l->bars_bottom - k * height / 2) + 0.5;
      gdk_cairo_set_source_rgba (cr, fg);
      bl_text_draw (tp, l->small, FALSE, k == 1 ? "50%" : "100%", l->bars_left - 4, y, 1, 0.5);
      cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, 0.3);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, l->bars_left, y);
      cairo_line_to (cr, l->bars_left + NN_CLASSES * l->slot, y);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  /* The baseline, then one bar per class. */
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, l->bars_left, round (l->bars_bottom) + 0.5);
  cairo_line_to (cr, l->bars_left + NN_CLASSES * l->slot, round (l->bars_bottom) + 0.5);
  cairo_stroke (cr);
  for (int c = 0; c < NN_CLASSES; c++)
    {
      double cx = l->bars_left + (c + 0.5) * l->slot, bw = l->slot * 0.6;
      gboolean best = self->has_probs && c == self->best;

      if (self->has_probs)
        {
          double p = CLAMP (self->probs[c], 0, 1), bh = p * height;
          gdk_cairo_set_source_rgba (cr, best ? &red : &blue);
          cairo_rectangle (cr, cx - bw / 2, l->bars_bottom - bh, bw, bh);
          cairo_fill (cr);
          if (self->has_spread)
            {
              /* The whisker: lowest to highest over the passes. */
              double ylo = l->bars_bottom - CLAMP (self->lo[c], 0, 1) * height;
              double yhi = l->bars_bottom - CLAMP (self->hi[c], 0, 1) * height;
              gdk_cairo_set_source_rgba (cr, fg);
              cairo_set_line_width (cr, 2);
              cairo_move_to (cr, cx, ylo);
              cairo_line_to (cr, cx, yhi);
              cairo_move_to (cr, cx - bw / 4, ylo);
              cairo_line_to (cr, cx + bw / 4, ylo);
              cairo_move_to (cr, cx - bw / 4, yhi);
              cairo_line_to (cr, cx + bw / 4, yhi);
              cairo_stroke (cr);
              bh = MAX (bh, l->bars_bottom - yhi);   /* the number above the whisker */
            }
          g_snprintf (buf, sizeof buf, p < 0.1 ? "%.1f%%" : "%.0f%%", 100 * p);
          gdk_cairo_set_source_rgba (cr, best ? &red : fg);
          bl_text_draw (tp, l->small, best, buf, cx, l->bars_bottom - bh - 2, 0.5, 1);
        }
      gdk_cairo_set_source_rgba (cr, best ? &red : fg);
      g_snprintf (buf, sizeof buf, "%d", c);
      bl_text_draw (tp, l->font, best, buf, cx, l->bars_bottom + 3, 0.5, 0);
    }
}

static void
stages_draw (gpointer widget, cairo_t *cr, int width, int height, const GdkRGBA *fg,
             const GdkRGBA *bg)
{
  BlDigitStages *self = widget;
  BlTextPainter tp;
  Captions captions = { 0 };
  Layout l;

  if (width <= 0 || height <= 0)
    return;
  compute_layout (width, height, gtk_widget_get_pango_context (widget), &l);
  if (bg)
    {
      gdk_cairo_set_source_rgba (cr, bg);
      cairo_paint (cr);
    }
  bl_text_painter_init (&tp, cr);
  /* Captions in more lines than the layout keeps room for (large type, narrow panels): the
   * panels give up the height they need, the bars keep theirs. */
  for (int pass = 0; pass < 4; pass++)
    {
      double need;
      captions_make (self, &tp, &l, &captions);
      l.bars_top = l.caption_top + captions.height + l.small * 0.8 + l.font * 1.8;
      need = l.bars_top - (l.caption_top + l.small * 3.9 + l.font * 1.8);
      if (need <= 0.5 || l.panel <= 16)
        break;
      l.panel = MAX (16, l.panel - need);
      l.caption_top = l.margin + l.panel + l.small * 0.4;
    }
  draw_stages (self, cr, &tp, &l, &captions, fg);
  draw_bars (self, cr, &tp, &l, fg);
  captions_clear (&captions);
  bl_text_painter_clear (&tp);
}

static void
bl_digit_stages_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  bl_snapshot_drawing (widget, snapshot, stages_draw);
}

static void
bl_digit_stages_measure (GtkWidget *widget, GtkOrientation o, int for_size, int *min, int *nat,
                         int *min_base, int *nat_base)
{
  *min = o == GTK_ORIENTATION_HORIZONTAL ? 360 : 300;
  *nat = o == GTK_ORIENTATION_HORIZONTAL ? 900 : 440;
}

static void
update_description (BlDigitStages *self)
{
  g_autofree char *desc = NULL;

  if (self->has_probs)
    desc = g_strdup_printf (_("The network says %d with probability %.0f%%."), self->best,
                            100.0 * self->probs[self->best]);
  else if (self->has_stages)
    desc = g_strdup_printf (_("The drawing cut to %u × %u pixels, fitted in %u × %u, centred "
                              "by its centre of mass in 28 × 28."), self->stages.crop_w,
                            self->stages.crop_h, self->stages.fit_w, self->stages.fit_h);
  else
    desc = g_strdup (self->prompt ? self->prompt : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  desc, -1);
}

static void
bl_digit_stages_finalize (GObject *object)
{
  BlDigitStages *self = BL_DIGIT_STAGES (object);

  g_free (self->drawing.v);
  g_free (self->cropped.v);
  g_free (self->prompt);
  G_OBJECT_CLASS (bl_digit_stages_parent_class)->finalize (object);
}

static void
bl_digit_stages_class_init (BlDigitStagesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = bl_digit_stages_finalize;
  widget_class->snapshot = bl_digit_stages_snapshot;
  widget_class->measure = bl_digit_stages_measure;
  gtk_widget_class_set_css_name (widget_class, "digitstages");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bl_digit_stages_init (BlDigitStages *self)
{
  self->best = -1;
  self->prompt = g_strdup (_("Draw a digit first."));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("How the drawing is prepared, and the network's answer"),
                                  -1);
  update_description (self);
}

GtkWidget *
bl_digit_stages_new (void)
{
  return g_object_new (BL_TYPE_DIGIT_STAGES, NULL);
}

void
bl_digit_stages_set_stages (BlDigitStages *self, const float *canvas, guint width, guint height,
                            const NnDigitStages *stages)
{
  g_return_if_fail (BL_IS_DIGIT_STAGES (self));
  g_return_if_fail (canvas != NULL && stages != NULL && width > 0 && height > 0);
  /* Copied without the crop's buffer: the crop is kept as a (display-sized) picture. */
  self->stages = *stages;
  self->stages.cropped = NULL;
  self->has_stages = TRUE;
  self->has_probs = FALSE;
  self->best = -1;
  g_clear_pointer (&self->prompt, g_free);
  picture_set (&self->drawing, canvas, width, height);
  self->drawing_scale = (double) self->drawing.w / width;
  self->canvas_w = width;
  self->canvas_h = height;
  picture_set (&self->cropped, stages->cropped, stages->crop_w, stages->crop_h);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_digit_stages_set_prompt (BlDigitStages *self, const char *prompt)
{
  g_return_if_fail (BL_IS_DIGIT_STAGES (self));
  memset (&self->stages, 0, sizeof self->stages);
  self->has_stages = FALSE;
  self->has_probs = FALSE;
  self->best = -1;
  g_free (self->prompt);
  self->prompt = g_strdup (prompt ? prompt : "");
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_digit_stages_set_probabilities (BlDigitStages *self, const float *probs)
{
  g_return_if_fail (BL_IS_DIGIT_STAGES (self));
  self->has_probs = probs != NULL;
  self->has_spread = FALSE;
  self->best = -1;
  if (probs)
    {
      memcpy (self->probs, probs, sizeof self->probs);
      self->best = 0;
      for (int c = 1; c < NN_CLASSES; c++)
        if (probs[c] > probs[self->best])
          self->best = c;
    }
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bl_digit_stages_set_spread (BlDigitStages *self, const float *lo, const float *hi)
{
  g_return_if_fail (BL_IS_DIGIT_STAGES (self));
  self->has_spread = lo != NULL && hi != NULL;
  if (self->has_spread)
    {
      memcpy (self->lo, lo, sizeof self->lo);
      memcpy (self->hi, hi, sizeof self->hi);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
bl_digit_stages_get_prediction (BlDigitStages *self)
{
  g_return_val_if_fail (BL_IS_DIGIT_STAGES (self), -1);
  return self->best;
}

gboolean
bl_digit_stages_get_spread (BlDigitStages *self, float *lo, float *hi)
{
  g_return_val_if_fail (BL_IS_DIGIT_STAGES (self), FALSE);
  g_return_val_if_fail (lo != NULL && hi != NULL, FALSE);
  if (!self->has_spread)
    return FALSE;
  memcpy (lo, self->lo, sizeof self->lo);
  memcpy (hi, self->hi, sizeof self->hi);
  return TRUE;
}

gboolean
bl_digit_stages_write_png (BlDigitStages *self, const char *path, int width, int height,
                           GError **error)
{
  g_return_val_if_fail (BL_IS_DIGIT_STAGES (self), FALSE);
  return bl_write_drawing_png (stages_draw, self, width, height, path, error);
}
