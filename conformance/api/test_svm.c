/* clSVMAlloc / clSVMFree: the flag, size and alignment rules, what
 * clSVMFree ignores, the allocation table with thousands of entries and
 * under concurrent allocation. The table is observed through
 * clEnqueueSVMMigrateMem, which accepts a range only when it lies inside
 * one live SVM allocation of the queue's context. */
#include "cl_util.h"
#include "harness.h"

#include <pthread.h>

struct env {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
};

static struct env env_open(void)
{
	struct env e;

	e.ctx = hx_test_context(&e.dev);
	e.q = hx_test_queue(e.ctx, e.dev, 0);
	return e;
}

static void env_close(struct env *e)
{
	CHECK_CL(clFinish(e->q));
	CHECK_CL(clReleaseCommandQueue(e->q));
	CHECK_CL(clReleaseContext(e->ctx));
}

/* The error clEnqueueSVMMigrateMem gives for one range (size 0: the whole
 * allocation). */
static cl_int migrate(cl_command_queue q, const void *p, size_t size)
{
	cl_int err = clEnqueueSVMMigrateMem(q, 1, &p, &size, 0, 0, NULL, NULL);

	if (err == CL_SUCCESS)
		CHECK_CL(clFinish(q));
	return err;
}

static cl_device_svm_capabilities svm_caps(cl_device_id dev)
{
	cl_device_svm_capabilities caps = 0;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps),
				 &caps, NULL));
	return caps;
}

static cl_ulong max_alloc(cl_device_id dev)
{
	cl_ulong m = 0;

	CHECK_CL(clGetDeviceInfo(dev, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(m),
				 &m, NULL));
	return m;
}

