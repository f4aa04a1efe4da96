/* bl-toy-check.c: a spreadsheet mapped onto the ledger and recomputed from its own cells; see
 * bl-toy-check.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "core/bl-toy-check.h"
#include "core/bl-toy-desc.h"

#define C(x) BL_TOY_COL_##x
#define N_SLOTS BL_TOY_N_SLOTS
#define HEADER_SEARCH_ROWS 200

/* ------------------------------------------------------------------------------------------
 * Header names
 */

/* Lower case, without spaces and _ - . ( ) [ ] :, with ∂ → d, δ → delta, η → eta … */
static char *
normalise (const char *text)
{
  g_autofree char *down = NULL;
  GString *out = g_string_new (NULL);

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_string_free (out, FALSE);
  down = g_utf8_strdown (text, -1);
  for (const char *p = down; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c >= 0x2080 && c <= 0x2089)           /* ₀…₉ */
        g_string_append_c (out, '0' + (c - 0x2080));
      else if (c == 0x2202)                     /* ∂ */
        g_string_append_c (out, 'd');
      else if (c == 0x03B4)                     /* δ */
        g_string_append (out, "delta");
      else if (c == 0x03B7)                     /* η */
        g_string_append (out, "eta");
      else if (c == 0x03B1)                     /* α */
        g_string_append (out, "alpha");
      else if (c == 0x03C3)                     /* σ */
        g_string_append (out, "sigma");
      else if (c == 0x207A)                     /* ⁺ */
        g_string_append_c (out, '+');
      else if (c == 0x2032 || c == 0x2019)      /* ′ ’ */
        g_string_append_c (out, '\'');
      else if (c == ' ' || c == '_' || c == '-' || c == '.' || c == '(' || c == ')' ||
               c == '[' || c == ']' || c == ':' || c == '\t' || c == 0x00A0 || c == 0x00B7 ||
               c == 0x2212 || c == '"')
        continue;
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

typedef struct {
  const char *name;
  guint       slot;
} Alias;

#define DS(x) BL_TOY_SLOT_DELTA (BL_TOY_DELTA_##x)

static const Alias value_aliases[] = {
  { "t1", C (T1) }, { "target1", C (T1) }, { "targeto1", C (T1) }, { "targ1", C (T1) },
  { "t2", C (T2) }, { "target2", C (T2) }, { "targeto2", C (T2) }, { "targ2", C (T2) },
  { "i1", C (I1) }, { "x1", C (I1) }, { "input1", C (I1) }, { "in1", C (I1) },
  { "i2", C (I2) }, { "x2", C (I2) }, { "input2", C (I2) }, { "in2", C (I2) },
  { "h1", C (H1) }, { "neth1", C (H1) }, { "zh1", C (H1) }, { "inh1", C (H1) },
  { "h2", C (H2) }, { "neth2", C (H2) }, { "zh2", C (H2) }, { "inh2", C (H2) },
  { "ah1", C (A_H1) }, { "outh1", C (A_H1) }, { "outputh1", C (A_H1) }, { "sigmah1", C (A_H1) },
  { "ah2", C (A_H2) }, { "outh2", C (A_H2) }, { "outputh2", C (A_H2) }, { "sigmah2", C (A_H2) },
  { "o1", C (O1) }, { "neto1", C (O1) }, { "zo1", C (O1) }, { "ino1", C (O1) },
  { "o2", C (O2) }, { "neto2", C (O2) }, { "zo2", C (O2) }, { "ino2", C (O2) },
  { "ao1", C (A_O1) }, { "outo1", C (A_O1) }, { "outputo1", C (A_O1) }, { "sigmao1", C (A_O1) },
  { "out1", C (A_O1) }, { "output1", C (A_O1) },
  { "ao2", C (A_O2) }, { "outo2", C (A_O2) }, { "outputo2", C (A_O2) }, { "sigmao2", C (A_O2) },
  { "out2", C (A_O2) }, { "output2", C (A_O2) },
  { "e1", C (E1) }, { "eo1", C (E1) }, { "error1", C (E1) }, { "erroro1", C (E1) },
  { "loss1", C (E1) },
  { "e2", C (E2) }, { "eo2", C (E2) }, { "error2", C (E2) }, { "erroro2", C (E2) },
  { "loss2", C (E2) },
  { "etotal", C (E_TOTAL) }, { "etot", C (E_TOTAL) }, { "e", C (E_TOTAL) },
  { "error", C (E_TOTAL) }, { "totalerror", C (E_TOTAL) }, { "errortotal", C (E_TOTAL) },
  { "loss", C (E_TOTAL) }, { "totalloss", C (E_TOTAL) },
  { "deltao1", DS (O1) }, { "deltaout1", DS (O1) }, { "deltao2", DS (O2) },
  { "deltaout2", DS (O2) }, { "deltah1", DS (H1) }, { "deltah2", DS (H2) },
};

static const char *const lr_aliases[] = {
  "lr", "eta", "learningrate", "alpha", "rate", "lernrate", "tasadeaprendizaje",
};
static const char *const iteration_aliases[] = {
  "iteration", "iterations", "iteration#", "iter", "iter#", "it", "step", "epoch", "k", "n",
  "#", "row", "iteración",
};

/* "w1".."w8", "b1", "b2" */
static gboolean
param_name (const char *s, guint *col)
{
  if (s[0] == 'w' && s[1] >= '1' && s[1] <= '8' && s[2] == '\0')
    {
      *col = s[1] <= '4' ? C (W1) + (s[1] - '1') : C (W5) + (s[1] - '5');
      return TRUE;
    }
  if (s[0] == 'b' && (s[1] == '1' || s[1] == '2') && s[2] == '\0')
    {
      *col = s[1] == '1' ? C (B1) : C (B2);
      return TRUE;
    }
  return FALSE;
}

static gboolean
role_of_normalised (const char *n, BlToySheetRole *role, guint *slot)
{
  static const char *const grad_prefixes[] = {
    "detotal/d", "de/d", "derror/d", "dloss/d", "detotald", "derrord", "dlossd", "ded",
    "gradient", "grad", "g", "d",
  };
  static const char *const next_suffixes[] = { "new", "+", "'", "next", "updated", "neu" };
  static const char *const next_prefixes[] = { "new", "updated", "next" };
  guint col;

  if (*n == '\0')
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (value_aliases); i++)
    if (g_str_equal (n, value_aliases[i].name))
      {
        *role = BL_TOY_ROLE_VALUE;
        *slot = value_aliases[i].slot;
        return TRUE;
      }
  if (param_name (n, &col))
    {
      *role = BL_TOY_ROLE_VALUE;
      *slot = col;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (lr_aliases); i++)
    if (g_str_equal (n, lr_aliases[i]))
      {
        *role = BL_TOY_ROLE_LR;
        *slot = 0;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (iteration_aliases); i++)
    if (g_str_equal (n, iteration_aliases[i]))
      {
        *role = BL_TOY_ROLE_ITERATION;
        *slot = 0;
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (grad_prefixes); i++)
    if (g_str_has_prefix (n, grad_prefixes[i]) && param_name (n + strlen (grad_prefixes[i]), &col))
      {
        *role = BL_TOY_ROLE_VALUE;
        *slot = bl_toy_param_gradient (col);
        return TRUE;
      }
  for (guint i = 0; i < G_N_ELEMENTS (next_suffixes); i++)
    if (g_str_has_suffix (n, next_suffixes[i]) && strlen (n) == 2 + strlen (next_suffixes[i]))
      {
        char p[3] = { n[0], n[1], '\0' };
        if (param_name (p, &col))
          {
            *role = BL_TOY_ROLE_NEXT;
            *slot = col;
            return TRUE;
          }
      }
  for (guint i = 0; i < G_N_ELEMENTS (next_prefixes); i++)
    if (g_str_has_prefix (n, next_prefixes[i]) && param_name (n + strlen (next_prefixes[i]), &col))
      {
        *role = BL_TOY_ROLE_NEXT;
        *slot = col;
        return TRUE;
      }
  return FALSE;
}

