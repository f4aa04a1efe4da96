/* bl-toy.c: the 2-2-2 teaching network: presets, one iteration forward and backward, runs,
 * and the formulas shown beside every number. See bl-toy.h for the conventions. */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"
#include "core/bl-toy-desc.h"

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
  if ((guint) p->act_hidden >= BL_TOY_N_ACTS || (guint) p->act_output >= BL_TOY_N_ACTS)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("Unknown activation: use sigmoid, tanh or relu."));
      return FALSE;
    }
  if ((guint) p->update_order > BL_TOY_ORDER_OUTPUT_FIRST || p->forget_path > 2)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_INVALID,
                   _("Unknown update order or path: the order is simultaneous or output-first, "
                     "the path left out 0, 1 or 2."));
      return FALSE;
    }
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

char *
bl_toy_params_describe (const BlToyParams *p)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (p != NULL, NULL);

  if (p->act_hidden != BL_TOY_ACT_SIGMOID || p->act_output != BL_TOY_ACT_SIGMOID)
    g_ptr_array_add (parts, g_strdup_printf (_("hidden units %s, outputs %s"),
                                             bl_toy_activation_name (p->act_hidden),
                                             bl_toy_activation_name (p->act_output)));
  if (p->update_order == BL_TOY_ORDER_OUTPUT_FIRST)
    g_ptr_array_add (parts, g_strdup (_("hidden gradients from the updated w5…w8")));
  if (p->forget_path)
    g_ptr_array_add (parts, g_strdup_printf (_("the path through o%u left out of the hidden "
                                               "gradients"), p->forget_path));
  if (parts->len == 0)
    return NULL;
  g_ptr_array_add (parts, NULL);
  return g_strjoinv ("; ", (char **) parts->pdata);
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

/* Rows and the description's slots: the columns, then the δs. */
G_STATIC_ASSERT (BL_TOY_N_SLOTS == BL_TOY_N_COLS + BL_TOY_N_DELTAS);

void
bl_toy_row_to_slots (const BlToyRow *row, double *s)
{
  memcpy (s, row->v, sizeof row->v);
  memcpy (s + BL_TOY_N_COLS, row->d, sizeof row->d);
}

void
bl_toy_slots_to_row (const double *s, BlToyRow *row)
{
  memcpy (row->v, s, sizeof row->v);
  memcpy (row->d, s + BL_TOY_N_COLS, sizeof row->d);
}

/* The given values and parameters of @p into their slots; the rest is computed. */
void
bl_toy_params_to_slots (const BlToyParams *p, double *s)
{
  s[BL_TOY_COL_T1] = p->t1;
  s[BL_TOY_COL_T2] = p->t2;
  s[BL_TOY_COL_I1] = p->i1;
  s[BL_TOY_COL_I2] = p->i2;
  for (guint i = 0; i < 8; i++)
    s[weight_columns[i]] = p->w[i];
  /* Without biases b1 = b2 = 0 are never added, so the numbers are exactly the
   * spreadsheet's, and their gradients are 0. */
  s[BL_TOY_COL_B1] = p->has_biases ? p->b1 : 0.0;
  s[BL_TOY_COL_B2] = p->has_biases ? p->b2 : 0.0;
  s[BL_TOY_COL_DB1] = 0.0;
  s[BL_TOY_COL_DB2] = 0.0;
}

/* No NaN or infinity among @n values: an exponent of all ones, found with integer arithmetic
 * that the compiler vectorises (isfinite in a loop costs a compare and a branch each). */
static inline gboolean
all_finite (const double *v, guint n)
{
  guint64 bad = 0;

  for (guint i = 0; i < n; i++)
    {
      guint64 b;
      memcpy (&b, &v[i], sizeof b);
      bad |= (((b >> 52) & 0x7ff) + 1) >> 11;
    }
  return bad == 0;
}

gboolean
bl_toy_compute_row_lr (const BlToyParams *p, double lr, BlToyRow *row)
{
  double s[BL_TOY_N_SLOTS];

  bl_toy_params_to_slots (p, s);
  bl_toy_desc_eval_row (bl_toy_desc_for (p), s, lr);
  bl_toy_slots_to_row (s, row);
  return all_finite (s, BL_TOY_N_COLS + 1);
}

