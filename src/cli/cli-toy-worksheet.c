/* cli-toy-worksheet.c: `backprop-lab-cli toy worksheet` (placeholder until the PDF writer). */
#include "config.h"

#include "cli.h"

int
bl_cli_toy_worksheet (int argc, char **argv)
{
  return 2;
}
