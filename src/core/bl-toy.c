/* bl-toy.c: the 2-2-2 teaching network: presets, one iteration forward and backward, runs,
 * and the formulas shown beside every number. See bl-toy.h for the conventions. */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"

G_DEFINE_QUARK (bl-toy-error-quark, bl_toy_error)

/* exp(x) overflows a double beyond this, so σ(−x) would lose every digit. */
#define BL_TOY_MAX_NET_INPUT 709.0
/* Inputs, targets and weights beyond this are not a lesson any more, just overflow. */
#define BL_TOY_MAX_VALUE 1e6
#define BL_TOY_MAX_LR 1e6

static const double default_learning_rates[] = { 0.1, 0.2, 0.5, 0.8, 1.0, 2.0 };

typedef struct {
  const char *name;    /* CSV and CLI name */
  const char *label;   /* shown in the ledger header */
} BlToyColumnInfo;

static const BlToyColumnInfo columns[BL_TOY_N_COLS] = {
  [BL_TOY_COL_T1] = { "t1", "t1" },
  [BL_TOY_COL_T2] = { "t2", "t2" },
  [BL_TOY_COL_I1] = { "i1", "i1" },
  [BL_TOY_COL_I2] = { "i2", "i2" },
  [BL_TOY_COL_W1] = { "w1", "w1" },
  [BL_TOY_COL_W2] = { "w2", "w2" },
  [BL_TOY_COL_W3] = { "w3", "w3" },
  [BL_TOY_COL_W4] = { "w4", "w4" },
  [BL_TOY_COL_B1] = { "b1", "b1" },
  [BL_TOY_COL_H1] = { "h1", "h1" },
  [BL_TOY_COL_A_H1] = { "a_h1", "a_h1" },
  [BL_TOY_COL_H2] = { "h2", "h2" },
  [BL_TOY_COL_A_H2] = { "a_h2", "a_h2" },
  [BL_TOY_COL_W5] = { "w5", "w5" },
  [BL_TOY_COL_W6] = { "w6", "w6" },
  [BL_TOY_COL_W7] = { "w7", "w7" },
  [BL_TOY_COL_W8] = { "w8", "w8" },
  [BL_TOY_COL_B2] = { "b2", "b2" },
  [BL_TOY_COL_O1] = { "o1", "o1" },
  [BL_TOY_COL_A_O1] = { "a_o1", "a_o1" },
  [BL_TOY_COL_O2] = { "o2", "o2" },
  [BL_TOY_COL_A_O2] = { "a_o2", "a_o2" },
  [BL_TOY_COL_E1] = { "E1", "E1" },
  [BL_TOY_COL_E2] = { "E2", "E2" },
  [BL_TOY_COL_E_TOTAL] = { "E_total", "E_total" },
  [BL_TOY_COL_DW1] = { "dE/dw1", "∂E/∂w1" },
  [BL_TOY_COL_DW2] = { "dE/dw2", "∂E/∂w2" },
  [BL_TOY_COL_DW3] = { "dE/dw3", "∂E/∂w3" },
  [BL_TOY_COL_DW4] = { "dE/dw4", "∂E/∂w4" },
  [BL_TOY_COL_DW5] = { "dE/dw5", "∂E/∂w5" },
  [BL_TOY_COL_DW6] = { "dE/dw6", "∂E/∂w6" },
  [BL_TOY_COL_DW7] = { "dE/dw7", "∂E/∂w7" },
  [BL_TOY_COL_DW8] = { "dE/dw8", "∂E/∂w8" },
  [BL_TOY_COL_DB1] = { "dE/db1", "∂E/∂b1" },
  [BL_TOY_COL_DB2] = { "dE/db2", "∂E/∂b2" },
};

static const BlToyColumn weight_columns[8] = {
  BL_TOY_COL_W1, BL_TOY_COL_W2, BL_TOY_COL_W3, BL_TOY_COL_W4,
  BL_TOY_COL_W5, BL_TOY_COL_W6, BL_TOY_COL_W7, BL_TOY_COL_W8,
};

/* ------------------------------------------------------------------------------------------
 * Parameters
 */

void
bl_toy_params_init_preset (BlToyParams *p, BlToyPreset preset)
{
  static const double w0[8] = { 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55 };

  g_return_if_fail (p != NULL);

  memset (p, 0, sizeof *p);
  p->i1 = 0.05;
  p->i2 = 0.10;
  p->t1 = 0.01;
  p->t2 = 0.99;
  memcpy (p->w, w0, sizeof w0);
  if (preset == BL_TOY_PRESET_WITH_BIASES)
    {
      p->has_biases = TRUE;
      p->b1 = 0.35;
      p->b2 = 0.60;
    }
}

const double *
bl_toy_default_learning_rates (guint *n_out)
{
  if (n_out)
    *n_out = G_N_ELEMENTS (default_learning_rates);
  return default_learning_rates;
}

gboolean
bl_toy_parse_double (const char *text, double *out, GError **error)
{
  char *end = NULL;
  double v;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    text = "";
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE, _("A number is needed here."));
      return FALSE;
    }
  v = g_ascii_strtod (text, &end);
  while (end && g_ascii_isspace (*end))
    end++;
  if (end == text || (end && *end != '\0'))
    {
      g_autofree char *shown = g_utf8_make_valid (text, -1);
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s” is not a number (use a dot for decimals, e.g. 0.25)."), shown);
      return FALSE;
    }
  if (isnan (v))
    {
      g_autofree char *shown = g_utf8_make_valid (text, -1);
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE, _("“%s” is not a number."), shown);
      return FALSE;
    }
  /* ERANGE is also underflow (a value nearer 0 than the smallest double, or subnormal): the
   * value given is then the nearest one there is, which is harmless. Overflow is not. */
  if (isinf (v))
    {
      g_autofree char *shown = g_utf8_make_valid (text, -1);
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_OVERFLOW,
                   _("“%s” is too large to compute with."), shown);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
