/* nn-conv3x3.c: see nn-conv3x3.h. Built once per CPU variant (nn-variant.h), in the variant's
 * widest vectors (nn-simd.h: NN_VLEN floats). */
#include "nn-conv3x3.h"

#include <string.h>

#include "nn-simd.h"

/* The forward kernel's register tile: FWD_KB output channels × FWD_PB vectors of pixels.
 * AVX-512 has 32 vector registers: 8 × 2 (16 accumulators, 32 pixels) keeps both FMA pipes
 * busy with 10 loads per 16 FMAs. Measured on the development machine (Zen 5, conv2's 16 → 32
 * channels at 28 × 28): 8 × 2 in 16 lanes runs 183 useful GFLOP/s, 2.1× the 4 × 3 tile in 8
 * lanes (88); 8 × 3, 4 × 4 and 16 × 1 ran 14–20 % slower than 8 × 2.
 * AVX2 has 16: 4 × 3 needs all of them (12 accumulators, 3 pixel vectors, a weight) and GCC
 * spilled accumulators to the stack; 4 × 2 (11 registers) ran the forward and input-gradient
 * convolutions of one image in 268 µs against 319 µs (medians of 6 alternating runs).
 * Portable (SSE2: an 8-float vector is two registers; NEON on arm64) keeps 4 × 3, which beat
 * 4 × 2, 4 × 1 and 2 × 2 there. */
#if NN_VLEN == 16
#define FWD_KB 8
#define FWD_PB 2
#elif defined (__AVX2__)
#define FWD_KB 4
#define FWD_PB 2
#else
#define FWD_KB 4
#define FWD_PB 3
#endif

/* The channel-last weight gradient's tile: WG_KB output channels × 9 taps of accumulators. */
#define WG_KB 2

#define ALWAYS_INLINE inline __attribute__ ((always_inline))

static G_GNUC_UNUSED void
pack_weights_float (float *wt, const float *w, int K, int C)
{
  for (int k = 0; k < K; k++)
    for (int i = 0; i < C * 9; i++)
      wt[(gsize) i * K + k] = w[(gsize) k * C * 9 + i];
}

static G_GNUC_UNUSED void
pack_flipped_float (float *wf, const float *w, int K, int C)
{
  /* dx[c, h, w] = Σ_k,r,s w[k, c, r, s] · dy[k, h + 1 − r, w + 1 − s]: a convolution of the
   * (padded) output gradient with w[k, c, 2 − r', 2 − s'], inputs k, outputs c. */
  for (int k = 0; k < K; k++)
    for (int c = 0; c < C; c++)
      for (int r = 0; r < 3; r++)
        for (int s = 0; s < 3; s++)
          wf[((gsize) k * 9 + (2 - r) * 3 + (2 - s)) * C + c] =
            w[(((gsize) k * C + c) * 3 + r) * 3 + s];
}

/* A tile of sums into out, through the epilogue if there is one. */
static ALWAYS_INLINE void
store_tile (float *out, gsize ocs, nn_vf acc[FWD_KB][FWD_PB], int k0, gsize j, int KB, int PB,
            const NnConv3x3Relu *relu)
{
  if (relu)
    for (int kk = 0; kk < KB; kk++)
      {
        const float a = relu->scale ? relu->scale[k0 + kk] : 1.0f;
        const float c = relu->shift ? relu->shift[k0 + kk] : 0.0f;
        for (int p = 0; p < PB; p++)
          {
            /* As nn-relu's pass computes it, so the bits agree. */
            nn_vf v = acc[kk][p] * a + c, zero = nn_splat (0.0f);
            acc[kk][p] = nn_select (v > zero, v, zero) * nn_load (relu->mask + j + p * NN_VLEN);
          }
      }
  for (int kk = 0; kk < KB; kk++)
    for (int p = 0; p < PB; p++)
      nn_store (out + (gsize) (k0 + kk) * ocs + j + p * NN_VLEN, acc[kk][p]);
}

/* Output channels k0 … k0 + KB − 1 × PB vectors of pixels from j. Inlined with constant KB and
 * PB. */
