/* The physical reference: the same loops in C on the same cores, one
 * pinned pthread per core (no OpenMP). */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define CLONES __attribute__((target_clones("arch=haswell", "default")))

struct job {
	void (*fn)(struct job *j, size_t lo, size_t hi);
	size_t n;
	float *a, *b, *c;
	float alpha;
	int order;
	double sums[64];
	_Atomic long counter;
};

/* A persistent pool: pool threads spin on 'gen' (a benchmark owns the
 * machine), the main thread takes slice 0, so the timing is the loop's,
 * not thread creation's. */
static struct {
	pthread_t th[64];
	int nt;
	struct job *job;
	_Atomic unsigned gen, done;
	_Atomic int stop;
} pool;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void do_slice(int t)
{
	struct job *j = pool.job;

	j->fn(j, j->n * t / pool.nt, j->n * (t + 1) / pool.nt);
}

static void *pool_main(void *p)
{
	int t = (int)(intptr_t)p;
	unsigned seen = 0;

	pin(t);
	for (;;) {
		unsigned g;

		while ((g = atomic_load(&pool.gen)) == seen &&
		       !atomic_load(&pool.stop))
			sched_yield();
		if (atomic_load(&pool.stop))
			return NULL;
		seen = g;
		do_slice(t);
		atomic_fetch_add(&pool.done, 1);
	}
}

static cpu_set_t main_affinity;

/* The main thread takes slice 0 pinned to CPU 0: floating, it could share
 * a CPU with the pool thread it waits for. */
static void pool_start(void)
{
	int nt = (int)sysconf(_SC_NPROCESSORS_ONLN);

	pthread_getaffinity_np(pthread_self(), sizeof(main_affinity),
			       &main_affinity);
	pin(0);

	pool.nt = nt < 1 ? 1 : nt > 64 ? 64 : nt;
	for (int i = 1; i < pool.nt; i++)
		pthread_create(&pool.th[i], NULL, pool_main,
			       (void *)(intptr_t)i);
}

static void pool_stop(void)
{
	atomic_store(&pool.stop, 1);
	for (int i = 1; i < pool.nt; i++)
		pthread_join(pool.th[i], NULL);
	pthread_setaffinity_np(pthread_self(), sizeof(main_affinity),
			       &main_affinity);
}

/* Median wall time (s) of running j->fn over [0, n) on every core. */
static double run(struct job *j, int reps)
{
	double t[64];

	reps = reps > 64 ? 64 : reps;
	pool.job = j;
	for (int r = -1; r < reps; r++) {
		double t0 = bench_now();

		atomic_store(&pool.done, 0);
		atomic_fetch_add(&pool.gen, 1);
		do_slice(0);
		while (atomic_load(&pool.done) != (unsigned)pool.nt - 1)
			sched_yield();
		if (r >= 0)
			t[r] = bench_now() - t0;
	}
	return bench_median(t, reps);
}

CLONES static void vadd(struct job *j, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		j->c[i] = j->a[i] + j->b[i];
}

CLONES static void saxpy(struct job *j, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		j->c[i] = j->alpha * j->a[i] + j->c[i];
}

CLONES static void sum(struct job *j, size_t lo, size_t hi)
{
	float acc[16] = {0};
	double total = 0;

	for (size_t i = lo; i + 16 <= hi; i += 16)
		for (int k = 0; k < 16; k++)
			acc[k] += j->a[i + k];
	for (int k = 0; k < 16; k++)
		total += acc[k];
	j->sums[lo * 64 / (j->n + 1)] = total;
}

/* The naive kernel's loop: one dot product per element. */
CLONES static void mm_naive(struct job *j, size_t lo, size_t hi)
{
	int n = j->order;

	for (size_t r = lo; r < hi; r++)
		for (int c = 0; c < n; c++) {
			float acc = 0;

			for (int k = 0; k < n; k++)
				acc += j->a[r * n + k] * j->b[k * n + c];
			j->c[r * n + c] = acc;
		}
}

/* Blocked i-k-j order: the inner loop vectorises. */
CLONES static void mm_tiled(struct job *j, size_t lo, size_t hi)
{
	int n = j->order;

	memset(j->c + lo * n, 0, (hi - lo) * n * sizeof(float));
	for (int kk = 0; kk < n; kk += 64)
		for (size_t r = lo; r < hi; r++)
			for (int k = kk; k < kk + 64 && k < n; k++) {
				float a = j->a[r * n + k];
				const float *b = j->b + (size_t)k * n;
				float *c = j->c + r * n;

				for (int cc = 0; cc < n; cc++)
					c[cc] += a * b[cc];
			}
}

static void atomics(struct job *j, size_t lo, size_t hi)
{
	for (size_t i = lo; i < hi; i++)
		atomic_fetch_add_explicit(&j->counter, 1, memory_order_relaxed);
}

void bench_native(const struct bench_cfg *cfg, struct bench_col *col)
{
	size_t n = cfg->n_stream, bytes = n * sizeof(float);
	size_t mo = cfg->n_matmul, mbytes = mo * mo * sizeof(float);
	struct job *j = calloc(1, sizeof(*j));
	float *x = malloc(bytes > mbytes ? bytes : mbytes);
	float *y = malloc(bytes > mbytes ? bytes : mbytes);
	float *z = malloc(bytes > mbytes ? bytes : mbytes);

	snprintf(col->name, sizeof(col->name), "native C (pthreads)");
	pool_start();
	for (int m = 0; m < M_COUNT; m++)
		col->v[m] = NAN;
	for (size_t i = 0; i < n || i < mo * mo; i++)
		x[i] = (float)(i % 3), y[i] = (float)(i % 2), z[i] = 0;
	*j = (struct job){.n = n, .a = x, .b = y, .c = z, .alpha = 2.0f};
	j->fn = vadd;
	col->v[M_VADD] = 3.0 * bytes / run(j, cfg->reps) / 1e9;
	j->fn = saxpy;
	col->v[M_SAXPY] = 3.0 * bytes / run(j, cfg->reps) / 1e9;
	j->fn = sum;
	col->v[M_REDUCE] = 1.0 * bytes / run(j, cfg->reps) / 1e9;
	j->n = mo;
	j->order = (int)mo;
	j->fn = mm_naive;
	col->v[M_MM_NAIVE] = 2.0 * mo * mo * mo / run(j, cfg->reps) / 1e9;
	j->fn = mm_tiled;
	col->v[M_MM_TILED] = 2.0 * mo * mo * mo / run(j, cfg->reps) / 1e9;
	j->n = cfg->n_atomics;
	j->fn = atomics;
	col->v[M_ATOMICS] = cfg->n_atomics / run(j, cfg->reps) / 1e6;
	pool_stop();
	free(x), free(y), free(z), free(j);
}
