/* The platform and its devices: created once per process, never freed.
 *
 * HMMCL_DEVICES=N gives N devices (default 1) on one platform; they
 * share the host cores (see docs/design.md, "Devices and cores").
 * HMMCL_DEVICE_MEMORY=<bytes>[K|M|G] sets each device's memory size.
 * HMMCL_DEVICE_TYPE=accelerator|gpu|cpu sets the type they report. */
#ifndef HMMCL_CORE_PLATFORM_H
#define HMMCL_CORE_PLATFORM_H

#include "engine/engine.h" /* device limits: work-group, local, printf */
#include "object.h"

#define HX_MAX_DEVICES 16
#define HX_PLATFORM_NAME "hmmcl"
#define HX_PLATFORM_VENDOR "hmmcl project"
#define HX_VERSION_STRING "0.1.0"
#define HX_MEM_BASE_ADDR_ALIGN_BITS 1024 /* 128 bytes: one AVX-512 line pair */

struct _cl_device_id {
	hx_object obj;
	cl_platform_id platform;
	cl_uint index;
	cl_device_type type;
	char name[192];
	cl_uint compute_units;
	cl_uint clock_mhz;
	cl_ulong global_mem_size;
	cl_ulong max_alloc_size;
	cl_ulong cache_size;
	cl_uint cacheline_size;
	cl_ulong local_mem_size;
	cl_uint numa_nodes;
	/* What works end to end; queries report only these. */
	cl_bool compiler_available;
	cl_device_svm_capabilities svm_caps;
};

struct _cl_platform_id {
	hx_object obj;
	cl_uint ndevices;
	struct _cl_device_id devices[HX_MAX_DEVICES];
};

/* Creates the platform on first call (thread-safe); never fails. */
cl_platform_id hx_platform_get(void);
int hx_device_valid(cl_device_id dev);
/* Nanoseconds on the clock used for profiling and host timers. */
cl_ulong hx_now_ns(void);

#endif
