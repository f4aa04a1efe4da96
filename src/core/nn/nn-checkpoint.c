/* nn-checkpoint.c: see nn-checkpoint.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "core/bl-file.h"
#include "nn-checkpoint.h"
#include "nn-error.h"

static const char magic[8] = { 'B', 'L', 'C', 'K', 'P', 'T', '\r', '\n' };

/* Version 1 stored no dropout rate: it was written while every network dropped at 0.25 (the
 * architecture's only rate then), and its spec line said so ("relu drop0.25 maxpool2"). Fixed
 * here rather than NN_DROPOUT_P: what those files hold does not move if the default does. */
#define V1_DROPOUT_P 0.25f

/* The architecture line a version-1 file holds: today's, each dropout with that rate. */
static const char *
v1_spec_string (void)
{
  static gsize once;
  static char *spec;

  if (g_once_init_enter (&once))
    {
      GString *s = g_string_new (nn_model_spec_string ());
      char drop[G_ASCII_DTOSTR_BUF_SIZE + 8];

      g_strlcpy (drop, " drop", sizeof drop);
      g_ascii_formatd (drop + 5, sizeof drop - 5, "%g", V1_DROPOUT_P);
      g_string_replace (s, " drop", drop, 0);
      spec = g_string_free (s, FALSE);
      g_once_init_leave (&once, 1);
    }
  return spec;
}

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 p[4] = { v, v >> 8, v >> 16, v >> 24 };
  g_byte_array_append (b, p, 4);
}

/* The first value of @v (its values at @data) a model cannot hold, or -1; @what says why. */
static gssize
find_bad_value (const NnTensorView *v, const float *data, const char **what)
{
  gboolean variance = g_str_has_suffix (v->name, ".running_var");

  for (gsize k = 0; k < v->size; k++)
    {
      if (isnan (data[k]))
        *what = "NaN";
      else if (isinf (data[k]))
        *what = data[k] > 0 ? "+Inf" : "-Inf";
      else if (variance && data[k] < 0)
        *what = _("a negative variance");
      else
        continue;
      return (gssize) k;
    }
  return -1;
}

gboolean
nn_checkpoint_check_values (NnModel *model, GError **error)
{
  g_autoptr(GArray) tensors = NULL;

  g_return_val_if_fail (model != NULL, FALSE);
  tensors = nn_model_tensors (model);
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      const char *what = NULL;
      gssize k = find_bad_value (v, v->data, &what);
      if (k >= 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
                       _("The model holds %s (%s, value %lu): training has diverged, and such "
                         "a model predicts nothing."), what, v->name, (unsigned long) k);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
nn_checkpoint_save (NnModel *model, const char *path, const char *metadata, GError **error)
{
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(GArray) tensors = nn_model_tensors (model);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *spec = nn_model_spec_string ();
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  /* A diverged model is refused before anything is written: a good file stays as it was. */
  if (!nn_checkpoint_check_values (model, &local))
    {
      g_autofree char *name = g_filename_display_name (path);
      g_set_error (error, NN_ERROR, NN_ERROR_INVALID, _("Not saved to %s: %s"), name,
                   local->message);
      return FALSE;
    }
  if (metadata && !g_utf8_validate (metadata, -1, NULL))
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_INVALID,
                           _("A model's description must be UTF-8 text."));
      return FALSE;
    }
  g_byte_array_append (b, (const guint8 *) magic, sizeof magic);
  put_u32 (b, NN_CHECKPOINT_VERSION);
  put_u32 (b, strlen (spec));
  g_byte_array_append (b, (const guint8 *) spec, strlen (spec));
  {
    float rate = nn_model_get_dropout (model);
    guint32 bits;
    memcpy (&bits, &rate, 4);
    put_u32 (b, bits);
  }
  metadata = metadata ? metadata : "";
  put_u32 (b, strlen (metadata));
  g_byte_array_append (b, (const guint8 *) metadata, strlen (metadata));
  put_u32 (b, tensors->len);
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      guint16 len = strlen (v->name);
      guint8 l2[2] = { len, len >> 8 }, nd = v->n_dims;
      g_byte_array_append (b, l2, 2);
      g_byte_array_append (b, (const guint8 *) v->name, len);
      g_byte_array_append (b, &nd, 1);
      for (int d = 0; d < v->n_dims; d++)
        put_u32 (b, v->dims[d]);
      for (gsize k = 0; k < v->size; k++)
        {
          guint32 bits;
          memcpy (&bits, &v->data[k], 4);
          put_u32 (b, bits);
        }
    }
  g_checksum_update (sum, b->data, b->len);
  g_checksum_get_digest (sum, digest, &digest_len);
  g_byte_array_append (b, digest, sizeof digest);
  if (!bl_file_replace_contents (path, b->data, b->len, &local))
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, local->message);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  const guint8 *p, *end;
} Reader;

