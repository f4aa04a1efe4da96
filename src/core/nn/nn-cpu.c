/* nn-cpu.c: see nn-cpu.h. Built once, for the baseline CPU: it decides which variant's code may
 * run, so it must itself run everywhere. */
#include "config.h"

#include <glib/gi18n.h>

#include "nn-cpu.h"
#include "nn-error.h"

/* Defined by the kernel libraries meson builds (NN_HAVE_* says which it built). */
extern const NnKernels nn_kernels_portable;
#ifdef NN_HAVE_AVX2
extern const NnKernels nn_kernels_avx2;
#endif
#ifdef NN_HAVE_AVX512
extern const NnKernels nn_kernels_avx512;
#endif
#ifdef NN_HAVE_AVX512BF16
extern const NnKernels nn_kernels_avx512bf16;
#endif

static const char *const variant_names[NN_CPU_N_VARIANTS] = {
  "portable", "avx2", "avx512", "avx512-bf16"
};

/* -1: none forced. */
static gint forced_variant = -1;

const char *
nn_cpu_variant_to_string (NnCpuVariant variant)
{
  g_return_val_if_fail (variant < NN_CPU_N_VARIANTS, NULL);
  return variant_names[variant];
}

gboolean
nn_cpu_variant_from_string (const char *name, NnCpuVariant *out, GError **error)
{
  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    if (g_strcmp0 (name, variant_names[v]) == 0)
      {
        *out = v;
        return TRUE;
      }
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _("“%s” is not a CPU variant (portable, avx2, avx512, avx512-bf16)."),
               name ? name : "");
  return FALSE;
}

const NnKernels *
nn_cpu_kernels (NnCpuVariant variant)
{
  if (!nn_cpu_variant_supported (variant))
    return NULL;
  switch (variant)
    {
#ifdef NN_HAVE_AVX2
    case NN_CPU_AVX2:
      return &nn_kernels_avx2;
#endif
#ifdef NN_HAVE_AVX512
    case NN_CPU_AVX512:
      return &nn_kernels_avx512;
#endif
#ifdef NN_HAVE_AVX512BF16
    case NN_CPU_AVX512_BF16:
      return &nn_kernels_avx512bf16;
#endif
    case NN_CPU_PORTABLE:
    default:
      return &nn_kernels_portable;
    }
}

gboolean
nn_cpu_variant_supported (NnCpuVariant variant)
{
  switch (variant)
    {
    case NN_CPU_PORTABLE:
      return TRUE;
#if defined (NN_HAVE_AVX2) && (defined (__x86_64__) || defined (__i386__))
    case NN_CPU_AVX2:
      __builtin_cpu_init ();
      /* libgcc and compiler-rt also check that the OS saves the wider registers. */
      return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
#endif
#if defined (NN_HAVE_AVX512) && (defined (__x86_64__) || defined (__i386__))
    case NN_CPU_AVX512:
      __builtin_cpu_init ();
      return __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma")
             && __builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512cd")
             && __builtin_cpu_supports ("avx512bw") && __builtin_cpu_supports ("avx512dq")
             && __builtin_cpu_supports ("avx512vl");
#endif
#if defined (NN_HAVE_AVX512BF16) && (defined (__x86_64__) || defined (__i386__))
    case NN_CPU_AVX512_BF16:
      return nn_cpu_variant_supported (NN_CPU_AVX512) && __builtin_cpu_supports ("avx512bf16");
#endif
    default:
      return FALSE;
    }
}

NnCpuVariant
nn_cpu_variant_best (void)
{
  for (int v = NN_CPU_AVX512; v > NN_CPU_PORTABLE; v--)
    if (nn_cpu_variant_supported (v))
      return v;
  return NN_CPU_PORTABLE;
}

double
nn_cpu_variant_epsilon (NnCpuVariant variant)
{
  return variant == NN_CPU_AVX512_BF16 ? 1.0 / 256 : 1.0 / 16777216;
}

static gboolean
check_supported (NnCpuVariant variant, const char *how, GError **error)
{
  GString *can;

  if (nn_cpu_variant_supported (variant))
    return TRUE;
  can = g_string_new (NULL);
  for (int v = 0; v < NN_CPU_N_VARIANTS; v++)
    if (nn_cpu_variant_supported (v))
      g_string_append_printf (can, "%s%s", can->len ? ", " : "", variant_names[v]);
  g_set_error (error, NN_ERROR, NN_ERROR_INVALID,
               _("This CPU cannot run the %s kernels (%s); it can run: %s."),
               variant_names[variant], how, can->str);
  g_string_free (can, TRUE);
  return FALSE;
}

gboolean
nn_cpu_force_variant (NnCpuVariant variant, GError **error)
{
  g_return_val_if_fail (variant < NN_CPU_N_VARIANTS, FALSE);
  if (!check_supported (variant, "--cpu", error))
    return FALSE;
  g_atomic_int_set (&forced_variant, variant);
  return TRUE;
}

gboolean
nn_cpu_variant_select (NnCpuVariant *out, GError **error)
{
  gint forced = g_atomic_int_get (&forced_variant);
  const char *env = g_getenv ("BL_CPU");

  if (forced >= 0)
    *out = forced;
  else if (env != NULL && *env != '\0')
    {
      g_autoptr(GError) local = NULL;
      if (!nn_cpu_variant_from_string (env, out, &local))
        {
          g_set_error (error, NN_ERROR, NN_ERROR_INVALID, "BL_CPU: %s", local->message);
          return FALSE;
        }
      return check_supported (*out, "BL_CPU", error);
    }
  else
    *out = nn_cpu_variant_best ();
  return TRUE;
}

const char *
nn_cpu_variant_name (void)
{
  g_autoptr(GError) error = NULL;
  NnCpuVariant v;

  if (!nn_cpu_variant_select (&v, &error))
    return g_intern_string (error->message);   /* one copy per distinct message, for good */
  return variant_names[v];
}
