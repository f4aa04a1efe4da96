/* test-old-cpu.c: the CLI on a CPU without AVX. backprop-lab-cli runs under qemu-user
 * emulating a Nehalem (SSE4.2, no AVX): `mnist summary` and a tiny `mnist train` on synthetic
 * IDX data written here (the quick recipe, cut to one epoch) must pick the portable kernels and
 * finish (before run-time dispatch, the AVX-512 build died with SIGILL), give the same epoch
 * line as the native portable run, and refuse kernels the CPU lacks with a message, not a
 * crash.
 *
 * $BL_CLI is the CLI; qemu-x86_64 comes from Debian's qemu-user (tools/deps.sh test). */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#define OLD_CPU "Nehalem"
#define N_TRAIN 32
#define N_TEST 16

typedef struct {
  int   status;
  char *out, *err;
} Run;

/* argv after the program: under qemu-x86_64 -cpu Nehalem if @emulated, else natively; @env
 * (NULL-terminated "NAME=value" pairs, may be NULL) added to the environment. */
static Run
run (gboolean emulated, const char *const *env, const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  Run r = { -1, NULL, NULL };
  va_list ap;

  if (emulated)
    {
      const char *qemu = g_getenv ("BL_QEMU_X86_64");
      g_autofree char *found = qemu ? NULL : g_find_program_in_path ("qemu-x86_64");
      if (qemu == NULL && found == NULL)
        g_error ("qemu-x86_64 not found: install Debian's qemu-user (tools/deps.sh test)");
      g_ptr_array_add (argv, g_strdup (qemu ? qemu : found));
      g_ptr_array_add (argv, g_strdup ("-cpu"));
      g_ptr_array_add (argv, g_strdup (OLD_CPU));
    }
  g_ptr_array_add (argv, g_strdup (g_getenv ("BL_CLI")));
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  envp = g_environ_unsetenv (envp, "BL_CPU");
  for (guint i = 0; env && env[i]; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);
      envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
    }
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                &r.status, &error);
  g_assert_no_error (error);
  g_ptr_array_set_free_func (argv, g_free);
  return r;
}

static void
run_clear (Run *r)
{
  g_free (r->out);
  g_free (r->err);
}

static void
assert_exited (const Run *r, int code)
{
  if (!WIFEXITED (r->status) || WEXITSTATUS (r->status) != code)
    g_error ("expected exit status %d, got %s %d\nstdout:\n%s\nstderr:\n%s", code,
             WIFSIGNALED (r->status) ? "signal" : "status",
             WIFSIGNALED (r->status) ? WTERMSIG (r->status) : WEXITSTATUS (r->status), r->out,
             r->err);
}

static void
test_summary (void)
{
  Run r = run (TRUE, NULL, "mnist", "summary", NULL);

  assert_exited (&r, 0);
  g_assert_nonnull (strstr (r.out, "18,820"));
  g_assert_nonnull (strstr (r.out, "CPU kernels: portable (this CPU runs: portable)"));
  run_clear (&r);
}

/* Kernels the CPU lacks, asked for by option or environment: a message and status 1. */
static void
test_refuses_missing_instructions (void)
{
  static const char *const env[] = { "BL_CPU=avx512", NULL };
  Run r = run (TRUE, NULL, "mnist", "summary", "--cpu", "avx2", NULL);

  assert_exited (&r, 1);
  g_assert_nonnull (strstr (r.err, "cannot run the avx2 kernels"));
  run_clear (&r);
  r = run (TRUE, env, "mnist", "summary", NULL);
  assert_exited (&r, 1);
  g_assert_nonnull (strstr (r.err, "BL_CPU"));
  g_assert_nonnull (strstr (r.err, "avx512"));
  run_clear (&r);
}

/* An IDX file: magic (0, 0, 8 = unsigned bytes, n_dims), big-endian sizes, then the bytes. */
static void
write_idx (const char *dir, const char *name, const guint32 *dims, guint n_dims,
           const guint8 *data, gsize size)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  guint8 magic[4] = { 0, 0, 8, (guint8) n_dims };

  g_byte_array_append (b, magic, 4);
  for (guint i = 0; i < n_dims; i++)
    {
      guint32 be = GUINT32_TO_BE (dims[i]);
      g_byte_array_append (b, (const guint8 *) &be, 4);
    }
  g_byte_array_append (b, data, (guint) size);
  g_file_set_contents (path, (const char *) b->data, b->len, &error);
  g_assert_no_error (error);
}

/* n synthetic 28×28 digits: class k is a bright bar at column 2 + 2k, on faint speckle. */
static void
write_split (const char *dir, const char *images, const char *labels, guint n, guint salt)
{
  guint8 *img = g_new0 (guint8, (gsize) n * 784), *lab = g_new (guint8, n);
  const guint32 idims[3] = { n, 28, 28 }, ldims[1] = { n };

  for (guint i = 0; i < n; i++)
    {
      lab[i] = (guint8) ((i * 7 + salt) % 10);
      for (guint p = 0; p < 784; p++)
        {
          guint col = p % 28, h = (i * 2654435761u) ^ (p * 40503u + salt);
          img[i * 784 + p] = (col >= 2u + 2u * lab[i] && col < 6u + 2u * lab[i] && p / 28 > 4
                              && p / 28 < 24) ? 200 + h % 56 : h % 23;
        }
    }
  write_idx (dir, images, idims, 3, img, (gsize) n * 784);
  write_idx (dir, labels, ldims, 1, lab, n);
  g_free (img);
  g_free (lab);
}

/* The "epoch  1 …" line without its time. */
static char *
epoch_line (const char *err)
{
  const char *at = strstr (err, "epoch  1 ");
  const char *end;

  g_assert_nonnull (at);
  end = strstr (at, "  lr ");
  g_assert_nonnull (end);
  return g_strndup (at, end - at);
}

static void
test_tiny_train (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bl-old-cpu-XXXXXX", &error);
  g_autofree char *emulated_line = NULL, *native_line = NULL;
  Run r;

  g_assert_no_error (error);
  write_split (dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte", N_TRAIN, 1);
  write_split (dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", N_TEST, 2);
  r = run (TRUE, NULL, "mnist", "train", "--data", dir, "--quick", "--epochs", "1", "--batch",
           "16", "--threads", "2", NULL);
  assert_exited (&r, 0);
  emulated_line = epoch_line (r.err);
  run_clear (&r);
  /* The same portable kernels natively: the same run. */
  r = run (FALSE, NULL, "mnist", "train", "--data", dir, "--quick", "--epochs", "1", "--batch",
           "16", "--threads", "1", "--cpu", "portable", NULL);
  assert_exited (&r, 0);
  native_line = epoch_line (r.err);
  run_clear (&r);
  g_test_message ("under qemu -cpu " OLD_CPU ": %s", emulated_line);
  g_assert_cmpstr (emulated_line, ==, native_line);

  for (guint i = 0; i < 4; i++)
    {
      static const char *const names[] = { "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                                           "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte" };
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("BL_CLI"));
  g_test_add_func ("/cpu/old-cpu/summary", test_summary);
  g_test_add_func ("/cpu/old-cpu/refuses-missing-instructions", test_refuses_missing_instructions);
  g_test_add_func ("/cpu/old-cpu/tiny-train", test_tiny_train);
  return g_test_run ();
}
