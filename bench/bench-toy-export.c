/* bench-toy-export: how long the Backprop page keeps the main thread while it exports and while
 * it plays, against one 60 Hz frame (16.667 ms). In a real window (run under xvfb-run):
 *   - the ledger CSV, the workbook and the chart PNG: how long each call holds the main thread,
 *     how long the file takes, and the main thread's CPU time between two turns of the main
 *     loop while it is written (a 1 ms timer notes every turn);
 *   - Play at its fastest for 3 s, and at 20 iterations a second: the same longest stretch;
 *   - for comparison, the workbook of all 10,000 iterations written the old way, on the main
 *     thread (bl_toy_xlsx_save).
 * Usage: xvfb-run -a -s "-screen 0 1920x1080x24" build/bench/bench-toy-export [output-dir [play]]
 * ("play": Play only, e.g. under perf). */
#include <gtk/gtk.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <time.h>

#include "backprop/bl-backprop-page.h"
#include "export/bl-toy-xlsx.h"

static gint64 last_turn, longest_gap;
static GArray *gaps;   /* gint64 microseconds of main-thread CPU between two turns */

/* The main thread's CPU time, not the wall clock: on a shared machine the wall clock counts
 * other processes' time too. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
turn_cb (gpointer data)
{
  gint64 now = thread_cpu_us ();
  if (last_turn)
    {
      gint64 gap = now - last_turn;
      longest_gap = MAX (longest_gap, gap);
      g_array_append_val (gaps, gap);
    }
  last_turn = now;
  return G_SOURCE_CONTINUE;
}

static void
reset_gaps (void)
{
  last_turn = 0;
  longest_gap = 0;
  g_array_set_size (gaps, 0);
}

static int
cmp_gap (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* "median 1.1, 95th 4.0, max 65.0 ms; 2 of 1500 over a frame" */
static char *
gap_summary (void)
{
  guint over = 0;

  g_array_sort (gaps, cmp_gap);
  for (guint i = 0; i < gaps->len; i++)
    over += g_array_index (gaps, gint64, i) > 16667;
  if (gaps->len == 0)
    return g_strdup ("no turns");
  return g_strdup_printf ("CPU per turn median %.1f, 95th %.1f, max %.1f ms; %u of %u turns "
                          "over a frame",
                          g_array_index (gaps, gint64, gaps->len / 2) / 1000.0,
                          g_array_index (gaps, gint64, gaps->len * 95 / 100) / 1000.0,
                          longest_gap / 1000.0, over, gaps->len);
}

static void
run_for (double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
}

typedef gboolean (*ExportFunc) (BlBackpropPage *, const char *, GError **);

static void
bench_export (BlBackpropPage *page, const char *name, ExportFunc func, const char *path)
{
  gint64 t0, t1;
  GError *error = NULL;

  g_unlink (path);
  run_for (0.5);
  reset_gaps ();
  t0 = g_get_monotonic_time ();
  if (!func (page, path, &error))
    g_error ("%s: %s", name, error->message);
  t1 = g_get_monotonic_time ();
  while (bl_backprop_page_get_exporting (page))
    g_main_context_iteration (NULL, TRUE);
  {
    g_autofree char *summary = gap_summary ();
    printf ("%-26s call %6.1f ms, file after %7.0f ms; main loop meanwhile: %s\n  %s\n", name,
            (t1 - t0) / 1000.0, (g_get_monotonic_time () - t0) / 1000.0, summary,
            bl_backprop_page_get_status_text (page));
  }
}

static GtkWidget *
first_scale (GtkWidget *root)
{
  if (GTK_IS_SCALE (root))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *hit = first_scale (c);
      if (hit)
        return hit;
    }
  return NULL;
}

static void bench_after (BlBackpropPage *page, guint n, const char *name,
                         void (*act) (BlBackpropPage *, guint));

/* Dragging the first rate's slider (the rate the ledger shows): its run is recomputed, its
 * curve redrawn, the ledger refreshed. */
static void
drag_once (BlBackpropPage *page, guint i)
{
  gtk_range_set_value (GTK_RANGE (first_scale (GTK_WIDGET (page))), -1.5 + 0.02 * (i % 40));
}

static void
step_once (BlBackpropPage *page, guint by)
{
  bl_backprop_page_step (page, by);
}

static void
painted_cb (GdkFrameClock *clock, guint *painted)
{
  (*painted)++;
}

static guint step_by;

static void
step_by_cb (BlBackpropPage *page, guint i)
{
  step_once (page, step_by);
}

/* One step (as → or Play does), then the frame that shows it: the main thread's CPU for both,
 * over @n steps. */
static void
bench_steps (BlBackpropPage *page, guint n, guint by, const char *name)
{
  step_by = by;
  bench_after (page, n, name, step_by_cb);
}

