/* fuzz-replay.c: a main for each fuzz target (fuzz-NAME.c defines LLVMFuzzerTestOneInput) that
 * hands it every file of its corpus, one GTest case per file, so that every build, GCC's
 * included, replays the seeds and what the fuzzer found: a crash, a sanitizer report or a
 * non-zero return fails the test. libFuzzer's own binaries are built beside it when the
 * compiler has -fsanitize=fuzzer (tools/fuzz.sh).
 * Usage: fuzz-NAME-replay [GTest options] CORPUS_DIR */
#include <glib.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
replay_one (gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  /* A buffer of exactly the input's size, as libFuzzer gives: a read past it is a bug that a
   * sanitizer build must see. */
  copy = g_malloc (MAX (len, 1));
  memcpy (copy, contents, len);
  g_assert_cmpint (LLVMFuzzerTestOneInput (copy, len), ==, 0);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *target = NULL;
  const char *name;

  g_test_init (&argc, &argv, NULL);
  if (argc != 2)
    {
      g_printerr ("usage: %s [GTest options] CORPUS_DIR\n", argv[0]);
      return 2;
    }
  dir = g_dir_open (argv[1], 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.' && !g_str_has_suffix (name, ".md"))
      g_ptr_array_add (names, g_strdup (name));
  /* An empty corpus would make a test that cannot fail. */
  g_assert_cmpuint (names->len, >, 0);
  g_ptr_array_sort (names, compare_names);
  target = g_path_get_basename (argv[1]);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *test = g_strdup_printf ("/fuzz/%s/%s", target,
                                               (char *) names->pdata[i]);
      g_test_add_data_func_full (test, g_build_filename (argv[1], names->pdata[i], NULL),
                                 replay_one, g_free);
    }
  return g_test_run ();
}
