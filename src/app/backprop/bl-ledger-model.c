/* bl-ledger-model.c: see bl-ledger-model.h. */
#include "config.h"

#include <string.h>

#include "backprop/bl-ledger-model.h"

struct _BlLedgerModel {
  GObject         parent_instance;
  const BlToyRun *run;
  guint           n_items;
  guint           generation;   /* counts set_run calls: a row computed before is stale */
  guint           row_limit;    /* 0: every row of the run */
};

enum { SIGNAL_VALUES_CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

struct _BlLedgerRow {
  GObject        parent_instance;
  guint          iteration;
  BlLedgerModel *model;        /* where the values come from */
  guint          generation;   /* the model's when they were computed; 0: not yet */
  BlToyRow       values;
};

G_DEFINE_FINAL_TYPE (BlLedgerRow, bl_ledger_row, G_TYPE_OBJECT)

static void
bl_ledger_row_finalize (GObject *object)
{
  g_clear_object (&BL_LEDGER_ROW (object)->model);
  G_OBJECT_CLASS (bl_ledger_row_parent_class)->finalize (object);
}

static void
bl_ledger_row_class_init (BlLedgerRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bl_ledger_row_finalize;
}

static void
bl_ledger_row_init (BlLedgerRow *self)
{
}

guint
bl_ledger_row_get_iteration (BlLedgerRow *self)
{
  g_return_val_if_fail (BL_IS_LEDGER_ROW (self), 0);
  return self->iteration;
}

const BlToyRow *
bl_ledger_row_get_values (BlLedgerRow *self)
{
  g_return_val_if_fail (BL_IS_LEDGER_ROW (self), NULL);
  if (self->model && self->generation != self->model->generation)
    {
      const BlToyRun *run = self->model->run;
      if (run && self->iteration < run->n_rows)
        bl_toy_run_get_row (run, self->iteration, &self->values);
      else
        memset (&self->values, 0, sizeof self->values);
      self->generation = self->model->generation;
    }
  return &self->values;
}


static void bl_ledger_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BlLedgerModel, bl_ledger_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      bl_ledger_model_list_init))

static GType
bl_ledger_model_get_item_type (GListModel *list)
{
  return BL_TYPE_LEDGER_ROW;
}

static guint
bl_ledger_model_get_n_items (GListModel *list)
{
  return BL_LEDGER_MODEL (list)->n_items;
}

static gpointer
bl_ledger_model_get_item (GListModel *list, guint position)
{
  BlLedgerModel *self = BL_LEDGER_MODEL (list);
  BlLedgerRow *row;

  if (self->run == NULL || position >= self->n_items)
    return NULL;
  /* The values are computed when first asked for (a view asks for the rows it shows). */
  row = g_object_new (BL_TYPE_LEDGER_ROW, NULL);
  row->iteration = position;
  row->model = g_object_ref (self);
  return row;
}

static void
bl_ledger_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = bl_ledger_model_get_item_type;
  iface->get_n_items = bl_ledger_model_get_n_items;
  iface->get_item = bl_ledger_model_get_item;
}

static void
bl_ledger_model_class_init (BlLedgerModelClass *klass)
{
  signals[SIGNAL_VALUES_CHANGED] =
    g_signal_new ("values-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
bl_ledger_model_init (BlLedgerModel *self)
{
}

BlLedgerModel *
bl_ledger_model_new (void)
{
  return g_object_new (BL_TYPE_LEDGER_MODEL, NULL);
}

/* The rows stay the rows (iteration k is row k); only the end grows or shrinks. */
static void
update_n_items (BlLedgerModel *self)
{
  guint old = self->n_items;

  self->n_items = self->run ? bl_ledger_shown_rows (self->run) : 0;
  if (self->row_limit)
    self->n_items = MIN (self->n_items, self->row_limit);
  if (self->n_items > old)
    g_list_model_items_changed (G_LIST_MODEL (self), old, 0, self->n_items - old);
  else if (self->n_items < old)
    g_list_model_items_changed (G_LIST_MODEL (self), self->n_items, old - self->n_items, 0);
}

void
bl_ledger_model_set_run (BlLedgerModel *self, const BlToyRun *run)
{
  g_return_if_fail (BL_IS_LEDGER_MODEL (self));

  self->run = run;
  self->generation++;
  update_n_items (self);
  g_signal_emit (self, signals[SIGNAL_VALUES_CHANGED], 0);
}

void
bl_ledger_model_set_row_limit (BlLedgerModel *self, guint limit)
{
  g_return_if_fail (BL_IS_LEDGER_MODEL (self));
  self->row_limit = limit;
  update_n_items (self);
}

guint
bl_ledger_shown_rows (const BlToyRun *run)
{
  g_return_val_if_fail (run != NULL, 0);
  if (run->stop == BL_TOY_STOP_NONFINITE)
    return MAX (run->stop_row, 1);
  return run->n_rows;
}

const BlToyRun *
bl_ledger_model_get_run (BlLedgerModel *self)
{
  g_return_val_if_fail (BL_IS_LEDGER_MODEL (self), NULL);
  return self->run;
}
