/* cli-mnist.c: `backprop-lab-cli mnist summary|train|eval`: the CNN engine, headless. */
#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/bl-file.h"
#include "core/bl-toy.h"
#include "nn-checkpoint.h"
#include "nn-cpu.h"
#include "nn-dataset.h"
#include "nn-error.h"
#include "nn-idx.h"
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
  if (argc > 1)
    {
      fprintf (stderr, _("%s summary: unexpected argument “%s”\n"), PROG, argv[1]);
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

/* ---- Options. Numbers are read strictly (no sentinels: every value given is checked) and
 * applied to the recipe one at a time, each checked by nn_recipe_validate() (the one place the
 * ranges live), so an error names the option, its value and the range it must be in. */

typedef enum {
  OPT_EPOCHS, OPT_BATCH, OPT_LR, OPT_MOMENTUM, OPT_WEIGHT_DECAY, OPT_ROTATE, OPT_SHIFT,
  OPT_UPRIGHT_LAST, OPT_DROPOUT, OPT_SEED, OPT_THREADS, OPT_TRAIN_SUBSET, OPT_TEST_SUBSET, N_OPTS
} OptId;

typedef enum { KIND_WHOLE, KIND_SEED, KIND_REAL } OptKind;

static const struct {
  const char *name;
  OptKind     kind;
} opt_info[N_OPTS] = {
  [OPT_EPOCHS] = { "epochs", KIND_WHOLE },
  [OPT_BATCH] = { "batch", KIND_WHOLE },
  [OPT_LR] = { "lr", KIND_REAL },
  [OPT_MOMENTUM] = { "momentum", KIND_REAL },
  [OPT_WEIGHT_DECAY] = { "weight-decay", KIND_REAL },
  [OPT_ROTATE] = { "rotate", KIND_REAL },
  [OPT_SHIFT] = { "shift", KIND_REAL },
  [OPT_UPRIGHT_LAST] = { "upright-last", KIND_WHOLE },
  [OPT_DROPOUT] = { "dropout", KIND_REAL },
  [OPT_SEED] = { "seed", KIND_SEED },
  [OPT_THREADS] = { "threads", KIND_WHOLE },
  [OPT_TRAIN_SUBSET] = { "train-subset", KIND_WHOLE },
  [OPT_TEST_SUBSET] = { "test-subset", KIND_WHOLE },
};

typedef struct {
  gboolean set[N_OPTS];
  char    *text[N_OPTS];   /* as typed, for messages */
  gint64   whole[N_OPTS];
  guint64  seed;
  double   real[N_OPTS];
} NumberOpts;

static void
number_opts_clear (NumberOpts *o)
{
  for (int i = 0; i < N_OPTS; i++)
    g_free (o->text[i]);
}

static gboolean
parse_number_cb (const char *option_name, const char *value, gpointer data, GError **error)
{
  NumberOpts *o = data;
  const char *name = option_name + (g_str_has_prefix (option_name, "--") ? 2 : 0);
  g_autoptr(GError) local = NULL;

  for (int i = 0; i < N_OPTS; i++)
    {
      if (!g_str_equal (name, opt_info[i].name))
        continue;
      g_free (o->text[i]);
      o->text[i] = g_strdup (value);
      o->set[i] = TRUE;
      switch (opt_info[i].kind)
        {
        case KIND_WHOLE:
          if (g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &o->whole[i], NULL))
            return TRUE;
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s: “%s” is not a whole number."), option_name, value);
          return FALSE;
        case KIND_SEED:
          if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &o->seed, NULL))
            return TRUE;
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("%s: “%s” is not a whole number from 0 to 18446744073709551615."),
                       option_name, value);
          return FALSE;
        case KIND_REAL:
          if (bl_toy_parse_double (value, &o->real[i], &local))
            return TRUE;
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", option_name,
                       local->message);
          return FALSE;
        }
    }
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, _("Unknown option %s"),
               option_name);
  return FALSE;
}

/* A count for a guint field; outside 0…G_MAXUINT it becomes a value nn_recipe_validate()
 * refuses for every field it is used for (0 or G_MAXUINT), so nothing is clamped silently. */
static guint
as_uint (gint64 v)
{
  return v < 0 ? 0 : v > G_MAXUINT ? G_MAXUINT : (guint) v;
}

