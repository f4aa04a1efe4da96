/* bl-palette.c: Okabe & Ito's palette, distinguishable with every common colour-vision
 * deficiency. Curves take their colours by slot: the rates of a chart in increasing order get
 * entries 0, 1, 2…, so no two curves share a colour (up to the palette's eight). */
#include "widgets/bl-palette.h"

#include <math.h>
#include <string.h>

static const guint32 okabe_ito[] = {
  0x0072B2,  /* blue */
  0xE69F00,  /* orange */
  0x009E73,  /* bluish green */
  0xCC79A7,  /* reddish purple */
  0x56B4E9,  /* sky blue */
  0xD55E00,  /* vermillion */
  0xF0E442,  /* yellow: last, it is faint on white */
  0x000000,  /* black */
};

guint
bl_palette_size (void)
{
  return G_N_ELEMENTS (okabe_ito);
}

void
bl_palette_color (guint index, GdkRGBA *out)
{
  guint32 c = okabe_ito[index % G_N_ELEMENTS (okabe_ito)];

  out->red = ((c >> 16) & 0xff) / 255.0f;
  out->green = ((c >> 8) & 0xff) / 255.0f;
  out->blue = (c & 0xff) / 255.0f;
  out->alpha = 1.0f;
}

void
bl_palette_slots_for_rates (const double *rates, guint n, guint *slots)
{
  /* Slot i goes to the rate with i smaller rates before it (NaN last; equal rates in the order
   * given), so the colours run in the order of the rates and no two rates share one while
   * there are no more rates than colours. */
  for (guint i = 0; i < n; i++)
    {
      guint before = 0;
      for (guint j = 0; j < n; j++)
        {
          gboolean j_first;
          if (j == i)
            continue;
          if (isnan (rates[i]) || isnan (rates[j]))
            j_first = isnan (rates[i]) && (!isnan (rates[j]) || j < i);
          else
            j_first = rates[j] < rates[i] || (rates[j] == rates[i] && j < i);
          before += j_first;
        }
      slots[i] = before;
    }
}
