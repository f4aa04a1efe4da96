/* cli.h: the subcommands of backprop-lab-cli. Each returns a process exit status and prints its
 * own errors; argv[0] is the subcommand's name. */
#pragma once

#include <glib.h>

int bl_cli_toy   (int argc, char **argv);
/* `toy check` and `toy worksheet`; argv[0] is the sub-subcommand's name. */
int bl_cli_toy_check     (int argc, char **argv);
int bl_cli_toy_worksheet (int argc, char **argv);
#ifdef BL_HAVE_NN
int bl_cli_mnist (int argc, char **argv);
int bl_cli_mnist_logs (int argc, char **argv);   /* mnist logs */
int bl_cli_data  (int argc, char **argv);
#endif
