/* Helpers for tests that reach hmmcl through the ICD loader only. */
#ifndef HMMCL_CL_UTIL_H
#define HMMCL_CL_UTIL_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

/* The platform named "hmmcl"; fails the case when the loader lacks it. */
cl_platform_id hx_test_platform(void);
/* Device i of that platform; fails when there is none. */
cl_device_id hx_test_device(unsigned i);
/* A context on device 0 and an in-order queue with the given properties. */
cl_context hx_test_context(cl_device_id *dev_out);
cl_command_queue hx_test_queue(cl_context ctx, cl_device_id dev,
			       cl_command_queue_properties props);

#endif
