/* nn-runlog.c: see nn-runlog.h. */
#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bl-file.h"
#include "nn-arch.h"
#include "nn-error.h"
#include "nn-runlog.h"
#include "nn-sgd.h"

#define MAX_DEPTH 8
#define CHUNK_BYTES (64 * 1024)

static void
append_number (GString *out, const char *key, double v, gboolean comma)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "\"%s\":%s%s", key,
                          isfinite (v) ? g_ascii_formatd (buf, sizeof buf, "%.6g", v) : "null",
                          comma ? "," : "");
}

void
nn_runlog_append_header (GString *out, const NnRecipe *r)
{
  g_string_append (out, "{\"run\":{");
  append_number (out, "lr", r->lr, TRUE);
  g_string_append_printf (out, "\"schedule\":\"%s\",", nn_schedule_name (r->schedule));
  g_string_append_printf (out, "\"epochs\":%u,\"batch\":%u,\"seed\":%" G_GUINT64_FORMAT ",",
                          r->epochs, r->batch, r->seed);
  append_number (out, "momentum", r->momentum, TRUE);
  append_number (out, "rotate", r->rotate_deg, TRUE);
  /* The levers only some recipes pull (the quick one), only when pulled: a log says the whole
   * recipe, and readers that do not know them skip them. */
  if (r->weight_decay > 0)
    append_number (out, "weight_decay", r->weight_decay, TRUE);
  if (r->label_smoothing > 0)
    append_number (out, "label_smoothing", r->label_smoothing, TRUE);
  if (r->dropout != NN_DROPOUT_P)
    append_number (out, "dropout", r->dropout, TRUE);
  if (r->shift_px > 0)
    append_number (out, "shift", r->shift_px, TRUE);
  if (r->upright_last > 0)
    g_string_append_printf (out, "\"upright_last\":%u,", r->upright_last);
  if (r->nesterov)
    g_string_append (out, "\"nesterov\":true,");
  if (r->recalibrate_bn > 0)
    g_string_append_printf (out, "\"recalibrate_bn\":%u,", r->recalibrate_bn);
  g_string_append_printf (out, "\"train_subset\":%u}}\n", r->train_subset);
}

void
nn_runlog_append_epoch (GString *out, const NnEpochRecord *r)
{
  g_string_append_printf (out, "{\"epoch\":%u,", r->epoch);
  append_number (out, "train_loss", r->train_loss, TRUE);
  append_number (out, "train_acc", r->train_acc, TRUE);
  append_number (out, "test_loss", r->test_loss, TRUE);
  append_number (out, "test_acc", r->test_acc, TRUE);
  append_number (out, "seconds", r->seconds, TRUE);
  append_number (out, "lr", r->lr, TRUE);
  g_string_append (out, "\"confusion\":[");
  for (int t = 0; t < NN_CLASSES; t++)
    {
      g_string_append_c (out, '[');
      for (int p = 0; p < NN_CLASSES; p++)
        g_string_append_printf (out, "%s%u", p ? "," : "", r->confusion[t][p]);
      g_string_append_printf (out, "]%s", t < NN_CLASSES - 1 ? "," : "");
    }
  g_string_append (out, "]}\n");
}

/* ---- Reading: a line at a time, each value read straight into the record or run it
 * belongs to; values of other keys are read over and forgotten. */

typedef struct {
  const char *p, *end;
  int         depth;
  const char *error;   /* N_() message; a "%s" in it is the key */
  const char *key;
} Cursor;

typedef struct {
  GPtrArray *runs;      /* NnRunLog* */
  NnRunLog  *current;   /* the run epoch lines go to (the last of runs), or NULL */
  guint      line_no;
  guint      n_epochs;
  GString   *scratch;   /* a string value being read */
} Parser;

static gboolean
fail (Cursor *c, const char *message, const char *key)
{
  if (c->error == NULL)
    {
      c->error = message;
      c->key = key;
    }
  return FALSE;
}

static void
skip_space (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
    c->p++;
}