gboolean
bl_toy_header_role (const char *header, BlToySheetRole *role, guint *slot)
{
  g_autofree char *n = normalise (header);
  BlToyColumn col;

  g_return_val_if_fail (role != NULL && slot != NULL, FALSE);
  /* The ledger's own names first ("dE/dw1", "a_h1", "E_total"). */
  if (header && bl_toy_column_from_name (header, &col))
    {
      *role = BL_TOY_ROLE_VALUE;
      *slot = col;
      return TRUE;
    }
  return role_of_normalised (n, role, slot);
}

/* ------------------------------------------------------------------------------------------
 * Explicit mappings
 */

typedef struct {
  BlToySheetRole role;
  guint          slot;
} Target;

struct _BlToyExplicitMap {
  GHashTable *by_header;      /* normalised header → Target */
};

BlToyExplicitMap *
bl_toy_explicit_map_new (void)
{
  BlToyExplicitMap *m = g_new0 (BlToyExplicitMap, 1);
  m->by_header = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return m;
}

void
bl_toy_explicit_map_free (BlToyExplicitMap *m)
{
  if (m == NULL)
    return;
  g_hash_table_unref (m->by_header);
  g_free (m);
}

gboolean
bl_toy_explicit_map_add (BlToyExplicitMap *m, const char *header, const char *what,
                         GError **error)
{
  Target t;
  g_autofree char *key = NULL;

  g_return_val_if_fail (m != NULL && header != NULL && what != NULL, FALSE);
  key = normalise (header);
  if (*key == '\0')
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("A mapping needs the header's text before “=”."));
      return FALSE;
    }
  if (g_ascii_strcasecmp (what, "ignore") == 0)
    t = (Target) { BL_TOY_ROLE_IGNORED, 0 };
  else if (!bl_toy_header_role (what, &t.role, &t.slot))
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s” is not a ledger column: use a name such as w1, a_h1, E_total, "
                     "dE/dw1, delta_o1, w1_new (after the update), lr, iteration or ignore."),
                   what);
      return FALSE;
    }
  g_hash_table_replace (m->by_header, g_steal_pointer (&key), g_memdup2 (&t, sizeof t));
  return TRUE;
}

gboolean
bl_toy_explicit_map_parse (BlToyExplicitMap *m, const char *assignment, GError **error)
{
  const char *eq;
  g_autofree char *header = NULL;

  g_return_val_if_fail (m != NULL && assignment != NULL, FALSE);
  eq = strrchr (assignment, '=');
  if (eq == NULL)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("“%s”: a mapping is HEADER=COLUMN, e.g. “Net H1=h1”."), assignment);
      return FALSE;
    }
  header = g_strndup (assignment, eq - assignment);
  return bl_toy_explicit_map_add (m, header, eq + 1, error);
}

/* What a header is, the explicit mapping first. */
static gboolean
header_target (const BlToyExplicitMap *m, const char *header, Target *t, gboolean *explicit_)
{
  *explicit_ = FALSE;
  if (m)
    {
      g_autofree char *key = normalise (header);
      Target *found = g_hash_table_lookup (m->by_header, key);
      if (found)
        {
          *t = *found;
          *explicit_ = TRUE;
          return TRUE;
        }
    }
  return bl_toy_header_role (header, &t->role, &t->slot);
}

/* ------------------------------------------------------------------------------------------
 * Mapping a sheet
 */

static void
mapped_column_free (BlToyMappedColumn *c)
{
  g_free (c->header);
  g_free (c);
}

void
bl_toy_sheet_mapping_free (BlToySheetMapping *m)
{
  if (m == NULL)
    return;
  g_free (m->sheet_name);
  g_free (m->label_lr_cell);
  g_ptr_array_unref (m->columns);
  g_ptr_array_unref (m->unmatched);
  g_array_unref (m->missing);
  g_free (m);
}

static gboolean
is_weight (guint slot)
{
  return (slot >= C (W1) && slot <= C (W4)) || (slot >= C (W5) && slot <= C (W8));
}

/* How many distinct ledger columns row @r names; whether one is a weight. */
static guint
score_row (const BlSheet *sheet, guint r, const BlToyExplicitMap *em, gboolean *weight)
{
  gboolean seen[N_SLOTS + 2] = { FALSE };
  guint n = 0;

  *weight = FALSE;
  for (guint c = 0; c < bl_sheet_n_cols (sheet); c++)
    {
      const BlSheetCell *cell = bl_sheet_cell (sheet, r, c);
      Target t;
      gboolean ex;
      guint key;

      if (cell->kind != BL_SHEET_TEXT || !header_target (em, cell->u.text, &t, &ex))
        continue;
      if (t.role != BL_TOY_ROLE_VALUE && t.role != BL_TOY_ROLE_NEXT)
        continue;
      key = t.role == BL_TOY_ROLE_NEXT ? N_SLOTS : t.slot;
      if (t.role == BL_TOY_ROLE_NEXT)
        key = N_SLOTS + (is_weight (t.slot) ? 0 : 1);
      if (!seen[key] || t.role == BL_TOY_ROLE_NEXT)
        n++;
      seen[key] = TRUE;
      if (t.role == BL_TOY_ROLE_VALUE && is_weight (t.slot))
        *weight = TRUE;
    }
  return n;
}

