/* nn-trainer.c: see nn-trainer.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "nn-arch.h"
#include "nn-error.h"
#include "nn-rng.h"
#include "nn-trainer.h"

struct _NnTrainer {
  NnRecipe         recipe;
  NnDataset       *data;       /* a reference: the data outlives whoever loaded it */
  NnModel         *model;
  float           *x;          /* (batch, 784) */
  guint8          *y;
  guint32         *order;      /* the epoch's permutation */
  float           *test_probs; /* (n_test, 10), the last evaluation's */
  guint            n_test;
  float           *before;     /* the parameters before the step, for the update's size */
  guint            strip_per_epoch, n_strip;
  float           *strip_x;    /* (n_strip, 784) */
  GMutex           lock;
  GCond            resume;
  gboolean         paused;
};

void
nn_recipe_init_default (NnRecipe *r)
{
  memset (r, 0, sizeof *r);
  r->epochs = 20;
  r->batch = 128;
  r->lr = 0.05;
  r->momentum = 0.9;
  r->schedule = NN_SCHEDULE_ONECYCLE;
  r->step_epochs = 8;
  r->gamma = 0.1;
  r->seed = 1;
  r->threads = 2;
  r->rotate_deg = 7;
  r->upright_last = 1;
  r->dropout = NN_DROPOUT_P;
  r->weight_decay = 5e-4;
  r->label_smoothing = 0.05;
  r->nesterov = TRUE;
  r->recalibrate_bn = 10000;
}

void
nn_recipe_init_plain (NnRecipe *r)
{
  memset (r, 0, sizeof *r);
  r->epochs = 20;
  r->batch = 128;
  r->lr = 0.01;
  r->momentum = 0.9;
  r->schedule = NN_SCHEDULE_CONSTANT;
  r->step_epochs = 8;
  r->gamma = 0.1;
  r->seed = 1;
  r->threads = 2;
  r->dropout = NN_DROPOUT_P;
}

void
nn_recipe_init_quick (NnRecipe *r)
{
  nn_recipe_init_default (r);
  r->epochs = 5;
  r->batch = 64;
  r->lr = 0.1;
  r->dropout = 0.05;
}

gboolean
nn_recipe_validate (const NnRecipe *r, GError **error)
{
  const char *bad = NULL;

  if (r->epochs < 1 || r->epochs > 1000)
    bad = _("epochs must be between 1 and 1000");
  else if (r->batch < 1 || r->batch > 4096)
    bad = _("the batch size must be between 1 and 4096");
  else if (!isfinite (r->lr) || r->lr <= 0 || r->lr > 10)
    bad = _("the learning rate must be greater than 0 and at most 10");
  else if (!isfinite (r->momentum) || r->momentum < 0 || r->momentum >= 1)
    bad = _("the momentum must be at least 0 and below 1");
  else if (!isfinite (r->weight_decay) || r->weight_decay < 0 || r->weight_decay > 1)
    bad = _("the weight decay must be between 0 and 1");
  else if (r->threads < 1 || r->threads > 64)
    bad = _("the thread count must be between 1 and 64");
  else if (!isfinite (r->rotate_deg) || r->rotate_deg < 0 || r->rotate_deg > 180)
    bad = _("the rotation must be between 0 and 180 degrees");
  else if (!isfinite (r->label_smoothing) || r->label_smoothing < 0 || r->label_smoothing >= 1)
    bad = _("the label smoothing must be at least 0 and below 1");
  else if (!isfinite (r->dropout) || r->dropout < 0 || r->dropout >= 1)
    bad = _("the dropout must be at least 0 and below 1");
  else if (r->upright_last > r->epochs)
    bad = _("the upright epochs at the end must be from 0 to the number of epochs");
  else if (r->schedule == NN_SCHEDULE_STEP && (r->step_epochs < 1 || !(r->gamma > 0)))
    bad = _("the step schedule needs a step of at least one epoch and a positive gamma");
  if (bad)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, "%s", bad);
      return FALSE;
    }
  if (!isfinite (r->shift_px) || r->shift_px < 0 || r->shift_px > NN_MAX_SHIFT_PX)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                   _("the shift must be between 0 and %d pixels"), NN_MAX_SHIFT_PX);
      return FALSE;
    }
  return TRUE;
}

