/* Several host threads launching at once, some launches faulting or
 * diverging, on one engine: every launch gets its own right answer. */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "engine_test.h"

static void *bad_page;

static void sum_entry(void *const *args, hx_group *g)
{
	_Atomic uint64_t *sum = *(_Atomic uint64_t **)args[0];
	uint64_t s = 0;

	for (uint64_t x = 0; x < g->local_size[0]; x++)
		s += gid(g, 0, x);
	atomic_fetch_add_explicit(sum, s, memory_order_relaxed);
}

static void fault_entry(void *const *args, hx_group *g)
{
	if (g->group_id[0] == g->nd->num_groups[0] / 2)
		*(volatile char *)bad_page = 1;
}

static void diverge_entry(void *const *args, hx_group *g)
{
	if (g->local_id[0] == 1)
		return;
	g->rt->barrier(g, 1);
}

struct worker_arg {
	hx_engine *e;
	unsigned seed;
	int errors;
};

static void one_launch(struct worker_arg *a, int kind)
{
	uint64_t gs = 1 + (a->seed = a->seed * 1103515245u + 12345u) % 5000;
	uint64_t ls = 1 + (a->seed >> 16) % 64, off = (a->seed >> 8) % 100;
	hx_ndrange nd = nd_make(1, &gs, &ls, &off);
	_Atomic uint64_t sum = 0, *sp = &sum;
	void *args[1] = {&sp};
	struct hx_run_result res;

	if (kind == 0) {
		run_kernel(a->e, sum_entry, 0, args, &nd, 0, &res);
		a->errors +=
		    res.status != 0 || sum != (off + off + gs - 1) * gs / 2;
	} else if (kind == 1) {
		run_kernel(a->e, fault_entry, 0, args, &nd, 0, &res);
		a->errors += res.error != HX_RUN_FAULT ||
			     res.fault_addr != (uint64_t)(uintptr_t)bad_page;
	} else {
		ls = ls < 2 ? 2 : ls;
		nd = nd_make(1, &gs, &ls, &off);
		run_kernel(a->e, diverge_entry, HX_CODE_PER_ITEM, args, &nd, 0,
			   &res);
		a->errors += res.error != HX_RUN_DIVERGENT_BARRIER;
	}
}

static void *launcher(void *p)
{
	struct worker_arg *a = p;

	for (int i = 0; i < 300; i++)
		one_launch(a, i % 7 == 3 ? 1 : i % 11 == 5 ? 2 : 0);
	return NULL;
}

TEST(mixed_concurrent_launches)
{
	hx_engine *e = hx_engine_create(0);
	pthread_t t[6];
	struct worker_arg a[6];

	bad_page =
	    mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (int i = 0; i < 6; i++) {
		a[i] = (struct worker_arg){.e = e, .seed = 17u * (i + 1)};
		pthread_create(&t[i], NULL, launcher, &a[i]);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ(a[i].errors, 0);
	}
	hx_engine_destroy(e);
	munmap(bad_page, 4096);
}

/* Engines created and destroyed while others run. */
TEST(engines_come_and_go)
{
	hx_engine *keep = hx_engine_create(0);
	struct worker_arg a = {.e = keep, .seed = 5};

	for (int i = 0; i < 20; i++) {
		hx_engine *e = hx_engine_create(0);
		struct worker_arg b = {.e = e, .seed = (unsigned)i};

		one_launch(&a, 0);
		one_launch(&b, 0);
		hx_engine_destroy(e);
		CHECK_EQ(b.errors, 0);
	}
	CHECK_EQ(a.errors, 0);
	hx_engine_destroy(keep);
}

static void big_stack_entry(void *const *args, hx_group *g)
{
	volatile char buf[150 * 1024];

	buf[0] = 1;
	buf[sizeof(buf) - 1] = 2;
	g->rt->barrier(g, 1);
	*(int *)args[0] = buf[0] + buf[sizeof(buf) - 1];
}

/* HMMCL_STACK_SIZE (set for this file in CMake) sizes fiber stacks of
 * kernels whose private_size estimate is 0. */
TEST(stack_size_from_env)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 4, ls = 4;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	int out = 0;
	void *args[1] = {&out};
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, big_stack_entry, HX_CODE_PER_ITEM, args, &nd, 0,
			    &res),
		 0);
	CHECK_EQ(out, 3);
	hx_engine_destroy(e);
}
