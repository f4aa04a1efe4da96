/* bl-frame-pacer.c: see bl-frame-pacer.h. */
#include "config.h"

#include "bl-frame-pacer.h"

typedef struct {
  int                     order;
  BlFramePacerPendingFunc pending;
  BlFramePacerShowFunc    show;
  gpointer                data;
} Region;

struct _BlFramePacer {
  GObject    parent_instance;
  GtkWidget *owner;      /* weak */
  GArray    *regions;    /* Region, sorted by order */
  guint      tick;
  gboolean   skip;
};

G_DEFINE_FINAL_TYPE (BlFramePacer, bl_frame_pacer, G_TYPE_OBJECT)

static Region *
first_pending (BlFramePacer *self)
{
  for (guint i = 0; i < self->regions->len; i++)
    {
      Region *r = &g_array_index (self->regions, Region, i);
      if (r->pending (r->data))
        return r;
    }
  return NULL;
}

gboolean
bl_frame_pacer_is_current (BlFramePacer *self)
{
  g_return_val_if_fail (BL_IS_FRAME_PACER (self), TRUE);
  return first_pending (self) == NULL;
}

static void
stop_ticking (BlFramePacer *self)
{
  if (self->tick && self->owner)
    gtk_widget_remove_tick_callback (self->owner, self->tick);
  self->tick = 0;
  self->skip = FALSE;
}

static gboolean
tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  BlFramePacer *self = data;
  Region *r;

  if (self->skip)
    self->skip = FALSE;
  else if ((r = first_pending (self)) != NULL)
    r->show (r->data);
  if (first_pending (self) != NULL)
    return G_SOURCE_CONTINUE;
  self->tick = 0;
  return G_SOURCE_REMOVE;
}

void
bl_frame_pacer_flush (BlFramePacer *self)
{
  Region *r;
  guint guard = 0;

  g_return_if_fail (BL_IS_FRAME_PACER (self));
  stop_ticking (self);
  /* A region shown may make an earlier one pending again; a few rounds settle it. */
  while ((r = first_pending (self)) != NULL && guard++ < 64)
    r->show (r->data);
}

void
bl_frame_pacer_schedule (BlFramePacer *self)
{
  g_return_if_fail (BL_IS_FRAME_PACER (self));
  if (self->owner == NULL || !gtk_widget_get_mapped (self->owner))
    bl_frame_pacer_flush (self);
  else if (self->tick == 0 && first_pending (self) != NULL)
    self->tick = gtk_widget_add_tick_callback (self->owner, tick_cb, self, NULL);
}

void
bl_frame_pacer_skip_frame (BlFramePacer *self)
{
  g_return_if_fail (BL_IS_FRAME_PACER (self));
  if (self->owner && gtk_widget_get_mapped (self->owner))
    self->skip = TRUE;
}

static int
compare_regions (gconstpointer a, gconstpointer b)
{
  return ((const Region *) a)->order - ((const Region *) b)->order;
}

void
bl_frame_pacer_add_region (BlFramePacer *self, int order, BlFramePacerPendingFunc pending,
                           BlFramePacerShowFunc show, gpointer data)
{
  Region r = { order, pending, show, data };

  g_return_if_fail (BL_IS_FRAME_PACER (self));
  g_return_if_fail (pending != NULL && show != NULL);
  g_array_append_val (self->regions, r);
  g_array_sort (self->regions, compare_regions);
}

void
bl_frame_pacer_remove_regions (BlFramePacer *self, gpointer data)
{
  g_return_if_fail (BL_IS_FRAME_PACER (self));
  for (guint i = self->regions->len; i-- > 0;)
    if (g_array_index (self->regions, Region, i).data == data)
      g_array_remove_index (self->regions, i);
}

static void
bl_frame_pacer_dispose (GObject *object)
{
  BlFramePacer *self = BL_FRAME_PACER (object);

  stop_ticking (self);
  if (self->owner)
    g_object_remove_weak_pointer (G_OBJECT (self->owner), (gpointer *) &self->owner);
  self->owner = NULL;
  G_OBJECT_CLASS (bl_frame_pacer_parent_class)->dispose (object);
}

static void
bl_frame_pacer_finalize (GObject *object)
{
  g_array_unref (BL_FRAME_PACER (object)->regions);
  G_OBJECT_CLASS (bl_frame_pacer_parent_class)->finalize (object);
}

static void
bl_frame_pacer_class_init (BlFramePacerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bl_frame_pacer_dispose;
  G_OBJECT_CLASS (klass)->finalize = bl_frame_pacer_finalize;
}

static void
bl_frame_pacer_init (BlFramePacer *self)
{
  self->regions = g_array_new (FALSE, FALSE, sizeof (Region));
}

BlFramePacer *
bl_frame_pacer_new (GtkWidget *owner)
{
  BlFramePacer *self = g_object_new (BL_TYPE_FRAME_PACER, NULL);

  g_return_val_if_fail (GTK_IS_WIDGET (owner), self);
  self->owner = owner;
  g_object_add_weak_pointer (G_OBJECT (owner), (gpointer *) &self->owner);
  return self;
}