char *
nn_recipe_to_string (const NnRecipe *r)
{
  char lr[32], mom[32], wd[32], rot[32], ls[32], drop[48] = "", shift[48] = "", upright[48] = "";
  char recal[48] = "";

  /* The levers only some recipes pull, only when pulled (as in the run log). */
  if (r->dropout != NN_DROPOUT_P)
    {
      char p[32];
      g_snprintf (drop, sizeof drop, " dropout=%s", g_ascii_formatd (p, sizeof p, "%g", r->dropout));
    }
  if (r->shift_px > 0)
    {
      char px[32];
      g_snprintf (shift, sizeof shift, " shift=%s", g_ascii_formatd (px, sizeof px, "%g", r->shift_px));
    }
  if (r->upright_last > 0)
    g_snprintf (upright, sizeof upright, " upright_last=%u", r->upright_last);
  if (r->recalibrate_bn > 0)
    g_snprintf (recal, sizeof recal, " recalibrate_bn=%u", r->recalibrate_bn);

  return g_strdup_printf ("epochs=%u batch=%u lr=%s momentum=%s weight_decay=%s schedule=%s "
                          "seed=%" G_GUINT64_FORMAT " threads=%u train_subset=%u rotate=%s"
                          "%s%s%s%s%s%s%s",
                          r->epochs, r->batch, g_ascii_formatd (lr, sizeof lr, "%g", r->lr),
                          g_ascii_formatd (mom, sizeof mom, "%g", r->momentum),
                          g_ascii_formatd (wd, sizeof wd, "%g", r->weight_decay),
                          nn_schedule_name (r->schedule), r->seed, r->threads, r->train_subset,
                          g_ascii_formatd (rot, sizeof rot, "%g", r->rotate_deg),
                          r->label_smoothing > 0 ? " label_smoothing=" : "",
                          r->label_smoothing > 0
                            ? g_ascii_formatd (ls, sizeof ls, "%g", r->label_smoothing) : "",
                          drop, shift, upright, r->nesterov ? " nesterov" : "", recal);
}

NnTrainer *
nn_trainer_new (const NnRecipe *recipe, NnDataset *data, GError **error)
{
  NnTrainer *t;

  g_return_val_if_fail (recipe != NULL && data != NULL, NULL);
  if (!nn_recipe_validate (recipe, error))
    return NULL;
  t = g_new0 (NnTrainer, 1);
  t->recipe = *recipe;
  t->data = nn_dataset_ref (data);
  t->model = nn_model_new (recipe->seed, recipe->batch, recipe->threads, error);
  if (t->model == NULL)
    {
      nn_dataset_unref (t->data);
      g_free (t);
      return NULL;
    }
  nn_model_set_label_smoothing (t->model, (float) recipe->label_smoothing);
  nn_model_set_dropout (t->model, (float) recipe->dropout);
  t->x = g_new (float, (gsize) recipe->batch * NN_IMAGE_SIZE);
  t->y = g_new (guint8, recipe->batch);
  t->order = g_new (guint32, MAX (data->train.n, 1));
  t->n_test = recipe->test_subset ? MIN (recipe->test_subset, data->test.n) : data->test.n;
  t->test_probs = g_new (float, (gsize) MAX (t->n_test, 1) * NN_CLASSES);
  t->before = g_new (float, nn_model_n_params (t->model));
  g_mutex_init (&t->lock);
  g_cond_init (&t->resume);
  return t;
}

