/* bl-fetch.c: see bl-fetch.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bl-data-dir.h"
#include "bl-digest.h"
#include "bl-fetch-http.h"
#include "bl-fetch.h"
#include "bl-tar.h"
#include "core/bl-file.h"

/* A tarball holds other files beside the set's (npm's: a readme, scripts, tests; 12 kB in
 * all) and a header per entry: this much more than the set's own bytes is allowed. */
#define TAR_OTHER_BYTES (G_GUINT64_CONSTANT (16) << 20)
/* A temporary file this old was left by a run that was killed, not by one still running. */
#define STALE_TEMP_S (60 * 60)

/* The most a body holding @size bytes of content may be: raw, or gzip'd at worst (stored
 * blocks add 5 bytes in 64 KiB; a header with a name or an extra field, a few kB). */
static guint64
body_bound (guint64 size)
{
  return size + size / 256 + 64 * 1024;
}

const char * const *
bl_fetch_default_mirrors (void)
{
  static const char *const mirrors[] = {
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
    BL_FETCH_NPM_TARBALL,
    NULL,
  };
  return mirrors;
}

/* A name or an address: letters, digits, '-', '.', '_' (or an IP address, IPv6 included). */
static gboolean
host_ok (const char *host)
{
  g_autofree char *ascii = host && host[0] ? g_hostname_to_ascii (host) : NULL;

  if (ascii == NULL)
    return FALSE;
  if (g_hostname_is_ip_address (ascii))
    return TRUE;
  for (const char *c = ascii; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '.' && *c != '_')
      return FALSE;
  return TRUE;
}

gboolean
bl_fetch_check_mirror (const char *url, GError **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;

  if (uri && (g_ascii_strcasecmp (scheme, "http") == 0 ||
              g_ascii_strcasecmp (scheme, "https") == 0) && host_ok (host))
    return TRUE;
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
               _("“%s” is not a mirror: an http:// or https:// URL with a host is accepted, of "
                 "a folder or of a .tgz, .tar.gz or .tar tarball"), url);
  return FALSE;
}

typedef struct {
  const char          *dir;
  const BlFetchOptions *opt;
  const BlManifest    *manifest;
  GCancellable        *cancellable;
  SoupSession         *session;
  guint64              min_progress;
  gboolean             ready[NN_N_FILES];
  char                *bad_path[NN_N_FILES];   /* found at the start, not MNIST's */
  guint                n_ready;
} Fetch;

static void
report (Fetch *fx, BlFetchPhase phase, NnDataFile file, const char *url, guint64 done,
        guint64 total, const GError *error)
{
  BlFetchProgress p = { phase, file, fx->n_ready, url, done, total, error };

  if (fx->opt->progress)
    fx->opt->progress (&p, fx->opt->user_data);
}

/* Errors after which no other mirror can help. */
static gboolean
is_fatal (const GError *e)
{
  return g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (e, BL_FETCH_ERROR, BL_FETCH_ERROR_IO);
}

/* ------------------------------------------------------------------------------------------ */
/* A landing: one file's bytes on their way into the folder, through a temporary file and the
 * digest. */

typedef struct {
  Fetch     *fx;
  NnDataFile file;
  char      *label;   /* where the bytes come from, for messages */
  char      *tmp;
  int        fd;
  BlDigest   digest;
} Landing;

static gboolean
landing_open (Landing *l, Fetch *fx, NnDataFile file, const char *label, GError **error)
{
  g_autofree char *final = g_build_filename (fx->dir, nn_dataset_file_name (file), NULL);

  *l = (Landing) { fx, file, g_strdup (label), bl_file_temp_path (final), -1 };
  l->fd = g_open (l->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (l->fd < 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (l->tmp);
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO, _("Could not create %s: %s"), name,
                   g_strerror (saved));
      g_clear_pointer (&l->tmp, g_free);
      g_clear_pointer (&l->label, g_free);
      return FALSE;
    }
  bl_digest_init (&l->digest);
  bl_digest_set_limit (&l->digest, fx->manifest->files[file].size);
  return TRUE;
}

