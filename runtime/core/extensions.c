#include "extensions.h"

#include <stdio.h>
#include <string.h>

/* Only what works end to end is listed. The kernel-language extensions
 * are the ones the compiler enables (runtime/compiler/clang_flags.h) and
 * the builtin library implements. */
static const struct {
	const char *name;
	cl_version version;
	unsigned scope;
} table[] = {
	{"cl_khr_icd", CL_MAKE_VERSION(1, 0, 0), HX_EXT_PLATFORM},
	{"cl_khr_extended_versioning", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_PLATFORM | HX_EXT_DEVICE},
	{"cl_khr_byte_addressable_store", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_DEVICE},
	{"cl_khr_fp64", CL_MAKE_VERSION(1, 0, 0), HX_EXT_DEVICE},
	{"cl_khr_global_int32_base_atomics", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_DEVICE},
	{"cl_khr_global_int32_extended_atomics", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_DEVICE},
	{"cl_khr_local_int32_base_atomics", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_DEVICE},
	{"cl_khr_local_int32_extended_atomics", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_DEVICE},
	{"cl_khr_int64_base_atomics", CL_MAKE_VERSION(1, 0, 0), HX_EXT_DEVICE},
	{"cl_khr_int64_extended_atomics", CL_MAKE_VERSION(1, 0, 0),
	 HX_EXT_DEVICE},
	{"cl_hmm_svm_statistics", CL_MAKE_VERSION(1, 0, 0), HX_EXT_DEVICE},
	{"cl_hmm_svm_advise", CL_MAKE_VERSION(1, 0, 0), HX_EXT_DEVICE},
};

void hx_extensions_string(enum hx_ext_scope scope, char *buf, size_t size)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!(table[i].scope & scope))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					len ? " " : "", table[i].name);
		if (len >= size)
			break;
	}
}

size_t hx_extensions_versioned(enum hx_ext_scope scope, cl_name_version *out)
{
	size_t i, n = 0;

	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!(table[i].scope & scope))
			continue;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].version = table[i].version;
		snprintf(out[n].name, sizeof(out[n].name), "%s", table[i].name);
		n++;
	}
	return n;
}
