/* test-toy-forms.c: every form derived from the ledger's one description, checked by reading
 * the text back. The formula (names bound to the row's values), the numbers substituted, the
 * spreadsheet formula (cell references bound to the cells' values) and each line of the chain
 * rule are parsed and evaluated by the small evaluator below, written from the notation, not
 * from bl-toy-desc.c, and must give the column's value; the values themselves are checked
 * against a reference written from the maths, for every activation and both update orders. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy.h"
#include "core/bl-toy-desc.h"

/* ------------------------------------------------------------------------------------------
 * An evaluator of our formulas' notation: + − - · * / ^ ² ½, parentheses, σ(), tanh(),
 * max(0, ·), step(), e^(·), and the spreadsheet's EXP, TANH, MAX, IF(x>0,1,0).
 */
typedef double (*Lookup) (const char *name, gpointer data, gboolean *found);

typedef struct {
  const char *p;
  Lookup      lookup;
  gpointer    data;
  const char *error;
  double      mag;     /* the size of the largest partial result: the scale of rounding */
} Parser;

static void
skip_space (Parser *ps)
{
  while (*ps->p == ' ')
    ps->p++;
}

static gboolean
eat (Parser *ps, const char *tok)
{
  skip_space (ps);
  if (g_str_has_prefix (ps->p, tok))
    {
      ps->p += strlen (tok);
      return TRUE;
    }
  return FALSE;
}

static double parse_expr (Parser *ps);

static double
note (Parser *ps, double v)
{
  if (isfinite (v))
    ps->mag = MAX (ps->mag, fabs (v));
  return v;
}

static gboolean
ident_char (const char *s)
{
  /* Letters, digits, _, and the non-operator UTF-8 symbols of names (∂ δ ′ ⁺ η). */
  if (g_ascii_isalnum (*s) || *s == '_')
    return TRUE;
  return g_str_has_prefix (s, "∂") || g_str_has_prefix (s, "δ") || g_str_has_prefix (s, "′") ||
         g_str_has_prefix (s, "⁺") || g_str_has_prefix (s, "η") || g_str_has_prefix (s, "$") ||
         g_str_has_prefix (s, "σ");
}

static double
parse_primary (Parser *ps)
{
  double v;

  skip_space (ps);
  if (ps->error)
    return NAN;
  if (eat (ps, "("))
    {
      v = parse_expr (ps);
      if (!eat (ps, ")"))
        ps->error = "missing )";
      return v;
    }
  if (eat (ps, "½"))
    return 0.5;
  if (eat (ps, "e^("))
    {
      v = exp (parse_expr (ps));
      if (!eat (ps, ")"))
        ps->error = "missing ) after e^(";
      return note (ps, v);
    }
  if (g_ascii_isdigit (*ps->p) || (*ps->p == '.' && g_ascii_isdigit (ps->p[1])))
    {
      char *end;
      v = g_ascii_strtod (ps->p, &end);
      ps->p = end;
      return note (ps, v);
    }
  if (ident_char (ps->p))
    {
      const char *start = ps->p;
      g_autofree char *name = NULL;
      gboolean found = FALSE;

      while (*ps->p && ident_char (ps->p))
        {
          ps->p = g_utf8_next_char (ps->p);
          /* "∂E_total/∂w5" is one name. */
          if (g_str_has_prefix (ps->p, "/∂"))
            ps->p++;
        }
      name = g_strndup (start, ps->p - start);
      skip_space (ps);
      if (*ps->p == '(')
        {
          double a, b = 0, c = 0, x;
          ps->p++;
          if (g_str_equal (name, "IF"))
            {
              a = parse_expr (ps);
              if (!eat (ps, ">"))
                ps->error = "IF without >";
              x = parse_expr (ps);
              eat (ps, ",");
              b = parse_expr (ps);
              eat (ps, ",");
              c = parse_expr (ps);
              v = a > x ? b : c;
            }
          else if (g_ascii_strcasecmp (name, "max") == 0)
            {
              a = parse_expr (ps);
              eat (ps, ",");
              b = parse_expr (ps);
              v = MAX (a, b);
            }
          else
            {
              a = parse_expr (ps);
              if (g_str_equal (name, "σ"))
                v = 1.0 / (1.0 + exp (-a));
              else if (g_ascii_strcasecmp (name, "tanh") == 0)
                v = tanh (a);
              else if (g_str_equal (name, "step"))
                v = a > 0 ? 1.0 : 0.0;
              else if (g_str_equal (name, "EXP"))
                v = exp (a);
              else
                {
                  ps->error = "unknown function";
                  v = NAN;
                }
            }
          if (!eat (ps, ")"))
            ps->error = "missing ) after arguments";
          return note (ps, v);
        }
      v = ps->lookup (name, ps->data, &found);
      if (!found)
        {
          g_test_message ("unknown name “%s”", name);
          ps->error = "unknown name";
        }
      return note (ps, v);
    }
  ps->error = "unexpected character";
  return NAN;
}