check_value (const char *name, double v, GError **error)
{
  if (!isfinite (v))
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("%s must be a finite number."), name);
      return FALSE;
    }
  if (fabs (v) > BL_TOY_MAX_VALUE)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_OVERFLOW,
                   _("%s = %g is too large: keep values within ±%g."), name, v, BL_TOY_MAX_VALUE);
      return FALSE;
    }
  return TRUE;
}

gboolean
bl_toy_params_validate (const BlToyParams *p, GError **error)
{
  BlToyRow row;
  static const struct { BlToyColumn col; } nets[] = {
    { BL_TOY_COL_H1 }, { BL_TOY_COL_H2 }, { BL_TOY_COL_O1 }, { BL_TOY_COL_O2 },
  };

  g_return_val_if_fail (p != NULL, FALSE);

  if (!check_value ("i1", p->i1, error) || !check_value ("i2", p->i2, error) ||
      !check_value ("t1", p->t1, error) || !check_value ("t2", p->t2, error))
    return FALSE;
  for (guint i = 0; i < 8; i++)
    if (!check_value (columns[weight_columns[i]].name, p->w[i], error))
      return FALSE;
  if (!check_value ("b1", p->b1, error) || !check_value ("b2", p->b2, error))
    return FALSE;
  if (!p->has_biases && (p->b1 != 0.0 || p->b2 != 0.0))
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("b1 and b2 must be 0 in a network without biases."));
      return FALSE;
    }

  bl_toy_compute_row (p, &row);
  for (guint i = 0; i < G_N_ELEMENTS (nets); i++)
    {
      double v = row.v[nets[i].col];
      if (!isfinite (v) || fabs (v) > BL_TOY_MAX_NET_INPUT)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_OVERFLOW,
                       _("These values make %s = %g: σ(%s) overflows (|%s| must stay below %g)."),
                       columns[nets[i].col].name, v, columns[nets[i].col].name,
                       columns[nets[i].col].name, BL_TOY_MAX_NET_INPUT);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
bl_toy_lr_validate (double lr, GError **error)
{
  if (!isfinite (lr) || lr <= 0.0)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("A learning rate must be a number greater than 0."));
      return FALSE;
    }
  if (lr > BL_TOY_MAX_LR)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_OVERFLOW,
                   _("A learning rate of %g is too large (at most %g)."), lr, BL_TOY_MAX_LR);
      return FALSE;
    }
  return TRUE;
}

static double *
param_slot (BlToyParams *p, const char *name)
{
  if (g_str_equal (name, "i1")) return &p->i1;
  if (g_str_equal (name, "i2")) return &p->i2;
  if (g_str_equal (name, "t1")) return &p->t1;
  if (g_str_equal (name, "t2")) return &p->t2;
  if (g_str_equal (name, "b1")) return &p->b1;
  if (g_str_equal (name, "b2")) return &p->b2;
  if (name[0] == 'w' && name[1] >= '1' && name[1] <= '8' && name[2] == '\0')
    return &p->w[name[1] - '1'];
  return NULL;
}

gboolean
bl_toy_params_set (BlToyParams *p, const char *name, double value, GError **error)
{
  double *slot;

  g_return_val_if_fail (p != NULL && name != NULL, FALSE);

  slot = param_slot (p, name);
  if (slot == NULL)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("Unknown quantity “%s”: use i1, i2, t1, t2, w1…w8, b1 or b2."), name);
      return FALSE;
    }
  if (!check_value (name, value, error))
    return FALSE;
  *slot = value;
  /* Giving a bias a value turns the biases on, as in the "With biases" preset. */
  if (slot == &p->b1 || slot == &p->b2)
    p->has_biases = TRUE;
  return TRUE;
}

gboolean
bl_toy_params_set_from_string (BlToyParams *p, const char *assignments, GError **error)
{
  g_auto(GStrv) parts = NULL;
  BlToyParams tmp;

  g_return_val_if_fail (p != NULL && assignments != NULL, FALSE);

  /* Names and numbers are ASCII; anything else is said in a message, which must be text. */
  if (!g_utf8_validate (assignments, -1, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (assignments, -1);
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s” is not of the form name=value."), shown);
      return FALSE;
    }
  tmp = *p;
  parts = g_strsplit (assignments, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_autofree char *name = NULL;
      const char *eq;
      double v;

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      eq = strchr (parts[i], '=');
      if (eq == NULL)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                       _("“%s” is not of the form name=value."), parts[i]);
          return FALSE;
        }
      name = g_strstrip (g_strndup (parts[i], eq - parts[i]));
      if (!bl_toy_parse_double (eq + 1, &v, error))
        {
          g_prefix_error (error, "%s: ", name);
          return FALSE;
        }
      if (!bl_toy_params_set (&tmp, name, v, error))
        return FALSE;
    }
  *p = tmp;   /* all or nothing */
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * One iteration
 */

