/* fuzz-idx.c: any bytes as an IDX file, raw or gzip (nn_idx_read_data, the reader the data set
 * and `mnist eval` use), asked for as labels (1 dimension) and as images (3). Accepted: the
 * dimensions multiply to the size, every byte is there, the digest is 64 hex digits. Refused:
 * an NN_ERROR with a text message and nothing allocated. */
#include <string.h>

#include "fuzz-common.h"
#include "nn-error.h"
#include "nn-idx.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  for (guint want = 1; want <= 3; want += 2)
    {
      GError *error = NULL;
      NnIdx idx;

      if (nn_idx_read_data (data, size, "fuzz", want, &idx, &error))
        {
          guint64 items = 1;
          guint sum = 0;

          check (error == NULL && idx.n_dims == want && idx.data != NULL);
          for (guint d = 0; d < idx.n_dims; d++)
            items *= idx.dims[d];
          check (items == idx.size && items <= NN_IDX_MAX_BYTES);
          check (strlen (idx.sha256) == 64);
          for (gsize i = 0; i < idx.size; i++)   /* every byte there (ASan) */
            sum += idx.data[i];
          (void) sum;
          nn_idx_clear (&idx);
        }
      else
        {
          check_refusal (error, NN_ERROR);
          check (idx.data == NULL);
          g_error_free (error);
        }
    }
  return 0;
}