gboolean
bl_toy_compute_row (const BlToyParams *p, BlToyRow *row)
{
  return bl_toy_compute_row_lr (p, 0.0, row);
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
  if (!bl_toy_compute_row_lr (init, lr, &run->last_row))
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

static inline void
slots_to_params (const double *s, BlToyParams *p)
{
  for (guint i = 0; i < 8; i++)
    p->w[i] = s[weight_columns[i]];
  if (p->has_biases)
    {
      p->b1 = s[BL_TOY_COL_B1];
      p->b2 = s[BL_TOY_COL_B2];
    }
}

/* The rows from n_rows to @target − 1, on the slots themselves: the same operations as
 * bl_toy_apply_update then bl_toy_compute_row_lr, so every row is bit-identical to its replay
 * from a snapshot, without copying parameters and rows back and forth. Two sets of slots take
 * turns (row k from row k − 1), and row k − 1 is checked for NaN and infinities while row k is
 * computed: its values have long been stored by then, so the check's vector loads do not wait
 * on them. A row found bad ends the run there, the row after it dropped. */
static void
run_extend (BlToyRun *run, guint target)
{
  const BlToyDesc *d = bl_toy_desc_for (&run->init);
  const double lr = run->lr;
  const gboolean train_biases = run->init.has_biases && run->init.train_biases;
  double buf[2][BL_TOY_N_SLOTS];
  guint cur = 0, k;
  gboolean bad = FALSE;

  /* The last row holds its parameters and gradients: where the next row starts from. */
  bl_toy_row_to_slots (&run->last_row, buf[0]);
  memcpy (buf[1], buf[0], sizeof buf[0]);
  for (k = run->n_rows; k < target; k++)
    {
      const double *old = buf[cur];
      double *s = buf[cur ^ 1];

      /* Row k uses the parameters after k updates: one step from row k − 1. */
      for (guint i = 0; i < 8; i++)
        s[weight_columns[i]] = old[weight_columns[i]] - lr * old[BL_TOY_COL_DW1 + i];
      if (train_biases)
        {
          s[BL_TOY_COL_B1] = old[BL_TOY_COL_B1] - lr * old[BL_TOY_COL_DB1];
          s[BL_TOY_COL_B2] = old[BL_TOY_COL_B2] - lr * old[BL_TOY_COL_DB2];
        }
      if (k % BL_TOY_CHECKPOINT_EVERY == 0)
        {
          run->snapshots[k / BL_TOY_CHECKPOINT_EVERY] = run->init;
          slots_to_params (s, &run->snapshots[k / BL_TOY_CHECKPOINT_EVERY]);
        }
      bl_toy_desc_eval_row (d, s, lr);
      run->loss[k] = s[BL_TOY_COL_E_TOTAL];
      if (G_UNLIKELY (!all_finite (old, BL_TOY_N_COLS + 1)))
        {
          /* Row k − 1 was the first bad one (row n_rows − 1 was good: the run went on). */
          bad = TRUE;
          break;
        }
      cur ^= 1;
    }
  if (!bad)
    bad = !all_finite (buf[cur], BL_TOY_N_COLS + 1);
  /* Rows 0 … k − 1 are kept; a bad one is the last of them. */
  run->n_rows = k;
  if (bad)
    {
      run->stop = BL_TOY_STOP_NONFINITE;
      run->stop_row = k - 1;
    }
  slots_to_params (buf[cur], &run->last_params);
  bl_toy_slots_to_row (buf[cur], &run->last_row);
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
      bl_toy_compute_row_lr (&run->last_params, run->lr, &run->last_row);
      if (run->stop != BL_TOY_STOP_NONE && run->stop_row >= target)
        run->stop = BL_TOY_STOP_NONE;
      return;
    }
  if (run->stop != BL_TOY_STOP_NONE)
    return;

  run_reserve (run, target);
  run_extend (run, target);
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
      bl_toy_compute_row_lr (out, run->lr, &row);
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
  bl_toy_compute_row_lr (&p, run->lr, out);
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

const char *
bl_toy_delta_name (BlToyDelta d)
{
  g_return_val_if_fail (d < BL_TOY_N_DELTAS, NULL);
  return bl_toy_slot_symbol (BL_TOY_SLOT_DELTA (d));
}

static const char *const activation_names[BL_TOY_N_ACTS] = { "sigmoid", "tanh", "relu" };

const char *
bl_toy_activation_name (BlToyActivation act)
{
  g_return_val_if_fail (act < BL_TOY_N_ACTS, NULL);
  return activation_names[act];
}

gboolean
bl_toy_activation_from_name (const char *name, BlToyActivation *out)
{
  for (guint a = 0; a < BL_TOY_N_ACTS; a++)
    if (name && g_ascii_strcasecmp (name, activation_names[a]) == 0)
      {
        *out = a;
        return TRUE;
      }
  if (name && (g_ascii_strcasecmp (name, "logistic") == 0 || g_strcmp0 (name, "σ") == 0))
    {
      *out = BL_TOY_ACT_SIGMOID;
      return TRUE;
    }
  return FALSE;
}

gboolean
bl_toy_parse_activations (const char *text, BlToyParams *p, GError **error)
{
  g_auto(GStrv) parts = NULL;
  BlToyActivation acts[2];
  guint n;

  g_return_val_if_fail (p != NULL, FALSE);
  parts = g_strsplit (text ? text : "", ",", -1);
  n = g_strv_length (parts);
  if (n == 0 || n > 2)
    goto bad;
  for (guint i = 0; i < n; i++)
    {
      char *name = g_strstrip (parts[i]);
      char *eq = strchr (name, '=');
      guint layer = i;
      if (eq)
        {
          *eq = '\0';
          if (g_ascii_strcasecmp (g_strstrip (name), "hidden") == 0)
            layer = 0;
          else if (g_ascii_strcasecmp (name, "output") == 0)
            layer = 1;
          else
            goto bad;
          name = g_strstrip (eq + 1);
        }
      if (!bl_toy_activation_from_name (name, &acts[layer]))
        goto bad;
      if (n == 1)
        acts[1] = acts[0];
    }
  p->act_hidden = acts[0];
  p->act_output = acts[1];
  return TRUE;

bad:
  g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
               _("“%s” is not an activation: use sigmoid, tanh or relu, for both layers or as "
                 "HIDDEN,OUTPUT (e.g. tanh,sigmoid)."), text ? text : "");
  return FALSE;
}

