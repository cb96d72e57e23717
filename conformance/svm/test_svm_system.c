/* Fine-grain system SVM: kernels dereference plain host pointers (malloc,
 * stack, static data) given with clSetKernelArgSVMPointer or stored inside
 * data; a malloc'ed linked list is walked by a kernel; host and device
 * write neighbouring bytes of one buffer at the same time; malloc ranges
 * migrate page-exact (inward rounding) with exact statistics; and the
 * CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM flag behaves as the spec says.
 * Cases that need fine-grain system SVM skip when the device does not
 * report it. */
#include "svm_util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

static const char *src =
    "kernel void vadd(global const int *a, global const int *b,\n"
    "		  global int *c)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	c[i] = a[i] + b[i];\n"
    "}\n"
    "typedef struct table {\n"
    "	global const int *src;\n"
    "	global int *dst;\n"
    "	int scale;\n"
    "} table;\n"
    "kernel void via_table(global const table *t, int ntables)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	for (int k = 0; k < ntables; k++)\n"
    "		t[k].dst[i] = t[k].src[i] * t[k].scale;\n"
    "}\n"
    "kernel void even_bytes(global uchar *buf, int rounds,\n"
    "			 global atomic_int *go)\n"
    "{\n"
    "	size_t i = get_global_id(0);\n"
    "	volatile global uchar *b = buf;\n"
    "	if (i == 0) /* bounded far beyond the test's timeout */\n"
    "		for (long s = 0; s < (1L << 38); s++)\n"
    "			if (atomic_load_explicit(go, memory_order_acquire,\n"
    "					memory_scope_all_svm_devices))\n"
    "				break;\n"
    "	for (int r = 0; r < rounds; r++)\n"
    "		b[2 * i] = (uchar)(i + r);\n"
    "}\n";

/* Pointer chasing in a program of its own: its mirrored variant is built
 * only by the cases that need it. */
static const char *list_src =
    "typedef struct node {\n"
    "	long value;\n"
    "	global struct node *next;\n"
    "} node;\n"
    "kernel void walk(global const node *head, global long *sum,\n"
    "		  global long *nth)\n"
    "{\n"
    "	size_t i = get_global_id(0), pos = 0;\n"
    "	long s = 0;\n"
    "	global const node *p = head;\n"
    "	for (; p && pos < i; p = p->next, pos++)\n"
    "		;\n"
    "	nth[i] = p ? p->value : -1;\n"
    "	if (i == 0) {\n"
    "		for (p = head; p; p = p->next)\n"
    "			s += p->value;\n"
    "		sum[0] = s;\n"
    "	}\n"
    "}\n";

struct fix {
	struct svm_env e;
	cl_program prog;
};

static int has_caps(struct svm_env *e, cl_device_svm_capabilities want)
{
	cl_device_svm_capabilities caps = 0;

	CHECK_CL(clGetDeviceInfo(e->dev[0], CL_DEVICE_SVM_CAPABILITIES,
				 sizeof(caps), &caps, NULL));
	return (caps & want) == want;
}

/* A fixture on device 0; skips unless the device reports want. */
static struct fix setup(cl_device_svm_capabilities want)
{
	struct fix f;
	cl_int err;

