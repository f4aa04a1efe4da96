/* seed-sheet.h: for tests only. The spreadsheet the Backprop page replaces, computed here
 * independently of the app (its own sigmoid and chain rule): 68 iterations at η = 2 from the
 * classroom values, with the slip it really had available (∂E/∂w3 and ∂E/∂w4 using
 * a_h1·(1 − a_h1) where a_h2·(1 − a_h2) belongs). Shared by test-toy-check (the core's check)
 * and test-backprop-tools (the window's). */
#pragma once

#include <glib.h>

#define SEED_COLUMNS 31
#define SEED_DW3 25
#define SEED_DW4 26
#define SEED_ITERATIONS 68
#define SEED_LR 2.0

typedef double SeedRow[SEED_COLUMNS];

/* The sheet's columns, in its order. */
extern const char *const seed_headers[SEED_COLUMNS];

/* SEED_ITERATIONS + 1 rows; with @slip, ∂E/∂w3 and ∂E/∂w4 as the sheet had them. g_free it. */
SeedRow *seed_rows       (gboolean slip);
/* The sheet as the teachers had it: a title and η above the table, row 0's inputs and weights
 * typed, a formula with its cached value in every other cell; with @notes_sheet a second
 * worksheet ("Notes") after it. */
void     seed_write_xlsx (const char *path, gboolean slip, gboolean notes_sheet);