static ALWAYS_INLINE void
forward_tile (float *out, gsize ocs, const float *in, gsize ics, int C, int Wp, const float *wt,
              const float *bias, int K, int k0, gsize j, int KB, int PB,
              const NnConv3x3Relu *relu)
{
  nn_vf acc[FWD_KB][FWD_PB];

  for (int kk = 0; kk < KB; kk++)
    {
      nn_vf b = nn_splat (bias ? bias[k0 + kk] : 0.0f);
      for (int p = 0; p < PB; p++)
        acc[kk][p] = b;
    }
  for (int c = 0; c < C; c++)
    {
      const float *x_c = in + c * ics + j;
      const float *w_c = wt + (gsize) c * 9 * K + k0;
      for (int r = 0; r < 3; r++)
        for (int s = 0; s < 3; s++)
          {
            const float *x = x_c + r * Wp + s;
            const float *w = w_c + (r * 3 + s) * K;
            nn_vf xv[FWD_PB];
            for (int p = 0; p < PB; p++)
              xv[p] = nn_load (x + p * NN_VLEN);
            for (int kk = 0; kk < KB; kk++)
              {
                nn_vf a = nn_splat (w[kk]);
                for (int p = 0; p < PB; p++)
                  acc[kk][p] += a * xv[p];
              }
          }
    }
  store_tile (out, ocs, acc, k0, j, KB, PB, relu);
}

/* Every output channel for PB vectors of pixels from j: whole tiles, then the rest of K in
 * halving tiles. */
static ALWAYS_INLINE void
forward_pixels (float *out, gsize ocs, const float *in, gsize ics, int C, int Wp,
                const float *wt, const float *bias, int K, gsize j, int PB,
                const NnConv3x3Relu *relu)
{
  int k0 = 0;

  for (; k0 + FWD_KB <= K; k0 += FWD_KB)
    forward_tile (out, ocs, in, ics, C, Wp, wt, bias, K, k0, j, FWD_KB, PB, relu);
#if FWD_KB > 4
  if (k0 + 4 <= K)
    {
      forward_tile (out, ocs, in, ics, C, Wp, wt, bias, K, k0, j, 4, PB, relu);
      k0 += 4;
    }
#endif
  if (k0 + 2 <= K)
    {
      forward_tile (out, ocs, in, ics, C, Wp, wt, bias, K, k0, j, 2, PB, relu);
      k0 += 2;
    }
  if (k0 < K)
    forward_tile (out, ocs, in, ics, C, Wp, wt, bias, K, k0, j, 1, PB, relu);
}

static G_GNUC_UNUSED void
forward_float (float *out, gsize out_cstride, const float *in, int C, int Hp, int Wp, int P,
               const float *wt, const float *bias, int K, const NnConv3x3Relu *relu)
{
  const gsize ics = (gsize) Hp * Wp, npix = nn_conv3x3_out_pixels (P, Wp);
  const gsize block = FWD_PB * NN_VLEN;
  gsize j = 0;

  for (; j + block <= npix; j += block)
    forward_pixels (out, out_cstride, in, ics, C, Wp, wt, bias, K, j, FWD_PB, relu);
  /* npix is a multiple of NN_CONV3X3_PIX_ALIGN, so the rest is whole vectors. */
  for (; j < npix; j += NN_VLEN)
    forward_pixels (out, out_cstride, in, ics, C, Wp, wt, bias, K, j, 1, relu);
}

/* The weight gradient on the padded-width grid, for any C: KB output channels × the 3 taps s
 * of input channel c, row r, summed over pixel vectors, then across the lanes. */
static ALWAYS_INLINE void
weight_grad_tile (float *dw, const float *dy, gsize dcs, const float *in, gsize ics, int C,
                  int Wp, gsize npixv, int k0, int c, int r, int KB)
{
  nn_vf acc[4][3];
  const float *x = in + c * ics + r * Wp;

  for (int kk = 0; kk < KB; kk++)
    acc[kk][0] = acc[kk][1] = acc[kk][2] = nn_splat (0.0f);
  for (gsize j = 0; j < npixv; j += NN_VLEN)
    {
      nn_vf x0 = nn_load (x + j), x1 = nn_load (x + j + 1), x2 = nn_load (x + j + 2);
      for (int kk = 0; kk < KB; kk++)
        {
          nn_vf d = nn_load (dy + (gsize) (k0 + kk) * dcs + j);
          acc[kk][0] += d * x0;
          acc[kk][1] += d * x1;
          acc[kk][2] += d * x2;
        }
    }
  for (int kk = 0; kk < KB; kk++)
    {
      float *o = dw + (((gsize) (k0 + kk) * C + c) * 3 + r) * 3;
      o[0] += nn_hsum (acc[kk][0]);
      o[1] += nn_hsum (acc[kk][1]);
      o[2] += nn_hsum (acc[kk][2]);
    }
}

