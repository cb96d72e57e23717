/* clEnqueueSVMMigrateMem moves pages for real: page-exact ranges, host
 * faults that bring data home intact, HOST and CONTENT_UNDEFINED, and
 * SVM memcpy/fill reaching device-resident pages without CPU faults. */
#include "svm_util.h"

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 131 + seed);
}

static void check_pattern(const unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 131 + seed))
			CHECK_EQ(p[i], (unsigned char)(i * 131 + seed));
}

TEST(fault_back_keeps_every_byte)
{
	struct svm_env e = svm_open(1);
	const size_t n = 64 * PAGE + 123;
	unsigned char *p =
	    clSVMAlloc(e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, n, 0);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(p != NULL);
	fill_pattern(p, n, 9);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, p, 0, 0);
	/* The allocation's 65 pages (its last one partly used) moved. */
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, 65);
	/* Every page faults home on its first host touch, data intact. */
	check_pattern(p, n, 9);
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, cpu_faults, 65);
	CHECK_DELTA(s0, s1, pages_to_host, 65);
	/* Writes after the fault stay in host memory. */
	fill_pattern(p, n, 77);
	svm_migrate(&e, 0, p, 0, 0);
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	check_pattern(p, n, 77);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* An unaligned range moves exactly the pages it touches. */
TEST(subrange_is_page_exact)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = clSVMAlloc(e.ctx, 0, 16 * PAGE, 0);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(p != NULL);
	fill_pattern(p, 16 * PAGE, 1);
	s0 = svm_stats(&e, 0);
	/* From page 3 + 100 bytes, two pages long: pages 3, 4 and 5. */
	svm_migrate(&e, 0, p + 3 * PAGE + 100, 2 * PAGE, 0);
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 3);
	/* Touching pages outside the range faults nothing. */
	check_pattern(p, 3 * PAGE, 1);
	check_pattern(p + 6 * PAGE, 10 * PAGE, (unsigned)(6 * PAGE * 131 + 1));
	CHECK_DELTA(s1, svm_stats(&e, 0), cpu_faults, 0);
	/* Page 4 faults alone. */
	CHECK_EQ(p[4 * PAGE], (unsigned char)(4 * PAGE * 131 + 1));
	CHECK_DELTA(s1, svm_stats(&e, 0), cpu_faults, 1);
	check_pattern(p, 16 * PAGE, 1);
	CHECK_DELTA(s1, svm_stats(&e, 0), cpu_faults, 3);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* Several pointers, sizes NULL: each whole allocation moves. */
TEST(sizes_null_moves_whole_allocations)
{
	struct svm_env e = svm_open(1);
	unsigned char *a = clSVMAlloc(e.ctx, 0, 5 * PAGE, 0);
	unsigned char *b = clSVMAlloc(e.ctx, 0, 100, 0);
	const void *ptrs[2];
	cl_svm_statistics_hmm s0;

	svm_require_migration();
	CHECK(a && b);
	ptrs[0] = a + 2 * PAGE + 5; /* inside: the whole allocation moves */
	ptrs[1] = b + 99;
	fill_pattern(a, 5 * PAGE, 4);
	fill_pattern(b, 100, 5);
	s0 = svm_stats(&e, 0);
	CHECK_CL(
	    clEnqueueSVMMigrateMem(e.q[0], 2, ptrs, NULL, 0, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q[0]));
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, 6);
	check_pattern(a, 5 * PAGE, 4);
	check_pattern(b, 100, 5);
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	svm_close(&e);
}

/* HOST brings pages home without a single CPU fault. */
TEST(host_flag_brings_pages_home)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = clSVMAlloc(e.ctx, 0, 8 * PAGE, 0);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(p != NULL);
	fill_pattern(p, 8 * PAGE, 3);
	svm_migrate(&e, 0, p, 0, 0);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	check_pattern(p, 8 * PAGE, 3);
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, pages_to_host, 8);
	CHECK_DELTA(s0, s1, bytes_to_host, 8 * PAGE);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* CONTENT_UNDEFINED: the old contents or zeros, never anything else. */
TEST(content_undefined_reads_old_or_zero)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = clSVMAlloc(e.ctx, 0, 8 * PAGE, 0);
	size_t i;

	svm_require_migration();
	CHECK(p != NULL);
	fill_pattern(p, 8 * PAGE, 6);
	svm_migrate(&e, 0, p, 0, CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED);
	for (i = 0; i < 8 * PAGE; i++)
		if (p[i] != 0 && p[i] != (unsigned char)(i * 131 + 6))
			CHECK_EQ(p[i], 0);
	/* And writable again. */
	fill_pattern(p, 8 * PAGE, 8);
	check_pattern(p, 8 * PAGE, 8);
	clSVMFree(e.ctx, p);
	svm_close(&e);
}

