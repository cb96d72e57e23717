/* Per-item mode: one fiber per work-item, switched round-robin at
 * barriers.
 *
 * Items run in order 0..n-1 up to their next barrier (or return). When
 * item n-1 reaches the barrier every item has, and the round restarts at
 * item 0. An item that returns while others wait at a barrier (or
 * reaches a barrier after another returned) is a divergent barrier: the
 * group stops and the launch reports it instead of hanging.
 */
#include "engine_internal.h"

#include <stdlib.h>

#ifdef HX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

static char *stack_bottom(const struct hx_worker *w, uint64_t i)
{
	uint64_t page = 4096;

	return w->stacks + i * (w->stack_size + page) + page;
}

/* Switches from the running context to to_sp. A dying context (an item
 * that returned) never comes back, so ASan may drop its fake stack. */
static void switch_to(struct hx_worker *w, void **save, void *to_sp,
		      const void *bottom, size_t size, int dying)
{
#ifdef HX_ASAN
	void *fake = NULL;

	__sanitizer_start_switch_fiber(dying ? NULL : &fake, bottom, size);
	hx_fiber_switch(save, to_sp);
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#else
	(void)w;
	(void)bottom;
	(void)size;
	(void)dying;
	hx_fiber_switch(save, to_sp);
#endif
}

static void switch_to_main(struct hx_worker *w, void **save, int dying)
{
#ifdef HX_ASAN
	switch_to(w, save, w->main_sp, w->main_bottom, w->main_size, dying);
#else
	switch_to(w, save, w->main_sp, NULL, 0, dying);
#endif
}

/* The running item reached a barrier (returned == 0) or its end. */
static void advance(struct hx_worker *w, int returned)
{
	struct hx_fiber *self = &w->fibers[w->cur];
	uint64_t next;

	if (w->arrived && w->returned) {
		w->fiber_error = HX_RUN_DIVERGENT_BARRIER;
		w->stacks_dirty = 1;
		switch_to_main(w, &self->sp, 1);
		return;
	}
	if (w->cur + 1 < w->nfib) {
		next = w->cur + 1;
	} else if (w->returned == w->nfib) {
		switch_to_main(w, &self->sp, 1);
		return;
	} else {
		w->arrived = 0; /* everyone is at the barrier: next round */
		next = 0;
	}
	w->cur = next;
	if (&w->fibers[next] == self)
		return;
	switch_to(w, &self->sp, w->fibers[next].sp, stack_bottom(w, next),
		  w->stack_size, returned);
}

static void fiber_main(void *arg)
{
	struct hx_worker *w = arg;
	struct hx_fiber *f = &w->fibers[w->cur];

#ifdef HX_ASAN
	/* Item 0 always starts from the worker's own stack: learn it. */
	if (w->cur == 0)
		__sanitizer_finish_switch_fiber(NULL, &w->main_bottom,
						&w->main_size);
	else
		__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	w->job->entry(w->job->args, &f->g);
	w->returned++;
	advance(w, 1);
	abort(); /* a returned item is never resumed */
}

static void *prepare_stack(struct hx_worker *w, uint64_t i)
{
	/* Stacks are page-aligned: shift each top by a cache line per item,
	 * or every fiber's hot frames fall into the same L1 sets. */
	uint64_t *top = (uint64_t *)(stack_bottom(w, i) + w->stack_size -
				     (i * 64) % 4096);
	uint64_t *sp = top - 8;

	sp[0] = 0x1f80 | (0x037full << 32); /* default MXCSR, x87 CW */
	sp[1] = sp[2] = sp[3] = 0;          /* r15 r14 r13 */
	sp[4] = (uint64_t)(uintptr_t)w;     /* r12: argument */
	sp[5] = (uint64_t)(uintptr_t)fiber_main; /* rbx: function */
	sp[6] = 0;                          /* rbp */
	sp[7] = (uint64_t)(uintptr_t)hx_fiber_trampoline;
	return sp;
}

void hx_fibers_run(struct hx_worker *w, struct hx_job *j, const hx_group *g0)
{
	uint64_t lx = g0->local_size[0], ly = g0->local_size[1];
	uint64_t n = lx * ly * g0->local_size[2];

#ifdef HX_ASAN
	/* Fibers abandoned mid-kernel left their frames poisoned. */
	if (w->stacks_dirty)
		__asan_unpoison_memory_region(w->stacks, w->stacks_len);
	w->stacks_dirty = 0;
#endif
	for (uint64_t i = 0; i < n; i++) {
		struct hx_fiber *f = &w->fibers[i];

		f->g = *g0;
		f->g.local_id[0] = i % lx;
		f->g.local_id[1] = (i / lx) % ly;
		f->g.local_id[2] = i / (lx * ly);
		f->sp = prepare_stack(w, i);
	}
	w->nfib = n;
	w->cur = w->arrived = w->returned = 0;
	w->fiber_error = 0;
	w->on_fiber = 1;
	switch_to(w, &w->main_sp, w->fibers[0].sp, stack_bottom(w, 0),
		  w->stack_size, 0);
	w->on_fiber = 0;
	if (w->fiber_error)
		hx_job_fail(j, w->fiber_error);
}

/* rt->barrier. In per-item mode this is the hot path of barrier-heavy
 * kernels: one call level, then the switch. */
void hx_rt_barrier(hx_group *g, uint32_t flags)
{
	struct hx_worker *w = g->engine;

	(void)flags; /* one thread runs the whole group: program order is enough */
	atomic_signal_fence(memory_order_seq_cst);
	if (__builtin_expect(w->on_fiber, 1)) {
		w->arrived++;
		advance(w, 0);
	} else if (g->local_size[0] * g->local_size[1] * g->local_size[2] > 1) {
		/* A loop-mode entry cannot stop its items half-way. */
		w->abort_error = HX_RUN_BAD_BARRIER;
		hx_group_abort(w);
	}
	atomic_signal_fence(memory_order_seq_cst);
}