static gboolean
is_lr_label (const char *text)
{
  g_autofree char *n = normalise (text);
  for (guint i = 0; i < G_N_ELEMENTS (lr_aliases); i++)
    if (g_str_equal (n, lr_aliases[i]))
      return TRUE;
  return FALSE;
}

/* A labelled η above the table: the first number right of the label (or below it). */
static void
find_label_lr (const BlSheet *sheet, BlToySheetMapping *m)
{
  for (guint r = 0; r < m->header_row; r++)
    for (guint c = 0; c < bl_sheet_n_cols (sheet); c++)
      {
        const BlSheetCell *cell = bl_sheet_cell (sheet, r, c);
        double v;
        if (cell->kind != BL_SHEET_TEXT || !is_lr_label (cell->u.text))
          continue;
        for (guint dc = 1; dc <= 3; dc++)
          if (bl_sheet_number (sheet, r, c + dc, &v))
            {
              m->label_lr = v;
              m->label_lr_cell = bl_sheet_cell_ref (r, c + dc);
              return;
            }
        for (guint dr = 1; dr <= 2 && r + dr < m->header_row; dr++)
          if (bl_sheet_number (sheet, r + dr, c, &v))
            {
              m->label_lr = v;
              m->label_lr_cell = bl_sheet_cell_ref (r + dr, c);
              return;
            }
      }
}

static gboolean
row_has_data (const BlSheet *sheet, const BlToySheetMapping *m, guint r)
{
  for (guint i = 0; i < m->columns->len; i++)
    {
      const BlToyMappedColumn *mc = g_ptr_array_index (m->columns, i);
      const BlSheetCell *cell;
      if (mc->role != BL_TOY_ROLE_VALUE && mc->role != BL_TOY_ROLE_NEXT)
        continue;
      cell = bl_sheet_cell (sheet, r, mc->sheet_col);
      if (cell->kind == BL_SHEET_NUMBER || cell->kind == BL_SHEET_ERRVAL)
        return TRUE;
    }
  return FALSE;
}

BlToySheetMapping *
bl_toy_sheet_map (const BlSheet *sheet, guint sheet_index, const BlToyExplicitMap *em,
                  GError **error)
{
  BlToySheetMapping *m;
  guint best = 0, best_row = 0;
  gboolean best_weight = FALSE;

  g_return_val_if_fail (sheet != NULL, NULL);

  for (guint r = 0; r < MIN (bl_sheet_n_rows (sheet), HEADER_SEARCH_ROWS); r++)
    {
      gboolean weight;
      guint score = score_row (sheet, r, em, &weight);
      if (score > best || (score == best && weight && !best_weight))
        {
          best = score;
          best_row = r;
          best_weight = weight;
        }
    }
  if (best < 3 || !best_weight)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("Sheet “%s” has no row of headers naming the ledger's columns (at least "
                     "three, one of them a weight such as w1)."), bl_sheet_name (sheet));
      return NULL;
    }

  m = g_new0 (BlToySheetMapping, 1);
  m->sheet_index = sheet_index;
  m->sheet_name = g_strdup (bl_sheet_name (sheet));
  m->header_row = best_row;
  m->first_row = best_row + 1;
  m->lr_col = m->iteration_col = -1;
  m->label_lr = NAN;
  m->columns = g_ptr_array_new_with_free_func ((GDestroyNotify) mapped_column_free);
  m->unmatched = g_ptr_array_new_with_free_func (g_free);
  m->missing = g_array_new (FALSE, FALSE, sizeof (BlToyColumn));
  for (guint s = 0; s < N_SLOTS; s++)
    m->col_of[s] = -1;
  for (guint s = 0; s < BL_TOY_N_COLS; s++)
    m->next_col_of[s] = -1;

  for (guint c = 0; c < bl_sheet_n_cols (sheet); c++)
    {
      g_autofree char *text = bl_sheet_text (sheet, best_row, c);
      BlToyMappedColumn *mc;
      Target t = { BL_TOY_ROLE_NONE, 0 };
      gboolean ex = FALSE;

      if (text == NULL)
        continue;
      mc = g_new0 (BlToyMappedColumn, 1);
      mc->sheet_col = c;
      mc->header = g_strdup (text);
      if (header_target (em, text, &t, &ex))
        {
          /* The first column of a name wins; a second is left out. */
          gboolean dup = (t.role == BL_TOY_ROLE_VALUE && m->col_of[t.slot] >= 0) ||
                         (t.role == BL_TOY_ROLE_NEXT && m->next_col_of[t.slot] >= 0) ||
                         (t.role == BL_TOY_ROLE_LR && m->lr_col >= 0) ||
                         (t.role == BL_TOY_ROLE_ITERATION && m->iteration_col >= 0);
          if (!dup)
            {
              mc->role = t.role;
              mc->slot = t.slot;
              mc->explicit_map = ex;
              if (t.role == BL_TOY_ROLE_VALUE)
                m->col_of[t.slot] = c;
              else if (t.role == BL_TOY_ROLE_NEXT)
                m->next_col_of[t.slot] = c;
              else if (t.role == BL_TOY_ROLE_LR)
                m->lr_col = c;
              else if (t.role == BL_TOY_ROLE_ITERATION)
                m->iteration_col = c;
            }
        }
      if (mc->role == BL_TOY_ROLE_NONE)
        g_ptr_array_add (m->unmatched, g_strdup (text));
      else if (mc->role != BL_TOY_ROLE_IGNORED)
        m->n_matched++;
      g_ptr_array_add (m->columns, mc);
    }
  m->has_biases = m->col_of[C (B1)] >= 0 || m->col_of[C (B2)] >= 0;
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    if (bl_toy_column_visible (c, m->has_biases) && m->col_of[c] < 0)
      g_array_append_val (m->missing, c);

  for (guint r = m->first_row; r < bl_sheet_n_rows (sheet) && row_has_data (sheet, m, r); r++)
    m->n_rows++;
  if (m->n_rows == 0)
    {
      g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                   _("Sheet “%s” has the ledger's headers on row %u but no numbers below "
                     "them."), m->sheet_name, best_row + 1);
      bl_toy_sheet_mapping_free (m);
      return NULL;
    }
  find_label_lr (sheet, m);
  return m;
}