const char *
bl_toy_update_order_name (BlToyUpdateOrder order)
{
  return order == BL_TOY_ORDER_OUTPUT_FIRST ? "output-first" : "simultaneous";
}

gboolean
bl_toy_parse_update_order (const char *text, BlToyUpdateOrder *out, GError **error)
{
  if (g_strcmp0 (text, "simultaneous") == 0)
    *out = BL_TOY_ORDER_SIMULTANEOUS;
  else if (g_strcmp0 (text, "output-first") == 0)
    *out = BL_TOY_ORDER_OUTPUT_FIRST;
  else
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s” is not an update order: use simultaneous (every gradient from the "
                     "row's weights) or output-first (hidden gradients from the updated "
                     "w5…w8)."), text ? text : "");
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------------------------
 * Formulas: every one printed from the column's description (bl-toy-desc.c)
 */

#define N(c) columns[c].name
/* Numbers in substitutions: enough digits to recompute by hand, few enough to read. */
#define G "%.9g"

static gboolean
node_uses_relu (const BlToyDesc *d, guint slot)
{
  const BlToyNodeDesc *n = &d->node[slot];

  if (slot >= BL_TOY_N_COLS && slot - BL_TOY_N_COLS >= BL_TOY_DELTA_W5_USED)
    return FALSE;
  for (guint i = 0; i < n->n_terms; i++)
    for (guint j = 0; j < n->t[i].n; j++)
      {
        const BlToyFactor *f = &n->t[i].f[j];
        if (f->kind == BL_TOY_F_DACT && f->act == BL_TOY_ACT_RELU)
          return TRUE;
        if (f->kind == BL_TOY_F_SLOT && f->a >= BL_TOY_N_COLS && node_uses_relu (d, f->a))
          return TRUE;
      }
  return FALSE;
}

static gboolean
is_sigmoid_node (const BlToyNodeDesc *n)
{
  return n->n_terms == 1 && n->t[0].n == 1 && n->t[0].f[0].kind == BL_TOY_F_ACT &&
         n->t[0].f[0].act == BL_TOY_ACT_SIGMOID;
}

