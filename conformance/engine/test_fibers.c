/* Per-item mode: one fiber per work-item, barriers. */
#include <stdatomic.h>

#include "engine_test.h"

static uint64_t lin_lid(const hx_group *g)
{
	return g->local_id[0] +
	       g->local_size[0] *
		   (g->local_id[1] + g->local_size[1] * g->local_id[2]);
}

static uint64_t items_of(const hx_group *g)
{
	return g->local_size[0] * g->local_size[1] * g->local_size[2];
}

/* Each phase reads what the neighbour wrote before the barrier. */
static void order_entry(void *const *args, hx_group *g)
{
	_Atomic uint64_t *bad = *(_Atomic uint64_t **)args[0];
	uint64_t *mem = (uint64_t *)g->local_mem;
	uint64_t n = items_of(g), lid = lin_lid(g);

	for (uint64_t phase = 1; phase <= 5; phase++) {
		mem[lid] = phase * 1000 + lid;
		g->rt->barrier(g, 1);
		if (mem[(lid + 1) % n] != phase * 1000 + (lid + 1) % n)
			atomic_fetch_add(bad, 1);
		g->rt->barrier(g, 1);
	}
}

static void run_order(unsigned dims, uint64_t *gs, uint64_t *ls)
{
	hx_engine *e = hx_engine_create(0);
	hx_ndrange nd = nd_make(dims, gs, ls, NULL);
	_Atomic uint64_t bad = 0, *bp = &bad;
	void *args[1] = {&bp};
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, order_entry, HX_CODE_PER_ITEM, args, &nd,
			    HX_MAX_WORK_GROUP_SIZE * 8, &res),
		 0);
	CHECK_EQ(bad, 0);
	hx_engine_destroy(e);
}

TEST(barrier_order)
{
	uint64_t gs[3] = {256, 1, 1}, ls[3] = {32, 1, 1};

	run_order(1, gs, ls);
	gs[0] = 100; /* non-uniform last group: 4 items */
	run_order(1, gs, ls);
	gs[0] = 12, gs[1] = 10, gs[2] = 6;
	ls[0] = 4, ls[1] = 5, ls[2] = 3;
	run_order(3, gs, ls);
	gs[0] = ls[0] = 1; /* one item: barrier is a no-op */
	run_order(1, gs, ls);
}

/* A tree reduction: barriers inside a loop whose trip count is uniform. */
static void reduce_entry(void *const *args, hx_group *g)
{
	const uint32_t *in = *(uint32_t **)args[0];
	uint64_t *out = *(uint64_t **)args[1];
	uint64_t *acc = (uint64_t *)g->local_mem;
	uint64_t n = items_of(g), lid = lin_lid(g);

	acc[lid] = in[g->group_id[0] * g->nd->local_size[0] + lid];
	g->rt->barrier(g, 1);
	for (uint64_t s = n / 2; s > 0; s /= 2) {
		if (lid < s)
			acc[lid] += acc[lid + s];
		g->rt->barrier(g, 1);
	}
	if (lid == 0)
		out[g->group_id[0]] = acc[0];
}

static void run_reduce(uint64_t groups, uint64_t ls)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = groups * ls;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	uint32_t *in = malloc(gs * sizeof(*in));
	uint64_t *out = calloc(groups, sizeof(*out));
	void *args[2] = {&in, &out};

	for (uint64_t i = 0; i < gs; i++)
		in[i] = (uint32_t)(i * 2654435761u);
	CHECK_EQ(run_kernel(e, reduce_entry, HX_CODE_PER_ITEM, args, &nd,
			    ls * 8, NULL),
		 0);
	for (uint64_t gi = 0; gi < groups; gi++) {
		uint64_t want = 0;

		for (uint64_t i = 0; i < ls; i++)
			want += in[gi * ls + i];
		CHECK_EQ(out[gi], want);
	}
	free(in);
	free(out);
	hx_engine_destroy(e);
}

TEST(barriers_in_loops)
{
	run_reduce(64, 64);
	run_reduce(3, 2);
}

TEST(many_fibers_1024)
{
	run_reduce(16, 1024);
}

/* Odd items leave before the barrier the even ones wait at. */
static void divergent_entry(void *const *args, hx_group *g)
{
	if (g->local_id[0] % 2 == 1 || g->local_id[0] == g->local_size[0] - 1)
		return;
	g->rt->barrier(g, 1);
}

/* Item 0 returns first, the others then reach a barrier. */
static void divergent_first_entry(void *const *args, hx_group *g)
{
	if (g->local_id[0] == 0)
		return;
	g->rt->barrier(g, 1);
}

TEST(divergent_barrier_reported)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 256, ls = 16;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, divergent_entry, HX_CODE_PER_ITEM, NULL, &nd, 0,
			    &res),
		 -5);
	CHECK_EQ(res.error, HX_RUN_DIVERGENT_BARRIER);
	CHECK_EQ(run_kernel(e, divergent_first_entry, HX_CODE_PER_ITEM, NULL,
			    &nd, 0, &res),
		 -5);
	CHECK_EQ(res.error, HX_RUN_DIVERGENT_BARRIER);
	/* The engine is still usable. */
	run_order(1, &gs, &ls);
	hx_engine_destroy(e);
}

/* A big private array: the stack is sized from private_size. */
static void big_stack_entry(void *const *args, hx_group *g)
{
	_Atomic uint64_t *sum = *(_Atomic uint64_t **)args[0];
	volatile unsigned char buf[200 * 1024];

	for (size_t i = 0; i < sizeof(buf); i += 512)
		buf[i] = (unsigned char)(i >> 9);
	g->rt->barrier(g, 1);
	atomic_fetch_add(sum, buf[sizeof(buf) - 512]);
}

TEST(stack_sized_from_private_size)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 64, ls = 8;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t sum = 0, *sp = &sum;
	void *args[1] = {&sp};
	hx_kernel_code code = {.entry = big_stack_entry,
			       .flags = HX_CODE_PER_ITEM,
			       .private_size = 256 * 1024};
	struct hx_launch l = {.code = &code, .args = args, .nd = &nd};

	CHECK_EQ(hx_engine_run(e, &l, NULL), 0);
	CHECK_EQ(sum, 64 * (unsigned char)((200 * 1024 - 512) >> 9));
	hx_engine_destroy(e);
}

#include <fenv.h>

/* Each fiber keeps its own MXCSR / x87 control word across switches. */
static void rounding_entry(void *const *args, hx_group *g)
{
	_Atomic uint64_t *bad = *(_Atomic uint64_t **)args[0];
	int mine = g->local_id[0] % 2 ? FE_UPWARD : FE_TONEAREST;

	fesetround(mine);
	for (int i = 0; i < 3; i++) {
		g->rt->barrier(g, 1);
		if (fegetround() != mine)
			atomic_fetch_add(bad, 1);
	}
	fesetround(FE_TONEAREST);
}

TEST(fiber_keeps_fp_control)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 64, ls = 8;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t bad = 0, *bp = &bad;
	void *args[1] = {&bp};

	CHECK_EQ(
	    run_kernel(e, rounding_entry, HX_CODE_PER_ITEM, args, &nd, 0, NULL),
	    0);
	CHECK_EQ(bad, 0);
	CHECK_EQ(fegetround(), FE_TONEAREST);
	hx_engine_destroy(e);
}
