/* test-sweep.c: a sweep as docs/sweeps.md runs one, end to end: two tiny runs of
 * backprop-lab-cli trained side by side by GNU parallel, each writing its own log into one
 * folder; the folder listed by `mnist logs`, and imported whole into the window's Compare
 * Rates (BlLrCompare), which overlays both runs. Then tools/sweep.sbatch, the Slurm job array's
 * script, run for two of its tasks as Slurm would run them (SLURM_ARRAY_TASK_ID set). */
#include <glib.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <string.h>
#include <sys/wait.h>

#include "mnist/bl-lr-compare.h"
#include "nn-runlog.h"
#include "test-app-env.h"
#include "test-utils.h"

static const char *cli, *fixture;
static char *tmpdir;

/* The options that make a run tiny (a second or two): the same for both ways of sweeping. */
#define TINY "--epochs", "1", "--train-subset", "300", "--test-subset", "200", "--threads", "1"

static void
spawn_ok (const char *const *argv, const char *cwd, const char *const *env, char **out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (cwd, (char **) argv, (char **) env, G_SPAWN_SEARCH_PATH, NULL, NULL, out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed:\n%s", argv[0], err);
}

static gboolean
import_done (gpointer compare)
{
  return !bl_lr_compare_get_importing (compare);
}

static void
test_parallel_sweep (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "sweep", NULL);
  g_autofree char *parallel = g_find_program_in_path ("parallel");
  g_autofree char *csv = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GtkWidget *window, *compare;
  gboolean is_error = TRUE;
  const char *message;

  if (parallel == NULL)
    g_error ("GNU parallel is not installed: tools/deps.sh test installs it (Debian's parallel)");
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  {
    /* As docs/sweeps.md shows it, with two rates and the tiny options. */
    const char *argv[] = { parallel, "--will-cite", "--halt", "now,fail=1", "-j", "2",
                           cli, "mnist", "train", "--data", fixture, TINY,
                           "--lr", "{}", "--log", "sweep/lr-{}.jsonl", ":::", "0.01", "0.1",
                           NULL };
    spawn_ok (argv, tmpdir, NULL, NULL);
  }

  /* Both logs are there, one run each, each with its own rate. (Which comes first is the
   * folder's name order: numbers compared as numbers put lr-0.1 before lr-0.01.) */
  files = nn_runlog_load_dir (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const NnRunLogFile *f = g_ptr_array_index (files, i);
      const NnRunLog *log;

      g_assert_no_error (f->error);
      g_assert_cmpuint (f->runs->len, ==, 1);
      log = g_ptr_array_index (f->runs, 0);
      g_assert_cmpfloat (log->lr, ==, (g_str_equal (f->name, "lr-0.01.jsonl") ? 0.01 : 0.1));
      g_assert_true (g_str_equal (f->name, "lr-0.01.jsonl") || g_str_equal (f->name, "lr-0.1.jsonl"));
      g_assert_cmpuint (log->records->len, ==, 1);
      g_assert_cmpfloat (g_array_index (log->records, NnEpochRecord, 0).test_acc, >, 0.1);
    }

  /* The CLI lists the folder as CSV, one line per run. */
  {
    const char *argv[] = { cli, "mnist", "logs", "--csv", dir, NULL };
    spawn_ok (argv, tmpdir, NULL, &csv);
  }
  lines = g_strsplit (g_strstrip (csv), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_true (g_str_has_prefix (lines[0], "log,run,lr,schedule,epochs"));
  for (guint i = 1; i <= 2; i++)
    g_assert_true (g_str_has_prefix (lines[i], "lr-0.01.jsonl,1,0.01,onecycle,1,128,1,")
                   || g_str_has_prefix (lines[i], "lr-0.1.jsonl,1,0.1,onecycle,1,128,1,"));
  g_assert_cmpstr (lines[1], !=, lines[2]);

  /* The window imports the folder whole: two runs overlaid, and it says so. */
  window = gtk_window_new ();
  compare = bl_lr_compare_new ();
  gtk_window_set_child (GTK_WINDOW (window), compare);
  gtk_window_present (GTK_WINDOW (window));
  bl_lr_compare_import (BL_LR_COMPARE (compare), dir);
  g_assert_true (bl_lr_compare_get_importing (BL_LR_COMPARE (compare)));
  g_assert_true (bl_test_iterate_until (import_done, compare, 30));
  g_assert_cmpuint (bl_lr_compare_get_n_runs (BL_LR_COMPARE (compare)), ==, 2);
  message = bl_lr_compare_get_message (BL_LR_COMPARE (compare), &is_error);
  g_assert_nonnull (strstr (message, "2 runs imported from sweep"));
  g_assert_false (is_error);

  /* A damaged log among them: the others still come, and the damage is named. */
  {
    g_autofree char *bad = g_build_filename (dir, "lr-0.5.jsonl", NULL);
    g_assert_true (g_file_set_contents (bad, "{\"epoch\":1,\"test_acc\":2}\n", -1, NULL));
    bl_lr_compare_clear (BL_LR_COMPARE (compare));
    bl_lr_compare_import (BL_LR_COMPARE (compare), dir);
    g_assert_true (bl_test_iterate_until (import_done, compare, 30));
    g_assert_cmpuint (bl_lr_compare_get_n_runs (BL_LR_COMPARE (compare)), ==, 2);
    message = bl_lr_compare_get_message (BL_LR_COMPARE (compare), &is_error);
    g_assert_nonnull (strstr (message, "1 log could not be read"));
    g_assert_nonnull (strstr (message, "lr-0.5.jsonl"));
    g_assert_true (is_error);
    /* The CLI lists the two and names the third on stderr, exit status 1. */
    {
      const char *argv[] = { cli, "mnist", "logs", dir, NULL };
      g_autofree char *out = NULL, *err = NULL;
      int status = 0;

      g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
      g_assert_nonnull (strstr (out, "lr-0.01.jsonl"));
      g_assert_nonnull (strstr (out, "lr-0.1.jsonl"));
      g_assert_null (strstr (out, "lr-0.5.jsonl"));
      g_assert_nonnull (strstr (err, "lr-0.5.jsonl"));
    }
    g_unlink (bad);
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

/* tools/sweep.sbatch as two tasks of its array: task 0 is rate 0.01 with seed 1, task 4 rate
 * 0.05 with seed 2; a task outside the array is refused. */
static void
test_slurm_script (void)
{
  const char *script = g_getenv ("BL_SWEEP_SBATCH");
  g_autofree char *cli_env = g_strdup_printf ("BACKPROP_LAB_CLI=%s", cli);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "slurm", NULL);
  g_autofree char *sweep = g_build_filename (dir, "sweep", NULL);
  static const char *const tasks[] = { "0", "4" };

  g_assert_nonnull (script);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autofree char *task_env = g_strdup_printf ("SLURM_ARRAY_TASK_ID=%s", tasks[i]);
      g_autofree char *path_env = g_strdup_printf ("PATH=%s", g_getenv ("PATH"));
      const char *env[] = { task_env, "SLURM_CPUS_PER_TASK=1", cli_env, path_env,
                            "LC_ALL=C.UTF-8", NULL };
      const char *argv[] = { "bash", script, "--data", fixture, "--epochs", "1",
                             "--train-subset", "300", "--test-subset", "200", NULL };
      spawn_ok (argv, dir, env, NULL);
    }
  files = nn_runlog_load_dir (sweep, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (files->len, ==, 2);
  g_assert_cmpstr (((NnRunLogFile *) files->pdata[0])->name, ==, "lr-0.01-seed-1.jsonl");
  g_assert_cmpstr (((NnRunLogFile *) files->pdata[1])->name, ==, "lr-0.05-seed-2.jsonl");
  for (guint i = 0; i < 2; i++)
    {
      const NnRunLogFile *f = g_ptr_array_index (files, i);
      const NnRunLog *log;

      g_assert_no_error (f->error);
      log = g_ptr_array_index (f->runs, 0);
      g_assert_cmpuint (log->seed, ==, i + 1);
      g_assert_cmpfloat (log->lr, ==, (i == 0 ? 0.01 : 0.05));
    }
  {
    const char *env[] = { "SLURM_ARRAY_TASK_ID=9", cli_env, NULL };
    const char *argv[] = { "/bin/bash", script, NULL };
    int status = 0;
    g_autofree char *err = NULL;

    g_spawn_sync (dir, (char **) argv, (char **) env, 0, NULL, NULL, NULL, &err, &status,
                  &error);
    g_assert_no_error (error);
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "outside the array 0-8"));
  }
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  int status;

  bl_test_isolate_dirs ();
  gtk_test_init (&argc, &argv, NULL);
  bl_test_init_display ();
  cli = g_getenv ("BL_CLI");
  fixture = g_getenv ("BL_TEST_MNIST_FIXTURE");
  g_assert_nonnull (cli);
  g_assert_nonnull (fixture);
  tmpdir = g_dir_make_tmp ("bl-sweep-XXXXXX", NULL);
  g_test_add_func ("/app/sweep/gnu-parallel", test_parallel_sweep);
  g_test_add_func ("/app/sweep/slurm-array-script", test_slurm_script);
  status = g_test_run ();
  remove_tree (tmpdir);
  g_free (tmpdir);
  return status;
}