static double
parse_power (Parser *ps)
{
  double v = parse_primary (ps);

  for (;;)
    {
      if (eat (ps, "²"))
        v = note (ps, v * v);
      else if (eat (ps, "^"))
        v = note (ps, pow (v, parse_primary (ps)));
      else
        return v;
    }
}

static double
parse_unary (Parser *ps)
{
  if (eat (ps, "−") || eat (ps, "-"))
    return -parse_unary (ps);
  return parse_power (ps);
}

static double
parse_term (Parser *ps)
{
  double v = parse_unary (ps);

  for (;;)
    {
      if (eat (ps, "·") || eat (ps, "*"))
        v = note (ps, v * parse_unary (ps));
      else if (eat (ps, "/"))
        v = note (ps, v / parse_unary (ps));
      else
        return v;
    }
}

static double
parse_expr (Parser *ps)
{
  double v = parse_term (ps);

  for (;;)
    {
      skip_space (ps);
      /* A minus sign after a term is subtraction: "a − b", "a-b". */
      if (eat (ps, "+"))
        v = note (ps, v + parse_term (ps));
      else if (eat (ps, "−") || eat (ps, "-"))
        v = note (ps, v - parse_term (ps));
      else
        return v;
    }
}

/* Evaluates @text whole; fails the test when it does not parse. */
static double
evaluate (const char *text, Lookup lookup, gpointer data, double *mag)
{
  Parser ps = { text, lookup, data, NULL, 0 };
  double v = parse_expr (&ps);

  skip_space (&ps);
  if (ps.error || *ps.p)
    g_error ("cannot evaluate “%s”: %s at “%s”", text, ps.error ? ps.error : "trailing text",
             ps.p);
  if (mag)
    *mag = MAX (ps.mag, fabs (v));
  return v;
}

/* ------------------------------------------------------------------------------------------
 * Names bound to a row: columns, δs, primed names to the row above, η
 */
typedef struct {
  const BlToyRow *row, *prev;
  double          lr;
  GHashTable     *cells;   /* SHEET: "E5" → value */
} Binding;

static gboolean
slot_by_symbol (const char *name, guint *slot)
{
  BlToyColumn c;

  for (guint s = 0; s < BL_TOY_N_SLOTS; s++)
    if (g_str_equal (name, bl_toy_slot_symbol (s)))
      {
        *slot = s;
        return TRUE;
      }
  if (bl_toy_column_from_name (name, &c))
    {
      *slot = c;
      return TRUE;
    }
  return FALSE;
}

static double
row_slot (const BlToyRow *row, guint slot)
{
  return slot < BL_TOY_N_COLS ? row->v[slot] : row->d[slot - BL_TOY_N_COLS];
}