	f.e = svm_open(1);
	if (!has_caps(&f.e, want))
		SKIP("the device does not report the SVM capabilities "
		     "%#llx this case needs",
		     (unsigned long long)want);
	f.prog = clCreateProgramWithSource(f.e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(
	    clBuildProgram(f.prog, 1, f.e.dev, "-cl-std=CL3.0", NULL, NULL));
	return f;
}

static void teardown(struct fix *f)
{
	CHECK_CL(clReleaseProgram(f->prog));
	svm_close(&f->e);
}

static cl_kernel kernel(struct fix *f, const char *name)
{
	cl_int err;
	cl_kernel k = clCreateKernel(f->prog, name, &err);

	CHECK_CL(err);
	return k;
}

/* Runs k on n items and waits; returns the event's final status. */
static cl_int run(struct fix *f, cl_kernel k, size_t n)
{
	cl_event ev;
	cl_int st;

	CHECK_CL(clEnqueueNDRangeKernel(f->e.q[0], k, 1, NULL, &n, NULL, 0,
					NULL, &ev));
	clWaitForEvents(1, &ev);
	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	CHECK_CL(clReleaseEvent(ev));
	return st;
}

/* c = a + b through three host pointers of any kind. */
static void vadd_on(struct fix *f, const int *a, const int *b, int *c, size_t n)
{
	cl_kernel k = kernel(f, "vadd");
	size_t i;

	CHECK_CL(clSetKernelArgSVMPointer(k, 0, a));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, b));
	CHECK_CL(clSetKernelArgSVMPointer(k, 2, c));
	CHECK_EQ(run(f, k, n), CL_COMPLETE);
	for (i = 0; i < n; i++)
		if (c[i] != a[i] + b[i])
			CHECK_EQ(c[i], a[i] + b[i]);
	CHECK_CL(clReleaseKernel(k));
}

static void fill_ints(int *p, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (int)(i * 31) + seed;
}

TEST(malloc_pointers_as_kernel_args)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	size_t n = 100003; /* not a page multiple: the tail page is shared */
	int *a = malloc(n * 4), *b = malloc(n * 4), *c = malloc(n * 4);

	CHECK(a && b && c);
	fill_ints(a, n, 1);
	fill_ints(b, n, -7);
	memset(c, 0xff, n * 4);
	vadd_on(&f, a, b, c, n);
	free(a);
	free(b);
	free(c);
	teardown(&f);
}

TEST(stack_pointers_as_kernel_args)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	int a[3000], b[3000], c[3000];

	fill_ints(a, 3000, 5);
	fill_ints(b, 3000, 11);
	memset(c, 0, sizeof(c));
	vadd_on(&f, a, b, c, 3000);
	teardown(&f);
}

/* Initialised (.data, a private file mapping) and zeroed (.bss) statics. */
static int data_in[4096] = {1, 2, 3, 4, 5, 6, 7, 8};
static int bss_in[4096], bss_out[4096];

TEST(static_pointers_as_kernel_args)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);

	fill_ints(data_in, 4096, 3);
	fill_ints(bss_in, 4096, 100);
	vadd_on(&f, data_in, bss_in, bss_out, 4096);
	teardown(&f);
}

/* System pointers stored inside data the kernel receives: a malloc'ed
 * table, and a fine-grain SVM buffer, holding malloc, stack and static
 * pointers. No CL_KERNEL_EXEC_INFO_SVM_PTRS is needed for system memory. */
struct table {
	const int *src;
	int *dst;
	cl_int scale;
};

static void via_table(struct fix *f, struct table *t, int ntables, size_t n)
{
	cl_kernel k = kernel(f, "via_table");

	CHECK_CL(clSetKernelArgSVMPointer(k, 0, t));
	CHECK_CL(clSetKernelArg(k, 1, sizeof(ntables), &ntables));
	CHECK_EQ(run(f, k, n), CL_COMPLETE);
	for (int j = 0; j < ntables; j++)
		for (size_t i = 0; i < n; i++)
			if (t[j].dst[i] != t[j].src[i] * t[j].scale)
				CHECK_EQ(t[j].dst[i], t[j].src[i] * t[j].scale);
	CHECK_CL(clReleaseKernel(k));
}