static gboolean
landing_io_error (Landing *l, int saved, GError **error)
{
  g_autofree char *name = g_filename_display_name (l->tmp);
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO, _("Could not write %s: %s"), name,
               g_strerror (saved));
  return FALSE;
}

static gboolean
landing_write (Landing *l, const guint8 *data, gsize len, GError **error)
{
  if (!bl_digest_feed (&l->digest, data, len, error))
    {
      g_prefix_error (error, "%s: ", l->label);
      return FALSE;
    }
  while (len > 0)
    {
      gssize n = write (l->fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return landing_io_error (l, errno, error);
      data += n;
      len -= n;
    }
  return TRUE;
}

static void
landing_free (Landing *l)
{
  if (l->fd >= 0)
    close (l->fd);
  l->fd = -1;
  bl_digest_clear (&l->digest);
  g_clear_pointer (&l->tmp, g_free);
  g_clear_pointer (&l->label, g_free);
}

/* Drops the temporary file: nothing of a failed download stays behind. */
static void
landing_abort (Landing *l)
{
  if (l->fd >= 0)
    close (l->fd);
  l->fd = -1;
  if (l->tmp)
    g_unlink (l->tmp);
  landing_free (l);
}

/* FALSE (BL_FETCH_ERROR_IO) if @path is there and not a regular file or a symbolic link: a
 * FIFO, a device, a socket or a folder under a data file's name is someone's, not ours to
 * replace. */
static gboolean
check_replaceable (const char *path, GError **error)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0 || S_ISREG (st.st_mode) || S_ISLNK (st.st_mode))
    return TRUE;
  {
    g_autofree char *name = g_filename_display_name (path);
    g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO,
                 _("%s is there and is not a regular file (a folder, FIFO or device); it is "
                   "not replaced"), name);
  }
  return FALSE;
}

/* Verifies, flushes and renames the file into place; aborts the landing on failure. */
static gboolean
landing_commit (Landing *l, const char *url, GError **error)
{
  Fetch *fx = l->fx;
  const char *name = nn_dataset_file_name (l->file);
  const char *want = fx->manifest->files[l->file].sha256;
  g_autofree char *base = NULL, *final = NULL;
  GError *e = NULL;
  char hex[65];
  int fd = l->fd;

  if (!bl_digest_finish (&l->digest, hex, error))
    {
      g_prefix_error (error, "%s: ", l->label);
      landing_abort (l);
      return FALSE;
    }
  if (strcmp (hex, want) != 0)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_DIGEST,
                   _("%s: not %s's %s (SHA-256 of the content %.16s…, expected %.16s…)"),
                   l->label, fx->manifest->name, name, hex, want);
      landing_abort (l);
      return FALSE;
    }
  /* On the disk before the rename, so a crash cannot leave a verified name on lost bytes. */
  l->fd = -1;
  if (fsync (fd) != 0)
    {
      int saved = errno;
      close (fd);
      landing_io_error (l, saved, error);
      landing_abort (l);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      landing_io_error (l, errno, error);
      landing_abort (l);
      return FALSE;
    }
  base = g_strconcat (name, bl_digest_is_gzip (&l->digest) ? ".gz" : "", NULL);
  final = g_build_filename (fx->dir, base, NULL);
  if (!check_replaceable (final, error))
    {
      landing_abort (l);
      return FALSE;
    }
  if (!bl_file_commit_temp (l->tmp, final, &e))
    {
      /* In our domain, so that it stops the other mirrors too: they would fail the same. */
      g_set_error_literal (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO, e->message);
      g_error_free (e);
      landing_abort (l);
      return FALSE;
    }
  /* A bad file found at the start would shadow (or sit beside) the good one: it goes. */
  if (fx->bad_path[l->file] && strcmp (fx->bad_path[l->file], final) != 0)
    g_unlink (fx->bad_path[l->file]);
  g_clear_pointer (&fx->bad_path[l->file], g_free);
  landing_free (l);
  fx->ready[l->file] = TRUE;
  fx->n_ready++;
  report (fx, BL_FETCH_INSTALLED, l->file, url, 0, 0, NULL);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* A folder mirror: "<base>/<name>.gz", one request per file. */

