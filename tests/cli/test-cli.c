/* test-cli.c: backprop-lab-cli toy, run as a user would run it; usage errors are status 2. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "cli-run.h"


static guint
count_lines (const char *text)
{
  guint n = 0;
  for (const char *s = text; *s; s++)
    n += *s == '\n';
  return n;
}

static void
test_csv_defaults (void)
{
  CliResult r = run_cli ("toy", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) header = NULL;
  g_auto(GStrv) row0 = NULL;
  int e_col = -1;

  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  /* Six rates × 101 rows + the header. */
  g_assert_cmpuint (count_lines (r.out), ==, 1 + 6 * 101);
  lines = g_strsplit (r.out, "\n", 3);
  g_assert_true (g_str_has_prefix (lines[0], "lr,iteration,t1,t2,i1,i2,w1,w2,w3,w4,h1,a_h1,"));
  g_assert_true (g_str_has_suffix (lines[0], ",E1,E2,E_total,dE/dw1,dE/dw2,dE/dw3,dE/dw4,"
                                             "dE/dw5,dE/dw6,dE/dw7,dE/dw8"));
  header = g_strsplit (lines[0], ",", -1);
  row0 = g_strsplit (lines[1], ",", -1);
  for (int i = 0; header[i]; i++)
    if (g_str_equal (header[i], "E_total"))
      e_col = i;
  g_assert_cmpint (e_col, >, 0);
  g_assert_cmpstr (row0[0], ==, "0.10000000000000001");   /* %.17g */
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (row0[e_col], NULL), 0.2425198573, 5e-11);
  cli_result_clear (&r);
}

static void
test_with_biases_and_set (void)
{
  CliResult r = run_cli ("toy", "--preset", "with-biases", "--lr", "0.5", "--iterations", "1",
                         NULL);
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  g_assert_cmpuint (count_lines (r.out), ==, 3);
  g_assert_nonnull (strstr (r.out, ",b1,"));
  g_assert_nonnull (strstr (r.out, "dE/db2"));
  g_assert_nonnull (strstr (r.out, ",0.29837110876000"));   /* row 0 E_total */
  g_assert_nonnull (strstr (r.out, ",0.29102777369"));      /* row 1 E_total */
  cli_result_clear (&r);

  r = run_cli ("toy", "--set", "w1=0.3,i1=0.2", "--lr", "1", "--iterations", "0", NULL);
  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  lines = g_strsplit (r.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[1], "1,0,0.01,0.98999999999999999,0.20000000000000001,"
                                             "0.10000000000000001,0.29999999999999999,"));
  cli_result_clear (&r);
}

