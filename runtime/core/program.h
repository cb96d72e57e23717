/* Programs: source or binary, built by the compiler (runtime/compiler).
 * All devices of a platform are the same host CPU, so one compiled
 * program (hx_cprog) serves every device a program is built for; the
 * build status is kept per device. */
#ifndef HMMCL_CORE_PROGRAM_H
#define HMMCL_CORE_PROGRAM_H

#include "object.h"

#include <pthread.h>

typedef struct hx_cprog hx_cprog;
struct hx_cl_header;

struct hx_program_release_cb {
	void(CL_CALLBACK *fn)(cl_program, void *);
	void *user_data;
	struct hx_program_release_cb *next;
};

struct _cl_program {
	hx_object obj;
	cl_context ctx;
	char *source;                /* NULL for binaries */
	cl_uint ndevices;
	cl_device_id *devices;       /* the program's devices */
	pthread_mutex_t lock;
	/* Fields below are protected by lock. */
	hx_cprog *cprog;             /* NULL until compiled/loaded */
	cl_build_status *status;     /* per device */
	char *log;
	char *options;
	cl_uint nkernels;            /* kernel objects attached */
	int uniform_wg;              /* launches need uniform work-groups */
	int building;
	struct hx_program_release_cb *release_cbs;
};

cl_int hx_program_create(cl_context ctx, cl_uint ndev, const cl_device_id *devs,
			 cl_program *out);
/* Index of dev in the program's device list, or -1. */
int hx_program_device_index(cl_program p, cl_device_id dev);
/* Builds (or compiles) for the listed devices (NULL: all). Fails with
 * CL_INVALID_OPERATION while kernels are attached or a build runs. */
cl_int hx_program_build(cl_program p, cl_uint ndev, const cl_device_id *devs,
			const char *options);
cl_int hx_program_compile(cl_program p, cl_uint ndev, const cl_device_id *devs,
			  const char *options, const struct hx_cl_header *hdrs,
			  size_t nhdrs);
/* Links inputs into a new program on the listed devices. */
cl_int hx_program_link(cl_context ctx, cl_uint ndev, const cl_device_id *devs,
		       const char *options, cl_uint ninputs,
		       const cl_program *inputs, cl_program *out);
/* The executable for dev, retained; CL_INVALID_PROGRAM_EXECUTABLE when
 * the program has none for that device. */
cl_int hx_program_executable(cl_program p, cl_device_id dev, hx_cprog **out);
/* Any built executable (kernels are created against it). */
cl_int hx_program_any_executable(cl_program p, hx_cprog **out);
void hx_program_kernel_attached(cl_program p, int delta);
/* Whether launches of p's kernels need uniform work-groups (OpenCL C 1.x
 * source, or built with -cl-uniform-work-group-size). */
int hx_program_uniform_wg(cl_program p);

#endif