typedef struct {
  Fetch      *fx;
  Landing    *landing;
  NnDataFile  file;
  const char *url;
} Download;

static gboolean
download_chunk (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Download *d = user_data;
  return landing_write (d->landing, data, len, error);
}

static void
download_progress (guint64 done, guint64 total, gpointer user_data)
{
  Download *d = user_data;
  report (d->fx, BL_FETCH_DOWNLOADING, d->file, d->url, done, total, NULL);
}

static gboolean
fetch_from_folder (Fetch *fx, const char *base, NnDataFile file, GError **error)
{
  g_autofree char *url = g_strconcat (base, g_str_has_suffix (base, "/") ? "" : "/",
                                      nn_dataset_file_name (file), ".gz", NULL);
  Landing l;
  Download d = { fx, &l, file, url };

  if (!landing_open (&l, fx, file, url, error))
    return FALSE;
  if (!bl_http_get (fx->session, url, body_bound (fx->manifest->files[file].size),
                    fx->min_progress, download_chunk, download_progress, &d, fx->cancellable,
                    error))
    {
      landing_abort (&l);
      return FALSE;
    }
  return landing_commit (&l, url, error);
}

/* ------------------------------------------------------------------------------------------ */
/* A tarball mirror: one request, unpacked as it arrives; each file it holds is landed while
 * the others stream past. Once every file still missing has landed, the rest is not read. */

typedef struct {
  Fetch      *fx;
  const char *url;
  NnDataFile  first;           /* the file that sent us here, for progress */
  BlInflate   z;
  BlTar      *tar;
  Landing     landing;
  gboolean    in_file;         /* the landing is open */
  gboolean    seen[NN_N_FILES];
  gboolean    complete;        /* every file is ready: the download stops here */
  GError    **errors;          /* [NN_N_FILES]: why a file did not come from here */
} Unpack;

/* What a file inside the tarball is: f, or NN_N_FILES for none of ours. */
static NnDataFile
unpack_match (const char *path, gboolean *gz)
{
  const char *base = strrchr (path, '/') ? strrchr (path, '/') + 1 : path;

  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      const char *name = nn_dataset_file_name (f);
      gsize len = strlen (name);

      if (strncmp (base, name, len) != 0)
        continue;
      if (base[len] == '\0' || g_str_equal (base + len, ".gz"))
        {
          *gz = base[len] != '\0';
          return f;
        }
    }
  return NN_N_FILES;
}

static gboolean
unpack_begin (const char *path, guint64 size, gboolean *want, gpointer user_data,
              GError **error)
{
  Unpack *u = user_data;
  const BlManifest *manifest = u->fx->manifest;
  g_autofree char *shown = g_utf8_make_valid (path, -1);
  g_autofree char *label = NULL;
  gboolean gz = FALSE;
  NnDataFile f = unpack_match (path, &gz);
  guint64 expected;

  if (f == NN_N_FILES || u->fx->ready[f] || u->seen[f])
    return TRUE;
  u->seen[f] = TRUE;
  label = g_strdup_printf ("%s (%s)", u->url, shown);
  expected = manifest->files[f].size;
  /* Its size is in the header: a raw file of another size, or a .gz too big to hold the
   * content, is not the file, and not a byte of it needs to land. */
  if ((!gz && size != expected) || (gz && size > body_bound (expected)))
    {
      g_clear_error (&u->errors[f]);
      g_set_error (&u->errors[f], BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                   _("%s: %llu bytes, where %s's %s has %llu"), label,
                   (unsigned long long) size, manifest->name, nn_dataset_file_name (f),
                   (unsigned long long) expected);
      return TRUE;
    }
  if (!landing_open (&u->landing, u->fx, f, label, error))
    return FALSE;
  u->in_file = TRUE;
  *want = TRUE;
  return TRUE;
}