/* Applies the options given to @r, each checked; FALSE with a message naming the option. */
static gboolean
apply_number_opts (const NumberOpts *o, NnRecipe *r, GError **error)
{
  for (int i = 0; i < N_OPTS; i++)
    {
      g_autoptr(GError) local = NULL;

      if (!o->set[i])
        continue;
      switch ((OptId) i)
        {
        case OPT_EPOCHS: r->epochs = as_uint (o->whole[i]); break;
        case OPT_BATCH: r->batch = as_uint (o->whole[i]); break;
        case OPT_THREADS: r->threads = as_uint (o->whole[i]); break;
        case OPT_LR: r->lr = o->real[i]; break;
        case OPT_MOMENTUM: r->momentum = o->real[i]; break;
        case OPT_WEIGHT_DECAY: r->weight_decay = o->real[i]; break;
        case OPT_ROTATE: r->rotate_deg = o->real[i]; break;
        case OPT_SHIFT: r->shift_px = o->real[i]; break;
        case OPT_UPRIGHT_LAST:
          /* 0 is a valid count here: a negative one becomes one that is always refused. */
          r->upright_last = o->whole[i] < 0 ? G_MAXUINT : as_uint (o->whole[i]);
          break;
        case OPT_DROPOUT: r->dropout = o->real[i]; break;
        case OPT_SEED: r->seed = o->seed; break;
        case OPT_TRAIN_SUBSET:
        case OPT_TEST_SUBSET:
          /* Any count is a recipe's own business (0: all); only what a count cannot be. */
          if (o->whole[i] < 0 || o->whole[i] > G_MAXUINT)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--%s %s: give a number of images from 0 (all of them) to %u."),
                           opt_info[i].name, o->text[i], G_MAXUINT);
              return FALSE;
            }
          *(i == OPT_TRAIN_SUBSET ? &r->train_subset : &r->test_subset) = (guint) o->whole[i];
          break;
        case N_OPTS: break;
        }
      if (!nn_recipe_validate (r, &local))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--%s %s: %s",
                       opt_info[i].name, o->text[i], local->message);
          return FALSE;
        }
    }
  return TRUE;
}

#define NUMBER_OPT(id, desc, arg) \
  { opt_info[id].name, 0, 0, G_OPTION_ARG_CALLBACK, (gpointer) parse_number_cb, desc, arg }

/* What every subcommand's --help ends with. */
static const char exit_statuses[] =
  N_("Exit status: 0 done; 1 failed (data or model unreadable, training diverged, the model or "
     "log not written); 2 usage error (unknown option, a value out of range, a missing "
     "argument); 130 stopped by Ctrl-C (the model is still saved).");

