/* bench-toy: what dragging a learning rate costs. Recomputes 6 learning rates × 10,000
 * iterations from scratch, as the Backprop page does when a value changes, and reports the
 * median over many repetitions against one 60 Hz frame (16.7 ms). The chart redraw is timed
 * by bench-toy-chart (it needs GTK). */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/bl-toy.h"

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
main (int argc, char **argv)
{
  const guint reps = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 101;
  const guint iterations = 10000;
  guint n_lrs;
  const double *lrs = bl_toy_default_learning_rates (&n_lrs);
  double *ms = g_new (double, reps);
  BlToyParams p;
  double checksum = 0;

  bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
  for (guint r = 0; r < reps; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      for (guint i = 0; i < n_lrs; i++)
        {
          BlToyRun *run = bl_toy_run_new (&p, lrs[i]);
          bl_toy_run_compute (run, iterations);
          checksum += run->loss[iterations];
          bl_toy_run_free (run);
        }
      ms[r] = (g_get_monotonic_time () - t0) / 1000.0;
    }
  qsort (ms, reps, sizeof *ms, (int (*)(const void *, const void *)) cmp_double);
  printf ("recompute %u rates × %u iterations: median %.3f ms, min %.3f, max %.3f "
          "(%u runs; one 60 Hz frame = 16.667 ms; median/frame = %.3f)  [checksum %.6g]\n",
          n_lrs, iterations, ms[reps / 2], ms[0], ms[reps - 1], reps, ms[reps / 2] / 16.667,
          checksum);
  g_free (ms);
  return 0;
}
