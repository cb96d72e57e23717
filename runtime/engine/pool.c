/* The worker pool and the launch path.
 *
 * Launches are published in hx_engine.jobs; pool threads take chunks of
 * work-groups from any published launch (round-robin between them every
 * JOB_SLICE chunks, so concurrent launches share the pool). The calling
 * thread runs chunks of its own launch until none is left, then waits
 * for the pool threads still inside it. Because the caller always works
 * on its own launch, a launch progresses even when every pool thread is
 * busy elsewhere (e.g. in a kernel spinning on a host flag).
 *
 * Idle pool threads spin for SPIN_NS, then sleep on a futex; a launch too
 * small to share (one chunk) never wakes anybody.
 */
#include "engine_internal.h"

#include <errno.h>
#include <hwloc.h>
#include <immintrin.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SPIN_NS 50000
#define JOB_SLICE 64
/* Aim for this many work-items per chunk: every chunk costs two atomics
 * on lines shared by all threads (next, groups_done), and with one
 * 1024-item group per chunk that was ~30% of saxpy's time (docs/engine.md). */
#define CHUNK_ITEMS 16384

struct hx_engine {
	pthread_mutex_t lock;
	struct hx_job *jobs[HX_MAX_JOBS]; /* protected by lock */
	_Atomic unsigned njobs;		  /* written under lock */
	unsigned rr;			  /* protected by lock */
	struct hx_mmu mmu;		  /* protected by lock */
	_Atomic uint32_t gen;		  /* futex: bumped on publish */
	_Atomic uint32_t sleepers;
	_Atomic int stop;
	unsigned nthreads; /* pool threads + 1 (the caller) */
	pthread_t *threads;
	hwloc_topology_t topo;
};

struct start_arg {
	hx_engine *e;
	hwloc_cpuset_t cpu;
};