static int
hex_value (char ch)
{
  return g_ascii_xdigit_value (ch);
}

/* A string; its content into @out (nullable: read over). */
static gboolean
read_string (Cursor *c, GString *out)
{
  if (out)
    g_string_truncate (out, 0);
  c->p++;   /* the opening quote */
  while (c->p < c->end && *c->p != '"')
    {
      char ch = *c->p++;
      if (ch != '\\')
        {
          if (out)
            g_string_append_c (out, ch);
          continue;
        }
      if (c->p >= c->end)
        break;
      ch = *c->p++;
      switch (ch)
        {
        case 'n': ch = '\n'; break;
        case 't': ch = '\t'; break;
        case 'r': ch = '\r'; break;
        case 'b': ch = '\b'; break;
        case 'f': ch = '\f'; break;
        case 'u':
          {
            gunichar u = 0;
            if (c->end - c->p < 4)
              return fail (c, N_("a string is not closed"), NULL);
            for (int i = 0; i < 4; i++)
              {
                int h = hex_value (c->p[i]);
                if (h < 0)
                  return fail (c, N_("“\\u” is not followed by four hexadecimal digits"), NULL);
                u = u << 4 | h;
              }
            c->p += 4;
            if (out)
              /* Surrogates (halves of a pair) are not characters of their own. */
              g_string_append_unichar (out, g_unichar_validate (u) ? u : 0xFFFD);
            continue;
          }
        default: break;   /* \" \\ \/ and anything else: the character itself */
        }
      if (out)
        g_string_append_c (out, ch);
    }
  if (c->p >= c->end)
    return fail (c, N_("a string is not closed"), NULL);
  c->p++;
  return TRUE;
}

/* A number's characters into @buf (NUL-terminated); FALSE if there is none or it is too long
 * to be one. */
static gboolean
read_lexeme (Cursor *c, char *buf, gsize size)
{
  gsize n = 0;

  while (c->p + n < c->end && strchr ("+-0123456789.eE", c->p[n]) && c->p[n] != '\0')
    {
      if (n + 1 >= size)
        return fail (c, N_("a value is expected"), NULL);
      buf[n] = c->p[n];
      n++;
    }
  buf[n] = '\0';
  if (n == 0)
    return fail (c, N_("a value is expected"), NULL);
  c->p += n;
  return TRUE;
}

static gboolean
starts_with (const Cursor *c, const char *word)
{
  gsize n = strlen (word);
  return (gsize) (c->end - c->p) >= n && memcmp (c->p, word, n) == 0;
}

/* A number, or null (NaN). */
static gboolean
read_number (Cursor *c, const char *key, double *out)
{
  char buf[64], *stop;

  skip_space (c);
  if (starts_with (c, "null"))
    {
      c->p += 4;
      *out = NAN;
      return TRUE;
    }
  if (c->p < c->end && (*c->p == '"' || *c->p == '[' || *c->p == '{' || *c->p == 't'
                        || *c->p == 'f'))
    return fail (c, N_("“%s” is not a number"), key);
  if (!read_lexeme (c, buf, sizeof buf))
    return FALSE;
  *out = g_ascii_strtod (buf, &stop);
  if (*stop != '\0')
    return fail (c, N_("a value is expected"), NULL);
  return TRUE;
}

/* A whole number from 0 to @max, read exactly (a 64-bit seed does not go through a double). */
static gboolean
read_whole (Cursor *c, const char *key, guint64 max, guint64 *out)
{
  char buf[64];

  skip_space (c);
  if (!read_lexeme (c, buf, sizeof buf)
      || !g_ascii_string_to_unsigned (buf, 10, 0, max, out, NULL))
    {
      c->error = NULL;
      return fail (c, max == G_MAXUINT64
                      ? N_("“%s” is not a whole number from 0 to 18446744073709551615")
                      : N_("“%s” is not a whole number from 0 to 4294967295"), key);
    }
  return TRUE;
}

