/* backprop-lab-cli: drives the same core the window drives, headless. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/bl-i18n.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} BlCliCommand;

static const BlCliCommand commands[] = {
  { "toy", bl_cli_toy, N_("Compute the 2-2-2 network's ledger (CSV, JSON or live-formula .xlsx)") },
#ifdef BL_HAVE_NN
  { "mnist", bl_cli_mnist, N_("Summarise, train and evaluate the MNIST CNN") },
  { "data", bl_cli_data, N_("Find, verify and download MNIST") },
#endif
};

static void
print_usage (FILE *out)
{
  fprintf (out, _("Usage: %s COMMAND [OPTIONS…]\n\nCommands:\n"), "backprop-lab-cli");
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nRun “backprop-lab-cli COMMAND --help” for a command's options.\n"));
  fprintf (out, _("Exit status: 0 done, 1 failed, 2 usage error (an unknown command or option, "
                  "a value out of range); each command's --help says more.\n"));
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  /* $BL_LOCALEDIR, the build tree's catalogues when run from there, or LOCALEDIR. */
  bindtextdomain (GETTEXT_PACKAGE, bl_i18n_localedir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("backprop-lab-cli %s\n", PACKAGE_VERSION);
      return 0;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, _("Unknown command “%s”.\n\n"), argv[1]);
  print_usage (stderr);
  return 2;
}
