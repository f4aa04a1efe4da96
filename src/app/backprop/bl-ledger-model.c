/* bl-ledger-model.c: see bl-ledger-model.h. */
#include "config.h"

#include "backprop/bl-ledger-model.h"

struct _BlLedgerRow {
  GObject  parent_instance;
  guint    iteration;
  BlToyRow values;
};

G_DEFINE_FINAL_TYPE (BlLedgerRow, bl_ledger_row, G_TYPE_OBJECT)

static void
bl_ledger_row_class_init (BlLedgerRowClass *klass)
{
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
  return &self->values;
}

struct _BlLedgerModel {
  GObject         parent_instance;
  const BlToyRun *run;
  guint           n_items;
};

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
  row = g_object_new (BL_TYPE_LEDGER_ROW, NULL);
  row->iteration = position;
  bl_toy_run_get_row (self->run, position, &row->values);
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

void
bl_ledger_model_set_run (BlLedgerModel *self, const BlToyRun *run)
{
  guint old;

  g_return_if_fail (BL_IS_LEDGER_MODEL (self));

  old = self->n_items;
  self->run = run;
  self->n_items = run ? run->n_rows : 0;
  /* Every row may have changed (new parameters), so replace them all. */
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old, self->n_items);
}