static const char *
slot_label (guint slot)
{
  return slot < BL_TOY_N_COLS ? bl_toy_column_label (slot) : bl_toy_slot_symbol (slot);
}

char *
bl_toy_sheet_mapping_describe (const BlToySheetMapping *m)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GString) pairs = g_string_new (NULL);

  g_return_val_if_fail (m != NULL, NULL);
  for (guint i = 0; i < m->columns->len; i++)
    {
      const BlToyMappedColumn *mc = g_ptr_array_index (m->columns, i);
      const char *what;
      g_autofree char *next = NULL;
      switch (mc->role)
        {
        case BL_TOY_ROLE_VALUE: what = slot_label (mc->slot); break;
        case BL_TOY_ROLE_NEXT:
          next = g_strdup_printf (_("%s after the update"), bl_toy_column_name (mc->slot));
          what = next;
          break;
        case BL_TOY_ROLE_LR: what = "η"; break;
        case BL_TOY_ROLE_ITERATION: what = _("iteration"); break;
        default: continue;
        }
      if (pairs->len)
        g_string_append (pairs, ", ");
      g_string_append_printf (pairs, "%s → %s", mc->header, what);
    }
  g_string_append_printf (out, _("Sheet “%s”, headers on row %u, %u data rows: %s."),
                          m->sheet_name, m->header_row + 1, m->n_rows, pairs->str);
  if (m->unmatched->len)
    {
      g_string_append (out, _(" Not understood: "));
      for (guint i = 0; i < m->unmatched->len; i++)
        g_string_append_printf (out, i ? ", “%s”" : "“%s”",
                                (char *) g_ptr_array_index (m->unmatched, i));
      g_string_append_c (out, '.');
    }
  if (m->missing->len)
    {
      g_string_append (out, _(" Not in the sheet: "));
      for (guint i = 0; i < m->missing->len; i++)
        g_string_append_printf (out, i ? ", %s" : "%s",
                                bl_toy_column_label (g_array_index (m->missing, BlToyColumn, i)));
      g_string_append_c (out, '.');
    }
  return g_string_free (out, FALSE);
}

/* ------------------------------------------------------------------------------------------
 * The check
 */

static void
diff_clear (BlToyCheckDiff *d)
{
  g_free (d->cell);
}

static void
sheet_report_free (BlToySheetReport *r)
{
  bl_toy_sheet_mapping_free (r->mapping);
  g_array_unref (r->diffs);
  g_ptr_array_unref (r->notes);
  g_free (r);
}

void
bl_toy_check_report_free (BlToyCheckReport *r)
{
  if (r == NULL)
    return;
  g_free (r->path);
  g_ptr_array_unref (r->sheets);
  g_ptr_array_unref (r->skipped);
  g_free (r);
}

/* Half a unit of the last digit a number is written with, when it is written short enough to
 * be rounded (fewer than 15 significant digits); 0 otherwise. */
static double
written_rounding (const BlSheetCell *cell)
{
  double x = fabs (cell->u.number);

  if (cell->kind != BL_SHEET_NUMBER || cell->digits >= 15 || x == 0 || !isfinite (x))
    return 0;
  return 0.5 * pow (10, floor (log10 (x)) - cell->digits + 1);
}

static double
act_value (BlToyActivation a, double x)
{
  return a == BL_TOY_ACT_TANH ? tanh (x) : a == BL_TOY_ACT_RELU ? (x > 0 ? x : 0)
                                                                   : 1 / (1 + exp (-x));
}

/* The activation that turns @net into @act, sigmoid when none does or nothing is known. */
static BlToyActivation
find_activation (double net, double act, gboolean known)
{
  if (!known || !isfinite (net) || !isfinite (act))
    return BL_TOY_ACT_SIGMOID;
  for (guint a = 0; a < BL_TOY_N_ACTS; a++)
    if (fabs (act_value (a, net) - act) <= 1e-6 * MAX (1.0, fabs (act)))
      return a;
  return BL_TOY_ACT_SIGMOID;
}

typedef struct {
  const BlSheet          *sheet;
  const BlToySheetMapping *m;
  const BlToyCheckOptions *opt;
  BlToySheetReport       *report;
  BlToyParams             params;       /* switches, and the run's row 0 */
  const BlToyDesc        *desc;
  double                  lr;
  BlToyLrSource           lr_source;
  guint                   run;
} Checker;

static gboolean
cell_number (const Checker *ck, guint r, int col, double *v, const BlSheetCell **cell)
{
  if (col < 0)
    return FALSE;
  *cell = bl_sheet_cell (ck->sheet, r, col);
  if ((*cell)->kind != BL_SHEET_NUMBER && (*cell)->kind != BL_SHEET_BOOL)
    return FALSE;
  *v = (*cell)->u.number;
  return TRUE;
}

static void
add_note (BlToySheetReport *r, char *note)
{
  for (guint i = 0; i < r->notes->len; i++)
    if (g_str_equal (g_ptr_array_index (r->notes, i), note))
      {
        g_free (note);
        return;
      }
  g_ptr_array_add (r->notes, note);
}

static void
add_diff (Checker *ck, guint k, guint r, int col, guint slot, gboolean next, gboolean nan_cell,
          double sheet_value, double expected, double tol, const BlToyMistake *mistake)
{
  BlToySheetReport *rep = ck->report;
  BlToyCheckDiff d = { 0 };

  rep->n_diffs++;
  if (rep->diffs->len >= BL_TOY_CHECK_MAX_DIFFS)
    return;
  d.run = ck->run;
  d.iteration = k;
  d.sheet_row = r;
  d.sheet_col = (guint) col;
  d.cell = bl_sheet_cell_ref (r, col);
  d.slot = slot;
  d.next = next;
  d.not_a_number = nan_cell;
  d.sheet_value = sheet_value;
  d.expected = expected;
  d.error_abs = fabs (sheet_value - expected);
  d.error_rel = expected != 0 ? d.error_abs / fabs (expected) : INFINITY;
  d.tolerance = tol;
  if (mistake)
    d.mistake = *mistake;
  else
    d.mistake.kind = BL_TOY_MISTAKE_UNKNOWN;
  g_array_append_val (rep->diffs, d);
}

/* The tolerance for @cell's value against the sheet's @value: 1e-9 relative, the cell's own
 * rounding, and (for a cell that seems to disagree) each known input's rounding or last bits
 * carried through the cell's formula. */
