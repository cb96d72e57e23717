/* Per-item mode: one fiber per work-item, switched round-robin at
 * barriers.
 *
 * Items run in order 0..n-1 up to their next barrier (or return). When
 * item n-1 reaches the barrier every item has, and the round restarts at
 * item 0. An item that returns while others wait at a barrier (or
 * reaches a barrier after another returned) is a divergent barrier: the
 * group stops and the launch reports it instead of hanging.
 *
 * Fibers start lazily, in order, with a direct call on a fresh stack
 * (hx_fiber_start). In the first round either every item reaches the
 * barrier (each keeps its own stack) or every item returns: then each
 * starts on the stack the previous one just left, so a per-item kernel
 * that executes no barrier runs on one warm stack.
 */
#include "engine_internal.h"

#include <stdlib.h>

#ifdef HX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

static char *stack_bottom(const struct hx_worker *w, uint64_t s)
{
	uint64_t page = 4096;

	return w->stacks + s * (w->stack_size + page) + page;
}

/* Stacks are page-aligned: shift each top by a cache line per stack, or
 * every fiber's hot frames fall into the same L1 sets. */
static char *stack_top(const struct hx_worker *w, uint64_t s)
{
	return stack_bottom(w, s) + w->stack_size - (s * 64) % 4096;
}

/* Leaves the running context (saved in *save unless dying) for to_sp,
 * or, with to_sp NULL, for a new fiber on stack s. */
static void switch_to(struct hx_worker *w, void **save, void *to_sp, uint64_t s,
		      int dying)
{
	void (*start)(void *) = w->fiber_entry;
#ifdef HX_ASAN
	void *fake = NULL;

	if (s == UINT64_MAX)
		__sanitizer_start_switch_fiber(dying ? NULL : &fake,
					       w->main_bottom, w->main_size);
	else
		__sanitizer_start_switch_fiber(
		    dying ? NULL : &fake, stack_bottom(w, s), w->stack_size);
#endif
	if (to_sp)
		hx_fiber_switch(save, to_sp);
	else
		hx_fiber_start(dying ? NULL : save, stack_top(w, s), start, w);
#ifdef HX_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}

/* The running item reached a barrier (returned == 0) or its end. */
static void advance(struct hx_worker *w, int returned)
{
	struct hx_fiber *self = &w->fibers[w->cur];
	uint64_t next, s;

	if (w->arrived && w->returned) {
		w->fiber_error = HX_RUN_DIVERGENT_BARRIER;
		w->stacks_dirty = 1;
		switch_to(w, &self->sp, w->main_sp, UINT64_MAX, 1);
		return;
	}
	if (w->cur + 1 < w->nfib) {
		next = w->cur + 1;
	} else if (w->returned == w->nfib) {
		switch_to(w, &self->sp, w->main_sp, UINT64_MAX, 1);
		return;
	} else {
		w->arrived = 0; /* everyone is at the barrier: next round */
		next = 0;
	}
	w->cur = next;
	if (&w->fibers[next] == self)
		return;
	if (next < w->started) {
		switch_to(w, &self->sp, w->fibers[next].sp,
			  w->fibers[next].stack, returned);
		return;
	}
	/* A new item: on the stack just left by a finished one, else on a
	 * stack of its own. (ASan keeps stacks apart: dead frames stay
	 * poisoned.) */
#ifdef HX_ASAN
	s = w->stacks_used++;
#else
	s = returned ? self->stack : w->stacks_used++;
#endif
	w->fibers[next].stack = s;
	w->started++;
	switch_to(w, &self->sp, NULL, s, returned);
}

static void fiber_main(void *arg)
{
	struct hx_worker *w = arg;
	hx_group g = *w->fiber_g0;
	uint64_t s = w->fibers[w->cur].stack;

#ifdef HX_ASAN
	/* Item 0 always starts from the worker's own stack: learn it. */
	if (w->cur == 0)
		__sanitizer_finish_switch_fiber(NULL, &w->main_bottom,
						&w->main_size);
	else
		__sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
	/* This item's private objects live on its own stack only. */
	g.private_lo = (uintptr_t)stack_bottom(w, s);
	g.private_hi = (uintptr_t)stack_top(w, s);
	/* Items start in order: step the local id like an odometer. */
	for (int d = 0; d < HX_MAX_DIMS; d++)
		g.local_id[d] = w->next_lid[d];
	if (++w->next_lid[0] == g.local_size[0]) {
		w->next_lid[0] = 0;
		if (++w->next_lid[1] == g.local_size[1]) {
			w->next_lid[1] = 0;
			w->next_lid[2]++;
		}
	}
	w->job->entry(w->job->args, &g);
	w->returned++;
	advance(w, 1);
	abort(); /* a returned item is never resumed */
}

void hx_fibers_run(struct hx_worker *w, struct hx_job *j, const hx_group *g0)
{
#ifdef HX_ASAN
	/* Fibers abandoned mid-kernel left their frames poisoned. */
	if (w->stacks_dirty)
		__asan_unpoison_memory_region(w->stacks, w->stacks_len);
	w->stacks_dirty = 0;
#endif
	w->fiber_g0 = g0;
	w->fiber_entry = fiber_main;
	w->next_lid[0] = w->next_lid[1] = w->next_lid[2] = 0;
	w->nfib = g0->local_size[0] * g0->local_size[1] * g0->local_size[2];
	w->cur = w->arrived = w->returned = 0;
	w->started = 1;
	w->stacks_used = 1;
	w->fibers[0].stack = 0;
	w->fiber_error = 0;
	w->on_fiber = 1;
	switch_to(w, &w->main_sp, NULL, 0, 0);
	w->on_fiber = 0;
	if (w->fiber_error)
		hx_job_fail(j, w->fiber_error);
}

/* rt->barrier. In per-item mode this is the hot path of barrier-heavy
 * kernels: one call level, then the switch. */
void hx_rt_barrier(hx_group *g, uint32_t flags)
{
	struct hx_worker *w = g->engine;

	(void)flags; /* one thread runs the whole group: program order is enough
		      */
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