static void futex_wait(_Atomic uint32_t *addr, uint32_t val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/* Spins until *addr != val or SPIN_NS pass; returns 1 if it changed. */
static int spin_while(_Atomic uint32_t *addr, uint32_t val)
{
	uint64_t t0 = 0;

	for (unsigned i = 1;; i++) {
		if (atomic_load_explicit(addr, memory_order_acquire) != val)
			return 1;
		_mm_pause();
		if (i % 64)
			continue;
		if (!t0)
			t0 = now_ns();
		else if (now_ns() - t0 > SPIN_NS)
			return 0;
	}
}

static bool job_has_work(struct hx_job *j)
{
	for (unsigned p = 0; p < j->nparts; p++)
		if (atomic_load_explicit(&j->part[p].next,
					 memory_order_relaxed) < j->part[p].end)
			return true;
	return false;
}

static struct hx_job *job_enter(hx_engine *e)
{
	struct hx_job *found = NULL;
	unsigned n;

	if (!atomic_load_explicit(&e->njobs, memory_order_acquire))
		return NULL;
	pthread_mutex_lock(&e->lock);
	n = atomic_load_explicit(&e->njobs, memory_order_relaxed);
	for (unsigned k = 0; k < n; k++) {
		struct hx_job *j = e->jobs[(e->rr + k) % n];

		if (job_has_work(j)) {
			atomic_fetch_add(&j->active, 1);
			e->rr = (e->rr + k + 1) % n;
			found = j;
			break;
		}
	}
	pthread_mutex_unlock(&e->lock);
	return found;
}

static void job_leave(struct hx_job *j)
{
	uint32_t old = atomic_fetch_sub(&j->active, 1);

	/* j may be gone once the count is zero: only its address is used. */
	if (old == (HX_JOB_WAITING | 1))
		futex_wake(&j->active, 1);
}

/* Runs chunks of j on this thread, from the range of the CPU it is on
 * first, then from the others'; at most max_chunks (0: all). */
static void drain(struct hx_worker *w, struct hx_job *j, unsigned max_chunks)
{
	int cpu = j->nparts > 1 ? sched_getcpu() : 0;
	unsigned home = cpu > 0 ? (unsigned)cpu % j->nparts : 0, k = 0;

	for (unsigned c = 0; !max_chunks || c < max_chunks; c++) {
		struct hx_part *pt;
		uint64_t first;

		for (;; k++) {
			if (k == j->nparts)
				return;
			pt = &j->part[(home + k) % j->nparts];
			first = atomic_fetch_add_explicit(
			    &pt->next, j->chunk, memory_order_relaxed);
			if (first < pt->end)
				break;
		}
		hx_run_chunk(w, j, first,
			     pt->end - first < j->chunk ? pt->end - first
							: j->chunk);
	}
}

static void *worker_main(void *arg)
{
	struct start_arg *sa = arg;
	hx_engine *e = sa->e;
	struct hx_worker *w;

	/* HMMCL_PIN=0: leave placement to the OS (oversubscribed hosts,
	 * where a pinned thread waits for its one CPU). */
	if (!getenv("HMMCL_PIN") || strcmp(getenv("HMMCL_PIN"), "0"))
		hwloc_set_cpubind(e->topo, sa->cpu, HWLOC_CPUBIND_THREAD);
	hwloc_bitmap_free(sa->cpu);
	free(sa);
	w = hx_worker_new();
	hx_worker_set_current(w);
	while (!atomic_load(&e->stop)) {
		uint32_t gen = atomic_load(&e->gen);
		struct hx_job *j = w ? job_enter(e) : NULL;

		if (j) {
			if (hx_worker_reserve(w, j))
				hx_job_fail(j, HX_RUN_NO_MEMORY);
			else
				drain(w, j, JOB_SLICE);
			job_leave(j);
			continue;
		}
		if (spin_while(&e->gen, gen))
			continue;
		atomic_fetch_add(&e->sleepers, 1);
		if (!atomic_load(&e->stop))
			futex_wait(&e->gen, gen);
		atomic_fetch_sub(&e->sleepers, 1);
	}
	hx_worker_free(w);
	return NULL;
}

static unsigned env_unsigned(const char *name, unsigned dflt)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (!s || !*s)
		return dflt;
	v = strtoul(s, &end, 0);
	return *end || v == 0 || v > HX_MAX_THREAD_INDEX / 2 ? dflt
							     : (unsigned)v;
}

/* The allowed PUs of the k-th core that has any (k wraps around). */
static hwloc_cpuset_t core_cpuset(hwloc_topology_t t,
				  hwloc_const_cpuset_t allowed, unsigned k)
{
	int n =
	    hwloc_get_nbobjs_inside_cpuset_by_type(t, allowed, HWLOC_OBJ_CORE);
	hwloc_cpuset_t set = hwloc_bitmap_alloc();
	hwloc_obj_t core;

	if (n <= 0) { /* no core objects: fall back to single PUs */
		int pu = hwloc_bitmap_first(allowed);
		unsigned npu = (unsigned)hwloc_bitmap_weight(allowed);

		for (unsigned i = 0; npu && i < k % npu; i++)
			pu = hwloc_bitmap_next(allowed, pu);
		hwloc_bitmap_only(set, pu);
		return set;
	}
	core = hwloc_get_obj_inside_cpuset_by_type(t, allowed, HWLOC_OBJ_CORE,
						   k % (unsigned)n);
	hwloc_bitmap_and(set, core->cpuset, allowed);
	return set;
}

static int start_threads(hx_engine *e, hwloc_const_cpuset_t allowed)
{
	e->threads = calloc(e->nthreads, sizeof(pthread_t));
	if (!e->threads)
		return -1;
	/* The caller floats; pool thread i is pinned to core i+1 (all its
	 * allowed PUs) so that with one thread per core the caller keeps
	 * core 0. */
	for (unsigned i = 0; i + 1 < e->nthreads; i++) {
		struct start_arg *sa = malloc(sizeof(*sa));

		if (!sa)
			return -1;
		sa->e = e;
		sa->cpu = core_cpuset(e->topo, allowed, i + 1);
		if (pthread_create(&e->threads[i], NULL, worker_main, sa)) {
			hwloc_bitmap_free(sa->cpu);
			free(sa);
			return -1;
		}
	}
	return 0;
}

