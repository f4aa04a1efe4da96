/* bench-step: the CNN engine's raw speed on random data, no I/O.
 *
 *   nn-bench-step [--threads 2] [--batch 128] [--steps 60] [--repeat 3] [--cpu VARIANT]
 *
 * Times training steps (forward, backward, SGD) and evaluation batches, and prints images/s
 * (the best of --repeat runs, each of --steps batches), by the wall clock and per second of
 * CPU time the process used (which a busy machine disturbs much less: use it to compare
 * kernels while others compile). PyTorch's peer trains at about 1,300–1,500 images/s on the
 * 2-core development machine. */
#include "config.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "nn-cpu.h"
#include "nn-model.h"
#include "nn-rng.h"
#include "nn-sgd.h"

/* User + system CPU seconds of the process so far. */
static double
cpu_seconds (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec
         + u.ru_stime.tv_usec / 1e6;
}

int
main (int argc, char **argv)
{
  gint threads = 2, batch = 128, steps = 60, repeat = 3;
  g_autofree char *cpu = NULL;
  NnCpuVariant variant;
  GOptionEntry entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Worker threads (with the caller)", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &batch, "Images per batch", "N" },
    { "steps", 's', 0, G_OPTION_ARG_INT, &steps, "Batches per timed run", "N" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Timed runs (the best counts)", "N" },
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &cpu, "Kernels: portable, avx2, avx512, avx512-bf16", "NAME" },
    { NULL }
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- time the CNN's training step");
  g_autoptr (GError) error = NULL;
  NnModel *m;
  float *x;
  guint8 *y;
  double best_train = 0, best_eval = 0, best_train_cpu = 0, best_eval_cpu = 0;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || threads < 1 || batch < 1
      || steps < 1 || repeat < 1)
    {
      fprintf (stderr, "%s\n", error ? error->message : "bad arguments");
      return 2;
    }
  if (cpu && (!nn_cpu_variant_from_string (cpu, &variant, &error)
              || !nn_cpu_force_variant (variant, &error)))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  m = nn_model_new (1, (guint) batch, (guint) threads, &error);
  if (m == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  x = g_new (float, (gsize) batch * 784);
  y = g_new (guint8, batch);
  /* Roughly MNIST's normalised range: mostly background, some ink. */
  for (gsize i = 0; i < (gsize) batch * 784; i++)
    x[i] = nn_rng_uniform (7, 99, i) < 0.8f ? -0.4242f : 2.0f * nn_rng_uniform (7, 98, i);
  for (int i = 0; i < batch; i++)
    y[i] = (guint8) (nn_rng_u64 (7, 97, i) % 10);

  for (int r = 0; r < repeat; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double c0 = cpu_seconds (), secs;
      for (int s = 0; s < steps; s++)
        {
          double loss;
          guint correct;
          if (!nn_model_train_step (m, x, y, (guint) batch, (guint64) (r * steps + s), &loss,
                                    &correct, &error))
            {
              fprintf (stderr, "%s\n", error->message);
              return 1;
            }
          nn_sgd_step (nn_model_params (m), nn_model_grads (m), nn_model_velocity (m),
                       nn_model_n_params (m), 0.01f, 0.9f, 0.0f, FALSE);
        }
      secs = (g_get_monotonic_time () - t0) / 1e6;
      best_train = MAX (best_train, steps * (double) batch / secs);
      best_train_cpu = MAX (best_train_cpu, steps * (double) batch / (cpu_seconds () - c0));

      t0 = g_get_monotonic_time ();
      c0 = cpu_seconds ();
      for (int s = 0; s < steps; s++)
        {
          double loss;
          guint correct;
          nn_model_evaluate (m, x, y, (guint) batch, &loss, &correct, NULL, NULL);
        }
      secs = (g_get_monotonic_time () - t0) / 1e6;
      best_eval = MAX (best_eval, steps * (double) batch / secs);
      best_eval_cpu = MAX (best_eval_cpu, steps * (double) batch / (cpu_seconds () - c0));
    }
  printf ("%s kernels, threads %d, batch %d: train %.0f images/s, eval %.0f images/s\n",
          nn_cpu_variant_to_string (nn_model_get_cpu_variant (m)), threads, batch, best_train,
          best_eval);
  printf ("one epoch (60,000 train + 10,000 test) ≈ %.1f s\n",
          60000.0 / best_train + 10000.0 / best_eval);
  printf ("per CPU-second: train %.0f images, eval %.0f images; one epoch ≈ %.1f CPU-s\n",
          best_train_cpu, best_eval_cpu, 60000.0 / best_train_cpu + 10000.0 / best_eval_cpu);
  g_free (x);
  g_free (y);
  nn_model_free (m);
  return 0;
}
