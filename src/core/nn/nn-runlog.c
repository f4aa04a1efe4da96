/* nn-runlog.c: see nn-runlog.h. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn-error.h"
#include "nn-runlog.h"
#include "nn-sgd.h"

#define MAX_LOG_BYTES (256 * 1024 * 1024)

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

/* ---- A small reader for one line: a JSON value, kept as a tree of what we need. */

typedef enum { V_NULL, V_NUMBER, V_STRING, V_ARRAY, V_OBJECT, V_BOOL } ValueKind;

typedef struct Value Value;
struct Value {
  ValueKind kind;
  double    number;
  char     *string;
  GPtrArray *items;        /* V_ARRAY: Value*; V_OBJECT: alternating key (Value string), Value */
};

typedef struct {
  const char *p, *end;
  int depth;
  const char *error;
} Reader;

static void
value_free (Value *v)
{
  if (v == NULL)
    return;
  g_free (v->string);
  if (v->items)
    g_ptr_array_unref (v->items);
  g_free (v);
}

static void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\r'))
    r->p++;
}

static Value *read_value (Reader *r);

static char *
read_string (Reader *r)
{
  GString *s = g_string_new (NULL);

  r->p++;   /* the opening quote */
  while (r->p < r->end && *r->p != '"')
    {
      if (*r->p == '\\')
        {
          if (++r->p >= r->end)
            break;
          switch (*r->p)
            {
            case 'n': g_string_append_c (s, '\n'); break;
            case 't': g_string_append_c (s, '\t'); break;
            case 'u': g_string_append_c (s, '?'); r->p += MIN (4, r->end - r->p - 1); break;
            default: g_string_append_c (s, *r->p); break;
            }
          r->p++;
          continue;
        }
      g_string_append_c (s, *r->p++);
    }
  if (r->p >= r->end)
    {
      r->error = N_("a string is not closed");
      g_string_free (s, TRUE);
      return NULL;
    }
  r->p++;
  return g_string_free (s, FALSE);
}

static Value *
read_container (Reader *r, gboolean object)
{
  Value *v = g_new0 (Value, 1);
  char close = object ? '}' : ']';

  v->kind = object ? V_OBJECT : V_ARRAY;
  v->items = g_ptr_array_new_with_free_func ((GDestroyNotify) value_free);
  if (++r->depth > 8)
    {
      r->error = N_("values are nested too deeply");
      value_free (v);
      return NULL;
    }
  r->p++;
  skip_space (r);
  if (r->p < r->end && *r->p == close)
    {
      r->p++;
      r->depth--;
      return v;
    }
  for (;;)
    {
      Value *item;
      skip_space (r);
      if (object)
        {
          Value *key;
          if (r->p >= r->end || *r->p != '"')
            {
              r->error = N_("a key is expected");
              break;
            }
          key = g_new0 (Value, 1);
          key->kind = V_STRING;
          if ((key->string = read_string (r)) == NULL)
            {
              g_free (key);
              break;
            }
          g_ptr_array_add (v->items, key);
          skip_space (r);
          if (r->p >= r->end || *r->p != ':')
            {
              r->error = N_("“:” is expected after a key");
              break;
            }
          r->p++;
        }
      if ((item = read_value (r)) == NULL)
        break;
      g_ptr_array_add (v->items, item);
      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == close)
        {
          r->p++;
          r->depth--;
          return v;
        }
      r->error = object ? N_("“,” or “}” is expected") : N_("“,” or “]” is expected");
      break;
    }
  if (r->error == NULL)
    r->error = N_("the line ends too soon");
  value_free (v);
  return NULL;
}

