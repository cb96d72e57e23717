/* NDRange coverage, local sizes, limits, local memory, concurrency. */
#include <pthread.h>
#include <stdatomic.h>

#include "engine_test.h"

struct cover {
	_Atomic uint32_t *hits;
	uint64_t origin[3], extent[3];
	_Atomic uint64_t bad;
};

/* Loop mode: the entry runs every item of its group. */
static void cover_entry(void *const *args, hx_group *g)
{
	struct cover *c = *(struct cover **)args[0];

	for (uint64_t z = 0; z < g->local_size[2]; z++)
		for (uint64_t y = 0; y < g->local_size[1]; y++)
			for (uint64_t x = 0; x < g->local_size[0]; x++) {
				uint64_t i[3] = {gid(g, 0, x), gid(g, 1, y),
						 gid(g, 2, z)};
				uint64_t lin = 0;

				for (int d = 2; d >= 0; d--) {
					if (i[d] < c->origin[d] ||
					    i[d] >=
						c->origin[d] + c->extent[d]) {
						atomic_fetch_add(&c->bad, 1);
						return;
					}
					lin = lin * c->extent[d] + i[d] -
					      c->origin[d];
				}
				atomic_fetch_add(&c->hits[lin], 1);
			}
}

/* Per-item mode: the entry runs g->local_id only. */
static void cover_item(void *const *args, hx_group *g)
{
	struct cover *c = *(struct cover **)args[0];
	uint64_t lin = 0;

	for (int d = 2; d >= 0; d--) {
		uint64_t i = gid(g, d, g->local_id[d]);

		if (i < c->origin[d] || i >= c->origin[d] + c->extent[d] ||
		    g->local_id[d] >= g->local_size[d]) {
			atomic_fetch_add(&c->bad, 1);
			return;
		}
		lin = lin * c->extent[d] + i - c->origin[d];
	}
	atomic_fetch_add(&c->hits[lin], 1);
}

static void check_cover(unsigned dims, uint64_t g0, uint64_t g1, uint64_t g2,
			uint64_t l0, uint64_t l1, uint64_t l2, uint64_t off,
			uint32_t flags)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs[3] = {g0, g1, g2}, ls[3] = {l0, l1, l2},
		 os[3] = {off, 2 * off, 3 * off};
	hx_ndrange nd = nd_make(dims, gs, ls, os);
	struct cover c = {0};
	struct cover *cp = &c;
	void *args[1] = {&cp};
	struct hx_run_result res;
	uint64_t n = 1;

	CHECK(e);
	for (unsigned d = 0; d < 3; d++) {
		c.origin[d] = nd.global_offset[d];
		c.extent[d] = nd.global_size[d];
		n *= c.extent[d];
	}
	c.hits = calloc(n, sizeof(*c.hits));
	CHECK_EQ(run_kernel(e,
			    flags & HX_CODE_PER_ITEM ? cover_item : cover_entry,
			    flags, args, &nd, 0, &res),
		 0);
	CHECK_EQ(res.status, 0);
	CHECK_EQ(c.bad, 0);
	for (uint64_t i = 0; i < n; i++)
		if (c.hits[i] != 1)
			hx_test_fail(__FILE__, __LINE__,
				     "item %llu ran %u times",
				     (unsigned long long)i, c.hits[i]);
	CHECK_EQ(res.groups_run, ((g0 + l0 - 1) / l0) *
				     (dims > 1 ? (g1 + l1 - 1) / l1 : 1) *
				     (dims > 2 ? (g2 + l2 - 1) / l2 : 1));
	free(c.hits);
	hx_engine_destroy(e);
}

TEST(cover_1d)
{
	check_cover(1, 4096, 1, 1, 64, 1, 1, 0, 0);
	check_cover(1, 1, 1, 1, 1, 1, 1, 0, 0);
}

TEST(cover_2d_offset)
{
	check_cover(2, 64, 48, 1, 8, 4, 1, 5, 0);
}

TEST(cover_3d_offset)
{
	check_cover(3, 16, 12, 10, 4, 3, 2, 7, 0);
}

TEST(cover_nonuniform)
{
	/* Last groups short in every dimension (OpenCL 3.0). */
	check_cover(1, 1000, 1, 1, 64, 1, 1, 3, 0);
	check_cover(2, 33, 17, 1, 8, 5, 1, 1, 0);
	check_cover(3, 9, 7, 5, 4, 3, 2, 11, 0);
}