static gboolean skip_value (Cursor *c);

/* Over an array's or object's items (the cursor on its opening bracket). */
static gboolean
skip_container (Cursor *c)
{
  gboolean object = *c->p == '{';
  char close = object ? '}' : ']';

  if (++c->depth > MAX_DEPTH)
    return fail (c, N_("values are nested too deeply"), NULL);
  c->p++;
  skip_space (c);
  if (c->p < c->end && *c->p == close)
    {
      c->p++;
      c->depth--;
      return TRUE;
    }
  for (;;)
    {
      skip_space (c);
      if (object)
        {
          if (c->p >= c->end || *c->p != '"')
            return fail (c, N_("a key is expected"), NULL);
          if (!read_string (c, NULL))
            return FALSE;
          skip_space (c);
          if (c->p >= c->end || *c->p != ':')
            return fail (c, N_("“:” is expected after a key"), NULL);
          c->p++;
        }
      if (!skip_value (c))
        return FALSE;
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          continue;
        }
      if (c->p < c->end && *c->p == close)
        {
          c->p++;
          c->depth--;
          return TRUE;
        }
      if (c->p >= c->end)
        return fail (c, N_("the line ends too soon"), NULL);
      return fail (c, object ? N_("“,” or “}” is expected") : N_("“,” or “]” is expected"),
                   NULL);
    }
}

static gboolean
skip_value (Cursor *c)
{
  double ignored;

  skip_space (c);
  if (c->p >= c->end)
    return fail (c, N_("the line ends too soon"), NULL);
  if (*c->p == '{' || *c->p == '[')
    return skip_container (c);
  if (*c->p == '"')
    return read_string (c, NULL);
  if (starts_with (c, "true"))
    {
      c->p += 4;
      return TRUE;
    }
  if (starts_with (c, "false"))
    {
      c->p += 5;
      return TRUE;
    }
  return read_number (c, NULL, &ignored);
}

/* Calls @member for each key of an object (the cursor on its "{"); @member reads the value. */
typedef gboolean (*MemberFunc) (Cursor *c, const char *key, gpointer data);

static gboolean
read_object (Cursor *c, GString *key, MemberFunc member, gpointer data)
{
  if (++c->depth > MAX_DEPTH)
    return fail (c, N_("values are nested too deeply"), NULL);
  c->p++;
  skip_space (c);
  if (c->p < c->end && *c->p == '}')
    {
      c->p++;
      c->depth--;
      return TRUE;
    }
  for (;;)
    {
      skip_space (c);
      if (c->p >= c->end || *c->p != '"')
        return fail (c, c->p >= c->end ? N_("the line ends too soon") : N_("a key is expected"),
                     NULL);
      if (!read_string (c, key))
        return FALSE;
      skip_space (c);
      if (c->p >= c->end || *c->p != ':')
        return fail (c, N_("“:” is expected after a key"), NULL);
      c->p++;
      skip_space (c);
      if (!member (c, key->str, data))
        return FALSE;
      skip_space (c);
      if (c->p < c->end && *c->p == ',')
        {
          c->p++;
          continue;
        }
      if (c->p < c->end && *c->p == '}')
        {
          c->p++;
          c->depth--;
          return TRUE;
        }
      return fail (c, c->p >= c->end ? N_("the line ends too soon")
                                     : N_("“,” or “}” is expected"), NULL);
    }
}