static double
full_tolerance (const BlToyCell *cell, const double *rounding, double expected, double value)
{
  const BlToyDesc *d = bl_toy_desc_for (cell->p);
  double tol = 1e-9 * MAX (fabs (expected), fabs (value)) + rounding[cell->col];
  guint8 known[N_SLOTS];

  memcpy (known, cell->known, sizeof known);
  known[cell->col] = FALSE;
  for (guint j = 0; j < N_SLOTS; j++)
    {
      double s[N_SLOTS], u, v;
      BlToyCell moved = *cell;
      if (!known[j] || !bl_toy_desc_uses (d, cell->col, j, known))
        continue;
      u = MAX (rounding[j], 8 * DBL_EPSILON * fabs (cell->s[j]));
      if (u == 0)
        continue;
      memcpy (s, cell->s, sizeof s);
      s[j] += u;
      moved.s = s;
      v = bl_toy_cell_expected (&moved);
      if (isfinite (v))
        tol += fabs (v - expected);
    }
  return tol;
}

/* An update: w = w′ − η·g′, from the row above's values (@prev) and their rounding. */
static double
update_tolerance (const double *prev, const double *prev_round, guint w, double lr,
                  double expected, double value)
{
  guint g = bl_toy_param_gradient (w);
  return 1e-9 * MAX (fabs (expected), fabs (value)) + MAX (prev_round[w], 8 * DBL_EPSILON *
         fabs (prev[w])) + fabs (lr) * MAX (prev_round[g], 8 * DBL_EPSILON * fabs (prev[g]));
}

static void
check_value (Checker *ck, guint k, guint r, int col, BlToyCell *cell, const double *rounding,
             double value, double expected, double quick_tol)
{
  double tol;
  BlToyMistake m;
  BlToyTolerance mt;

  if (fabs (value - expected) <= quick_tol || (isnan (value) && isnan (expected)))
    return;
  tol = cell->prev && ck->desc->node[cell->col].kind == BL_TOY_NODE_PARAM
          ? quick_tol : full_tolerance (cell, rounding, expected, value);
  if (fabs (value - expected) <= tol)
    return;
  /* A mistake computed from the same cells agrees with the sheet as closely. */
  mt.rel = 1e-6;
  mt.abs = 2 * tol;
  bl_toy_cell_explain (cell, value, &mt, &m, NULL, 0);
  add_diff (ck, k, r, col, cell->col, FALSE, FALSE, value, expected, tol, &m);
}

/* The shortest decimal in [lo, hi] (a rate a person typed), or their middle. */
static double
shortest_decimal (double lo, double hi)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double mid = 0.5 * (lo + hi);

  for (int digits = 1; digits <= 17; digits++)
    {
      char fmt[8];
      double c;
      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      c = g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, fmt, mid), NULL);
      if (c >= lo && c <= hi)
        return c;
    }
  return mid;
}

typedef struct {
  double r, u;    /* an update's rate, and how far the sheet's rounding lets it be off */
} RateEstimate;

/* η of a run from its updates: each update w′ − w = −η·g gives η within what the three
 * numbers' rounding allows; the rates that agree with most others are intersected, and the
 * shortest decimal in what is left is taken (a person types 2, not 1.9999999997). */
static double
infer_lr (const Checker *ck, guint first, guint n)
{
  g_autoptr(GArray) est = g_array_new (FALSE, FALSE, sizeof (RateEstimate));
  const BlToySheetMapping *m = ck->m;
  double lo = -INFINITY, hi = INFINITY;
  guint agree;

  for (guint k = 0; k + 1 < n && k < 50; k++)
    for (guint c = 0; c < BL_TOY_N_COLS; c++)
      {
        double w0, w1, g;
        const BlSheetCell *a, *b, *gc;
        RateEstimate e;
        if (!is_weight (c) || m->col_of[c] < 0)
          continue;
        if (!cell_number (ck, first + k, m->col_of[c], &w0, &a) ||
            !cell_number (ck, first + k + 1, m->col_of[c], &w1, &b) ||
            !cell_number (ck, first + k, m->col_of[bl_toy_param_gradient (c)], &g, &gc) ||
            fabs (g) < 1e-12 * MAX (1.0, fabs (w0)))
          continue;
        e.r = (w0 - w1) / g;
        /* Row 0's weights are typed (exact); every number has its last bits. */
        e.u = (MAX (k == 0 ? 0 : written_rounding (a), 8 * DBL_EPSILON * fabs (w0)) +
               MAX (written_rounding (b), 8 * DBL_EPSILON * fabs (w1)) +
               fabs (e.r) * MAX (written_rounding (gc), 8 * DBL_EPSILON * fabs (g))) / fabs (g);
        if (isfinite (e.r) && e.r > 0 && isfinite (e.u))
          g_array_append_val (est, e);
      }
  if (est->len == 0)
    return NAN;
  /* The estimate whose interval meets the most others leads; those that meet it agree. */
  {
    guint best = 0, best_count = 0;
    for (guint i = 0; i < est->len; i++)
      {
        const RateEstimate *x = &g_array_index (est, RateEstimate, i);
        guint count = 0;
        for (guint j = 0; j < est->len; j++)
          {
            const RateEstimate *y = &g_array_index (est, RateEstimate, j);
            count += fabs (x->r - y->r) <= x->u + y->u + 1e-12 * fabs (x->r);
          }
        if (count > best_count)
          {
            best_count = count;
            best = i;
          }
      }
    agree = 0;
    for (guint j = 0; j < est->len; j++)
      {
        const RateEstimate *x = &g_array_index (est, RateEstimate, best);
        const RateEstimate *y = &g_array_index (est, RateEstimate, j);
        double slack = 1e-12 * fabs (y->r);
        if (fabs (x->r - y->r) > x->u + y->u + 1e-12 * fabs (x->r))
          continue;
        if (y->r - y->u - slack > lo)
          lo = y->r - y->u - slack;
        if (y->r + y->u + slack < hi)
          hi = y->r + y->u + slack;
        agree++;
      }
  }
  if (2 * agree < est->len)
    return NAN;
  if (lo > hi)
    {
      /* Agreeing two by two but not all at once: the middle of the leaders. */
      double mid = 0.5 * (lo + hi);
      lo = hi = mid;
    }
  return shortest_decimal (lo, hi);
}