static void
test_json_and_xlsx_files (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-cli-XXXXXX", NULL);
  g_autofree char *json = g_build_filename (dir, "l.json", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "l.xlsx", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  CliResult r;

  r = run_cli ("toy", "--format", "json", "--iterations", "3", "--output", json, NULL);
  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  g_assert_true (g_file_get_contents (json, &text, &len, NULL));
  g_assert_true (g_str_has_prefix (text, "[\n{\"lr\":0.10000000000000001,\"iteration\":0,"));
  cli_result_clear (&r);

  r = run_cli ("toy", "--format", "xlsx", "--iterations", "50", "--output", xlsx, NULL);
  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (xlsx, &text, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (text[0] == 'P' && text[1] == 'K');   /* a zip container */
  cli_result_clear (&r);

  /* xlsx to standard output is refused. */
  r = run_cli ("toy", "--format", "xlsx", NULL);
  g_assert_false (g_spawn_check_wait_status (r.status, NULL));
  g_assert_nonnull (strstr (r.err, "--output"));
  cli_result_clear (&r);

  g_unlink (json);
  g_unlink (xlsx);
  g_rmdir (dir);
}

static void
test_bad_input_refused (void)
{
  static const char *cases[][2] = {
    { "--lr", "-1" },
    { "--lr", "0" },
    { "--lr", "abc" },
    { "--set", "w9=1" },
    { "--set", "w1=1e400" },
    { "--set", "w1=1000,i1=1000" },
    { "--preset", "nonsense" },
    { "--format", "pdf" },
    { "--iterations", "-5" },
    /* Up to ~4.29 billion were taken: 1e9 ran 190 s into 8.28 GB and an abort. */
    { "--iterations", "100001" },
    { "--iterations", "1000000000" },
    { "--iterations", "1e3" },
    { "--lr", "nan" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      CliResult r = run_cli ("toy", cases[i][0], cases[i][1], NULL);
      /* A usage error, as for every command: status 2. */
      g_assert_true (WIFEXITED (r.status));
      if (WEXITSTATUS (r.status) != 2)
        g_error ("%s %s: status %d", cases[i][0], cases[i][1], WEXITSTATUS (r.status));
      g_assert_cmpstr (r.out, ==, "");
      g_assert_true (g_str_has_prefix (r.err, "backprop-lab-cli toy: "));
      if (g_str_equal (cases[i][0], "--iterations"))
        g_assert_nonnull (strstr (r.err, "100000"));   /* the bound, and why */
      cli_result_clear (&r);
    }
  {
    CliResult r = run_cli ("frobnicate", NULL);
    g_assert_true (WIFEXITED (r.status));
    g_assert_cmpint (WEXITSTATUS (r.status), ==, 2);
    g_assert_nonnull (strstr (r.err, "frobnicate"));
    g_assert_nonnull (strstr (r.err, "Exit status"));   /* the usage says what statuses mean */
    cli_result_clear (&r);
  }
}

/* Column @name's index in a CSV header line. */
static int
csv_column (const char *header, const char *name)
{
  g_auto(GStrv) cells = g_strsplit (header, ",", -1);
  for (int i = 0; cells[i]; i++)
    if (g_str_equal (cells[i], name))
      return i;
  return -1;
}

static void
test_check (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-cli-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.csv", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.csv", NULL);
  g_autofree char *junk = g_build_filename (dir, "junk.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) cells = NULL;
  CliResult r;
  int col;

  r = run_cli ("toy", "--lr", "2", "--iterations", "5", "--output", good, NULL);
  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  cli_result_clear (&r);
  r = run_cli ("toy", "check", good, NULL);
  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  g_assert_nonnull (strstr (r.out, "good.csv: matches (1 sheet, 6 rows"));
  cli_result_clear (&r);

  /* ∂E/∂w4 of iteration 2 doubled: exit 1, that cell named with both values and a mistake
   * (and w4 of iteration 3, which the sheet computed from the old value). */
  g_assert_true (g_file_get_contents (good, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  col = csv_column (lines[0], "dE/dw4");
  g_assert_cmpint (col, >, 0);
  cells = g_strsplit (lines[3], ",", -1);
  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    double v = g_ascii_strtod (cells[col], NULL) * 2;
    g_free (cells[col]);
    cells[col] = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.17g", v));
    g_free (lines[3]);
    lines[3] = g_strjoinv (",", cells);
  }
  g_clear_pointer (&text, g_free);
  text = g_strjoinv ("\n", lines);
  g_assert_true (g_file_set_contents (bad, text, -1, NULL));
  r = run_cli ("toy", "check", "--all", good, bad, NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 1);
  g_assert_nonnull (strstr (r.out, "bad.csv: sheet “CSV”, row 4 (iteration 2), column dE/dw4"));
  g_assert_nonnull (strstr (r.out, "the ½ of the L2 loss is forgotten"));
  g_assert_nonnull (strstr (r.out, "2 cells disagree in all"));
  g_assert_nonnull (strstr (r.out, "the sheet has −0.00147130448"));
  g_assert_nonnull (strstr (r.out, "  CSV, row 5 (iteration 3), w4 (J5): "));
  cli_result_clear (&r);

  /* A file that cannot be read or mapped: exit 2, with the reason, the others still checked. */
  g_assert_true (g_file_set_contents (junk, "nothing,to,see\n1,2,3\n", -1, NULL));
  r = run_cli ("toy", "check", good, junk, "/nonexistent.xlsx", NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  g_assert_nonnull (strstr (r.out, "good.csv: matches"));
  g_assert_nonnull (strstr (r.out, "junk.csv: cannot check: "));
  g_assert_nonnull (strstr (r.out, "no row of headers"));
  g_assert_nonnull (strstr (r.out, "/nonexistent.xlsx: cannot check: "));
  cli_result_clear (&r);

  /* Usage errors: exit 2. */
  r = run_cli ("toy", "check", NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  cli_result_clear (&r);
  r = run_cli ("toy", "check", "--map", "nonsense", good, NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  g_assert_nonnull (strstr (r.err, "HEADER=COLUMN"));
  cli_result_clear (&r);
  r = run_cli ("toy", "check", "--activation", "softmax", good, NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  cli_result_clear (&r);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", dir);
    g_assert_cmpint (system (cmd), ==, 0);
  }
}

static void
test_activation_and_order (void)
{
  CliResult r = run_cli ("toy", "--activation", "tanh,relu", "--update-order", "output-first",
                         "--lr", "0.5", "--iterations", "1", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) row0 = NULL;
  int ah1, h1;

  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  lines = g_strsplit (r.out, "\n", -1);
  h1 = csv_column (lines[0], "h1");
  ah1 = csv_column (lines[0], "a_h1");
  row0 = g_strsplit (lines[1], ",", -1);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (row0[ah1], NULL),
                                  tanh (g_ascii_strtod (row0[h1], NULL)), 1e-15);
  cli_result_clear (&r);
  r = run_cli ("toy", "--update-order", "sometimes", NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  g_assert_nonnull (strstr (r.err, "output-first"));
  cli_result_clear (&r);
}

static void
test_worksheet (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-cli-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "lesson.pdf", NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  CliResult r;

  r = run_cli ("toy", "worksheet", "--paper", "letter", "--preset", "with-biases",
               "--output", pdf, NULL);
  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  g_assert_true (g_file_get_contents (pdf, &text, &len, NULL));
  g_assert_true (len > 1000 && g_str_has_prefix (text, "%PDF-"));
  cli_result_clear (&r);
  r = run_cli ("toy", "worksheet", NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  g_assert_nonnull (strstr (r.err, "--output"));
  cli_result_clear (&r);
  r = run_cli ("toy", "worksheet", "--paper", "a3", "--output", pdf, NULL);
  g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 2);
  g_assert_nonnull (strstr (r.err, "a4 or letter"));
  cli_result_clear (&r);
  g_unlink (pdf);
  /* A FIFO is never replaced by the PDF. */
  {
    GStatBuf st;
    g_assert_cmpint (mkfifo (pdf, 0600), ==, 0);
    r = run_cli ("toy", "worksheet", "--output", pdf, NULL);
    g_assert_true (WIFEXITED (r.status) && WEXITSTATUS (r.status) == 1);
    g_assert_nonnull (strstr (r.err, "named pipe"));
    cli_result_clear (&r);
    g_assert_cmpint (g_stat (pdf, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
    g_unlink (pdf);
  }
  g_rmdir (dir);
}

/* The smallest positive double is a rate (it was called "too large"); the bound on iterations
 * and the exit statuses are in the help. */
static void
test_edges_accepted (void)
{
  CliResult r = run_cli ("toy", "--lr", "4.9e-324", "--iterations", "2", NULL);

  g_assert_true (g_spawn_check_wait_status (r.status, NULL));
  g_assert_cmpuint (count_lines (r.out), ==, 1 + 3);
  cli_result_clear (&r);
  r = run_cli ("toy", "--help", NULL);
  g_assert_nonnull (strstr (r.out, "100000"));
  g_assert_nonnull (strstr (r.out, "Exit status"));
  cli_result_clear (&r);
}

/* --output onto a FIFO (or, as root, /dev/null) replaced it with a regular file, status 0. */
static void
test_output_special_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bl-cli-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "ledger.csv", NULL);
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  for (guint i = 0; i < 2; i++)
    {
      CliResult r = run_cli ("toy", "--format", i ? "xlsx" : "csv", "--output", fifo, NULL);
      g_assert_true (WIFEXITED (r.status));
      g_assert_cmpint (WEXITSTATUS (r.status), ==, 1);
      g_assert_nonnull (strstr (r.err, "named pipe"));
      cli_result_clear (&r);
    }
  g_assert_cmpint (g_stat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_unlink (fifo);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_program ();   /* asserts BL_CLI is set */
  g_test_add_func ("/cli/toy/csv-defaults", test_csv_defaults);
  g_test_add_func ("/cli/toy/with-biases-and-set", test_with_biases_and_set);
  g_test_add_func ("/cli/toy/json-and-xlsx-files", test_json_and_xlsx_files);
  g_test_add_func ("/cli/toy/bad-input-refused", test_bad_input_refused);
  g_test_add_func ("/cli/toy/check", test_check);
  g_test_add_func ("/cli/toy/activation-and-order", test_activation_and_order);
  g_test_add_func ("/cli/toy/worksheet", test_worksheet);
  g_test_add_func ("/cli/toy/edges-accepted", test_edges_accepted);
  g_test_add_func ("/cli/toy/output-special-file", test_output_special_file);
  return g_test_run ();
}