/* "[[…10…],…10 rows…]" into @m. */
static gboolean
read_confusion (Cursor *c, guint m[NN_CLASSES][NN_CLASSES])
{
  const char *not_matrix = N_("“confusion” is not a 10×10 matrix");

  if (c->p >= c->end || *c->p != '[')
    return fail (c, not_matrix, NULL);
  c->p++;
  for (guint t = 0; t < NN_CLASSES; t++)
    {
      skip_space (c);
      if (t > 0)
        {
          if (c->p >= c->end || *c->p != ',')
            return fail (c, not_matrix, NULL);
          c->p++;
          skip_space (c);
        }
      if (c->p >= c->end || *c->p != '[')
        return fail (c, not_matrix, NULL);
      c->p++;
      for (guint p = 0; p < NN_CLASSES; p++)
        {
          double v;
          skip_space (c);
          if (p > 0)
            {
              if (c->p >= c->end || *c->p != ',')
                return fail (c, not_matrix, NULL);
              c->p++;
            }
          if (!read_number (c, "confusion", &v))
            {
              c->error = NULL;
              return fail (c, not_matrix, NULL);
            }
          if (!(v >= 0 && v <= 1e9) || v != floor (v))
            return fail (c, N_("“confusion” holds something other than counts"), NULL);
          m[t][p] = (guint) v;
        }
      skip_space (c);
      if (c->p >= c->end || *c->p != ']')
        return fail (c, not_matrix, NULL);
      c->p++;
    }
  skip_space (c);
  if (c->p >= c->end || *c->p != ']')
    return fail (c, not_matrix, NULL);
  c->p++;
  return TRUE;
}

/* ---- What a line holds. */

typedef struct {
  Parser       *parser;
  gboolean      is_run;
  NnRunLog      run;           /* a "run" line's recipe (schedule owned) */
  gboolean      has_epoch, has_test_acc;
  double        epoch;
  NnEpochRecord record;
} Line;

static gboolean
run_member (Cursor *c, const char *key, gpointer data)
{
  Line *line = data;
  NnRunLog *run = &line->run;
  guint64 v;

  if (g_str_equal (key, "lr"))
    return read_number (c, "lr", &run->lr);
  if (g_str_equal (key, "momentum"))
    return read_number (c, "momentum", &run->momentum);
  if (g_str_equal (key, "rotate"))
    return read_number (c, "rotate", &run->rotate);
  if (g_str_equal (key, "seed"))
    return read_whole (c, "seed", G_MAXUINT64, &run->seed);
  if (g_str_equal (key, "epochs") || g_str_equal (key, "batch")
      || g_str_equal (key, "train_subset"))
    {
      const char *name = g_str_equal (key, "epochs") ? "epochs"
                         : g_str_equal (key, "batch") ? "batch" : "train_subset";
      if (!read_whole (c, name, G_MAXUINT, &v))
        return FALSE;
      *(name[0] == 'e' ? &run->epochs : name[0] == 'b' ? &run->batch : &run->train_subset) = v;
      return TRUE;
    }
  if (g_str_equal (key, "schedule"))
    {
      if (starts_with (c, "null"))
        {
          c->p += 4;
          return TRUE;
        }
      if (c->p >= c->end || *c->p != '"')
        return fail (c, N_("“%s” is not a string"), "schedule");
      if (!read_string (c, line->parser->scratch))
        return FALSE;
      if (!g_utf8_validate_len (line->parser->scratch->str, line->parser->scratch->len, NULL))
        return fail (c, N_("“%s” is not UTF-8 text"), "schedule");
      g_free (run->schedule);
      run->schedule = g_strdup (line->parser->scratch->str);
      return TRUE;
    }
  return skip_value (c);
}

static gboolean
line_member (Cursor *c, const char *key, gpointer data)
{
  static const char *const numbers[] = { "train_loss", "train_acc", "test_loss", "test_acc",
                                         "seconds", "lr" };
  Line *line = data;
  NnEpochRecord *r = &line->record;
  double *slots[] = { &r->train_loss, &r->train_acc, &r->test_loss, &r->test_acc, &r->seconds,
                      &r->lr };

  if (g_str_equal (key, "run"))
    {
      if (c->p >= c->end || *c->p != '{')
        return fail (c, N_("“%s” is not an object"), "run");
      line->is_run = TRUE;
      return read_object (c, line->parser->scratch, run_member, line);
    }
  if (g_str_equal (key, "epoch"))
    {
      line->has_epoch = TRUE;
      return read_number (c, "epoch", &line->epoch);
    }
  if (g_str_equal (key, "confusion"))
    return read_confusion (c, r->confusion);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    if (g_str_equal (key, numbers[i]))
      {
        line->has_test_acc |= slots[i] == &r->test_acc;
        return read_number (c, numbers[i], slots[i]);
      }
  return skip_value (c);
}

