/* cl_hmm_svm_statistics: the entry point, its argument rules, and counters
 * that move exactly as predicted by migrations and CPU faults. */
#include "svm_util.h"

TEST(extension_is_listed_and_found)
{
	struct svm_env e = svm_open(1);
	char ext[4096];

	CHECK_CL(clGetDeviceInfo(e.dev[0], CL_DEVICE_EXTENSIONS, sizeof(ext),
				 ext, NULL));
	CHECK(strstr(ext, "cl_hmm_svm_statistics") != NULL);
	CHECK(clGetExtensionFunctionAddressForPlatform(
		  e.platform, "clGetSVMStatisticsHMMX") == NULL);
	svm_close(&e);
}

TEST(argument_errors)
{
	struct svm_env e = svm_open(1);
	cl_svm_statistics_hmm s;
	size_t ret = 0;

	/* Not a device. */
	CHECK_ERR(e.stats(NULL, sizeof(s), &s, NULL), CL_INVALID_DEVICE);
	CHECK_ERR(e.stats((cl_device_id)e.ctx, sizeof(s), &s, NULL),
		  CL_INVALID_DEVICE);
	/* stats NULL with a size, a size 0 with stats, nothing asked. */
	CHECK_ERR(e.stats(e.dev[0], sizeof(s), NULL, &ret), CL_INVALID_VALUE);
	CHECK_ERR(e.stats(e.dev[0], 0, &s, &ret), CL_INVALID_VALUE);
	CHECK_ERR(e.stats(e.dev[0], 0, NULL, NULL), CL_INVALID_VALUE);
	/* The size alone. */
	CHECK_CL(e.stats(e.dev[0], 0, NULL, &ret));
	CHECK_EQ(ret, sizeof(cl_svm_statistics_hmm));
	svm_close(&e);
}

TEST(fresh_device_counts_nothing)
{
	struct svm_env e = svm_open(1);
	cl_svm_statistics_hmm s = svm_stats(&e, 0);

	CHECK_EQ(s.device_faults, 0);
	CHECK_EQ(s.cpu_faults, 0);
	CHECK_EQ(s.pages_to_device, 0);
	CHECK_EQ(s.pages_to_host, 0);
	CHECK_EQ(s.bytes_to_device, 0);
	CHECK_EQ(s.bytes_to_host, 0);
	CHECK_EQ(s.invalidations, 0);
	svm_close(&e);
}

TEST(smaller_struct_gets_leading_fields)
{
	struct svm_env e = svm_open(1);
	cl_ulong buf[8];
	unsigned char *p = clSVMAlloc(e.ctx, 0, 3 * PAGE, 0);
	size_t ret = 0;
	int i;

	svm_require_migration();
	CHECK(p != NULL);
	memset(p, 1, 3 * PAGE);
	svm_migrate(&e, 0, p, 0, 0);
	for (i = 0; i < 8; i++)
		buf[i] = 0xdeadbeef;
	/* Old callers knowing four fields: pages_to_device is the third. */
	CHECK_CL(e.stats(e.dev[0], 4 * sizeof(cl_ulong),
			 (cl_svm_statistics_hmm *)buf, &ret));
	CHECK_EQ(ret, sizeof(cl_svm_statistics_hmm));
	CHECK_EQ(buf[2], 3);
	CHECK_EQ(buf[3], 0);
	for (i = 4; i < 8; i++)
		CHECK_EQ(buf[i], 0xdeadbeef);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* 16 written pages to the device, 1 faulted back by a host read, the rest
 * by a HOST migration: every counter moves by exactly that. */
TEST(counters_follow_migrations_and_faults)
{
	struct svm_env e = svm_open(1);
	const size_t n = 16 * PAGE;
	unsigned char *p = clSVMAlloc(e.ctx, 0, n, 0);
	cl_svm_statistics_hmm s0, s1, s2, s3;
	volatile unsigned char *v = p;
	size_t i;

	svm_require_migration();
	CHECK(p != NULL);
	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + 3);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, p, 0, 0);
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 16);
	CHECK_DELTA(s0, s1, bytes_to_device, n);
	CHECK_DELTA(s0, s1, pages_to_host, 0);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	CHECK_DELTA(s0, s1, invalidations, 0);

	/* One host read of page 5: one fault, one page home. */
	CHECK_EQ(v[5 * PAGE + 17], (unsigned char)((5 * PAGE + 17) * 7 + 3));
	s2 = svm_stats(&e, 0);
	CHECK_DELTA(s1, s2, cpu_faults, 1);
	CHECK_DELTA(s1, s2, pages_to_host, 1);
	CHECK_DELTA(s1, s2, bytes_to_host, PAGE);
	CHECK_DELTA(s1, s2, invalidations, 1);
	CHECK_DELTA(s1, s2, pages_to_device, 0);

	/* The other 15 come home by request: no fault, no invalidation. */
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	s3 = svm_stats(&e, 0);
	CHECK_DELTA(s2, s3, pages_to_host, 15);
	CHECK_DELTA(s2, s3, bytes_to_host, 15 * PAGE);
	CHECK_DELTA(s2, s3, cpu_faults, 0);
	CHECK_DELTA(s2, s3, invalidations, 0);
	for (i = 0; i < n; i++)
		CHECK_EQ(p[i], (unsigned char)(i * 7 + 3));
	CHECK_EQ(svm_stats(&e, 0).cpu_faults, s3.cpu_faults);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* CONTENT_UNDEFINED moves residency but carries no bytes. */
TEST(content_undefined_carries_no_bytes)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = clSVMAlloc(e.ctx, 0, 4 * PAGE, 0);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(p != NULL);
	memset(p, 0x5a, 4 * PAGE);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED);
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 4);
	CHECK_DELTA(s0, s1, bytes_to_device, 0);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}
