/* Two devices (HMMCL_DEVICES=2) with their own device memory: device A ->
 * device B migrations count both hops, data survives every hop, and each
 * device's counters are its own. */
#include "svm_util.h"

TEST(device_to_device_counts_both_hops)
{
	struct svm_env e = svm_open(2);
	const size_t n = 12 * PAGE;
	unsigned char *p = clSVMAlloc(e.ctx, 0, n, 0);
	cl_svm_statistics_hmm a0, b0, a1, b1, b2;
	size_t i;

	svm_require_migration();
	CHECK(p != NULL);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i ^ (i >> 8));
	a0 = svm_stats(&e, 0);
	b0 = svm_stats(&e, 1);
	svm_migrate(&e, 0, p, 0, 0);
	svm_migrate(&e, 1, p, 0, 0);
	a1 = svm_stats(&e, 0);
	b1 = svm_stats(&e, 1);
	CHECK_DELTA(a0, a1, pages_to_device, 12);
	CHECK_DELTA(a0, a1, pages_to_host, 12);
	CHECK_DELTA(a0, a1, bytes_to_host, n);
	CHECK_DELTA(b0, b1, pages_to_device, 12);
	CHECK_DELTA(b0, b1, bytes_to_device, n);
	CHECK_DELTA(b0, b1, pages_to_host, 0);
	/* The host faults them home from device B, not A. */
	for (i = 0; i < n; i++)
		CHECK_EQ(p[i], (unsigned char)(i ^ (i >> 8)));
	b2 = svm_stats(&e, 1);
	CHECK_DELTA(b1, b2, cpu_faults, 12);
	CHECK_DELTA(b1, b2, pages_to_host, 12);
	CHECK_DELTA(a1, svm_stats(&e, 0), cpu_faults, 0);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* Memcpy on device B's queue between pages on A and on B. */
TEST(copy_between_devices)
{
	struct svm_env e = svm_open(2);
	const size_t n = 4 * PAGE;
	unsigned char *a = clSVMAlloc(e.ctx, 0, n, 0);
	unsigned char *b = clSVMAlloc(e.ctx, 0, n, 0);
	size_t i;

	svm_require_migration();
	CHECK(a && b);
	for (i = 0; i < n; i++) {
		a[i] = (unsigned char)(i * 5);
		b[i] = 0;
	}
	svm_migrate(&e, 0, a, 0, 0);
	svm_migrate(&e, 1, b, 0, 0);
	CHECK_CL(clEnqueueSVMMemcpy(e.q[1], CL_TRUE, b, a, n, 0, NULL, NULL));
	for (i = 0; i < n; i++)
		CHECK_EQ(b[i], (unsigned char)(i * 5));
	for (i = 0; i < n; i++)
		CHECK_EQ(a[i], (unsigned char)(i * 5));
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	svm_close(&e);
}
