/* cli-run.h: backprop-lab-cli (the path in $BL_CLI) run as a separate process, its exit status
 * and both outputs captured; shared by the CLI and download tests. */
#pragma once

#include <glib.h>

typedef struct {
  int   status;   /* as from waitpid */
  char *out;
  char *err;
} CliResult;

/* Arguments after the program name, NULL-terminated. */
CliResult run_cli          (const char *first, ...) G_GNUC_NULL_TERMINATED;
void      cli_result_clear (CliResult *r);
/* $BL_CLI, asserted set. */
const char *cli_program    (void);
