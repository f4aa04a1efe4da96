/* nn-rng.h: one counter-based generator for everything random in the engine.
 *
 * A value is a pure function of (seed, stream, counter): there is no state to share, so a
 * dropout mask for image i of step s is the same whichever thread computes it, and a run is
 * reproducible from its seed alone. Streams separate the uses (initialisation, shuffling,
 * dropout of each layer, augmentation).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  NN_RNG_STREAM_INIT = 1,
  NN_RNG_STREAM_SHUFFLE = 2,
  NN_RNG_STREAM_AUGMENT = 3,
  NN_RNG_STREAM_DROPOUT = 16,   /* + layer index */
} NnRngStream;

/* splitmix64's finaliser over a keyed counter: statistically sound, and cheap. */
static inline guint64
nn_rng_u64 (guint64 seed, guint64 stream, guint64 counter)
{
  guint64 z = seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
              ^ stream * G_GUINT64_CONSTANT (0xD1B54A32D192ED03);
  z += (counter + 1) * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [0, 1) with 24 bits, as a float. */
static inline float
nn_rng_uniform (guint64 seed, guint64 stream, guint64 counter)
{
  return (float) (nn_rng_u64 (seed, stream, counter) >> 40) * (1.0f / 16777216.0f);
}

/* A permutation of 0..n-1 (Fisher–Yates driven by the counter stream). */
void nn_rng_permutation (guint32 *out, guint32 n, guint64 seed, guint64 stream, guint64 epoch);

G_END_DECLS