static inline double
sigmoid (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

gboolean
bl_toy_compute_row (const BlToyParams *p, BlToyRow *row)
{
  double *v = row->v;
  const double *w = p->w;
  double d_o1, d_o2, d_h1, d_h2;
  gboolean finite = TRUE;

  v[BL_TOY_COL_T1] = p->t1;
  v[BL_TOY_COL_T2] = p->t2;
  v[BL_TOY_COL_I1] = p->i1;
  v[BL_TOY_COL_I2] = p->i2;
  for (guint i = 0; i < 8; i++)
    v[weight_columns[i]] = w[i];
  v[BL_TOY_COL_B1] = p->b1;
  v[BL_TOY_COL_B2] = p->b2;

  /* Forward. Without biases b1 = b2 = 0 is never added, so the numbers are exactly the
   * spreadsheet's. */
  v[BL_TOY_COL_H1] = w[0] * p->i1 + w[1] * p->i2;
  v[BL_TOY_COL_H2] = w[2] * p->i1 + w[3] * p->i2;
  if (p->has_biases)
    {
      v[BL_TOY_COL_H1] += p->b1;
      v[BL_TOY_COL_H2] += p->b1;
    }
  v[BL_TOY_COL_A_H1] = sigmoid (v[BL_TOY_COL_H1]);
  v[BL_TOY_COL_A_H2] = sigmoid (v[BL_TOY_COL_H2]);
  v[BL_TOY_COL_O1] = w[4] * v[BL_TOY_COL_A_H1] + w[5] * v[BL_TOY_COL_A_H2];
  v[BL_TOY_COL_O2] = w[6] * v[BL_TOY_COL_A_H1] + w[7] * v[BL_TOY_COL_A_H2];
  if (p->has_biases)
    {
      v[BL_TOY_COL_O1] += p->b2;
      v[BL_TOY_COL_O2] += p->b2;
    }
  v[BL_TOY_COL_A_O1] = sigmoid (v[BL_TOY_COL_O1]);
  v[BL_TOY_COL_A_O2] = sigmoid (v[BL_TOY_COL_O2]);
  v[BL_TOY_COL_E1] = 0.5 * (p->t1 - v[BL_TOY_COL_A_O1]) * (p->t1 - v[BL_TOY_COL_A_O1]);
  v[BL_TOY_COL_E2] = 0.5 * (p->t2 - v[BL_TOY_COL_A_O2]) * (p->t2 - v[BL_TOY_COL_A_O2]);
  v[BL_TOY_COL_E_TOTAL] = v[BL_TOY_COL_E1] + v[BL_TOY_COL_E2];

  /* Backward: δ_o = ∂E/∂o = (a_o − t)·a_o(1 − a_o); δ_h = (Σ δ_o·w)·a_h(1 − a_h). */
  d_o1 = (v[BL_TOY_COL_A_O1] - p->t1) * v[BL_TOY_COL_A_O1] * (1.0 - v[BL_TOY_COL_A_O1]);
  d_o2 = (v[BL_TOY_COL_A_O2] - p->t2) * v[BL_TOY_COL_A_O2] * (1.0 - v[BL_TOY_COL_A_O2]);
  d_h1 = (d_o1 * w[4] + d_o2 * w[6]) * v[BL_TOY_COL_A_H1] * (1.0 - v[BL_TOY_COL_A_H1]);
  d_h2 = (d_o1 * w[5] + d_o2 * w[7]) * v[BL_TOY_COL_A_H2] * (1.0 - v[BL_TOY_COL_A_H2]);
  v[BL_TOY_COL_DW1] = d_h1 * p->i1;
  v[BL_TOY_COL_DW2] = d_h1 * p->i2;
  v[BL_TOY_COL_DW3] = d_h2 * p->i1;
  v[BL_TOY_COL_DW4] = d_h2 * p->i2;
  v[BL_TOY_COL_DW5] = d_o1 * v[BL_TOY_COL_A_H1];
  v[BL_TOY_COL_DW6] = d_o1 * v[BL_TOY_COL_A_H2];
  v[BL_TOY_COL_DW7] = d_o2 * v[BL_TOY_COL_A_H1];
  v[BL_TOY_COL_DW8] = d_o2 * v[BL_TOY_COL_A_H2];
  /* A shared bias feeds both units of its layer, so its gradient is the sum. */
  v[BL_TOY_COL_DB1] = p->has_biases ? d_h1 + d_h2 : 0.0;
  v[BL_TOY_COL_DB2] = p->has_biases ? d_o1 + d_o2 : 0.0;

  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    finite &= isfinite (v[c]) != 0;
  return finite;
}

void
bl_toy_apply_update (BlToyParams *p, const BlToyRow *row, double lr)
{
  for (guint i = 0; i < 8; i++)
    p->w[i] = p->w[i] - lr * row->v[BL_TOY_COL_DW1 + i];
  if (p->has_biases && p->train_biases)
    {
      p->b1 = p->b1 - lr * row->v[BL_TOY_COL_DB1];
      p->b2 = p->b2 - lr * row->v[BL_TOY_COL_DB2];
    }
}

double
bl_toy_loss (const BlToyParams *p)
{
  BlToyRow row;

  bl_toy_compute_row (p, &row);
  return row.v[BL_TOY_COL_E_TOTAL];
}

static double *
param_for_column (BlToyParams *p, BlToyColumn col)
{
  if (col >= BL_TOY_COL_W1 && col <= BL_TOY_COL_W4)
    return &p->w[col - BL_TOY_COL_W1];
  if (col >= BL_TOY_COL_W5 && col <= BL_TOY_COL_W8)
    return &p->w[4 + col - BL_TOY_COL_W5];
  if (col == BL_TOY_COL_B1)
    return &p->b1;
  if (col == BL_TOY_COL_B2)
    return &p->b2;
  return NULL;
}

double
bl_toy_numeric_gradient (const BlToyParams *p, BlToyColumn col, double h)
{
  BlToyParams plus = *p, minus = *p;
  double *vp = param_for_column (&plus, col);
  double *vm = param_for_column (&minus, col);

  g_return_val_if_fail (vp != NULL && vm != NULL, NAN);

  *vp += h;
  *vm -= h;
  return (bl_toy_loss (&plus) - bl_toy_loss (&minus)) / (2.0 * h);
}

/* ------------------------------------------------------------------------------------------
 * Runs
 */

BlToyRun *
bl_toy_run_new (const BlToyParams *init, double lr)
{
  BlToyRun *run;

  g_return_val_if_fail (init != NULL, NULL);

  run = g_new0 (BlToyRun, 1);
  run->init = *init;
  run->lr = lr;
  run->n_rows_alloc = BL_TOY_CHECKPOINT_EVERY;
  run->loss = g_new (double, run->n_rows_alloc);
  run->snapshots = g_new (BlToyParams, run->n_rows_alloc / BL_TOY_CHECKPOINT_EVERY + 1);
  run->snapshots[0] = *init;
  run->last_params = *init;
  if (!bl_toy_compute_row (init, &run->last_row))
    {
      run->stop = BL_TOY_STOP_NONFINITE;
      run->stop_row = 0;
    }
  run->loss[0] = run->last_row.v[BL_TOY_COL_E_TOTAL];
  run->n_rows = 1;
  return run;
}

void
bl_toy_run_free (BlToyRun *run)
{
  if (run == NULL)
    return;
  g_free (run->loss);
  g_free (run->snapshots);
  g_free (run);
}

static void
run_reserve (BlToyRun *run, guint n_rows)
{
  guint n = run->n_rows_alloc;

  if (n_rows <= n)
    return;
  while (n < n_rows)
    n = n > G_MAXUINT / 2 ? G_MAXUINT : n * 2;
  run->loss = g_renew (double, run->loss, n);
  run->snapshots = g_renew (BlToyParams, run->snapshots, n / BL_TOY_CHECKPOINT_EVERY + 1);
  run->n_rows_alloc = n;
}

void
bl_toy_run_compute (BlToyRun *run, guint iterations)
{
  guint target;

  g_return_if_fail (run != NULL);
  g_return_if_fail (iterations < G_MAXUINT);

  target = iterations + 1;
  if (target < run->n_rows)
    {
      BlToyParams p;

      /* Look the row up while the old last row is still the run's end. */
      bl_toy_run_get_params (run, target - 1, &p);
      run->n_rows = target;
      run->last_params = p;
      bl_toy_compute_row (&run->last_params, &run->last_row);
      if (run->stop != BL_TOY_STOP_NONE && run->stop_row >= target)
        run->stop = BL_TOY_STOP_NONE;
      return;
    }
  if (run->stop != BL_TOY_STOP_NONE)
    return;

  run_reserve (run, target);
  for (guint k = run->n_rows; k < target; k++)
    {
      /* Row k uses the parameters after k updates: one step from row k − 1. */
      bl_toy_apply_update (&run->last_params, &run->last_row, run->lr);
      if (k % BL_TOY_CHECKPOINT_EVERY == 0)
        run->snapshots[k / BL_TOY_CHECKPOINT_EVERY] = run->last_params;
      gboolean finite = bl_toy_compute_row (&run->last_params, &run->last_row);
      run->loss[k] = run->last_row.v[BL_TOY_COL_E_TOTAL];
      run->n_rows = k + 1;
      if (!finite)
        {
          run->stop = BL_TOY_STOP_NONFINITE;
          run->stop_row = k;
          break;
        }
    }
}

void
bl_toy_run_get_params (const BlToyRun *run, guint k, BlToyParams *out)
{
  BlToyRow row;
  guint start;

  g_return_if_fail (run != NULL && out != NULL);
  g_return_if_fail (k < run->n_rows);

  if (k == run->n_rows - 1)
    {
      *out = run->last_params;
      return;
    }
  /* Replay from the nearest snapshot with the very same operations: bit-identical. */
  start = k - k % BL_TOY_CHECKPOINT_EVERY;
  *out = run->snapshots[start / BL_TOY_CHECKPOINT_EVERY];
  for (guint j = start; j < k; j++)
    {
      bl_toy_compute_row (out, &row);
      bl_toy_apply_update (out, &row, run->lr);
    }
}

void
bl_toy_run_get_row (const BlToyRun *run, guint k, BlToyRow *out)
{
  BlToyParams p;

  g_return_if_fail (run != NULL && out != NULL);
  g_return_if_fail (k < run->n_rows);

  if (k == run->n_rows - 1)
    {
      *out = run->last_row;
      return;
    }
  bl_toy_run_get_params (run, k, &p);
  bl_toy_compute_row (&p, out);
}

gint64
bl_toy_run_rows_to_reach (const BlToyRun *run, double eps)
{
  g_return_val_if_fail (run != NULL, -1);

  for (guint k = 0; k < run->n_rows; k++)
    if (run->loss[k] < eps)
      return k;
  return -1;
}

/* ------------------------------------------------------------------------------------------
 * Columns and formulas
 */

gboolean
bl_toy_column_visible (BlToyColumn col, gboolean has_biases)
{
  if (col >= BL_TOY_N_COLS)
    return FALSE;
  if (col == BL_TOY_COL_B1 || col == BL_TOY_COL_B2 ||
      col == BL_TOY_COL_DB1 || col == BL_TOY_COL_DB2)
    return has_biases;
  return TRUE;
}

const char *
bl_toy_column_name (BlToyColumn col)
{
  g_return_val_if_fail (col < BL_TOY_N_COLS, NULL);
  return columns[col].name;
}

const char *
bl_toy_column_label (BlToyColumn col)
{
  g_return_val_if_fail (col < BL_TOY_N_COLS, NULL);
  return columns[col].label;
}

gboolean
bl_toy_column_from_name (const char *name, BlToyColumn *out)
{
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    if (g_strcmp0 (name, columns[c].name) == 0 || g_strcmp0 (name, columns[c].label) == 0)
      {
        *out = c;
        return TRUE;
      }
  return FALSE;
}

gboolean
bl_toy_column_is_gradient (BlToyColumn col)
{
  return col >= BL_TOY_COL_DW1 && col <= BL_TOY_COL_DB2;
}

gboolean
bl_toy_column_is_param (BlToyColumn col)
{
  return (col >= BL_TOY_COL_W1 && col <= BL_TOY_COL_B1) ||
         (col >= BL_TOY_COL_W5 && col <= BL_TOY_COL_B2);
}

BlToyColumn
bl_toy_param_gradient (BlToyColumn param)
{
  if (param >= BL_TOY_COL_W1 && param <= BL_TOY_COL_W4)
    return BL_TOY_COL_DW1 + (param - BL_TOY_COL_W1);
  if (param >= BL_TOY_COL_W5 && param <= BL_TOY_COL_W8)
    return BL_TOY_COL_DW5 + (param - BL_TOY_COL_W5);
  if (param == BL_TOY_COL_B1)
    return BL_TOY_COL_DB1;
  if (param == BL_TOY_COL_B2)
    return BL_TOY_COL_DB2;
  g_return_val_if_reached (BL_TOY_N_COLS);
}

/* The parameter a gradient column differentiates by. */
static BlToyColumn
gradient_param (BlToyColumn grad)
{
  if (grad >= BL_TOY_COL_DW1 && grad <= BL_TOY_COL_DW4)
    return BL_TOY_COL_W1 + (grad - BL_TOY_COL_DW1);
  if (grad >= BL_TOY_COL_DW5 && grad <= BL_TOY_COL_DW8)
    return BL_TOY_COL_W5 + (grad - BL_TOY_COL_DW5);
  return grad == BL_TOY_COL_DB1 ? BL_TOY_COL_B1 : BL_TOY_COL_B2;
}

/* Index pairs for the unit-level formulas: hidden unit j (0, 1) reads weights w[2j], w[2j+1];
 * output unit j reads w[4+2j], w[5+2j]. */
typedef struct {
  BlToyColumn net, act, target, err;     /* output units: o, a_o, t, E */
  BlToyColumn w_a, w_b;                  /* the unit's two incoming weights */
} BlToyUnit;

static const BlToyUnit hidden_units[2] = {
  { BL_TOY_COL_H1, BL_TOY_COL_A_H1, 0, 0, BL_TOY_COL_W1, BL_TOY_COL_W2 },
  { BL_TOY_COL_H2, BL_TOY_COL_A_H2, 0, 0, BL_TOY_COL_W3, BL_TOY_COL_W4 },
};
static const BlToyUnit output_units[2] = {
  { BL_TOY_COL_O1, BL_TOY_COL_A_O1, BL_TOY_COL_T1, BL_TOY_COL_E1, BL_TOY_COL_W5, BL_TOY_COL_W6 },
  { BL_TOY_COL_O2, BL_TOY_COL_A_O2, BL_TOY_COL_T2, BL_TOY_COL_E2, BL_TOY_COL_W7, BL_TOY_COL_W8 },
};

static const BlToyUnit *
unit_of (BlToyColumn col, gboolean *is_output)
{
  for (guint j = 0; j < 2; j++)
    {
      if (col == hidden_units[j].net || col == hidden_units[j].act)
        {
          *is_output = FALSE;
          return &hidden_units[j];
        }
      if (col == output_units[j].net || col == output_units[j].act || col == output_units[j].err)
        {
          *is_output = TRUE;
          return &output_units[j];
        }
    }
  return NULL;
}

#define N(c) columns[c].name

char *
bl_toy_formula (BlToyColumn col, gboolean has_biases)
{
  gboolean is_output = FALSE;
  const BlToyUnit *u;

  g_return_val_if_fail (col < BL_TOY_N_COLS, NULL);

  switch (col)
    {
    case BL_TOY_COL_T1: case BL_TOY_COL_T2:
      return g_strdup_printf (_("%s: the target output (given)"), N (col));
    case BL_TOY_COL_I1: case BL_TOY_COL_I2:
      return g_strdup_printf (_("%s: the input (given)"), N (col));
    case BL_TOY_COL_E_TOTAL:
      return g_strdup ("E_total = E1 + E2");
    default:
      break;
    }

  if (bl_toy_column_is_param (col))
    return g_strdup_printf (_("%s = %s′ − η · ∂E_total/∂%s′   (′: the row above; row 0: the "
                              "initial value)"), N (col), N (col), N (col));

  if (bl_toy_column_is_gradient (col))
    {
      switch (col)
        {
        case BL_TOY_COL_DW5: case BL_TOY_COL_DW6: case BL_TOY_COL_DW7: case BL_TOY_COL_DW8:
          {
            const BlToyUnit *o = &output_units[(col - BL_TOY_COL_DW5) / 2];
            BlToyColumn a_h = (col - BL_TOY_COL_DW5) % 2 == 0 ? BL_TOY_COL_A_H1 : BL_TOY_COL_A_H2;
            return g_strdup_printf ("∂E_total/∂%s = (%s − %s) · %s · (1 − %s) · %s",
                                    N (gradient_param (col)), N (o->act), N (o->target),
                                    N (o->act), N (o->act), N (a_h));
          }
        case BL_TOY_COL_DW1: case BL_TOY_COL_DW2: case BL_TOY_COL_DW3: case BL_TOY_COL_DW4:
          {
            guint j = (col - BL_TOY_COL_DW1) / 2;
            const BlToyUnit *h = &hidden_units[j];
            BlToyColumn in = (col - BL_TOY_COL_DW1) % 2 == 0 ? BL_TOY_COL_I1 : BL_TOY_COL_I2;
            return g_strdup_printf ("∂E_total/∂%s = (δo1 · %s + δo2 · %s) · %s · (1 − %s) · %s,   "
                                    "δok = (a_ok − tk) · a_ok · (1 − a_ok)",
                                    N (gradient_param (col)), j == 0 ? "w5" : "w6",
                                    j == 0 ? "w7" : "w8", N (h->act), N (h->act), N (in));
          }
        case BL_TOY_COL_DB1:
          return g_strdup ("∂E_total/∂b1 = δh1 + δh2,   δh1 = (δo1 · w5 + δo2 · w7) · a_h1 · "
                           "(1 − a_h1),   δh2 = (δo1 · w6 + δo2 · w8) · a_h2 · (1 − a_h2)");
        case BL_TOY_COL_DB2:
          return g_strdup ("∂E_total/∂b2 = δo1 + δo2,   δok = (a_ok − tk) · a_ok · (1 − a_ok)");
        default:
          g_return_val_if_reached (NULL);
        }
    }

  u = unit_of (col, &is_output);
  g_return_val_if_fail (u != NULL, NULL);
  if (col == u->act)
    return g_strdup_printf ("%s = σ(%s) = 1 / (1 + e^(−%s))", N (col), N (u->net), N (u->net));
  if (is_output && col == u->err)
    return g_strdup_printf ("%s = ½ · (%s − %s)²", N (col), N (u->target), N (u->act));
  if (is_output)
    return g_strdup_printf ("%s = %s · a_h1 + %s · a_h2%s", N (col), N (u->w_a), N (u->w_b),
                            has_biases ? " + b2" : "");
  return g_strdup_printf ("%s = %s · i1 + %s · i2%s", N (col), N (u->w_a), N (u->w_b),
                          has_biases ? " + b1" : "");
}

/* Numbers in substitutions: enough digits to recompute by hand, few enough to read. */
#define G "%.9g"


/* printf writes negative numbers as "-0.02"; in a formula they read "(−0.02)", and after "="
 * plainly "−0.02". The operators in our templates are already U+2212, so every ASCII '-' left
 * is a number's sign or an exponent's. */
static char *
pretty_minus (char *text)
{
  g_autoptr(GRegex) after_eq = g_regex_new ("= -", 0, 0, NULL);
  g_autoptr(GRegex) operand = g_regex_new ("(^|[^0-9eE.])-([0-9][0-9.]*(?:e[-+][0-9]+)?)",
                                           0, 0, NULL);
  char *a = g_regex_replace_literal (after_eq, text, -1, 0, "= −", 0, NULL);
  char *b = g_regex_replace (operand, a, -1, 0, "\\1(−\\2)", 0, NULL);

  g_free (text);
  g_free (a);
  return b;
}

static char *formula_substituted_raw (BlToyColumn col, const BlToyParams *p, const BlToyRow *row,
                                      const BlToyRow *prev, double lr);

char *
bl_toy_formula_substituted (BlToyColumn col, const BlToyParams *p, const BlToyRow *row,
                            const BlToyRow *prev, double lr)
{
  g_return_val_if_fail (col < BL_TOY_N_COLS && p != NULL && row != NULL, NULL);
  return pretty_minus (formula_substituted_raw (col, p, row, prev, lr));
}

static char *
formula_substituted_raw (BlToyColumn col, const BlToyParams *p, const BlToyRow *row,
                            const BlToyRow *prev, double lr)
{
  const double *v = row->v;
  gboolean is_output = FALSE;
  const BlToyUnit *u;

  g_return_val_if_fail (col < BL_TOY_N_COLS && p != NULL && row != NULL, NULL);

  switch (col)
    {
    case BL_TOY_COL_T1: case BL_TOY_COL_T2: case BL_TOY_COL_I1: case BL_TOY_COL_I2:
      return g_strdup_printf ("%s = " G, N (col), v[col]);
    case BL_TOY_COL_E_TOTAL:
      return g_strdup_printf ("E_total = " G " + " G " = " G, v[BL_TOY_COL_E1], v[BL_TOY_COL_E2],
                              v[col]);
    default:
      break;
    }

  if (bl_toy_column_is_param (col))
    {
      BlToyColumn g = bl_toy_param_gradient (col);
      gboolean frozen = (col == BL_TOY_COL_B1 || col == BL_TOY_COL_B2) && !p->train_biases;
      if (prev == NULL)
        return g_strdup_printf (_("%s = " G "   (initial value)"), N (col), v[col]);
      if (frozen)
        return g_strdup_printf (_("%s = " G "   (frozen: biases are not trained)"), N (col),
                                v[col]);
      return g_strdup_printf ("%s = " G " − " G " · " G " = " G, N (col), prev->v[col], lr,
                              prev->v[g], v[col]);
    }

  if (bl_toy_column_is_gradient (col))
    {
      double d_o1 = (v[BL_TOY_COL_A_O1] - v[BL_TOY_COL_T1]) * v[BL_TOY_COL_A_O1] *
                    (1 - v[BL_TOY_COL_A_O1]);
      double d_o2 = (v[BL_TOY_COL_A_O2] - v[BL_TOY_COL_T2]) * v[BL_TOY_COL_A_O2] *
                    (1 - v[BL_TOY_COL_A_O2]);
      switch (col)
        {
        case BL_TOY_COL_DW5: case BL_TOY_COL_DW6: case BL_TOY_COL_DW7: case BL_TOY_COL_DW8:
          {
            const BlToyUnit *o = &output_units[(col - BL_TOY_COL_DW5) / 2];
            BlToyColumn a_h = (col - BL_TOY_COL_DW5) % 2 == 0 ? BL_TOY_COL_A_H1 : BL_TOY_COL_A_H2;
            return g_strdup_printf ("∂E_total/∂%s = (" G " − " G ") · " G " · (1 − " G ") · " G
                                    " = " G, N (gradient_param (col)), v[o->act], v[o->target],
                                    v[o->act], v[o->act], v[a_h], v[col]);
          }
        case BL_TOY_COL_DW1: case BL_TOY_COL_DW2: case BL_TOY_COL_DW3: case BL_TOY_COL_DW4:
          {
            guint j = (col - BL_TOY_COL_DW1) / 2;
            const BlToyUnit *h = &hidden_units[j];
            BlToyColumn in = (col - BL_TOY_COL_DW1) % 2 == 0 ? BL_TOY_COL_I1 : BL_TOY_COL_I2;
            BlToyColumn wa = j == 0 ? BL_TOY_COL_W5 : BL_TOY_COL_W6;
            BlToyColumn wb = j == 0 ? BL_TOY_COL_W7 : BL_TOY_COL_W8;
            return g_strdup_printf ("∂E_total/∂%s = (" G " · " G " + " G " · " G ") · " G
                                    " · (1 − " G ") · " G " = " G, N (gradient_param (col)),
                                    d_o1, v[wa], d_o2, v[wb], v[h->act], v[h->act], v[in],
                                    v[col]);
          }
        case BL_TOY_COL_DB1:
          {
            double d_h1 = (d_o1 * v[BL_TOY_COL_W5] + d_o2 * v[BL_TOY_COL_W7]) *
                          v[BL_TOY_COL_A_H1] * (1 - v[BL_TOY_COL_A_H1]);
            double d_h2 = (d_o1 * v[BL_TOY_COL_W6] + d_o2 * v[BL_TOY_COL_W8]) *
                          v[BL_TOY_COL_A_H2] * (1 - v[BL_TOY_COL_A_H2]);
            return g_strdup_printf ("∂E_total/∂b1 = " G " + " G " = " G, d_h1, d_h2, v[col]);
          }
        case BL_TOY_COL_DB2:
          return g_strdup_printf ("∂E_total/∂b2 = " G " + " G " = " G, d_o1, d_o2, v[col]);
        default:
          g_return_val_if_reached (NULL);
        }
    }

  u = unit_of (col, &is_output);
  g_return_val_if_fail (u != NULL, NULL);
  if (col == u->act)
    return g_strdup_printf ("%s = 1 / (1 + e^(−" G ")) = " G, N (col), v[u->net], v[col]);
  if (is_output && col == u->err)
    return g_strdup_printf ("%s = ½ · (" G " − " G ")² = " G, N (col), v[u->target], v[u->act],
                            v[col]);
  if (is_output)
    {
      if (p->has_biases)
        return g_strdup_printf ("%s = " G " · " G " + " G " · " G " + " G " = " G, N (col),
                                v[u->w_a], v[BL_TOY_COL_A_H1], v[u->w_b], v[BL_TOY_COL_A_H2],
                                v[BL_TOY_COL_B2], v[col]);
      return g_strdup_printf ("%s = " G " · " G " + " G " · " G " = " G, N (col), v[u->w_a],
                              v[BL_TOY_COL_A_H1], v[u->w_b], v[BL_TOY_COL_A_H2], v[col]);
    }
  if (p->has_biases)
    return g_strdup_printf ("%s = " G " · " G " + " G " · " G " + " G " = " G, N (col),
                            v[u->w_a], v[BL_TOY_COL_I1], v[u->w_b], v[BL_TOY_COL_I2],
                            v[BL_TOY_COL_B1], v[col]);
  return g_strdup_printf ("%s = " G " · " G " + " G " · " G " = " G, N (col), v[u->w_a],
                          v[BL_TOY_COL_I1], v[u->w_b], v[BL_TOY_COL_I2], v[col]);
}

/* One chain factor per line: "∂E_total/∂a_o1 = a_o1 − t1 = 0.7414" etc. */
static void
append_output_path (GString *s, const BlToyUnit *o, const double *v)
{
  g_string_append_printf (s, "  ∂E_total/∂%s = %s − %s = " G "\n", N (o->act), N (o->act),
                          N (o->target), v[o->act] - v[o->target]);
  g_string_append_printf (s, "  ∂%s/∂%s = %s · (1 − %s) = " G "\n", N (o->act), N (o->net),
                          N (o->act), N (o->act), v[o->act] * (1 - v[o->act]));
}

char *
bl_toy_chain_rule (BlToyColumn col, const BlToyParams *p, const BlToyRow *row)
{
  const double *v = row->v;
  GString *s;
  BlToyColumn param;

  g_return_val_if_fail (p != NULL && row != NULL, NULL);
  if (!bl_toy_column_is_gradient (col))
    return NULL;

  param = gradient_param (col);
  s = g_string_new (NULL);
  if (col >= BL_TOY_COL_DW5 && col <= BL_TOY_COL_DW8)
    {
      const BlToyUnit *o = &output_units[(col - BL_TOY_COL_DW5) / 2];
      BlToyColumn a_h = (col - BL_TOY_COL_DW5) % 2 == 0 ? BL_TOY_COL_A_H1 : BL_TOY_COL_A_H2;
      g_string_append_printf (s, "∂E_total/∂%s = ∂E_total/∂%s · ∂%s/∂%s · ∂%s/∂%s\n", N (param),
                              N (o->act), N (o->act), N (o->net), N (o->net), N (param));
      append_output_path (s, o, v);
      g_string_append_printf (s, "  ∂%s/∂%s = %s = " G "\n", N (o->net), N (param), N (a_h),
                              v[a_h]);
    }
  else if (col == BL_TOY_COL_DB2)
    {
      g_string_append (s, _("b2 feeds both outputs, so both paths add up:\n"));
      g_string_append (s, "∂E_total/∂b2 = Σk ∂E_total/∂a_ok · ∂a_ok/∂ok · ∂ok/∂b2\n");
      append_output_path (s, &output_units[0], v);
      append_output_path (s, &output_units[1], v);
      g_string_append (s, "  ∂ok/∂b2 = 1\n");
    }
  else
    {
      /* Through a hidden unit: the error reaches it along both outputs. */
      guint j = col == BL_TOY_COL_DB1 ? 0 : (col - BL_TOY_COL_DW1) / 2;
      guint last = col == BL_TOY_COL_DB1 ? 1 : j;

      g_string_append_printf (s, "∂E_total/∂%s = Σ ∂E_total/∂a_h · ∂a_h/∂h · ∂h/∂%s\n",
                              N (param), N (param));
      append_output_path (s, &output_units[0], v);
      append_output_path (s, &output_units[1], v);
      for (guint h = j; h <= last; h++)
        {
          const BlToyUnit *hu = &hidden_units[h];
          BlToyColumn w_o1 = h == 0 ? BL_TOY_COL_W5 : BL_TOY_COL_W6;
          BlToyColumn w_o2 = h == 0 ? BL_TOY_COL_W7 : BL_TOY_COL_W8;
          double d_o1 = (v[BL_TOY_COL_A_O1] - v[BL_TOY_COL_T1]) * v[BL_TOY_COL_A_O1] *
                        (1 - v[BL_TOY_COL_A_O1]);
          double d_o2 = (v[BL_TOY_COL_A_O2] - v[BL_TOY_COL_T2]) * v[BL_TOY_COL_A_O2] *
                        (1 - v[BL_TOY_COL_A_O2]);
          g_string_append_printf (s, "  ∂E_total/∂%s = δo1 · %s + δo2 · %s = " G "\n",
                                  N (hu->act), N (w_o1), N (w_o2),
                                  d_o1 * v[w_o1] + d_o2 * v[w_o2]);
          g_string_append_printf (s, "  ∂%s/∂%s = %s · (1 − %s) = " G "\n", N (hu->act),
                                  N (hu->net), N (hu->act), N (hu->act),
                                  v[hu->act] * (1 - v[hu->act]));
        }
      if (col == BL_TOY_COL_DB1)
        g_string_append (s, "  ∂h1/∂b1 = ∂h2/∂b1 = 1\n");
      else
        {
          BlToyColumn in = (col - BL_TOY_COL_DW1) % 2 == 0 ? BL_TOY_COL_I1 : BL_TOY_COL_I2;
          g_string_append_printf (s, "  ∂%s/∂%s = %s = " G "\n", N (hidden_units[j].net),
                                  N (param), N (in), v[in]);
        }
    }
  g_string_append_printf (s, "= " G, v[col]);
  return pretty_minus (g_string_free (s, FALSE));
}

gboolean
bl_toy_parse_iterations (const char *text, guint *out, GError **error)
{
  guint64 v;

  g_return_val_if_fail (out != NULL, FALSE);
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, BL_TOY_MAX_ITERATIONS, &v, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (text ? text : "", -1);
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("“%s” is not a number of iterations from 0 to %u (each rate keeps every "
                     "row's loss, and its ledger grows by ~650 bytes a row)."), shown,
                   BL_TOY_MAX_ITERATIONS);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

GArray *
bl_toy_parse_learning_rates (const char *text, guint max_count, GError **error)
{
  g_autoptr(GArray) rates = g_array_new (FALSE, FALSE, sizeof (double));
  const char *p = text ? text : "";

  /* Split by hand on ASCII separators: any byte string, valid UTF-8 or not, is split the same
   * way, and what is not a number is said so by bl_toy_parse_double. */
  for (;;)
    {
      g_autofree char *part = NULL;
      gsize n;
      double lr;

      while (*p == ',' || *p == ';' || g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      for (n = 0; p[n] != '\0' && p[n] != ',' && p[n] != ';' && !g_ascii_isspace (p[n]); n++)
        ;
      part = g_strndup (p, n);
      p += n;
      if (!bl_toy_parse_double (part, &lr, error) || !bl_toy_lr_validate (lr, error))
        return NULL;
      if (rates->len == max_count)
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                       ngettext ("At most %u learning rate.", "At most %u learning rates.",
                                 max_count), max_count);
          return NULL;
        }
      g_array_append_val (rates, lr);
    }
  if (rates->len == 0)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("Give one or more learning rates, e.g. 0.1, 0.5, 2."));
      return NULL;
    }
  return g_steal_pointer (&rates);
}
