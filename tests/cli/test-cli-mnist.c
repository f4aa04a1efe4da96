/* test-cli-mnist.c: backprop-lab-cli mnist, run as a user would run it, on the project's cut
 * of MNIST (BL_TEST_MNIST_FIXTURE): summary, a tiny training saved and logged then evaluated,
 * every bad value refused with exit status 2, special files and full disks met without a hang,
 * a clobbered file or a lost model. HOME and the XDG folders point at a temporary folder: a
 * rescued model lands there, never in the user's. */
#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-run.h"
#include "nn-checkpoint.h"
#include "nn-runlog.h"

static char *tmpdir;
static const char *fixture;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static int
exit_status (const CliResult *r)
{
  g_assert_true (WIFEXITED (r->status));
  return WEXITSTATUS (r->status);
}

/* The figure after @label in @text, e.g. "final " → 92.40. */
static double
figure_after (const char *text, const char *label)
{
  const char *at = strstr (text, label);
  if (at == NULL)
    g_error ("“%s” not in:\n%s", label, text);
  return g_ascii_strtod (at + strlen (label), NULL);
}

static void
test_summary (void)
{
  CliResult r = run_cli ("mnist", "summary", NULL);

  g_assert_cmpint (exit_status (&r), ==, 0);
  g_assert_nonnull (strstr (r.out, "18,820"));
  cli_result_clear (&r);
  r = run_cli ("mnist", "summary", "extra", NULL);
  g_assert_cmpint (exit_status (&r), ==, 2);
  cli_result_clear (&r);
}

/* Train a little, save and log; evaluate what was saved: the same accuracy on the same test
 * images. */
static void
test_train_save_log_eval (void)
{
  g_autofree char *model = tmp_path ("tiny.ckpt");
  g_autofree char *log = tmp_path ("tiny.jsonl");
  g_autofree char *test_only = tmp_path ("test-only");
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  double trained, evaluated;
  CliResult r;

  r = run_cli ("mnist", "train", "--data", fixture, "--train-subset", "600", "--epochs", "1",
               "--batch", "32", "--save", model, "--log", log, NULL);
  if (exit_status (&r) != 0)
    g_error ("train failed:\n%s", r.err);
  g_assert_nonnull (strstr (r.err, "saved the model to"));
  trained = figure_after (r.err, "final ");
  cli_result_clear (&r);

  runs = nn_runlog_load (log, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 1);
  {
    const NnRunLog *run = g_ptr_array_index (runs, 0);
    const NnEpochRecord *e = &g_array_index (run->records, NnEpochRecord, 0);
    g_assert_true (run->has_recipe);
    g_assert_cmpuint (run->batch, ==, 32);
    g_assert_cmpuint (run->train_subset, ==, 600);
    g_assert_cmpuint (run->records->len, ==, 1);
    g_assert_cmpfloat_with_epsilon (100 * e->test_acc, trained, 0.006);
  }

  /* eval reads only the test set: a folder without the training files is enough. */
  g_assert_cmpint (g_mkdir (test_only, 0700), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i ? "t10k-labels-idx1-ubyte.gz" : "t10k-images-idx3-ubyte.gz";
      g_autofree char *from = g_build_filename (fixture, name, NULL);
      g_autofree char *to = g_build_filename (test_only, name, NULL);
      g_assert_cmpint (symlink (from, to), ==, 0);
    }
  r = run_cli ("mnist", "eval", "--model", model, "--data", test_only, NULL);
  if (exit_status (&r) != 0)
    g_error ("eval failed:\n%s", r.err);
  evaluated = figure_after (r.out, "test accuracy ");
  g_assert_nonnull (strstr (r.out, "(1000 images)"));
  g_assert_cmpfloat (evaluated, ==, trained);
  cli_result_clear (&r);
}

/* The model the application carries (data/model) is a checkpoint like any other: eval reads
 * it, and on the fixture's 1,000 test images (MNIST's first 1,000) it does what its README
 * says a model at 99.52 % on the whole test set does: at least 99 %. */
static void
test_bundled_model_eval (void)
{
  g_autofree char *model = g_test_build_filename (G_TEST_DIST, "..", "data", "model",
                                                   "mnist-default.blckpt", NULL);
  CliResult r = run_cli ("mnist", "eval", "--model", model, "--data", fixture, NULL);

  if (exit_status (&r) != 0)
    g_error ("eval of the bundled model failed:\n%s", r.err);
  g_assert_nonnull (strstr (r.out, "(1000 images)"));
  g_assert_cmpfloat (figure_after (r.out, "test accuracy "), >=, 99.0);
  cli_result_clear (&r);
}

