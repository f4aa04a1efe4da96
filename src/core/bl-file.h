/* bl-file.h: atomic file replacement shared by every writer (CSV, xlsx, PNG): write a
 * temporary file beside the target, then rename it over the target, so a reader never sees
 * half a file and a failed write leaves the old one in place. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A temporary name beside @path (transfer full). */
char    *bl_file_temp_path    (const char *path);
/* Renames @tmp_path over @path; on failure removes @tmp_path and sets @error. */
gboolean bl_file_commit_temp  (const char *tmp_path, const char *path, GError **error);

G_END_DECLS
