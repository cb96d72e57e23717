/* hx-engine-bench: figures of the execution engine alone (no compiler):
 * fiber switch cost, empty launch latency, tiny groups, scaling. */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run(hx_engine *e, hx_entry_fn fn, uint32_t flags, void *const *args,
	       uint64_t gs, uint64_t ls)
{
	hx_ndrange nd = {
	    .work_dim = 1, .global_size = {gs, 1, 1}, .local_size = {ls, 1, 1}};
	hx_kernel_code code = {.entry = fn, .flags = flags};
	struct hx_launch l = {.code = &code, .args = args, .nd = &nd};

	return hx_engine_run(e, &l, NULL);
}

/* Median seconds of n launches. */
static double median_run(hx_engine *e, hx_entry_fn fn, uint32_t flags,
			 void *const *args, uint64_t gs, uint64_t ls, int n)
{
	double *t = malloc(n * sizeof(*t)), m;

	for (int i = -n / 10 - 1; i < n; i++) {
		double t0 = now();

		if (run(e, fn, flags, args, gs, ls))
			abort();
		if (i >= 0)
			t[i] = now() - t0;
	}
	qsort(t, n, sizeof(*t), cmp);
	m = t[n / 2];
	free(t);
	return m;
}

static void empty(void *const *args, hx_group *g)
{
}

static void barriers(void *const *args, hx_group *g)
{
	int n = *(int *)args[0];

	for (int i = 0; i < n; i++)
		g->rt->barrier(g, 1);
}

static void work(void *const *args, hx_group *g)
{
	volatile double *sink = *(double **)args[0];
	double x = (double)g->group_id[0];

	for (int i = 0; i < 20000; i++)
		x = x * 1.0000001 + 0.5;
	*sink = x;
}

/* hmmcl-bench's reduction as a per-item entry: 9 barriers per item. */
static void reduce(void *const *args, hx_group *g)
{
	const float *in = *(float **)args[0];
	float *out = *(float **)args[1], *tmp = (float *)g->local_mem;
	uint64_t l = g->local_id[0], n = g->local_size[0];

	tmp[l] = in[g->group_id[0] * n + l];
	g->rt->barrier(g, 1);
	for (uint64_t s = n / 2; s > 0; s >>= 1) {
		if (l < s)
			tmp[l] += tmp[l + s];
		g->rt->barrier(g, 1);
	}
	if (l == 0)
		out[g->group_id[0]] = tmp[0];
}

static double reduce_gbs(hx_engine *e, uint64_t n)
{
	float *in = calloc(n, sizeof(float)),
	      *out = calloc(n / 256, sizeof(float));
	void *args[2] = {&in, &out};
	hx_ndrange nd = {
	    .work_dim = 1, .global_size = {n, 1, 1}, .local_size = {256, 1, 1}};
	hx_kernel_code code = {.entry = reduce, .flags = HX_CODE_PER_ITEM};
	struct hx_launch l = {
	    .code = &code, .args = args, .nd = &nd, .local_bytes = 1024};
	double t[5];

	for (int i = 0; i < 5; i++) {
		double t0 = now();

		if (hx_engine_run(e, &l, NULL))
			abort();
		t[i] = now() - t0;
	}
	qsort(t, 5, sizeof(double), cmp);
	free(in);
	free(out);
	return n * 4.0 / t[2] / 1e9;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	int nb = quick ? 200 : 5000, reps = quick ? 50 : 2000;
	void *bargs[1] = {&nb};
	double sink, *sp = &sink, t, t1, tn;
	void *wargs[1] = {&sp};
	hx_engine *e = hx_engine_create(0), *e1 = hx_engine_create(1);
	unsigned nt = hx_engine_threads(e);

	if (!e || !e1)
		return 1;
	printf("hx-engine-bench%s: %u threads (pool + caller)\n",
	       quick ? " --quick" : "", nt);
	t = median_run(e, empty, 0, NULL, 1, 1, reps);
	printf("empty launch, 1 group            %8.2f us\n", t * 1e6);
	t = median_run(e, empty, 0, NULL, 1024, 64, reps);
	printf("empty launch, 16 groups of 64    %8.2f us\n", t * 1e6);
	t = median_run(e, empty, HX_CODE_PER_ITEM, NULL, 64, 64, reps);
	printf("empty per-item launch, 64 fibers %8.2f us\n", t * 1e6);
	t = median_run(e1, barriers, HX_CODE_PER_ITEM, bargs, 64, 64,
		       quick ? 3 : 9);
	printf("fiber switch (barrier, 64 items) %8.1f ns\n",
	       t / (64.0 * nb) * 1e9);
	t = median_run(e, empty, 0, NULL, 1u << 20, 1, quick ? 3 : 9);
	printf("1M empty groups of 1 item        %8.2f ms (%.1f ns/group)\n",
	       t * 1e3, t / (1u << 20) * 1e9);
	t1 =
	    median_run(e1, work, 0, wargs, quick ? 64 : 1024, 1, quick ? 3 : 7);
	tn = median_run(e, work, 0, wargs, quick ? 64 : 1024, 1, quick ? 3 : 7);
	printf("scaling, compute-bound groups    %8.2fx on %u threads "
	       "(%.2f ms -> %.2f ms)\n",
	       t1 / tn, nt, t1 * 1e3, tn * 1e3);
	printf("barrier reduction, per-item      %8.3f GB/s (1 thread %.3f)\n",
	       reduce_gbs(e, quick ? 1 << 16 : 1 << 22),
	       reduce_gbs(e1, quick ? 1 << 16 : 1 << 22));
	hx_engine_destroy(e1);
	hx_engine_destroy(e);
	return 0;
}
