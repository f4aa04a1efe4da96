/* nn-simd.h: the vector types of the layer kernels, GCC vector extensions (clang has them
 * too). An 8-float vector is one AVX register, two SSE or NEON registers: the compiler lowers
 * it to what the variant's flags allow (nn-variant.h). Loads and stores through the
 * "unaligned" types may sit at any float boundary. */
#pragma once

#include <glib.h>

typedef float nn_v8f __attribute__ ((vector_size (32)));
typedef gint32 nn_v8i __attribute__ ((vector_size (32)));
typedef float nn_v8f_unaligned __attribute__ ((vector_size (32), aligned (4)));

static inline nn_v8f
nn_load8 (const float *p)
{
  return *(const nn_v8f_unaligned *) p;
}

static inline void
nn_store8 (float *p, nn_v8f v)
{
  *(nn_v8f_unaligned *) p = v;
}

static inline nn_v8f
nn_splat8 (float a)
{
  return (nn_v8f) { a, a, a, a, a, a, a, a };
}

/* Lanes of a where m is all ones, of b where it is 0. */
static inline nn_v8f
nn_select8 (nn_v8i m, nn_v8f a, nn_v8f b)
{
  return (nn_v8f) (((nn_v8i) a & m) | ((nn_v8i) b & ~m));
}

/* The sum of the lanes in one fixed order, in float. */
static inline float
nn_hsum8 (nn_v8f v)
{
  return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

/* The same in double. */
static inline double
nn_hsum8_double (nn_v8f v)
{
  return ((double) v[0] + v[4] + v[1] + v[5]) + ((double) v[2] + v[6] + v[3] + v[7]);
}

/* Lane shuffles with constant indices: __builtin_shufflevector is both GCC's (≥ 12) and
 * clang's. The even and odd lanes of a 16-float pair; two 8-float vectors interleaved. */
#define NN_EVEN8(a, b) __builtin_shufflevector (a, b, 0, 2, 4, 6, 8, 10, 12, 14)
#define NN_ODD8(a, b) __builtin_shufflevector (a, b, 1, 3, 5, 7, 9, 11, 13, 15)
#define NN_INTERLEAVE_LO8(a, b) __builtin_shufflevector (a, b, 0, 8, 1, 9, 2, 10, 3, 11)
#define NN_INTERLEAVE_HI8(a, b) __builtin_shufflevector (a, b, 4, 12, 5, 13, 6, 14, 7, 15)

/* The variant's widest vector, NN_VLEN floats: 16 (one AVX-512 register) where the variant has
 * AVX-512, else 8. The convolution kernels are written in it. */
#ifdef __AVX512F__
#define NN_VLEN 16
typedef float nn_vf __attribute__ ((vector_size (64)));
typedef float nn_vf_unaligned __attribute__ ((vector_size (64), aligned (4)));
#else
#define NN_VLEN 8
typedef nn_v8f nn_vf;
typedef nn_v8f_unaligned nn_vf_unaligned;
#endif

static inline nn_vf
nn_load (const float *p)
{
  return *(const nn_vf_unaligned *) p;
}

static inline void
nn_store (float *p, nn_vf v)
{
  *(nn_vf_unaligned *) p = v;
}

static inline nn_vf
nn_splat (float a)
{
#if NN_VLEN == 16
  return (nn_vf) { a, a, a, a, a, a, a, a, a, a, a, a, a, a, a, a };
#else
  return nn_splat8 (a);
#endif
}

/* Lanes of a where m is true (all ones), of b elsewhere; m as a comparison of nn_vf gives. */
#if NN_VLEN == 16
typedef gint32 nn_vi __attribute__ ((vector_size (64)));
#else
typedef nn_v8i nn_vi;
#endif
static inline nn_vf
nn_select (nn_vi m, nn_vf a, nn_vf b)
{
  return (nn_vf) (((nn_vi) a & m) | ((nn_vi) b & ~m));
}

/* The sum of the lanes in one fixed order. */
static inline float
nn_hsum (nn_vf v)
{
#if NN_VLEN == 16
  return nn_hsum8 (__builtin_shufflevector (v, v, 0, 1, 2, 3, 4, 5, 6, 7)
                   + __builtin_shufflevector (v, v, 8, 9, 10, 11, 12, 13, 14, 15));
#else
  return nn_hsum8 (v);
#endif
}
