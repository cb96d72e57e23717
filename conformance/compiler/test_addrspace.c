/* to_global/to_local/to_private/get_fence are exact (kernel ABI 2): every
 * pointer of a kernel is classified in each execution mode (work-group
 * loop, work-item loops across barriers, one fiber per item), including
 * the far end of a 32 KiB __local array, the last byte of a __local
 * argument, private arrays and scalars (also across a barrier), and
 * global buffers placed right next to the memory that holds private
 * objects: an application stack buffer, both sides of a thread stack,
 * both sides of the engine's fiber stacks. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cc_util.h"
#include "engine.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* cls() answers 4 bits per pointer, each 1 when that builtin gave the
 * exact expected result for the pointer's kind (0 NULL, 1 global,
 * 2 local, 3 private). Pointer 8 is taken before the barrier. */
static const char *src =
    "uint cls(generic char *p, int kind)\n"
    "{\n"
    "  uint r = 0;\n"
    "  r |= ((ulong)to_global(p) == (kind == 1 ? (ulong)p : 0)) << 0;\n"
    "  r |= ((ulong)to_local(p) == (kind == 2 ? (ulong)p : 0)) << 1;\n"
    "  r |= ((ulong)to_private(p) == (kind == 3 ? (ulong)p : 0)) << 2;\n"
    "  r |= (get_fence(p) == (kind == 2 ? CLK_LOCAL_MEM_FENCE\n"
    "                                   : CLK_GLOBAL_MEM_FENCE)) << 3;\n"
    "  return r;\n"
    "}\n"
    "#define C(n, p, kind) m |= (ulong)cls((generic char *)(p), kind) << "
    "(4 * (n))\n"
    "kernel void k(global ulong *out, local int *la, ulong la_bytes,\n"
    "              global char *near, ulong near_bytes)\n"
    "{\n"
    "  local int big[BIG];\n"
    "  int arr[NP];\n"
    "  size_t l = get_local_id(0), i = get_global_id(0);\n"
    "  for (int k = 0; k < NP; k++) arr[k] = (int)(k + l);\n"
    "  big[BIG - 1 - l % 16] = (int)l;\n"
    "  la[l % (la_bytes / 4)] = (int)l;\n"
    "  generic int *pp = &arr[NP - 1 - l % NP];\n"
    "#if BARRIER\n"
    "  barrier(CLK_LOCAL_MEM_FENCE);\n"
    "#endif\n"
    "  int scalar = arr[l % NP] + big[BIG - 1 - l % 16];\n"
    "  ulong m = 0;\n"
    "  C(0, 0, 0);\n"
    "  C(1, &big[8192 + l % 16], 2);\n"
    "  C(2, (local char *)big + sizeof(big) - 1 - l % 16 * 4, 2);\n"
    "  C(3, la, 2);\n"
    "  C(4, (local char *)la + la_bytes - 1, 2);\n"
    "  C(5, &arr[l % NP], 3);\n"
    "  C(6, (private char *)arr + sizeof(arr) - 1, 3);\n"
    "  C(7, &scalar, 3);\n"
    "  C(8, pp, 3);\n"
    "  C(9, near, 1);\n"
    "  C(10, near + near_bytes - 1, 1);\n"
    "  C(11, &out[3 * i], 1);\n"
    "  m |= (ulong)(*pp == (int)(NP - 1 - l % NP + l) && scalar >= 0) << 48;\n"
    "  out[3 * i] = m;\n"
    "  out[3 * i + 1] = (ulong)arr;\n"
    "  out[3 * i + 2] = (ulong)&scalar;\n"
    "}\n";

#define ALL_OK ((1ull << 49) - 1)
#define LA_BYTES 4096
enum mode { LOOP, FISSION, FIBERS };

struct kern {
	hx_cprog *p;
	hx_kernel_code kc;
};

/* np: ints in the private array; a barrier kernel with a large one keeps
 * one fiber per item (its work-item loop context would be too big). */
static struct kern build(enum mode mode, int np)
{
	char opts[128];
	struct kern k;

	if (mode == FIBERS && np <= 64)
		setenv("HMMCL_FISSION", "0", 1);
	snprintf(opts, sizeof(opts), "-cl-std=CL3.0 -DBIG=8208 -DNP=%d %s", np,
		 mode == LOOP ? "-DBARRIER=0" : "-DBARRIER=1");
	k.p = cc_build(src, opts);
	k.kc = cc_code(k.p, "k", 0);
	CHECK_EQ(!!(k.kc.flags & HX_CODE_PER_ITEM), mode == FIBERS);
	CHECK(k.kc.local_static >= 8208 * 4);
	return k;
}

