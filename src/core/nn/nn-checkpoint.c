/* nn-checkpoint.c: see nn-checkpoint.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "nn-checkpoint.h"
#include "nn-error.h"

static const char magic[8] = { 'B', 'L', 'C', 'K', 'P', 'T', '\r', '\n' };

static void
put_u32 (GByteArray *b, guint32 v)
{
  guint8 p[4] = { v, v >> 8, v >> 16, v >> 24 };
  g_byte_array_append (b, p, 4);
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

  g_byte_array_append (b, (const guint8 *) magic, sizeof magic);
  put_u32 (b, NN_CHECKPOINT_VERSION);
  put_u32 (b, strlen (spec));
  g_byte_array_append (b, (const guint8 *) spec, strlen (spec));
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
  /* g_file_set_contents writes a temporary file and renames it over the target. */
  return g_file_set_contents (path, (const char *) b->data, b->len, error);
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

gboolean
nn_checkpoint_load (NnModel *model, const char *path, char **metadata_out, GError **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = g_filename_display_name (path);
  g_autoptr(GArray) tensors = nn_model_tensors (model);
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree float *staging = NULL;
  const char *spec = nn_model_spec_string ();
  guint8 digest[32];
  gsize digest_len = sizeof digest, len = 0, total = 0, at = 0;
  guint32 version = 0, spec_len = 0, meta_len = 0, n_tensors = 0;
  const guint8 *p, *meta;
  Reader r;

  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  if (len < sizeof magic + 32 || memcmp (contents, magic, sizeof magic) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is not a Backprop Lab model."), name);
      return FALSE;
    }
  if (len > NN_CHECKPOINT_MAX_BYTES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is too large for a model."), name);
      return FALSE;
    }
  g_checksum_update (sum, (const guint8 *) contents, len - 32);
  g_checksum_get_digest (sum, digest, &digest_len);
  if (memcmp (digest, contents + len - 32, 32) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s is damaged or truncated (its checksum does not match)."), name);
      return FALSE;
    }
  r.p = (const guint8 *) contents + sizeof magic;
  r.end = (const guint8 *) contents + len - 32;
  if (!take_u32 (&r, &version) || version != NN_CHECKPOINT_VERSION)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s is a model file of version %u; this program reads version %u."), name,
                   version, NN_CHECKPOINT_VERSION);
      return FALSE;
    }
  if (!take_u32 (&r, &spec_len) || !take (&r, spec_len, &p))
    goto truncated;
  if (spec_len != strlen (spec) || memcmp (p, spec, spec_len) != 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                   _("%s holds a different network: %.*s"), name, (int) MIN (spec_len, 200), p);
      return FALSE;
    }
  if (!take_u32 (&r, &meta_len) || !take (&r, meta_len, &meta) || !take_u32 (&r, &n_tensors))
    goto truncated;
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
      const guint8 *np, *nd, *data;
      guint16 nlen;

      if (!take (&r, 2, &np))
        goto truncated;
      nlen = np[0] | np[1] << 8;
      if (!take (&r, nlen, &np) || !take (&r, 1, &nd))
        goto truncated;
      if (nlen != strlen (v->name) || memcmp (np, v->name, nlen) != 0 || *nd != v->n_dims)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_MISMATCH,
                       _("%s: tensor %u is “%.*s”, expected “%s”."), name, i, (int) nlen, np,
                       v->name);
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
      if (!take (&r, v->size * 4, &data))
        goto truncated;
      for (gsize k = 0; k < v->size; k++)
        {
          guint32 bits = (guint32) data[4 * k] | (guint32) data[4 * k + 1] << 8 |
                         (guint32) data[4 * k + 2] << 16 | (guint32) data[4 * k + 3] << 24;
          memcpy (&staging[at + k], &bits, 4);
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
  if (metadata_out)
    *metadata_out = g_strndup ((const char *) meta, meta_len);
  return TRUE;

truncated:
  g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is truncated."), name);
  return FALSE;
}