char *
bl_toy_formula_for (BlToyColumn col, const BlToyParams *p)
{
  const BlToyDesc *d;
  const BlToyNodeDesc *n;
  BlToyPrint pr = { BL_TOY_STYLE_SYMBOL };
  g_autoptr(GString) where = g_string_new (NULL);
  g_autofree char *rhs = NULL;

  g_return_val_if_fail (col < BL_TOY_N_COLS && p != NULL, NULL);

  d = bl_toy_desc_for (p);
  n = &d->node[col];
  switch (n->kind)
    {
    case BL_TOY_NODE_GIVEN:
      if (col == BL_TOY_COL_T1 || col == BL_TOY_COL_T2)
        return g_strdup_printf (_("%s: the target output (given)"), N (col));
      return g_strdup_printf (_("%s: the input (given)"), N (col));
    case BL_TOY_NODE_PARAM:
    case BL_TOY_NODE_ABSENT:
      if (bl_toy_column_is_param (col))
        return g_strdup_printf (_("%s = %s′ − η · ∂E_total/∂%s′   (′: the row above; row 0: the "
                                  "initial value)"), N (col), N (col), N (col));
      return g_strdup_printf ("%s = 0", bl_toy_slot_symbol (col));
    default:
      break;
    }
  if (is_sigmoid_node (n))
    {
      const char *net = N (n->t[0].f[0].a);
      return g_strdup_printf ("%s = σ(%s) = 1 / (1 + e^(−%s))", N (col), net, net);
    }
  rhs = bl_toy_desc_print_node (d, col, &pr, where);
  if (node_uses_relu (d, col))
    g_string_append_printf (where, ",   %s", _("step(x) = 1 if x > 0, else 0"));
  if (d->forget_path && bl_toy_desc_uses (d, col, BL_TOY_SLOT_DELTA (BL_TOY_DELTA_DA_H1), NULL))
    g_string_append_printf (where, _("   (leaving out the path through o%u: a mistake)"),
                            d->forget_path);
  return g_strdup_printf ("%s = %s%s", bl_toy_slot_symbol (col), rhs, where->str);
}

char *
bl_toy_formula (BlToyColumn col, gboolean has_biases)
{
  BlToyParams p = { .has_biases = has_biases };

  g_return_val_if_fail (col < BL_TOY_N_COLS, NULL);
  return bl_toy_formula_for (col, &p);
}

char *
bl_toy_formula_substituted (BlToyColumn col, const BlToyParams *p, const BlToyRow *row,
                            const BlToyRow *prev, double lr)
{
  const BlToyDesc *d;
  const BlToyNodeDesc *n;
  double s[BL_TOY_N_SLOTS], ps[BL_TOY_N_SLOTS];
  BlToyPrint pr = { BL_TOY_STYLE_NUMBER, s, ps, lr };
  g_autofree char *rhs = NULL;
  char *text;

  g_return_val_if_fail (col < BL_TOY_N_COLS && p != NULL && row != NULL, NULL);

  d = bl_toy_desc_for (p);
  n = &d->node[col];
  bl_toy_row_to_slots (row, s);
  if (prev)
    bl_toy_row_to_slots (prev, ps);
  switch (n->kind)
    {
    case BL_TOY_NODE_GIVEN:
      text = g_strdup_printf ("%s = " G, N (col), s[col]);
      break;
    case BL_TOY_NODE_PARAM:
    case BL_TOY_NODE_ABSENT:
      if (prev == NULL || n->kind == BL_TOY_NODE_ABSENT)
        text = g_strdup_printf (_("%s = " G "   (initial value)"), N (col), s[col]);
      else if (n->t[0].f[0].kind == BL_TOY_F_PREV)
        text = g_strdup_printf (_("%s = " G "   (frozen: biases are not trained)"), N (col),
                                s[col]);
      else
        {
          rhs = bl_toy_desc_print_node (d, col, &pr, NULL);
          text = g_strdup_printf ("%s = %s = " G, N (col), rhs, s[col]);
        }
      break;
    default:
      rhs = bl_toy_desc_print_node (d, col, &pr, NULL);
      text = g_strdup_printf ("%s = %s = " G, bl_toy_slot_symbol (col), rhs, s[col]);
      break;
    }
  return bl_toy_pretty_minus (text);
}