/* Runs the kernel, checks every item's bits; out gets 3 words per item. */
static void run_on(hx_engine *e, const struct kern *k, char *near,
		   uint64_t near_bytes, uint64_t global, uint64_t local,
		   uint64_t *out)
{
	uint64_t off = (k->kc.local_static + 127) & ~127ull, lab = LA_BYTES;
	void *args[5] = {&out, &off, &lab, &near, &near_bytes};
	hx_ndrange nd = {0};
	struct hx_launch l = {0};
	struct hx_run_result res;

	nd.work_dim = 1;
	for (int d = 0; d < 3; d++)
		nd.global_size[d] = nd.local_size[d] = 1;
	nd.global_size[0] = global;
	nd.local_size[0] = local;
	CHECK_CL(hx_ndrange_finish(&nd));
	l.code = &k->kc;
	l.args = args;
	l.nd = &nd;
	l.local_bytes = off + LA_BYTES;
	memset(out, 0, 3 * global * sizeof(*out));
	CHECK_CL(hx_engine_run(e, &l, &res));
	CHECK_EQ(res.error, HX_RUN_OK);
	for (uint64_t i = 0; i < global; i++) {
		if (out[3 * i] != ALL_OK)
			printf("item %llu: bits %#llx (4 per pointer, 0 = "
			       "wrong), private at %#llx, near %p\n",
			       (unsigned long long)i,
			       (unsigned long long)out[3 * i],
			       (unsigned long long)out[3 * i + 1], near);
		CHECK_EQ(out[3 * i], ALL_OK);
	}
}

static hx_engine *engine(unsigned threads)
{
	hx_engine *e = hx_engine_create(threads);

	CHECK(e != NULL);
	return e;
}

/* An ordinary heap buffer, several groups on every engine thread. */
static void heap_case(enum mode mode, int np)
{
	enum { N = 512, WG = 64 };
	struct kern k = build(mode, np);
	hx_engine *e = engine(0);
	uint64_t *out = malloc(3 * N * sizeof(*out));
	char *near = malloc(256);

	for (int rep = 0; rep < 3; rep++)
		run_on(e, &k, near, 256, N, WG, out);
	free(near);
	free(out);
	hx_engine_destroy(e);
	hx_compiler_release(k.p);
}

TEST(loop_mode)
{
	heap_case(LOOP, 16);
}

TEST(fission_private_array_across_barrier)
{
	if (!cc_fission_on())
		SKIP("HMMCL_FISSION=0");
	heap_case(FISSION, 8);
}

TEST(fibers_fission_off)
{
	heap_case(FIBERS, 8);
}

TEST(fibers_large_private_array)
{
	heap_case(FIBERS, 512);
}

/* Fine-grained system SVM: a buffer in the calling thread's own frames is
 * global memory for the kernel, although the thread runs the groups on
 * the same stack a few KiB below it (one engine thread: the caller). */
static void host_stack_case(enum mode mode, int np)
{
	enum { N = 64, WG = 32 };
	struct kern k = build(mode, np);
	hx_engine *e = engine(1);
	uint64_t out[3 * N];
	char near[512];

	run_on(e, &k, near, sizeof(near), N, WG, out);
	hx_engine_destroy(e);
	hx_compiler_release(k.p);
}

TEST(loop_mode_host_stack_buffer)
{
	host_stack_case(LOOP, 16);
}

TEST(fission_host_stack_buffer)
{
	if (!cc_fission_on())
		SKIP("HMMCL_FISSION=0");
	host_stack_case(FISSION, 8);
}

/* A thread whose stack is one part of a mapping [below | stack | above]:
 * buffers touching the stack on both sides are global. */
enum { TSTACK = 1 << 20, SIDE = 64 * 1024 };

struct tharg {
	const struct kern *k;
	char *map;
};

static void *stack_thread(void *arg)
{
	enum { N = 64, WG = 64 };
	struct tharg *t = arg;
	const struct kern *k = t->k;
	hx_engine *e = engine(1);
	uint64_t *out = malloc(3 * N * sizeof(*out));

	run_on(e, k, t->map + SIDE + TSTACK, SIDE, N, WG, out); /* above */
	run_on(e, k, t->map, SIDE, N, WG, out);			/* below */
	/* The private objects were on this thread's stack. */
	CHECK((char *)(uintptr_t)out[1] > t->map + SIDE);
	CHECK((char *)(uintptr_t)out[1] < t->map + SIDE + TSTACK);
	free(out);
	hx_engine_destroy(e);
	return NULL;
}

