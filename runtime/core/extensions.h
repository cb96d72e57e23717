/* The extensions we advertise, with versions, kept as one table
 * (core/extensions.c) so the string and the versioned list agree. */
#ifndef HMMCL_CORE_EXTENSIONS_H
#define HMMCL_CORE_EXTENSIONS_H

#include <CL/cl.h>
#include <stddef.h>

#define HX_MAX_EXTENSIONS 32

enum hx_ext_scope { HX_EXT_PLATFORM = 1, HX_EXT_DEVICE = 2 };

void hx_extensions_string(enum hx_ext_scope scope, char *buf, size_t size);
size_t hx_extensions_versioned(enum hx_ext_scope scope, cl_name_version *out);

#endif
