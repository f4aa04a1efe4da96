/* cli-toy.c: `backprop-lab-cli toy`: the 2-2-2 network's ledger, headless. */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/bl-file.h"
#include "core/bl-toy.h"
#include "core/bl-toy-csv.h"
#include "export/bl-toy-xlsx.h"

#define DEFAULT_ITERATIONS 100
#define MAX_LEARNING_RATES 64

static gboolean
parse_learning_rates (const char *text, GArray *lrs, GError **error)
{
  g_autoptr(GArray) parsed = bl_toy_parse_learning_rates (text, MAX_LEARNING_RATES, error);

  if (parsed == NULL)
    {
      g_prefix_error (error, _("--lr: "));
      return FALSE;
    }
  g_array_append_vals (lrs, parsed->data, parsed->len);
  return TRUE;
}

int
bl_cli_toy (int argc, char **argv)
{
  g_autofree char *preset = NULL;
  g_autofree char *lr_text = NULL;
  g_autofree char *set_text = NULL;
  g_autofree char *format = NULL;
  g_autofree char *output = NULL;
  g_autofree char *iterations_text = NULL;
  guint iterations = DEFAULT_ITERATIONS;
  gboolean train_biases = FALSE;
  g_autofree char *act_text = NULL;
  g_autofree char *order_text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GArray) lrs = g_array_new (FALSE, FALSE, sizeof (double));
  GOptionEntry entries[] = {
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset,
      N_("Starting network: classroom (default) or with-biases"), N_("NAME") },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &lr_text,
      N_("Learning rates, comma-separated (default 0.1,0.2,0.5,0.8,1.0,2.0)"), N_("LIST") },
    { "iterations", 'n', 0, G_OPTION_ARG_STRING, &iterations_text,
      N_("Updates per learning rate, 0–100000 (default 100); the ledger has N+1 rows per rate"),
      N_("N") },
    { "set", 's', 0, G_OPTION_ARG_STRING, &set_text,
      N_("Change inputs, targets or initial weights, e.g. w1=0.3,i1=0.1,b1=0.35"), N_("LIST") },
    { "train-biases", 0, 0, G_OPTION_ARG_NONE, &train_biases,
      N_("Also update the biases (with-biases preset; frozen by default)"), NULL },
    { "activation", 'a', 0, G_OPTION_ARG_STRING, &act_text,
      N_("The units' activation: sigmoid (default), tanh or relu, or HIDDEN,OUTPUT such as "
         "tanh,sigmoid"), N_("NAME") },
    { "update-order", 0, 0, G_OPTION_ARG_STRING, &order_text,
      N_("simultaneous (default: every gradient from the row's weights) or output-first "
         "(hidden gradients from the updated w5…w8, the common bug)"), N_("ORDER") },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("csv (default), json or xlsx"),
      N_("FORMAT") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      N_("Write to FILE atomically (default: standard output; xlsx needs a file)"), N_("FILE") },
    { NULL }
  };
  BlToyParams params;
  BlToyFormat fmt = BL_TOY_FORMAT_CSV;
  gboolean xlsx = FALSE;
  BlToyRun **runs;
  gboolean ok;

  /* Its own commands: check a spreadsheet, print a worksheet. */
  if (argc > 1 && g_str_equal (argv[1], "check"))
    return bl_cli_toy_check (argc - 1, argv + 1);
  if (argc > 1 && g_str_equal (argv[1], "worksheet"))
    return bl_cli_toy_worksheet (argc - 1, argv + 1);

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Compute the 2-2-2 network's ledger: every forward value "
                                       "and gradient of every iteration, for each learning "
                                       "rate."));
  g_option_context_set_description (ctx, _("At most 100000 iterations: each rate keeps every "
                                           "row's loss, and its ledger grows by ~650 bytes a "
                                           "row (66 MB of CSV per rate at the bound).\n\n"
                                           "Exit status: 0 done; 1 the output could not be "
                                           "written; 2 usage error (unknown option, a value out "
                                           "of range).\n\n"
                                           "Also: “toy check SHEET…” checks a spreadsheet "
                                           "against the ledger, “toy worksheet” prints a "
                                           "lesson's worksheet as PDF (each has --help)."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, _("backprop-lab-cli toy: unexpected argument “%s”\n"), argv[1]);
      return 2;
    }

  if (preset == NULL || g_str_equal (preset, "classroom"))
    bl_toy_params_init_preset (&params, BL_TOY_PRESET_CLASSROOM);
  else if (g_str_equal (preset, "with-biases"))
    bl_toy_params_init_preset (&params, BL_TOY_PRESET_WITH_BIASES);
  else
    {
      fprintf (stderr, _("backprop-lab-cli toy: unknown preset “%s” (classroom, with-biases)\n"),
               preset);
      return 2;
    }
  params.train_biases = train_biases;
  if ((act_text && !bl_toy_parse_activations (act_text, &params, &error)) ||
      (order_text && !bl_toy_parse_update_order (order_text, &params.update_order, &error)))
    {
      fprintf (stderr, "backprop-lab-cli toy: %s\n", error->message);
      return 2;
    }

  if (format == NULL || g_str_equal (format, "csv"))
    fmt = BL_TOY_FORMAT_CSV;
  else if (g_str_equal (format, "json"))
    fmt = BL_TOY_FORMAT_JSON;
  else if (g_str_equal (format, "xlsx"))
    xlsx = TRUE;
  else
    {
      fprintf (stderr, _("backprop-lab-cli toy: unknown format “%s” (csv, json, xlsx)\n"), format);
      return 2;
    }
  if (xlsx && output == NULL)
    {
      fprintf (stderr, _("backprop-lab-cli toy: --format xlsx needs --output FILE\n"));
      return 2;
    }
  if (iterations_text && !bl_toy_parse_iterations (iterations_text, &iterations, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy: --iterations: %s\n", error->message);
      return 2;
    }

  if ((set_text && !bl_toy_params_set_from_string (&params, set_text, &error)) ||
      !bl_toy_params_validate (&params, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy: %s%s\n", set_text ? "--set: " : "",
               error->message);
      return 2;
    }
  if (lr_text)
    {
      if (!parse_learning_rates (lr_text, lrs, &error))
        {
          fprintf (stderr, "backprop-lab-cli toy: %s\n", error->message);
          return 2;
        }
    }
  else
    {
      guint n;
      const double *d = bl_toy_default_learning_rates (&n);
      g_array_append_vals (lrs, d, n);
    }

  /* A device node or FIFO is never replaced by the ledger, and a missing folder is said
   * before the work, not after. */
  if (output && !bl_file_check_destination (output, 0, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy: --output: %s\n", error->message);
      return 1;
    }

  runs = g_new0 (BlToyRun *, lrs->len);
  for (guint i = 0; i < lrs->len; i++)
    {
      runs[i] = bl_toy_run_new (&params, g_array_index (lrs, double, i));
      bl_toy_run_compute (runs[i], iterations);
      if (runs[i]->stop == BL_TOY_STOP_NONFINITE)
        fprintf (stderr, _("backprop-lab-cli toy: at η = %g the values stop being finite at "
                           "iteration %u; the ledger ends there.\n"),
                 runs[i]->lr, runs[i]->stop_row);
    }

  if (xlsx)
    ok = bl_toy_xlsx_save (output, runs, lrs->len, &error);
  else if (output)
    ok = bl_toy_ledger_save (output, fmt, runs, lrs->len, &error);
  else
    ok = bl_toy_ledger_write_stream (stdout, fmt, runs, lrs->len, &error) && fflush (stdout) == 0;

  for (guint i = 0; i < lrs->len; i++)
    bl_toy_run_free (runs[i]);
  g_free (runs);

  if (!ok)
    {
      fprintf (stderr, "backprop-lab-cli toy: %s\n",
               error ? error->message : _("could not write the output"));
      return 1;
    }
  return 0;
}