TEST(pointers_stored_inside_data)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	const size_t n = 2048;
	int stack_src[2048], *heap_src = malloc(n * 4), *heap_dst[3];
	struct table *ht = malloc(3 * sizeof(*ht)), *st;

	CHECK(heap_src && ht);
	fill_ints(stack_src, n, 9);
	fill_ints(heap_src, n, -50);
	fill_ints(bss_in, n, 77);
	for (int j = 0; j < 3; j++) {
		heap_dst[j] = calloc(n, 4);
		CHECK(heap_dst[j] != NULL);
	}
	ht[0] = (struct table){stack_src, heap_dst[0], 3};
	ht[1] = (struct table){heap_src, heap_dst[1], -2};
	ht[2] = (struct table){bss_in, heap_dst[2], 5};
	via_table(&f, ht, 3, n);

	/* The same table inside a fine-grain SVM buffer. */
	st = clSVMAlloc(f.e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER, 3 * sizeof(*st),
			0);
	CHECK(st != NULL);
	memcpy(st, ht, 3 * sizeof(*st));
	st[0].scale = 7;
	for (int j = 0; j < 3; j++)
		memset(heap_dst[j], 0, n * 4);
	via_table(&f, st, 3, n);
	clSVMFree(f.e.ctx, st);
	for (int j = 0; j < 3; j++)
		free(heap_dst[j]);
	free(heap_src);
	free(ht);
	teardown(&f);
}

struct node {
	cl_long value;
	struct node *next;
};

/* A list of malloc'ed nodes, walked by every work-item (item i reports
 * node i) and summed by item 0. With on_device, the pages holding the
 * nodes move to the device first (the kernel then runs the mirrored
 * variant and follows pointers into device memory). */
static void walk_list(int on_device)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	const size_t n = 3000;
	/* One block for all nodes, so that its pages can move at once;
	 * the links still run back to front across it. */
	struct node *pool = malloc(n * sizeof(*pool) + PAGE), *head = NULL;
	cl_long sum = 0, want = 0, *nth = malloc((n + 5) * sizeof(cl_long));
	cl_svm_statistics_hmm s0, s1;
	cl_program prog;
	cl_kernel k;
	cl_int err, st;
	size_t i;

	CHECK(pool && nth);
	prog = clCreateProgramWithSource(f.e.ctx, 1, &list_src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 1, f.e.dev, "", NULL, NULL));
	k = clCreateKernel(prog, "walk", &err);
	CHECK_CL(err);
	for (i = 0; i < n; i++) {
		struct node *nd = &pool[(i * 7) % n]; /* scattered */

		nd->value = (cl_long)i * 1000003 + 17;
		nd->next = head;
		head = nd;
		want += nd->value;
	}
	s0 = svm_stats(&f.e, 0);
	if (on_device) {
		svm_require_migration();
		svm_migrate(&f.e, 0, pool, n * sizeof(*pool), 0);
		CHECK(svm_stats(&f.e, 0).pages_to_device > s0.pages_to_device);
	}
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, head));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, &sum));
	CHECK_CL(clSetKernelArgSVMPointer(k, 2, nth));
	st = run(&f, k, n + 5); /* 5 items past the end */
	CHECK_EQ(st, CL_COMPLETE);
	s1 = svm_stats(&f.e, 0);
	if (on_device)
		CHECK_DELTA(s0, s1, cpu_faults, 0);
	CHECK_EQ(sum, want);
	for (i = 0; i < n; i++) /* the head is the last node linked */
		CHECK_EQ(nth[i], (cl_long)(n - 1 - i) * 1000003 + 17);
	for (i = n; i < n + 5; i++)
		CHECK_EQ(nth[i], -1);
	free(pool);
	free(nth);
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	teardown(&f);
}

TEST(malloc_linked_list_walked_by_kernel)
{
	walk_list(0);
}

/* The mirrored variant of a one-block pointer-chasing loop (p = p->next)
 * once used a PHI that splitting its block had erased (invalid IR, at
 * times a crash in LLVMVerifyModule). */
TEST(malloc_linked_list_on_device_walked_by_kernel)
{
	walk_list(1);
}

static cl_int status_of(cl_event ev)
{
	cl_int st;

	CHECK_CL(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
				sizeof(st), &st, NULL));
	return st;
}