static void
weight_grad_channel_first (float *dw, const float *dy, gsize dcs, const float *in, int C,
                           int Hp, int Wp, int P, int K)
{
  const gsize ics = (gsize) Hp * Wp;
  const gsize npixv = ((gsize) P * Wp + NN_VLEN - 1) / NN_VLEN * NN_VLEN;

  for (int c = 0; c < C; c++)
    for (int r = 0; r < 3; r++)
      {
        int k0 = 0;
        for (; k0 + 4 <= K; k0 += 4)
          weight_grad_tile (dw, dy, dcs, in, ics, C, Wp, npixv, k0, c, r, 4);
        for (; k0 < K; k0++)
          weight_grad_tile (dw, dy, dcs, in, ics, C, Wp, npixv, k0, c, r, 1);
      }
}

/* The weight gradient with the input channel-last, for C a multiple of NN_VLEN: the padded
 * image transposed to xt (Hp·Wp, C), then for KB output channels × 9 taps, vectors over input
 * channels, dw[k, c…, r, s] += dy[k, p, q] · xt[(p + r)·Wp + q + s, c…] over the real pixels
 * only: aligned loads, no garbage columns, no sums across lanes. The weights' gradients come
 * out one input channel per lane, so they are added to dw one by one at the end. */
static ALWAYS_INLINE void
weight_grad_channel_last_tile (float *dw, const float *dy, gsize dcs, const float *xt, int C,
                               int Wp, int P, int k0, int c0, int KB)
{
  const int Q = Wp - 2;
  nn_vf acc[WG_KB][9];

  for (int kk = 0; kk < KB; kk++)
    for (int t = 0; t < 9; t++)
      acc[kk][t] = nn_splat (0.0f);
  for (int p = 0; p < P; p++)
    for (int q = 0; q < Q; q++)
      {
        const gsize j = (gsize) p * Wp + q;
        const float *x = xt + j * C + c0;
        nn_vf d[WG_KB];
        for (int kk = 0; kk < KB; kk++)
          d[kk] = nn_splat (dy[(gsize) (k0 + kk) * dcs + j]);
        for (int r = 0; r < 3; r++)
          for (int s = 0; s < 3; s++)
            {
              nn_vf xv = nn_load (x + (gsize) (r * Wp + s) * C);
              for (int kk = 0; kk < KB; kk++)
                acc[kk][r * 3 + s] += d[kk] * xv;
            }
      }
  for (int kk = 0; kk < KB; kk++)
    for (int t = 0; t < 9; t++)
      for (int l = 0; l < NN_VLEN; l++)
        dw[((gsize) (k0 + kk) * C + c0 + l) * 9 + t] += acc[kk][t][l];
}

/* out[l·ostride + i] = in[i·istride + l], an 8 × 8 block, in shuffles (a scalar gather took a
 * quarter of the weight gradient's time). */
