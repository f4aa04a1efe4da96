/* test-window-spanish.c: the window, built with LANGUAGE=es and the Spanish catalogue
 * (BL_LOCALEDIR), shows its pages and buttons in Spanish. */
#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <locale.h>

#include "bl-window.h"

/* Every stack page title and every button label under @widget, into @texts. */
static void
collect_texts (GtkWidget *widget, GPtrArray *texts)
{
  if (GTK_IS_STACK (widget))
    {
      g_autoptr(GListModel) pages = G_LIST_MODEL (gtk_stack_get_pages (GTK_STACK (widget)));
      for (guint i = 0; i < g_list_model_get_n_items (pages); i++)
        {
          GtkStackPage *page = g_list_model_get_item (pages, i);
          const char *title = gtk_stack_page_get_title (page);
          if (title)
            g_ptr_array_add (texts, g_strdup (title));
          g_object_unref (page);
        }
    }
  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)))
    g_ptr_array_add (texts, g_strdup (gtk_button_get_label (GTK_BUTTON (widget))));
  if (GTK_IS_LABEL (widget))
    g_ptr_array_add (texts, g_strdup (gtk_label_get_label (GTK_LABEL (widget))));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    collect_texts (child, texts);
}

static gboolean
has_text (GPtrArray *texts, const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_strcmp0 (g_ptr_array_index (texts, i), text) == 0)
      return TRUE;
  return FALSE;
}

static void
test_spanish_window (void)
{
  BlWindow *window = bl_window_new (NULL, NULL);
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  /* Stack page titles (ui/bl-mnist-page.ui) and buttons of both pages: msgids, Spanish. */
  const char *expect[][2] = {
    { "This Run", "Esta ejecución" },
    { "Compare Rates", "Comparar tasas" },
    { "_Train", "_Entrenar" },
    { "Reset", "Reiniciar" },
  };

  collect_texts (GTK_WIDGET (window), texts);
  for (guint i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_test_message ("“%s” → “%s”", expect[i][0], expect[i][1]);
      g_assert_true (has_text (texts, expect[i][1]));
      g_assert_false (has_text (texts, expect[i][0]));
    }
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  const char *localedir = g_getenv ("BL_LOCALEDIR");

  /* As src/app/main.c does, with Spanish asked for before GTK reads the locale. */
  g_setenv ("LANGUAGE", "es", TRUE);
  setlocale (LC_ALL, "");
  g_assert_nonnull (localedir);
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (&argc, &argv, NULL);
  /* The catalogue is there and answers: otherwise the window test below means nothing. */
  g_assert_cmpstr (_("Learning rate"), ==, "Tasa de aprendizaje");
  g_test_add_func ("/i18n/window-speaks-spanish", test_spanish_window);
  return g_test_run ();
}
