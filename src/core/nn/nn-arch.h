/* nn-arch.h: the network, written once: the table of blocks the model is built from, and the
 * constants of its layers. The model's geometry, its summary, the checkpoint's spec string and
 * the tests' reference network are all derived from here.
 *
 * A block is conv 3×3 → [BatchNorm] → ReLU → [Dropout] → [MaxPool 2×2, floor]; after the last
 * block, global average pooling and a linear layer NN_CLASSES → NN_CLASSES. The input is one
 * 28×28 channel (nn-dataset.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* PyTorch's BatchNorm2d defaults: ε, and the running statistics' momentum. */
#define NN_BN_EPS 1e-5
#define NN_BN_MOMENTUM 0.1
/* Dropout's drop probability. */
#define NN_DROPOUT_P 0.25f

typedef struct {
  const char *conv;     /* the convolution's parameter prefix ("conv1") */
  int         out;      /* its output channels */
  int         pad;      /* its zero padding */
  const char *bn;       /* batch norm's prefix, or NULL for none */
  gboolean    dropout;
  gboolean    pool;
} NnBlockSpec;

/* The 18,820-parameter MNIST network. Static in every file that includes it, but written
 * here only: it is the architecture. */
static const NnBlockSpec nn_arch_blocks[] = {
  { "conv1", 16, 1, "bn1", FALSE, FALSE },
  { "conv2", 32, 1, NULL,  TRUE,  TRUE  },
  { "conv3", 16, 1, "bn2", FALSE, FALSE },
  { "conv4", 32, 1, NULL,  TRUE,  TRUE  },
  { "conv5", 12, 1, "bn3", TRUE,  TRUE  },
  { "conv6", 10, 0, NULL,  FALSE, FALSE },
};
#define NN_ARCH_N_BLOCKS G_N_ELEMENTS (nn_arch_blocks)
/* The linear layer's parameter prefix. */
#define NN_ARCH_FC_NAME "fc"

G_END_DECLS
