/* cli-mnist.c: `backprop-lab-cli mnist summary|train|eval`: the CNN engine, headless. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "nn-checkpoint.h"
#include "nn-cpu.h"
#include "nn-dataset.h"
#include "nn-error.h"
#include "nn-model.h"
#include "nn-runlog.h"
#include "nn-run.h"
#include "nn-trainer.h"

#define PROG "backprop-lab-cli mnist"

/* --cpu NAME: the engine's kernels for every model made from now on (nn-cpu.h). */
static gboolean
force_cpu (const char *name, const char *cmd)
{
  g_autoptr(GError) error = NULL;
  NnCpuVariant v;

  if (name == NULL)
    return TRUE;
  if (!nn_cpu_variant_from_string (name, &v, &error) || !nn_cpu_force_variant (v, &error))
    {
      fprintf (stderr, PROG " %s: %s\n", cmd, error->message);
      return FALSE;
    }
  return TRUE;
}

static int
cmd_summary (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autofree char *text = NULL, *cpu = NULL;
  GString *can = g_string_new (NULL);
  GOptionEntry entries[] = {
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &cpu, N_("The engine's kernels: portable, avx2, avx512 or avx512-bf16 (default: the fastest float kernels this CPU runs)"), N_("NAME") },
    { NULL }
  };
  NnModel *m;

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("The network, layer by layer, and the CPU kernels that run it."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " summary: %s\n", error->message);
      g_string_free (can, TRUE);
      return 2;
    }
  if (!force_cpu (cpu, "summary") || (m = nn_model_new (1, 1, 1, &error)) == NULL)
    {
      if (error)
        fprintf (stderr, PROG " summary: %s\n", error->message);
      g_string_free (can, TRUE);
      return 1;
    }
  text = nn_model_summary (m);
  fputs (text, stdout);
  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    if (nn_cpu_variant_supported (v))
      g_string_append_printf (can, "%s%s", can->len ? ", " : "", nn_cpu_variant_to_string (v));
  printf (_("CPU kernels: %s (this CPU runs: %s)\n"),
          nn_cpu_variant_to_string (nn_model_get_cpu_variant (m)), can->str);
  g_string_free (can, TRUE);
  nn_model_free (m);
  return 0;
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
  NnRun        *run;
  GMainLoop    *loop;
  FILE         *log;
  gboolean      tty;
  GError       *error;      /* how the run ended: NULL if every epoch ran */
  double        best_acc;
  guint         best_epoch;
  double        last_acc;
} TrainWatch;

static void
on_batches (NnRun *run, const NnBatchReport *reports, guint n, gpointer data)
{
  TrainWatch *watch = data;
  const NnBatchReport *r = &reports[n - 1];   /* a terminal shows the latest */
  g_autofree char *eta = NULL;
  char bar[31];
  guint filled;

  if (!watch->tty)
    return;
  filled = (guint) (30.0 * r->batch / r->n_batches);
  memset (bar, '#', filled);
  memset (bar + filled, '.', 30 - filled);
  bar[30] = '\0';
  eta = nn_format_duration (r->eta_s);
  fprintf (stderr, _("\repoch %u/%u [%s] %3u%%  loss %.4f  %5.0f img/s  ETA %s   "), r->epoch,
           r->epochs, bar, 100 * r->batch / r->n_batches, r->loss, r->images_per_s, eta);
  fflush (stderr);
}

static void
on_epoch (NnRun *run, const NnRunEpoch *epoch, gpointer data)
{
  TrainWatch *watch = data;
  const NnEpochRecord *r = &epoch->record;

  if (r->test_acc > watch->best_acc)
    {
      watch->best_acc = r->test_acc;
      watch->best_epoch = r->epoch;
    }
  watch->last_acc = r->test_acc;
  fprintf (stderr, "%s", watch->tty ? "\r" : "");
  fprintf (stderr, _("epoch %2u  train loss %.4f acc %.2f%%  test loss %.4f acc %.2f%%  "
                     "lr %.5f  %.1f s\n"), r->epoch, r->train_loss, 100 * r->train_acc,
           r->test_loss, 100 * r->test_acc, r->lr, r->seconds);
  if (watch->log)
    {
      GString *line = g_string_new (NULL);
      nn_runlog_append_epoch (line, r);
      fputs (line->str, watch->log);
      fflush (watch->log);
      g_string_free (line, TRUE);
    }
}

static void
on_finished (NnRun *run, const GError *error, gpointer data)
{
  TrainWatch *watch = data;

  watch->error = error ? g_error_copy (error) : NULL;
  g_main_loop_quit (watch->loop);
}

static gboolean
sigint_cb (gpointer data)
{
  TrainWatch *watch = data;

  fprintf (stderr, _("\nStopping after this batch…\n"));
  nn_run_cancel (watch->run);
  return G_SOURCE_CONTINUE;
}