static Value *
read_value (Reader *r)
{
  Value *v;

  skip_space (r);
  if (r->p >= r->end)
    {
      r->error = N_("the line ends too soon");
      return NULL;
    }
  if (*r->p == '{' || *r->p == '[')
    return read_container (r, *r->p == '{');
  v = g_new0 (Value, 1);
  if (*r->p == '"')
    {
      v->kind = V_STRING;
      if ((v->string = read_string (r)) == NULL)
        {
          g_free (v);
          return NULL;
        }
      return v;
    }
  if (r->end - r->p >= 4 && strncmp (r->p, "null", 4) == 0)
    {
      v->kind = V_NULL;
      v->number = NAN;
      r->p += 4;
      return v;
    }
  if (r->end - r->p >= 4 && strncmp (r->p, "true", 4) == 0)
    {
      v->kind = V_BOOL;
      v->number = 1;
      r->p += 4;
      return v;
    }
  if (r->end - r->p >= 5 && strncmp (r->p, "false", 5) == 0)
    {
      v->kind = V_BOOL;
      r->p += 5;
      return v;
    }
  {
    /* g_ascii_strtod needs a terminated string: copy the number's characters. */
    char buf[64];
    gsize n = 0;
    char *stop;
    while (r->p + n < r->end && n < sizeof buf - 1 && strchr ("+-0123456789.eE", r->p[n]))
      n++;
    memcpy (buf, r->p, n);
    buf[n] = '\0';
    v->kind = V_NUMBER;
    v->number = g_ascii_strtod (buf, &stop);
    if (n == 0 || *stop != '\0')
      {
        r->error = N_("a value is expected");
        g_free (v);
        return NULL;
      }
    r->p += n;
  }
  return v;
}

static const Value *
member (const Value *object, const char *key)
{
  if (object == NULL || object->kind != V_OBJECT)
    return NULL;
  for (guint i = 0; i + 1 < object->items->len; i += 2)
    if (g_strcmp0 (((Value *) g_ptr_array_index (object->items, i))->string, key) == 0)
      return g_ptr_array_index (object->items, i + 1);
  return NULL;
}

static gboolean
number_member (const Value *object, const char *key, double *out)
{
  const Value *v = member (object, key);
  if (v == NULL || (v->kind != V_NUMBER && v->kind != V_NULL))
    return FALSE;
  *out = v->number;
  return TRUE;
}

