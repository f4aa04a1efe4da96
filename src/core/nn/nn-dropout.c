/* nn-dropout.c: see nn-dropout.h. One 64-bit draw gives the decisions for 4 elements
 * (16 bits each), a quarter of the generator's cost per element. */
#include "nn-dropout.h"
#include "nn-rng.h"

void
nn_dropout_forward_train (float *y, guint8 *mask, const float *x, gsize n, float p,
                          guint64 seed, guint64 stream, guint64 step, guint64 image)
{
  const float scale = 1.0f / (1.0f - p);
  const guint32 threshold = (guint32) (p * 65536.0f);   /* drop when the 16 bits < p·2^16 */
  const guint64 base = (step << 40) ^ (image << 20);

  for (gsize i = 0; i < n; i += 4)
    {
      guint64 r = nn_rng_u64 (seed, stream, base + i / 4);
      for (gsize j = i; j < i + 4 && j < n; j++, r >>= 16)
        {
          guint8 keep = (guint32) (r & 0xffff) >= threshold;
          mask[j] = keep;
          y[j] = keep ? x[j] * scale : 0.0f;
        }
    }
}

void
nn_dropout_backward (float *dx, const float *dy, const guint8 *mask, gsize n, float p)
{
  const float scale = 1.0f / (1.0f - p);

  for (gsize i = 0; i < n; i++)
    dx[i] = mask[i] ? dy[i] * scale : 0.0f;
}
