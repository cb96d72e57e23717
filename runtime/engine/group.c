/* Running work-groups: one chunk of consecutive groups on one thread,
 * and the services (hx_rt) kernel code calls back into. */
#include "engine_internal.h"

#ifdef HX_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

void hx_job_stop(struct hx_job *j)
{
	for (unsigned p = 0; p < j->nparts; p++)
		atomic_store(&j->part[p].next, j->part[p].end);
}

void hx_job_fail(struct hx_job *j, enum hx_run_error err)
{
	int none = 0;

	atomic_compare_exchange_strong(&j->error, &none, (int)err);
	/* Hand out no more groups: the launch is lost anyway. */
	hx_job_stop(j);
}

static void fail_aborted(struct hx_worker *w, struct hx_job *j)
{
	int none = 0;

	if (atomic_compare_exchange_strong(&j->error, &none,
					   (int)w->abort_error)) {
		j->fault_addr = w->fault_addr;
		j->fault_signal = w->fault_signal;
	}
	hx_job_stop(j);
}

static void set_sizes(hx_group *g, const hx_ndrange *nd)
{
	for (int d = 0; d < HX_MAX_DIMS; d++) {
		uint64_t start = g->group_id[d] * nd->local_size[d];
		uint64_t left = nd->global_size[d] - start;

		g->local_size[d] =
		    left < nd->local_size[d] ? left : nd->local_size[d];
	}
}

/* Runs up to count groups from g->group_id on; returns how many
 * completed. One sigsetjmp for all of them: after a fault the launch is
 * lost, so the rest of the chunk is dropped anyway. */
static uint64_t run_groups(struct hx_worker *w, struct hx_job *j, hx_group *g,
			   uint64_t count)
{
	const hx_ndrange *nd = j->nd;
	uint64_t n0 = nd->num_groups[0], n1 = nd->num_groups[1];
	volatile uint64_t done = 0;

	if (sigsetjmp(w->abort_jb, 0)) {
#ifdef HX_ASAN
		if (w->on_fiber)
			__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
		w->stacks_dirty |= w->on_fiber;
		w->on_fiber = 0;
		fail_aborted(w, j);
		return done;
	}
	w->in_kernel = 1;
	while (done < count) {
		set_sizes(g, nd);
		if (j->flags & HX_CODE_PER_ITEM)
			hx_fibers_run(w, j, g);
		else
			j->entry(j->args, g);
		if (atomic_load_explicit(&j->error, memory_order_relaxed))
			break;
		done = done + 1;
		if (++g->group_id[0] == n0) {
			g->group_id[0] = 0;
			if (++g->group_id[1] == n1) {
				g->group_id[1] = 0;
				g->group_id[2]++;
			}
		}
	}
	w->in_kernel = 0;
	return done;
}

/* Loop mode: the running item's private objects (its frames, and the
 * context arrays of work-item loops, which are allocas of the entry) are
 * all below this frame on this thread's stack. Frames above it belong to
 * the engine and the application, whose stack buffers a kernel may reach
 * as shared virtual memory: those are global. top is the frame of
 * hx_run_chunk, which calls every entry of the chunk. Fibers set their
 * own range. */
static void private_range(const struct hx_worker *w, hx_group *g, uintptr_t top)
{
	g->private_hi = top;
	if (top > w->stack_lo && top <= w->stack_hi)
		g->private_lo = w->stack_lo;
	else
		g->private_lo = top > HX_FOREIGN_STACK_BYTES
				    ? top - HX_FOREIGN_STACK_BYTES
				    : 0;
}

void hx_run_chunk(struct hx_worker *w, struct hx_job *j, uint64_t first,
		  uint64_t count)
{
	const hx_ndrange *nd = j->nd;
	hx_group *g = &w->g;
	uint64_t n0 = nd->num_groups[0], n1 = nd->num_groups[1];
	uint64_t done;

	g->nd = nd;
	g->rt = &hx_rt_engine;
	g->local_mem = w->local_mem;
	g->wg_scratch = w->scratch;
	g->engine = w;
	g->local_mem_size = j->local_bytes;
	private_range(w, g, (uintptr_t)__builtin_frame_address(0));
	g->local_id[0] = g->local_id[1] = g->local_id[2] = 0;
	g->group_id[0] = first % n0;
	g->group_id[1] = (first / n0) % n1;
	g->group_id[2] = first / (n0 * n1);
	w->job = j;
	done = run_groups(w, j, g, count);
	w->job = NULL;
	atomic_fetch_add_explicit(&j->groups_done, done, memory_order_relaxed);
}

static void *rt_translate(hx_group *g, uint64_t addr, uint64_t size,
			  uint32_t access)
{
	struct hx_worker *w = g->engine;
	const struct hx_mmu *mmu = &w->job->mmu;
	void *p;

	if (!mmu->translate)
		return (void *)(uintptr_t)addr;
	p = mmu->translate(mmu->ctx, w->index, addr, size, access);
	if (!p) {
		w->fault_addr = addr;
		w->fault_signal = 0;
		w->abort_error = HX_RUN_FAULT;
		hx_group_abort(w);
	}
	return p;
}

const hx_rt hx_rt_engine = {
    .barrier = hx_rt_barrier,
    .printf = hx_rt_printf,
    .translate = rt_translate,
};
