/* nn-kernels.c: one variant's table of layer kernels (nn-cpu.h), built once per CPU variant
 * (nn-variant.h) beside the kernels it lists. */
#include "nn-cpu.h"

#define NN_CPU_VARIANT_OF_portable NN_CPU_PORTABLE
#define NN_CPU_VARIANT_OF_avx2 NN_CPU_AVX2
#define NN_CPU_VARIANT_OF_avx512 NN_CPU_AVX512
#define NN_CPU_VARIANT_OF_avx512bf16 NN_CPU_AVX512_BF16

const NnKernels NN_KERNEL (nn_kernels) = {
  .variant = NN_PASTE (NN_CPU_VARIANT_OF, NN_VARIANT),
  .conv3x3_pack_weights = NN_KERNEL (nn_conv3x3_pack_weights),
  .conv3x3_pack_flipped = NN_KERNEL (nn_conv3x3_pack_flipped),
  .conv3x3_forward = NN_KERNEL (nn_conv3x3_forward),
  .conv3x3_weight_grad = NN_KERNEL (nn_conv3x3_weight_grad),
  .batchnorm_image_stats = NN_KERNEL (nn_batchnorm_image_stats),
  .batchnorm_reduce = NN_KERNEL (nn_batchnorm_reduce),
  .batchnorm_eval = NN_KERNEL (nn_batchnorm_eval),
  .batchnorm_grad_sums = NN_KERNEL (nn_batchnorm_grad_sums),
  .batchnorm_reduce_grad = NN_KERNEL (nn_batchnorm_reduce_grad),
  .batchnorm_backward = NN_KERNEL (nn_batchnorm_backward),
  .relu_forward = NN_KERNEL (nn_relu_forward),
  .relu_backward = NN_KERNEL (nn_relu_backward),
  .maxpool_forward = NN_KERNEL (nn_maxpool_forward),
  .maxpool_backward = NN_KERNEL (nn_maxpool_backward),
  .dropout_apply = NN_KERNEL (nn_dropout_apply),
};