static void
bench_after (BlBackpropPage *page, guint n, const char *name,
             void (*act) (BlBackpropPage *, guint))
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (page));
  guint painted = 0;
  gulong id = g_signal_connect (clock, "after-paint", G_CALLBACK (painted_cb), &painted);
  GArray *cost = g_array_new (FALSE, FALSE, sizeof (gint64));

  bl_backprop_page_reset (page);
  run_for (0.5);
  for (guint i = 0; i < n; i++)
    {
      gint64 t0 = thread_cpu_us ();
      guint before = painted;
      act (page, i);
      while (painted == before)
        g_main_context_iteration (NULL, TRUE);
      {
        gint64 c = thread_cpu_us () - t0;
        g_array_append_val (cost, c);
      }
      run_for (0.02);
    }
  g_signal_handler_disconnect (clock, id);
  g_array_sort (cost, cmp_gap);
  printf ("%-26s CPU per change and its frame: median %.1f, 90th %.1f, max %.1f ms (%u steps)\n",
          name, g_array_index (cost, gint64, n / 2) / 1000.0,
          g_array_index (cost, gint64, n * 9 / 10) / 1000.0,
          g_array_index (cost, gint64, n - 1) / 1000.0, n);
  g_array_unref (cost);
}

static void
bench_play (BlBackpropPage *page, guint speed, const char *name)
{
  bl_backprop_page_reset (page);
  bl_backprop_page_set_play_speed (page, speed);
  run_for (0.5);
  reset_gaps ();
  bl_backprop_page_toggle_play (page);
  run_for (3);
  {
    g_autofree char *summary = gap_summary ();
    printf ("%-26s reached iteration %u in 3 s; main loop: %s\n", name,
            bl_backprop_page_get_current (page), summary);
  }
  if (bl_backprop_page_get_playing (page))
    bl_backprop_page_toggle_play (page);
}

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : g_get_tmp_dir ();
  gboolean play_only = argc > 2 && g_str_equal (argv[2], "play");
  g_autofree char *csv = g_build_filename (dir, "bench-ledger.csv", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "bench-lesson.xlsx", NULL);
  g_autofree char *png = g_build_filename (dir, "bench-loss.png", NULL);
  GtkWidget *window;
  BlBackpropPage *page;

  gtk_init ();
  gaps = g_array_new (FALSE, FALSE, sizeof (gint64));
  window = gtk_window_new ();
  page = BL_BACKPROP_PAGE (bl_backprop_page_new ());
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 950);
  gtk_window_present (GTK_WINDOW (window));
  g_timeout_add (1, turn_cb, NULL);
  run_for (2);

  if (play_only)
    {
      bench_steps (page, 60, 1, "step by 1");
      bench_steps (page, 30, 40, "step by 40 (a jump)");
      bench_after (page, 40, "drag the ledger's rate", drag_once);
      bench_play (page, 20, "play, 20 a second");
      bench_play (page, 0, "play, fastest");
      gtk_window_destroy (GTK_WINDOW (window));
      return 0;
    }
  bench_export (page, "ledger CSV, 6 x 10,001 rows", bl_backprop_page_export_csv, csv);
  bench_export (page, "workbook, 6 x 1,001 rows", bl_backprop_page_export_xlsx, xlsx);
  bench_export (page, "chart PNG, 1600 x 1000", bl_backprop_page_export_png, png);
  bench_steps (page, 60, 1, "step by 1");
  bench_steps (page, 30, 40, "step by 40 (a jump)");
  bench_after (page, 40, "drag the ledger's rate", drag_once);
  bench_play (page, 20, "play, 20 a second");
  bench_play (page, 0, "play, fastest");

  {
    /* The old way: every row of every rate, on the main thread. */
    BlToyParams p;
    BlToyRun *runs[6];
    guint n;
    const double *lrs = bl_toy_default_learning_rates (&n);
    gint64 t0;
    GError *error = NULL;

    bl_toy_params_init_preset (&p, BL_TOY_PRESET_CLASSROOM);
    for (guint i = 0; i < n && i < 6; i++)
      {
        runs[i] = bl_toy_run_new (&p, lrs[i]);
        bl_toy_run_compute (runs[i], 10000);
      }
    t0 = g_get_monotonic_time ();
    if (!bl_toy_xlsx_save (xlsx, runs, MIN (n, 6), &error))
      g_error ("%s", error->message);
    {
      GStatBuf st;
      g_stat (xlsx, &st);
      printf ("%-26s %7.0f ms on the main thread, %.1f MB (for comparison)\n",
              "workbook, 6 x 10,001 rows", (g_get_monotonic_time () - t0) / 1000.0,
              st.st_size / 1e6);
    }
    for (guint i = 0; i < n && i < 6; i++)
      bl_toy_run_free (runs[i]);
  }
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