/* A file that fails inside the tarball fails alone; the other entries still come. */
static gboolean
unpack_file_failed (Unpack *u, GError *e, GError **error)
{
  NnDataFile f = u->landing.file;

  u->in_file = FALSE;
  if (u->landing.tmp)
    landing_abort (&u->landing);
  if (is_fatal (e))
    {
      g_propagate_error (error, e);
      return FALSE;
    }
  g_clear_error (&u->errors[f]);
  u->errors[f] = e;
  return TRUE;
}

static gboolean
unpack_data (const guint8 *buf, gsize len, gpointer user_data, GError **error)
{
  Unpack *u = user_data;
  GError *e = NULL;

  if (!u->in_file || landing_write (&u->landing, buf, len, &e))
    return TRUE;
  return unpack_file_failed (u, e, error);
}

static gboolean
unpack_end (gpointer user_data, GError **error)
{
  Unpack *u = user_data;
  GError *e = NULL;

  if (!u->in_file)
    return TRUE;
  u->in_file = FALSE;
  if (landing_commit (&u->landing, u->url, &e))
    {
      u->complete = u->fx->n_ready == NN_N_FILES;
      return TRUE;
    }
  return unpack_file_failed (u, e, error);
}

static gboolean
unpack_tar_bytes (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Unpack *u = user_data;
  return bl_tar_feed (u->tar, data, len, error);
}

/* The error that stops the download once the set is complete; not a failure. */
G_DEFINE_QUARK (bl-fetch-complete-quark, unpack_complete)

static gboolean
unpack_chunk (const guint8 *data, gsize len, gpointer user_data, GError **error)
{
  Unpack *u = user_data;

  if (!bl_inflate_feed (&u->z, data, len, error))
    return FALSE;
  if (u->complete)
    {
      g_set_error_literal (error, unpack_complete_quark (), 0, "complete");
      return FALSE;
    }
  return TRUE;
}

static void
unpack_progress (guint64 done, guint64 total, gpointer user_data)
{
  Unpack *u = user_data;
  report (u->fx, BL_FETCH_DOWNLOADING, u->first, u->url, done, total, NULL);
}

/* Fills @errors[f] for every file still missing afterwards; FALSE only for a fatal error. */
static gboolean
fetch_from_tarball (Fetch *fx, const char *url, NnDataFile first, GError **errors,
                    GError **error)
{
  static const BlTarHandler handler = { unpack_begin, unpack_data, unpack_end };
  /* The whole archive, decompressed: the set, and a little more for what is beside it. */
  guint64 tar_limit = bl_manifest_total_size (fx->manifest) + TAR_OTHER_BYTES;
  Unpack u = { fx, url, first };
  GError *e = NULL;
  gboolean ok;

  u.errors = errors;
  u.tar = bl_tar_new (&handler, &u);
  bl_tar_set_limit (u.tar, tar_limit);
  bl_inflate_init (&u.z, unpack_tar_bytes, &u);
  bl_inflate_set_limit (&u.z, tar_limit);
  ok = bl_http_get (fx->session, url, body_bound (tar_limit), fx->min_progress, unpack_chunk,
                    unpack_progress, &u, fx->cancellable, &e) &&
       bl_inflate_finish (&u.z, &e) && bl_tar_finish (u.tar, &e);
  if (!ok && e->domain == unpack_complete_quark ())
    {
      ok = TRUE;
      g_clear_error (&e);
    }
  if (u.in_file)
    landing_abort (&u.landing);
  bl_inflate_clear (&u.z);
  bl_tar_free (u.tar);
  if (!ok && e->domain == BL_FETCH_ERROR && e->code != BL_FETCH_ERROR_IO &&
      !g_str_has_prefix (e->message, url))
    g_prefix_error (&e, "%s: ", url);
  if (!ok && is_fatal (e))
    {
      g_propagate_error (error, e);
      return FALSE;
    }
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    if (!fx->ready[f] && errors[f] == NULL)
      {
        if (!ok)
          errors[f] = g_error_copy (e);
        else
          g_set_error (&errors[f], BL_FETCH_ERROR, BL_FETCH_ERROR_MISSING,
                       _("%s: no %s inside"), url, nn_dataset_file_name (f));
      }
  g_clear_error (&e);
  return TRUE;
}