static double
lookup_row (const char *name, gpointer data, gboolean *found)
{
  Binding *b = data;
  guint slot;
  gsize len = strlen (name);

  *found = TRUE;
  if (g_str_equal (name, "η"))
    return b->lr;
  if (b->cells)
    {
      double *v = g_hash_table_lookup (b->cells, name);
      if (v)
        return *v;
    }
  if (len > strlen ("′") && g_str_has_suffix (name, "′"))
    {
      g_autofree char *base = g_strndup (name, len - strlen ("′"));
      if (slot_by_symbol (base, &slot) && b->prev)
        return row_slot (b->prev, slot);
    }
  else if (slot_by_symbol (name, &slot))
    return row_slot (b->row, slot);
  *found = FALSE;
  return NAN;
}

static void
assert_value (const char *what, const char *text, double got, double want, double mag, double rel)
{
  double tol = rel * MAX (MAX (mag, fabs (want)), 1e-300);

  if (!(fabs (got - want) <= tol))
    g_error ("%s: “%s” evaluates to %.17g, the value is %.17g (tolerance %.3g)", what, text, got,
             want, tol);
}

/* "lhs = a = b = … = v": every part after the first evaluates to @want. */
static void
check_equation (const char *what, const char *text, Binding *b, double want, double rel)
{
  g_auto(GStrv) parts = g_strsplit (text, " = ", -1);

  g_assert_cmpuint (g_strv_length (parts), >=, 2);
  for (guint i = 1; parts[i]; i++)
    {
      double mag, v = evaluate (parts[i], lookup_row, b, &mag);
      assert_value (what, parts[i], v, want, mag, rel);
    }
}

/* ------------------------------------------------------------------------------------------
 * The forms
 */

static void
check_formula (BlToyColumn c, const BlToyParams *p, const BlToyRow *row, const BlToyRow *prev,
               double lr)
{
  g_autofree char *f = bl_toy_formula_for (c, p);
  g_auto(GStrv) parts = NULL;
  Binding b = { row, prev, lr, NULL };
  const BlToyDesc *d = bl_toy_desc_for (p);

  if (d->node[c].kind == BL_TOY_NODE_GIVEN)
    {
      g_assert_nonnull (strstr (f, "(given)"));
      return;
    }
  if (d->node[c].kind == BL_TOY_NODE_PARAM && prev == NULL)
    return;
  /* "lhs = rhs,   δo1 = …,   step(x) = …   (note)": the note after three spaces goes. */
  parts = g_strsplit (f, ",   ", -1);
  for (guint i = 0; parts[i]; i++)
    {
      char *note = strstr (parts[i], "   (");
      g_auto(GStrv) eq = NULL;
      guint slot;

      if (note)
        *note = '\0';
      if (g_str_has_prefix (parts[i], "step(x)"))
        continue;
      eq = g_strsplit (parts[i], " = ", 2);
      g_assert_nonnull (eq[1]);
      g_assert_true (slot_by_symbol (eq[0], &slot));
      if (i == 0)
        g_assert_cmpuint (slot, ==, c);
      if (d->node[c].kind == BL_TOY_NODE_PARAM && d->node[c].t[0].f[0].kind == BL_TOY_F_PREV)
        continue;   /* a frozen bias: the formula says how it would move */
      check_equation (bl_toy_column_name (c), parts[i], &b, row_slot (row, slot), 1e-13);
    }
}

static void
check_substituted (BlToyColumn c, const BlToyParams *p, const BlToyRow *row,
                   const BlToyRow *prev, double lr)
{
  g_autofree char *s = bl_toy_formula_substituted (c, p, row, prev, lr);
  Binding none = { row, prev, lr, NULL };
  char *note = strstr (s, "   (");

  if (note)
    *note = '\0';
  /* Numbers with nine significant digits: what they give, to that precision. */
  check_equation (bl_toy_column_name (c), s, &none, row->v[c], 5e-8);
  /* And no name is left right of the first "=": only numbers. */
  g_assert_null (strstr (strstr (s, " = "), "a_"));
  g_assert_null (strstr (strstr (s, " = "), "δ"));
  g_assert_null (strstr (strstr (s, " = "), "w"));
}

typedef struct {
  char c[BL_TOY_N_COLS][16];
  char p[BL_TOY_N_COLS][16];
} Refs;