/* The kernel writes every even byte of buf `rounds` times while the host
 * writes every odd byte, pass after pass, until the kernel is done. Both
 * sides' last values must be there, byte for byte: no write of one side
 * may clobber the other's neighbouring byte (no read-modify-write of
 * words, no page copied over a newer one). The kernel's item 0 starts
 * only once the host has made its first pass (an SVM atomic flag in
 * memory of its own), so that at least that pass runs while the kernel
 * does, however the machine schedules them. */
static void byte_race(struct fix *f, unsigned char *buf, size_t bytes,
		      int rounds)
{
	cl_kernel k = kernel(f, "even_bytes");
	atomic_int *go = clSVMAlloc(
	    f->e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER | CL_MEM_SVM_ATOMICS,
	    sizeof(*go), 0);
	size_t half = bytes / 2, i;
	int pass = 0, during = 0;
	cl_event ev;
	cl_int st;

	CHECK(go != NULL);
	atomic_store(go, 0);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, buf));
	CHECK_CL(clSetKernelArg(k, 1, sizeof(rounds), &rounds));
	CHECK_CL(clSetKernelArgSVMPointer(k, 2, go));
	CHECK_CL(clEnqueueNDRangeKernel(f->e.q[0], k, 1, NULL, &half, NULL, 0,
					NULL, &ev));
	CHECK_CL(clFlush(f->e.q[0]));
	while ((st = status_of(ev)) > CL_RUNNING)
		; /* queued or submitted: not started yet */
	do {
		volatile unsigned char *v = buf;

		pass++;
		for (i = 0; i < half; i++)
			v[2 * i + 1] = (unsigned char)(i * 3 + pass);
		during += st == CL_RUNNING;
		atomic_store_explicit(go, 1, memory_order_release);
		st = status_of(ev);
	} while (st > CL_COMPLETE);
	CHECK_EQ(st, CL_COMPLETE);
	CHECK_CL(clReleaseEvent(ev));
	printf("%d host passes, %d of them began while the kernel ran\n", pass,
	       during);
	CHECK(during >= 1);
	for (i = 0; i < half; i++) {
		if (buf[2 * i] != (unsigned char)(i + rounds - 1))
			CHECK_EQ(buf[2 * i], (unsigned char)(i + rounds - 1));
		if (buf[2 * i + 1] != (unsigned char)(i * 3 + pass))
			CHECK_EQ(buf[2 * i + 1], (unsigned char)(i * 3 + pass));
	}
	clSVMFree(f->e.ctx, go);
	CHECK_CL(clReleaseKernel(k));
}

/* The start handshake needs SVM atomics; the bytes live in a plain
 * fine-grain buffer. */
#define RACE_CAPS (CL_DEVICE_SVM_FINE_GRAIN_BUFFER | CL_DEVICE_SVM_ATOMICS)
#define RACE_PAGES 16
#define RACE_ROUNDS 3000

TEST(byte_granular_concurrent_writes)
{
	struct fix f = setup(RACE_CAPS);
	unsigned char *buf = clSVMAlloc(f.e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER,
					RACE_PAGES * PAGE, 0);

	CHECK(buf != NULL);
	memset(buf, 0, RACE_PAGES * PAGE);
	byte_race(&f, buf, RACE_PAGES * PAGE, RACE_ROUNDS);
	clSVMFree(f.e.ctx, buf);
	teardown(&f);
}

/* The same with the buffer on the device first: the kernel writes device
 * memory while the host's writes fault pages back. */