/* The chain rule, read off the backward nodes: each term of ∂E_total/∂x is ∂E_total/∂n (the
 * node n that uses x) times the local derivative ∂n/∂x. */

static gboolean
term_has_adjoint (const BlToyDesc *d, const BlToyTerm *t)
{
  return t->n > 0 && t->f[0].kind == BL_TOY_F_SLOT && t->f[0].a >= BL_TOY_N_COLS &&
         d->node[t->f[0].a].kind == BL_TOY_NODE_BACKWARD && d->node[t->f[0].a].wrt != 0;
}

static gboolean
is_leaf (const BlToyDesc *d, guint g)
{
  for (guint i = 0; i < d->node[g].n_terms; i++)
    if (term_has_adjoint (d, &d->node[g].t[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_delta (guint g)
{
  return g == BL_TOY_SLOT_DELTA (BL_TOY_DELTA_O1) || g == BL_TOY_SLOT_DELTA (BL_TOY_DELTA_O2) ||
         g == BL_TOY_SLOT_DELTA (BL_TOY_DELTA_H1) || g == BL_TOY_SLOT_DELTA (BL_TOY_DELTA_H2);
}

/* "∂E_total/∂a_o1 · ∂a_o1/∂o1 · ∂o1/∂w5" */
static void
chain_expr (const BlToyDesc *d, GString *out, guint g, guint whole, gboolean in_product)
{
  const BlToyNodeDesc *n = &d->node[g];
  gboolean parens;

  if (is_leaf (d, g) || (is_delta (g) && g != whole))
    {
      g_string_append_printf (out, "∂E_total/∂%s", bl_toy_slot_symbol (n->wrt));
      return;
    }
  parens = in_product && n->n_terms > 1;
  if (parens)
    g_string_append_c (out, '(');
  for (guint i = 0; i < n->n_terms; i++)
    {
      if (i > 0)
        g_string_append (out, " + ");
      if (term_has_adjoint (d, &n->t[i]))
        {
          chain_expr (d, out, n->t[i].f[0].a, whole, TRUE);
          g_string_append (out, " · ");
        }
      g_string_append_printf (out, "∂%s/∂%s", bl_toy_slot_symbol (n->from[i]),
                              bl_toy_slot_symbol (n->wrt));
    }
  if (parens)
    g_string_append_c (out, ')');
}

typedef struct {
  const BlToyDesc *d;
  const double    *s;
  guint            whole;
  guint            top;
  GString         *out;
  GArray          *done;
} Chain;

static gboolean
chain_seen (Chain *c, guint g)
{
  for (guint i = 0; i < c->done->len; i++)
    if (g_array_index (c->done, guint, i) == g)
      return TRUE;
  g_array_append_val (c->done, g);
  return FALSE;
}

static void
chain_named_delta (Chain *c, guint g)
{
  const BlToyNodeDesc *n = &c->d->node[g];
  BlToyPrint pr = { BL_TOY_STYLE_SYMBOL };
  g_autofree char *def = NULL;

  if (chain_seen (c, g))
    return;
  /* The δs it is made of, first. */
  for (guint i = 0; i < n->n_terms; i++)
    for (guint j = 0; j < n->t[i].n; j++)
      {
        const BlToyFactor *f = &n->t[i].f[j];
        if (f->kind == BL_TOY_F_SLOT && is_delta (f->a))
          chain_named_delta (c, f->a);
        else if (f->kind == BL_TOY_F_SLOT && f->a >= BL_TOY_N_COLS)
          {
            const BlToyNodeDesc *m = &c->d->node[f->a];
            for (guint k = 0; k < m->n_terms; k++)
              if (m->t[k].n > 0 && m->t[k].f[0].kind == BL_TOY_F_SLOT && is_delta (m->t[k].f[0].a))
                chain_named_delta (c, m->t[k].f[0].a);
          }
      }
  def = bl_toy_desc_print_node (c->d, g, &pr, NULL);
  g_string_append_printf (c->out, "  ∂E_total/∂%s = %s = %s = " G "\n",
                          bl_toy_slot_symbol (n->wrt), bl_toy_slot_symbol (g), def, c->s[g]);
}

static void
chain_lines (Chain *c, guint g)
{
  const BlToyDesc *d = c->d;
  const BlToyNodeDesc *n = &d->node[g];
  BlToyPrint pr = { BL_TOY_STYLE_SYMBOL };

  if (is_leaf (d, g))
    {
      g_autofree char *def = bl_toy_desc_print_node (d, g, &pr, NULL);
      if (!chain_seen (c, g))
        g_string_append_printf (c->out, "  ∂E_total/∂%s = %s = " G "\n",
                                bl_toy_slot_symbol (n->wrt), def, c->s[g]);
      return;
    }
  if (is_delta (g) && g != c->whole)
    {
      chain_named_delta (c, g);
      return;
    }
  for (guint i = 0; i < n->n_terms; i++)
    {
      const BlToyTerm *t = &n->t[i];
      gboolean adj = term_has_adjoint (d, t);
      g_autoptr(GString) local = g_string_new (NULL);
      double value = t->coef;

      if (adj)
        chain_lines (c, t->f[0].a);
      for (guint j = adj ? 1 : 0; j < t->n; j++)
        {
          if (local->len)
            g_string_append (local, " · ");
          bl_toy_desc_print_factor (d, local, &t->f[j], &pr, t->n - (adj ? 1 : 0) > 1);
          value *= bl_toy_desc_eval_factor (&t->f[j], c->s, NULL, 0.0);
        }
      if (local->len == 0)
        g_string_append_printf (c->out, "  ∂%s/∂%s = 1\n", bl_toy_slot_symbol (n->from[i]),
                                bl_toy_slot_symbol (n->wrt));
      else
        g_string_append_printf (c->out, "  ∂%s/∂%s = %s = " G "\n",
                                bl_toy_slot_symbol (n->from[i]), bl_toy_slot_symbol (n->wrt),
                                local->str, value);
    }
  if (n->n_terms > 1 && g != c->top)
    {
      /* A sum over paths: each path's number, then the sum. */
      g_autofree char *def = bl_toy_desc_print_node (d, g, &pr, NULL);
      g_string_append_printf (c->out, "  ∂E_total/∂%s = %s = ", bl_toy_slot_symbol (n->wrt),
                              def);
      for (guint i = 0; i < n->n_terms; i++)
        {
          double v = n->t[i].coef;
          for (guint j = 0; j < n->t[i].n; j++)
            v *= bl_toy_desc_eval_factor (&n->t[i].f[j], c->s, NULL, 0.0);
          g_string_append_printf (c->out, i ? " + " G : G, v);
        }
      g_string_append_printf (c->out, " = " G, c->s[g]);
      if (n->n_terms == 2 && n->t[0].via && n->t[1].via)
        g_string_append_printf (c->out, _("   (the path through o%u plus the path through o%u)"),
                                n->t[0].via, n->t[1].via);
      g_string_append_c (c->out, '\n');
    }
}

char *
bl_toy_chain_rule (BlToyColumn col, const BlToyParams *p, const BlToyRow *row)
{
  const BlToyDesc *d;
  const BlToyNodeDesc *n;
  double s[BL_TOY_N_SLOTS];
  GString *out;
  Chain c;

  g_return_val_if_fail (p != NULL && row != NULL, NULL);
  if (!bl_toy_column_is_gradient (col))
    return NULL;
  d = bl_toy_desc_for (p);
  n = &d->node[col];
  if (n->kind != BL_TOY_NODE_BACKWARD)
    return NULL;

  bl_toy_row_to_slots (row, s);
  out = g_string_new (NULL);
  c = (Chain) { d, s, BL_TOY_NO_SLOT, col, out, g_array_new (FALSE, FALSE, sizeof (guint)) };
  if (n->n_terms == 1 && term_has_adjoint (d, &n->t[0]))
    c.whole = n->t[0].f[0].a;
  if (n->n_terms == 2)
    g_string_append_printf (out, _("%s feeds %s and %s, so both paths add up:\n"),
                            bl_toy_slot_symbol (n->wrt), bl_toy_slot_symbol (n->from[0]),
                            bl_toy_slot_symbol (n->from[1]));
  g_string_append_printf (out, "%s = ", bl_toy_slot_symbol (col));
  chain_expr (d, out, col, c.whole, FALSE);
  g_string_append_c (out, '\n');
  chain_lines (&c, col);
  g_string_append_printf (out, "= " G, s[col]);
  g_array_free (c.done, TRUE);
  return bl_toy_pretty_minus (g_string_free (out, FALSE));
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