/* Checks rows [@first, @first + @n) of the sheet as one run. */
static gboolean
check_run (Checker *ck, guint first, guint n, GError **error)
{
  const BlToySheetMapping *m = ck->m;
  const BlToyParams *defaults = ck->opt->defaults;
  BlToyParams classroom;
  double prev[N_SLOTS], prev_round[N_SLOTS], row0[N_SLOTS];
  gboolean biases_move = FALSE;
  const BlSheetCell *cell;
  double v;

  if (defaults == NULL)
    {
      bl_toy_params_init_preset (&classroom, BL_TOY_PRESET_CLASSROOM);
      defaults = &classroom;
    }

  /* The network: its switches and its first row. */
  ck->params = (BlToyParams) { 0 };
  ck->params.has_biases = m->has_biases;
  for (guint c = 0; c < BL_TOY_N_COLS; c++)
    {
      double *slot = NULL;
      if (!bl_toy_column_is_param (c) && c != C (T1) && c != C (T2) && c != C (I1) &&
          c != C (I2))
        continue;
      if (!bl_toy_column_visible (c, m->has_biases))
        continue;
      if (c == C (T1)) slot = &ck->params.t1;
      else if (c == C (T2)) slot = &ck->params.t2;
      else if (c == C (I1)) slot = &ck->params.i1;
      else if (c == C (I2)) slot = &ck->params.i2;
      else if (c == C (B1)) slot = &ck->params.b1;
      else if (c == C (B2)) slot = &ck->params.b2;
      else slot = &ck->params.w[c >= C (W5) ? 4 + c - C (W5) : c - C (W1)];
      if (cell_number (ck, first, m->col_of[c], &v, &cell))
        *slot = v;
      else if (bl_toy_column_is_param (c))
        {
          g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE,
                       m->col_of[c] < 0
                         ? _("Sheet “%s” has no column for %s: the first row's parameters are "
                             "needed to recompute it (map one with --map HEADER=%s).")
                         : _("Sheet “%s”: the first row has no number for %s (%s)."),
                       m->sheet_name, bl_toy_column_name (c), bl_toy_column_name (c));
          return FALSE;
        }
      else
        {
          *slot = c == C (T1) ? defaults->t1 : c == C (T2) ? defaults->t2 :
                  c == C (I1) ? defaults->i1 : defaults->i2;
          add_note (ck->report, g_strdup_printf (_("%s is not in the sheet: %g assumed."),
                                                 bl_toy_column_name (c), *slot));
        }
    }
  /* Biases that move are trained. */
  for (guint k = 1; k < n && m->has_biases; k++)
    for (guint b = C (B1); b <= C (B2); b += C (B2) - C (B1))
      if (cell_number (ck, first + k, m->col_of[b], &v, &cell) &&
          v != (b == C (B1) ? ck->params.b1 : ck->params.b2))
        biases_move = TRUE;
  ck->params.train_biases = biases_move;
  {
    /* The activations: what turns the first row's net inputs into its activations. */
    BlToyRow row;
    double a;
    bl_toy_compute_row (&ck->params, &row);
    ck->params.act_hidden = ck->opt->act_hidden >= 0 ? (BlToyActivation) ck->opt->act_hidden
      : find_activation (row.v[C (H1)], cell_number (ck, first, m->col_of[C (A_H1)], &a, &cell) ? a : NAN,
                         m->col_of[C (A_H1)] >= 0);
    bl_toy_compute_row (&ck->params, &row);
    ck->params.act_output = ck->opt->act_output >= 0 ? (BlToyActivation) ck->opt->act_output
      : find_activation (row.v[C (O1)], cell_number (ck, first, m->col_of[C (A_O1)], &a, &cell) ? a : NAN,
                         m->col_of[C (A_O1)] >= 0);
  }
  ck->params.update_order = ck->opt->output_first ? BL_TOY_ORDER_OUTPUT_FIRST
                                                  : BL_TOY_ORDER_SIMULTANEOUS;
  ck->desc = bl_toy_desc_for (&ck->params);

  /* η */
  if (ck->opt->lr > 0)
    {
      ck->lr = ck->opt->lr;
      ck->lr_source = BL_TOY_LR_GIVEN;
    }
  else if (cell_number (ck, first, m->lr_col, &v, &cell) && v > 0)
    {
      ck->lr = v;
      ck->lr_source = BL_TOY_LR_COLUMN;
    }
  else if (isfinite (m->label_lr) && m->label_lr > 0)
    {
      ck->lr = m->label_lr;
      ck->lr_source = BL_TOY_LR_LABEL;
      add_note (ck->report, g_strdup_printf (_("η = %g, from cell %s."), ck->lr,
                                             m->label_lr_cell));
    }
  else if (isfinite (ck->lr = infer_lr (ck, first, n)))
    {
      ck->lr_source = BL_TOY_LR_INFERRED;
      add_note (ck->report, g_strdup_printf (_("η = %.10g, found from the updates (the sheet "
                                               "does not say it)."), ck->lr));
    }
  else
    {
      ck->lr = NAN;
      ck->lr_source = BL_TOY_LR_NONE;
      if (n > 1)
        add_note (ck->report, g_strdup (_("η is not in the sheet and the updates do not agree "
                                          "on one: the updates are not checked (give it with "
                                          "--lr).")));
    }

  for (guint k = 0; k < n; k++)
    {
      guint r = first + k;
      double s[N_SLOTS], rounding[N_SLOTS];
      guint8 known[N_SLOTS] = { 0 };
      gboolean have_lr = isfinite (ck->lr);
      BlToyCell cellx;

      memset (rounding, 0, sizeof rounding);
      bl_toy_params_to_slots (&ck->params, s);
      for (guint sl = 0; sl < N_SLOTS; sl++)
        {
          const BlToyNodeKind kind = ck->desc->node[sl].kind;
          int col = m->col_of[sl];

          if (kind == BL_TOY_NODE_ABSENT)
            {
              s[sl] = 0;
              known[sl] = TRUE;
              continue;
            }
          if (col >= 0)
            {
              cell = bl_sheet_cell (ck->sheet, r, col);
              if (cell->kind == BL_SHEET_NUMBER || cell->kind == BL_SHEET_BOOL)
                {
                  s[sl] = cell->u.number;
                  known[sl] = TRUE;
                  /* Inputs and the first row's parameters are typed: exact. */
                  if (kind != BL_TOY_NODE_GIVEN && !(k == 0 && kind == BL_TOY_NODE_PARAM))
                    rounding[sl] = written_rounding (cell);
                  continue;
                }
              if (cell->kind != BL_SHEET_EMPTY)
                {
                  /* Text or an error value where a number belongs. */
                  BlToyMistake unk = { BL_TOY_MISTAKE_UNKNOWN };
                  add_diff (ck, k, r, col, sl, FALSE, TRUE, NAN, NAN, 0, &unk);
                  ck->report->n_cells++;
                }
            }
          /* Not in the sheet: inputs carry down, parameters follow the update. */
          if (kind == BL_TOY_NODE_GIVEN)
            {
              s[sl] = k == 0 ? s[sl] : row0[sl];
              known[sl] = TRUE;
            }
          else if (kind == BL_TOY_NODE_PARAM)
            {
              if (k > 0 && have_lr)
                s[sl] = bl_toy_desc_eval_node (ck->desc, sl, prev, prev, ck->lr);
              else if (k > 0)
                s[sl] = prev[sl];
              known[sl] = TRUE;
            }
        }
      if (k == 0)
        memcpy (row0, s, sizeof s);

      /* Each cell of the sheet against its recomputation from the others. */
      cellx = (BlToyCell) { &ck->params, s, known, k > 0 ? prev : NULL, have_lr ? ck->lr : 0,
                            0 };
      for (guint sl = 0; sl < N_SLOTS; sl++)
        {
          const BlToyNodeKind kind = ck->desc->node[sl].kind;
          int col = m->col_of[sl];
          double expected, tol;

          if (col < 0 || kind == BL_TOY_NODE_ABSENT ||
              !cell_number (ck, r, col, &v, &cell))
            continue;
          if (kind == BL_TOY_NODE_GIVEN || kind == BL_TOY_NODE_PARAM)
            {
              if (k == 0)
                continue;
              ck->report->n_cells++;
              if (kind == BL_TOY_NODE_GIVEN)
                expected = row0[sl];
              else if (!have_lr)
                continue;
              else
                expected = bl_toy_desc_eval_node (ck->desc, sl, prev, prev, ck->lr);
              tol = kind == BL_TOY_NODE_GIVEN ? 0 :
                    update_tolerance (prev, prev_round, sl, ck->lr, expected, v);
              tol += rounding[sl];
              cellx.col = sl;
              check_value (ck, k, r, col, &cellx, rounding, v, expected, tol);
              continue;
            }
          ck->report->n_cells++;
          cellx.col = sl;
          expected = bl_toy_cell_expected (&cellx);
          check_value (ck, k, r, col, &cellx, rounding, v, expected,
                       1e-9 * MAX (fabs (expected), fabs (v)) + rounding[sl]);
        }

      /* What the sheet does not hold, computed from what it does (for the row below). */
      for (guint sl = 0; sl < N_SLOTS; sl++)
        bl_toy_desc_eval_known (ck->desc, sl, s, known, k > 0 ? prev : NULL,
                                have_lr ? ck->lr : 0);

      /* "w1_new": this row's update, in this row. */
      if (have_lr)
        for (guint c = 0; c < BL_TOY_N_COLS; c++)
          {
            double expected, tol;
            BlToyCell upd;
            if (m->next_col_of[c] < 0 || !cell_number (ck, r, m->next_col_of[c], &v, &cell))
              continue;
            ck->report->n_cells++;
            expected = bl_toy_desc_eval_node (ck->desc, c, s, s, ck->lr);
            tol = update_tolerance (s, rounding, c, ck->lr, expected, v) +
                  written_rounding (cell);
            if (fabs (v - expected) <= tol)
              continue;
            upd = (BlToyCell) { &ck->params, s, known, s, ck->lr, c };
            {
              BlToyMistake mk;
              BlToyTolerance mt = { 1e-6, 2 * tol };
              bl_toy_cell_explain (&upd, v, &mt, &mk, NULL, 0);
              add_diff (ck, k, r, m->next_col_of[c], c, TRUE, FALSE, v, expected, tol, &mk);
            }
          }
      memcpy (prev, s, sizeof s);
      memcpy (prev_round, rounding, sizeof rounding);
    }
  return TRUE;
}

