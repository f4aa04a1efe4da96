/* seed-sheet.c: see seed-sheet.h (for tests only). */
#include "seed-sheet.h"

#include <math.h>
#include <string.h>
#include <xlsxwriter.h>

const char *const seed_headers[SEED_COLUMNS] = {
  "t1", "t2", "i1", "i2", "w1", "w2", "w3", "w4", "h1", "a_h1", "h2", "a_h2",
  "w5", "w6", "w7", "w8", "o1", "a_o1", "o2", "a_o2", "E1", "E2", "E_total",
  "dE/dw1", "dE/dw2", "dE/dw3", "dE/dw4", "dE/dw5", "dE/dw6", "dE/dw7", "dE/dw8",
};

static double
sig (double x)
{
  return 1.0 / (1.0 + exp (-x));
}

SeedRow *
seed_rows (gboolean slip)
{
  SeedRow *rows = g_new (SeedRow, SEED_ITERATIONS + 1);
  double w[8] = { 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55 };
  const double i1 = 0.05, i2 = 0.10, t1 = 0.01, t2 = 0.99;

  for (int k = 0; k <= SEED_ITERATIONS; k++)
    {
      double h1 = w[0] * i1 + w[1] * i2, h2 = w[2] * i1 + w[3] * i2;
      double ah1 = sig (h1), ah2 = sig (h2);
      double o1 = w[4] * ah1 + w[5] * ah2, o2 = w[6] * ah1 + w[7] * ah2;
      double ao1 = sig (o1), ao2 = sig (o2);
      double d1 = (ao1 - t1) * ao1 * (1 - ao1), d2 = (ao2 - t2) * ao2 * (1 - ao2);
      double dh1 = (d1 * w[4] + d2 * w[6]) * ah1 * (1 - ah1);
      double dh2 = (d1 * w[5] + d2 * w[7]) * (slip ? ah1 * (1 - ah1) : ah2 * (1 - ah2));
      double g[8] = { dh1 * i1, dh1 * i2, dh2 * i1, dh2 * i2,
                      d1 * ah1, d1 * ah2, d2 * ah1, d2 * ah2 };
      double e1 = 0.5 * (t1 - ao1) * (t1 - ao1), e2 = 0.5 * (t2 - ao2) * (t2 - ao2);
      double vals[SEED_COLUMNS] = { t1, t2, i1, i2, w[0], w[1], w[2], w[3], h1, ah1, h2, ah2,
                                    w[4], w[5], w[6], w[7], o1, ao1, o2, ao2, e1, e2, e1 + e2,
                                    g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7] };
      memcpy (rows[k], vals, sizeof vals);
      for (int j = 0; j < 8; j++)
        w[j] -= SEED_LR * g[j];
    }
  return rows;
}

void
seed_write_xlsx (const char *path, gboolean slip, gboolean notes_sheet)
{
  g_autofree SeedRow *rows = seed_rows (slip);
  lxw_workbook *wb = workbook_new (path);
  lxw_worksheet *ws = workbook_add_worksheet (wb, "Backprop");

  if (notes_sheet)
    worksheet_write_string (workbook_add_worksheet (wb, "Notes"), 0, 0, "Nothing to see here",
                            NULL);
  worksheet_write_string (ws, 0, 0, "Backpropagation, 2-2-2 network", NULL);
  worksheet_write_string (ws, 1, 0, "learning rate", NULL);
  worksheet_write_number (ws, 1, 1, SEED_LR, NULL);
  for (int c = 0; c < SEED_COLUMNS; c++)
    worksheet_write_string (ws, 3, c, seed_headers[c], NULL);
  for (int k = 0; k <= SEED_ITERATIONS; k++)
    for (int c = 0; c < SEED_COLUMNS; c++)
      {
        /* Row 0's inputs and weights are typed; the rest are formulas (not recalculated by
         * the check: their cached values are what it reads). */
        if (k == 0 && c < 16 && !(c >= 8 && c <= 11))
          worksheet_write_number (ws, 4 + k, c, rows[k][c], NULL);
        else
          worksheet_write_formula_num (ws, 4 + k, c, "=1+1", NULL, rows[k][c]);
      }
  g_assert_cmpint (workbook_close (wb), ==, LXW_NO_ERROR);
}
