/* test-utils.c: see test-utils.h. */
#include <glib/gstdio.h>
#include <stdlib.h>

#include "test-utils.h"

gboolean
bl_test_save_window_png (GtkWidget *window, const char *path)
{
  int w = gtk_widget_get_width (window), h = gtk_widget_get_height (window);
  GdkPaintable *paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;
  gboolean ok;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_object_unref (paintable);
      return FALSE;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  ok = gdk_texture_save_to_png (texture, path);
  g_object_unref (texture);
  gsk_render_node_unref (node);
  g_object_unref (paintable);
  return ok;
}

guint
bl_test_ink_pixels (const char *png)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  const guint8 *d = cairo_image_surface_get_data (s);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = *(const guint32 *) (d + y * stride + 4 * x);
        if (((p >> 16) & 0xff) < 200 || ((p >> 8) & 0xff) < 200 || (p & 0xff) < 200)
          n++;
      }
  cairo_surface_destroy (s);
  return n;
}

static void
count_paint (GdkFrameClock *clock, guint *painted)
{
  (*painted)++;
}

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

gboolean
bl_test_iterate_until (BlTestDoneFunc done, gpointer data, double seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint id = g_timeout_add (10, wake, NULL);
  gboolean ok;

  while (!(ok = done (data)) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  return ok;
}

gboolean
bl_test_wait_for_draw (GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint painted = 0, id = g_timeout_add (10, wake, NULL);
  GdkFrameClock *clock = NULL;
  gulong handler = 0;
  gboolean ok = FALSE;

  /* On a busy machine mapping can take a while: wait for it, then for two painted frames
   * after this call, so every queued change has been laid out and drawn. */
  while (g_get_monotonic_time () < end)
    {
      if (clock == NULL && gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0)
        {
          clock = gtk_widget_get_frame_clock (widget);
          handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_paint), &painted);
          gtk_widget_queue_draw (widget);
        }
      if (painted >= 2)
        {
          ok = TRUE;
          break;
        }
      if (clock && painted == 1)
        gtk_widget_queue_draw (widget);
      g_main_context_iteration (NULL, TRUE);
    }
  if (clock)
    g_signal_handler_disconnect (clock, handler);
  g_source_remove (id);
  return ok;
}

guint
bl_test_count_color (const char *png, const GdkRGBA *c)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  int w, h, stride;
  const guint8 *data;
  guint n = 0;

  g_assert_cmpint (cairo_surface_status (s), ==, CAIRO_STATUS_SUCCESS);
  w = cairo_image_surface_get_width (s);
  h = cairo_image_surface_get_height (s);
  stride = cairo_image_surface_get_stride (s);
  data = cairo_image_surface_get_data (s);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 px = *(const guint32 *) (data + y * stride + 4 * x);
        int r = (px >> 16) & 0xff, g = (px >> 8) & 0xff, b = px & 0xff;
        if (abs (r - (int) (c->red * 255)) < 12 && abs (g - (int) (c->green * 255)) < 12 &&
            abs (b - (int) (c->blue * 255)) < 12)
          n++;
      }
  cairo_surface_destroy (s);
  return n;
}


GtkWidget *
bl_test_find_descendant (GtkWidget *root, GType type, guint nth)
{
  guint seen = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (root); w;)
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && seen++ == nth)
        return w;
      if (gtk_widget_get_first_child (w))
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w && w != root && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w && w != root ? gtk_widget_get_next_sibling (w) : NULL;
        }
    }
  return NULL;
}

void
bl_test_collect_mapped_labels (GtkWidget *widget, GPtrArray *out)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_get_mapped (c))
      {
        if (GTK_IS_LABEL (c) && *gtk_label_get_text (GTK_LABEL (c)))
          g_ptr_array_add (out, c);
        bl_test_collect_mapped_labels (c, out);
      }
}
