/* bl-tar.c: see bl-tar.h. Offsets are those of the POSIX ustar header (pax, IEEE 1003.1).
 *
 * Every length that comes from the archive (an entry's size, a pax record's length, a name's
 * field) is checked against what is actually there before anything is read or allocated
 * through it: a 137-byte tarball once made an earlier version compute a negative length. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bl-fetch-error.h"
#include "bl-tar.h"

#define BLOCK 512
/* Long names and pax headers are kept in memory; nothing legitimate comes near this. */
#define MAX_META (64 * 1024)

typedef enum { IN_HEADER, IN_CONTENT, IN_PADDING, AT_END } State;
typedef enum { TO_SKIP, TO_CONSUMER, TO_LONG_NAME, TO_PAX } Sink;

struct _BlTar {
  BlTarHandler handler;
  gpointer     user_data;
  State        state;
  Sink         sink;
  guint8       header[BLOCK];
  gsize        n_header;
  guint64      remaining;     /* of the current entry's content, then of its padding */
  GString     *meta;          /* the content of a long-name or pax entry */
  char        *long_name;     /* a GNU 'L' entry's name for the next entry */
  char        *pax_path;      /* a pax 'x' entry's "path" for the next entry */
  gboolean     has_pax_size;  /* and its "size" */
  guint64      pax_size;
  guint64      offset;        /* bytes taken so far */
  guint64      limit;         /* the longest the archive may be */
};

BlTar *
bl_tar_new (const BlTarHandler *handler, gpointer user_data)
{
  BlTar *tar = g_new0 (BlTar, 1);
  tar->handler = *handler;
  tar->user_data = user_data;
  tar->meta = g_string_new (NULL);
  tar->limit = G_MAXUINT64;
  return tar;
}

void
bl_tar_free (BlTar *tar)
{
  if (tar == NULL)
    return;
  g_string_free (tar->meta, TRUE);
  g_free (tar->long_name);
  g_free (tar->pax_path);
  g_free (tar);
}

void
bl_tar_set_limit (BlTar *tar, guint64 max_bytes)
{
  tar->limit = max_bytes;
}

static gboolean
malformed (BlTar *tar, const char *why, GError **error)
{
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
               _("the tar archive is malformed at byte %llu: %s"),
               (unsigned long long) tar->offset, why);
  return FALSE;
}

/* An octal field, space- or NUL-padded; FALSE if it is not one. */
static gboolean
parse_octal (const guint8 *field, gsize width, guint64 *out)
{
  guint64 v = 0;
  gsize i = 0;

  while (i < width && field[i] == ' ')
    i++;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; i++)
    {
      if (v > (G_MAXUINT64 >> 3))
        return FALSE;
      v = v * 8 + (field[i] - '0');
    }
  if (i < width && field[i] != ' ' && field[i] != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

/* A size: octal, or GNU's base-256 for 8 GiB and more (the first byte's top bit set, then a
 * big-endian two's complement number of which bit 6 is the sign: a negative size is refused). */
static gboolean
parse_size (const guint8 *field, gsize width, guint64 *out)
{
  guint64 v;

  if (!(field[0] & 0x80))
    return parse_octal (field, width, out);
  if (field[0] & 0x40)
    return FALSE;
  v = field[0] & 0x3f;
  for (gsize i = 1; i < width; i++)
    {
      if (v > (G_MAXUINT64 >> 8))
        return FALSE;
      v = (v << 8) | field[i];
    }
  *out = v;
  return TRUE;
}

static gboolean
checksum_ok (const guint8 *h)
{
  guint64 stored, sum = 0;
  gint64 ssum = 0;

  if (h[148] & 0x80 || !parse_octal (h + 148, 8, &stored))
    return FALSE;
  for (int i = 0; i < BLOCK; i++)
    {
      guint8 c = (i >= 148 && i < 156) ? ' ' : h[i];
      sum += c;
      ssum += (gint8) c;   /* some old tars summed signed chars */
    }
  return stored == sum || (gint64) stored == ssum;
}

/* A decimal number of 1 to 19 digits (so that it cannot overflow), all of @len. */
static gboolean
parse_decimal (const char *s, gsize len, guint64 *out)
{
  guint64 v = 0;

  if (len == 0 || len > 19)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return FALSE;
      v = v * 10 + (guint64) (s[i] - '0');
    }
  *out = v;
  return TRUE;
}