TEST(cover_per_item)
{
	check_cover(1, 1000, 1, 1, 64, 1, 1, 3, HX_CODE_PER_ITEM);
	check_cover(3, 9, 7, 5, 4, 3, 2, 11, HX_CODE_PER_ITEM);
}

static void count_entry(void *const *args, hx_group *g)
{
	_Atomic uint64_t *n = *(_Atomic uint64_t **)args[0];

	atomic_fetch_add_explicit(n, g->local_size[0], memory_order_relaxed);
}

TEST(million_tiny_groups)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 1u << 20, ls = 1;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t n = 0, *np = &n;
	void *args[1] = {&np};
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd, 0, &res), 0);
	CHECK_EQ(n, gs);
	CHECK_EQ(res.groups_run, gs);
	hx_engine_destroy(e);
}

TEST(zero_size_runs_nothing)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 0, ls = 1;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t n = 0, *np = &n;
	void *args[1] = {&np};

	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd, 0, NULL), 0);
	CHECK_EQ(n, 0);
	hx_engine_destroy(e);
}

TEST(limits_reported)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs[2] = {2048, 2}, ls[2] = {1024, 2};
	hx_ndrange nd = nd_make(2, gs, ls, NULL);
	_Atomic uint64_t n = 0, *np = &n;
	void *args[1] = {&np};
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd, 0, &res), -54);
	CHECK_EQ(res.error, HX_RUN_WG_SIZE);
	nd = nd_make(1, gs, ls, NULL);
	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd,
			    HX_DEVICE_LOCAL_MEM_SIZE + 1, &res),
		 -5);
	CHECK_EQ(res.error, HX_RUN_LOCAL_MEM);
	nd.work_dim = 4;
	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd, 0, &res), -53);
	CHECK_EQ(n, 0);
	/* The largest legal launch still runs. */
	nd = nd_make(1, gs, ls, NULL);
	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd,
			    HX_DEVICE_LOCAL_MEM_SIZE, &res),
		 0);
	CHECK_EQ(n, 2048);
	hx_engine_destroy(e);
}

TEST(pick_local_size)
{
	uint64_t cases[][3] = {{1 << 20, 1, 1}, {1000, 1, 1}, {97, 1, 1},
			       {64, 64, 1},	{6, 10, 14},  {1, 1, 1},
			       {4096, 3, 1}};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned dims = cases[i][2] > 1 ? 3 : cases[i][1] > 1 ? 2 : 1;
		hx_ndrange nd = nd_make(dims, cases[i], NULL, NULL);
		uint64_t items = 1, groups = 1;

		hx_engine_pick_local_size(&nd, 0, 2);
		for (unsigned d = 0; d < 3; d++) {
			CHECK(nd.local_size[d] >= 1);
			CHECK_EQ(nd.global_size[d] % nd.local_size[d], 0);
			items *= nd.local_size[d];
			groups *= nd.num_groups[d];
		}
		CHECK(items <= HX_MAX_WORK_GROUP_SIZE);
		/* Enough groups for the workers when the range allows it. */
		if (cases[i][0] * cases[i][1] * cases[i][2] >= 64)
			CHECK(groups >= 8);
	}
	{
		uint64_t g = 1 << 20;
		hx_ndrange nd = nd_make(1, &g, NULL, NULL);

		hx_engine_pick_local_size(&nd, 0, 2);
		CHECK_EQ(nd.local_size[0] % 16, 0);
		hx_engine_pick_local_size(&nd, 100, 2);
		CHECK(nd.local_size[0] <= 100);
		CHECK_EQ(nd.local_size[0] % 16, 0);
	}
}

/* Each group fills its __local memory with its id, yields, and checks
 * nothing else wrote there. */
static void local_entry(void *const *args, hx_group *g)
{
	_Atomic uint64_t *bad = *(_Atomic uint64_t **)args[0];
	uint64_t off = *(uint64_t *)args[1];
	uint32_t *mem = (uint32_t *)(g->local_mem + off);
	uint32_t id = (uint32_t)g->group_id[0] + 1;

	for (int i = 0; i < 1024; i++)
		mem[i] = id;
	for (volatile int spin = 0; spin < 2000; spin++)
		;
	for (int i = 0; i < 1024; i++)
		if (mem[i] != id)
			atomic_fetch_add(bad, 1);
	/* wg_scratch is there too: 16 bytes per item + 64. */
	memset(g->wg_scratch, 0xab, HX_WG_SCRATCH_BYTES(g->local_size[0]));
}

