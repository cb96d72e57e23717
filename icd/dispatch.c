/* The cl_khr_icd dispatch table. Each area lists its entry points in an
 * entries_*.def file; the slot order is the struct's, from CL/cl_icd.h.
 * The Direct3D and DX9 slots are `void *` on Linux and unreachable through
 * any Linux loader: they stay NULL. */
#include <CL/cl_icd.h>

#include "../runtime/core/object.h"

#define HX_ENTRY(name) .name = name,
const struct _cl_icd_dispatch hx_dispatch = {
#include "entries_core.def"
#include "entries_mem.def"
#include "entries_svm.def"
#include "entries_program.def"
#include "entries_unsupported.def"
};
#undef HX_ENTRY