TEST(device_reports_every_svm_capability)
{
	cl_device_svm_capabilities caps = svm_caps(hx_test_device(0));

	CHECK(caps & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER);
	/* Host memory used in place: fine-grain buffers hold. */
	CHECK(caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER);
	/* The device shares the address space: any host pointer, and the
	 * CPU's own atomics on it. */
	CHECK(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	CHECK(caps & CL_DEVICE_SVM_ATOMICS);
}

TEST(alloc_default_flags_and_data)
{
	struct env e = env_open();
	unsigned char *p = clSVMAlloc(e.ctx, 0, 1000, 0);
	size_t i;

	CHECK(p != NULL);
	/* Alignment 0: the default, the size of long16. */
	CHECK_EQ((uintptr_t)p % 128, 0);
	for (i = 0; i < 1000; i++)
		p[i] = (unsigned char)(i * 7);
	for (i = 0; i < 1000; i++)
		CHECK_EQ(p[i], (unsigned char)(i * 7));
	CHECK_CL(migrate(e.q, p, 0));
	clSVMFree(e.ctx, p);
	env_close(&e);
}

TEST(alloc_access_flags)
{
	struct env e = env_open();
	const cl_svm_mem_flags ok[] = {CL_MEM_READ_WRITE, CL_MEM_WRITE_ONLY,
				       CL_MEM_READ_ONLY};
	const cl_svm_mem_flags bad[] = {
	    CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY,
	    CL_MEM_READ_WRITE | CL_MEM_READ_ONLY,
	    CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY,
	    CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY,
	};
	unsigned i;

	for (i = 0; i < 3; i++) {
		void *p = clSVMAlloc(e.ctx, ok[i], 64, 0);

		CHECK(p != NULL);
		clSVMFree(e.ctx, p);
	}
	/* READ_WRITE, WRITE_ONLY and READ_ONLY are mutually exclusive. */
	for (i = 0; i < 4; i++)
		CHECK(clSVMAlloc(e.ctx, bad[i], 64, 0) == NULL);
	env_close(&e);
}

TEST(alloc_unknown_flags)
{
	struct env e = env_open();

	/* Bits outside the SVM Memory Flags table, including cl_mem_flags
	 * that are valid for buffers but not for SVM. */
	CHECK(clSVMAlloc(e.ctx, (cl_svm_mem_flags)1 << 40, 64, 0) == NULL);
	CHECK(clSVMAlloc(e.ctx, CL_MEM_USE_HOST_PTR, 64, 0) == NULL);
	CHECK(clSVMAlloc(e.ctx, CL_MEM_ALLOC_HOST_PTR, 64, 0) == NULL);
	CHECK(clSVMAlloc(e.ctx, CL_MEM_HOST_NO_ACCESS, 64, 0) == NULL);
	env_close(&e);
}

TEST(alloc_atomics_needs_fine_grain)
{
	struct env e = env_open();

	/* CL_MEM_SVM_ATOMICS is valid only with FINE_GRAIN_BUFFER. */
	CHECK(clSVMAlloc(e.ctx, CL_MEM_SVM_ATOMICS, 64, 0) == NULL);
	CHECK(clSVMAlloc(e.ctx, CL_MEM_SVM_ATOMICS | CL_MEM_READ_WRITE, 64,
			 0) == NULL);
	env_close(&e);
}

TEST(alloc_fine_grain_follows_caps)
{
	struct env e = env_open();
	cl_device_svm_capabilities caps = svm_caps(e.dev);
	const cl_svm_mem_flags fine = CL_MEM_SVM_FINE_GRAIN_BUFFER;
	int *p = clSVMAlloc(e.ctx, fine, 4096, 0);

	if (caps & CL_DEVICE_SVM_FINE_GRAIN_BUFFER) {
		CHECK(p != NULL);
		/* Fine grain: the host uses it without any map. */
		p[0] = 1;
		p[1023] = 2;
		CHECK_EQ(p[0] + p[1023], 3);
		CHECK_CL(migrate(e.q, p + 10, 100));
		clSVMFree(e.ctx, p);
	} else {
		CHECK(p == NULL);
	}
	/* Atomics are not reported, so never granted. */
	p = clSVMAlloc(e.ctx, fine | CL_MEM_SVM_ATOMICS, 4096, 0);
	if (caps & CL_DEVICE_SVM_ATOMICS)
		clSVMFree(e.ctx, p);
	else
		CHECK(p == NULL);
	env_close(&e);
}

TEST(alloc_size_rules)
{
	struct env e = env_open();
	cl_ulong m = max_alloc(e.dev);

	CHECK(clSVMAlloc(e.ctx, 0, 0, 0) == NULL);
	CHECK(m > 0);
	CHECK(clSVMAlloc(e.ctx, 0, (size_t)m + 1, 0) == NULL);
	CHECK(clSVMAlloc(e.ctx, 0, SIZE_MAX, 0) == NULL);
	env_close(&e);
}

TEST(alloc_alignment_rules)
{
	struct env e = env_open();
	cl_uint a;

	/* Every power of two up to the documented maximum (2 MiB). */
	for (a = 1; a <= (2u << 20); a <<= 1) {
		void *p = clSVMAlloc(e.ctx, 0, 100, a);

		CHECK(p != NULL);
		CHECK_EQ((uintptr_t)p % a, 0);
		clSVMFree(e.ctx, p);
	}
	/* Larger than what we support. */
	CHECK(clSVMAlloc(e.ctx, 0, 100, 4u << 20) == NULL);
	CHECK(clSVMAlloc(e.ctx, 0, 100, 0x80000000u) == NULL);
	/* Not a power of two. */
	CHECK(clSVMAlloc(e.ctx, 0, 100, 3) == NULL);
	CHECK(clSVMAlloc(e.ctx, 0, 100, 48) == NULL);
	CHECK(clSVMAlloc(e.ctx, 0, 100, 0xffffffffu) == NULL);
	env_close(&e);
}

TEST(alloc_invalid_context)
{
	struct env e = env_open();

	CHECK(clSVMAlloc(NULL, 0, 64, 0) == NULL);
	/* A valid object of another type. */
	CHECK(clSVMAlloc((cl_context)e.q, 0, 64, 0) == NULL);
	env_close(&e);
}

TEST(free_ignores_foreign_pointers)
{
	struct env e = env_open();
	char *p = clSVMAlloc(e.ctx, 0, 256, 0);
	char *heap = malloc(64);
	char stack[16];

	CHECK(p && heap);
	clSVMFree(e.ctx, NULL);
	/* Not from clSVMAlloc: ignored, never handed to free(). */
	clSVMFree(e.ctx, heap);
	clSVMFree(e.ctx, stack);
	heap[63] = 1;
	free(heap);
	/* An interior pointer is not an allocation either. */
	clSVMFree(e.ctx, p + 1);
	CHECK_CL(migrate(e.q, p, 256));
	/* Invalid context: ignored, the allocation lives on. */
	clSVMFree(NULL, p);
	clSVMFree((cl_context)e.q, p);
	CHECK_CL(migrate(e.q, p, 256));
	clSVMFree(e.ctx, p);
	CHECK_ERR(migrate(e.q, p, 0), CL_INVALID_VALUE);
	/* A second free of the same pointer is ignored. */
	clSVMFree(e.ctx, p);
	(void)stack;
	env_close(&e);
}

TEST(free_needs_the_owning_context)
{
	struct env a = env_open(), b = env_open();
	char *p = clSVMAlloc(a.ctx, 0, 256, 0);

	CHECK(p != NULL);
	/* The pointer belongs to a's context only. */
	clSVMFree(b.ctx, p);
	CHECK_ERR(migrate(b.q, p, 0), CL_INVALID_VALUE);
	CHECK_CL(migrate(a.q, p, 0));
	clSVMFree(a.ctx, p);
	env_close(&a);
	env_close(&b);
}

TEST(context_release_frees_leftovers)
{
	/* Allocations the application never freed go with their context;
	 * LeakSanitizer (HMMCL_SANITIZE) reports them otherwise. */
	struct env e = env_open();
	int i;

	for (i = 0; i < 100; i++)
		CHECK(clSVMAlloc(e.ctx, 0, 1000 + i, 0) != NULL);
	env_close(&e);
	e = env_open();
	void *p = clSVMAlloc(e.ctx, 0, 64, 0);
	CHECK(p != NULL);
	clSVMFree(e.ctx, p);
	env_close(&e);
}

/* ---- the table with thousands of entries ---- */

#define MANY 4000

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* Checks the lookup at the first, an interior and the last byte, and
 * just past the end. */
static void check_lookup(cl_command_queue q, unsigned char *p, size_t n)
{
	CHECK_CL(migrate(q, p, n));
	CHECK_CL(migrate(q, p + n / 2, n - n / 2));
	CHECK_CL(migrate(q, p + n - 1, 1));
	CHECK_ERR(migrate(q, p, n + 1), CL_INVALID_VALUE);
	CHECK_ERR(migrate(q, p + n - 1, 2), CL_INVALID_VALUE);
}

TEST(table_thousands_of_allocations)
{
	struct env e = env_open();
	static unsigned char *p[MANY];
	static size_t n[MANY];
	static uintptr_t sorted[MANY];
	unsigned s = 42, i;

	for (i = 0; i < MANY; i++) {
		n[i] = 1 + rnd(&s) % 3000;
		p[i] = clSVMAlloc(e.ctx, 0, n[i], 1u << (rnd(&s) % 13));
		CHECK(p[i] != NULL);
		sorted[i] = (uintptr_t)p[i];
	}
	/* Distinct bases. */
	qsort(sorted, MANY, sizeof(sorted[0]), cmp_ptr);
	for (i = 1; i < MANY; i++)
		CHECK(sorted[i] != sorted[i - 1]);
	for (i = 0; i < MANY; i++)
		check_lookup(e.q, p[i], n[i]);
	/* Free every other one, in a scrambled order. */
	for (i = 0; i < MANY; i += 2) {
		unsigned j = (i * 7919u) % MANY & ~1u;

		if (p[j]) {
			clSVMFree(e.ctx, p[j]);
			p[j] = NULL;
		}
	}
	for (i = 0; i < MANY; i++)
		if (p[i])
			check_lookup(e.q, p[i], n[i]);
	for (i = 0; i < MANY; i++)
		clSVMFree(e.ctx, p[i]);
	env_close(&e);
}

TEST(table_rules_for_host_ranges)
{
	struct env e = env_open();
	unsigned char *a = clSVMAlloc(e.ctx, 0, 4096, 4096);
	unsigned char *b = clSVMAlloc(e.ctx, 0, 4096, 4096);
	char *heap = malloc(4096);

	CHECK(a && b && heap);
	/* Plain host memory is shared too (fine-grain system SVM), but only
	 * an explicit size says how much of it. */
	CHECK_CL(migrate(e.q, heap, 16));
	CHECK_ERR(migrate(e.q, heap, 0), CL_INVALID_VALUE);
	/* A range that starts in an allocation may not run out of it, into
	 * the next. */
	if (b == a + 4096)
		CHECK_ERR(migrate(e.q, a + 4000, 200), CL_INVALID_VALUE);
	/* The byte before an allocation is host memory, not the allocation. */
	CHECK_CL(migrate(e.q, a - 1, 1));
	CHECK_ERR(migrate(e.q, a - 1, 0), CL_INVALID_VALUE);
	free(heap);
	clSVMFree(e.ctx, a);
	clSVMFree(e.ctx, b);
	env_close(&e);
}

/* ---- concurrency ---- */

#define THREADS 8
#define ROUNDS 1500

struct worker {
	struct env *e;
	unsigned id;
	int failures;
};

static int worker_round(struct worker *w, unsigned *s)
{
	unsigned char *p[4];
	size_t n[4];
	int i, bad = 0;
	size_t k;

	for (i = 0; i < 4; i++) {
		n[i] = 1 + rnd(s) % 2048;
		p[i] = clSVMAlloc(w->e->ctx, 0, n[i], 0);
		if (!p[i])
			return 1;
		memset(p[i], (int)(w->id * 4 + i), n[i]);
	}
	for (i = 0; i < 4; i++) {
		const void *ptr = p[i] + n[i] - 1;
		size_t one = 1;

		/* Another thread's allocation never covers ours. */
		for (k = 0; k < n[i]; k++)
			bad |= p[i][k] != (unsigned char)(w->id * 4 + i);
		bad |= clEnqueueSVMMigrateMem(w->e->q, 1, &ptr, &one, 0, 0,
					      NULL, NULL) != CL_SUCCESS;
		one = 2;
		bad |= clEnqueueSVMMigrateMem(w->e->q, 1, &ptr, &one, 0, 0,
					      NULL, NULL) != CL_INVALID_VALUE;
	}
	for (i = 0; i < 4; i++)
		clSVMFree(w->e->ctx, p[i]);
	return bad;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned s = w->id + 1;
	int r;

	for (r = 0; r < ROUNDS; r++)
		w->failures += worker_round(w, &s);
	return NULL;
}

TEST(threads_allocate_and_free_concurrently)
{
	struct env e = env_open();
	pthread_t t[THREADS];
	struct worker w[THREADS];
	unsigned i;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){&e, i, 0};
		CHECK_EQ(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < THREADS; i++) {
		CHECK_EQ(pthread_join(t[i], NULL), 0);
		CHECK_EQ(w[i].failures, 0);
	}
	env_close(&e);
}
