/* nn-dropout.c: see nn-dropout.h. Built once per CPU variant (nn-variant.h). One 64-bit draw keys the image; each pair of elements then
 * takes 16 bits each of a 32-bit hash of its index (murmur3's finaliser), a loop the compiler
 * vectorises, so dropout costs little next to the convolutions. */
#include "nn-dropout.h"
#include "nn-rng.h"

static inline guint32
hash32 (guint32 x)
{
  x ^= x >> 16;
  x *= 0x85EBCA6Bu;
  x ^= x >> 13;
  x *= 0xC2B2AE35u;
  x ^= x >> 16;
  return x;
}

void
NN_KERNEL (nn_dropout_apply) (float *restrict y, gsize n, float p, guint64 seed, guint64 stream,
                               guint64 step, guint64 image)
{
  const float scale = 1.0f / (1.0f - p);
  const guint32 threshold = (guint32) (p * 65536.0f);
  const guint32 key = (guint32) nn_rng_u64 (seed, stream, (step << 24) ^ image);
  const gsize pairs = n / 2;

  for (gsize i = 0; i < pairs; i++)
    {
      guint32 h = hash32 (key + (guint32) i * 0x9E3779B9u);
      y[2 * i] *= (h & 0xffff) >= threshold ? scale : 0.0f;
      y[2 * i + 1] *= (h >> 16) >= threshold ? scale : 0.0f;
    }
  if (n % 2)
    {
      guint32 h = hash32 (key + (guint32) pairs * 0x9E3779B9u);
      y[n - 1] *= (h & 0xffff) >= threshold ? scale : 0.0f;
    }
}