/* pax records "LEN key=value\n", where LEN is the whole record's length in decimal, its own
 * digits included. Only "path" and "size" matter here; the others are checked and skipped. */
static gboolean
parse_pax (BlTar *tar, GError **error)
{
  const char *p = tar->meta->str, *end = p + tar->meta->len;

  while (p < end)
    {
      const char *digits_end = p, *rec_end, *key, *eq, *value;
      guint64 len;
      gsize key_len, value_len;

      while (digits_end < end && g_ascii_isdigit (*digits_end))
        digits_end++;
      if (digits_end == end || *digits_end != ' ' ||
          !parse_decimal (p, digits_end - p, &len))
        return malformed (tar, _("a pax record's length is not readable"), error);
      /* The shortest record is "LEN k=\n": the digits, a space, a key, '=', a newline. */
      if (len > (guint64) (end - p) || len < (guint64) (digits_end - p) + 4)
        return malformed (tar, _("a pax record's length does not fit its header"), error);
      rec_end = p + len;
      if (rec_end[-1] != '\n')
        return malformed (tar, _("a pax record does not end where its length says"), error);
      key = digits_end + 1;
      eq = memchr (key, '=', (gsize) (rec_end - 1 - key));
      if (eq == NULL || eq == key)
        return malformed (tar, _("a pax record has no key"), error);
      key_len = (gsize) (eq - key);
      value = eq + 1;
      value_len = (gsize) (rec_end - 1 - value);
      if (key_len == 4 && memcmp (key, "path", 4) == 0)
        {
          if (value_len == 0 || memchr (value, '\0', value_len))
            return malformed (tar, _("a pax path is empty or holds a NUL byte"), error);
          g_free (tar->pax_path);
          tar->pax_path = g_strndup (value, value_len);
        }
      else if (key_len == 4 && memcmp (key, "size", 4) == 0)
        {
          if (!parse_decimal (value, value_len, &tar->pax_size))
            return malformed (tar, _("a pax size is not a number"), error);
          tar->has_pax_size = TRUE;
        }
      p = rec_end;
    }
  return TRUE;
}

/* The next file's name: a pax path, a GNU long name, or the header's own (with the ustar
 * prefix). Consumes the first two. */
static char *
take_name (BlTar *tar)
{
  const guint8 *h = tar->header;
  g_autofree char *base = NULL;

  if (tar->pax_path)
    {
      g_clear_pointer (&tar->long_name, g_free);
      return g_steal_pointer (&tar->pax_path);
    }
  if (tar->long_name)
    return g_steal_pointer (&tar->long_name);
  base = g_strndup ((const char *) h, 100);   /* a full field has no NUL */
  /* ustar splits long paths into a prefix; the GNU format uses that space otherwise. */
  if (memcmp (h + 257, "ustar\0", 6) == 0 && h[345] != '\0')
    {
      g_autofree char *prefix = g_strndup ((const char *) h + 345, 155);
      return g_strconcat (prefix, "/", base, NULL);
    }
  return g_steal_pointer (&base);
}

/* @path without its leading "./", if it is relative and never climbs out ("..");
 * else NULL. */
