/* bl-recipe-form.h: the MNIST page's recipe: a preset to start from (a quick class demo, the
 * default, plain SGD), then epochs, batch, rate, momentum, schedule, rotation, seed, threads
 * and how many training images, as controls (ui/bl-recipe-form.ui), read into an NnRecipe and
 * checked; remembered between lessons. */
#pragma once

#include <gtk/gtk.h>

#include "nn-trainer.h"

G_BEGIN_DECLS

#define BL_TYPE_RECIPE_FORM (bl_recipe_form_get_type ())
G_DECLARE_FINAL_TYPE (BlRecipeForm, bl_recipe_form, BL, RECIPE_FORM, GtkWidget)

GtkWidget *bl_recipe_form_new        (void);
void       bl_recipe_form_set_recipe (BlRecipeForm *self, const NnRecipe *recipe);
/* The recipe the controls say; FALSE and an error naming the field (BL_APP_ERROR_INVALID) or
 * the range (NN_ERROR_INVALID) when it is not one. */
gboolean   bl_recipe_form_get_recipe (BlRecipeForm *self, NnRecipe *out, GError **error);
/* A message under the controls (NULL: none). */
void       bl_recipe_form_show_error (BlRecipeForm *self, const char *message);
const char *bl_recipe_form_get_error (BlRecipeForm *self);
/* The "threads" preference (0 means every core, at most 8, which is where it stops paying)
 * and the recipe of the last lesson ("mnist-recipe"), restored here. */
void       bl_recipe_form_set_settings (BlRecipeForm *self, GSettings *settings);
/* Keeps @recipe for the next lesson (the page calls it when a run starts). */
void       bl_recipe_form_remember     (BlRecipeForm *self, const NnRecipe *recipe);

G_END_DECLS