TEST(byte_granular_concurrent_writes_migrated)
{
	struct fix f = setup(RACE_CAPS);
	unsigned char *buf = clSVMAlloc(f.e.ctx, CL_MEM_SVM_FINE_GRAIN_BUFFER,
					RACE_PAGES * PAGE, 0);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(buf != NULL);
	memset(buf, 0, RACE_PAGES * PAGE);
	s0 = svm_stats(&f.e, 0);
	svm_migrate(&f.e, 0, buf, 0, 0);
	byte_race(&f, buf, RACE_PAGES * PAGE, RACE_ROUNDS);
	s1 = svm_stats(&f.e, 0);
	CHECK(s1.pages_to_device - s0.pages_to_device >= RACE_PAGES);
	CHECK(s1.cpu_faults > s0.cpu_faults);
	CHECK(s1.device_faults > s0.device_faults);
	clSVMFree(f.e.ctx, buf);
	teardown(&f);
}

/* And on malloc memory migrated to the device (fine-grain system). */
TEST(byte_granular_concurrent_writes_malloc_migrated)
{
	struct fix f = setup(RACE_CAPS | CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	unsigned char *buf = malloc(RACE_PAGES * PAGE);
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(buf != NULL);
	memset(buf, 0, RACE_PAGES * PAGE);
	s0 = svm_stats(&f.e, 0);
	svm_migrate(&f.e, 0, buf, RACE_PAGES * PAGE, 0);
	s1 = svm_stats(&f.e, 0);
	/* malloc's header sits before buf: the first and last pages are
	 * partial and stay. */
	CHECK(s1.pages_to_device - s0.pages_to_device >= RACE_PAGES - 1);
	byte_race(&f, buf, RACE_PAGES * PAGE, RACE_ROUNDS);
	s1 = svm_stats(&f.e, 0);
	CHECK(s1.cpu_faults > s0.cpu_faults);
	free(buf);
	teardown(&f);
}

static void fill_bytes(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 13 + seed);
}

static void check_bytes(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 13 + seed))
			CHECK_EQ(p[i], (unsigned char)(i * 13 + seed));
}

static unsigned char *page_up(void *p)
{
	return (unsigned char *)(((uintptr_t)p + PAGE - 1) &
				 ~(uintptr_t)(PAGE - 1));
}

/* Small malloc blocks share pages with each other and with malloc's own
 * headers: a range that covers no whole page moves nothing, and every
 * block (and the heap) stays intact. */
TEST(malloc_range_without_whole_page_moves_nothing)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	unsigned char *blk[8];
	unsigned char *big = malloc(4 * PAGE), *mid;
	cl_svm_statistics_hmm s0, s1;
	int i;

	svm_require_migration();
	CHECK(big != NULL);
	for (i = 0; i < 8; i++) {
		blk[i] = malloc(200);
		CHECK(blk[i] != NULL);
		fill_bytes(blk[i], 200, (unsigned)i);
	}
	fill_bytes(big, 4 * PAGE, 99);
	mid = page_up(big + 1);
	s0 = svm_stats(&f.e, 0);
	for (i = 0; i < 8; i++)
		svm_migrate(&f.e, 0, blk[i], 200, 0);
	/* Straddles a page boundary, covers neither page whole. */
	svm_migrate(&f.e, 0, mid + PAGE - 100, 200, 0);
	/* One byte short of a whole page, at both ends. */
	svm_migrate(&f.e, 0, mid + 1, PAGE - 1, 0);
	svm_migrate(&f.e, 0, mid, PAGE - 1, 0);
	s1 = svm_stats(&f.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 0);
	CHECK_DELTA(s0, s1, bytes_to_device, 0);
	for (i = 0; i < 8; i++) {
		check_bytes(blk[i], 200, (unsigned)i);
		free(blk[i]);
	}
	check_bytes(big, 4 * PAGE, 99);
	CHECK_DELTA(s0, svm_stats(&f.e, 0), cpu_faults, 0);
	free(big);
	teardown(&f);
}

/* A range covering whole pages moves exactly those: pages_to_device and
 * bytes_to_device exact, the partial pages at both ends (with malloc's
 * headers and the neighbours' bytes) untouched and never faulting; each
 * moved page then faults back once (HMMCL_HMM_FAULT_AROUND=1) with its
 * data, and the heap is still consistent for free(). */