/* Every bad value is refused with status 2 and a message naming the option; none falls back
 * to a default ("-1 means unset" made --epochs -1 train 20 epochs, NaN --lr the default). */
static void
test_bad_values_refused (void)
{
  static const char *cases[][3] = {
    { "--epochs", "-1", "--epochs" },
    { "--epochs", "0", "between 1 and 1000" },
    { "--epochs", "1.5", "whole number" },
    { "--batch", "-5", "--batch" },
    { "--batch", "5000", "between 1 and 4096" },
    { "--lr", "nan", "--lr" },
    { "--lr", "-0.1", "greater than 0" },
    { "--lr", "1e999", "--lr" },
    { "--momentum", "-1", "--momentum" },
    { "--momentum", "nan", "--momentum" },
    { "--weight-decay", "-1", "--weight-decay" },
    { "--rotate", "-7", "--rotate" },
    { "--rotate", "inf", "--rotate" },
    { "--shift", "-1", "--shift" },
    { "--shift", "15", "between 0 and 14 pixels" },
    { "--shift", "nan", "--shift" },
    { "--dropout", "1", "below 1" },
    { "--dropout", "-0.1", "--dropout" },
    { "--upright-last", "-1", "from 0 to the number of epochs" },
    { "--upright-last", "21", "--upright-last" },
    { "--threads", "-1", "--threads" },
    { "--threads", "0", "between 1 and 64" },
    { "--seed", "-1", "--seed" },
    { "--seed", "18446744073709551616", "--seed" },
    { "--train-subset", "-1", "--train-subset" },
    { "--test-subset", "-2", "--test-subset" },
    { "--schedule", "sometimes", "--schedule" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CliResult r = run_cli ("mnist", "train", "--data", fixture, "--train-subset", "64",
                             cases[i][0], cases[i][1], NULL);
      if (exit_status (&r) != 2 || strstr (r.err, cases[i][2]) == NULL
          || strstr (r.err, "Training on") != NULL)
        g_error ("%s %s: status %d, “%s”", cases[i][0], cases[i][1], exit_status (&r), r.err);
      cli_result_clear (&r);
    }
  {
    CliResult r = run_cli ("mnist", "eval", "--model", "m", "--data", fixture, "--threads",
                           "-3", NULL);
    g_assert_cmpint (exit_status (&r), ==, 2);
    g_assert_nonnull (strstr (r.err, "--threads"));
    cli_result_clear (&r);
    r = run_cli ("mnist", "train", "--data", fixture, "stray", NULL);
    g_assert_cmpint (exit_status (&r), ==, 2);
    cli_result_clear (&r);
    /* What the statuses mean is in the help. */
    r = run_cli ("mnist", "train", "--help", NULL);
    g_assert_cmpint (exit_status (&r), ==, 0);
    g_assert_nonnull (strstr (r.out, "Exit status"));
    cli_result_clear (&r);
  }
}

/* FIFOs and devices: never waited on, never replaced by a regular file. */
static void
test_special_files (void)
{
  g_autofree char *fifo = tmp_path ("fifo");
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-folder", "m.ckpt", NULL);
  CliResult r;
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  r = run_cli ("mnist", "eval", "--model", fifo, "--data", fixture, NULL);
  g_assert_cmpint (exit_status (&r), ==, 1);
  g_assert_nonnull (strstr (r.err, "named pipe"));
  cli_result_clear (&r);
  r = run_cli ("mnist", "eval", "--model", "/dev/zero", "--data", fixture, NULL);
  g_assert_cmpint (exit_status (&r), ==, 1);
  g_assert_nonnull (strstr (r.err, "character device"));
  cli_result_clear (&r);
  /* Destinations are checked before training: no epoch runs. */
  for (guint i = 0; i < 4; i++)
    {
      const char *option = i == 1 ? "--log" : "--save";
      const char *dest = i < 2 ? fifo : i == 2 ? missing : tmpdir;
      r = run_cli ("mnist", "train", "--data", fixture, "--train-subset", "64", "--epochs", "1",
                   option, dest, NULL);
      if (exit_status (&r) != 1 || strstr (r.err, option) == NULL || strstr (r.err, "epoch  1"))
        g_error ("%s %s: status %d, “%s”", option, dest, exit_status (&r), r.err);
      cli_result_clear (&r);
    }
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_unlink (fifo);
}

/* Rewrites the checksum at the end of a checkpoint's bytes. */
static void
reseal (char *contents, gsize len)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize dl = 32;

  g_checksum_update (sum, (guint8 *) contents, len - 32);
  g_checksum_get_digest (sum, (guint8 *) contents + len - 32, &dl);
  g_checksum_free (sum);
}

