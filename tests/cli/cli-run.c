/* cli-run.c: see cli-run.h. */
#include <stdarg.h>

#include "cli-run.h"

const char *
cli_program (void)
{
  const char *path = g_getenv ("BL_CLI");
  g_assert_nonnull (path);
  return path;
}

CliResult
run_cli (const char *first, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  CliResult r = { -1, NULL, NULL };
  va_list ap;

  g_ptr_array_add (argv, (char *) cli_program ());
  va_start (ap, first);
  for (const char *a = first; a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                &r.status, &error);
  g_assert_no_error (error);
  return r;
}

void
cli_result_clear (CliResult *r)
{
  g_free (r->out);
  g_free (r->err);
}