void
nn_runlog_free (NnRunLog *log)
{
  if (log == NULL)
    return;
  g_free (log->schedule);
  g_array_unref (log->records);
  g_free (log);
}

static void
parser_init (Parser *ps)
{
  ps->runs = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_runlog_free);
  ps->current = NULL;
  ps->line_no = 0;
  ps->n_epochs = 0;
  ps->scratch = g_string_new (NULL);
}

static void
parser_clear (Parser *ps)
{
  g_clear_pointer (&ps->runs, g_ptr_array_unref);
  g_string_free (ps->scratch, TRUE);
}

/* The run epochs now go to: a fresh one, or the current one when it has no epoch yet (a run
 * stopped before its first epoch ended says nothing, and its memory is reused). */
static NnRunLog *
start_run (Parser *ps)
{
  NnRunLog *run = ps->current;

  if (run != NULL && run->records->len == 0)
    {
      GArray *records = run->records;
      g_free (run->schedule);
      memset (run, 0, sizeof *run);
      run->records = records;
    }
  else
    {
      run = g_new0 (NnRunLog, 1);
      run->records = g_array_new (FALSE, TRUE, sizeof (NnEpochRecord));
      g_ptr_array_add (ps->runs, run);
      ps->current = run;
    }
  run->lr = NAN;
  run->momentum = NAN;
  return run;
}

/* One line (without its "\n"). FALSE and @error naming the line if it is wrong. */
static gboolean
parser_feed (Parser *ps, const char *text, gsize length, GError **error)
{
  Cursor c = { text, text + length, 0, NULL, NULL };
  Line line = { ps };

  ps->line_no++;
  if (length > NN_RUNLOG_MAX_LINE)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("Line %u: longer than %u bytes, which no line of a run log is."),
                   ps->line_no, NN_RUNLOG_MAX_LINE);
      return FALSE;
    }
  skip_space (&c);
  if (c.p == c.end)
    return TRUE;   /* blank line */
  line.run.lr = line.run.momentum = NAN;
  line.record.train_loss = line.record.train_acc = line.record.test_loss = NAN;
  line.record.test_acc = line.record.seconds = line.record.lr = NAN;
  if (*c.p != '{')
    fail (&c, N_("a line must hold one object"), NULL);
  else if (read_object (&c, ps->scratch, line_member, &line))
    {
      skip_space (&c);
      if (c.p != c.end)
        fail (&c, N_("there is more after the value"), NULL);
    }
  if (c.error == NULL && line.is_run)
    {
      NnRunLog *run = start_run (ps);
      GArray *records = run->records;
      *run = line.run;
      run->records = records;
      run->has_recipe = TRUE;
      line.run.schedule = NULL;   /* now the run's */
    }
  else if (c.error == NULL)
    {
      if (!line.has_epoch || !(line.epoch >= 1 && line.epoch <= 1e6)
          || line.epoch != floor (line.epoch))
        fail (&c, N_("“epoch” is missing or not a whole number ≥ 1"), NULL);
      else if (!line.has_test_acc || !(line.record.test_acc >= 0 && line.record.test_acc <= 1))
        fail (&c, N_("“test_acc” is missing or not between 0 and 1"), NULL);
      else if (++ps->n_epochs > NN_RUNLOG_MAX_EPOCHS)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("Line %u: more than %u epochs in one log; this reader keeps at most "
                         "that many."), ps->line_no, NN_RUNLOG_MAX_EPOCHS);
          g_free (line.run.schedule);
          return FALSE;
        }
      else
        {
          if (ps->current == NULL)
            start_run (ps);
          line.record.epoch = (guint) line.epoch;
          g_array_append_val (ps->current->records, line.record);
        }
    }
  g_free (line.run.schedule);
  if (c.error)
    {
      g_autofree char *what = g_strdup_printf (_(c.error), c.key ? c.key : "");
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("Line %u: %s."), ps->line_no, what);
      return FALSE;
    }
  return TRUE;
}

