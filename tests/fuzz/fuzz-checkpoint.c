/* fuzz-checkpoint.c: any bytes as a checkpoint, loaded twice: as they are (the checksum
 * refuses nearly everything), and with their SHA-256 appended, as a well-formed file of what
 * they say, so the parser behind the checksum is reached. Accepted: every value finite, the
 * dropout rate a probability below 1, the description UTF-8. Refused: an NN_ERROR with a text
 * message, and the model untouched. */
#include <string.h>

#include "fuzz-common.h"
#include "nn-checkpoint.h"
#include "nn-error.h"

static NnModel *model;

static void
load (const guint8 *bytes, gsize len)
{
  GBytes *before = nn_model_get_state (model), *after;
  GError *error = NULL;
  char *meta = NULL;

  if (nn_checkpoint_load_data (model, bytes, len, "fuzz", &meta, &error))
    {
      check (error == NULL && meta != NULL && g_utf8_validate (meta, -1, NULL));
      check (nn_checkpoint_check_values (model, NULL));
      check (nn_model_get_dropout (model) >= 0 && nn_model_get_dropout (model) < 1);
      g_free (meta);
      /* Back to the same start for the next input. */
      check (nn_model_set_state (model, before, NULL));
    }
  else
    {
      check_refusal (error, NN_ERROR);
      check (meta == NULL);
      after = nn_model_get_state (model);
      check (g_bytes_equal (before, after));
      g_bytes_unref (after);
      g_error_free (error);
    }
  g_bytes_unref (before);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GChecksum *sum;
  guint8 *sealed;
  gsize digest_len = 32;

  if (model == NULL)
    model = nn_model_new (1, 1, 1, NULL);
  load (data, size);

  sealed = g_malloc (size + 32);
  if (size)
    memcpy (sealed, data, size);
  sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (sum, data, size);
  g_checksum_get_digest (sum, sealed + size, &digest_len);
  g_checksum_free (sum);
  load (sealed, size + 32);
  g_free (sealed);
  return 0;
}