static const char *
ref_func (BlToyColumn col, gboolean prev, gpointer data)
{
  Refs *r = data;
  return prev ? r->p[col] : r->c[col];
}

static void
check_sheet_formula (BlToyColumn c, const BlToyParams *p, const BlToyRow *row,
                     const BlToyRow *prev, double lr)
{
  const BlToyDesc *d = bl_toy_desc_for (p);
  Refs refs;
  g_autoptr(GHashTable) cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  BlToyPrint pr = { BL_TOY_STYLE_SHEET, .ref = ref_func, .ref_data = &refs, .eta_ref = "$B$2",
                    .train_ref = "$B$3" };
  Binding b = { row, prev, lr, cells };
  g_autofree char *text = NULL;
  double mag, v;

  if (d->node[c].kind == BL_TOY_NODE_ABSENT || (prev == NULL &&
      (d->node[c].kind == BL_TOY_NODE_GIVEN || d->node[c].kind == BL_TOY_NODE_PARAM)))
    return;
  /* Column letters by ledger column; row 5 this row, row 4 the row above. */
  for (guint k = 0; k < BL_TOY_N_COLS; k++)
    {
      double *cv = g_new (double, 1), *pv = g_new (double, 1);
      g_snprintf (refs.c[k], sizeof refs.c[k], "%c%c5", 'A' + k / 26, 'A' + k % 26);
      g_snprintf (refs.p[k], sizeof refs.p[k], "%c%c4", 'A' + k / 26, 'A' + k % 26);
      *cv = row->v[k];
      *pv = prev ? prev->v[k] : NAN;
      g_hash_table_insert (cells, g_strdup (refs.c[k]), cv);
      g_hash_table_insert (cells, g_strdup (refs.p[k]), pv);
    }
  {
    double *eta = g_new (double, 1), *train = g_new (double, 1);
    *eta = lr;
    *train = p->train_biases ? 1 : 0;
    g_hash_table_insert (cells, g_strdup ("$B$2"), eta);
    g_hash_table_insert (cells, g_strdup ("$B$3"), train);
  }
  text = bl_toy_desc_print_node (d, c, &pr, NULL);
  /* Nothing but references, numbers and the spreadsheet's operators and functions. */
  g_assert_null (strstr (text, "·"));
  g_assert_null (strstr (text, "δ"));
  g_assert_null (strstr (text, "−"));
  v = evaluate (text, lookup_row, &b, &mag);
  assert_value (bl_toy_column_name (c), text, v, row->v[c], mag, 1e-13);
}

/* A printed number, with a true minus sign or an ASCII one. */
static double
read_number (const char *text)
{
  while (*text == ' ')
    text++;
  if (g_str_has_prefix (text, "−"))
    return -g_ascii_strtod (text + strlen ("−"), NULL);
  return g_ascii_strtod (text, NULL);
}

/* Each line "∂X/∂Y = … = v" holds, and the first line, a sum of products of those symbols,
 * gives the gradient. */
static void
check_chain (BlToyColumn c, const BlToyParams *p, const BlToyRow *row, double lr)
{
  g_autofree char *chain = bl_toy_chain_rule (c, p, row);
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) symbols = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Binding b = { row, NULL, lr, symbols };
  const char *header = NULL;
  double mag, v;

  if (!bl_toy_column_is_gradient (c) || !bl_toy_column_visible (c, p->has_biases))
    {
      g_assert_null (chain);
      return;
    }
  g_assert_nonnull (chain);
  lines = g_strsplit (chain, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *note = strstr (line, "   (");
      g_auto(GStrv) parts = NULL;
      double want;

      if (note)
        *note = '\0';
      if (!g_str_has_prefix (line, "∂") && !g_str_has_prefix (line, "="))
        continue;   /* "b1 feeds h1 and h2 …" */
      if (g_str_has_prefix (line, "= "))
        {
          double *final = g_new (double, 1);
          *final = read_number (line + 2);
          assert_value ("chain total", line, *final, row->v[c], 0, 5e-9);
          g_free (final);
          continue;
        }
      if (header == NULL)
        {
          header = line;
          continue;
        }
      parts = g_strsplit (line, " = ", -1);
      want = read_number (parts[g_strv_length (parts) - 1]);
      /* The middle parts evaluate to the value printed at the end (nine digits). */
      for (guint j = 1; parts[j + 1]; j++)
        {
          v = evaluate (parts[j], lookup_row, &b, &mag);
          assert_value ("chain line", line, v, want, mag, 5e-8);
        }
      {
        double *val = g_new (double, 1);
        *val = want;
        g_hash_table_insert (symbols, g_strdup (parts[0]), val);
      }
    }
  g_assert_nonnull (header);
  {
    char *rhs = strstr (header, " = ");
    g_assert_nonnull (rhs);
    v = evaluate (rhs + 3, lookup_row, &b, &mag);
    assert_value ("chain header", header, v, row->v[c], mag, 5e-8);
  }
}