static int topology_open(hwloc_topology_t *topo)
{
	if (hwloc_topology_init(topo))
		return -1;
	if (hwloc_topology_load(*topo)) {
		hwloc_topology_destroy(*topo);
		return -1;
	}
	return 0;
}

hx_engine *hx_engine_create(unsigned nthreads)
{
	hx_engine *e = calloc(1, sizeof(*e));
	hwloc_cpuset_t allowed;

	if (!e)
		return NULL;
	pthread_mutex_init(&e->lock, NULL);
	if (topology_open(&e->topo)) {
		free(e);
		return NULL;
	}
	allowed = hwloc_bitmap_alloc();
	if (hwloc_get_cpubind(e->topo, allowed, HWLOC_CPUBIND_PROCESS) ||
	    hwloc_bitmap_iszero(allowed))
		hwloc_bitmap_copy(allowed,
				  hwloc_topology_get_allowed_cpuset(e->topo));
	if (!nthreads) {
		int cores = hwloc_get_nbobjs_inside_cpuset_by_type(
		    e->topo, allowed, HWLOC_OBJ_CORE);

		nthreads = env_unsigned(
		    "HMMCL_WORKERS",
		    cores > 0 ? (unsigned)cores
			      : (unsigned)hwloc_bitmap_weight(allowed));
	}
	e->nthreads = nthreads ? nthreads : 1;
	hx_fault_install();
	hx_trace_init();
	if (start_threads(e, allowed)) {
		hwloc_bitmap_free(allowed);
		hx_engine_destroy(e);
		return NULL;
	}
	HX_TRACE("engine %p: %u threads (%u pool threads%s + caller), "
		 "%d allowed PUs",
		 (void *)e, e->nthreads, e->nthreads - 1,
		 getenv("HMMCL_PIN") && !strcmp(getenv("HMMCL_PIN"), "0")
		     ? ""
		     : " pinned per core",
		 hwloc_bitmap_weight(allowed));
	hwloc_bitmap_free(allowed);
	return e;
}

void hx_engine_destroy(hx_engine *e)
{
	if (!e)
		return;
	atomic_store(&e->stop, 1);
	atomic_fetch_add(&e->gen, 1);
	futex_wake(&e->gen, INT_MAX);
	for (unsigned i = 0; e->threads && i + 1 < e->nthreads; i++)
		if (e->threads[i])
			pthread_join(e->threads[i], NULL);
	free(e->threads);
	hwloc_topology_destroy(e->topo);
	pthread_mutex_destroy(&e->lock);
	free(e);
}

unsigned hx_engine_threads(const hx_engine *e)
{
	return e->nthreads;
}

void hx_engine_set_mmu(hx_engine *e, const struct hx_mmu *mmu)
{
	pthread_mutex_lock(&e->lock);
	if (mmu)
		e->mmu = *mmu;
	else
		memset(&e->mmu, 0, sizeof(e->mmu));
	pthread_mutex_unlock(&e->lock);
}

/* Adds j to the published launches and wakes up to 'want' sleepers.
 * Returns 0 when the table is full: the caller then runs j alone. */
static int publish(hx_engine *e, struct hx_job *j, unsigned want)
{
	unsigned n;

	pthread_mutex_lock(&e->lock);
	n = atomic_load_explicit(&e->njobs, memory_order_relaxed);
	if (n == HX_MAX_JOBS) {
		pthread_mutex_unlock(&e->lock);
		return 0;
	}
	e->jobs[n] = j;
	atomic_store_explicit(&e->njobs, n + 1, memory_order_release);
	pthread_mutex_unlock(&e->lock);
	atomic_fetch_add(&e->gen, 1);
	if (atomic_load(&e->sleepers))
		futex_wake(&e->gen, (int)want);
	return 1;
}

