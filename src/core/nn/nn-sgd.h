/* nn-sgd.h: SGD with momentum in PyTorch's form, and learning-rate schedules.
 *   g ← ∂L/∂w + λ·w;  v ← μ·v + g;  w ← w − η·v            (v starts at 0)
 *   Nesterov:                        w ← w − η·(g + μ·v)
 * Schedules give (η, μ) for a step: constant; step (η·γ^⌊epoch/k⌋); one-cycle as PyTorch's
 * OneCycleLR with its defaults (30 % warm-up, cosine, η from max/25 to max to max/25/10⁴,
 * μ cycling inversely between 0.95 and 0.85). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  NN_SCHEDULE_CONSTANT,
  NN_SCHEDULE_STEP,
  NN_SCHEDULE_ONECYCLE,
} NnScheduleKind;

typedef struct {
  NnScheduleKind kind;
  double lr;              /* constant and step: the base; one-cycle: the peak */
  double momentum;        /* constant and step */
  guint  step_epochs;     /* step: multiply by gamma every this many epochs */
  double gamma;
  guint64 total_steps;    /* one-cycle: epochs × batches per epoch */
} NnSchedule;

gboolean nn_schedule_parse (const char *name, NnScheduleKind *out, GError **error);
const char *nn_schedule_name (NnScheduleKind kind);
/* η and μ for global batch @step (0-based) in @epoch (0-based). */
void nn_schedule_at (const NnSchedule *s, guint64 step, guint epoch, double *lr, double *momentum);

void nn_sgd_step (float *w, const float *g, float *v, gsize n, float lr, float momentum,
                  float weight_decay, gboolean nesterov);

G_END_DECLS
