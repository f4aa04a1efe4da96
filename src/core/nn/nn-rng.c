/* nn-rng.c: see nn-rng.h. */
#include "nn-rng.h"

void
nn_rng_permutation (guint32 *out, guint32 n, guint64 seed, guint64 stream, guint64 epoch)
{
  for (guint32 i = 0; i < n; i++)
    out[i] = i;
  for (guint32 i = n; i > 1; i--)
    {
      /* Multiply-shift keeps the draw unbiased enough for n < 2^32 without a division. */
      guint64 r = nn_rng_u64 (seed, stream, (epoch << 32) | i) >> 32;
      guint32 j = (guint32) ((r * i) >> 32);
      guint32 t = out[i - 1];
      out[i - 1] = out[j];
      out[j] = t;
    }
}
