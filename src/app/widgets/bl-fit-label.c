/* bl-fit-label.c: see bl-fit-label.h. Each form is a label of its own; the allocation makes
 * the one that fits child-visible (as a stack shows one page), so choosing a form never sets
 * text, and never lays the window out again. */
#include "config.h"

#include "widgets/bl-fit-label.h"

struct _BlFitLabel {
  GtkWidget  parent_instance;
  GPtrArray *labels;   /* of GtkLabel, one a form, longest first; children of this widget */
  guint      shown;    /* index into labels, or G_MAXUINT before an allocation */
};

G_DEFINE_FINAL_TYPE (BlFitLabel, bl_fit_label, GTK_TYPE_WIDGET)

static int
natural_width (GtkWidget *label)
{
  int natural;
  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  return natural;
}

static void
bl_fit_label_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline,
                      int *natural_baseline)
{
  BlFitLabel *self = BL_FIT_LABEL (widget);

  *minimum = *natural = 0;
  for (guint i = 0; i < self->labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (self->labels, i);
      int min, nat;
      /* Across: no less than the narrowest form whole, as much as the widest. Down: one
       * line, whichever form shows. */
      gtk_widget_measure (label, orientation, -1, &min, &nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        *minimum = i == 0 ? nat : MIN (*minimum, nat);
      else
        *minimum = MAX (*minimum, min);
      *natural = MAX (*natural, nat);
    }
}

static void
bl_fit_label_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BlFitLabel *self = BL_FIT_LABEL (widget);
  guint narrowest = 0;
  int narrowest_w = G_MAXINT;

  self->shown = G_MAXUINT;
  for (guint i = 0; i < self->labels->len && self->shown == G_MAXUINT; i++)
    {
      int w = natural_width (g_ptr_array_index (self->labels, i));
      if (w <= width)
        self->shown = i;
      else if (w < narrowest_w)
        {
          narrowest = i;
          narrowest_w = w;
        }
    }
  /* Given less than the minimum (only while a window is being resized): the narrowest. */
  if (self->shown == G_MAXUINT && self->labels->len > 0)
    self->shown = narrowest;
  for (guint i = 0; i < self->labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (self->labels, i);
      gtk_widget_set_child_visible (label, i == self->shown);
      if (i == self->shown)
        gtk_widget_allocate (label, width, height, baseline, NULL);
    }
}

static void
bl_fit_label_dispose (GObject *object)
{
  BlFitLabel *self = BL_FIT_LABEL (object);

  if (self->labels)
    for (guint i = 0; i < self->labels->len; i++)
      gtk_widget_unparent (g_ptr_array_index (self->labels, i));
  g_clear_pointer (&self->labels, g_ptr_array_unref);
  G_OBJECT_CLASS (bl_fit_label_parent_class)->dispose (object);
}

static void
bl_fit_label_class_init (BlFitLabelClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = bl_fit_label_dispose;
  widget_class->measure = bl_fit_label_measure;
  widget_class->size_allocate = bl_fit_label_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "fitlabel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LABEL);
}

static void
bl_fit_label_init (BlFitLabel *self)
{
  self->labels = g_ptr_array_new ();
  self->shown = G_MAXUINT;
}

GtkWidget *
bl_fit_label_new (void)
{
  return g_object_new (BL_TYPE_FIT_LABEL, NULL);
}

void
bl_fit_label_set_forms (BlFitLabel *self, const char *const *forms)
{
  guint n = forms ? g_strv_length ((char **) forms) : 0;

  g_return_if_fail (BL_IS_FIT_LABEL (self));
  while (self->labels->len > n)
    gtk_widget_unparent (g_ptr_array_steal_index (self->labels, self->labels->len - 1));
  while (self->labels->len < n)
    {
      GtkWidget *label = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      /* Hidden from screen readers: the widget itself reads the longest form. */
      gtk_accessible_update_state (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                                   -1);
      gtk_widget_set_child_visible (label, FALSE);
      gtk_widget_set_parent (label, GTK_WIDGET (self));
      g_ptr_array_add (self->labels, label);
    }
  for (guint i = 0; i < n; i++)
    gtk_label_set_text (g_ptr_array_index (self->labels, i), forms[i]);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  n > 0 ? forms[0] : "", -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

const char *
bl_fit_label_get_shown (BlFitLabel *self)
{
  g_return_val_if_fail (BL_IS_FIT_LABEL (self), NULL);
  if (self->shown >= self->labels->len)
    return NULL;
  return gtk_label_get_text (g_ptr_array_index (self->labels, self->shown));
}