/* Removes j; then waits until no pool thread is inside it. */
static void unpublish(hx_engine *e, struct hx_job *j)
{
	unsigned n;
	uint32_t v;
	uint64_t t0 = now_ns();

	pthread_mutex_lock(&e->lock);
	n = atomic_load_explicit(&e->njobs, memory_order_relaxed);
	for (unsigned i = 0; i < n; i++) {
		if (e->jobs[i] == j) {
			e->jobs[i] = e->jobs[n - 1];
			atomic_store_explicit(&e->njobs, n - 1,
					      memory_order_release);
			break;
		}
	}
	pthread_mutex_unlock(&e->lock);
	for (unsigned i = 1; atomic_load(&j->active); i++) {
		_mm_pause();
		if (i % 64 || now_ns() - t0 < SPIN_NS)
			continue;
		/* A long group: sleep until the last pool thread leaves. */
		atomic_fetch_or(&j->active, HX_JOB_WAITING);
		while ((v = atomic_load(&j->active)) != HX_JOB_WAITING)
			futex_wait(&j->active, v);
		return;
	}
}

static uint64_t stack_size_for(const hx_kernel_code *code)
{
	static _Atomic uint64_t dflt;
	uint64_t size = atomic_load_explicit(&dflt, memory_order_relaxed);

	if (!size) {
		const char *s = getenv("HMMCL_STACK_SIZE");

		size = s ? strtoull(s, NULL, 0) : 0;
		if (size < 16384)
			size = s ? 16384 : 65536;
		atomic_store(&dflt, size);
	}
	/* private_size is the compiler's estimate: keep a margin for the
	 * builtins and printf that run on the same stack. */
	if (code->private_size + 16384 > size)
		size = code->private_size + 16384;
	return (size + 4095) & ~4095ull;
}

static void job_init(hx_engine *e, struct hx_job *j, const struct hx_launch *l,
		     unsigned nthreads)
{
	const hx_ndrange *nd = &j->ndc;
	uint64_t per_thread;

	j->entry = l->code->entry;
	j->flags = l->code->flags;
	j->args = l->args;
	j->local_bytes = l->local_bytes;
	j->items_max =
	    nd->local_size[0] * nd->local_size[1] * nd->local_size[2];
	j->stack_size = stack_size_for(l->code);
	j->ngroups = nd->num_groups[0] * nd->num_groups[1] * nd->num_groups[2];
	if (l->mmu) {
		j->mmu = *l->mmu;
	} else {
		pthread_mutex_lock(&e->lock);
		j->mmu = e->mmu;
		pthread_mutex_unlock(&e->lock);
	}
	/* Tiny groups: take several per atomic increment, but leave every
	 * thread a few chunks to balance the load. */
	j->chunk = (CHUNK_ITEMS + j->items_max - 1) / j->items_max;
	per_thread = j->ngroups / (4 * (uint64_t)nthreads);
	if (j->chunk > per_thread)
		j->chunk = per_thread ? per_thread : 1;
	/* One range per thread, none smaller than a chunk. */
	j->nparts = nthreads < HX_MAX_PARTS ? nthreads : HX_MAX_PARTS;
	if (j->ngroups / j->chunk < j->nparts)
		j->nparts = (unsigned)(j->ngroups / j->chunk) ? : 1;
	for (unsigned p = 0; p < j->nparts; p++) {
		atomic_init(&j->part[p].next, j->ngroups * p / j->nparts);
		j->part[p].end = j->ngroups * (p + 1) / j->nparts;
	}
}

static int fail(struct hx_run_result *res, int status, enum hx_run_error err)
{
	if (status)
		HX_TRACE("launch rejected: %s (%d)", hx_run_error_name(err),
			 status);
	if (res) {
		memset(res, 0, sizeof(*res));
		res->status = status;
		res->error = err;
	}
	return status;
}