void
nn_trainer_free (NnTrainer *t)
{
  if (t == NULL)
    return;
  nn_model_free (t->model);
  nn_dataset_unref (t->data);
  g_free (t->x);
  g_free (t->y);
  g_free (t->order);
  g_free (t->test_probs);
  g_free (t->before);
  g_free (t->strip_x);
  g_mutex_clear (&t->lock);
  g_cond_clear (&t->resume);
  g_free (t);
}

NnModel *
nn_trainer_get_model (NnTrainer *t)
{
  return t->model;
}

const NnRecipe *
nn_trainer_get_recipe (NnTrainer *t)
{
  return &t->recipe;
}

void
nn_trainer_set_strip (NnTrainer *t, guint per_epoch)
{
  guint32 idx[NN_INSPECT_STRIP];
  guint8 y[NN_INSPECT_STRIP];

  t->strip_per_epoch = per_epoch;
  g_clear_pointer (&t->strip_x, g_free);
  t->n_strip = per_epoch ? nn_inspect_choose_strip (&t->data->test, idx) : 0;
  if (t->n_strip == 0)
    return;
  t->strip_x = g_new (float, (gsize) t->n_strip * NN_IMAGE_SIZE);
  nn_split_fill_batch (&t->data->test, idx, t->n_strip, t->strip_x, y, NULL);
}

/* The strip in evaluation mode, in pieces the model's buffers hold. Evaluation touches nothing
 * the next step reads. */
static void
evaluate_strip (NnTrainer *t, float *probs)
{
  for (guint start = 0; start < t->n_strip; start += t->recipe.batch)
    {
      guint m = MIN (t->recipe.batch, t->n_strip - start);
      nn_model_evaluate (t->model, t->strip_x + (gsize) start * NN_IMAGE_SIZE, NULL, m, NULL,
                         NULL, NULL, probs + (gsize) start * NN_CLASSES);
    }
}

void
nn_trainer_set_paused (NnTrainer *t, gboolean paused)
{
  g_mutex_lock (&t->lock);
  t->paused = paused;
  g_cond_broadcast (&t->resume);
  g_mutex_unlock (&t->lock);
}

gboolean
nn_trainer_get_paused (NnTrainer *t)
{
  gboolean p;

  g_mutex_lock (&t->lock);
  p = t->paused;
  g_mutex_unlock (&t->lock);
  return p;
}

/* A training batch, filled in slices on the model's threads: rotating is the one part of a
 * step outside the model, and on one thread it left the other core idle for 7 % of an epoch
 * of the default recipe. Each image's rotation is keyed by its index, so the slices give the
 * same batch as one pass. */
typedef struct {
  const NnSplit  *split;
  const guint32  *indices;
  guint           n, n_slices;
  float          *x;
  guint8         *y;
  const NnAugment *augment;
} BatchFill;

static void
fill_slice (gpointer data, guint slice)
{
  const BatchFill *f = data;
  guint from = (guint) ((guint64) f->n * slice / f->n_slices);
  guint to = (guint) ((guint64) f->n * (slice + 1) / f->n_slices);

  nn_split_fill_batch (f->split, f->indices + from, to - from, f->x + (gsize) from * NN_IMAGE_SIZE,
                       f->y + from, f->augment);
}

/* The recipe's augmentation of an epoch's training images; none in the last upright_last
 * epochs, which see the images as they are, like the test. */
static NnAugment
epoch_augment (const NnRecipe *r, guint epoch)
{
  gboolean upright = epoch + r->upright_last >= r->epochs;
  NnAugment a = { upright ? 0 : r->rotate_deg, upright ? 0 : r->shift_px, r->seed, epoch };
  return a;
}

static void
fill_training_batch (NnTrainer *t, const guint32 *indices, guint n, guint epoch)
{
  NnAugment augment = epoch_augment (&t->recipe, epoch);
  BatchFill f = { &t->data->train, indices, n, MIN (n, nn_model_n_threads (t->model)), t->x, t->y,
                  &augment };

  if ((augment.rotate_deg > 0 || augment.shift_px > 0) && f.n_slices > 1)
    nn_model_run_tasks (t->model, fill_slice, &f, f.n_slices);
  else
    nn_split_fill_batch (f.split, indices, n, t->x, t->y, &augment);
}