/* The runs read (transfer full), or NULL and an error if none has an epoch. */
static GPtrArray *
parser_finish (Parser *ps, GError **error)
{
  GPtrArray *runs;

  /* Only the last run can be empty: start_run() reuses an empty one. */
  if (ps->current && ps->current->records->len == 0)
    g_ptr_array_remove_index (ps->runs, ps->runs->len - 1);
  ps->current = NULL;
  if (ps->runs->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("No epochs in this log."));
      return NULL;
    }
  runs = g_steal_pointer (&ps->runs);
  return runs;
}

GPtrArray *
nn_runlog_parse (const char *text, gsize length, GError **error)
{
  const char *p = text, *end = text + length;
  GPtrArray *runs = NULL;
  Parser ps;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  parser_init (&ps);
  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      if (!parser_feed (&ps, p, (eol ? eol : end) - p, error))
        goto out;
      p = eol ? eol + 1 : end;
    }
  runs = parser_finish (&ps, error);
out:
  parser_clear (&ps);
  return runs;
}

static GPtrArray *
load_file (const char *path, GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GString) pending = NULL;
  g_autofree char *buf = NULL;
  g_autofree char *name = g_filename_display_basename (path);
  GPtrArray *runs = NULL;
  guint64 size = 0, total = 0;
  Parser ps;
  int fd;

  /* A regular file (a FIFO is refused, not waited on), its size checked before reading. */
  fd = bl_file_open_regular (path, NN_RUNLOG_MAX_BYTES, &size, &local);
  if (fd < 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, local->message);
      return NULL;
    }
  parser_init (&ps);
  pending = g_string_new (NULL);
  buf = g_malloc (CHUNK_BYTES);
  for (;;)
    {
      const char *p, *end;
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      n = read (fd, buf, CHUNK_BYTES);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Cannot read %s: %s"), name,
                       g_strerror (saved));
          goto out;
        }
      if (n == 0)
        break;
      if ((total += n) > NN_RUNLOG_MAX_BYTES)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("%s is too large for a training log."), name);
          goto out;
        }
      /* Whole lines are parsed where they lie; a line cut by the chunk waits in @pending. */
      for (p = buf, end = buf + n; p < end;)
        {
          const char *eol = memchr (p, '\n', end - p);
          gsize len = (eol ? eol : end) - p;

          if (pending->len + len > NN_RUNLOG_MAX_LINE)
            len = MIN (len, NN_RUNLOG_MAX_LINE + 1 - MIN (pending->len, NN_RUNLOG_MAX_LINE));
          if (eol && pending->len == 0)
            {
              if (!parser_feed (&ps, p, len, &local))
                goto parse_error;
            }
          else
            {
              g_string_append_len (pending, p, len);
              if (eol || pending->len > NN_RUNLOG_MAX_LINE)
                {
                  if (!parser_feed (&ps, pending->str, pending->len, &local))
                    goto parse_error;
                  g_string_truncate (pending, 0);
                }
            }
          p = eol ? eol + 1 : end;
        }
    }
  if (pending->len > 0 && !parser_feed (&ps, pending->str, pending->len, &local))
    goto parse_error;
  if ((runs = parser_finish (&ps, &local)) == NULL)
    goto parse_error;
  goto out;

parse_error:
  g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, "%s: %s", name, local->message);
out:
  close (fd);
  parser_clear (&ps);
  return runs;
}

GPtrArray *
nn_runlog_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return load_file (path, NULL, error);
}

static void
load_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *runs = load_file (data, cancellable, &error);

  if (runs)
    g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
nn_runlog_load_async (const char *path, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nn_runlog_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_in_thread);
}

GPtrArray *
nn_runlog_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------------------------
 * A folder of logs
 */