static gint
compare_diffs (gconstpointer a, gconstpointer b)
{
  const BlToyCheckDiff *x = a, *y = b;
  if (x->sheet_row != y->sheet_row)
    return x->sheet_row < y->sheet_row ? -1 : 1;
  return x->sheet_col < y->sheet_col ? -1 : x->sheet_col > y->sheet_col;
}

static BlToySheetReport *
check_sheet (const BlSheet *sheet, BlToySheetMapping *m, const BlToyCheckOptions *opt,
             GError **error)
{
  BlToySheetReport *rep = g_new0 (BlToySheetReport, 1);
  Checker ck = { sheet, m, opt, rep };
  guint start = m->first_row, end = m->first_row + m->n_rows;
  double prev_it = -INFINITY, prev_lr = NAN;

  rep->mapping = m;
  rep->diffs = g_array_new (FALSE, TRUE, sizeof (BlToyCheckDiff));
  g_array_set_clear_func (rep->diffs, (GDestroyNotify) diff_clear);
  rep->notes = g_ptr_array_new_with_free_func (g_free);

  /* Runs: a new one where the iteration starts again or the rate changes. */
  for (guint r = m->first_row; r <= end; r++)
    {
      double it = NAN, lr = NAN;
      const BlSheetCell *cell;
      gboolean split = r == end;

      if (r < end)
        {
          cell_number (&ck, r, m->iteration_col, &it, &cell);
          cell_number (&ck, r, m->lr_col, &lr, &cell);
          split = r > start && ((isfinite (it) && it <= prev_it) ||
                                (isfinite (lr) && isfinite (prev_lr) && lr != prev_lr));
        }
      if (split)
        {
          if (!check_run (&ck, start, r - start, error))
            {
              rep->mapping = NULL;
              sheet_report_free (rep);
              return NULL;
            }
          if (ck.run == 0)
            {
              rep->params = ck.params;
              rep->lr = ck.lr;
              rep->lr_source = ck.lr_source;
            }
          ck.run++;
          start = r;
        }
      prev_it = isfinite (it) ? it : prev_it + 1;
      prev_lr = lr;
    }
  rep->n_runs = ck.run;
  g_array_sort (rep->diffs, compare_diffs);
  return rep;
}