/* Waits while paused; wakes on resume, and on cancellation within 100 ms. */
static void
wait_while_paused (NnTrainer *t, GCancellable *cancellable)
{
  g_mutex_lock (&t->lock);
  while (t->paused && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait_until (&t->resume, &t->lock, g_get_monotonic_time () + 100 * 1000);
  g_mutex_unlock (&t->lock);
}

gboolean
nn_evaluate_split (NnModel *model, const NnSplit *split, guint limit, guint batch,
                   double *loss, double *accuracy, guint confusion[NN_CLASSES][NN_CLASSES],
                   float *probs, GCancellable *cancellable)
{
  guint n = limit ? MIN (limit, split->n) : split->n;
  float *x = g_new (float, (gsize) batch * NN_IMAGE_SIZE);
  guint8 *y = g_new (guint8, batch), *pred = g_new (guint8, batch);
  guint32 *idx = g_new (guint32, batch);
  double loss_sum = 0;
  guint correct = 0;

  if (confusion)
    memset (confusion, 0, sizeof (guint) * NN_CLASSES * NN_CLASSES);
  for (guint start = 0; start < n; start += batch)
    {
      guint m = MIN (batch, n - start), ok = 0;
      double l = 0;
      if (g_cancellable_is_cancelled (cancellable))
        break;
      for (guint i = 0; i < m; i++)
        idx[i] = start + i;
      nn_split_fill_batch (split, idx, m, x, y, NULL);
      nn_model_evaluate (model, x, y, m, &l, &ok, pred,
                         probs ? probs + (gsize) start * NN_CLASSES : NULL);
      loss_sum += l;
      correct += ok;
      if (confusion)
        for (guint i = 0; i < m; i++)
          confusion[y[i]][pred[i]]++;
    }
  if (loss)
    *loss = n ? loss_sum / n : 0;
  if (accuracy)
    *accuracy = n ? (double) correct / n : 0;
  g_free (x);
  g_free (y);
  g_free (pred);
  g_free (idx);
  return !g_cancellable_is_cancelled (cancellable);
}

/* Batch norm's running statistics measured again on the first recipe.recalibrate_bn training
 * images, as they are (see NnRecipe); never on more than an epoch trains on (a run on a
 * subset of 256 images measures 256: a short demo stays short). FALSE if cancelled on the
 * way. */
static gboolean
recalibrate_batchnorm (NnTrainer *t, guint n_train, GCancellable *cancellable)
{
  const NnSplit *train = &t->data->train;
  guint n = MIN (t->recipe.recalibrate_bn, n_train), batch = t->recipe.batch;
  g_autofree guint32 *idx = g_new (guint32, batch);

  for (guint start = 0, b = 0; start < n; start += batch, b++)
    {
      guint m = MIN (batch, n - start);
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      for (guint i = 0; i < m; i++)
        idx[i] = start + i;
      nn_split_fill_batch (train, idx, m, t->x, t->y, NULL);
      nn_model_recalibrate_batchnorm (t->model, t->x, m, b);
    }
  return TRUE;
}

gboolean
nn_trainer_run (NnTrainer *t, NnBatchFunc on_batch, NnEpochFunc on_epoch, gpointer user_data,
                GCancellable *cancellable, GError **error)
{
  const NnRecipe *r = &t->recipe;
  const NnSplit *train = &t->data->train;
  guint n_train = r->train_subset ? MIN (r->train_subset, train->n) : train->n;
  guint n_batches = (n_train + r->batch - 1) / r->batch;
  gsize n_params = nn_model_n_params (t->model);
  NnSchedule schedule = { r->schedule, r->lr, r->momentum, r->step_epochs, r->gamma,
                          (guint64) r->epochs * n_batches };
  gint64 run_start = g_get_monotonic_time ();
  guint64 step = 0;

  if (n_train == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("There are no training images."));
      return FALSE;
    }
  for (guint epoch = 0; epoch < r->epochs; epoch++)
    {
      gint64 epoch_start = g_get_monotonic_time ();
      double loss_sum = 0, lr = r->lr, momentum = r->momentum;
      guint correct_sum = 0, seen = 0;
      NnEpochReport report = { 0 };

      /* The subset is the first n_train images of the epoch's permutation of all of them. */
      nn_rng_permutation (t->order, train->n, r->seed, NN_RNG_STREAM_SHUFFLE, epoch);
      for (guint b = 0; b < n_batches; b++, step++)
        {
          guint start = b * r->batch, m = MIN (r->batch, n_train - start), correct = 0;
          double loss = 0;

          wait_while_paused (t, cancellable);
          if (g_cancellable_is_cancelled (cancellable))
            {
              g_set_error (error, NN_ERROR, NN_ERROR_CANCELLED,
                           _("Training stopped at epoch %u, batch %u."), epoch + 1, b + 1);
              return FALSE;
            }
          fill_training_batch (t, t->order + start, m, epoch);
          if (!nn_model_train_step (t->model, t->x, t->y, m, step, &loss, &correct, error))
            return FALSE;
          nn_schedule_at (&schedule, step, epoch, &lr, &momentum);
          memcpy (t->before, nn_model_params (t->model), sizeof (float) * n_params);
          nn_sgd_step (nn_model_params (t->model), nn_model_grads (t->model),
                       nn_model_velocity (t->model), n_params, (float) lr, (float) momentum,
                       (float) r->weight_decay, r->nesterov);
          loss_sum += loss;
          correct_sum += correct;
          seen += m;
          if (on_batch)
            {
              double elapsed = (g_get_monotonic_time () - epoch_start) / 1e6;
              double run_elapsed = (g_get_monotonic_time () - run_start) / 1e6;
              double done = (double) epoch * n_batches + b + 1;
              NnBatchReport br = {
                epoch + 1, r->epochs, b + 1, n_batches, loss / m, (double) correct / m, lr,
                elapsed > 0 ? seen / elapsed : 0,
                run_elapsed / done * ((double) r->epochs * n_batches - done),
              };
              br.n_param_layers = nn_inspect_param_layers (t->model, NULL, 0);
              nn_inspect_layer_norms (t->model, t->before, nn_model_grads (t->model),
                                      br.grad_norm, br.update_ratio);
              if (t->n_strip > 0
                  && (b + 1) * t->strip_per_epoch / n_batches != b * t->strip_per_epoch / n_batches)
                {
                  br.n_strip = t->n_strip;
                  evaluate_strip (t, br.strip_probs);
                }
              on_batch (&br, user_data);
            }
        }
      report.record.epoch = epoch + 1;
      report.record.train_loss = loss_sum / seen;
      report.record.train_acc = (double) correct_sum / seen;
      report.record.lr = lr;
      if (r->recalibrate_bn > 0 && !recalibrate_batchnorm (t, n_train, cancellable))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_CANCELLED,
                       _("Training stopped while testing epoch %u."), epoch + 1);
          return FALSE;
        }
      if (!nn_evaluate_split (t->model, &t->data->test, r->test_subset, r->batch,
                              &report.record.test_loss, &report.record.test_acc,
                              report.record.confusion, t->test_probs, cancellable))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_CANCELLED,
                       _("Training stopped while testing epoch %u."), epoch + 1);
          return FALSE;
        }
      report.test_probs = t->test_probs;
      report.n_test = t->n_test;
      report.model = t->model;
      report.record.seconds = (g_get_monotonic_time () - epoch_start) / 1e6;
      if (on_epoch)
        on_epoch (&report, user_data);
    }
  return TRUE;
}