static GOptionContext *
new_context (const char *summary, GOptionEntry *entries, NumberOpts *numbers)
{
  GOptionContext *ctx = g_option_context_new (NULL);
  GOptionGroup *group = g_option_group_new (NULL, NULL, NULL, numbers, NULL);

  g_option_group_add_entries (group, entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (ctx, group);
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, _(exit_statuses));
  return ctx;
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
  NnRun          *run;
  GMainLoop      *loop;
  NnRunLogWriter *log;       /* NULL once a write failed */
  GError         *log_error; /* why the log stopped */
  gboolean        tty;
  GError         *error;     /* how the run ended: NULL if every epoch ran */
  double          best_acc;
  guint           best_epoch;
  double          last_acc;
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
  /* A log that cannot be written (a full disk) is said at once; training goes on, so the
   * model is not lost, and the run ends with status 1. */
  if (watch->log && !nn_runlog_writer_add_epoch (watch->log, r, &watch->log_error))
    {
      fprintf (stderr, _("%s train: %s; the log stops here, training goes on.\n"), PROG,
               watch->log_error->message);
      nn_runlog_writer_close (g_steal_pointer (&watch->log), NULL);
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

/* A checkpoint is ~80 KB: room for it is checked before training. */
#define CHECKPOINT_ROOM (256 * 1024)

/* Where a model goes when its destination failed after training: the user's data folder,
 * a name that says when and what. (transfer full) */
static char *
rescue_path (const char *save)
{
  g_autofree char *base = g_path_get_basename (save);
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "backprop-lab", "rescued",
                                           NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *name = g_strdup_printf ("%s-%s", stamp, base);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, name, NULL);
}

/* Saves the run's final model to @save or, if that fails for a reason of the file (not of
 * the model), to rescue_path(); 0 when saved where asked, else 1 (with what happened said). */
static int
save_model (TrainWatch *watch, const NnRecipe *r, const char *save)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  g_autofree char *recipe = nn_recipe_to_string (r);
  g_autofree char *meta = g_strdup_printf ("recipe=%s\nfinal_test_acc=%.6f\n", recipe,
                                           watch->last_acc);
  g_autofree char *rescue = NULL;
  NnModel *m;
  int status = 0;

  if (nn_run_get_final_state (watch->run) == NULL)
    {
      fprintf (stderr, _("%s train: no model was built, so nothing was saved\n"), PROG);
      return 1;
    }
  if (g_error_matches (watch->error, NN_ERROR, NN_ERROR_DIVERGED))
    {
      fprintf (stderr, _("%s train: training diverged, so the model is not saved (%s is left "
                         "as it was)\n"), PROG, save);
      return 1;
    }
  m = nn_model_new (r->seed, 1, 1, &error);
  if (m == NULL || !nn_model_set_state (m, nn_run_get_final_state (watch->run), &error))
    status = 1;
  else if (nn_checkpoint_save (m, save, meta, &error))
    fprintf (stderr, _("saved the model to %s\n"), save);
  else if (g_error_matches (error, NN_ERROR, NN_ERROR_IO))
    {
      /* The destination was checked before training; it failed since (a full disk, a folder
       * removed): the trained model is not thrown away. */
      rescue = rescue_path (save);
      if (nn_checkpoint_save (m, rescue, meta, &again))
        fprintf (stderr, _("%s train: %s\nThe model was saved to %s instead.\n"), PROG,
                 error->message, rescue);
      else
        fprintf (stderr, _("%s train: %s\nIt could not be saved to %s either: %s\n"), PROG,
                 error->message, rescue, again->message);
      g_clear_error (&error);
      status = 1;
    }
  else
    status = 1;
  if (error)
    fprintf (stderr, PROG " train: %s\n", error->message);
  nn_model_free (m);
  return status;
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
  NumberOpts numbers = { { 0 } };
  NnDataset *set = NULL;
  TrainWatch watch = { 0 };
  static const NnRunCallbacks callbacks = { on_batches, on_epoch, on_finished };
  guint sig;
  int status = 0;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder with the four IDX files"), N_("DIR") },
    NUMBER_OPT (OPT_EPOCHS, N_("Epochs, 1–1000 (default 20)"), "N"),
    NUMBER_OPT (OPT_BATCH, N_("Batch size, 1–4096 (default 128)"), "N"),
    NUMBER_OPT (OPT_LR, N_("Learning rate, above 0 and at most 10; the peak with onecycle (default 0.05)"), "LR"),
    NUMBER_OPT (OPT_MOMENTUM, N_("Momentum, at least 0 and below 1 (default 0.9)"), "M"),
    NUMBER_OPT (OPT_WEIGHT_DECAY, N_("Weight decay, 0–1 (default 0.0005)"), "W"),
    { "schedule", 0, 0, G_OPTION_ARG_STRING, &schedule, N_("none, step or onecycle (default onecycle)"), N_("NAME") },
    NUMBER_OPT (OPT_ROTATE, N_("Random rotation of training images, ±degrees, 0–180 (default 7)"), N_("DEG")),
    NUMBER_OPT (OPT_SHIFT, N_("Random shift of training images, ±pixels along each axis, 0–14 (default 0)"), N_("PX")),
    NUMBER_OPT (OPT_UPRIGHT_LAST, N_("The last N epochs without rotation or shift, at most the epochs (default 1)"), "N"),
    NUMBER_OPT (OPT_DROPOUT, N_("Dropout's drop probability in training, at least 0 and below 1 (default 0.25)"), "P"),
    { "plain", 0, 0, G_OPTION_ARG_NONE, &plain, N_("The plain recipe: SGD 0.01, momentum 0.9, no schedule, no rotation"), NULL },
    { "quick", 0, 0, G_OPTION_ARG_NONE, &quick, N_("The quick recipe, a run that fits a lesson: 5 epochs, batch 64, light regularisation"), NULL },
    NUMBER_OPT (OPT_SEED, N_("Seed of initialisation, shuffling, dropout, any 64-bit number (default 1)"), "N"),
    NUMBER_OPT (OPT_THREADS, N_("Threads, 1–64 (default 2); results do not depend on it"), "N"),
    NUMBER_OPT (OPT_TRAIN_SUBSET, N_("Train on this many images only (default 0: all)"), "N"),
    NUMBER_OPT (OPT_TEST_SUBSET, N_("Test on this many images only (default 0: all)"), "N"),
    { "verify", 0, 0, G_OPTION_ARG_NONE, &verify, N_("Require the four files to be MNIST's (SHA-256)"), NULL },
    { "log", 0, 0, G_OPTION_ARG_FILENAME, &log_path, N_("Append one JSON line per epoch to FILE (a regular file)"), N_("FILE") },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, N_("Save the model to FILE at the end (also when stopped; checked before training)"), N_("FILE") },
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &cpu, N_("The engine's kernels: portable, avx2, avx512 or avx512-bf16 (default: the fastest float kernels this CPU runs)"), N_("NAME") },
    { NULL }
  };

  ctx = new_context (_("Train the 18,820-parameter CNN."), entries, &numbers);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      number_opts_clear (&numbers);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, _("%s train: unexpected argument “%s”\n"), PROG, argv[1]);
      number_opts_clear (&numbers);
      return 2;
    }
  if (data_dir == NULL)
    {
      fprintf (stderr, _("%s train: --data DIR is required\n"), PROG);
      number_opts_clear (&numbers);
      return 2;
    }
  if (plain && quick)
    {
      fprintf (stderr, _("%s train: --plain and --quick are two recipes; choose one\n"), PROG);
      number_opts_clear (&numbers);
      return 2;
    }
  if (!force_cpu (cpu, "train"))
    {
      number_opts_clear (&numbers);
      return 1;
    }
  if (quick)
    nn_recipe_init_quick (&r);
  else if (plain)
    nn_recipe_init_plain (&r);
  else
    nn_recipe_init_default (&r);
  if (schedule && !nn_schedule_parse (schedule, &r.schedule, &error))
    g_prefix_error (&error, "--schedule: ");
  if (error || !apply_number_opts (&numbers, &r, &error))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      number_opts_clear (&numbers);
      return 2;
    }
  number_opts_clear (&numbers);

  /* Whatever would make the end fail is found before the training, not after it. */
  if (save && !bl_file_check_destination (save, CHECKPOINT_ROOM, &error))
    {
      fprintf (stderr, _("%s train: --save: %s\n"), PROG, error->message);
      return 1;
    }
  if (log_path && (watch.log = nn_runlog_writer_open (log_path, &error)) == NULL)
    {
      fprintf (stderr, _("%s train: --log: %s\n"), PROG, error->message);
      return 1;
    }
  set = nn_dataset_load (data_dir, &error);
  if (set == NULL || (verify && !nn_dataset_verify_mnist (set, &error)))
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      status = 1;
      goto out;
    }
  watch.run = nn_run_new (&r, set, &error);
  if (watch.run == NULL)
    {
      fprintf (stderr, PROG " train: %s\n", error->message);
      status = 1;
      goto out;
    }
  /* Each run in a log starts with its recipe, so runs appended to one file stay apart. */
  if (watch.log && !nn_runlog_writer_add_run (watch.log, &r, &error))
    {
      fprintf (stderr, _("%s train: --log: %s\n"), PROG, error->message);
      status = 1;
      goto out;
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
  if (save && save_model (&watch, &r, save) != 0 && status == 0)
    status = 1;
  if (watch.log_error)
    {
      fprintf (stderr, _("%s train: --log: %s\n"), PROG, watch.log_error->message);
      if (status == 0)
        status = 1;
    }

out:
  if (watch.log && !nn_runlog_writer_close (g_steal_pointer (&watch.log), &error))
    {
      fprintf (stderr, _("%s train: --log: %s\n"), PROG, error->message);
      if (status == 0)
        status = 1;
    }
  g_clear_error (&watch.log_error);
  g_clear_error (&watch.error);
  g_clear_pointer (&watch.loop, g_main_loop_unref);
  g_clear_pointer (&watch.run, nn_run_unref);
  nn_dataset_unref (set);
  return status;
}