static gboolean
is_tarball (const char *url)
{
  g_autofree char *lower = g_ascii_strdown (url, -1);
  return g_str_has_suffix (lower, ".tgz") || g_str_has_suffix (lower, ".tar.gz") ||
         g_str_has_suffix (lower, ".tar");
}

/* ------------------------------------------------------------------------------------------ */

/* Temporary files of ours that a killed run left behind ("<name>[.gz].tmp-XXXXXXXX"). */
static void
remove_stale_temps (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (d == NULL)
    return;
  while ((entry = g_dir_read_name (d)) != NULL)
    for (NnDataFile f = 0; f < NN_N_FILES; f++)
      {
        const char *name = nn_dataset_file_name (f);
        GStatBuf st;
        g_autofree char *path = NULL;
        const char *rest;

        if (!g_str_has_prefix (entry, name))
          continue;
        rest = entry + strlen (name);
        if (g_str_has_prefix (rest, ".gz"))
          rest += 3;
        if (!g_str_has_prefix (rest, ".tmp-") || strlen (rest) != 13)
          continue;
        path = g_build_filename (dir, entry, NULL);
        if (g_lstat (path, &st) == 0 && S_ISREG (st.st_mode) && now - st.st_mtime > STALE_TEMP_S)
          g_unlink (path);
      }
}

/* Which files are already there, verified: those are not downloaded again. A name that a
 * download could have to replace and that is not a regular file stops everything at once,
 * before a byte is downloaded in vain. */
static gboolean
check_present (Fetch *fx, GError **error)
{
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    {
      g_autofree char *path = NULL;
      g_autoptr(GError) e = NULL;

      for (guint gz = 0; gz < 2; gz++)
        {
          g_autofree char *base = g_strconcat (nn_dataset_file_name (f), gz ? ".gz" : "", NULL);
          g_autofree char *final = g_build_filename (fx->dir, base, NULL);
          if (!check_replaceable (final, error))
            return FALSE;
        }
      path = bl_data_find_file (fx->dir, f);
      if (path == NULL)
        continue;
      report (fx, BL_FETCH_CHECKING, f, NULL, 0, 0, NULL);
      if (bl_data_verify_file (path, f, fx->manifest, fx->cancellable, &e))
        {
          fx->ready[f] = TRUE;
          fx->n_ready++;
          report (fx, BL_FETCH_PRESENT, f, NULL, 0, 0, NULL);
        }
      else if (g_error_matches (e, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&e));
          return FALSE;
        }
      else
        fx->bad_path[f] = g_steal_pointer (&path);
    }
  return TRUE;
}

