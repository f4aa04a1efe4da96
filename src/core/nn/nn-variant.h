/* nn-variant.h: how the layer kernels are built once per CPU variant.
 *
 * The files that hold the layers the model runs (nn-conv3x3.c, nn-batchnorm.c, nn-relu.c,
 * nn-maxpool.c, nn-dropout.c, and nn-kernels.c, which gathers them into a table) are compiled
 * several times, with NN_VARIANT set to the variant's name and its instruction-set flags
 * (meson.build): "portable" with none (any x86-64, and arm64, where the GCC vector
 * extensions lower to NEON), "avx2" with x86-64-v3, "avx512" with x86-64-v4. NN_KERNEL (name)
 * gives each copy of a function its own symbol (name_avx2, …); nothing outside these files
 * calls them by name: the model calls through the table nn_cpu_kernels() returns
 * (nn-cpu.h), so code for an instruction set runs only on a CPU that has it.
 */
#pragma once

#ifdef NN_VARIANT
#define NN_PASTE_(a, b) a##_##b
#define NN_PASTE(a, b) NN_PASTE_ (a, b)
#define NN_KERNEL(name) NN_PASTE (name, NN_VARIANT)
#define NN_STRINGIFY_(a) #a
#define NN_STRINGIFY(a) NN_STRINGIFY_ (a)
#define NN_VARIANT_NAME NN_STRINGIFY (NN_VARIANT)
#endif