static int result(struct hx_job *j, struct hx_run_result *res)
{
	int err = atomic_load(&j->error);
	int status = 0;

	if (err == HX_RUN_NO_MEMORY)
		status = -6; /* CL_OUT_OF_HOST_MEMORY */
	else if (err)
		status = -5; /* CL_OUT_OF_RESOURCES */
	if (res) {
		res->status = status;
		res->error = err;
		res->fault_addr = j->fault_addr;
		res->fault_signal = j->fault_signal;
		res->printf_lost = atomic_load(&j->pf_lost);
		res->groups_run = atomic_load(&j->groups_done);
	}
	return status;
}

static void trace_launch(const struct hx_job *j, int shared, int st,
			 uint64_t ns)
{
	const hx_ndrange *nd = j->nd;
	int err = atomic_load(&j->error);

	HX_TRACE(
	    "launch %ud %llux%llux%llu local %llux%llux%llu: %llu groups "
	    "(chunk %llu, %s), %s%s, __local %llu B: %.2f us, status %d%s%s",
	    nd->work_dim, (unsigned long long)nd->global_size[0],
	    (unsigned long long)nd->global_size[1],
	    (unsigned long long)nd->global_size[2],
	    (unsigned long long)nd->local_size[0],
	    (unsigned long long)nd->local_size[1],
	    (unsigned long long)nd->local_size[2],
	    (unsigned long long)j->ngroups, (unsigned long long)j->chunk,
	    shared ? "shared" : "caller only",
	    j->flags & HX_CODE_PER_ITEM ? "per-item" : "loop",
	    j->flags & HX_CODE_MIRRORED ? " mirrored" : "",
	    (unsigned long long)j->local_bytes, ns / 1e3, st, err ? ": " : "",
	    err ? hx_run_error_name(err) : "");
	if (err == HX_RUN_FAULT)
		HX_TRACE("device fault at 0x%llx (signal %d)",
			 (unsigned long long)j->fault_addr, j->fault_signal);
}

int hx_engine_run(hx_engine *e, const struct hx_launch *l,
		  struct hx_run_result *res)
{
	struct hx_job j;
	struct hx_worker *w;
	int st, shared = 0;
	uint64_t items, t0;

	memset(&j, 0, sizeof(j));
	j.ndc = *l->nd;
	j.nd = &j.ndc;
	st = hx_ndrange_finish(&j.ndc);
	if (st)
		return fail(res, st, HX_RUN_BAD_NDRANGE);
	items = j.ndc.local_size[0] * j.ndc.local_size[1] * j.ndc.local_size[2];
	if (items > HX_MAX_WORK_GROUP_SIZE)
		return fail(res, -54 /* CL_INVALID_WORK_GROUP_SIZE */,
			    HX_RUN_WG_SIZE);
	if (l->local_bytes > HX_DEVICE_LOCAL_MEM_SIZE)
		return fail(res, -5 /* CL_OUT_OF_RESOURCES */,
			    HX_RUN_LOCAL_MEM);
	w = hx_worker_self();
	job_init(e, &j, l, e->nthreads);
	if (!j.ngroups)
		return fail(res, 0,
			    HX_RUN_OK); /* a zero global size: nothing to run */
	if (!w || hx_worker_reserve(w, &j) || hx_printf_begin(w, &j))
		return fail(res, -6, HX_RUN_NO_MEMORY);
	if (j.ngroups > j.chunk && e->nthreads > 1) {
		uint64_t chunks = (j.ngroups + j.chunk - 1) / j.chunk;

		shared = publish(e, &j,
				 chunks - 1 < e->nthreads - 1
				     ? (unsigned)(chunks - 1)
				     : e->nthreads - 1);
	}
	t0 = hx_trace_on ? now_ns() : 0;
	drain(w, &j, 0);
	if (shared)
		unpublish(e, &j);
	hx_printf_end(w, &j);
	st = result(&j, res);
	if (hx_trace_on)
		trace_launch(&j, shared, st, now_ns() - t0);
	return st;
}