static ALWAYS_INLINE void
transpose8 (float *out, gsize ostride, const float *in, gsize istride)
{
#define SH __builtin_shufflevector
  nn_v8f r0 = nn_load8 (in), r1 = nn_load8 (in + istride), r2 = nn_load8 (in + 2 * istride);
  nn_v8f r3 = nn_load8 (in + 3 * istride), r4 = nn_load8 (in + 4 * istride);
  nn_v8f r5 = nn_load8 (in + 5 * istride), r6 = nn_load8 (in + 6 * istride);
  nn_v8f r7 = nn_load8 (in + 7 * istride);
  nn_v8f a0 = SH (r0, r1, 0, 8, 1, 9, 4, 12, 5, 13), a1 = SH (r0, r1, 2, 10, 3, 11, 6, 14, 7, 15);
  nn_v8f a2 = SH (r2, r3, 0, 8, 1, 9, 4, 12, 5, 13), a3 = SH (r2, r3, 2, 10, 3, 11, 6, 14, 7, 15);
  nn_v8f a4 = SH (r4, r5, 0, 8, 1, 9, 4, 12, 5, 13), a5 = SH (r4, r5, 2, 10, 3, 11, 6, 14, 7, 15);
  nn_v8f a6 = SH (r6, r7, 0, 8, 1, 9, 4, 12, 5, 13), a7 = SH (r6, r7, 2, 10, 3, 11, 6, 14, 7, 15);
  nn_v8f b0 = SH (a0, a2, 0, 1, 8, 9, 4, 5, 12, 13), b1 = SH (a0, a2, 2, 3, 10, 11, 6, 7, 14, 15);
  nn_v8f b2 = SH (a1, a3, 0, 1, 8, 9, 4, 5, 12, 13), b3 = SH (a1, a3, 2, 3, 10, 11, 6, 7, 14, 15);
  nn_v8f b4 = SH (a4, a6, 0, 1, 8, 9, 4, 5, 12, 13), b5 = SH (a4, a6, 2, 3, 10, 11, 6, 7, 14, 15);
  nn_v8f b6 = SH (a5, a7, 0, 1, 8, 9, 4, 5, 12, 13), b7 = SH (a5, a7, 2, 3, 10, 11, 6, 7, 14, 15);
  nn_store8 (out, SH (b0, b4, 0, 1, 2, 3, 8, 9, 10, 11));
  nn_store8 (out + ostride, SH (b1, b5, 0, 1, 2, 3, 8, 9, 10, 11));
  nn_store8 (out + 2 * ostride, SH (b2, b6, 0, 1, 2, 3, 8, 9, 10, 11));
  nn_store8 (out + 3 * ostride, SH (b3, b7, 0, 1, 2, 3, 8, 9, 10, 11));
  nn_store8 (out + 4 * ostride, SH (b0, b4, 4, 5, 6, 7, 12, 13, 14, 15));
  nn_store8 (out + 5 * ostride, SH (b1, b5, 4, 5, 6, 7, 12, 13, 14, 15));
  nn_store8 (out + 6 * ostride, SH (b2, b6, 4, 5, 6, 7, 12, 13, 14, 15));
  nn_store8 (out + 7 * ostride, SH (b3, b7, 4, 5, 6, 7, 12, 13, 14, 15));
#undef SH
}

/* Scratch aligned to a whole vector. */
static inline float *
aligned (float *scratch)
{
  return (float *) (((guintptr) scratch + sizeof (nn_vf) - 1)
                    & ~(guintptr) (sizeof (nn_vf) - 1));
}

/* xt[i·C + c] = in[c·ics + i], in 8 × 8 blocks (C is a multiple of 8), the last pixels one by
 * one. */
static void
transpose_channel_last (float *xt, const float *in, int C, gsize ics)
{
  gsize i = 0;

  for (; i + 8 <= ics; i += 8)
    for (int c = 0; c < C; c += 8)
      transpose8 (xt + i * C + c, C, in + c * ics + i, ics);
  for (; i < ics; i++)
    for (int c = 0; c < C; c++)
      xt[i * C + c] = in[c * ics + i];
}

static void
weight_grad_channel_last (float *dw, const float *dy, gsize dcs, const float *in, int C, int Hp,
                          int Wp, int P, int K, float *scratch)
{
  /* Rows of C floats on whole vectors: aligned loads. */
  float *xt = aligned (scratch);

  transpose_channel_last (xt, in, C, (gsize) Hp * Wp);
  for (int c0 = 0; c0 < C; c0 += NN_VLEN)
    {
      int k0 = 0;
      for (; k0 + WG_KB <= K; k0 += WG_KB)
        weight_grad_channel_last_tile (dw, dy, dcs, xt, C, Wp, P, k0, c0, WG_KB);
      for (; k0 < K; k0++)
        weight_grad_channel_last_tile (dw, dy, dcs, xt, C, Wp, P, k0, c0, 1);
    }
}


/* ------------------------------------------------------------------------------------------
 * Mixed precision (the avx512-bf16 variant): VDPBF16PS multiplies pairs of bfloat16 and adds
 * both products to a float, so the inputs of each sum go in pairs along the summed index: two
 * input channels for the forward kernel (and the input gradient), two neighbouring pixels for
 * the weight gradient. Inputs are rounded to bfloat16 (to nearest, even on ties) on the way in;
 * the sums, the outputs and the weights stay float.
 */

#ifdef __AVX512BF16__
#include <immintrin.h>

typedef guint32 nn_vu __attribute__ ((vector_size (64)));
typedef guint32 nn_vu_unaligned __attribute__ ((vector_size (64), aligned (4)));

