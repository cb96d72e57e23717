/* Kernels: one kernel of a built program plus its argument values.
 * clEnqueueNDRangeKernel snapshots the arguments into the command, so
 * later clSetKernelArg calls never change a command already enqueued. */
#ifndef HMMCL_CORE_KERNEL_H
#define HMMCL_CORE_KERNEL_H

#include "object.h"

#include <pthread.h>

typedef struct hx_cprog hx_cprog;
struct hx_kernel_meta;

enum hx_arg_kind {
	HX_ARG_UNSET = 0,
	HX_ARG_VALUE,   /* bytes by value */
	HX_ARG_MEM,     /* a cl_mem (or NULL) for a global/constant pointer */
	HX_ARG_SVM,     /* an SVM or system pointer */
	HX_ARG_LOCAL,   /* __local: size only */
};

struct hx_kernel_arg {
	enum hx_arg_kind kind;
	uint64_t size;     /* value bytes, or __local bytes */
	uint64_t value[16]; /* up to 128 bytes inline */
	void *big;          /* larger by-value args (malloc'd) */
	cl_mem mem;         /* HX_ARG_MEM: retained, or NULL */
};

struct _cl_kernel {
	hx_object obj;
	cl_program program;
	hx_cprog *cprog;
	size_t index;
	const struct hx_kernel_meta *meta;
	pthread_mutex_t lock;
	struct hx_kernel_arg *args; /* protected by lock */
	void **svm_ptrs;            /* protected by lock: EXEC_INFO_SVM_PTRS */
	size_t nsvm_ptrs;
	cl_bool fine_grain_system;  /* protected by lock */
};

cl_int hx_kernel_create(cl_program p, const char *name, cl_kernel *out);
cl_int hx_kernel_clone(cl_kernel src, cl_kernel *out);
cl_int hx_kernel_set_arg(cl_kernel k, cl_uint index, size_t size,
			 const void *value);
cl_int hx_kernel_set_arg_svm(cl_kernel k, cl_uint index, const void *ptr);
/* CL_KERNEL_LOCAL_MEM_SIZE: static __local plus __local arguments. */
uint64_t hx_kernel_local_bytes(cl_kernel k);

#endif