static gboolean
fetch_all (Fetch *fx, const char * const *mirrors, GError **error)
{
  guint n_mirrors = g_strv_length ((char **) mirrors);
  /* [mirror][file]: why a tarball did not give a file; a tarball is fetched once. */
  g_autofree GError **tar_errors = g_new0 (GError *, MAX (n_mirrors, 1) * NN_N_FILES);
  g_autofree gboolean *tar_done = g_new0 (gboolean, MAX (n_mirrors, 1));
  /* [mirror]: why it could not be reached. A server that did not answer (no such host, a
   * timeout) is not asked again for the next files: each would wait out the timeout again. */
  g_autofree GError **unreachable = g_new0 (GError *, MAX (n_mirrors, 1));
  gboolean ok = TRUE;

  for (NnDataFile f = 0; ok && f < NN_N_FILES; f++)
    {
      g_autoptr(GString) why = g_string_new (NULL);
      int last_code = BL_FETCH_ERROR_INVALID;

      for (guint m = 0; !fx->ready[f] && m < n_mirrors; m++)
        {
          GError *e = NULL;

          if (g_cancellable_set_error_if_cancelled (fx->cancellable, error))
            {
              ok = FALSE;
              break;
            }
          if (unreachable[m])
            e = g_error_copy (unreachable[m]);
          else if (is_tarball (mirrors[m]))
            {
              if (!tar_done[m])
                {
                  tar_done[m] = TRUE;
                  if (!fetch_from_tarball (fx, mirrors[m], f, tar_errors + m * NN_N_FILES,
                                           error))
                    {
                      ok = FALSE;
                      break;
                    }
                }
              if (fx->ready[f])
                break;
              e = g_error_copy (tar_errors[m * NN_N_FILES + f]);
            }
          else if (fetch_from_folder (fx, mirrors[m], f, &e))
            break;
          else if (is_fatal (e))
            {
              g_propagate_prefixed_error (error, e, "%s: ", nn_dataset_file_name (f));
              ok = FALSE;
              break;
            }
          if (e->domain == BL_FETCH_ERROR && e->code == BL_FETCH_ERROR_NETWORK &&
              unreachable[m] == NULL)
            unreachable[m] = g_error_copy (e);
          report (fx, BL_FETCH_MIRROR_FAILED, f, mirrors[m], 0, 0, e);
          g_string_append_printf (why, "%s%s", why->len ? "; " : "", e->message);
          last_code = e->code;
          g_error_free (e);
        }
      if (ok && !fx->ready[f])
        {
          if (n_mirrors == 0)
            g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                         _("Could not get %s: no mirror to get it from."),
                         nn_dataset_file_name (f));
          else
            g_set_error (error, BL_FETCH_ERROR, last_code, _("Could not get %s: %s."),
                         nn_dataset_file_name (f), why->str);
          ok = FALSE;
        }
    }
  for (guint i = 0; i < n_mirrors * NN_N_FILES; i++)
    g_clear_error (&tar_errors[i]);
  for (guint m = 0; m < n_mirrors; m++)
    g_clear_error (&unreachable[m]);
  return ok;
}

gboolean
bl_fetch_mnist (const char *dest_dir, const BlFetchOptions *options, GCancellable *cancellable,
                GError **error)
{
  static const BlFetchOptions defaults = { 0 };
  g_autofree char *dir = dest_dir ? g_strdup (dest_dir) : bl_data_user_dir ();
  const char * const *mirrors;
  GMainContext *ctx;
  Fetch fx = { 0 };
  gboolean ok;

  fx.dir = dir;
  fx.opt = options ? options : &defaults;
  fx.manifest = fx.opt->manifest ? fx.opt->manifest : bl_manifest_mnist ();
  fx.min_progress = fx.opt->min_progress ? fx.opt->min_progress : BL_FETCH_DEFAULT_MIN_PROGRESS;
  fx.cancellable = cancellable;
  mirrors = fx.opt->mirrors ? fx.opt->mirrors : bl_fetch_default_mirrors ();
  for (guint m = 0; mirrors[m]; m++)
    if (!bl_fetch_check_mirror (mirrors[m], error))
      return FALSE;
  if (fx.opt->timeout_s > BL_FETCH_MAX_TIMEOUT_S)
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_INVALID,
                   _("A timeout of %u s is not accepted: from 1 to %u seconds."),
                   fx.opt->timeout_s, BL_FETCH_MAX_TIMEOUT_S);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_autofree char *name = g_filename_display_name (dir);
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_IO, _("Could not create %s: %s"), name,
                   g_strerror (saved));
      return FALSE;
    }
  remove_stale_temps (dir);
  if (!check_present (&fx, error))
    ok = FALSE;
  else if (fx.n_ready == NN_N_FILES)
    ok = TRUE;
  else
    {
      /* A context of our own: libsoup binds a session to the thread-default context, and the
       * caller's thread (a GTask worker) must not lend it one of the application's. */
      ctx = g_main_context_new ();
      g_main_context_push_thread_default (ctx);
      fx.session = bl_http_session_new (fx.opt->timeout_s ? fx.opt->timeout_s
                                                          : BL_FETCH_DEFAULT_TIMEOUT_S);
      ok = fetch_all (&fx, mirrors, error);
      g_object_unref (fx.session);
      g_main_context_pop_thread_default (ctx);
      g_main_context_unref (ctx);
    }
  for (NnDataFile f = 0; f < NN_N_FILES; f++)
    g_free (fx.bad_path[f]);
  return ok;
}