static guint
uint_member (const Value *object, const char *key)
{
  double d = 0;
  return number_member (object, key, &d) && d >= 0 && d < G_MAXUINT ? (guint) d : 0;
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

static NnRunLog *
new_run (void)
{
  NnRunLog *log = g_new0 (NnRunLog, 1);
  log->lr = NAN;
  log->records = g_array_new (FALSE, TRUE, sizeof (NnEpochRecord));
  return log;
}

static gboolean
read_epoch (const Value *v, NnEpochRecord *out, const char **what)
{
  const Value *confusion = member (v, "confusion");
  double epoch;

  memset (out, 0, sizeof *out);
  if (!number_member (v, "epoch", &epoch) || epoch < 1 || epoch > 1e6 || epoch != floor (epoch))
    {
      *what = N_("“epoch” is missing or not a whole number ≥ 1");
      return FALSE;
    }
  out->epoch = (guint) epoch;
  if (!number_member (v, "test_acc", &out->test_acc) || !(out->test_acc >= 0 && out->test_acc <= 1))
    {
      *what = N_("“test_acc” is missing or not between 0 and 1");
      return FALSE;
    }
  out->train_loss = out->train_acc = out->test_loss = out->seconds = out->lr = NAN;
  number_member (v, "train_loss", &out->train_loss);
  number_member (v, "train_acc", &out->train_acc);
  number_member (v, "test_loss", &out->test_loss);
  number_member (v, "seconds", &out->seconds);
  number_member (v, "lr", &out->lr);
  if (confusion)
    {
      if (confusion->kind != V_ARRAY || confusion->items->len != NN_CLASSES)
        {
          *what = N_("“confusion” is not a 10×10 matrix");
          return FALSE;
        }
      for (guint t = 0; t < NN_CLASSES; t++)
        {
          const Value *row = g_ptr_array_index (confusion->items, t);
          if (row->kind != V_ARRAY || row->items->len != NN_CLASSES)
            {
              *what = N_("“confusion” is not a 10×10 matrix");
              return FALSE;
            }
          for (guint p = 0; p < NN_CLASSES; p++)
            {
              const Value *c = g_ptr_array_index (row->items, p);
              if (c->kind != V_NUMBER || c->number < 0 || c->number > 1e9)
                {
                  *what = N_("“confusion” holds something other than counts");
                  return FALSE;
                }
              out->confusion[t][p] = (guint) c->number;
            }
        }
    }
  return TRUE;
}

GPtrArray *
nn_runlog_parse (const char *text, gsize length, GError **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) nn_runlog_free);
  NnRunLog *current = NULL;
  const char *p = text, *end = text + length;
  guint line_no = 0;

  while (p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      Reader r = { p, eol ? eol : end, 0, NULL };
      Value *v;

      line_no++;
      p = eol ? eol + 1 : end;
      skip_space (&r);
      if (r.p == r.end)
        continue;   /* blank line */
      v = read_value (&r);
      if (v != NULL)
        {
          skip_space (&r);
          if (r.p != r.end)
            r.error = N_("there is more after the value");
          else if (v->kind != V_OBJECT)
            r.error = N_("a line must hold one object");
        }
      if (r.error == NULL)
        {
          const Value *run = member (v, "run");
          if (run)
            {
              const Value *schedule = member (run, "schedule");
              current = new_run ();
              current->has_recipe = TRUE;
              number_member (run, "lr", &current->lr);
              current->momentum = NAN;
              number_member (run, "momentum", &current->momentum);
              number_member (run, "rotate", &current->rotate);
              current->epochs = uint_member (run, "epochs");
              current->batch = uint_member (run, "batch");
              current->seed = uint_member (run, "seed");
              current->train_subset = uint_member (run, "train_subset");
              if (schedule && schedule->kind == V_STRING)
                current->schedule = g_strdup (schedule->string);
              g_ptr_array_add (runs, current);
            }
          else
            {
              NnEpochRecord record;
              if (read_epoch (v, &record, &r.error))
                {
                  if (current == NULL)
                    {
                      current = new_run ();
                      g_ptr_array_add (runs, current);
                    }
                  g_array_append_val (current->records, record);
                }
            }
        }
      value_free (v);
      if (r.error)
        {
          g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("Line %u: %s."), line_no,
                       _(r.error));
          return NULL;
        }
    }
  /* Runs without epochs (stopped before the first ended) say nothing: drop them. */
  for (guint i = runs->len; i-- > 0;)
    if (((NnRunLog *) g_ptr_array_index (runs, i))->records->len == 0)
      g_ptr_array_remove_index (runs, i);
  if (runs->len == 0)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("No epochs in this log."));
      return NULL;
    }
  return g_steal_pointer (&runs);
}

GPtrArray *
nn_runlog_load (const char *path, GError **error)
{
  g_autoptr(GMappedFile) file = NULL;
  GError *local = NULL;
  GPtrArray *runs;

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  if (g_mapped_file_get_length (file) > MAX_LOG_BYTES)
    {
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, _("%s is too large for a training log."),
                   path);
      return NULL;
    }
  runs = nn_runlog_parse (g_mapped_file_get_contents (file), g_mapped_file_get_length (file),
                          &local);
  if (runs == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);
      g_set_error (error, NN_ERROR, NN_ERROR_FORMAT, "%s: %s", name, local->message);
      g_error_free (local);
    }
  return runs;
}

gboolean
nn_runlog_write (const char *path, const NnRecipe *recipe, const NnEpochRecord *records,
                 guint n, gboolean csv, GError **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  GError *local = NULL;

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
  /* g_file_set_contents writes a temporary file beside @path and renames it over. */
  if (!g_file_set_contents (path, out->str, out->len, &local))
    {
      g_set_error (error, NN_ERROR, NN_ERROR_IO, "%s", local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}