static void
runlog_file_free (NnRunLogFile *file)
{
  g_free (file->name);
  g_clear_pointer (&file->runs, g_ptr_array_unref);
  g_clear_error (&file->error);
  g_free (file);
}

static gboolean
is_log_name (const char *name)
{
  return name[0] != '.' && g_str_has_suffix (name, ".jsonl");
}

typedef struct {
  char *name;   /* as on disk */
  char *key;    /* for sorting: numbers compared as numbers */
} LogName;

static void
log_name_clear (LogName *n)
{
  g_free (n->name);
  g_free (n->key);
}

static int
compare_log_names (gconstpointer a, gconstpointer b)
{
  return strcmp (((const LogName *) a)->key, ((const LogName *) b)->key);
}

static guint
count_epochs (const GPtrArray *runs)
{
  guint n = 0;

  for (guint i = 0; i < runs->len; i++)
    n += ((NnRunLog *) g_ptr_array_index (runs, i))->records->len;
  return n;
}

GPtrArray *
nn_runlog_load_dir (const char *dir, GCancellable *cancellable, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GArray) names = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(GPtrArray) files = NULL;
  guint64 epochs = 0;
  const char *entry;

  g_return_val_if_fail (dir != NULL, NULL);
  shown = g_filename_display_name (dir);
  if ((listing = g_dir_open (dir, 0, &local)) == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("Cannot read the folder %s: %s"), shown,
                   local->message);
      return NULL;
    }
  names = g_array_new (FALSE, FALSE, sizeof (LogName));
  g_array_set_clear_func (names, (GDestroyNotify) log_name_clear);
  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      LogName n;

      if (!is_log_name (entry))
        continue;
      if (names->len == NN_RUNLOG_MAX_FILES)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("%s holds more than %u training logs; import a smaller folder."),
                       shown, NN_RUNLOG_MAX_FILES);
          return NULL;
        }
      n.name = g_strdup (entry);
      n.key = g_utf8_collate_key_for_filename (entry, -1);
      g_array_append_val (names, n);
    }
  if (names->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                   _("%s holds no training logs (files named *.jsonl)."), shown);
      return NULL;
    }
  g_array_sort (names, compare_log_names);

  files = g_ptr_array_new_with_free_func ((GDestroyNotify) runlog_file_free);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_array_index (names, LogName, i).name;
      g_autofree char *path = g_build_filename (dir, name, NULL);
      NnRunLogFile *file = g_new0 (NnRunLogFile, 1);

      file->name = g_filename_display_name (name);
      g_ptr_array_add (files, file);
      file->runs = load_file (path, cancellable, &file->error);
      if (g_error_matches (file->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&file->error));
          return NULL;
        }
      if (file->runs && (epochs += count_epochs (file->runs)) > NN_RUNLOG_MAX_EPOCHS)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT,
                       _("The logs in %s hold more than %u epochs together; import a smaller "
                         "folder."), shown, NN_RUNLOG_MAX_EPOCHS);
          return NULL;
        }
    }
  return g_steal_pointer (&files);
}

