/* clEnqueueNDRangeKernel's command: argument snapshot + engine launch. */
#ifndef HMMCL_CORE_NDRANGE_H
#define HMMCL_CORE_NDRANGE_H

#include "object.h"

struct hx_ndrange_spec {
	cl_uint work_dim;
	size_t offset[3];
	size_t global[3];
	size_t local[3];
	int local_given;
};

/* Builds the command for ev (snapshots k's arguments); the caller then
 * submits ev. CL_INVALID_KERNEL_ARGS when an argument is unset. */
cl_int hx_ndrange_command(cl_event ev, cl_kernel k,
			  const struct hx_ndrange_spec *spec);
/* The process-wide engine shared by every device (created lazily). */
struct hx_engine *hx_shared_engine(void);

#endif
