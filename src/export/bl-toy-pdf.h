/* bl-toy-pdf.h: a worksheet for a lesson, as PDF (cairo's PDF surface, no GTK). The network
 * with its starting values drawn, then a box to fill in for every step of the first iteration
 * (the forward pass node by node, the backward pass layer by layer, the update: the order of
 * bl_toy_steps), each with its formula; then, on a page of its own, the answer key: every
 * step's numbers substituted and its value. A4 or US Letter. */
#pragma once

#include "core/bl-toy.h"

G_BEGIN_DECLS

typedef enum {
  BL_TOY_PAPER_A4,        /* 595.28 × 841.89 pt */
  BL_TOY_PAPER_LETTER,    /* 612 × 792 pt */
} BlToyPaper;

/* "a4" or "letter" (case does not matter). */
gboolean bl_toy_paper_from_name   (const char *name, BlToyPaper *out, GError **error);
void     bl_toy_paper_size        (BlToyPaper paper, double *width_pt, double *height_pt);

/* Writes the worksheet for @p at rate @lr to @path, atomically. @n_pages and @key_page (both
 * may be NULL) get the number of pages and the first page of the key (1-based). */
gboolean bl_toy_worksheet_save_pdf (const char *path, const BlToyParams *p, double lr,
                                    BlToyPaper paper, guint *n_pages, guint *key_page,
                                    GError **error);

G_END_DECLS
