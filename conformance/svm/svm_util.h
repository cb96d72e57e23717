/* Helpers of the SVM suite: the statistics entry point, a context and
 * queue per device, and the check that pages can migrate at all. */
#ifndef HMMCL_SVM_UTIL_H
#define HMMCL_SVM_UTIL_H

#include "cl_util.h"
#include "harness.h"

#include <CL/cl_ext_hmm.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PAGE 4096

struct svm_env {
	cl_platform_id platform;
	cl_device_id dev[2];
	cl_uint ndev;
	cl_context ctx;
	cl_command_queue q[2];
	clGetSVMStatisticsHMM_fn stats;
};

/* Migration needs userfaultfd in the user backend: without it (seccomp,
 * sysctl) the backend degrades honestly and these cases cannot run. */
static inline void svm_require_migration(void)
{
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		fd =
		    syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK |
						 (1 << 0) /* USER_MODE_ONLY */);
	if (fd < 0)
		SKIP("userfaultfd is unavailable: pages cannot migrate");
	close((int)fd);
}

static inline struct svm_env svm_open(cl_uint ndev)
{
	struct svm_env e;
	cl_uint i, n = 0;
	cl_int err;

	memset(&e, 0, sizeof(e));
	e.platform = hx_test_platform();
	CHECK_CL(clGetDeviceIDs(e.platform, CL_DEVICE_TYPE_ALL, 2, e.dev, &n));
	if (n < ndev)
		SKIP("not enough devices (HMMCL_DEVICES)");
	e.ndev = ndev;
	e.ctx = clCreateContext(NULL, ndev, e.dev, NULL, NULL, &err);
	CHECK_CL(err);
	for (i = 0; i < ndev; i++)
		e.q[i] = hx_test_queue(e.ctx, e.dev[i], 0);
	e.stats =
	    (clGetSVMStatisticsHMM_fn)clGetExtensionFunctionAddressForPlatform(
		e.platform, "clGetSVMStatisticsHMM");
	CHECK(e.stats != NULL);
	return e;
}

static inline void svm_close(struct svm_env *e)
{
	cl_uint i;

	for (i = 0; i < e->ndev; i++)
		CHECK_CL(clReleaseCommandQueue(e->q[i]));
	CHECK_CL(clReleaseContext(e->ctx));
}

static inline cl_svm_statistics_hmm svm_stats(struct svm_env *e, cl_uint d)
{
	cl_svm_statistics_hmm s;

	CHECK_CL(e->stats(e->dev[d], sizeof(s), &s, NULL));
	return s;
}

/* Blocking migration of [p, p + size) (size 0: the whole allocation). */
static inline void svm_migrate(struct svm_env *e, cl_uint d, const void *p,
			       size_t size, cl_mem_migration_flags flags)
{
	cl_event ev;
	cl_int st;

	CHECK_CL(
	    clEnqueueSVMMigrateMem(e->q[d], 1, &p, &size, flags, 0, NULL, &ev));
	CHECK_CL(clWaitForEvents(1, &ev));
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_EQ(st, CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
}

/* Counter deltas between two snapshots, checked field by field. */
#define CHECK_DELTA(a, b, field, n) CHECK_EQ((b).field - (a).field, (n))

#endif