TEST(malloc_range_moves_exactly_its_whole_pages)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	unsigned char *before = malloc(100), *big = malloc(12 * PAGE),
		      *after = malloc(100), *start;
	cl_svm_statistics_hmm s0, s1;
	size_t lead;

	svm_require_migration();
	CHECK(before && big && after);
	fill_bytes(before, 100, 1);
	fill_bytes(big, 12 * PAGE, 2);
	fill_bytes(after, 100, 3);
	/* From 100 bytes into the first whole page, five pages long: pages
	 * 2, 3, 4 and 5 of the range are whole (four pages), the first and
	 * the last are partial. */
	start = page_up(big) + 100;
	lead = (size_t)(start - big);
	s0 = svm_stats(&f.e, 0);
	svm_migrate(&f.e, 0, start, 5 * PAGE, 0);
	s1 = svm_stats(&f.e, 0);
	CHECK_DELTA(s0, s1, pages_to_device, 4);
	CHECK_DELTA(s0, s1, bytes_to_device, 4 * PAGE);
	/* The partial pages and the neighbours are still in system memory. */
	check_bytes(before, 100, 1);
	check_bytes(after, 100, 3);
	check_bytes(big, lead + PAGE - 100, 2);
	check_bytes(big + lead + 5 * PAGE - 100,
		    12 * PAGE - lead - 5 * PAGE + 100,
		    (unsigned)(2 + 13 * (lead + 5 * PAGE - 100)));
	CHECK_DELTA(s0, svm_stats(&f.e, 0), cpu_faults, 0);
	/* The moved pages fault back one by one with their data. */
	check_bytes(big, 12 * PAGE, 2);
	s1 = svm_stats(&f.e, 0);
	CHECK_DELTA(s0, s1, cpu_faults, 4);
	CHECK_DELTA(s0, s1, pages_to_host, 4);
	CHECK_DELTA(s0, s1, bytes_to_host, 4 * PAGE);
	free(before);
	free(big);
	free(after);
	teardown(&f);
}

/* Migrated malloc pages come home with CL_MIGRATE_MEM_OBJECT_HOST: no CPU
 * fault, exact counters; a kernel on them meanwhile reads device memory
 * and takes no CPU fault either. */
TEST(malloc_pages_to_device_kernel_and_back)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	size_t n = 16 * PAGE / sizeof(int);
	int *raw = malloc(17 * PAGE + 64), *a, *b = malloc(n * 4),
	    *c = malloc(n * 4);
	cl_kernel k = kernel(&f, "vadd");
	cl_svm_statistics_hmm s0, s1;

	svm_require_migration();
	CHECK(raw && b && c);
	a = (int *)page_up(raw);
	fill_ints(a, n, 4);
	fill_ints(b, n, 8);
	s0 = svm_stats(&f.e, 0);
	svm_migrate(&f.e, 0, a, n * 4, 0);
	CHECK_DELTA(s0, svm_stats(&f.e, 0), pages_to_device, 16);
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, a));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, b));
	CHECK_CL(clSetKernelArgSVMPointer(k, 2, c));
	CHECK_EQ(run(&f, k, n), CL_COMPLETE);
	s1 = svm_stats(&f.e, 0);
	CHECK_DELTA(s0, s1, cpu_faults, 0);
	CHECK(s1.device_faults - s0.device_faults >= 16);
	svm_migrate(&f.e, 0, a, n * 4, CL_MIGRATE_MEM_OBJECT_HOST);
	s1 = svm_stats(&f.e, 0);
	CHECK_DELTA(s0, s1, pages_to_host, 16);
	CHECK_DELTA(s0, s1, bytes_to_host, 16 * PAGE);
	for (size_t i = 0; i < n; i++)
		if (c[i] != a[i] + b[i])
			CHECK_EQ(c[i], a[i] + b[i]);
	CHECK_DELTA(s0, svm_stats(&f.e, 0), cpu_faults, 0);
	CHECK_CL(clReleaseKernel(k));
	free(raw);
	free(b);
	free(c);
	teardown(&f);
}

