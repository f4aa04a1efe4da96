/* nn-maxpool.c: see nn-maxpool.h. Built once per CPU variant (nn-variant.h). Eight outputs at a
 * time with selects, not branches: the winner is a coin toss a branch predictor would lose. */
#include "nn-maxpool.h"

#include <string.h>

#include "nn-simd.h"

typedef guint8 nn_v8u8 __attribute__ ((vector_size (8)));

void
NN_KERNEL (nn_maxpool_forward) (float *restrict y, gsize y_rs, guint8 *restrict a,
                                const float *x, gsize x_rs, int OP, int OQ)
{
  for (int p = 0; p < OP; p++)
    {
      const float *r0 = x + (gsize) (2 * p) * x_rs, *r1 = r0 + x_rs;
      float *y_p = y + (gsize) p * y_rs;
      guint8 *a_p = a + (gsize) p * OQ;
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
              nn_v8u8 at8 = __builtin_convertvector (at, nn_v8u8);
              nn_store8 (y_p + q, best);
              memcpy (a_p + q, &at8, 8);
            }
          else
            for (int l = 0; l < OQ - q; l++)
              {
                y_p[q + l] = best[l];
                a_p[q + l] = (guint8) at[l];
              }
        }
    }
}

void
NN_KERNEL (nn_maxpool_backward) (float *g, gsize g_rs, const float *y, gsize y_rs,
                                 const float *d, gsize d_rs, const guint8 *a, float factor,
                                 int OP, int OQ)
{
  const nn_v8i lane = { 0, 1, 2, 3, 4, 5, 6, 7 };
  const nn_v8f zero = { 0 };

  for (int p = 0; p < OP; p++)
    for (int row = 0; row < 2; row++)
      {
        const float *y_p = y + (gsize) p * y_rs, *d_p = d + (gsize) p * d_rs;
        const guint8 *a_p = a + (gsize) p * OQ;
        float *r = g + (gsize) (2 * p + row) * g_rs;
        for (int q = 0; q < OQ; q += 8)
          {
            nn_v8f yv = nn_load8 (y_p + q), dv = nn_load8 (d_p + q);
            nn_v8u8 a8;
            nn_v8i at, live;
            nn_v8f gv, e, o;
            memcpy (&a8, a_p + q, 8);   /* past OQ: the next row's or slack, masked below */
            at = __builtin_convertvector (a8, nn_v8i);
            live = (yv > zero) & (lane < OQ - q);
            gv = nn_select8 (live, dv * factor, zero);
            e = nn_select8 (at == 2 * row, gv, zero);
            o = nn_select8 (at == 2 * row + 1, gv, zero);
            nn_store8 (r + 2 * q, NN_INTERLEAVE_LO8 (e, o));
            nn_store8 (r + 2 * q + 8, NN_INTERLEAVE_HI8 (e, o));
          }
      }
}