/* The test split of @dir alone: evaluating never needs the training files. */
static gboolean
load_test_split (const char *dir, NnSplit *split, GError **error)
{
  g_autofree char *images = NULL, *labels = NULL;
  g_autofree char *name = g_filename_display_name (dir);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("No data folder at %s."), name);
      return FALSE;
    }
  images = nn_dataset_find_file (dir, NN_FILE_TEST_IMAGES);
  labels = nn_dataset_find_file (dir, NN_FILE_TEST_LABELS);
  if (images == NULL || labels == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("%s has no %s (nor .gz)."), name,
                   nn_dataset_file_name (images ? NN_FILE_TEST_LABELS : NN_FILE_TEST_IMAGES));
      return FALSE;
    }
  return nn_idx_read_split (images, labels, split, NULL, NULL, error);
}

static int
cmd_eval (int argc, char **argv)
{
  g_autofree char *data_dir = NULL, *model_path = NULL, *meta = NULL, *cpu = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  NumberOpts numbers = { { 0 } };
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, N_("A model saved by train --save"), N_("FILE") },
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder with the test set's two IDX files"), N_("DIR") },
    NUMBER_OPT (OPT_THREADS, N_("Threads, 1–64 (default 2)"), "N"),
    { "cpu", 0, 0, G_OPTION_ARG_STRING, &cpu, N_("The engine's kernels: portable, avx2, avx512 or avx512-bf16 (default: the fastest float kernels this CPU runs)"), N_("NAME") },
    { NULL }
  };
  guint confusion[NN_CLASSES][NN_CLASSES];
  double loss, acc;
  NnSplit test = { 0 };
  NnRecipe r;
  NnModel *m;

  ctx = new_context (_("Evaluate a saved model on the test set."), entries, &numbers);
  nn_recipe_init_default (&r);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)
      || !apply_number_opts (&numbers, &r, &error))
    {
      fprintf (stderr, PROG " eval: %s\n", error->message);
      number_opts_clear (&numbers);
      return 2;
    }
  number_opts_clear (&numbers);
  if (argc > 1)
    {
      fprintf (stderr, _("%s eval: unexpected argument “%s”\n"), PROG, argv[1]);
      return 2;
    }
  if (data_dir == NULL || model_path == NULL)
    {
      fprintf (stderr, _("%s eval: --model FILE and --data DIR are required\n"), PROG);
      return 2;
    }
  if (!force_cpu (cpu, "eval"))
    return 1;
  m = nn_model_new (1, 128, r.threads, &error);
  if (m == NULL || !nn_checkpoint_load (m, model_path, &meta, &error))
    {
      fprintf (stderr, PROG " eval: %s\n", error->message);
      nn_model_free (m);
      return 1;
    }
  if (!load_test_split (data_dir, &test, &error))
    {
      fprintf (stderr, PROG " eval: %s\n", error->message);
      nn_model_free (m);
      return 1;
    }
  nn_evaluate_split (m, &test, 0, 128, &loss, &acc, confusion, NULL, NULL);
  printf (_("test accuracy %.2f%% (%u images), mean loss %.4f\n\n"), 100 * acc, test.n, loss);
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
  g_free (test.images);
  g_free (test.labels);
  nn_model_free (m);
  return 0;
}

int
bl_cli_mnist (int argc, char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;
      fprintf (out, _("Usage: %s summary|train|eval|logs [OPTIONS…]\n"
                      "  summary   the network, layer by layer, with its 18,820 parameters\n"
                      "  train     train it (--data DIR; --help for the recipe's options)\n"
                      "  eval      accuracy, per class, and the confusion matrix of a saved model\n"
                      "  logs      the runs in training logs or a sweep's folder of them\n"),
               PROG);
      fprintf (out, "\n%s\n", _(exit_statuses));
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "summary"))
    return cmd_summary (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "train"))
    return cmd_train (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "eval"))
    return cmd_eval (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "logs"))
    return bl_cli_mnist_logs (argc - 1, argv + 1);
  fprintf (stderr, _("%s: unknown command “%s” (summary, train, eval, logs)\n"), PROG, argv[1]);
  return 2;
}