/* A diverged run overwrote a good checkpoint with NaN; a NaN checkpoint with a valid checksum
 * evaluated with status 0. */
static void
test_non_finite_models (void)
{
  g_autofree char *model = tmp_path ("good.ckpt");
  g_autofree char *nan_model = tmp_path ("nan.ckpt");
  g_autofree char *before = NULL, *after = NULL, *contents = NULL;
  gsize len_before, len_after, len;
  CliResult r;

  r = run_cli ("mnist", "train", "--data", fixture, "--train-subset", "128", "--test-subset",
               "100", "--epochs", "1", "--dropout", "0.05", "--save", model, NULL);
  g_assert_cmpint (exit_status (&r), ==, 0);
  cli_result_clear (&r);
  g_assert_true (g_file_get_contents (model, &before, &len_before, NULL));
  /* The model saved drops at the rate it trained with. */
  {
    NnModel *m = nn_model_new (1, 1, 1, NULL);
    g_assert_true (nn_checkpoint_load (m, model, NULL, NULL));
    g_assert_cmpfloat (nn_model_get_dropout (m), ==, 0.05f);
    nn_model_free (m);
  }
  /* Measured: this recipe's loss stops being finite at step 6, in the second epoch. */
  r = run_cli ("mnist", "train", "--data", fixture, "--train-subset", "512", "--test-subset",
               "100", "--epochs", "3", "--plain", "--lr", "10", "--momentum", "0.99",
               "--weight-decay", "1", "--save", model, NULL);
  g_assert_cmpint (exit_status (&r), ==, 1);
  g_assert_nonnull (strstr (r.err, "diverged"));
  g_assert_nonnull (strstr (r.err, "not saved"));
  cli_result_clear (&r);
  g_assert_true (g_file_get_contents (model, &after, &len_after, NULL));
  g_assert_cmpmem (before, len_before, after, len_after);

  /* Every weight of conv1 made NaN, the checksum made right again. */
  {
    NnModel *m = nn_model_new (1, 1, 1, NULL);
    g_autoptr(GArray) tensors = nn_model_tensors (m);
    const NnTensorView *w = &g_array_index (tensors, NnTensorView, 0);
    for (gsize k = 0; k < w->size; k++)
      w->data[k] = 4242.0f;
    g_assert_true (nn_checkpoint_save (m, nan_model, NULL, NULL));
    nn_model_free (m);
  }
  g_assert_true (g_file_get_contents (nan_model, &contents, &len, NULL));
  for (gsize at = 0; at + 4 <= len - 32; at++)
    {
      float f;
      memcpy (&f, contents + at, 4);
      if (f == 4242.0f)
        {
          f = NAN;
          memcpy (contents + at, &f, 4);
        }
    }
  reseal (contents, len);
  g_assert_true (g_file_set_contents (nan_model, contents, len, NULL));
  r = run_cli ("mnist", "eval", "--model", nan_model, "--data", fixture, NULL);
  g_assert_cmpint (exit_status (&r), ==, 1);
  g_assert_nonnull (strstr (r.err, "NaN"));
  cli_result_clear (&r);
}

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { GPOINTER_TO_UINT (data), GPOINTER_TO_UINT (data) };

  /* A full disk for the log: writes past the limit fail (EFBIG) instead of killing. */
  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}

/* --log on a full disk exited 0 with an empty log. */
static void
test_log_on_full_disk (void)
{
  g_autofree char *log = tmp_path ("full.jsonl");
  const char *argv[] = { cli_program (), "mnist", "train", "--data", fixture, "--train-subset",
                         "128", "--test-subset", "100", "--epochs", "2", "--log", log, NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  /* Room for the recipe line (~170 bytes), not for an epoch (~600). */
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, limit_file_size,
                GUINT_TO_POINTER (400), &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) != 1 || strstr (err, "log") == NULL)
    g_error ("status %d, “%s”", WEXITSTATUS (status), err);
  g_assert_nonnull (strstr (err, "epoch  2"));   /* training went on */
  {
    /* What was written is whole: the recipe, no half line. */
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (log, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "{\"run\":"));
    g_assert_cmpuint (strlen (text), ==, strchr (text, '\n') - text + 1);
  }
}