static gboolean
take (Reader *r, gsize n, const guint8 **out)
{
  if ((gsize) (r->end - r->p) < n)
    return FALSE;
  *out = r->p;
  r->p += n;
  return TRUE;
}

static gboolean
take_u32 (Reader *r, guint32 *v)
{
  const guint8 *p;
  if (!take (r, 4, &p))
    return FALSE;
  *v = (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
  return TRUE;
}

/* Text from the file for a message: valid UTF-8 whatever the bytes were. */
static char *
excerpt (const guint8 *p, gsize n)
{
  return g_utf8_make_valid ((const char *) p, MIN (n, 200));
}

gboolean
nn_checkpoint_load (NnModel *model, const char *path, char **metadata_out, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  g_return_val_if_fail (model != NULL && path != NULL, FALSE);
  /* Regular files only, their size checked before a byte is read: a FIFO, /dev/zero or a
   * 1 GiB file is refused at once. */
  if (!bl_file_read_regular (path, NN_CHECKPOINT_MAX_BYTES, &contents, &len, &local))
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, local->message);
      return FALSE;
    }
  name = g_filename_display_name (path);
  return nn_checkpoint_load_data (model, (const guint8 *) contents, len, name, metadata_out,
                                  error);
}

gboolean
nn_checkpoint_load_data (NnModel *model, const guint8 *data, gsize len, const char *name,
                         char **metadata_out, GError **error)
{
  g_autoptr(GArray) tensors = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree float *staging = NULL;
  const char *spec;
  guint8 digest[32];
  gsize digest_len = sizeof digest, total = 0, at = 0;
  guint32 version = 0, spec_len = 0, meta_len = 0, n_tensors = 0;
  float rate = V1_DROPOUT_P;
  const guint8 *p, *meta;
  Reader r;

  g_return_val_if_fail (model != NULL && (data != NULL || len == 0) && name != NULL, FALSE);
  tensors = nn_model_tensors (model);
  if (len < sizeof magic + 32 || memcmp (data, magic, sizeof magic) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is not a Backprop Lab model."), name);
      return FALSE;
    }
  if (len > NN_CHECKPOINT_MAX_BYTES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is too large for a model."), name);
      return FALSE;
    }
  g_checksum_update (sum, data, len - 32);
  g_checksum_get_digest (sum, digest, &digest_len);
  if (memcmp (digest, data + len - 32, 32) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s is damaged or truncated (its checksum does not match)."), name);
      return FALSE;
    }
  r.p = data + sizeof magic;
  r.end = data + len - 32;
  if (!take_u32 (&r, &version) || version < 1 || version > NN_CHECKPOINT_VERSION)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s is a model file of version %u; this program reads versions 1 to %u."),
                   name, version, NN_CHECKPOINT_VERSION);
      return FALSE;
    }
  spec = version == 1 ? v1_spec_string () : nn_model_spec_string ();
  if (!take_u32 (&r, &spec_len) || !take (&r, spec_len, &p))
    goto truncated;
  if (spec_len != strlen (spec) || memcmp (p, spec, spec_len) != 0)
    {
      g_autofree char *other = excerpt (p, spec_len);
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("%s holds a different network: %s"), name, other);
      return FALSE;
    }
  if (version >= 2)
    {
      guint32 bits;
      if (!take_u32 (&r, &bits))
        goto truncated;
      memcpy (&rate, &bits, 4);
      /* What nn_model_set_dropout accepts: NaN and 1 (every unit dropped) are not rates. */
      if (!(rate >= 0 && rate < 1))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("%s: its dropout rate %g is not a probability below 1."), name,
                       (double) rate);
          return FALSE;
        }
    }
  if (!take_u32 (&r, &meta_len) || !take (&r, meta_len, &meta) || !take_u32 (&r, &n_tensors))
    goto truncated;
  /* The description is shown as text: UTF-8 without NUL, or the file is not ours. */
  if (!g_utf8_validate_len ((const char *) meta, meta_len, NULL))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s: its description is not UTF-8 text."), name);
      return FALSE;
    }
  if (n_tensors != tensors->len)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("%s holds %u tensors where this network has %u."), name, n_tensors,
                   tensors->len);
      return FALSE;
    }
  for (guint i = 0; i < tensors->len; i++)
    total += g_array_index (tensors, NnTensorView, i).size;
  /* Everything is checked and staged before the model is touched. */
  staging = g_new (float, total);
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      const guint8 *np, *nd, *values;
      const char *what = NULL;
      gssize bad;
      guint16 nlen;

      if (!take (&r, 2, &np))
        goto truncated;
      nlen = np[0] | np[1] << 8;
      if (!take (&r, nlen, &np) || !take (&r, 1, &nd))
        goto truncated;
      if (nlen != strlen (v->name) || memcmp (np, v->name, nlen) != 0 || *nd != v->n_dims)
        {
          g_autofree char *other = excerpt (np, nlen);
          g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                       _("%s: tensor %u is “%s”, expected “%s”."), name, i, other, v->name);
          return FALSE;
        }
      for (int d = 0; d < v->n_dims; d++)
        {
          guint32 dim;
          if (!take_u32 (&r, &dim))
            goto truncated;
          if ((int) dim != v->dims[d])
            {
              g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                           _("%s: %s has dimension %u where %d is expected."), name, v->name,
                           dim, v->dims[d]);
              return FALSE;
            }
        }
      if (!take (&r, v->size * 4, &values))
        goto truncated;
      for (gsize k = 0; k < v->size; k++)
        {
          guint32 bits = (guint32) values[4 * k] | (guint32) values[4 * k + 1] << 8 |
                         (guint32) values[4 * k + 2] << 16 | (guint32) values[4 * k + 3] << 24;
          memcpy (&staging[at + k], &bits, 4);
        }
      /* A model of NaN evaluates to nonsense with exit 0: refused like any damage. */
      if ((bad = find_bad_value (v, staging + at, &what)) >= 0)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("%s holds %s (%s, value %lu): it comes from a run that diverged, and "
                         "predicts nothing."), name, what, v->name, (unsigned long) bad);
          return FALSE;
        }
      at += v->size;
    }
  if (r.p != r.end)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s has unexpected trailing data."), name);
      return FALSE;
    }
  at = 0;
  for (guint i = 0; i < tensors->len; i++)
    {
      const NnTensorView *v = &g_array_index (tensors, NnTensorView, i);
      memcpy (v->data, staging + at, v->size * sizeof (float));
      at += v->size;
    }
  nn_model_set_dropout (model, rate);
  if (metadata_out)
    *metadata_out = g_strndup ((const char *) meta, meta_len);
  return TRUE;

truncated:
  g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is truncated."), name);
  return FALSE;
}
