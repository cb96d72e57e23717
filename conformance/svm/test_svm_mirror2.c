/* The mirrored variant with two devices (HMMCL_DEVICES=2): a kernel on
 * device 1 reads pages that live on device 0 and writes pages that live
 * on device 1. Device 1's faults take device 0's pages home (a foreign
 * device fault), its own pages are reached through its aperture; no CPU
 * fault anywhere, exact counters, exact results. */
#include "svm_util.h"

#include <stdio.h>
#include <stdlib.h>

static const char *src =
    "kernel void scale(global const int *in, global int *out, int k)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	out[i] = in[i] * k + (int)i;\n"
    "}\n";

TEST(kernel_on_device_1_with_pages_on_both_devices)
{
	struct svm_env e = svm_open(2);
	const size_t n = 8 * PAGE / sizeof(int);
	int *in = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	int *out = clSVMAlloc(e.ctx, 0, n * sizeof(int), 0);
	cl_svm_statistics_hmm a0, a1, b0, b1;
	cl_program prog;
	cl_kernel k;
	cl_int err;
	int f = 9;

	svm_require_migration();
	CHECK(in && out);
	for (size_t i = 0; i < n; i++) {
		in[i] = (int)(i * 7);
		out[i] = -1;
	}
	prog = clCreateProgramWithSource(e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 2, e.dev, "", NULL, NULL));
	k = clCreateKernel(prog, "scale", &err);
	CHECK_CL(err);
	svm_migrate(&e, 0, in, 0, 0);
	svm_migrate(&e, 1, out, 0, 0);
	a0 = svm_stats(&e, 0);
	a1 = svm_stats(&e, 1);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, in));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, out));
	CHECK_CL(clSetKernelArg(k, 2, sizeof(f), &f));
	CHECK_CL(clEnqueueNDRangeKernel(e.q[1], k, 1, NULL, &n, NULL, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e.q[1]));
	b0 = svm_stats(&e, 0);
	b1 = svm_stats(&e, 1);
	CHECK_DELTA(a0, b0, cpu_faults, 0);
	CHECK_DELTA(a1, b1, cpu_faults, 0);
	/* in's 8 pages on device 0: foreign faults, one per page; out's
	 * block on device 1: one. */
	CHECK_DELTA(a1, b1, device_faults, 9);
	CHECK_DELTA(a0, b0, device_faults, 0);
	CHECK_DELTA(a0, b0, pages_to_host, 8); /* in: foreign faults */
	CHECK_DELTA(a1, b1, pages_to_host, 0); /* out stayed on device 1 */
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(out[i], (int)(i * 7) * f + (int)i);
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	clSVMFree(e.ctx, in);
	clSVMFree(e.ctx, out);
	svm_close(&e);
}

/* Stress (CI-sized): rounds of migrations to device 0, device 1 and home
 * and of kernels on both devices that increment the even ints of a
 * buffer, while a host thread keeps writing and re-reading the odd ints
 * of the same pages. Every even int ends at rounds, every odd int at the
 * host's last value; nothing deadlocks. */
#include <pthread.h>
#include <stdatomic.h>

static const char *inc_src = "kernel void inc(global int *buf)\n"
			     "{\n"
			     "	buf[2 * get_global_id(0)] += 1;\n"
			     "}\n";

struct writer {
	volatile int *buf;
	size_t n;
	atomic_int stop;
	int last, bad;
};

static void *host_writer(void *arg)
{
	struct writer *w = arg;

	for (int r = 1; !atomic_load(&w->stop); r++) {
		for (size_t i = 1; i < w->n; i += 2)
			w->buf[i] = -r;
		for (size_t i = 1; i < w->n; i += 2)
			if (w->buf[i] != -r)
				w->bad++;
		w->last = r;
	}
	return NULL;
}

TEST(stress_kernels_migrations_and_host_writers)
{
	struct svm_env e = svm_open(2);
	const size_t n = 32 * PAGE / sizeof(int), half = n / 2;
	int *buf =
	    clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n * sizeof(int), 0);
	const char *rs = getenv("HMMCL_SVM_STRESS_ROUNDS");
	int rounds = rs ? atoi(rs) : 200;
	struct writer w = {(volatile int *)buf, n, 0, 0, 0};
	cl_program prog;
	cl_kernel k;
	pthread_t t;
	cl_int err;

	svm_require_migration();
	CHECK(buf != NULL);
	for (size_t i = 0; i < n; i++)
		buf[i] = 0;
	prog = clCreateProgramWithSource(e.ctx, 1, &inc_src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 2, e.dev, "", NULL, NULL));
	k = clCreateKernel(prog, "inc", &err);
	CHECK_CL(err);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, buf));
	CHECK_EQ(pthread_create(&t, NULL, host_writer, &w), 0);
	for (int r = 0; r < rounds; r++) {
		cl_command_queue q = e.q[r % 2];
		const void *p = buf + (r % 3) * (n / 4);
		size_t sz = n / 2 * sizeof(int);
		cl_mem_migration_flags fl =
		    r % 5 == 4 ? CL_MIGRATE_MEM_OBJECT_HOST : 0;

		CHECK_CL(
		    clEnqueueSVMMigrateMem(q, 1, &p, &sz, fl, 0, NULL, NULL));
		CHECK_CL(clEnqueueNDRangeKernel(q, k, 1, NULL, &half, NULL, 0,
						NULL, NULL));
		/* Rounds on the two queues are ordered: each kernel's
		 * increments must see the previous one's. */
		CHECK_CL(clFinish(q));
	}
	atomic_store(&w.stop, 1);
	pthread_join(t, NULL);
	CHECK_EQ(w.bad, 0);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(buf[i], i % 2 ? -w.last : rounds);
	fprintf(stderr, "%d rounds, %d host passes\n", rounds, w.last);
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	clSVMFree(e.ctx, buf);
	svm_close(&e);
}