static int
cmd_train (int argc, char **argv)
{
  g_autofree char *data_dir = NULL, *schedule = NULL, *log_path = NULL, *save = NULL;
  g_autofree char *cpu = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  gboolean plain = FALSE, quick = FALSE, verify = FALSE;
  NnRecipe r;
  gint epochs = -1, batch = -1, threads = -1, subset = 0, test_subset = 0;
  gint64 seed = -1;
  double lr = -1, momentum = -1, weight_decay = -1, rotate = -1;
  NnDataset *set;
  TrainWatch watch = { 0 };
  static const NnRunCallbacks callbacks = { on_batches, on_epoch, on_finished };
  guint sig;
  int status = 0;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder with the four IDX files"), N_("DIR") },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, N_("Epochs (default 20)"), "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, N_("Batch size (default 128)"), "N" },
    { "lr", 0, 0, G_OPTION_ARG_DOUBLE, &lr, N_("Learning rate; the peak with onecycle (default 0.05)"), "LR" },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &momentum, N_("Momentum (default 0.9)"), "M" },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &weight_decay, N_("Weight decay (default 0)"), "W" },
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule, N_("none, step or onecycle (default onecycle)"), N_("NAME") },
    { "rotate", 0, 0, G_OPTION_ARG_DOUBLE, &rotate, N_("Random rotation of training images, ±degrees (default 7)"), N_("DEG") },
    { "plain", 0, 0, G_OPTION_ARG_NONE, &plain, N_("The plain recipe: SGD 0.01, momentum 0.9, no schedule, no rotation"), NULL },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, N_("The quick recipe, a run that fits a lesson: 5 epochs, batch 64, label smoothing"), NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Seed of initialisation, shuffling, dropout (default 1)"), "N" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads (default 2); results do not depend on it"), "N" },
    { "train-subset", 0, 0, G_OPTION_ARG_INT, &subset, N_("Train on this many images only"), "N" },
    { "test-subset", 0, 0, G_OPTION_ARG_INT, &test_subset, N_("Test on this many images only"), "N" },
    { "verify", 0, 0, G_OPTION_ARG_NONE, &verify, N_("Require the four files to be MNIST's (SHA-256)"), NULL },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path, N_("Append one JSON line per epoch to FILE"), N_("FILE") },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, N_("Save the model to FILE at the end (also when stopped)"), N_("FILE") },
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &cpu, N_("The engine's kernels: portable, avx2, avx512 or avx512-bf16 (default: the fastest float kernels this CPU runs)"), N_("NAME") },
    { NULL }
  };

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Train the 18,820-parameter CNN."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      return 2;
    }
  if (data_dir == NULL)
    {
      fprintf (stderr, _("%s train: --data DIR is required\n"), PROG);
      return 2;
    }
  if (!force_cpu (cpu, "train"))
    return 1;
  if (plain && quick)
    {
      fprintf (stderr, _("%s train: --plain and --quick are two recipes; choose one\n"), PROG);
      return 2;
    }
  if (quick)
    nn_recipe_init_quick (&r);
  else if (plain)
    nn_recipe_init_plain (&r);
  else
    nn_recipe_init_default (&r);
  if (epochs >= 0) r.epochs = epochs;
  if (batch >= 0) r.batch = batch;
  if (lr >= 0) r.lr = lr;
  if (momentum >= 0) r.momentum = momentum;
  if (weight_decay >= 0) r.weight_decay = weight_decay;
  if (rotate >= 0) r.rotate_deg = rotate;
  if (seed >= 0) r.seed = seed;
  if (threads >= 0) r.threads = threads;
  if (subset < 0 || test_subset < 0)
    {
      fprintf (stderr, _("%s train: subset sizes cannot be negative\n"), PROG);
      return 1;
    }
  r.train_subset = subset;
  r.test_subset = test_subset;
  if (schedule && !nn_schedule_parse (schedule, &r.schedule, &error))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      return 1;
    }
  if (!nn_recipe_validate (&r, &error))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      return 1;
    }

  set = nn_dataset_load (data_dir, &error);
  if (set == NULL || (verify && !nn_dataset_verify_mnist (set, &error)))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      nn_dataset_unref (set);
      return 1;
    }
  watch.run = nn_run_new (&r, set, &error);
  if (watch.run == NULL)
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      nn_dataset_unref (set);
      return 1;
    }
  if (log_path && (watch.log = fopen (log_path, "a")) == NULL)
    {
      fprintf (stderr, _("%s train: cannot write %s\n"), PROG, log_path);
      nn_run_unref (watch.run);
      nn_dataset_unref (set);
      return 1;
    }
  if (watch.log)
    {
      /* Each run in a log starts with its recipe, so runs appended to one file stay apart. */
      GString *header = g_string_new (NULL);
      nn_runlog_append_header (header, &r);
      fputs (header->str, watch.log);
      fflush (watch.log);
      g_string_free (header, TRUE);
    }
  {
    g_autofree char *recipe = nn_recipe_to_string (&r);
    fprintf (stderr, _("Training on %u images, testing on %u: %s\n"),
             nn_run_get_n_train (watch.run), nn_run_get_n_test (watch.run), recipe);
  }

  watch.tty = isatty (fileno (stderr));
  watch.loop = g_main_loop_new (NULL, FALSE);
  sig = g_unix_signal_add (SIGINT, sigint_cb, &watch);
  nn_run_start (watch.run, &callbacks, &watch, NULL);
  g_main_loop_run (watch.loop);
  nn_run_join (watch.run);
  g_source_remove (sig);

  if (watch.error)
    {
      fprintf (stderr, "%s" PROG " train: %s\n", watch.tty ? "\n" : "", watch.error->message);
      status = g_error_matches (watch.error, NN_ERROR, NN_ERROR_CANCELLED) ? 130 : 1;
    }
  else
    fprintf (stderr, _("best test accuracy %.2f%% (epoch %u), final %.2f%%\n"),
             100 * watch.best_acc, watch.best_epoch, 100 * watch.last_acc);
  if (save && nn_run_get_final_state (watch.run) == NULL)
    {
      fprintf (stderr, _("%s train: no model was built, so nothing was saved\n"), PROG);
      status = 1;
    }
  else if (save)
    {
      g_autofree char *recipe = nn_recipe_to_string (&r);
      g_autofree char *meta = g_strdup_printf ("recipe=%s\nfinal_test_acc=%.6f\n", recipe,
                                               watch.last_acc);
      NnModel *m = nn_model_new (r.seed, 1, 1, &error);
      if (m == NULL || !nn_model_set_state (m, nn_run_get_final_state (watch.run), &error) ||
          !nn_checkpoint_save (m, save, meta, &error))
        {
          fprintf (stderr, PROG " train: %s\n", error->message);
          status = 1;
        }
      else
        fprintf (stderr, _("saved the model to %s\n"), save);
      nn_model_free (m);
    }
  if (watch.log)
    fclose (watch.log);
  g_clear_error (&watch.error);
  g_main_loop_unref (watch.loop);
  nn_run_unref (watch.run);
  nn_dataset_unref (set);
  return status;
}

