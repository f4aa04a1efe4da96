/* cli-toy-check.c: `backprop-lab-cli toy check SHEET…`: a teacher's or student's own sheet
 * (.xlsx or .csv) recomputed from its own cells; per file "matches" or the first disagreeing
 * cell with both values and the likely mistake. Exit status: 0 every file matches, 1 a file
 * disagrees, 2 a file cannot be read or mapped (or the options are wrong). */
#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/bl-toy-check.h"
#include "core/bl-toy-desc.h"

static const char *
column_name (const BlToyCheckDiff *d, char *buf, gsize size)
{
  if (d->next)
    {
      g_snprintf (buf, size, "%s_new", bl_toy_column_name (d->slot));
      return buf;
    }
  return d->slot < BL_TOY_N_COLS ? bl_toy_column_name (d->slot) : bl_toy_slot_symbol (d->slot);
}

static void
print_all (const BlToyCheckReport *r)
{
  for (guint i = 0; i < r->sheets->len; i++)
    {
      const BlToySheetReport *sr = g_ptr_array_index (r->sheets, i);
      for (guint j = 0; j < sr->diffs->len; j++)
        {
          const BlToyCheckDiff *d = &g_array_index (sr->diffs, BlToyCheckDiff, j);
          char name[32];
          g_autofree char *why = bl_toy_mistake_describe (&d->mistake, &sr->params);
          if (d->not_a_number)
            printf (_("  %s, row %u (iteration %u), %s (%s): not a number\n"),
                    sr->mapping->sheet_name, d->sheet_row + 1, d->iteration,
                    column_name (d, name, sizeof name), d->cell);
          else
            printf (_("  %s, row %u (iteration %u), %s (%s): sheet %.12g, recomputed %.12g; "
                      "%s\n"), sr->mapping->sheet_name, d->sheet_row + 1, d->iteration,
                    column_name (d, name, sizeof name), d->cell, d->sheet_value, d->expected,
                    why);
        }
      if (sr->n_diffs > sr->diffs->len)
        printf (_("  … and %llu more\n"), (unsigned long long) (sr->n_diffs - sr->diffs->len));
    }
}

static gboolean
parse_activation (const char *text, BlToyCheckOptions *opt, GError **error)
{
  BlToyParams p = { 0 };

  if (!bl_toy_parse_activations (text, &p, error))
    return FALSE;
  opt->act_hidden = p.act_hidden;
  opt->act_output = p.act_output;
  return TRUE;
}

int
bl_cli_toy_check (int argc, char **argv)
{
  g_autofree char *lr_text = NULL;
  g_autofree char *act_text = NULL;
  g_autofree char *set_text = NULL;
  g_auto(GStrv) maps = NULL;
  gboolean output_first = FALSE, all = FALSE, show_mapping = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(BlToyExplicitMap) map = bl_toy_explicit_map_new ();
  BlToyCheckOptions opt = BL_TOY_CHECK_OPTIONS_INIT;
  BlToyParams defaults;
  GOptionEntry entries[] = {
    { "lr", 0, 0, G_OPTION_ARG_STRING, &lr_text,
      N_("The learning rate, whatever the sheet says (default: an lr column, a cell labelled "
         "η or lr above the table, or the rate the updates agree on)"), N_("RATE") },
    { "map", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &maps,
      N_("Map a header the check does not understand, e.g. --map \"Net H1=h1\" (repeat it; "
         "COLUMN “ignore” sets a column aside)"), N_("HEADER=COLUMN") },
    { "activation", 'a', 0, G_OPTION_ARG_STRING, &act_text,
      N_("The units' activation: sigmoid, tanh or relu, or HIDDEN,OUTPUT (default: found "
         "from the sheet's first row)"), N_("NAME") },
    { "output-first", 0, 0, G_OPTION_ARG_NONE, &output_first,
      N_("Check against the output-first order (hidden gradients from the updated w5…w8)"),
      NULL },
    { "set", 's', 0, G_OPTION_ARG_STRING, &set_text,
      N_("Inputs or targets the sheet does not have, e.g. i1=0.05,t1=0.01"), N_("LIST") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, N_("List every cell that disagrees"), NULL },
    { "mapping", 0, 0, G_OPTION_ARG_NONE, &show_mapping,
      N_("Say how each sheet's headers were read"), NULL },
    { NULL }
  };
  int status = 0;

  ctx = g_option_context_new (N_("SHEET…"));
  g_option_context_set_summary (ctx, _("Check a spreadsheet of the 2-2-2 network (.xlsx or "
                                       ".csv): every cell recomputed from the sheet's own "
                                       "cells, the first that disagrees reported with both "
                                       "values and the likely mistake. Exit status: 0 every "
                                       "file matches, 1 a file disagrees, 2 a file cannot be "
                                       "read or mapped."));
  g_option_context_add_main_entries (ctx, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (ctx, GETTEXT_PACKAGE);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "backprop-lab-cli toy check: %s\n", error->message);
      return 2;
    }
  if (argc < 2)
    {
      fprintf (stderr, _("backprop-lab-cli toy check: name one or more sheets (.xlsx or "
                         ".csv)\n"));
      return 2;
    }
  bl_toy_params_init_preset (&defaults, BL_TOY_PRESET_CLASSROOM);
  if ((lr_text && (!bl_toy_parse_double (lr_text, &opt.lr, &error) ||
                   !bl_toy_lr_validate (opt.lr, &error))) ||
      (act_text && !parse_activation (act_text, &opt, &error)) ||
      (set_text && !bl_toy_params_set_from_string (&defaults, set_text, &error)))
    {
      fprintf (stderr, "backprop-lab-cli toy check: %s\n", error->message);
      return 2;
    }
  for (guint i = 0; maps && maps[i]; i++)
    if (!bl_toy_explicit_map_parse (map, maps[i], &error))
      {
        fprintf (stderr, "backprop-lab-cli toy check: --map: %s\n", error->message);
        return 2;
      }
  opt.map = map;
  opt.defaults = &defaults;
  opt.output_first = output_first;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(BlToyCheckReport) report = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GError) local = NULL;

      report = bl_toy_check_file (argv[i], &opt, &local);
      if (report == NULL)
        {
          g_autofree char *name = g_filename_display_name (argv[i]);
          printf (_("%s: cannot check: %s\n"), name, local->message);
          status = 2;
          continue;
        }
      text = bl_toy_check_report_describe (report);
      printf ("%s\n", text);
      if (show_mapping)
        {
          for (guint j = 0; j < report->sheets->len; j++)
            {
              const BlToySheetReport *sr = g_ptr_array_index (report->sheets, j);
              g_autofree char *m = bl_toy_sheet_mapping_describe (sr->mapping);
              printf ("  %s\n", m);
            }
          for (guint j = 0; j < report->skipped->len; j++)
            printf (_("  Skipped: %s\n"), (char *) g_ptr_array_index (report->skipped, j));
        }
      if (!bl_toy_check_report_matches (report))
        {
          if (all)
            print_all (report);
          status = MAX (status, 1);
        }
    }
  if (fflush (stdout) != 0)
    return 2;
  return status;
}