/* The bfloat16 bits of each (finite) float, in the low half, rounded to nearest even. */
static inline nn_vu
bf16_bits (nn_vf f)
{
  nn_vu u = (nn_vu) f;
  return (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
}

static inline guint32
bf16_bits1 (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
}

/* Two floats as one pair of bfloat16, lo in the low half: what VDPBF16PS multiplies. */
static inline nn_vu
bf16_pairs (nn_vf lo, nn_vf hi)
{
  return bf16_bits (lo) | (bf16_bits (hi) << 16);
}

static inline guint32
bf16_pair1 (float lo, float hi)
{
  return bf16_bits1 (lo) | (bf16_bits1 (hi) << 16);
}

static inline nn_vu
splat_u32 (guint32 a)
{
  return a + (nn_vu) { 0 };
}

/* acc + a.lo·b.lo + a.hi·b.hi, lane by lane. */
static inline nn_vf
dot_pairs (nn_vf acc, nn_vu a, nn_vu b)
{
  return (nn_vf) _mm512_dpbf16_ps ((__m512) acc, (__m512bh) a, (__m512bh) b);
}

static void
pack_weights_bf16 (float *wt, const float *w, int K, int C)
{
  guint32 *wp = (guint32 *) wt;

  for (int c2 = 0; c2 < (C + 1) / 2; c2++)
    for (int t = 0; t < 9; t++)
      for (int k = 0; k < K; k++)
        {
          const float *w_k = w + (gsize) k * C * 9;
          float lo = w_k[(2 * c2) * 9 + t], hi = 2 * c2 + 1 < C ? w_k[(2 * c2 + 1) * 9 + t] : 0;
          wp[((gsize) c2 * 9 + t) * K + k] = bf16_pair1 (lo, hi);
        }
}

static void
pack_flipped_bf16 (float *wf, const float *w, int K, int C)
{
  guint32 *wp = (guint32 *) wf;

  /* As pack_flipped_float, the inputs (k) in pairs. */
  for (int k2 = 0; k2 < (K + 1) / 2; k2++)
    for (int r = 0; r < 3; r++)
      for (int s = 0; s < 3; s++)
        for (int c = 0; c < C; c++)
          {
            float lo = w[(((gsize) (2 * k2) * C + c) * 3 + r) * 3 + s];
            float hi = 2 * k2 + 1 < K ? w[(((gsize) (2 * k2 + 1) * C + c) * 3 + r) * 3 + s] : 0;
            wp[((gsize) k2 * 9 + (2 - r) * 3 + (2 - s)) * C + c] = bf16_pair1 (lo, hi);
          }
}

/* Floats of a pair plane: the kernels read up to P·Wp rounded up, plus two rows and two columns
 * (under ics + 32), in whole vectors. */
static inline gsize
pair_plane (gsize ics)
{
  return (ics + 33 + NN_VLEN - 1) / NN_VLEN * NN_VLEN;
}

/* xb[c2·plane + i] = the pair (in[2·c2, i], in[2·c2 + 1, i]) (0 past the last channel), for
 * i < plane: past a channel's end that reads the next one's start, or the slack. */
static void
to_channel_pairs (guint32 *xb, const float *in, int C, gsize ics, gsize plane)
{
  for (int c2 = 0; c2 < (C + 1) / 2; c2++)
    {
      const float *lo = in + (gsize) (2 * c2) * ics, *hi = lo + ics;
      const gboolean has_hi = 2 * c2 + 1 < C;
      for (gsize i = 0; i < plane; i += NN_VLEN)
        *(nn_vu_unaligned *) (xb + c2 * plane + i) =
          bf16_pairs (nn_load (lo + i), has_hi ? nn_load (hi + i) : nn_splat (0.0f));
    }
}

static ALWAYS_INLINE void
forward_tile_bf16 (float *out, gsize ocs, const guint32 *xb, gsize plane, int C2, int Wp,
                   const guint32 *wt, const float *bias, int K, int k0, gsize j, int KB, int PB,
                   const NnConv3x3Relu *relu)
{
  nn_vf acc[FWD_KB][FWD_PB];

  for (int kk = 0; kk < KB; kk++)
    {
      nn_vf b = nn_splat (bias ? bias[k0 + kk] : 0.0f);
      for (int p = 0; p < PB; p++)
        acc[kk][p] = b;
    }
  for (int c2 = 0; c2 < C2; c2++)
    {
      const guint32 *x_c = xb + c2 * plane + j;
      const guint32 *w_c = wt + (gsize) c2 * 9 * K + k0;
      for (int r = 0; r < 3; r++)
        for (int s = 0; s < 3; s++)
          {
            const guint32 *x = x_c + r * Wp + s;
            const guint32 *w = w_c + (r * 3 + s) * K;
            nn_vu xv[FWD_PB];
            for (int p = 0; p < PB; p++)
              xv[p] = *(const nn_vu_unaligned *) (x + p * NN_VLEN);
            for (int kk = 0; kk < KB; kk++)
              {
                nn_vu a = splat_u32 (w[kk]);
                for (int p = 0; p < PB; p++)
                  acc[kk][p] = dot_pairs (acc[kk][p], xv[p], a);
              }
          }
    }
  store_tile (out, ocs, acc, k0, j, KB, PB, relu);
}

static ALWAYS_INLINE void
forward_pixels_bf16 (float *out, gsize ocs, const guint32 *xb, gsize plane, int C2, int Wp,
                     const guint32 *wt, const float *bias, int K, gsize j, int PB,
                     const NnConv3x3Relu *relu)
{
  int k0 = 0;

  for (; k0 + FWD_KB <= K; k0 += FWD_KB)
    forward_tile_bf16 (out, ocs, xb, plane, C2, Wp, wt, bias, K, k0, j, FWD_KB, PB, relu);
  if (k0 + 4 <= K)
    {
      forward_tile_bf16 (out, ocs, xb, plane, C2, Wp, wt, bias, K, k0, j, 4, PB, relu);
      k0 += 4;
    }
  if (k0 + 2 <= K)
    {
      forward_tile_bf16 (out, ocs, xb, plane, C2, Wp, wt, bias, K, k0, j, 2, PB, relu);
      k0 += 2;
    }
  if (k0 < K)
    forward_tile_bf16 (out, ocs, xb, plane, C2, Wp, wt, bias, K, k0, j, 1, PB, relu);
}

static void
forward_bf16 (float *out, gsize out_cstride, const float *in, int C, int Hp, int Wp, int P,
              const float *wt, const float *bias, int K, const NnConv3x3Relu *relu,
              float *scratch)
{
  const gsize ics = (gsize) Hp * Wp, plane = pair_plane (ics);
  const gsize npix = nn_conv3x3_out_pixels (P, Wp), block = FWD_PB * NN_VLEN;
  guint32 *xb = (guint32 *) aligned (scratch);
  gsize j = 0;

  to_channel_pairs (xb, in, C, ics, plane);
  for (; j + block <= npix; j += block)
    forward_pixels_bf16 (out, out_cstride, xb, plane, (C + 1) / 2, Wp, (const guint32 *) wt,
                         bias, K, j, FWD_PB, relu);
  for (; j < npix; j += NN_VLEN)
    forward_pixels_bf16 (out, out_cstride, xb, plane, (C + 1) / 2, Wp, (const guint32 *) wt,
                         bias, K, j, 1, relu);
}

/* As weight_grad_channel_last, summing neighbouring pixels in pairs: xt2[i·C + c] holds the
 * pair (x[c, i], x[c, i + 1]) for every position i, so a pixel pair (j, j + 1) meets its tap's
 * inputs at (j + r·Wp + s) whatever the parity; with Q odd the pair's second pixel is a garbage
 * column, where dy is 0. */
static ALWAYS_INLINE void
weight_grad_bf16_tile (float *dw, const float *dy, gsize dcs, const guint32 *xt2, int C, int Wp,
                       int P, int k0, int c0, int KB)
{
  const int Q = Wp - 2;
  nn_vf acc[WG_KB][9];

  for (int kk = 0; kk < KB; kk++)
    for (int t = 0; t < 9; t++)
      acc[kk][t] = nn_splat (0.0f);
  for (int p = 0; p < P; p++)
    for (int q = 0; q < Q; q += 2)
      {
        const gsize j = (gsize) p * Wp + q;
        const guint32 *x = xt2 + j * C + c0;
        nn_vu d[WG_KB];
        for (int kk = 0; kk < KB; kk++)
          {
            const float *dy_k = dy + (gsize) (k0 + kk) * dcs + j;
            d[kk] = splat_u32 (bf16_pair1 (dy_k[0], dy_k[1]));
          }
        for (int r = 0; r < 3; r++)
          for (int s = 0; s < 3; s++)
            {
              nn_vu xv = *(const nn_vu_unaligned *) (x + (gsize) (r * Wp + s) * C);
              for (int kk = 0; kk < KB; kk++)
                acc[kk][r * 3 + s] = dot_pairs (acc[kk][r * 3 + s], xv, d[kk]);
            }
      }
  for (int kk = 0; kk < KB; kk++)
    for (int t = 0; t < 9; t++)
      for (int l = 0; l < NN_VLEN; l++)
        dw[((gsize) (k0 + kk) * C + c0 + l) * 9 + t] += acc[kk][t][l];
}

static void
weight_grad_channel_last_bf16 (float *dw, const float *dy, gsize dcs, const float *in, int C,
                               int Hp, int Wp, int P, int K, float *scratch)
{
  const gsize ics = (gsize) Hp * Wp;
  float *xt = aligned (scratch);
  guint32 *xt2 = (guint32 *) xt;

  transpose_channel_last (xt, in, C, ics);
  /* In place: position i's pairs need only positions i and i + 1, not yet overwritten. */
  for (gsize i = 0; i < ics; i++)
    for (int c0 = 0; c0 < C; c0 += NN_VLEN)
      {
        nn_vf lo = nn_load (xt + i * C + c0);
        nn_vf hi = i + 1 < ics ? nn_load (xt + (i + 1) * C + c0) : nn_splat (0.0f);
        *(nn_vu_unaligned *) (xt2 + i * C + c0) = bf16_pairs (lo, hi);
      }
  for (int c0 = 0; c0 < C; c0 += NN_VLEN)
    {
      int k0 = 0;
      for (; k0 + WG_KB <= K; k0 += WG_KB)
        weight_grad_bf16_tile (dw, dy, dcs, xt2, C, Wp, P, k0, c0, WG_KB);
      for (; k0 < K; k0++)
        weight_grad_bf16_tile (dw, dy, dcs, xt2, C, Wp, P, k0, c0, 1);
    }
}
#endif

/* ------------------------------------------------------------------------------------------
 * The variant's entry points
 */

void
NN_KERNEL (nn_conv3x3_pack_weights) (float *wt, const float *w, int K, int C)
{
#ifdef __AVX512BF16__
  pack_weights_bf16 (wt, w, K, C);
#else
  pack_weights_float (wt, w, K, C);
#endif
}

void
NN_KERNEL (nn_conv3x3_pack_flipped) (float *wf, const float *w, int K, int C)
{
#ifdef __AVX512BF16__
  pack_flipped_bf16 (wf, w, K, C);
#else
  pack_flipped_float (wf, w, K, C);
#endif
}

void
NN_KERNEL (nn_conv3x3_forward) (float *out, gsize out_cstride, const float *in, int C, int Hp,
                                int Wp, int P, const float *wt, const float *bias, int K,
                                const NnConv3x3Relu *relu, float *scratch)
{
#ifdef __AVX512BF16__
  forward_bf16 (out, out_cstride, in, C, Hp, Wp, P, wt, bias, K, relu, scratch);
#else
  forward_float (out, out_cstride, in, C, Hp, Wp, P, wt, bias, K, relu);
#endif
}

void
NN_KERNEL (nn_conv3x3_weight_grad) (float *dw, float *db, const float *dy, gsize dy_cstride,
                                    const float *in, int C, int Hp, int Wp, int P, int K,
                                    float *scratch)
{
  const gsize npixv = ((gsize) P * Wp + NN_VLEN - 1) / NN_VLEN * NN_VLEN;

#ifdef __AVX512BF16__
  if (C % NN_VLEN == 0)
    weight_grad_channel_last_bf16 (dw, dy, dy_cstride, in, C, Hp, Wp, P, K, scratch);
  else
#endif

  /* Channel-last pays with 16 lanes (Zen 5, conv2's weight gradient: 159 useful GFLOP/s
   * against 74 channel-first); with 8 it does not (images per CPU-second in the AVX2 variant:
   * 1,600–1,780 against 1,820). */
  if (NN_VLEN == 16 && C % NN_VLEN == 0)
    weight_grad_channel_last (dw, dy, dy_cstride, in, C, Hp, Wp, P, K, scratch);
  else
    weight_grad_channel_first (dw, dy, dy_cstride, in, C, Hp, Wp, P, K);
  if (db)
    for (int k = 0; k < K; k++)
      {
        nn_vf acc = nn_splat (0.0f);
        for (gsize j = 0; j < npixv; j += NN_VLEN)
          acc += nn_load (dy + (gsize) k * dy_cstride + j);
        db[k] += nn_hsum (acc);
      }
}