BlToyCheckReport *
bl_toy_check_book (const BlSheetBook *book, const char *name, const BlToyCheckOptions *opt,
                   GError **error)
{
  static const BlToyCheckOptions defaults = BL_TOY_CHECK_OPTIONS_INIT;
  g_autoptr(BlToyCheckReport) rep = g_new0 (BlToyCheckReport, 1);
  g_autoptr(GError) first_error = NULL;

  g_return_val_if_fail (book != NULL, NULL);
  if (opt == NULL)
    opt = &defaults;
  rep->path = g_strdup (name);
  rep->sheets = g_ptr_array_new_with_free_func ((GDestroyNotify) sheet_report_free);
  rep->skipped = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < bl_sheet_book_n_sheets (book); i++)
    {
      const BlSheet *sheet = bl_sheet_book_sheet (book, i);
      GError *local = NULL;
      BlToySheetMapping *m = bl_toy_sheet_map (sheet, i, opt->map, &local);
      BlToySheetReport *sr = m ? check_sheet (sheet, m, opt, &local) : NULL;

      if (sr)
        g_ptr_array_add (rep->sheets, sr);
      else
        {
          if (m)
            bl_toy_sheet_mapping_free (m);
          g_ptr_array_add (rep->skipped, g_strdup (local->message));
          /* A sheet that maps but cannot be recomputed says more than one that does not. */
          if (first_error == NULL || (m && first_error->code != BL_TOY_ERROR_INVALID))
            {
              g_clear_error (&first_error);
              first_error = g_error_copy (local);
              if (m)
                first_error->code = BL_TOY_ERROR_INVALID;
            }
          g_error_free (local);
        }
    }
  if (rep->sheets->len == 0)
    {
      if (first_error)
        {
          first_error->code = BL_TOY_ERROR_PARSE;
          g_propagate_error (error, g_steal_pointer (&first_error));
        }
      else
        g_set_error (error, BL_TOY_ERROR, BL_TOY_ERROR_PARSE, _("“%s” has no sheet."), name);
      return NULL;
    }
  return g_steal_pointer (&rep);
}

BlToyCheckReport *
bl_toy_check_file (const char *path, const BlToyCheckOptions *opt, GError **error)
{
  g_autoptr(BlSheetBook) book = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  book = bl_sheet_book_read (path, error);
  if (book == NULL)
    return NULL;
  name = g_filename_display_name (path);
  return bl_toy_check_book (book, name, opt, error);
}

gboolean
bl_toy_check_report_matches (const BlToyCheckReport *r)
{
  g_return_val_if_fail (r != NULL, FALSE);
  for (guint i = 0; i < r->sheets->len; i++)
    if (((BlToySheetReport *) g_ptr_array_index (r->sheets, i))->n_diffs > 0)
      return FALSE;
  return TRUE;
}

const BlToyCheckDiff *
bl_toy_check_report_first_diff (const BlToyCheckReport *r, const BlToySheetReport **sheet)
{
  g_return_val_if_fail (r != NULL, NULL);
  for (guint i = 0; i < r->sheets->len; i++)
    {
      BlToySheetReport *sr = g_ptr_array_index (r->sheets, i);
      if (sr->diffs->len > 0)
        {
          if (sheet)
            *sheet = sr;
          return &g_array_index (sr->diffs, BlToyCheckDiff, 0);
        }
    }
  return NULL;
}

static const char *
diff_column_name (const BlToyCheckDiff *d, char *buf, gsize size)
{
  if (d->next)
    {
      g_snprintf (buf, size, "%s_new", bl_toy_column_name (d->slot));
      return buf;
    }
  return d->slot < BL_TOY_N_COLS ? bl_toy_column_name (d->slot) : bl_toy_slot_symbol (d->slot);
}

/* A number in prose: "%.12g" (or @fmt) with a true minus sign. */
static char *
prose_number (const char *fmt, double v)
{
  char *text = g_strdup_printf (fmt, v);
  if (text[0] == '-')
    {
      char *t = g_strconcat ("−", text + 1, NULL);
      g_free (text);
      return t;
    }
  return text;
}

char *
bl_toy_check_report_describe (const BlToyCheckReport *r)
{
  GString *out = g_string_new (NULL);
  const BlToySheetReport *sr = NULL;
  const BlToyCheckDiff *d;

  g_return_val_if_fail (r != NULL, NULL);
  d = bl_toy_check_report_first_diff (r, &sr);
  if (d == NULL)
    {
      unsigned long long cells = 0;
      guint rows = 0;
      for (guint i = 0; i < r->sheets->len; i++)
        {
          const BlToySheetReport *s = g_ptr_array_index (r->sheets, i);
          cells += s->n_cells;
          rows += s->mapping->n_rows;
        }
      g_string_append_printf (out, ngettext ("%s: matches (%u sheet, %u rows, %llu cells "
                                             "checked).",
                                             "%s: matches (%u sheets, %u rows, %llu cells "
                                             "checked).", r->sheets->len),
                              r->path, r->sheets->len, rows, cells);
    }
  else
    {
      char name[32];
      g_autofree char *why = NULL;
      unsigned long long total = 0;

      for (guint i = 0; i < r->sheets->len; i++)
        total += ((BlToySheetReport *) g_ptr_array_index (r->sheets, i))->n_diffs;
      if (d->not_a_number)
        g_string_append_printf (out, _("%s: sheet “%s”, row %u (iteration %u), column %s "
                                       "(cell %s): not a number."), r->path,
                                sr->mapping->sheet_name, d->sheet_row + 1, d->iteration,
                                diff_column_name (d, name, sizeof name), d->cell);
      else
        {
          g_autofree char *has = prose_number ("%.12g", d->sheet_value);
          g_autofree char *want = prose_number ("%.12g", d->expected);
          g_autofree char *off = prose_number ("%.3g", d->sheet_value - d->expected);
          why = bl_toy_mistake_describe (&d->mistake, &sr->params);
          g_string_append_printf (out, _("%s: sheet “%s”, row %u (iteration %u), column %s "
                                         "(cell %s): the sheet has %s, recomputed from its own "
                                         "cells %s (off by %s, %.3g relative). Likely mistake: "
                                         "%s."), r->path, sr->mapping->sheet_name,
                                  d->sheet_row + 1, d->iteration,
                                  diff_column_name (d, name, sizeof name), d->cell, has, want,
                                  off, d->error_rel, why);
        }
      g_string_append_c (out, ' ');
      g_string_append_printf (out, ngettext ("%llu cell disagrees in all.",
                                             "%llu cells disagree in all.", total), total);
    }
  /* What was assumed or found, for the sheet reported on. */
  if (sr == NULL && r->sheets->len)
    sr = g_ptr_array_index (r->sheets, 0);
  for (guint j = 0; sr && j < sr->notes->len; j++)
    g_string_append_printf (out, " %s", (char *) g_ptr_array_index (sr->notes, j));
  return g_string_free (out, FALSE);
}
