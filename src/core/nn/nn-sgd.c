/* nn-sgd.c: see nn-sgd.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "nn-error.h"
#include "nn-sgd.h"

gboolean
nn_schedule_parse (const char *name, NnScheduleKind *out, GError **error)
{
  if (g_strcmp0 (name, "none") == 0 || g_strcmp0 (name, "constant") == 0)
    *out = NN_SCHEDULE_CONSTANT;
  else if (g_strcmp0 (name, "step") == 0)
    *out = NN_SCHEDULE_STEP;
  else if (g_strcmp0 (name, "onecycle") == 0)
    *out = NN_SCHEDULE_ONECYCLE;
  else
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("Unknown schedule “%s” (none, step, onecycle)."), name ? name : "");
      return FALSE;
    }
  return TRUE;
}

const char *
nn_schedule_name (NnScheduleKind kind)
{
  return kind == NN_SCHEDULE_STEP ? "step" : kind == NN_SCHEDULE_ONECYCLE ? "onecycle" : "none";
}

static double
cos_anneal (double start, double end, double pct)
{
  return end + (start - end) / 2.0 * (cos (G_PI * pct) + 1.0);
}

void
nn_schedule_at (const NnSchedule *s, guint64 step, guint epoch, double *lr, double *momentum)
{
  switch (s->kind)
    {
    case NN_SCHEDULE_STEP:
      *lr = s->lr * pow (s->gamma, s->step_epochs ? epoch / s->step_epochs : 0);
      *momentum = s->momentum;
      return;
    case NN_SCHEDULE_ONECYCLE:
      {
        const double initial = s->lr / 25.0, min_lr = initial / 1e4;
        const double max_m = 0.95, base_m = 0.85;
        /* PyTorch: phase one ends at step 0.3·total − 1, phase two at total − 1. */
        double end1 = 0.3 * s->total_steps - 1, end2 = (double) s->total_steps - 1;
        double t = (double) step;
        if (t <= end1)
          {
            double pct = end1 > 0 ? t / end1 : 1.0;
            *lr = cos_anneal (initial, s->lr, pct);
            *momentum = cos_anneal (max_m, base_m, pct);
          }
        else
          {
            double pct = end2 > end1 ? MIN (1.0, (t - end1) / (end2 - end1)) : 1.0;
            *lr = cos_anneal (s->lr, min_lr, pct);
            *momentum = cos_anneal (base_m, max_m, pct);
          }
      }
      return;
    case NN_SCHEDULE_CONSTANT:
    default:
      *lr = s->lr;
      *momentum = s->momentum;
      return;
    }
}

void
nn_sgd_step (float *w, const float *g, float *v, gsize n, float lr, float momentum,
             float weight_decay, gboolean nesterov)
{
  for (gsize i = 0; i < n; i++)
    {
      float gi = g[i] + weight_decay * w[i];
      v[i] = momentum * v[i] + gi;
      w[i] -= lr * (nesterov ? gi + momentum * v[i] : v[i]);
    }
}
