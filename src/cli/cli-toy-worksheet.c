/* cli-toy-worksheet.c: `backprop-lab-cli toy worksheet`: a lesson's worksheet as PDF (the
 * network with its starting values, a box for every step of the first iteration, the answer
 * key on its own page). */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "cli.h"
#include "core/bl-toy.h"
#include "export/bl-toy-pdf.h"

int
bl_cli_toy_worksheet (int argc, char **argv)
{
  g_autofree char *preset = NULL;
  g_autofree char *paper_text = NULL;
  g_autofree char *lr_text = NULL;
  g_autofree char *set_text = NULL;
  g_autofree char *act_text = NULL;
  g_autofree char *order_text = NULL;
  g_autofree char *output = NULL;
  gboolean train_biases = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  GOptionEntry entries[] = {
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset,
      N_("Starting network: classroom (default) or with-biases"), N_("NAME") },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &lr_text, N_("The learning rate (default 0.5)"),
      N_("RATE") },
    { "set", 's', 0, G_OPTION_ARG_STRING, &set_text,
      N_("Change inputs, targets or initial weights, e.g. w1=0.3,i1=0.1"), N_("LIST") },
    { "train-biases", 0, 0, G_OPTION_ARG_NONE, &train_biases,
      N_("Also update the biases (with-biases preset)"), NULL },
    { "activation", 'a', 0, G_OPTION_ARG_STRING, &act_text,
      N_("sigmoid (default), tanh or relu, or HIDDEN,OUTPUT"), N_("NAME") },
    { "update-order", 0, 0, G_OPTION_ARG_STRING, &order_text,
      N_("simultaneous (default) or output-first"), N_("ORDER") },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper_text, N_("a4 (default) or letter"),
      N_("SIZE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the PDF to FILE (needed)"),
      N_("FILE") },
    { NULL }
  };
  BlToyParams params;
  BlToyPaper paper = BL_TOY_PAPER_A4;
  double lr = 0.5;
  guint pages = 0, key = 0;

  ctx = g_option_context_new (NULL);
  g_option_context_set_summary (ctx, _("Print a lesson's worksheet as PDF: the network with its "
                                       "starting values, a box for every step of the first "
                                       "iteration, and the answer key on its own page."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy worksheet: %s\n", error->message);
      return 2;
    }
  if (argc > 1)
    {
      fprintf (stderr, _("backprop-lab-cli toy worksheet: unexpected argument “%s”\n"), argv[1]);
      return 2;
    }
  if (output == NULL)
    {
      fprintf (stderr, _("backprop-lab-cli toy worksheet: name the PDF with --output FILE\n"));
      return 2;
    }
  if (preset == NULL || g_str_equal (preset, "classroom"))
    bl_toy_params_init_preset (&params, BL_TOY_PRESET_CLASSROOM);
  else if (g_str_equal (preset, "with-biases"))
    bl_toy_params_init_preset (&params, BL_TOY_PRESET_WITH_BIASES);
  else
    {
      fprintf (stderr, _("backprop-lab-cli toy worksheet: unknown preset “%s” (classroom, "
                         "with-biases)\n"), preset);
      return 2;
    }
  params.train_biases = train_biases && params.has_biases;
  if ((paper_text && !bl_toy_paper_from_name (paper_text, &paper, &error)) ||
      (lr_text && (!bl_toy_parse_double (lr_text, &lr, &error) ||
                   !bl_toy_lr_validate (lr, &error))) ||
      (set_text && !bl_toy_params_set_from_string (&params, set_text, &error)) ||
      (act_text && !bl_toy_parse_activations (act_text, &params, &error)) ||
      (order_text && !bl_toy_parse_update_order (order_text, &params.update_order, &error)) ||
      !bl_toy_params_validate (&params, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy worksheet: %s\n", error->message);
      return 2;
    }
  if (!bl_toy_worksheet_save_pdf (output, &params, lr, paper, &pages, &key, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy worksheet: %s\n", error->message);
      return 1;
    }
  return 0;
}