/* Heap memory freed while device-resident, then handed out again: the
 * kernel sees the new contents, not the device's stale copy. */
TEST(malloc_freed_on_device_then_reused)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	const size_t bytes = 64 * PAGE; /* above glibc's mmap threshold */
	size_t n = bytes / sizeof(int);
	int *a = malloc(bytes), *b = calloc(n, 4), *c = malloc(n * 4);

	svm_require_migration();
	CHECK(a && b && c);
	fill_ints(a, n, 1000);
	svm_migrate(&f.e, 0, a, bytes, 0);
	free(a);
	a = malloc(bytes); /* often the very same addresses */
	CHECK(a != NULL);
	fill_ints(a, n, -5);
	vadd_on(&f, a, b, c, n);
	free(a);
	free(b);
	free(c);
	teardown(&f);
}

/* Two devices: a malloc range moves device 0 -> device 1 (both hops
 * counted), the host then faults it home from device 1. */
TEST(malloc_pages_device_to_device)
{
	struct svm_env e = svm_open(2);
	unsigned char *raw = malloc(9 * PAGE), *p;
	cl_svm_statistics_hmm a0, a1, b0, b1;
	cl_device_svm_capabilities caps = 0;

	CHECK_CL(clGetDeviceInfo(e.dev[1], CL_DEVICE_SVM_CAPABILITIES,
				 sizeof(caps), &caps, NULL));
	if (!(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM))
		SKIP("device 1 does not report fine-grain system SVM");
	svm_require_migration();
	CHECK(raw != NULL);
	p = page_up(raw);
	fill_bytes(p, 8 * PAGE, 21);
	a0 = svm_stats(&e, 0);
	a1 = svm_stats(&e, 1);
	svm_migrate(&e, 0, p, 8 * PAGE, 0);
	svm_migrate(&e, 1, p, 8 * PAGE, 0);
	b0 = svm_stats(&e, 0);
	b1 = svm_stats(&e, 1);
	CHECK_DELTA(a0, b0, pages_to_device, 8);
	CHECK_DELTA(a0, b0, pages_to_host, 8);
	CHECK_DELTA(a1, b1, pages_to_device, 8);
	check_bytes(p, 8 * PAGE, 21);
	CHECK_DELTA(a1, svm_stats(&e, 1), cpu_faults, 8);
	CHECK_DELTA(b0, svm_stats(&e, 0), cpu_faults, 0);
	free(raw);
	svm_close(&e);
}

/* CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM (OpenCL 3.0, clSetKernelExecInfo
 * and its note): CL_FALSE "indicates that the OpenCL implementation may
 * assume that system pointers are not passed as kernel arguments and are
 * not stored inside SVM allocations passed as kernel arguments". That is a
 * permission to assume, not an error the spec defines: clSetKernelArgSVMPointer
 * lists no error for it and clEnqueueNDRangeKernel fails with
 * CL_INVALID_OPERATION only for CL_TRUE on a device without system SVM.
 * hmmcl's device reaches every host address whatever the flag says, so
 * the call succeeds and the kernel still computes the right result.
 * CL_INVALID_OPERATION is for CL_TRUE on a context without system SVM; a
 * size other than sizeof(cl_bool) is CL_INVALID_VALUE. */
