/* cli-logs.c: `backprop-lab-cli mnist logs PATH…`: the runs of a sweep, one line each.
 *
 * A sweep on a cluster (docs/sweeps.md) leaves a folder of --log files on a machine with no
 * window; this reads them as the window's Import does (nn-runlog.h) and prints each run's
 * recipe and its final and best test accuracy, as a table or as CSV for a spreadsheet. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nn-runlog.h"

#define PROG "backprop-lab-cli mnist logs"

/* The table's columns, in characters (negative: left-aligned). */
static const int column_widths[] = { -28, 4, 9, -9, 6, 5, 6, 8, 8, 5 };

typedef struct {
  gboolean csv;
  guint    n_runs;
  int      widths[G_N_ELEMENTS (column_widths)];   /* widened to fit the headings */
} Listing;

/* printf's widths count bytes; a column of "épocas" or a file named "época-2.jsonl" needs
 * characters. Negative @width: left-aligned. */
static void
print_cell (const char *text, int width)
{
  int pad = MAX (0, ABS (width) - (int) g_utf8_strlen (text, -1));

  if (width > 0)
    printf ("%*s%s", pad, "", text);
  else
    printf ("%s%*s", text, pad, "");
}

static void
print_row (const Listing *l, const char *const *cells)
{
  for (guint i = 0; i < G_N_ELEMENTS (column_widths); i++)
    {
      if (i > 0)
        putchar (' ');
      print_cell (cells[i], l->widths[i]);
    }
  putchar ('\n');
}

static void
print_header (Listing *l)
{
  /* TRANSLATORS: the headings of the table of runs: log file, run within it, learning
   * rate, schedule, epochs, batch size, seed, final and best test accuracy, best's epoch. */
  const char *headings[] = {
    C_("logs column", "log"), C_("logs column", "run"), C_("logs column", "rate"),
    C_("logs column", "schedule"), C_("logs column", "epochs"), C_("logs column", "batch"),
    C_("logs column", "seed"), C_("logs column", "final"), C_("logs column", "best"),
    C_("logs column", "at")
  };

  if (l->csv)
    {
      puts ("log,run,lr,schedule,epochs,batch,seed,final_test_acc,best_test_acc,best_epoch");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    {
      int w = MAX (ABS (column_widths[i]), (int) g_utf8_strlen (headings[i], -1));
      l->widths[i] = column_widths[i] < 0 ? -w : w;
    }
  print_row (l, headings);
}

static void
print_run (Listing *l, const char *name, guint index, const NnRunLog *log)
{
  const GArray *r = log->records;
  const NnEpochRecord *last = &g_array_index (r, NnEpochRecord, r->len - 1);
  guint best = 0;
  char lr[G_ASCII_DTOSTR_BUF_SIZE];
  const char *schedule = log->schedule ? log->schedule : "?";
  /* A log without its recipe still has each epoch's rate. */
  double rate = log->has_recipe ? log->lr : g_array_index (r, NnEpochRecord, 0).lr;

  if (l->n_runs == 0)   /* the header only above runs: a listing of nothing is just errors */
    print_header (l);

  for (guint e = 1; e < r->len; e++)
    if (g_array_index (r, NnEpochRecord, e).test_acc
        > g_array_index (r, NnEpochRecord, best).test_acc)
      best = e;
  g_ascii_formatd (lr, sizeof lr, "%g", rate);
  if (l->csv)
    {
      g_autofree char *quoted = NULL;
      char a[2][G_ASCII_DTOSTR_BUF_SIZE];

      /* Names with a comma or quote are quoted, as RFC 4180 says. */
      if (strpbrk (name, ",\"\n"))
        {
          g_auto(GStrv) parts = g_strsplit (name, "\"", -1);
          g_autofree char *doubled = g_strjoinv ("\"\"", parts);
          quoted = g_strdup_printf ("\"%s\"", doubled);
        }
      printf ("%s,%u,%s,%s,%u,%u,%" G_GUINT64_FORMAT ",%s,%s,%u\n", quoted ? quoted : name,
              index + 1, lr, schedule, r->len, log->batch, log->seed,
              g_ascii_formatd (a[0], sizeof a[0], "%.6f", last->test_acc),
              g_ascii_formatd (a[1], sizeof a[1], "%.6f",
                               g_array_index (r, NnEpochRecord, best).test_acc),
              g_array_index (r, NnEpochRecord, best).epoch);
    }
  else
    {
      g_autofree char *run = g_strdup_printf ("%u", index + 1);
      g_autofree char *epochs = g_strdup_printf ("%u", r->len);
      g_autofree char *batch = g_strdup_printf ("%u", log->batch);
      g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, log->seed);
      g_autofree char *final = g_strdup_printf ("%.2f%%", 100 * last->test_acc);
      g_autofree char *top = g_strdup_printf ("%.2f%%", 100 * g_array_index (r, NnEpochRecord,
                                                                            best).test_acc);
      g_autofree char *at = g_strdup_printf ("%u", g_array_index (r, NnEpochRecord, best).epoch);
      const char *cells[] = { name, run, lr, schedule, epochs, batch, seed, final, top, at };

      print_row (l, cells);
    }  l->n_runs++;
}

static void
print_runs (Listing *l, const char *name, const GPtrArray *runs)
{
  for (guint i = 0; i < runs->len; i++)
    print_run (l, name, i, g_ptr_array_index (runs, i));
}

/* One path, a log or a folder of logs; FALSE when any of it could not be read (said on
 * stderr: the rest is still listed). */
static gboolean
list_path (Listing *l, const char *path)
{
  g_autoptr(GError) error = NULL;
  gboolean all_read = TRUE;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GPtrArray) files = nn_runlog_load_dir (path, NULL, &error);

      if (files == NULL)
        {
          fprintf (stderr, PROG ": %s\n", error->message);
          return FALSE;
        }
      for (guint i = 0; i < files->len; i++)
        {
          const NnRunLogFile *f = g_ptr_array_index (files, i);
          if (f->runs)
            print_runs (l, f->name, f->runs);
          else
            {
              fprintf (stderr, PROG ": %s\n", f->error->message);
              all_read = FALSE;
            }
        }
    }
  else
    {
      g_autoptr(GPtrArray) runs = nn_runlog_load (path, &error);
      g_autofree char *name = g_filename_display_basename (path);

      if (runs == NULL)
        {
          fprintf (stderr, PROG ": %s\n", error->message);
          return FALSE;
        }
      print_runs (l, name, runs);
    }
  return all_read;
}

int
bl_cli_mnist_logs (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (_("LOG-OR-FOLDER…"));
  g_autoptr(GError) error = NULL;
  Listing listing = { 0 };
  gboolean all_read = TRUE;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &listing.csv,
      N_("Comma-separated values (accuracies as fractions), for a spreadsheet"), NULL },
    { NULL }
  };

  g_option_context_set_summary (ctx, _("Lists the runs in training logs (mnist train --log) or "
                                       "in folders of them (a sweep), with each run's final "
                                       "and best test accuracy."));
  g_option_context_set_description (ctx, _("Exit status: 0 every log read; 1 a log or folder "
                                           "could not be read (the others are still listed); "
                                           "2 usage error."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, PROG ": %s\n", error->message);
      return 2;
    }
  if (argc < 2)
    {
      fprintf (stderr, _("%s: name at least one log or folder of logs\n"), PROG);
      return 2;
    }
  for (int i = 1; i < argc; i++)
    all_read &= list_path (&listing, argv[i]);
  return all_read ? 0 : 1;
}