static void
load_dir_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *files = nn_runlog_load_dir (data, cancellable, &error);

  if (files)
    g_task_return_pointer (task, files, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
nn_runlog_load_dir_async (const char *dir, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (dir != NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nn_runlog_load_dir_async);
  g_task_set_task_data (task, g_strdup (dir), g_free);
  g_task_run_in_thread (task, load_dir_in_thread);
}

GPtrArray *
nn_runlog_load_dir_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
nn_runlog_write (const char *path, const NnRecipe *recipe, const NnEpochRecord *records,
                 guint n, gboolean csv, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) local = NULL;

  if (csv)
    {
      g_string_append (out, "epoch,train_loss,train_acc,test_loss,test_acc,seconds,lr\n");
      for (guint i = 0; i < n; i++)
        {
          const NnEpochRecord *r = &records[i];
          char b[6][G_ASCII_DTOSTR_BUF_SIZE];
          g_string_append_printf (out, "%u,%s,%s,%s,%s,%s,%s\n", r->epoch,
                                  g_ascii_formatd (b[0], sizeof b[0], "%.9g", r->train_loss),
                                  g_ascii_formatd (b[1], sizeof b[1], "%.9g", r->train_acc),
                                  g_ascii_formatd (b[2], sizeof b[2], "%.9g", r->test_loss),
                                  g_ascii_formatd (b[3], sizeof b[3], "%.9g", r->test_acc),
                                  g_ascii_formatd (b[4], sizeof b[4], "%.9g", r->seconds),
                                  g_ascii_formatd (b[5], sizeof b[5], "%.9g", r->lr));
        }
    }
  else
    {
      if (recipe)
        nn_runlog_append_header (out, recipe);
      for (guint i = 0; i < n; i++)
        nn_runlog_append_epoch (out, &records[i]);
    }
  /* Atomically, and never over a device node or FIFO (core/bl-file.h). */
  if (!bl_file_replace_contents (path, out->str, out->len, &local))
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- Appending as a run goes. */

struct _NnRunLogWriter {
  int   fd;
  char *name;   /* for messages */
};

NnRunLogWriter *
nn_runlog_writer_new_for_fd (int fd, const char *name)
{
  NnRunLogWriter *w;

  g_return_val_if_fail (fd >= 0 && name != NULL, NULL);
  w = g_new0 (NnRunLogWriter, 1);
  w->fd = fd;
  w->name = g_strdup (name);
  return w;
}

NnRunLogWriter *
nn_runlog_writer_open (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autofree char *name = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  fd = bl_file_open_append (path, &local);
  if (fd < 0)
    {
      g_set_error_literal (error, NN_ERROR, NN_ERROR_IO, local->message);
      return NULL;
    }
  name = g_filename_display_name (path);
  return nn_runlog_writer_new_for_fd (fd, name);
}

static gboolean
write_line (NnRunLogWriter *w, const GString *line, GError **error)
{
  struct stat st;
  gboolean regular = fstat (w->fd, &st) == 0 && S_ISREG (st.st_mode);
  g_autoptr(GError) local = NULL;

  /* Synced line by line: on some file systems a full disk shows only at the sync. */
  if (bl_file_write_all (w->fd, line->str, line->len, w->name, &local)
      && (!regular || fdatasync (w->fd) == 0))
    return TRUE;
  if (local == NULL)
    {
      int saved = errno;
      g_set_error (&local, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not write “%s”: %s"), w->name, g_strerror (saved));
    }
  /* Half a line would make the whole log unreadable: take it back. */
  if (regular && ftruncate (w->fd, st.st_size) != 0)
    {
      /* Nothing more to do: the error below says the log is not whole. */
    }
  g_set_error (error, NN_ERROR, NN_ERROR_IO, _("The log could not be written: %s"),
               local->message);
  return FALSE;
}

gboolean
nn_runlog_writer_add_run (NnRunLogWriter *w, const NnRecipe *recipe, GError **error)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_return_val_if_fail (w != NULL && recipe != NULL, FALSE);
  nn_runlog_append_header (line, recipe);
  return write_line (w, line, error);
}

gboolean
nn_runlog_writer_add_epoch (NnRunLogWriter *w, const NnEpochRecord *record, GError **error)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_return_val_if_fail (w != NULL && record != NULL, FALSE);
  nn_runlog_append_epoch (line, record);
  return write_line (w, line, error);
}

gboolean
nn_runlog_writer_close (NnRunLogWriter *w, GError **error)
{
  gboolean ok = TRUE;

  if (w == NULL)
    return TRUE;
  if (close (w->fd) != 0)
    {
      int saved = errno;
      g_set_error (error, NN_ERROR, NN_ERROR_IO, _("The log could not be written: %s"),
                   g_strerror (saved));
      ok = FALSE;
    }
  g_free (w->name);
  g_free (w);
  return ok;
}