/* Starts a training, waits for its first epoch on stderr, does @meanwhile, then Ctrl-C. */
static int
train_then_interrupt (const char *const *args, void (*meanwhile) (gpointer), gpointer data,
                      char **err_out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean interrupted = FALSE;
  GPid pid;
  int err_fd, status;
  char buf[4096];
  gssize n;

  g_ptr_array_add (argv, (char *) cli_program ());
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                           NULL, NULL, &pid, NULL, NULL, &err_fd, &error));
  g_assert_no_error (error);
  while ((n = read (err_fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      g_string_append_len (err, buf, n);
      if (!interrupted && strstr (err->str, "epoch  1"))
        {
          meanwhile (data);
          g_assert_cmpint (kill (pid, SIGINT), ==, 0);
          interrupted = TRUE;
        }
    }
  close (err_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (interrupted);
  *err_out = g_string_free (g_steal_pointer (&err), FALSE);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
remove_folder (gpointer data)
{
  g_assert_cmpint (g_rmdir (data), ==, 0);
}

/* A destination that fails only after training (its folder removed meanwhile) threw the
 * trained model away: it is saved in the user's data folder instead, and that is said. */
static void
test_model_rescued (void)
{
  g_autofree char *folder = tmp_path ("goes-away");
  g_autofree char *model = g_build_filename (folder, "m.ckpt", NULL);
  g_autofree char *err = NULL, *rescued = NULL;
  /* 1,000 epochs: far more than run before Ctrl-C arrives. */
  const char *args[] = { "mnist", "train", "--data", fixture, "--train-subset", "64",
                         "--test-subset", "64", "--epochs", "1000", "--save", model, NULL };
  const char *at;
  NnModel *m;
  int status;

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  status = train_then_interrupt (args, remove_folder, folder, &err);
  g_assert_cmpint (status, ==, 130);
  at = strstr (err, "The model was saved to ");
  if (at == NULL)
    g_error ("not rescued: %s", err);
  rescued = g_strndup (at + strlen ("The model was saved to "),
                       strcspn (at + strlen ("The model was saved to "), " \n"));
  g_assert_true (g_str_has_prefix (rescued, g_get_user_data_dir ()));
  m = nn_model_new (1, 1, 1, NULL);
  g_assert_true (nn_checkpoint_load (m, rescued, NULL, NULL));
  nn_model_free (m);
  g_unlink (rescued);
}

/* A save killed with -9 left its temporary file beside the model: the next save removes it. */
static void
test_stale_temp_removed (void)
{
  g_autofree char *model = tmp_path ("again.ckpt");
  g_autofree char *stale = tmp_path (".again.ckpt.Ab12Cd.tmp");
  CliResult r;

  g_assert_true (g_file_set_contents (stale, "half a model", -1, NULL));
  r = run_cli ("mnist", "train", "--data", fixture, "--train-subset", "64", "--test-subset",
               "64", "--epochs", "1", "--save", model, NULL);
  g_assert_cmpint (exit_status (&r), ==, 0);
  cli_result_clear (&r);
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
}

int
main (int argc, char **argv)
{
  const char *homes[][2] = { { "HOME", "home" }, { "XDG_DATA_HOME", "data" },
                             { "XDG_CONFIG_HOME", "config" }, { "XDG_CACHE_HOME", "cache" } };
  int status;

  g_test_init (&argc, &argv, NULL);
  cli_program ();   /* asserts BL_CLI is set */
  fixture = g_getenv ("BL_TEST_MNIST_FIXTURE");
  g_assert_nonnull (fixture);
  tmpdir = g_dir_make_tmp ("bl-cli-mnist-XXXXXX", NULL);
  /* The program run here finds no folder of the user's: only these. */
  for (guint i = 0; i < G_N_ELEMENTS (homes); i++)
    {
      g_autofree char *dir = g_build_filename (tmpdir, homes[i][1], NULL);
      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      g_setenv (homes[i][0], dir, TRUE);
    }
  g_test_add_func ("/cli/mnist/summary", test_summary);
  g_test_add_func ("/cli/mnist/train-save-log-eval", test_train_save_log_eval);
  g_test_add_func ("/cli/mnist/bundled-model-eval", test_bundled_model_eval);
  g_test_add_func ("/cli/mnist/bad-values-refused", test_bad_values_refused);
  g_test_add_func ("/cli/mnist/special-files", test_special_files);
  g_test_add_func ("/cli/mnist/non-finite-models", test_non_finite_models);
  g_test_add_func ("/cli/mnist/log-on-full-disk", test_log_on_full_disk);
  g_test_add_func ("/cli/mnist/model-rescued", test_model_rescued);
  g_test_add_func ("/cli/mnist/stale-temp-removed", test_stale_temp_removed);
  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      g_printerr ("could not remove %s\n", tmpdir);
  }
  return status;
}
