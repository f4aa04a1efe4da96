/* nn-cpu.h: one binary for every CPU. The layer kernels are built once per variant
 * (nn-variant.h) and chosen when a model is made:
 *
 *   portable     no instruction-set extension (x86-64's SSE2 baseline; NEON on arm64)
 *   avx2         AVX2 + FMA (x86-64-v3: x86 CPUs since 2013–2015)
 *   avx512       AVX-512 F/CD/BW/DQ/VL (x86-64-v4)
 *   avx512-bf16  avx512 with mixed precision: the convolutions multiply in bfloat16 (8-bit
 *                mantissas, AVX512-BF16's VDPBF16PS) and sum in float; weights, gradients and
 *                everything else stay float. Never chosen by itself: it changes the numbers.
 *
 * The best float variant this CPU runs is the default; BL_CPU=portable|avx2|avx512|avx512-bf16
 * in the environment, or nn_cpu_force_variant() (the CLI's --cpu), forces one. Within a variant
 * results are the same bits for any thread count; between the float variants they differ in
 * the last bits (FMA contraction, summation widths), with bf16 by about its rounding
 * (nn_cpu_variant_epsilon): test-cpu compares them.
 */
#pragma once

#include <glib.h>

#include "nn-batchnorm.h"
#include "nn-conv3x3.h"
#include "nn-dropout.h"
#include "nn-maxpool.h"
#include "nn-relu.h"

G_BEGIN_DECLS

typedef enum {
  NN_CPU_PORTABLE,
  NN_CPU_AVX2,
  NN_CPU_AVX512,
  NN_CPU_AVX512_BF16,
  NN_CPU_N_VARIANTS
} NnCpuVariant;

/* "portable", "avx2", "avx512", "avx512-bf16". */
const char  *nn_cpu_variant_to_string (NnCpuVariant variant);
/* FALSE with NN_ERROR_INVALID if @name is none of them. */
gboolean     nn_cpu_variant_from_string (const char *name, NnCpuVariant *out, GError **error);
/* Built into this binary, and this CPU has the instructions. */
gboolean     nn_cpu_variant_supported (NnCpuVariant variant);
/* The best supported float variant (never the mixed-precision one). */
NnCpuVariant nn_cpu_variant_best (void);
/* The relative rounding of the variant's products: 2^-24 for float, 2^-8 for bfloat16 (whose
 * rounding to nearest of 8 significant bits errs by at most half of that). */
double       nn_cpu_variant_epsilon (NnCpuVariant variant);

/* Forces @variant for models made from now on (the CLI's --cpu), over BL_CPU; FALSE with
 * NN_ERROR_INVALID if this CPU cannot run it. */
gboolean     nn_cpu_force_variant (NnCpuVariant variant, GError **error);
/* The variant new models use: the forced one, else BL_CPU's, else the best. FALSE with
 * NN_ERROR_INVALID if BL_CPU names no variant or one this CPU cannot run. */
gboolean     nn_cpu_variant_select (NnCpuVariant *out, GError **error);
/* The name of the variant new models use, for the window's About and `mnist summary`; if
 * BL_CPU is wrong, the message saying so (models then fail to build with it). */
const char  *nn_cpu_variant_name (void);

/* The layer kernels of one variant: what the model calls. */
typedef struct {
  NnCpuVariant               variant;
  NnConv3x3PackFunc         *conv3x3_pack_weights;
  NnConv3x3PackFunc         *conv3x3_pack_flipped;
  NnConv3x3ForwardFunc      *conv3x3_forward;
  NnConv3x3WeightGradFunc   *conv3x3_weight_grad;
  NnBatchnormImageStatsFunc *batchnorm_image_stats;
  NnBatchnormReduceFunc     *batchnorm_reduce;
  NnBatchnormEvalFunc       *batchnorm_eval;
  NnBatchnormGradSumsFunc   *batchnorm_grad_sums;
  NnBatchnormReduceGradFunc *batchnorm_reduce_grad;
  NnBatchnormBackwardFunc   *batchnorm_backward;
  NnReluForwardFunc         *relu_forward;
  NnReluBackwardFunc        *relu_backward;
  NnMaxpoolForwardFunc      *maxpool_forward;
  NnMaxpoolBackwardFunc     *maxpool_backward;
  NnDropoutApplyFunc        *dropout_apply;
} NnKernels;

/* The table of a supported @variant; NULL if unsupported. */
const NnKernels *nn_cpu_kernels (NnCpuVariant variant);

#ifdef NN_VARIANT
extern const NnKernels NN_KERNEL (nn_kernels);
#endif

G_END_DECLS
