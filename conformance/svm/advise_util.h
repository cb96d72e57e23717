/* Helpers of the cl_hmm_svm_advise tests: the extension's entry points,
 * blocking advice, residency of a range, and a kernel that reads and
 * writes every int of a buffer (run mirrored: a sentinel page stays on
 * device 0, see docs/svm.md "Variant choice"). */
#ifndef HMMCL_ADVISE_UTIL_H
#define HMMCL_ADVISE_UTIL_H

#include "svm_util.h"

#include <stdlib.h>

struct adv_env {
	struct svm_env e;
	clEnqueueSVMAdviseMemHMM_fn advise;
	clGetSVMResidencyHMM_fn residency;
	cl_program prog;
	cl_kernel inc;
	int *sentinel; /* one page kept on device 0: kernels run mirrored */
};

static const char *adv_src =
    "kernel void inc(global int *p) { p[get_global_id(0)] += 1; }\n";

/* Blocking advice on queue d. */
static inline void adv_set(struct adv_env *a, cl_uint d, const void *p,
			   size_t size, cl_svm_advice_hmm advice)
{
	cl_event ev;
	cl_command_type t;

	CHECK_CL(a->advise(a->e.q[d], p, size, advice, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(
	    clGetEventInfo(ev, CL_EVENT_COMMAND_TYPE, sizeof(t), &t, NULL));
	CHECK_EQ(t, (cl_command_type)CL_COMMAND_SVM_ADVISE_HMM);
	CHECK_CL(clReleaseEvent(ev));
}

static inline struct adv_env adv_open(cl_uint ndev, int kernels)
{
	struct adv_env a;
	cl_int err;

	svm_require_migration();
	memset(&a, 0, sizeof(a));
	a.e = svm_open(ndev);
	a.advise = (clEnqueueSVMAdviseMemHMM_fn)
	    clGetExtensionFunctionAddressForPlatform(
		a.e.platform, "clEnqueueSVMAdviseMemHMM");
	a.residency =
	    (clGetSVMResidencyHMM_fn)clGetExtensionFunctionAddressForPlatform(
		a.e.platform, "clGetSVMResidencyHMM");
	CHECK(a.advise != NULL);
	CHECK(a.residency != NULL);
	if (!kernels)
		return a;
	a.prog = clCreateProgramWithSource(a.e.ctx, 1, &adv_src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(a.prog, ndev, a.e.dev, "", NULL, NULL));
	a.inc = clCreateKernel(a.prog, "inc", &err);
	CHECK_CL(err);
	if (kernels == 2) /* no sentinel: kernels run direct by default */
		return a;
	a.sentinel = clSVMAlloc(a.e.ctx, 0, PAGE, 0);
	CHECK(a.sentinel != NULL);
	a.sentinel[0] = 7;
	svm_migrate(&a.e, 0, a.sentinel, PAGE, 0);
	/* Evicted last, so that eviction tests keep kernels mirrored. */
	adv_set(&a, 0, a.sentinel, PAGE,
		CL_SVM_ADVICE_SET_PREFERRED_LOCATION_DEVICE_HMM);
	return a;
}

static inline void adv_close(struct adv_env *a)
{
	if (a->sentinel) {
		CHECK_EQ(a->sentinel[0], 7);
		clSVMFree(a->e.ctx, a->sentinel);
	}
	if (a->inc) {
		CHECK_CL(clReleaseKernel(a->inc));
		CHECK_CL(clReleaseProgram(a->prog));
	}
	svm_close(&a->e);
}

/* How many of the pages [p, p + pages * PAGE) device dev holds (dev NULL:
 * system memory). */
static inline size_t adv_count(struct adv_env *a, const void *p, size_t pages,
			       cl_device_id dev)
{
	cl_device_id *loc = malloc(pages * sizeof(*loc));
	size_t n = 0, ret = 0;

	CHECK(loc != NULL);
	CHECK_CL(a->residency(a->e.ctx, p, pages * PAGE, pages, loc, &ret));
	CHECK_EQ(ret, pages);
	for (size_t i = 0; i < pages; i++)
		n += loc[i] == dev;
	free(loc);
	return n;
}

/* The inc kernel over n ints at p on queue d; its final status. */
static inline cl_int adv_inc(struct adv_env *a, cl_uint d, int *p, size_t n)
{
	cl_event ev;
	cl_int st;

	CHECK_CL(clSetKernelArgSVMPointer(a->inc, 0, p));
	CHECK_CL(clEnqueueNDRangeKernel(a->e.q[d], a->inc, 1, NULL, &n, NULL, 0,
					NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_CL(clReleaseEvent(ev));
	return st;
}

#endif
