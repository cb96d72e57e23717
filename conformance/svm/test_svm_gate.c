/* The gate between direct kernels and migrations to a device never
 * deadlocks a host/device handshake: a migration waits only briefly for a
 * running direct kernel, then moves pages under it (the kernel's accesses
 * fault them home). */
#include "svm_util.h"

#include <time.h>

static const char *src =
    "kernel void spin(global atomic_int *f, global int *seen)\n"
    "{\n"
    "	atomic_store_explicit(&f[1], 1, memory_order_release,\n"
    "			      memory_scope_all_svm_devices);\n"
    "	int v = 0;\n"
    "	for (ulong i = 0; i < 20000000000ul && !v; i++)\n"
    "		v = atomic_load_explicit(&f[0], memory_order_acquire,\n"
    "					 memory_scope_all_svm_devices);\n"
    "	*seen = v;\n"
    "}\n";

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* The host waits for a migration to the device (another queue) before it
 * sets the flag the running kernel spins on. */
TEST(migration_goes_ahead_under_a_spinning_direct_kernel)
{
	struct svm_env e = svm_open(1);
	cl_mem_flags fl = CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS;
	int *f = clSVMAlloc(e.ctx, fl, 3 * sizeof(int), 0);
	unsigned char *other = clSVMAlloc(e.ctx, 0, 16 * PAGE, 0);
	cl_command_queue q2 = hx_test_queue(e.ctx, e.dev[0], 0);
	cl_svm_statistics_hmm s0;
	cl_program prog;
	cl_kernel k;
	cl_event ev;
	cl_int err;
	size_t one = 1;
	double t0;

	svm_require_migration();
	CHECK(f && other);
	memset(other, 7, 16 * PAGE);
	f[0] = f[1] = f[2] = 0;
	prog = clCreateProgramWithSource(e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 1, e.dev, "-cl-std=CL3.0", NULL, NULL));
	k = clCreateKernel(prog, "spin", &err);
	CHECK_CL(err);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, f));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, f + 2));
	/* Nothing is on a device yet: the kernel runs the direct variant. */
	CHECK_CL(
	    clEnqueueNDRangeKernel(e.q[0], k, 1, NULL, &one, NULL, 0, NULL, &ev));
	CHECK_CL(clFlush(e.q[0]));
	for (t0 = now(); !__atomic_load_n(&f[1], __ATOMIC_ACQUIRE);)
		if (now() - t0 > 30)
			CHECK(!"the kernel did not start within 30 s");
	s0 = svm_stats(&e, 0);
	t0 = now();
	{
		/* Another queue: e.q[0] is busy with the kernel. */
		const void *p = other;
		size_t n = 0;

		CHECK_CL(clEnqueueSVMMigrateMem(q2, 1, &p, &n, 0, 0, NULL,
						NULL));
		CHECK_CL(clFinish(q2));
	}
	fprintf(stderr, "migration under the spinning kernel: %.1f ms\n",
		(now() - t0) * 1e3);
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, 16);
	__atomic_store_n(&f[0], 1, __ATOMIC_RELEASE);
	CHECK_CL(clWaitForEvents(1, &ev));
	/* The kernel saw the flag: it did not run out of spins first. */
	CHECK_EQ(f[2], 1);
	CHECK_EQ(other[5 * PAGE + 3], 7);
	CHECK_CL(clReleaseEvent(ev));
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	CHECK_CL(clReleaseCommandQueue(q2));
	clSVMFree(e.ctx, other);
	clSVMFree(e.ctx, f);
	svm_close(&e);
}