static int
cmd_eval (int argc, char **argv)
{
  g_autofree char *data_dir = NULL, *model_path = NULL, *meta = NULL, *cpu = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  gint threads = 2;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("A model saved by train --save"), N_("FILE") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder with the four IDX files"), N_("DIR") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads (default 2)"), "N" },
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &cpu, N_("The engine's kernels: portable, avx2, avx512 or avx512-bf16 (default: the fastest float kernels this CPU runs)"), N_("NAME") },
    { NULL }
  };
  guint confusion[NN_CLASSES][NN_CLASSES];
  double loss, acc;
  NnDataset *set;
  NnModel *m;

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Evaluate a saved model on the test set."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " eval: %s\n", error->message);
      return 2;
    }
  if (data_dir == NULL || model_path == NULL)
    {
      fprintf (stderr, _("%s eval: --model FILE and --data DIR are required\n"), PROG);
      return 2;
    }
  if (!force_cpu (cpu, "eval"))
    return 1;
  m = nn_model_new (1, 128, MAX (threads, 1), &error);
  if (m == NULL || !nn_checkpoint_load (m, model_path, &meta, &error))
    {
      fprintf (stderr, PROG " eval: %s\n", error->message);
      nn_model_free (m);
      return 1;
    }
  set = nn_dataset_load (data_dir, &error);
  if (set == NULL)
    {
      fprintf (stderr, PROG " eval: %s\n", error->message);
      nn_model_free (m);
      return 1;
    }
  nn_evaluate_split (m, &set->test, 0, 128, &loss, &acc, confusion, NULL, NULL);
  printf (_("test accuracy %.2f%% (%u images), mean loss %.4f\n\n"), 100 * acc, set->test.n,
          loss);
  printf (_("per class:\n"));
  for (int t = 0; t < NN_CLASSES; t++)
    {
      guint total = 0;
      for (int p = 0; p < NN_CLASSES; p++)
        total += confusion[t][p];
      printf ("  %d  %6.2f%%  (%u/%u)\n", t, total ? 100.0 * confusion[t][t] / total : 0,
              confusion[t][t], total);
    }
  printf (_("\nconfusion matrix (rows: true digit, columns: predicted):\n     "));
  for (int p = 0; p < NN_CLASSES; p++)
    printf ("%6d", p);
  printf ("\n");
  for (int t = 0; t < NN_CLASSES; t++)
    {
      printf ("  %d  ", t);
      for (int p = 0; p < NN_CLASSES; p++)
        printf ("%6u", confusion[t][p]);
      printf ("\n");
    }
  nn_dataset_unref (set);
  nn_model_free (m);
  return 0;
}

int
bl_cli_mnist (int argc, char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;
      fprintf (out, _("Usage: %s summary|train|eval [OPTIONS…]\n"
                      "  summary   the network, layer by layer, with its 18,820 parameters\n"
                      "  train     train it (--data DIR; --help for the recipe's options)\n"
                      "  eval      accuracy, per class, and the confusion matrix of a saved model\n"),
               PROG);
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "summary"))
    return cmd_summary (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "train"))
    return cmd_train (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "eval"))
    return cmd_eval (argc - 1, argv + 1);
  fprintf (stderr, _("%s: unknown command “%s” (summary, train, eval)\n"), PROG, argv[1]);
  return 2;
}