/* ------------------------------------------------------------------------------------------
 * The reference: the network from the maths, any activation, either order.
 */
static double
f_act (BlToyActivation a, double x)
{
  return a == BL_TOY_ACT_TANH ? tanh (x) : a == BL_TOY_ACT_RELU ? (x > 0 ? x : 0)
                                                                   : 1 / (1 + exp (-x));
}

static double
f_prime (BlToyActivation a, double x)
{
  double y = f_act (a, x);
  return a == BL_TOY_ACT_TANH ? 1 - y * y : a == BL_TOY_ACT_RELU ? (x > 0) : y * (1 - y);
}

/* Gradients of E_total = ½ Σ (t − a_o)² by every parameter, written with matrices. */
static void
reference_row (const BlToyParams *p, double lr, double grad[10], double *E)
{
  double x[2] = { p->i1, p->i2 }, t[2] = { p->t1, p->t2 };
  double W1[2][2] = { { p->w[0], p->w[1] }, { p->w[2], p->w[3] } };
  double W2[2][2] = { { p->w[4], p->w[5] }, { p->w[6], p->w[7] } };
  double b1 = p->has_biases ? p->b1 : 0, b2 = p->has_biases ? p->b2 : 0;
  double nh[2], ah[2], no[2], ao[2], dout[2], dhid[2];

  *E = 0;
  for (int j = 0; j < 2; j++)
    {
      nh[j] = W1[j][0] * x[0] + W1[j][1] * x[1] + b1;
      ah[j] = f_act (p->act_hidden, nh[j]);
    }
  for (int k = 0; k < 2; k++)
    {
      no[k] = W2[k][0] * ah[0] + W2[k][1] * ah[1] + b2;
      ao[k] = f_act (p->act_output, no[k]);
      *E += 0.5 * (t[k] - ao[k]) * (t[k] - ao[k]);
      dout[k] = (ao[k] - t[k]) * f_prime (p->act_output, no[k]);
    }
  for (int k = 0; k < 2; k++)
    for (int j = 0; j < 2; j++)
      grad[4 + 2 * k + j] = dout[k] * ah[j];
  grad[9] = dout[0] + dout[1];
  for (int j = 0; j < 2; j++)
    {
      double back = 0;
      for (int k = 0; k < 2; k++)
        {
          /* The output-first bug: the weight as it is after its own update. */
          double w = W2[k][j];
          if (p->update_order == BL_TOY_ORDER_OUTPUT_FIRST)
            w -= lr * grad[4 + 2 * k + j];
          if (p->forget_path != (guint) k + 1)
            back += dout[k] * w;
        }
      dhid[j] = back * f_prime (p->act_hidden, nh[j]);
      grad[2 * j] = dhid[j] * x[0];
      grad[2 * j + 1] = dhid[j] * x[1];
    }
  grad[8] = dhid[0] + dhid[1];
}