static void thread_stack_case(enum mode mode, int np)
{
	struct kern k = build(mode, np); /* LLVM wants a big stack */
	struct tharg t = {&k, NULL};
	pthread_attr_t attr;
	pthread_t th;

	t.map = mmap(NULL, TSTACK + 2 * SIDE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(t.map != MAP_FAILED);
	CHECK_EQ(pthread_attr_init(&attr), 0);
	CHECK_EQ(pthread_attr_setstack(&attr, t.map + SIDE, TSTACK), 0);
	CHECK_EQ(pthread_create(&th, &attr, stack_thread, &t), 0);
	CHECK_EQ(pthread_join(th, NULL), 0);
	pthread_attr_destroy(&attr);
	munmap(t.map, TSTACK + 2 * SIDE);
	hx_compiler_release(k.p);
}

TEST(loop_mode_beside_thread_stack)
{
	thread_stack_case(LOOP, 16);
}

TEST(fission_beside_thread_stack)
{
	if (!cc_fission_on())
		SKIP("HMMCL_FISSION=0");
	thread_stack_case(FISSION, 8);
}

/* From /proc/self/maps: the mapping [*s, *e) that contains address a,
 * and the start *run of the back-to-back mappings that end with it (the
 * fiber stacks are one mmap split into VMAs by their guard pages). */
static int mapping_of(uintptr_t a, uintptr_t *run, uintptr_t *s, uintptr_t *e)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long ms, me, prev_end = 0;
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx", &ms, &me) != 2)
			continue;
		if (ms != prev_end)
			*run = ms;
		prev_end = me;
		if (a >= ms && a < me) {
			*s = ms;
			*e = me;
			found = 1;
		}
	}
	fclose(f);
	return found;
}

static char *map_at(uintptr_t at)
{
	char *m =
	    mmap((void *)at, SIDE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	if (m != (char *)at) { /* an old kernel took it as a hint */
		munmap(m, SIDE);
		return NULL;
	}
	return m;
}

/* The engine's fiber stack size for this kernel (pool.c). */
static uint64_t fiber_stack(const hx_kernel_code *kc)
{
	const char *env = getenv("HMMCL_STACK_SIZE");
	uint64_t size = env ? strtoull(env, NULL, 0) : 65536;

	if (size < 16384)
		size = 16384;
	if (kc->private_size + 16384 > size)
		size = kc->private_size + 16384;
	return (size + 4095) & ~4095ull;
}

/* Per-item mode: buffers touching the engine's fiber stacks (one mmap
 * per thread, [guard | stack] per item): one right above the last stack,
 * where the next mmap lands after a hole of its size is made, and one
 * right below the first stack's guard page. */
TEST(fibers_beside_fiber_stacks)
{
	enum { N = 32, WG = 32 };
	struct kern k = build(FIBERS, 8);
	hx_engine *e = engine(1);
	uint64_t out[3 * N], len = N * (fiber_stack(&k.kc) + 4096);
	char *heap = malloc(64), *above, *below, *hole;
	uintptr_t run, s0, e0, sl, el;
	int touching = 0;

	hole = mmap(NULL, len + SIDE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	CHECK(hole != MAP_FAILED);
	munmap(hole, len + SIDE);
	above = map_at((uintptr_t)hole + len);
	run_on(e, &k, above ? above : heap, above ? SIDE : 64, N, WG, out);
	CHECK(mapping_of(out[3 * (N - 1) + 1], &run, &sl, &el));
	CHECK(mapping_of(out[1], &run, &s0, &e0));
	if (above && el == (uintptr_t)above)
		touching++;
	below = map_at(s0 - 4096 - SIDE); /* under item 0's guard page */
	if (below) {
		run_on(e, &k, below, SIDE, N, WG, out);
		CHECK(mapping_of(out[1], &run, &s0, &e0));
		touching += run == (uintptr_t)below;
	}
	printf("stacks of items 0 and %d: %#lx, %#lx-%#lx; buffers above %p, "
	       "below %p; %d touching\n",
	       N - 1, (unsigned long)s0, (unsigned long)sl, (unsigned long)el,
	       (void *)above, (void *)below, touching);
	if (above)
		munmap(above, SIDE);
	if (below)
		munmap(below, SIDE);
	free(heap);
	hx_engine_destroy(e);
	hx_compiler_release(k.p);
	if (!touching)
		SKIP("no free address next to the fiber stacks");
}