/* SVM memcpy and fill reach device-resident pages through device DMA:
 * no CPU fault, no page comes home. */
TEST(memcpy_and_fill_use_the_device_path)
{
	struct svm_env e = svm_open(1);
	const size_t n = 8 * PAGE;
	unsigned char *a = clSVMAlloc(e.ctx, 0, n, 0);
	unsigned char *b = clSVMAlloc(e.ctx, 0, n, 0);
	unsigned char *h = malloc(n);
	const cl_uint pat = 0xa1b2c3d4;
	cl_svm_statistics_hmm s0, s1;
	size_t i;

	svm_require_migration();
	CHECK(a && b && h);
	fill_pattern(a, n, 2);
	memset(b, 0, n);
	svm_migrate(&e, 0, a, 0, 0);
	svm_migrate(&e, 0, b, 0, 0);
	s0 = svm_stats(&e, 0);
	/* device -> host, host -> device, device -> device, fill. */
	CHECK_CL(clEnqueueSVMMemcpy(e.q[0], CL_TRUE, h, a, n, 0, NULL, NULL));
	check_pattern(h, n, 2);
	fill_pattern(h, n, 11);
	CHECK_CL(clEnqueueSVMMemcpy(e.q[0], CL_TRUE, a + 10, h, PAGE, 0, NULL,
				    NULL));
	CHECK_CL(clEnqueueSVMMemcpy(e.q[0], CL_TRUE, b, a, n, 0, NULL, NULL));
	CHECK_CL(clEnqueueSVMMemFill(e.q[0], a + 2 * PAGE, &pat, sizeof(pat),
				     3 * PAGE, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q[0]));
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	CHECK_DELTA(s0, s1, pages_to_host, 0);
	/* Now bring everything home and check each byte. */
	svm_migrate(&e, 0, a, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	svm_migrate(&e, 0, b, 0, CL_MIGRATE_MEM_OBJECT_HOST);
	for (i = 0; i < n; i++) {
		unsigned char want = (unsigned char)(i * 131 + 2);

		if (i >= 10 && i < 10 + PAGE)
			want = (unsigned char)((i - 10) * 131 + 11);
		CHECK_EQ(b[i], want);
		if (i >= 2 * PAGE && i < 5 * PAGE)
			want = (unsigned char)(pat >> (8 * (i % 4)));
		if (a[i] != want)
			CHECK_EQ(a[i], want);
	}
	CHECK_DELTA(s1, svm_stats(&e, 0), cpu_faults, 0);
	free(h);
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	svm_close(&e);
}

/* Freeing memory that lives on the device gives it back; a new
 * allocation starts clean. */
TEST(free_while_device_resident)
{
	struct svm_env e = svm_open(1);
	int round;

	svm_require_migration();
	for (round = 0; round < 20; round++) {
		unsigned char *p = clSVMAlloc(e.ctx, 0, 32 * PAGE, 0);

		CHECK(p != NULL);
		fill_pattern(p, 32 * PAGE, (unsigned)round);
		svm_migrate(&e, 0, p, 0, 0);
		check_pattern(p, 100, (unsigned)round);
		clSVMFree(e.ctx, p);
	}
	svm_close(&e);
}

/* Many live allocations (more than the backend's 1024 mirrors per device
 * if each had its own): every one of them still migrates. */
TEST(many_live_allocations_all_migrate)
{
	struct svm_env e = svm_open(1);
	enum { N = 1500 };
	static unsigned char *p[N];
	static const void *ptrs[N];
	cl_svm_statistics_hmm s0;
	size_t i, k;

	svm_require_migration();
	for (i = 0; i < N; i++) {
		p[i] = clSVMAlloc(e.ctx, 0, 100 + i % 3000, 0);
		CHECK(p[i] != NULL);
		ptrs[i] = p[i];
		for (k = 0; k < 100 + i % 3000; k++)
			p[i][k] = (unsigned char)(i + k);
	}
	s0 = svm_stats(&e, 0);
	CHECK_CL(
	    clEnqueueSVMMigrateMem(e.q[0], N, ptrs, NULL, 0, 0, NULL, NULL));
	CHECK_CL(clFinish(e.q[0]));
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, N);
	for (i = 0; i < N; i++)
		for (k = 0; k < 100 + i % 3000; k++)
			if (p[i][k] != (unsigned char)(i + k))
				CHECK_EQ(p[i][k], (unsigned char)(i + k));
	for (i = 0; i < N; i++)
		clSVMFree(e.ctx, p[i]);
	svm_close(&e);
}