TEST(exec_info_fine_grain_system_false_then_malloc_arg)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	cl_kernel k = kernel(&f, "vadd");
	cl_bool no = CL_FALSE, yes = CL_TRUE;
	size_t n = 5000;
	int *a = malloc(n * 4), *b = malloc(n * 4), *c = calloc(n, 4);

	CHECK(a && b && c);
	fill_ints(a, n, 2);
	fill_ints(b, n, 3);
	CHECK_ERR(clSetKernelExecInfo(k,
				      CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				      sizeof(cl_bool) + 1, &no),
		  CL_INVALID_VALUE);
	CHECK_ERR(clSetKernelExecInfo(k,
				      CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
				      sizeof(no), NULL),
		  CL_INVALID_VALUE);
	CHECK_CL(clSetKernelExecInfo(
	    k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(no), &no));
	CHECK_CL(clSetKernelArgSVMPointer(k, 0, a));
	CHECK_CL(clSetKernelArgSVMPointer(k, 1, b));
	CHECK_CL(clSetKernelArgSVMPointer(k, 2, c));
	CHECK_EQ(run(&f, k, n), CL_COMPLETE);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(c[i], a[i] + b[i]);
	/* Back to CL_TRUE (the device has system SVM): accepted. */
	CHECK_CL(clSetKernelExecInfo(
	    k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes), &yes));
	memset(c, 0, n * 4);
	CHECK_EQ(run(&f, k, n), CL_COMPLETE);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(c[i], a[i] + b[i]);
	CHECK_CL(clReleaseKernel(k));
	free(a);
	free(b);
	free(c);
	teardown(&f);
}

/* Without fine-grain system SVM, CL_TRUE is CL_INVALID_OPERATION and a
 * malloc pointer is no SVM pointer (CL_INVALID_ARG_VALUE); with it, the
 * case above runs. One of the two always runs. */
TEST(exec_info_fine_grain_system_true_needs_the_capability)
{
	struct svm_env e = svm_open(1);
	cl_bool yes = CL_TRUE;
	cl_program prog;
	cl_kernel k;
	cl_int err;
	int *a = malloc(64);

	CHECK(a != NULL);
	prog = clCreateProgramWithSource(e.ctx, 1, &src, NULL, &err);
	CHECK_CL(err);
	CHECK_CL(clBuildProgram(prog, 1, e.dev, "-cl-std=CL3.0", NULL, NULL));
	k = clCreateKernel(prog, "vadd", &err);
	CHECK_CL(err);
	if (has_caps(&e, CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		CHECK_CL(clSetKernelExecInfo(
		    k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM, sizeof(yes),
		    &yes));
		CHECK_CL(clSetKernelArgSVMPointer(k, 0, a));
	} else {
		CHECK_ERR(clSetKernelExecInfo(
			      k, CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM,
			      sizeof(yes), &yes),
			  CL_INVALID_OPERATION);
		CHECK_ERR(clSetKernelArgSVMPointer(k, 0, a),
			  CL_INVALID_ARG_VALUE);
	}
	CHECK_CL(clReleaseKernel(k));
	CHECK_CL(clReleaseProgram(prog));
	free(a);
	svm_close(&e);
}

/* Initialised statics live in a private file mapping that cannot move
 * here: the migration is a hint that completes, moves nothing, and the
 * kernel still reads the data in place. */
static int data_pages[3 * PAGE / sizeof(int)]
    __attribute__((aligned(PAGE))) = {42};

TEST(static_data_range_migration_is_a_hint)
{
	struct fix f = setup(CL_DEVICE_SVM_FINE_GRAIN_SYSTEM);
	size_t n = sizeof(data_pages) / sizeof(int);
	int *b = calloc(n, 4), *c = malloc(n * 4);
	cl_svm_statistics_hmm s0;

	svm_require_migration();
	CHECK(b && c);
	fill_ints(data_pages, n, 6);
	s0 = svm_stats(&f.e, 0);
	svm_migrate(&f.e, 0, data_pages, sizeof(data_pages), 0);
	/* Whatever moved (nothing on the user backend) comes back intact. */
	vadd_on(&f, data_pages, b, c, n);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(data_pages[i], (int)(i * 31) + 6);
	CHECK_EQ(svm_stats(&f.e, 0).pages_to_device - s0.pages_to_device,
		 svm_stats(&f.e, 0).pages_to_host - s0.pages_to_host);
	free(b);
	free(c);
	teardown(&f);
}