TEST(local_memory_isolation)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 64 * 512, ls = 64, off = 4096;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t bad = 0, *bp = &bad;
	void *args[2] = {&bp, &off};
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, local_entry, 0, args, &nd, off + 4096, &res), 0);
	CHECK_EQ(bad, 0);
	CHECK_EQ(res.groups_run, 512);
	hx_engine_destroy(e);
}

struct conc {
	hx_engine *e;
	int id;
	_Atomic int *flag;
	int ok;
};

static void spin_entry(void *const *args, hx_group *g)
{
	_Atomic int *flag = *(_Atomic int **)args[0];

	while (!atomic_load(flag))
		;
}

static void *conc_thread(void *p)
{
	struct conc *c = p;
	uint64_t gs = 4096 + 37 * (uint64_t)c->id, ls = 16;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t n = 0, *np = &n;
	void *args[1] = {&np};

	c->ok = 1;
	for (int it = 0; it < 200; it++) {
		n = 0;
		if (run_kernel(c->e, count_entry, 0, args, &nd, 0, NULL) ||
		    n != gs)
			c->ok = 0;
	}
	return NULL;
}

TEST(concurrent_launches)
{
	hx_engine *e = hx_engine_create(0);
	pthread_t t[4];
	struct conc c[4];

	for (int i = 0; i < 4; i++) {
		c[i] = (struct conc){.e = e, .id = i};
		pthread_create(&t[i], NULL, conc_thread, &c[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(c[i].ok);
	}
	hx_engine_destroy(e);
}

static void *spin_thread(void *p)
{
	struct conc *c = p;
	uint64_t gs = 64, ls = 1;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	void *args[1] = {&c->flag};

	c->ok = run_kernel(c->e, spin_entry, 0, args, &nd, 0, NULL) == 0;
	return NULL;
}

/* A kernel spinning on a host flag holds workers; another launch must
 * still finish (on its own thread), and then the host sets the flag. */
TEST(launch_while_another_spins)
{
	hx_engine *e = hx_engine_create(0);
	_Atomic int flag = 0;
	struct conc s = {.e = e, .flag = &flag};
	pthread_t t;
	uint64_t gs = 100000, ls = 10;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	_Atomic uint64_t n = 0, *np = &n;
	void *args[1] = {&np};
	struct timespec ms = {0, 20 * 1000 * 1000};

	pthread_create(&t, NULL, spin_thread, &s);
	nanosleep(&ms, NULL);
	CHECK_EQ(run_kernel(e, count_entry, 0, args, &nd, 0, NULL), 0);
	CHECK_EQ(n, gs);
	atomic_store(&flag, 1);
	pthread_join(t, NULL);
	CHECK(s.ok);
	hx_engine_destroy(e);
}

TEST(topology)
{
	struct hx_topology t;
	hx_engine *e = hx_engine_create(0);

	CHECK_EQ(hx_topology_get(&t), 0);
	CHECK(t.compute_units >= 1);
	CHECK(t.pus >= t.compute_units);
	CHECK(t.numa_nodes >= 1);
	CHECK(t.cache_line >= 16);
	CHECK(t.memory > 0);
	if (!getenv("HMMCL_WORKERS"))
		CHECK_EQ(hx_engine_threads(e), t.compute_units);
	printf("cu %u pus %u pkgs %u numa %u L1 %llu L2 %llu L3 %llu line %u "
	       "mem %llu MiB, %s %s\n",
	       t.compute_units, t.pus, t.packages, t.numa_nodes,
	       (unsigned long long)t.l1d_size, (unsigned long long)t.l2_size,
	       (unsigned long long)t.l3_size, t.cache_line,
	       (unsigned long long)(t.memory >> 20), t.cpu_vendor, t.cpu_model);
	hx_engine_destroy(e);
}

static void barrier_entry(void *const *args, hx_group *g)
{
	g->rt->barrier(g, 1);
}

TEST(barrier_in_loop_mode_reported)
{
	hx_engine *e = hx_engine_create(0);
	uint64_t gs = 64, ls = 8;
	hx_ndrange nd = nd_make(1, &gs, &ls, NULL);
	struct hx_run_result res;

	CHECK_EQ(run_kernel(e, barrier_entry, 0, NULL, &nd, 0, &res), -5);
	CHECK_EQ(res.error, HX_RUN_BAD_BARRIER);
	/* One item per group: a barrier is harmless. */
	ls = 1;
	nd = nd_make(1, &gs, &ls, NULL);
	CHECK_EQ(run_kernel(e, barrier_entry, 0, NULL, &nd, 0, &res), 0);
	hx_engine_destroy(e);
}
