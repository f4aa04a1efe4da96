/* bench-toy-frame: what one learning-rate drag costs the window. Recomputes 6 learning
 * rates × 10,000 iterations, hands the curves to the chart and redraws it (1200 × 700,
 * cairo image surface, log axis), as the Backprop page does on every change. Reports the
 * median over many repetitions against one 60 Hz frame (16.667 ms). */
#include <gtk/gtk.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/bl-toy.h"
#include "widgets/bl-chart.h"
#include "widgets/bl-palette.h"

static int
cmp_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  const guint reps = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 101;
  const guint iterations = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 10000;
  guint n_lrs;
  const double *lrs = bl_toy_default_learning_rates (&n_lrs);
  double *total = g_new (double, reps), *compute = g_new (double, reps);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 700);
  BlChart *chart;
  guint ids[16];
  BlToyParams p;

  bl_chart_keep_freed_memory ();   /* as the application does */
  gtk_init ();
  chart = BL_CHART (g_object_ref_sink (bl_chart_new ()));
  bl_chart_set_title (chart, "Loss per learning rate");
  bl_chart_set_x_label (chart, "iteration");
  bl_chart_set_y_label (chart, "E_total");
  bl_chart_set_log_y (chart, TRUE);
  for (guint i = 0; i < n_lrs; i++)
    {
      GdkRGBA c;
      g_autofree char *label = g_strdup_printf ("η = %g", lrs[i]);
      bl_palette_color (i, &c);
      ids[i] = bl_chart_add_series (chart, label, &c, BL_CHART_LINE_SOLID);
    }
  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);

  for (guint r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time (), t1;
      cairo_t *cr;
      BlToyRun *runs[16];

      for (guint i = 0; i < n_lrs; i++)
        {
          runs[i] = bl_toy_run_new (&p, lrs[i]);
          bl_toy_run_compute (runs[i], iterations);
        }
      t1 = g_get_monotonic_time ();
      for (guint i = 0; i < n_lrs; i++)
        bl_chart_series_set_data (chart, ids[i], NULL, runs[i]->loss, runs[i]->n_rows);
      cr = cairo_create (surface);
      bl_chart_render (chart, cr, 1200, 700);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      total[r] = (g_get_monotonic_time () - t0) / 1000.0;
      compute[r] = (t1 - t0) / 1000.0;
      for (guint i = 0; i < n_lrs; i++)
        bl_toy_run_free (runs[i]);
    }
  qsort (total, reps, sizeof *total, cmp_double);
  qsort (compute, reps, sizeof *compute, cmp_double);
  printf ("%u rates × %u iterations, recompute + redraw 1200×700: median %.2f ms "
          "(recompute alone %.2f ms; min %.2f, max %.2f; %u runs) = %.2f of a 60 Hz frame\n",
          n_lrs, iterations, total[reps / 2], compute[reps / 2], total[0], total[reps - 1],
          reps, total[reps / 2] / 16.667);
  cairo_surface_destroy (surface);
  g_object_unref (chart);
  return 0;
}
