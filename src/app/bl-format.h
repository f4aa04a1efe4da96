/* bl-format.h: how numbers are written for people, one format per kind of value, written once.
 *
 * Every format here has a bounded width, so a column sized for bl_format_widest() never cuts
 * a number (an exponent least of all). The decimal separator is always '.', as in the formulas
 * and in what the entries accept; thousands are grouped with the separator of the window's
 * language (its translation: "60,000" in English, "60.000" in Spanish). GLib only: the charts
 * and the pages share it. Non-goals: parsing (core/bl-toy.h parses), currencies, units. */
#pragma once

#include <glib.h>
#include "core/bl-toy.h"

G_BEGIN_DECLS

typedef enum {
  /* Values of order one (inputs, targets, weights, net inputs, activations): six decimals, so
   * decimal points line up in a right-aligned column of tabular figures: "0.150000". */
  BL_NUMBER_FIXED,
  /* Values that span decades (errors, the loss, gradients): five significant digits and a
   * whole exponent, so mantissas and exponents line up: "−7.7391e-05". */
  BL_NUMBER_SCIENTIFIC,
  /* Values of order one where room is short (the network diagram): four decimals, "0.1500";
   * from 10^4 on, scientific. */
  BL_NUMBER_BRIEF,
} BlNumberKind;

/* Room for any number written here, with its terminating NUL. */
#define BL_FORMAT_NUMBER_SIZE 32

/* @n with its thousands grouped by the translation's separator: "60,000". (transfer full) */
char        *bl_format_count             (guint64 n);
/* The same with an explicit @separator ("" for none). (transfer full) */
char        *bl_format_count_with        (guint64 n, const char *separator);
/* The separator bl_format_count uses: the translation's, "," untranslated. */
const char  *bl_format_thousands_separator (void);

/* @v written as @kind into @buf (BL_FORMAT_NUMBER_SIZE bytes); returns @buf. Negative numbers
 * take a true minus sign (U+2212); a fixed value too large for its width turns scientific;
 * NaN is "NaN", infinities "∞" and "−∞". */
const char  *bl_format_number            (char *buf, BlNumberKind kind, double v);
/* The widest text @kind ever writes, digits as '8': what a column must have room for. */
const char  *bl_format_widest            (BlNumberKind kind);
/* The kind of each ledger column (the same for every row). */
BlNumberKind bl_format_column_kind       (BlToyColumn col);
/* The same where room is short: BL_NUMBER_BRIEF for what the ledger writes fixed. */
BlNumberKind bl_format_column_kind_brief (BlToyColumn col);

/* A learning rate as a teacher would type it: "0.1", "2", "0.0035" (at most four significant
 * digits; '.' for decimals). (transfer full) */
char        *bl_format_rate              (double lr);

G_END_DECLS
