/* bl-tar.c: see bl-tar.h. Offsets are those of the POSIX ustar header (pax, IEEE 1003.1). */
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
  guint64      remaining;   /* of the current entry's content, then of its padding */
  GString     *meta;        /* the content of a long-name or pax entry */
  char        *next_name;   /* the name it gave the next entry */
  guint64      offset;      /* bytes fed so far, for messages */
};

BlTar *
bl_tar_new (const BlTarHandler *handler, gpointer user_data)
{
  BlTar *tar = g_new0 (BlTar, 1);
  tar->handler = *handler;
  tar->user_data = user_data;
  tar->meta = g_string_new (NULL);
  return tar;
}

void
bl_tar_free (BlTar *tar)
{
  if (tar == NULL)
    return;
  g_string_free (tar->meta, TRUE);
  g_free (tar->next_name);
  g_free (tar);
}

static gboolean
malformed (BlTar *tar, const char *why, GError **error)
{
  g_set_error (error, BL_FETCH_ERROR, BL_FETCH_ERROR_FORMAT,
               _("the tar archive is malformed at byte %llu: %s"),
               (unsigned long long) tar->offset, why);
  return FALSE;
}

/* An octal field, NUL- or space-terminated; FALSE if it is not one. */
static gboolean
parse_octal (const guint8 *field, gsize width, guint64 *out)
{
  guint64 v = 0;
  gsize i = 0;

  if (field[0] & 0x80)   /* base-256: only for sizes we never want */
    return FALSE;
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

static gboolean
checksum_ok (const guint8 *h)
{
  guint64 stored, sum = 0;
  gint64 ssum = 0;

  if (!parse_octal (h + 148, 8, &stored))
    return FALSE;
  for (int i = 0; i < BLOCK; i++)
    {
      guint8 c = (i >= 148 && i < 156) ? ' ' : h[i];
      sum += c;
      ssum += (gint8) c;   /* some old tars summed signed chars */
    }
  return stored == sum || (gint64) stored == ssum;
}

/* "path" from pax records "LEN key=value\n". */
static char *
pax_path (const GString *meta)
{
  const char *p = meta->str, *end = meta->str + meta->len;

  while (p < end)
    {
      char *rest;
      guint64 len = g_ascii_strtoull (p, &rest, 10);
      if (len == 0 || len > (guint64) (end - p) || *rest != ' ')
        return NULL;
      rest++;
      if (g_str_has_prefix (rest, "path=") && p[len - 1] == '\n')
        return g_strndup (rest + 5, p + len - 1 - (rest + 5));
      p += len;
    }
  return NULL;
}

static gboolean
begin_entry (BlTar *tar, GError **error)
{
  const guint8 *h = tar->header;
  guint64 size;
  char type = (char) h[156];
  g_autofree char *name = NULL;

  for (int i = 0; i < BLOCK && h[i] == 0; i++)
    if (i == BLOCK - 1)
      {
        /* A zero block: the end of the archive (a second one usually follows). */
        tar->state = AT_END;
        return TRUE;
      }
  if (!checksum_ok (h))
    return malformed (tar, _("a header's checksum is wrong"), error);
  if (!parse_octal (h + 124, 12, &size))
    return malformed (tar, _("an entry's size is not readable"), error);

  if (tar->next_name)
    name = g_steal_pointer (&tar->next_name);
  else
    {
      g_autofree char *base = g_strndup ((const char *) h, 100);
      /* ustar splits long paths into a prefix; the GNU format uses that space otherwise. */
      if (memcmp (h + 257, "ustar\0", 6) == 0 && h[345] != '\0')
        {
          g_autofree char *prefix = g_strndup ((const char *) h + 345, 155);
          name = g_strconcat (prefix, "/", base, NULL);
        }
      else
        name = g_steal_pointer (&base);
    }

  tar->remaining = size;
  tar->sink = TO_SKIP;
  if (type == 'L' || type == 'x')
    {
      if (size > MAX_META)
        return malformed (tar, _("a long name is too long"), error);
      g_string_truncate (tar->meta, 0);
      tar->sink = type == 'L' ? TO_LONG_NAME : TO_PAX;
    }
  else if (type == '0' || type == '\0' || type == '7')
    {
      gboolean want = FALSE;
      if (!tar->handler.begin (name, size, &want, tar->user_data, error))
        return FALSE;
      if (want)
        tar->sink = TO_CONSUMER;
    }
  tar->state = IN_CONTENT;
  return TRUE;
}

/* The current entry's content is complete. */
static gboolean
end_entry (BlTar *tar, GError **error)
{
  if (tar->sink == TO_CONSUMER && !tar->handler.end (tar->user_data, error))
    return FALSE;
  if (tar->sink == TO_LONG_NAME)
    {
      g_free (tar->next_name);
      tar->next_name = g_strndup (tar->meta->str, tar->meta->len);   /* stops at its NUL */
    }
  else if (tar->sink == TO_PAX)
    {
      char *path = pax_path (tar->meta);
      if (path)
        {
          g_free (tar->next_name);
          tar->next_name = path;
        }
    }
  return TRUE;
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
          break;

        case IN_PADDING:
          n = (gsize) MIN ((guint64) len, tar->remaining);
          tar->remaining -= n;
          break;

        case AT_END:
        default:
          /* Zero blocks and whatever a writer pads the archive with. */
          tar->offset += len;
          return TRUE;
        }
      data += n;
      len -= n;
      tar->offset += n;
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
