/* nn-maxpool.c: see nn-maxpool.h. Built once per CPU variant (nn-variant.h). Eight outputs at a
 * time with selects, not branches: the winner is a coin toss a branch predictor would lose. */
#include "nn-maxpool.h"

#include "nn-simd.h"

void
NN_KERNEL (nn_maxpool_forward) (float *restrict y, guint8 *restrict a, const float *r0,
                                const float *r1, int OQ)
{
  for (int q = 0; q < OQ; q += 8)
    {
      nn_v8f t0 = nn_load8 (r0 + 2 * q), t1 = nn_load8 (r0 + 2 * q + 8);
      nn_v8f b0 = nn_load8 (r1 + 2 * q), b1 = nn_load8 (r1 + 2 * q + 8);
      nn_v8f best = NN_EVEN8 (t0, t1), v;
      nn_v8i at = { 0 }, m;
      v = NN_ODD8 (t0, t1);
      m = v > best; best = nn_select8 (m, v, best); at = (m & 1) | (at & ~m);
      v = NN_EVEN8 (b0, b1);
      m = v > best; best = nn_select8 (m, v, best); at = (m & 2) | (at & ~m);
      v = NN_ODD8 (b0, b1);
      m = v > best; best = nn_select8 (m, v, best); at = (m & 3) | (at & ~m);
      if (q + 8 <= OQ)
        {
          nn_store8 (y + q, best);
          for (int l = 0; l < 8; l++)
            a[q + l] = (guint8) at[l];
        }
      else
        for (int l = 0; l < OQ - q; l++)
          {
            y[q + l] = best[l];
            a[q + l] = (guint8) at[l];
          }
    }
}

void
NN_KERNEL (nn_maxpool_backward) (float *r0, float *r1, const float *y, const float *d,
                                 const guint8 *a, float factor, int OQ)
{
  const nn_v8i lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const nn_v8f zero = { 0 };

  for (int row = 0; row < 2; row++)
    for (int q = 0; q < OQ; q += 8)
      {
        nn_v8f yv = nn_load8 (y + q), dv = nn_load8 (d + q);
        nn_v8i at = { a[q], a[q + 1], a[q + 2], a[q + 3], a[q + 4], a[q + 5], a[q + 6], a[q + 7] };
        nn_v8i live = (yv > zero) & (lane < OQ - q);
        nn_v8f g = nn_select8 (live, dv * factor, zero);
        nn_v8f e = nn_select8 (at == 2 * row, g, zero), o = nn_select8 (at == 2 * row + 1, g, zero);
        float *r = row ? r1 : r0;
        nn_store8 (r + 2 * q, NN_INTERLEAVE_LO8 (e, o));
        nn_store8 (r + 2 * q + 8, NN_INTERLEAVE_HI8 (e, o));
      }
}