static void
check_values (const BlToyParams *p, const BlToyRow *row, double lr)
{
  double grad[10], E;
  static const BlToyColumn gcols[10] = {
    BL_TOY_COL_DW1, BL_TOY_COL_DW2, BL_TOY_COL_DW3, BL_TOY_COL_DW4, BL_TOY_COL_DW5,
    BL_TOY_COL_DW6, BL_TOY_COL_DW7, BL_TOY_COL_DW8, BL_TOY_COL_DB1, BL_TOY_COL_DB2,
  };

  reference_row (p, lr, grad, &E);
  assert_value ("E_total", "reference", row->v[BL_TOY_COL_E_TOTAL], E, 0, 1e-14);
  for (guint i = 0; i < 10; i++)
    if (bl_toy_column_visible (gcols[i], p->has_biases))
      assert_value (bl_toy_column_name (gcols[i]), "reference", row->v[gcols[i]], grad[i],
                    1e-3, 1e-13);
}

/* ------------------------------------------------------------------------------------------ */

static void
for_each_variant (void (*fn) (const BlToyParams *p))
{
  for (int preset = 0; preset < 2; preset++)
    for (int ah = 0; ah < BL_TOY_N_ACTS; ah++)
      for (int ao = 0; ao < BL_TOY_N_ACTS; ao++)
        for (int order = 0; order < 2; order++)
          for (guint forget = 0; forget <= 2; forget++)
            for (int train = 0; train < 1 + preset; train++)
              {
                BlToyParams p;
                bl_toy_params_init_preset (&p, preset);
                p.act_hidden = ah;
                p.act_output = ao;
                p.update_order = order;
                p.forget_path = forget;
                p.train_biases = train;
                fn (&p);
              }
}

static void
check_variant (const BlToyParams *p)
{
  static const double lr = 0.5;
  BlToyRun *run = bl_toy_run_new (p, lr);

  bl_toy_run_compute (run, 8);
  for (guint k = 0; k < run->n_rows; k += 7)
    {
      BlToyParams pk;
      BlToyRow row, prev;
      bl_toy_run_get_params (run, k, &pk);
      bl_toy_run_get_row (run, k, &row);
      if (k > 0)
        bl_toy_run_get_row (run, k - 1, &prev);
      check_values (&pk, &row, lr);
      for (guint c = 0; c < BL_TOY_N_COLS; c++)
        {
          if (!bl_toy_column_visible (c, p->has_biases))
            continue;
          check_formula (c, &pk, &row, k ? &prev : NULL, lr);
          check_substituted (c, &pk, &row, k ? &prev : NULL, lr);
          check_sheet_formula (c, &pk, &row, k ? &prev : NULL, lr);
          check_chain (c, &pk, &row, lr);
        }
    }
  bl_toy_run_free (run);
}

static void
test_every_form_every_column (void)
{
  for_each_variant (check_variant);
}

/* The evaluator itself reads what it should, so the checks above can fail. */
static void
test_evaluator (void)
{
  BlToyRow row = { { 0 } };
  Binding b = { &row, NULL, 2.0, NULL };

  row.v[BL_TOY_COL_A_H1] = 0.25;
  row.v[BL_TOY_COL_DW5] = 3;
  g_assert_cmpfloat (evaluate ("a_h1 · (1 − a_h1)", lookup_row, &b, NULL), ==, 0.1875);
  g_assert_cmpfloat (evaluate ("½ · (1 − 3)²", lookup_row, &b, NULL), ==, 2);
  g_assert_cmpfloat (evaluate ("(−0.5) · 2 − -1", lookup_row, &b, NULL), ==, 0);
  g_assert_cmpfloat (evaluate ("η · ∂E_total/∂w5", lookup_row, &b, NULL), ==, 6);
  g_assert_cmpfloat (evaluate ("IF(0>0,1,0)+MAX(0,-2)+1/(1+EXP(-0))", lookup_row, &b, NULL),
                     ==, 0.5);
  g_assert_cmpfloat_with_epsilon (evaluate ("1 / (1 + e^(−0))", lookup_row, &b, NULL), 0.5,
                                  1e-15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/toy-forms/evaluator", test_evaluator);
  g_test_add_func ("/toy-forms/every-form-every-column", test_every_form_every_column);
  return g_test_run ();
}
