/* Plain host memory (mmap, stack, static data) migrates like SVM memory:
 * fine-grain system SVM mirrors a host range on its first migration to a
 * device. Whole pages inside the range move; bytes around it stay. */
#include "svm_util.h"

#include <stdint.h>
#include <sys/mman.h>

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}

static void check(const unsigned char *p, size_t n, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + seed))
			CHECK_EQ(p[i], (unsigned char)(i * 7 + seed));
}

static unsigned char *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

/* Overlapping host ranges share their mirrors: each page moves once per
 * migration, whatever range mirrored it first. */
TEST(overlapping_host_ranges)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = map(64 * PAGE);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	fill(p, 64 * PAGE, 3);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, p + 8 * PAGE, 16 * PAGE, 0);
	svm_migrate(&e, 0, p + 16 * PAGE, 16 * PAGE, 0);
	svm_migrate(&e, 0, p, 64 * PAGE, 0);
	s1 = svm_stats(&e, 0);
	/* 16, then the 8 new ones, then the other 40. */
	CHECK_DELTA(s0, s1, pages_to_device, 64);
	check(p, 64 * PAGE, 3);
	CHECK_DELTA(s1, svm_stats(&e, 0), pages_to_host, 64);
	CHECK_EQ(munmap(p, 64 * PAGE), 0);
	svm_close(&e);
}

/* A range that covers no whole page moves nothing; the partial pages at
 * both ends of a range stay (they may hold someone else's bytes). */
TEST(host_range_rounds_inward)
{
	struct svm_env e = svm_open(1);
	unsigned char *p = map(8 * PAGE);
	cl_svm_statistics_hmm s0;

	svm_require_migration();
	fill(p, 8 * PAGE, 5);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, p + 100, PAGE, 0);
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, 0);
	svm_migrate(&e, 0, p + 100, 4 * PAGE, 0); /* pages 1, 2, 3 */
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, 3);
	check(p, 8 * PAGE, 5);
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_host, 3);
	CHECK_EQ(munmap(p, 8 * PAGE), 0);
	svm_close(&e);
}

/* Host memory mirrored, then unmapped: an SVM allocation whose pool chunk
 * lands on the same addresses must still be mirrored and migrate. */
TEST(svm_pool_over_a_stale_host_mirror)
{
	struct svm_env e = svm_open(1);
	const size_t n = (size_t)256 << 20;
	unsigned char *h = map(n), *s;
	cl_svm_statistics_hmm s0;
	size_t i;

	svm_require_migration();
	/* Mirror pages all over the region. */
	for (i = 0; i < n; i += (size_t)8 << 20) {
		h[i] = 1;
		svm_migrate(&e, 0, h + i, PAGE, 0);
	}
	CHECK_EQ(munmap(h, n), 0);
	s = clSVMAlloc(e.ctx, 0, 64 * PAGE, 0);
	CHECK(s != NULL);
	if ((uintptr_t)s < (uintptr_t)h || (uintptr_t)s >= (uintptr_t)h + n)
		fprintf(stderr, "note: the pool chunk did not land on the "
				"unmapped region this time\n");
	fill(s, 64 * PAGE, 9);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, s, 0, 0);
	CHECK_DELTA(s0, svm_stats(&e, 0), pages_to_device, 64);
	check(s, 64 * PAGE, 9);
	clSVMFree(e.ctx, s);
	svm_close(&e);
}

/* Stack and static arrays are host memory like any other. */
static unsigned char bss[64 * PAGE] __attribute__((aligned(PAGE)));

static void stack_and_static(struct svm_env *e, unsigned char *p, size_t n)
{
	cl_svm_statistics_hmm s0 = svm_stats(e, 0);

	fill(p, n, 11);
	svm_migrate(e, 0, p, n, 0);
	CHECK_DELTA(s0, svm_stats(e, 0), pages_to_device, n / PAGE);
	check(p, n, 11);
	CHECK_DELTA(s0, svm_stats(e, 0), pages_to_host, n / PAGE);
}

TEST(stack_and_static_arrays_migrate)
{
	struct svm_env e = svm_open(1);
	unsigned char stack[17 * PAGE];
	unsigned char *sp =
	    (unsigned char *)(((uintptr_t)stack + PAGE - 1) & ~(PAGE - 1));

	svm_require_migration();
	stack_and_static(&e, sp, 16 * PAGE);
	stack_and_static(&e, bss, sizeof(bss));
	svm_close(&e);
}

/* A kernel reads migrated host pages from device memory: no CPU fault
 * brings them home for it. */
TEST(kernel_reads_migrated_malloc_pages_in_device_memory)
{
	static const char *src =
	    "kernel void twice(global const int *a, global int *b)\n"
	    "{ size_t i = get_global_id(0); b[i] = 2 * a[i]; }\n";
	struct svm_env e = svm_open(1);
	size_t n = 64 * PAGE / sizeof(int), i;
	int *a = aligned_alloc(PAGE, n * sizeof(int)), *b = malloc(n * 4);
	cl_svm_statistics_hmm s0, s1;
	cl_program prog;
	cl_kernel k;
	cl_int err;

	svm_require_migration();
	CHECK(a && b);
	for (i = 0; i < n; i++)
		a[i] = (int)i;
	prog = clCreateProgramWithSource(e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 1, e.dev, NULL, NULL, NULL));
	k = clCreateKernel(prog, "twice", &err);
	CHECK_CL(err);
	s0 = svm_stats(&e, 0);
	svm_migrate(&e, 0, a, n * sizeof(int), 0);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, a));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, b));
	CHECK_CL(clEnqueueNDRangeKernel(e.q[0], k, 1, NULL, &n, NULL, 0, NULL,
					NULL));
	CHECK_CL(clFinish(e.q[0]));
	s1 = svm_stats(&e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 64);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	CHECK(s1.device_faults > s0.device_faults);
	for (i = 0; i < n; i++)
		if (b[i] != 2 * (int)i)
			CHECK_EQ(b[i], 2 * (int)i);
	CHECK_DELTA(s0, svm_stats(&e, 0), cpu_faults, 0);
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	free(a);
	free(b);
	svm_close(&e);
}