static const char *
inside_path (const char *path)
{
  g_auto(GStrv) parts = NULL;

  while (g_str_has_prefix (path, "./"))
    path += 2;
  if (path[0] == '\0' || path[0] == '/')
    return NULL;
  parts = g_strsplit (path, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (g_str_equal (parts[i], ".."))
      return NULL;
  return path;
}

static gboolean
begin_entry (BlTar *tar, GError **error)
{
  const guint8 *h = tar->header;
  char type = (char) h[156];
  gboolean meta = type == 'L' || type == 'K' || type == 'x' || type == 'g';
  guint64 size;

  for (int i = 0; i < BLOCK && h[i] == 0; i++)
    if (i == BLOCK - 1)
      {
        /* A zero block: the end of the archive (a second one usually follows). */
        tar->state = AT_END;
        return TRUE;
      }
  if (!checksum_ok (h))
    return malformed (tar, _("a header's checksum is wrong"), error);
  if (!parse_size (h + 124, 12, &size))
    return malformed (tar, _("an entry's size is not readable"), error);
  if (!meta && tar->has_pax_size)
    {
      size = tar->pax_size;
      tar->has_pax_size = FALSE;
    }
  if (size > tar->limit - MIN (tar->limit, tar->offset))
    {
      g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
                   _("the tar archive holds an entry of %llu bytes at byte %llu, more than "
                     "the %llu bytes expected of the whole archive"),
                   (unsigned long long) size, (unsigned long long) tar->offset,
                   (unsigned long long) tar->limit);
      return FALSE;
    }

  tar->remaining = size;
  tar->sink = TO_SKIP;
  tar->state = IN_CONTENT;
  if (type == 'L' || type == 'x')
    {
      if (size > MAX_META)
        return malformed (tar, _("a long name is too long"), error);
      g_string_truncate (tar->meta, 0);
      tar->sink = type == 'L' ? TO_LONG_NAME : TO_PAX;
    }
  else if (type == '0' || type == '\0' || type == '7')
    {
      g_autofree char *name = take_name (tar);
      const char *inside = inside_path (name);
      gboolean want = FALSE;

      if (inside && !tar->handler.begin (inside, size, &want, tar->user_data, error))
        return FALSE;
      if (want)
        tar->sink = TO_CONSUMER;
    }
  else if (!meta)
    {
      /* A directory, a link, a device…: skipped, and the names given for it with it. */
      g_clear_pointer (&tar->long_name, g_free);
      g_clear_pointer (&tar->pax_path, g_free);
    }
  return TRUE;
}

/* The current entry's content is complete. */
static gboolean
end_entry (BlTar *tar, GError **error)
{
  switch (tar->sink)
    {
    case TO_CONSUMER:
      return tar->handler.end (tar->user_data, error);
    case TO_LONG_NAME:
      g_free (tar->long_name);
      tar->long_name = g_strndup (tar->meta->str, tar->meta->len);   /* stops at its NUL */
      return TRUE;
    case TO_PAX:
      return parse_pax (tar, error);
    case TO_SKIP:
    default:
      return TRUE;
    }
}

gboolean
bl_tar_feed (BlTar *tar, const guint8 *data, gsize len, GError **error)
{
  while (len > 0)
    {
      gsize n;

      switch (tar->state)
        {
        case IN_HEADER:
          n = MIN (len, BLOCK - tar->n_header);
          memcpy (tar->header + tar->n_header, data, n);
          tar->n_header += n;
          tar->offset += n;
          data += n;
          len -= n;
          if (tar->n_header == BLOCK)
            {
              tar->n_header = 0;
              if (!begin_entry (tar, error))
                return FALSE;
            }
          break;

        case IN_CONTENT:
          n = (gsize) MIN ((guint64) len, tar->remaining);
          if (tar->sink == TO_CONSUMER && n > 0 &&
              !tar->handler.data (data, n, tar->user_data, error))
            return FALSE;
          if (tar->sink == TO_LONG_NAME || tar->sink == TO_PAX)
            g_string_append_len (tar->meta, (const char *) data, n);
          tar->remaining -= n;
          tar->offset += n;
          data += n;
          len -= n;
          break;

        case IN_PADDING:
          n = (gsize) MIN ((guint64) len, tar->remaining);
          tar->remaining -= n;
          tar->offset += n;
          data += n;
          len -= n;
          break;

        case AT_END:
        default:
          /* Zero blocks and whatever a writer pads the archive with. */
          tar->offset += len;
          return TRUE;
        }
      /* Also after a header whose entry is empty, even with no byte left. */
      if (tar->state == IN_CONTENT && tar->remaining == 0)
        {
          if (!end_entry (tar, error))
            return FALSE;
          /* Content is padded to whole blocks; the archive starts on a block boundary. */
          tar->remaining = (BLOCK - tar->offset % BLOCK) % BLOCK;
          tar->state = tar->remaining ? IN_PADDING : IN_HEADER;
        }
      else if (tar->state == IN_PADDING && tar->remaining == 0)
        tar->state = IN_HEADER;
    }
  return TRUE;
}

gboolean
bl_tar_finish (BlTar *tar, GError **error)
{
  if (tar->state == AT_END || (tar->state == IN_HEADER && tar->n_header == 0))
    return TRUE;
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_TRUNCATED,
               _("the tar archive stops in the middle of an entry, after %llu bytes"),
               (unsigned long long) tar->offset);
  return FALSE;
}
