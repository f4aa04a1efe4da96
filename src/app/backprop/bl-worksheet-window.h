/* bl-worksheet-window.h: "Print worksheet". The page's network as a PDF worksheet for a lesson
 * (bl_toy_worksheet_save_pdf: the network, boxes for the first iteration, the answer key on a
 * page of its own), A4 or Letter, at one of the page's rates; written off the main thread. */
#pragma once

#include <gtk/gtk.h>
#include "backprop/bl-tool-window.h"
#include "export/bl-toy-pdf.h"

G_BEGIN_DECLS

#define BL_TYPE_WORKSHEET_WINDOW (bl_worksheet_window_get_type ())
G_DECLARE_FINAL_TYPE (BlWorksheetWindow, bl_worksheet_window, BL, WORKSHEET_WINDOW, GtkWindow)

BlWorksheetWindow *bl_worksheet_window_new         (GtkWindow *parent, const BlToolNetwork *net);
void               bl_worksheet_window_set_network (BlWorksheetWindow *self,
                                                    const BlToolNetwork *net);
void               bl_worksheet_window_set_paper   (BlWorksheetWindow *self, BlToyPaper paper);
/* Writes the worksheet to @path in the background (what the save dialog's answer does): a
 * notice in the window when done, an error dialog when not. */
void               bl_worksheet_window_save_to     (BlWorksheetWindow *self, const char *path);
/* For tests. */
gboolean           bl_worksheet_window_is_busy     (BlWorksheetWindow *self);
/* The notice shown ("" before any), and the last error's message (or NULL). */
const char        *bl_worksheet_window_get_notice  (BlWorksheetWindow *self);
const char        *bl_worksheet_window_get_error   (BlWorksheetWindow *self);

G_END_DECLS
